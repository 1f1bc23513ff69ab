//! Issue 9: votes, sign-off, comments and export from the command line. Every refusal names the
//! rule, exits 6 and leaves everything a reader can see as it was.

use super::*;

/// The first demo submission's id (imported by `tester`, the default reviewer here).
fn first_submission(ws: &Workspace) -> String {
    ws.json(&["list", "--json"])[0]["id"].as_str().unwrap().to_owned()
}

fn status(ws: &Workspace, id: &str) -> Value {
    ws.json(&["status", id, "--json"])
}

#[test]
fn every_review_refusal_names_its_rule_exits_6_and_changes_nothing() {
    let ws = Workspace::with_demo();
    let id = first_submission(&ws);
    let before = (ws.observable_state(), status(&ws, &id));
    let refusals: [(&[&str], &str); 7] = [
        (&["vote", &id, "--review", "2", "-m", "my own import is great"], "self_approval"),
        (&["vote", &id, "--review", "3", "-m", "very good", "--as", "bob"], "vote_out_of_range"),
        (&["vote", &id, "--verified", "-2", "-m", "very bad", "--as", "bob"], "vote_out_of_range"),
        (&["vote", &id, "--review", "300", "-m", "x", "--as", "bob"], "vote_out_of_range"),
        (&["vote", &id, "--review", "1", "--as", "bob"], "missing_rationale"),
        (&["signoff", &id, "-m", "ship it", "--as", "carol"], "not_lead"),
        (&["comment", &id, "--file", "method.rhai", "--line", "9999", "-m", "here"], "bad_anchor"),
    ];
    for (args, rule) in refusals {
        let stderr = ws.fails(args, 6);
        assert!(stderr.contains(&format!("`{rule}`")), "`{}` should name {rule}: {stderr}", args.join(" "));
    }
    // A lead alone cannot sign off: the rule is about people, not roles.
    ws.ok(&["reviewer", "carol", "--role", "lead"]);
    let before = (ws.observable_state().0, before.0.1, before.1);
    let stderr = ws.fails(&["signoff", &id, "-m", "ship it", "--as", "carol"], 6);
    assert!(stderr.contains("`lone_sign_off`"), "{stderr}");
    let after = ws.observable_state();
    assert_eq!((after.0, status(&ws, &id)), (before.0, before.2), "a refusal changes nothing");
    assert_eq!(
        after.1.as_array().unwrap().len(),
        before.1.as_array().unwrap().len() + 1,
        "only the role change"
    );
}

#[test]
fn two_people_take_a_submission_from_new_to_signed_off_and_the_export_says_so() {
    let ws = Workspace::with_demo();
    let id = first_submission(&ws);
    assert_eq!(status(&ws, &id)["summary"]["status"], "new");
    assert_eq!(status(&ws, &id)["summary"]["needsMyVote"], true);

    let line = ws.json(&[
        "comment",
        &id,
        "--file",
        "method.rhai",
        "--line",
        "1",
        "-m",
        "why this prior?",
        "--as",
        "bob",
        "--json",
    ]);
    let thread = line["threads"][0]["root"]["id"].as_i64().unwrap();
    assert_eq!(line["threads"][0]["lineHere"], 1);
    ws.ok(&["comment", &id, "--reply", &thread.to_string(), "-m", "it is the teacher's", "--as", "tester"]);
    ws.ok(&["resolve", &id, &thread.to_string(), "--as", "bob"]);

    let voted = ws.json(&[
        "vote",
        &id,
        "--review",
        "2",
        "--verified",
        "1",
        "-m",
        "reproduces; clean",
        "--as",
        "bob",
        "--json",
    ]);
    assert_eq!(voted["summary"]["status"], "approved");
    assert_eq!(voted["votes"].as_array().unwrap().len(), 2);
    ws.ok(&["reviewer", "carol", "--role", "lead"]);
    let lead_view = ws.json(&["status", &id, "--json", "--as", "carol"]);
    assert_eq!(lead_view["summary"]["needsLead"], true, "the queue tells a lead it is their turn");
    let signed = ws.json(&["signoff", &id, "-m", "second pair of eyes agrees", "--as", "carol", "--json"]);
    assert_eq!(signed["summary"]["status"], "signed_off");
    assert_eq!(signed["threads"][0]["resolved"], true);
    assert_eq!(signed["threads"][0]["replies"].as_array().unwrap().len(), 1);

    // The audit trail has who did what, in order, with the status changes.
    let audit = ws.json(&["audit", "--json", "--limit", "8"]);
    let actions: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions[..6],
        [
            ("carol", "status"),
            ("carol", "signoff"),
            ("tester", "reviewer.role"),
            ("bob", "status"),
            ("bob", "vote"),
            ("bob", "vote"),
        ]
    );

    // Every export format carries the decision.
    let export = ws.json(&["export", "--format", "json"]);
    let ours = export["submissions"].as_array().unwrap().iter().find(|s| s["id"] == id.as_str()).unwrap();
    assert_eq!(ours["status"], "signed_off");
    assert_eq!(ours["sign_offs"][0]["lead"], "carol");
    assert_eq!(export["audit_head"], ws.json(&["audit", "--verify", "--json"])["head"]);
    for (format, file) in [("csv", "review.csv"), ("md", "review.md"), ("html", "review.html")] {
        let path = ws.path(file);
        ws.ok(&["export", "--format", format, "--out", path.to_str().unwrap()]);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("second pair of eyes agrees") || format == "csv", "{format}: {text}");
        assert!(text.contains("carol"), "{format}");
    }
}

#[test]
fn an_export_to_an_unwritable_place_fails_and_leaves_the_old_file() {
    let ws = Workspace::with_demo();
    let path = ws.path("review.md");
    fs::write(&path, "the previous export").unwrap();
    let stderr = ws.fails(&["export", "--out", ws.path("missing-dir/review.md").to_str().unwrap()], 1);
    assert!(stderr.contains("could not write the export"), "{stderr}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "the previous export");
}
