//! Verification through the API: every check runs on real engine runs of a demo submission's
//! stored method, the report and its runs are stored together, and a verification that stops
//! leaves nothing but its audit entry.

mod common;

use std::sync::{Arc, Mutex};

use aar_api::dto::{
    BatchPosition, BatchProgress, ListQuery, RunProgress, VerifyProgress, VerifyRequest, VerifyStep,
};
use aar_api::progress::ProgressForwarder;
use aar_api::{Api, ErrorCode};
use aar_domain::Timestamp;
use aar_review_schemas::verification::{CheckId, CheckStatus, RunRole};
use aar_review_schemas::vocab::{DeviceChoice, EvalSplit};

async fn open(dir: &tempfile::TempDir) -> Api {
    let clock: aar_api::Clock = Arc::new(|| Timestamp::parse("2026-11-22T12:00:00Z").unwrap());
    Api::open(dir.path().join("review.db").to_str().unwrap(), "tester".into(), clock)
        .await
        .unwrap()
        .with_secrets(aar_api::seeded_secrets(2026))
        .with_isolation(common::method_workers())
}

fn request() -> VerifyRequest {
    VerifyRequest { task: None, seeds: None, device: DeviceChoice::Cpu, quick: None }
}

async fn demo_id(api: &Api, title_part: &str) -> String {
    let list = api.list(&ListQuery::default()).await.unwrap();
    list.iter()
        .find(|s| s.title.contains(title_part))
        .unwrap_or_else(|| panic!("demo has {title_part}"))
        .id
        .clone()
}

#[tokio::test]
async fn a_demo_submission_is_verified_with_every_check_and_stored_with_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let id = demo_id(&api, "Vanilla baseline").await;
    let steps = Arc::new(Mutex::new(Vec::<VerifyStep>::new()));
    let seen = steps.clone();
    let mut sinks = move |step: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        seen.lock().unwrap().push(step.clone());
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    let detail = api.verify(&id[..10], request(), &mut sinks, aar_api::CancelToken::new()).await.unwrap();
    let report = &detail.report;

    assert_eq!(report.checks.iter().map(|c| c.id).collect::<Vec<_>>(), CheckId::ALL);
    assert_eq!(report.submission_id, id);
    assert_eq!(report.task, "latent-5k", "the first claimed pack");
    // The private-split runs use five fresh secret seeds, none of them the pre-registered ones
    // an author tunes on.
    assert_eq!(report.seeds.len(), 5);
    assert!(report.seeds.iter().all(|s| !(42..=46).contains(s)), "{:?}", report.seeds);
    // The claim was made on dev with seeds 42–46, so it is replayed there first.
    let steps = steps.lock().unwrap().clone();
    assert_eq!((steps[0].role, steps[0].eval_split), (RunRole::Replay, EvalSplit::Dev));
    assert_eq!(steps.len() as u32, steps[0].total);
    assert_eq!(report.runs.len(), steps.len(), "every run is in the report");
    assert!(report.runs.iter().all(|r| r.run_id.len() == 64), "and names its stored run");
    for role in [RunRole::ShuffledTeacher, RunRole::UniformTeacher, RunRole::NegativeControl] {
        assert!(report.runs.iter().any(|r| r.role == role), "{role} ran");
    }
    // The synthetic packs' private-split runs use examples drawn afresh from their generator;
    // the replay runs on the pack as shipped (as the claim was measured), and the fixed datasets
    // have no generator.
    for run in &report.runs {
        let synthetic = run.task.starts_with("latent");
        assert_eq!(run.fresh_data, synthetic && run.role != RunRole::Replay, "{run:?}");
    }
    assert_eq!(report.fresh_packs(), ["latent-5k", "latent", "latent-5k-copyable"]);
    // Nothing in the demo's vanilla method is hostile, and the vanilla student uses its teacher.
    let status = |id: CheckId| report.checks.iter().find(|c| c.id == id).unwrap().status;
    assert_eq!(status(CheckId::Sandbox), CheckStatus::Pass);
    assert_eq!(status(CheckId::TeacherAblation), CheckStatus::Pass);
    assert_eq!(status(CheckId::Seeds), CheckStatus::Pass);
    assert_eq!(status(CheckId::ClaimConsistency), CheckStatus::Pass);

    let stored = api.verifications(&id).await.unwrap();
    assert_eq!(stored, vec![detail.clone()], "stored and read back whole");
    let runs = api.submission_runs(&id).await.unwrap();
    assert!(
        report
            .runs
            .iter()
            .filter(|r| r.role != RunRole::Vanilla && !r.role.as_str().ends_with("vanilla"))
            .all(|r| runs.iter().any(|s| s.id == r.run_id))
    );
    assert_eq!(api.audit(1).await.unwrap()[0].action, "verify");
    // The queue shows the newest verification's vote and failed checks.
    let list = api.list(&ListQuery::default()).await.unwrap();
    let state = list.iter().find(|s| s.id == id).unwrap().verification.clone().expect("verified");
    assert_eq!((state.id.as_str(), state.vote), (detail.id.as_str(), report.suggestion.vote));
    let failed: Vec<CheckId> =
        report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect();
    assert_eq!(state.failed, failed);
    assert!(list.iter().filter(|s| s.id != id).all(|s| s.verification.is_none()));
    assert_eq!(api.show(&id).await.unwrap().summary.verification, Some(state));

    // Quick and full judge a claim alike: with the same secrets, a quick verification makes the
    // same primary runs, and every check it runs says what the full one said. Only the checks it
    // leaves out (other packs, negative control) differ.
    let again = open(&dir).await;
    let quick = VerifyRequest { quick: Some(true), ..request() };
    let mut quiet = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    let quick = again.verify(&id, quick, &mut quiet, aar_api::CancelToken::new()).await.unwrap().report;
    assert_eq!(quick.seeds, report.seeds);
    for (q, full) in quick.checks.iter().zip(&report.checks) {
        if matches!(q.id, CheckId::Generalisation | CheckId::NegativeControl) {
            assert_eq!(q.status, CheckStatus::NotApplicable, "{q:#?}");
        } else if q.id == CheckId::Sandbox {
            // It audits every run, and quick makes fewer; the verdict on them is the same.
            assert_eq!(q.status, full.status, "{q:#?}");
        } else {
            assert_eq!((q.status, &q.summary), (full.status, &full.summary), "{}", q.id);
        }
    }
    if !report.checks.iter().any(|c| c.status == CheckStatus::Fail) {
        assert_eq!(quick.suggestion.vote, report.suggestion.vote);
    }
}

