//! AAR Review's desktop app: a window over the Svelte front end in `ui/`, and one Tauri command
//! per [`aar_api::Api`] method (see [`commands`]). Everything about review lives in `aar-api`.

// Release builds on Windows get no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use commands::Backend;

fn main() {
    // A method worker is this executable started with a hidden argument: it serves and exits
    // here, before any window or runtime.
    aar_api::serve_if_worker();
    let backend = Backend::default();
    let opener = backend.clone();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(backend)
        .setup(move |_app| {
            // Opening the store (and importing the demo on a first start) runs in the
            // background: the window shows at once, and commands wait until the store is ready.
            tauri::async_runtime::spawn(opener.open_store());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store_info,
            commands::startup_error,
            commands::actor,
            commands::list_submissions,
            commands::show_submission,
            commands::read_file,
            commands::diff_submissions,
            commands::audit_log,
            commands::import_paths,
            commands::list_tasks,
            commands::list_runs,
            commands::run_detail,
            commands::submission_runs,
            commands::start_run,
            commands::cancel_run,
            commands::start_verify,
            commands::start_verify_batch,
            commands::request_verification,
            commands::verification_queue,
            commands::submission_verifications,
            commands::me,
            commands::set_reviewer,
            commands::set_role,
            commands::reviewers,
            commands::review,
            commands::vote,
            commands::sign_off,
            commands::request_blind_review,
            commands::comment,
            commands::resolve_thread,
            commands::judge_flag,
            commands::check_precision,
            commands::export_review,
            commands::save_review_export,
            commands::verify_audit,
        ])
        .run(tauri::generate_context!())
        .expect("the AAR Review window could not start");
}
