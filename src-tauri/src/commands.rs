//! The Tauri commands: each one waits for the store, then delegates to one [`Api`] method.
//! Every command rejects with [`ApiError`] (`{code, message}`), as `ui/src/lib/bindings.ts` says.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use aar_api::dto::{
    AuditEntryView, BatchProgress, BatchVerification, CheckPrecision, CommentRequest, ExportFormat,
    ExportSaved, FileContent, FlagJudgement, ImportReport, ListQuery, QueuedVerification, ReviewView,
    Reviewer, RunDetail, RunProgress, RunRequest, RunSummary, StoreInfo, SubmissionDetail, SubmissionDiff,
    SubmissionSummary, TaskSummary, VerificationDetail, VerifyProgress, VerifyRequest, VoteRequest,
};
use aar_api::progress::ProgressForwarder;
use aar_api::{Api, ApiError, AuditVerification, ErrorCode, Role};
use tauri::State;
use tauri::ipc::Channel;
use tokio::sync::watch;

type Opened = Option<Result<Api, ApiError>>;

/// The app's state: the [`Api`] once the store is open, and what went wrong while starting.
#[derive(Debug, Clone)]
pub struct Backend {
    opened: watch::Sender<Opened>,
    startup_error: Arc<Mutex<Option<ApiError>>>,
}

impl Default for Backend {
    fn default() -> Backend {
        Backend { opened: watch::Sender::new(None), startup_error: Arc::default() }
    }
}

impl Backend {
    /// Opens the store named by `AAR_REVIEW_DB` (a path or a `sqlite:`/`postgres:` URL), else the
    /// default SQLite file, and imports the demo corpus if the store is empty.
    pub async fn open_store(self) {
        let opened = match database_location() {
            // Submitted methods run in worker processes started from this executable (main.rs).
            Ok(location) => {
                async {
                    let api = Api::open(&location, aar_api::default_actor(), aar_api::system_clock()).await?;
                    Ok::<_, ApiError>(api.with_isolation(aar_api::worker_isolation()?))
                }
                .await
            }
            Err(e) => Err(e),
        };
        if let Ok(api) = &opened
            && let Err(e) = api.import_demo_if_empty().await
        {
            let e = ApiError::new(e.code, format!("the demo corpus could not be imported: {}", e.message));
            *self.startup_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
        }
        self.opened.send_replace(Some(opened));
    }

    /// The API, once the store is open; the opening error otherwise.
    async fn api(&self) -> Result<Api, ApiError> {
        let mut opened = self.opened.subscribe();
        let never_opened =
            || ApiError::new(ErrorCode::Storage, "the store was never opened (the app is shutting down)");
        let ready = opened.wait_for(Option::is_some).await.map_err(|_| never_opened())?;
        ready.clone().unwrap_or_else(|| Err(never_opened()))
    }

    /// From now on, acts as reviewer `name` (commands already under way finish as who they
    /// started as). Refused in team mode, where the database login is who acts.
    async fn act_as(&self, name: &str) -> Result<Reviewer, ApiError> {
        let api = self.api().await?.with_actor(name).await?;
        let me = api.me().await?;
        self.opened.send_replace(Some(Ok(api)));
        Ok(me)
    }
}

fn database_location() -> Result<String, ApiError> {
    if let Some(location) = std::env::var_os(aar_api::DATABASE_ENV) {
        return Ok(location.to_string_lossy().into_owned());
    }
    aar_api::default_database_path().map(|p| p.to_string_lossy().into_owned()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Storage,
            format!(
                "no home directory to keep the database in; set {} to a file path",
                aar_api::DATABASE_ENV
            ),
        )
    })
}

#[tauri::command]
pub async fn store_info(backend: State<'_, Backend>) -> Result<StoreInfo, ApiError> {
    backend.api().await?.info().await
}