#[tokio::test]
async fn a_cancelled_verification_stores_only_its_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let id = demo_id(&api, "Vanilla baseline").await;
    let before = api.table_counts().await.unwrap();
    let cancel = aar_api::CancelToken::new();
    let stop = cancel.clone();
    // Cancel as the third run starts: two runs are done by then, and must not be stored.
    let mut sinks = move |step: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        if step.index == 3 {
            stop.cancel();
        }
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    let err = api.verify(&id, request(), &mut sinks, cancel).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    let after = api.table_counts().await.unwrap();
    assert_eq!(after["runs"], before["runs"]);
    assert_eq!(after["verifications"], before["verifications"]);
    assert_eq!(after["audit_log"], before["audit_log"] + 1);
    let entry = &api.audit(1).await.unwrap()[0];
    assert_eq!(entry.action, "verify.stop");
    assert!(entry.detail.contains("\"cancelled\":true"), "{}", entry.detail);
}

#[tokio::test]
async fn what_cannot_be_verified_is_refused_before_any_training() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> { panic!("no run may start") };
    let python = api.list(&ListQuery::default()).await.unwrap().into_iter().find(|s| !s.rerunnable).unwrap();
    let err = api.verify(&python.id, request(), &mut sinks, aar_api::CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("Python") || err.message.contains("python"), "{}", err.message);

    let id = demo_id(&api, "Vanilla baseline").await;
    let few = VerifyRequest { seeds: Some(3), ..request() };
    let err = api.verify(&id, few, &mut sinks, aar_api::CancelToken::new()).await.unwrap_err();
    assert!(err.message.contains("5 to 1000 seeds"), "{}", err.message);
    let control = VerifyRequest { task: Some("digits-copyable".into()), ..request() };
    let err = api.verify(&id, control, &mut sinks, aar_api::CancelToken::new()).await.unwrap_err();
    assert!(err.message.contains("negative control"), "{}", err.message);
    assert_eq!(api.table_counts().await.unwrap()["verifications"], 0);
}

#[tokio::test]
async fn the_claim_flags_lists_show_come_from_the_checks() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let flags_of = |title: &str, list: &[aar_api::dto::SubmissionSummary]| -> Vec<(String, CheckId)> {
        let s = list.iter().find(|s| s.title.contains(title)).unwrap_or_else(|| panic!("demo has {title}"));
        s.claims.iter().flat_map(|c| c.flags.iter().map(|f| (c.task.clone(), f.id))).collect()
    };
    let list = api.list(&ListQuery::default()).await.unwrap();
    // The demo's answer key (demo/README.md): cherry-picked seeds, and an inconsistent wine claim.
    let cherry = flags_of("Class-balanced confident-label filter", &list);
    assert!(cherry.contains(&("digits".into(), CheckId::Seeds)), "{cherry:?}");
    let inconsistent = flags_of("Product-of-experts v2", &list);
    assert_eq!(inconsistent, vec![("wine".to_owned(), CheckId::ClaimConsistency)], "only wine is off");
    assert!(flags_of("Vanilla baseline", &list).is_empty());
    // The detail view checks the per-seed results too, with the same rules.
    let id = demo_id(&api, "Product-of-experts v2").await;
    let detail = api.show(&id).await.unwrap();
    let wine = detail.summary.claims.iter().find(|c| c.task == "wine").unwrap();
    assert_eq!(wine.flags[0].id, CheckId::ClaimConsistency);
    assert!(
        wine.flags[0].notes.iter().any(|n| n.contains("0.232") || n.contains(".232")),
        "{:?}",
        wine.flags[0]
    );
}

