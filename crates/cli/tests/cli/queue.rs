//! The verification queue through the real binary: `verify --request` queues, `worker` makes
//! and stores the verification, and a worker killed mid-run loses nothing: its request waits out
//! the lease and the next worker makes it.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::Workspace;

fn vanilla(ws: &Workspace) -> String {
    let list = ws.json(&["list", "--json"]);
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().starts_with("Vanilla baseline"));
    found.unwrap()["id"].as_str().unwrap().to_owned()
}

fn verifications(ws: &Workspace) -> usize {
    let audit: Value = ws.json(&["audit", "--json", "--limit", "1000"]);
    audit.as_array().unwrap().iter().filter(|e| e["action"] == "verify").count()
}

fn only_request(ws: &Workspace) -> Value {
    let queue = ws.json(&["queue", "--all", "--json"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    queue[0].clone()
}

#[test]
fn a_requested_verification_is_made_by_a_worker_and_a_killed_worker_loses_nothing() {
    let ws = Workspace::with_demo();
    let id = vanilla(&ws);
    let queued = ws.json(&["verify", &id[..12], "--request", "--quick", "--json"]);
    assert_eq!((queued["state"].as_str(), queued["quick"].as_bool()), (Some("queued"), Some(true)));
    assert_eq!(queued["requestedBy"], "tester");
    assert!(ws.ok(&["queue"]).contains("queued"));

    // A worker takes it and is killed while it trains.
    let mut worker = ws.spawn(&["worker", "--lease", "3", "--device", "cpu"]);
    let started = Instant::now();
    while only_request(&ws)["state"] != "running" {
        assert!(started.elapsed() < Duration::from_secs(120), "the worker never took the request");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    worker.kill().unwrap();
    worker.wait().unwrap();
    let held = only_request(&ws);
    assert_eq!((held["state"].as_str(), held["attempts"].as_u64()), (Some("running"), Some(1)), "{held}");
    assert_eq!(verifications(&ws), 0, "a killed worker stores nothing");

    // While its lease runs, nobody else takes it; once it lapses, the next worker does.
    let idle: Value = ws.json(&["worker", "--once", "--device", "cpu", "--json"]);
    assert_eq!(
        idle["done"].as_array().unwrap().len() + idle["notDone"].as_array().unwrap().len(),
        0,
        "{idle}"
    );
    std::thread::sleep(Duration::from_secs(4));
    let work: Value = ws.json(&["worker", "--once", "--device", "cpu", "--json"]);
    assert_eq!(work["done"].as_array().unwrap().len(), 1, "{work}");
    let done = only_request(&ws);
    assert_eq!((done["state"].as_str(), done["attempts"].as_u64()), (Some("done"), Some(2)), "{done}");
    assert_eq!(verifications(&ws), 1, "made exactly once");
    let shown = ws.json(&["show", &id[..12], "--json"]);
    assert_eq!(shown["summary"]["verification"]["id"], done["verificationId"], "{shown}");
}
