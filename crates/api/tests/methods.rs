//! Re-runs of submitted methods through the API: a stored submission's method.rhai runs in the
//! sandbox from its exact stored bytes, is linked to its submission, and a hostile method fails
//! with one clear error, leaving only its audit entry.

use std::path::PathBuf;
use std::sync::Arc;

use aar_api::dto::{ListQuery, MethodSource, RunProgress, RunRequest};
use aar_api::progress::ProgressForwarder;
use aar_api::{Api, ApiError, ErrorCode, RunReport};
use aar_domain::Timestamp;
use aar_review_schemas::vocab::{DeviceChoice, EvalSplit};

async fn open(dir: &tempfile::TempDir) -> Api {
    let clock: aar_api::Clock = Arc::new(|| Timestamp::parse("2026-11-22T12:00:00Z").unwrap());
    Api::open(dir.path().join("review.db").to_str().unwrap(), "tester".into(), clock).await.unwrap()
}

fn quiet() -> Box<dyn aar_api::ProgressSink + Send> {
    Box::new(ProgressForwarder::new(|_: RunProgress| {}))
}

fn request(method: MethodSource, seeds: u32) -> RunRequest {
    RunRequest {
        method: Some(method),
        // The negative control is the quickest bundled pack.
        task: "digits-copyable".into(),
        seeds,
        first_seed: None,
        device: DeviceChoice::Cpu,
        eval_split: EvalSplit::Test,
    }
}

/// A method file in `dir`.
fn method_file(dir: &tempfile::TempDir, name: &str, source: &str) -> MethodSource {
    let path = dir.path().join(name);
    std::fs::write(&path, source).unwrap();
    MethodSource::File { path: path.display().to_string() }
}

async fn run(api: &Api, request: RunRequest) -> Result<RunReport, ApiError> {
    api.run(request, quiet(), aar_api::CancelToken::new()).await.map(|(_, report)| report)
}

const HONEST: &str = "fn configure(task) { #{ epochs: 8 } }\n\
                      fn targets(ctx) { #{ targets: mix(ctx.teacher, harden(ctx.teacher), 0.5) } }\n";

#[tokio::test]
async fn a_demo_submissions_method_runs_from_its_stored_bytes_and_is_linked_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let list = api.list(&ListQuery::default()).await.unwrap();
    let logconf = list.iter().find(|s| s.title.contains("(logconf) v1")).expect("the demo holds logconf v1");
    let method = api.file(&logconf.id, &api.show(&logconf.id).await.unwrap().method_path).await.unwrap();

    let report =
        run(&api, request(MethodSource::Submission { id: logconf.short_id.clone() }, 1)).await.unwrap();
    assert_eq!(report.method.submission_id.as_deref(), Some(logconf.id.as_str()));
    assert_eq!(
        report.method.code_sha256.as_deref(),
        Some(method.digest.as_str()),
        "the bytes a reviewer reads ran"
    );
    let log = report.method.access_log.as_ref().expect("a sandboxed method's access log is in the report");
    assert!(log.reads.contains_key("ctx.teacher"), "{log:?}");
    assert!(log.incidents.is_empty(), "{log:?}");
    assert!(report.timings.method_seconds > 0.0);

    let runs = api.submission_runs(&logconf.id).await.unwrap();
    assert_eq!(runs.len(), 1, "the run is linked to its submission");
    assert_eq!(runs[0].pgr, report.aggregate.pgr);
}