/// What went wrong while starting (the store opened, but the demo import failed), if anything.
#[tauri::command]
pub async fn startup_error(backend: State<'_, Backend>) -> Result<Option<ApiError>, ApiError> {
    backend.api().await?;
    Ok(backend.startup_error.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

#[tauri::command]
pub async fn list_submissions(
    backend: State<'_, Backend>,
    query: ListQuery,
) -> Result<Vec<SubmissionSummary>, ApiError> {
    backend.api().await?.list(&query).await
}

#[tauri::command]
pub async fn show_submission(backend: State<'_, Backend>, id: String) -> Result<SubmissionDetail, ApiError> {
    backend.api().await?.show(&id).await
}

#[tauri::command]
pub async fn read_file(
    backend: State<'_, Backend>,
    id: String,
    path: String,
) -> Result<FileContent, ApiError> {
    backend.api().await?.file(&id, &path).await
}

#[tauri::command]
pub async fn diff_submissions(
    backend: State<'_, Backend>,
    id: String,
    other: Option<String>,
    ignore_whitespace: bool,
) -> Result<SubmissionDiff, ApiError> {
    backend.api().await?.diff(&id, other.as_deref(), ignore_whitespace).await
}

#[tauri::command]
pub async fn audit_log(backend: State<'_, Backend>, limit: u32) -> Result<Vec<AuditEntryView>, ApiError> {
    backend.api().await?.audit(limit).await
}

#[tauri::command]
pub async fn import_paths(backend: State<'_, Backend>, paths: Vec<String>) -> Result<ImportReport, ApiError> {
    backend.api().await?.import(&paths.into_iter().map(PathBuf::from).collect::<Vec<_>>()).await
}

/// The reviewer the app acts as (`AAR_REVIEW_USER`, else the login name).
#[tauri::command]
pub async fn actor(backend: State<'_, Backend>) -> Result<String, ApiError> {
    Ok(backend.api().await?.actor().to_owned())
}

#[tauri::command]
pub async fn list_tasks(backend: State<'_, Backend>) -> Result<Vec<TaskSummary>, ApiError> {
    backend.api().await?.tasks()
}

#[tauri::command]
pub async fn list_runs(backend: State<'_, Backend>, limit: u32) -> Result<Vec<RunSummary>, ApiError> {
    backend.api().await?.runs(limit).await
}

/// The stored runs of one submission's own method, newest first.
#[tauri::command]
pub async fn submission_runs(backend: State<'_, Backend>, id: String) -> Result<Vec<RunSummary>, ApiError> {
    backend.api().await?.submission_runs(&id).await
}

#[tauri::command]
pub async fn run_detail(backend: State<'_, Backend>, id: String) -> Result<RunDetail, ApiError> {
    backend.api().await?.run_detail(&id).await
}

/// Re-runs the protocol; resolves when the run is stored. Progress arrives on `progress` (a send
/// fails only once the window is gone, and then there is nobody left to tell).
#[tauri::command]
pub async fn start_run(
    backend: State<'_, Backend>,
    ticket: String,
    request: RunRequest,
    progress: Channel<RunProgress>,
) -> Result<RunDetail, ApiError> {
    let sink = ProgressForwarder::new(move |p| drop(progress.send(p)));
    backend.api().await?.start_run(&ticket, request, Box::new(sink)).await
}

/// Verifies a submission; resolves when the report is stored. Each run's start and progress
/// arrive on `progress`; `cancel_run` with the same ticket stops it.
#[tauri::command]
pub async fn start_verify(
    backend: State<'_, Backend>,
    ticket: String,
    id: String,
    request: VerifyRequest,
    progress: Channel<VerifyProgress>,
) -> Result<VerificationDetail, ApiError> {
    let mut sinks = aar_api::progress::verify_forwarder(move |p| drop(progress.send(p)));
    backend.api().await?.start_verify(&ticket, &id, request, &mut sinks).await
}

/// Verifies the submissions in `ids` one after another, then corrects their significance across
/// the batch; resolves with the batch's table. Which submission runs, each run's progress and each
/// stored verification arrive on `progress`; `cancel_run` with the same ticket stops the batch
/// (the verifications finished by then stay stored).
#[tauri::command]
pub async fn start_verify_batch(
    backend: State<'_, Backend>,
    ticket: String,
    ids: Vec<String>,
    request: VerifyRequest,
    progress: Channel<BatchProgress>,
) -> Result<BatchVerification, ApiError> {
    let mut sinks = aar_api::progress::batch_forwarder(move |p| drop(progress.send(p)));
    backend.api().await?.start_verify_batch(&ticket, &ids, request, &mut sinks).await
}

/// Queues a verification of a submission for a worker (`aar-review worker`).
#[tauri::command]
pub async fn request_verification(
    backend: State<'_, Backend>,
    id: String,
    request: VerifyRequest,
) -> Result<QueuedVerification, ApiError> {
    backend.api().await?.request_verification(&id, request).await
}

/// The verification queue, newest first: waiting and running requests, or every one.
#[tauri::command]
pub async fn verification_queue(
    backend: State<'_, Backend>,
    all: bool,
) -> Result<Vec<QueuedVerification>, ApiError> {
    backend.api().await?.verification_queue(all).await
}

/// A submission's verifications, newest first.
#[tauri::command]
pub async fn submission_verifications(
    backend: State<'_, Backend>,
    id: String,
) -> Result<Vec<VerificationDetail>, ApiError> {
    backend.api().await?.verifications(&id).await
}

#[tauri::command]
pub async fn cancel_run(backend: State<'_, Backend>, ticket: String) -> Result<bool, ApiError> {
    Ok(backend.api().await?.cancel_run(&ticket))
}

/// Who is acting, with their role.
#[tauri::command]
pub async fn me(backend: State<'_, Backend>) -> Result<Reviewer, ApiError> {
    backend.api().await?.me().await
}

/// Acts as reviewer `name` from now on (the settings' "who am I").
#[tauri::command]
pub async fn set_reviewer(backend: State<'_, Backend>, name: String) -> Result<Reviewer, ApiError> {
    backend.act_as(&name).await
}

#[tauri::command]
pub async fn set_role(backend: State<'_, Backend>, name: String, role: Role) -> Result<Reviewer, ApiError> {
    backend.api().await?.set_role(&name, role).await
}

/// The reviewers with a role set, by name.
#[tauri::command]
pub async fn reviewers(backend: State<'_, Backend>) -> Result<Vec<Reviewer>, ApiError> {
    backend.api().await?.reviewers().await
}

/// One submission's review, as the acting reviewer may see it.
#[tauri::command]
pub async fn review(backend: State<'_, Backend>, id: String) -> Result<ReviewView, ApiError> {
    backend.api().await?.review(&id).await
}

#[tauri::command]
pub async fn vote(
    backend: State<'_, Backend>,
    id: String,
    request: VoteRequest,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.vote(&id, request).await
}

#[tauri::command]
pub async fn sign_off(
    backend: State<'_, Backend>,
    id: String,
    rationale: String,
    verification_id: Option<String>,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.sign_off(&id, &rationale, verification_id).await
}

#[tauri::command]
pub async fn request_blind_review(
    backend: State<'_, Backend>,
    id: String,
    reason: String,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.request_blind_review(&id, &reason).await
}

#[tauri::command]
pub async fn comment(
    backend: State<'_, Backend>,
    id: String,
    request: CommentRequest,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.comment(&id, request).await
}

#[tauri::command]
pub async fn resolve_thread(
    backend: State<'_, Backend>,
    id: String,
    thread: i64,
    resolved: bool,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.resolve_thread(&id, thread, resolved).await
}

#[tauri::command]
pub async fn judge_flag(
    backend: State<'_, Backend>,
    id: String,
    judgement: FlagJudgement,
) -> Result<ReviewView, ApiError> {
    backend.api().await?.judge_flag(&id, judgement).await
}

/// Each judged check's precision over every reviewed submission.
#[tauri::command]
pub async fn check_precision(backend: State<'_, Backend>) -> Result<Vec<CheckPrecision>, ApiError> {
    backend.api().await?.check_precision().await
}

/// Walks the whole audit chain: how many entries, the head to keep elsewhere, the first break.
#[tauri::command]
pub async fn verify_audit(backend: State<'_, Backend>) -> Result<AuditVerification, ApiError> {
    backend.api().await?.verify_audit().await
}

/// Every submission's review state as text in `format` (the front end copies or saves it).
#[tauri::command]
pub async fn export_review(backend: State<'_, Backend>, format: ExportFormat) -> Result<String, ApiError> {
    backend.api().await?.export_as(format).await
}

/// Writes the review export to a path the reviewer typed (`~/` or absolute), whole or not at all.
#[tauri::command]
pub async fn save_review_export(
    backend: State<'_, Backend>,
    format: ExportFormat,
    path: String,
) -> Result<ExportSaved, ApiError> {
    backend.api().await?.export_to(format, &path).await
}
