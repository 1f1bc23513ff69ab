//! Issue 8 against the real binary: `verify` runs every check on a demo submission, prints the
//! stored report as JSON with the documented check ids, writes it as HTML or Markdown, and
//! refuses what it cannot do before training anything.

use serde_json::Value;

use super::Workspace;

const CHECK_IDS: [&str; 9] = [
    "reproduction",
    "teacher_ablation",
    "significance",
    "generalisation",
    "seeds",
    "dev_vs_private",
    "sandbox",
    "claim_consistency",
    "negative_control",
];

fn vanilla_demo_id(ws: &Workspace) -> String {
    let list = ws.json(&["list", "--json"]);
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().starts_with("Vanilla baseline"));
    found.expect("the demo has a vanilla baseline")["id"].as_str().unwrap().to_owned()
}

#[test]
fn verify_prints_the_report_with_every_check_and_writes_it_as_html_and_markdown() {
    let ws = Workspace::with_demo();
    let id = vanilla_demo_id(&ws);
    let html = ws.path("report.html");
    let report =
        ws.json(&["verify", &id[..12], "--device", "cpu", "--json", "--report", html.to_str().unwrap()]);
    let ids: Vec<&str> =
        report["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CHECK_IDS);
    for check in report["checks"].as_array().unwrap() {
        let status = check["status"].as_str().unwrap();
        assert!(["pass", "warn", "fail", "not_applicable"].contains(&status), "{check}");
        assert!(!check["summary"].as_str().unwrap().is_empty());
    }
    assert!(["+1", "-1", "needs_human"].contains(&report["suggestion"]["vote"].as_str().unwrap()));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>") && page.contains("<svg") && !page.contains("<script"));

    // The human rendering, and Markdown, of a second verification.
    let md = ws.path("report.md");
    let text = ws.ok(&["verify", &id[..12], "--device", "cpu", "--report", md.to_str().unwrap()]);
    assert!(text.contains("Suggested vote:"), "{text}");
    assert!(CHECK_IDS.iter().all(|c| text.contains(c)), "{text}");
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(markdown.starts_with("# Verification of"), "{markdown}");
    let audit: Value = ws.json(&["audit", "--json"]);
    let verifies = audit.as_array().unwrap().iter().filter(|e| e["action"] == "verify").count();
    assert_eq!(verifies, 2);
}

#[test]
fn verify_refuses_before_training_and_changes_nothing() {
    let ws = Workspace::with_demo();
    let id = vanilla_demo_id(&ws);
    let before = ws.observable_state();
    let err =
        ws.fails(&["verify", &id, "--device", "cpu", "--report", ws.path("r.txt").to_str().unwrap()], 3);
    assert!(err.contains(".html") && err.contains(".md"), "{err}");
    let err = ws.fails(&["verify", &id, "--device", "cpu", "--seeds", "2"], 3);
    assert!(err.contains("seeds"), "{err}");
    let err = ws.fails(&["verify", &id, "--device", "cpu", "--task", "nope"], 4);
    assert!(err.contains("no task named `nope`"), "{err}");
    assert_eq!(ws.observable_state(), before);
}

#[test]
fn a_method_that_does_not_compile_gets_a_stored_refutation_and_exit_0() {
    // Refused at compile time, the method still gets a verdict the queue can show: the verifier
    // did its job, so the command succeeds.
    let ws = Workspace::new();
    let dir = ws.path("broken");
    super::write_bundle(&dir, "fn targets(ctx) {\n    let x = ;\n}\n", None, None);
    let imported = ws.json(&["import", dir.to_str().unwrap(), "--json"]);
    let id = imported["items"][0]["id"].as_str().unwrap().to_owned();
    let report = ws.json(&["verify", &id, "--task", "digits", "--device", "cpu", "--quick", "--json"]);
    assert_eq!(report["suggestion"]["vote"], "-1", "{report}");
    let sandbox = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "sandbox").unwrap();
    assert_eq!(sandbox["status"], "fail");
    assert!(sandbox["summary"].as_str().unwrap().contains("method.rhai:2:"), "{sandbox}");
    let audit: Value = ws.json(&["audit", "--json"]);
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "verify"), "stored: {audit}");
}
