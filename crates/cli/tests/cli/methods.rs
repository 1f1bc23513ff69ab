//! Issue 7 against the real binary: `run ID|METHOD-FILE` runs a stored submission's method or a
//! method file in the sandbox, `check-method` validates one without training, and a failed run
//! exits 5 leaving only its audit entry.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use super::Workspace;

fn reference_methods() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../methods");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rhai"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_rhai_demo_submission_reruns_its_own_method() {
    let ws = Workspace::with_demo();
    let list = ws.json(&["list", "--json"]);
    let rhai: Vec<&Value> = list.as_array().unwrap().iter().filter(|s| s["language"] == "rhai").collect();
    assert!(rhai.len() >= 15, "the demo's Rhai submissions: {}", rhai.len());
    for submission in rhai {
        let id = submission["id"].as_str().unwrap();
        if submission["title"].as_str().unwrap().contains("teacher-agreement check") {
            // The planted label probe (demo/README.md): stopped at its read of ctx.gold, exit 5.
            let err = ws.fails(&["run", &id[..12], "--task", "digits", "--seeds", "1", "--device", "cpu"], 5);
            assert!(err.contains("method.rhai:7:28") && err.contains("ctx.gold"), "{err}");
            continue;
        }
        let report =
            ws.json(&["run", &id[..12], "--task", "digits", "--seeds", "5", "--device", "cpu", "--json"]);
        assert_eq!(report["method"]["submission_id"], id, "{}", submission["title"]);
        assert_eq!(report["seeds"], serde_json::json!([42, 43, 44, 45, 46]));
        assert!(report["aggregate"]["pgr"].is_number(), "{}: {}", submission["title"], report["aggregate"]);
    }
    let runs = ws.json(&["runs", "--json", "--limit", "100"]);
    assert!(runs.as_array().unwrap().len() >= 15);
}

#[test]
fn every_reference_method_runs_from_its_file() {
    let ws = Workspace::new();
    let methods = reference_methods();
    assert!(methods.len() >= 7, "{methods:?}");
    for file in methods {
        let report = ws.json(&[
            "run",
            file.to_str().unwrap(),
            "--task",
            "digits",
            "--seeds",
            "2",
            "--device",
            "cpu",
            "--json",
        ]);
        let name = file.file_stem().unwrap().to_str().unwrap();
        assert_eq!(report["method"]["name"], name);
        assert_eq!(report["method"]["code_sha256"].as_str().unwrap().len(), 64);
        assert!(report["aggregate"]["pgr"].is_number(), "{name}: {}", report["aggregate"]);
        let text = ws.ok(&["check-method", file.to_str().unwrap()]);
        assert!(text.contains("a valid method"), "{text}");
    }
}

#[test]
fn check_method_names_the_line_of_a_broken_method() {
    let ws = Workspace::new();
    let bad = ws.path("bad.rhai");
    fs::write(&bad, "fn targets(ctx) {\n    let x = ;\n}\n").unwrap();
    let err = ws.fails(&["check-method", bad.to_str().unwrap()], 5);
    assert!(err.contains("bad.rhai:2:"), "{err}");
    let missing = ws.path("no-targets.rhai");
    fs::write(&missing, "fn configure(task) { #{} }\n").unwrap();
    let err = ws.fails(&["check-method", missing.to_str().unwrap()], 5);
    assert!(err.contains("targets"), "{err}");
}

#[test]
fn a_failed_run_exits_5_and_stores_only_its_audit_entry() {
    let ws = Workspace::with_demo();
    let probe = ws.path("probe.rhai");
    fs::write(&probe, "fn targets(ctx) {\n    let y = ctx.labels;\n    #{ targets: ctx.teacher }\n}\n")
        .unwrap();
    let (list, audit) = ws.observable_state();
    let err = ws.fails(
        &["run", probe.to_str().unwrap(), "--task", "digits-copyable", "--seeds", "1", "--device", "cpu"],
        5,
    );
    assert!(err.contains("probe.rhai:2:") && err.contains("labels"), "{err}");
    assert!(ws.json(&["runs", "--json"]).as_array().unwrap().is_empty(), "a failed run is not stored");
    assert_eq!(ws.json(&["list", "--json"]), list);
    let after = ws.json(&["audit", "--json", "--limit", "1000"]);
    assert_eq!(after.as_array().unwrap().len(), audit.as_array().unwrap().len() + 1);
    assert_eq!(after[0]["action"], "run.fail");
}

#[test]
fn python_snapshots_say_why_they_cannot_be_rerun() {
    let ws = Workspace::with_demo();
    let list = ws.json(&["list", "--json"]);
    let python = list.as_array().unwrap().iter().find(|s| s["language"] == "python").unwrap();
    let err = ws.fails(&["run", python["id"].as_str().unwrap(), "--task", "digits", "--device", "cpu"], 3);
    assert!(err.contains("only Rhai methods"), "{err}");
}

/// The CLI is its own method worker: started with the hidden argument, it serves before any
/// argument parsing (clap would refuse the argument with exit 2): it says it is ready on stdout,
/// and refuses a malformed first request with exit 1 and a message, touching no database.
#[test]
fn the_cli_serves_as_its_own_method_worker() {
    let ws = Workspace::new();
    let out = ws.cmd(&[aar_api::WORKER_ARG]).write_stdin("not a frame").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("method worker: "), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ready"), "the worker's first frame");
    assert!(!ws.path("review.db").exists(), "a worker opens no database");
}