#[tokio::test]
async fn python_submissions_say_why_they_cannot_be_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let list = api.list(&ListQuery::default()).await.unwrap();
    let python = list
        .iter()
        .find(|s| s.language == aar_review_schemas::bundle::MethodLanguage::Python)
        .expect("the demo holds AAR Python snapshots");
    let err = run(&api, request(MethodSource::Submission { id: python.id.clone() }, 1)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert!(err.message.contains("only Rhai methods"), "{}", err.message);
    assert!(api.runs(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_probing_method_fails_with_its_line_and_leaves_only_an_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let counts = api.table_counts().await.unwrap();
    let probe = method_file(
        &dir,
        "probe.rhai",
        "fn targets(ctx) {\n    let labels = ctx.gold;\n    #{ targets: ctx.teacher }\n}\n",
    );
    let err = run(&api, request(probe, 1)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RunFailed, "{err:?}");
    assert!(err.message.contains("probe.rhai:2:"), "the error names the file and line: {}", err.message);
    let location = err.location.expect("the app highlights the line");
    assert_eq!(location.line, 2);

    let after = api.table_counts().await.unwrap();
    for (table, n) in &counts {
        let expected = if *table == "audit_log" { n + 1 } else { *n };
        assert_eq!(after[table], expected, "{table}: only the failure's audit entry is stored");
    }
    let entry = &api.audit(1).await.unwrap()[0];
    assert_eq!(entry.action, "run.fail");
    let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
    let incidents = detail["access_log"]["incidents"].as_array().unwrap();
    assert!(incidents[0]["message"].as_str().unwrap().contains("gold"), "{detail}");
}

#[tokio::test]
async fn a_hostile_run_does_not_disturb_an_honest_one_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let honest = method_file(&dir, "honest.rhai", HONEST);
    let alone = run(&api, request(honest.clone(), 1)).await.unwrap();

    let spin = method_file(&dir, "spin.rhai", "fn targets(ctx) { loop { } }\n");
    let (hostile, beside) = tokio::join!(run(&api, request(spin, 1)), run(&api, request(honest, 1)));
    let err = hostile.unwrap_err();
    assert_eq!(err.code, ErrorCode::RunFailed, "{err:?}");
    assert!(err.message.contains("limit"), "{}", err.message);
    let beside = beside.unwrap();
    assert_eq!(
        beside.per_seed[0].student_acc, alone.per_seed[0].student_acc,
        "the honest run's numbers are its own"
    );
    assert_eq!(beside.per_seed[0].curves, alone.per_seed[0].curves);
}

#[tokio::test]
async fn same_method_bytes_seed_and_device_give_identical_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let method = method_file(&dir, "honest.rhai", HONEST);
    let a = run(&api, request(method.clone(), 2)).await.unwrap();
    let b = run(&api, request(method, 2)).await.unwrap();
    for (x, y) in a.per_seed.iter().zip(&b.per_seed) {
        assert_eq!(
            (x.weak_acc, x.ceiling_acc, x.student_acc, x.pgr),
            (y.weak_acc, y.ceiling_acc, y.student_acc, y.pgr)
        );
        assert_eq!(x.curves, y.curves, "bit-identical loss curves");
    }
    assert_eq!(a.config.student.epochs, 8, "configure's overrides are applied and recorded");
}

#[tokio::test]
async fn extra_rounds_retrain_the_student_on_its_own_labels() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let method = method_file(
        &dir,
        "self-train.rhai",
        "fn configure(task) { #{ epochs: 5, rounds: 2 } }\n\
         fn targets(ctx) {\n\
             if ctx.round == 0 { #{ targets: ctx.teacher } } else { #{ targets: harden(ctx.student) } }\n\
         }\n",
    );
    let report = run(&api, request(method, 1)).await.unwrap();
    assert_eq!(report.config.student_rounds, 2);
    assert_eq!(report.per_seed[0].curves.student.len(), 15, "three rounds of five epochs");
}

#[test]
fn check_method_reports_syntax_errors_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let api = runtime.block_on(open(&dir));
    let good = dir.path().join("good.rhai");
    std::fs::write(&good, HONEST).unwrap();
    let check = api.check_method(&good).unwrap();
    assert!(check.has_configure && !check.needs_student_predictions);

    let bad: PathBuf = dir.path().join("bad.rhai");
    std::fs::write(&bad, "fn targets(ctx) {\n    let x = ;\n}\n").unwrap();
    let err = api.check_method(&bad).unwrap_err();
    assert_eq!(err.code, ErrorCode::RunFailed);
    assert_eq!(err.location.map(|l| l.line), Some(2), "{}", err.message);

    let missing = dir.path().join("none.rhai");
    std::fs::write(&missing, "fn configure(task) { #{} }\n").unwrap();
    assert!(api.check_method(&missing).unwrap_err().message.contains("targets"));
}
