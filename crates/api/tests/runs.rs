//! Re-runs through the API as the desktop app drives them: progress forwarded as transport
//! events, cancellation by ticket, and the stored run read back in full.

use std::sync::{Arc, Mutex};

use aar_api::dto::{RunProgress, RunRequest};
use aar_api::progress::ProgressForwarder;
use aar_api::{Api, ErrorCode};
use aar_domain::Timestamp;
use aar_review_schemas::vocab::{DeviceChoice, EvalSplit};

async fn open(dir: &tempfile::TempDir) -> Api {
    let clock: aar_api::Clock = Arc::new(|| Timestamp::parse("2026-11-22T12:00:00Z").unwrap());
    Api::open(dir.path().join("review.db").to_str().unwrap(), "tester".into(), clock).await.unwrap()
}

fn request(seeds: u32) -> RunRequest {
    // The negative control is the quickest bundled pack.
    RunRequest {
        method: None,
        task: "digits-copyable".into(),
        seeds,
        first_seed: None,
        device: DeviceChoice::Cpu,
        eval_split: EvalSplit::Test,
    }
}

#[tokio::test]
async fn a_run_reports_progress_and_is_stored_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = ProgressForwarder::new({
        let events = events.clone();
        move |p| events.lock().unwrap().push(p)
    });
    let detail = api.start_run("ticket-1", request(2), Box::new(sink)).await.unwrap();

    let events = std::mem::take(&mut *events.lock().unwrap());
    let RunProgress::Started { total_epochs, seeds: 2 } = events[0] else {
        panic!("the first event announces the run: {:?}", events[0])
    };
    let dones: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            RunProgress::Epoch { done, total, .. } => Some((*done, *total)),
            _ => None,
        })
        .map(|(done, total)| {
            assert_eq!(total, total_epochs);
            done
        })
        .collect();
    assert_eq!(dones, (1..=total_epochs).collect::<Vec<_>>(), "every epoch is counted once, in order");
    let finished_seeds: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            RunProgress::SeedFinished { seed, .. } => Some(*seed),
            _ => None,
        })
        .collect();
    assert_eq!(finished_seeds, vec![42, 43]);

    assert_eq!(detail.summary.task, "digits-copyable");
    assert_eq!(detail.summary.seeds, vec![42, 43]);
    let report = &detail.report;
    assert_eq!(report.per_seed.len(), 2);
    let epochs = report.config.student.epochs as usize;
    assert!(report.per_seed.iter().all(|s| s.curves.student.len() == epochs));
    assert!(report.timings.steps > 0);
    assert_eq!(detail.summary.created_by, "tester");

    // What the run view reads back later is what the run returned.
    assert_eq!(api.run_detail(&detail.summary.short_id).await.unwrap(), detail);
    assert_eq!(api.runs(10).await.unwrap(), vec![detail.summary.clone()]);
    assert!(!api.cancel_run("ticket-1"), "a finished run is no longer cancellable");
}

#[tokio::test]
async fn cancelling_by_ticket_stops_the_run_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let audit_before = api.audit(100).await.unwrap();
    // The sink cancels its own run from the training thread after the third epoch, the way the
    // window's Cancel button reaches a run in flight.
    let canceller = api.clone();
    let sink = ProgressForwarder::new(move |p| {
        if let RunProgress::Epoch { done: 3, .. } = p {
            assert!(canceller.cancel_run("ticket-2"), "the run in flight is registered");
        }
    });
    let err = api.start_run("ticket-2", request(5), Box::new(sink)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled, "{err:?}");
    assert!(api.runs(10).await.unwrap().is_empty());
    assert_eq!(api.audit(100).await.unwrap(), audit_before);
    // The ticket is free again.
    assert!(!api.cancel_run("ticket-2"));
}

#[tokio::test]
async fn bad_requests_are_refused_before_any_training() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir).await;
    let quiet = || Box::new(ProgressForwarder::new(|_| panic!("no progress for a refused request")));
    let unknown = RunRequest { task: "nope".into(), ..request(1) };
    assert_eq!(api.start_run("t", unknown, quiet()).await.unwrap_err().code, ErrorCode::NotFound);
    // Devices and splits are enums on the wire: a front end cannot even send an unknown one.
    let wire = |device: &str, split: &str| {
        serde_json::from_value::<RunRequest>(serde_json::json!({
            "task": "digits", "seeds": 1, "firstSeed": null, "device": device, "evalSplit": split
        }))
    };
    assert!(wire("cpu", "private").is_ok());
    assert!(wire("tpu", "test").unwrap_err().to_string().contains("unknown variant `tpu`"));
    assert!(wire("cpu", "dev").is_ok(), "dev claims are replayed on dev");
    assert!(wire("cpu", "b").unwrap_err().to_string().contains("unknown variant `b`"));
    assert_eq!(api.start_run("t", request(0), quiet()).await.unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(api.run_detail("abcd").await.unwrap_err().code, ErrorCode::NotFound);
}