#[tokio::test]
async fn a_batch_corrects_significance_across_its_submissions() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let ids = vec![demo_id(&api, "Vanilla baseline").await, demo_id(&api, "logconf v2: hardening").await];
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    let quick = VerifyRequest { quick: Some(true), ..request() };
    let batch = api.verify_batch(&ids, quick, &mut sinks, aar_api::CancelToken::new()).await.unwrap();
    assert_eq!(batch.rows.iter().map(|r| r.submission_id.clone()).collect::<Vec<_>>(), ids);
    for row in &batch.rows {
        let (p, holm, bh) = (row.p.unwrap(), row.p_holm.unwrap(), row.p_bh.unwrap());
        assert!(holm >= p && bh >= p && holm >= bh - 1e-12, "{row:?}");
        assert!(row.delta_pgr.is_some());
        // Each verification is stored as usual.
        assert_eq!(api.verifications(&row.submission_id).await.unwrap()[0].id, row.verification_id);
    }
    // With two p-values, Holm doubles the smaller one.
    let smallest = batch.rows.iter().min_by(|a, b| a.p.unwrap().total_cmp(&b.p.unwrap())).unwrap();
    assert!((smallest.p_holm.unwrap() - (2.0 * smallest.p.unwrap()).min(1.0)).abs() < 1e-12);
}

#[tokio::test]
async fn a_batch_cancelled_by_its_ticket_keeps_the_verifications_finished_before() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let ids = vec![demo_id(&api, "Vanilla baseline").await, demo_id(&api, "logconf v2: hardening").await];
    let positions = Arc::new(Mutex::new(Vec::<BatchPosition>::new()));
    let verified = Arc::new(Mutex::new(Vec::<String>::new()));
    let (seen, stored, canceller) = (positions.clone(), verified.clone(), api.clone());
    // Cancel by ticket, as the app does, as the second submission's second run starts: its first
    // run is done by then and must not be stored; the first submission's verification must stay.
    let mut sinks = aar_api::progress::batch_forwarder(move |event| match event {
        BatchProgress::Submission { position } => seen.lock().unwrap().push(position),
        BatchProgress::Verify { progress: VerifyProgress::Step { step } } => {
            if seen.lock().unwrap().len() == 2 && step.index == 2 {
                assert!(canceller.cancel_run("batch-1"), "the batch is registered under its ticket");
            }
        }
        BatchProgress::Verify { progress: VerifyProgress::Run { .. } } => {}
        BatchProgress::Verified { verification } => stored.lock().unwrap().push(verification.id),
    });
    // Quick, on the smallest pack: the test is about the batch, not the checks.
    let quick = VerifyRequest { quick: Some(true), task: Some("digits".into()), ..request() };
    let err = api.start_verify_batch("batch-1", &ids, quick, &mut sinks).await.unwrap_err();

    assert_eq!(err.code, ErrorCode::Cancelled, "{}", err.message);
    assert!(err.message.contains("submission 2 of 2"), "the error says where it stopped: {}", err.message);
    let positions = positions.lock().unwrap().clone();
    assert_eq!(positions.iter().map(|p| (p.index, p.total)).collect::<Vec<_>>(), [(1, 2), (2, 2)]);
    assert_eq!(positions.iter().map(|p| p.submission_id.clone()).collect::<Vec<_>>(), ids);
    assert!(positions[1].title.starts_with("logconf v2"), "{:?}", positions[1]);
    let first = api.verifications(&ids[0]).await.unwrap();
    assert_eq!(first.len(), 1, "the verification finished before the cancel stays stored");
    assert_eq!(*verified.lock().unwrap(), [first[0].id.clone()], "and was announced as stored");
    assert!(api.verifications(&ids[1]).await.unwrap().is_empty(), "the cancelled one stores nothing");
    assert!(!api.cancel_run("batch-1"), "the ticket is forgotten once the batch has ended");
}

#[tokio::test]
async fn a_batch_refuses_what_cannot_be_verified_before_any_training() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    api.import_demo().await.unwrap();
    let python = api.list(&ListQuery::default()).await.unwrap().into_iter().find(|s| !s.rerunnable).unwrap();
    let ids = vec![demo_id(&api, "Vanilla baseline").await, python.id.clone()];
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> { panic!("no run may start") };
    let err = api.verify_batch(&ids, request(), &mut sinks, aar_api::CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains(&python.id[..12]) && err.message.contains("leave it out"),
        "{}",
        err.message
    );
    assert_eq!(api.table_counts().await.unwrap()["verifications"], 0);
}
