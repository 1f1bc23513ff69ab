//! The verification queue on every database: a request is taken by one worker at a time, a
//! lapsed lease lets another take it, and only the holder finishes it, with its verification.

use std::time::Duration;

use aar_domain::{SubmissionId, Timestamp};
use aar_review_schemas::verification::RunRole;
use aar_store::{Dialect, Lease, NewRequest, RequestState, Store, StoreError, WriteContext};

use super::*;

const LEASE: Duration = Duration::from_secs(1);

async fn requested(store: &Store) -> (SubmissionId, i64) {
    let content = bundle("fn targets(ctx) { ctx.teacher }", "queued");
    store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
        .await
        .unwrap();
    let request = NewRequest { submission: &content.id, task: Some("digits"), seeds: Some(5), quick: true };
    let row = store.request_verification(&request, &ctx()).await.unwrap();
    assert_eq!((row.state, row.attempts, row.quick, row.seeds), (RequestState::Queued, 0, true, Some(5)));
    (content.id.clone(), row.id)
}

/// `ctx()` once `seconds` have passed for the queue: the clock moves on SQLite, where leases run
/// on the caller's clock; on PostgreSQL they run on the server's, so the test waits.
async fn later(store: &Store, seconds: u64) -> WriteContext {
    match store.dialect() {
        Dialect::Sqlite => {
            let at = Timestamp::from_unix_seconds(ctx().at.unix_seconds() + seconds as i64).unwrap();
            WriteContext { at, ..ctx() }
        }
        Dialect::Postgres => {
            tokio::time::sleep(Duration::from_millis(seconds * 1000 + 1100)).await;
            ctx()
        }
    }
}

async fn store_verification(store: &Store, id: &SubmissionId, lease: &Lease) -> Result<String, StoreError> {
    let run = sample_report();
    let report = sample_verification(id.as_str(), &run);
    Ok(store.insert_verification(report, &[(RunRole::Method, run)], Some(lease), &ctx()).await?.0.id)
}

fn lease(request: i64, worker: &str) -> Lease {
    Lease { request, worker: worker.into() }
}

#[tokio::test]
async fn a_request_is_taken_by_one_worker_and_finished_only_by_it_with_its_verification() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let (id, request) = requested(&store).await;
        let taken = store.take_request("w1", Duration::from_secs(60), 3, &ctx()).await.unwrap().unwrap();
        assert_eq!((taken.id, taken.state, taken.attempts), (request, RequestState::Running, 1));
        assert_eq!(taken.worker.as_deref(), Some("w1"));
        assert_eq!(store.take_request("w2", LEASE, 3, &ctx()).await.unwrap(), None, "held: nothing to take");
        assert!(store.renew_lease(&lease(request, "w1"), Duration::from_secs(60), &ctx()).await.unwrap());
        assert!(!store.renew_lease(&lease(request, "w2"), LEASE, &ctx()).await.unwrap());

        // A worker that does not hold the request stores nothing.
        let before = store.table_counts().await.unwrap();
        let lost = store_verification(&store, &id, &lease(request, "w2")).await.unwrap_err();
        assert!(matches!(lost, StoreError::LeaseLost { .. }), "{:?}: {lost}", store.dialect());
        assert_eq!(store.table_counts().await.unwrap(), before, "nothing half-written");

        let verification = store_verification(&store, &id, &lease(request, "w1")).await.unwrap();
        let done = store.verification_requests(false).await.unwrap().remove(0);
        assert_eq!(
            (done.state, done.verification_id.as_deref()),
            (RequestState::Done, Some(verification.as_str()))
        );
        assert!(store.verification_requests(true).await.unwrap().is_empty());
        assert_eq!(store.take_request("w2", LEASE, 3, &ctx()).await.unwrap(), None);
        // Done stays done: neither a second finish nor a release changes it.
        assert!(store_verification(&store, &id, &lease(request, "w1")).await.is_err());
        store.release_request(&lease(request, "w1"), "late", false, &ctx()).await.unwrap();
        assert_eq!(store.verification_requests(false).await.unwrap()[0].state, RequestState::Done);
        let actions: Vec<String> = store.audit(3).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["verify", "run.record", "verify.take"]);
        store.close().await;
    }
}

#[tokio::test]
async fn a_lapsed_lease_is_taken_again_and_a_request_that_stops_every_worker_is_given_up() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let (id, request) = requested(&store).await;
        store.take_request("w1", LEASE, 2, &ctx()).await.unwrap().unwrap();
        // w1 dies. Its lease lapses and w2 takes the request: a second attempt.
        let now = later(&store, 2).await;
        let again = store.take_request("w2", LEASE, 2, &now).await.unwrap().unwrap();
        assert_eq!((again.id, again.attempts, again.worker.as_deref()), (request, 2, Some("w2")));
        let late = store_verification(&store, &id, &lease(request, "w1")).await.unwrap_err();
        assert!(matches!(late, StoreError::LeaseLost { .. }), "w1 woke up too late: {late}");
        // w2 dies too: after two attempts the request is given up, not taken a third time.
        let now = later(&store, 4).await;
        assert_eq!(store.take_request("w3", LEASE, 2, &now).await.unwrap(), None);
        let failed = store.verification_requests(false).await.unwrap().remove(0);
        assert_eq!(failed.state, RequestState::Failed, "{:?}", store.dialect());
        assert!(failed.error.unwrap().contains("given up"));
        store.close().await;
    }
}

#[tokio::test]
async fn a_released_request_waits_for_the_next_worker_or_fails_with_its_reason() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let (_, request) = requested(&store).await;
        store.take_request("w1", Duration::from_secs(60), 3, &ctx()).await.unwrap().unwrap();
        store.release_request(&lease(request, "w1"), "cancelled", false, &ctx()).await.unwrap();
        let queued = store.verification_requests(true).await.unwrap().remove(0);
        assert_eq!((queued.state, queued.error.as_deref()), (RequestState::Queued, Some("cancelled")));
        store.take_request("w2", Duration::from_secs(60), 3, &ctx()).await.unwrap().unwrap();
        store.release_request(&lease(request, "w2"), "no task named `x`", true, &ctx()).await.unwrap();
        let failed = store.verification_requests(false).await.unwrap().remove(0);
        assert_eq!((failed.state, failed.attempts), (RequestState::Failed, 2));
        assert_eq!(store.take_request("w3", Duration::from_secs(60), 3, &ctx()).await.unwrap(), None);
        store.close().await;
    }
}
