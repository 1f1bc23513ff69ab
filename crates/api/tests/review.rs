//! The review workflow through the API: several reviewers on one database, a blind second review,
//! comment threads that follow a submission into its next version, and flag precision.

use aar_api::dto::{CommentRequest, CommentTarget, ExportFormat, ListQuery, SubmissionSummary, VoteRequest};
use aar_api::{Api, ErrorCode};
use aar_review_schemas::review::{ReviewRule, ReviewStatus, Role, StaleReason};

async fn open_as(dir: &tempfile::TempDir, who: &str) -> Api {
    let clock = aar_api::system_clock();
    Api::open(dir.path().join("review.db").to_str().unwrap(), who.into(), clock).await.unwrap()
}

fn vote(review: i8, rationale: &str) -> VoteRequest {
    VoteRequest { review: Some(review), verified: None, rationale: rationale.into(), verification_id: None }
}

async fn find(api: &Api, title: &str) -> SubmissionSummary {
    let list = api.list(&ListQuery::default()).await.unwrap();
    list.into_iter().find(|s| s.title.contains(title)).unwrap_or_else(|| panic!("the demo holds {title}"))
}

#[tokio::test]
async fn a_blind_second_reviewer_sees_no_votes_until_they_vote() {
    let dir = tempfile::tempdir().unwrap();
    let alice = open_as(&dir, "alice").await;
    alice.import_demo().await.unwrap();
    let carol = open_as(&dir, "carol").await;
    alice.set_role("carol", Role::Lead).await.unwrap();
    let bob = open_as(&dir, "bob").await;
    let dan = open_as(&dir, "dan").await;
    let id = find(&alice, "Prior elicitation").await.id;

    bob.vote(&id, vote(2, "clean")).await.unwrap();
    let refused = dan.request_blind_review(&id, "independent look").await.unwrap_err();
    assert_eq!((refused.code, refused.rule), (ErrorCode::Refused, Some(ReviewRule::NotLead)));
    carol.request_blind_review(&id, "bob's +2 needs an independent look").await.unwrap();

    let blind = dan.review(&id).await.unwrap();
    assert!(blind.summary.blind);
    assert_eq!((blind.votes.len(), blind.hidden_votes), (0, 1), "dan cannot read bob's vote");
    assert_eq!(blind.summary.status, ReviewStatus::InReview, "nor infer it from the status");
    let queued = find(&dan, "Prior elicitation").await.review;
    assert!(queued.blind, "the queue masks it too: {queued:?}");
    assert_eq!(carol.review(&id).await.unwrap().votes.len(), 1, "the lead who asked sees everything");
    // Nor from the export or the audit log, which once showed every vote to everyone.
    let exported = |export: aar_review_schemas::review::ReviewExport| {
        export.submissions.into_iter().find(|s| s.id == id).unwrap()
    };
    let dans = exported(dan.export().await.unwrap());
    assert!(dans.votes_withheld && dans.votes.is_empty(), "{dans:?}");
    assert_eq!(dans.status, ReviewStatus::InReview);
    assert!(!dan.export_as(ExportFormat::Csv).await.unwrap().contains("bob +2"));
    let details = |entries: Vec<aar_api::dto::AuditEntryView>| -> Vec<String> {
        entries
            .into_iter()
            .filter(|e| e.subject == id && (e.action == "vote" || e.action == "status"))
            .map(|e| e.detail)
            .collect()
    };
    let dans_log = details(dan.audit(1000).await.unwrap());
    assert!(!dans_log.is_empty() && dans_log.iter().all(|d| d.contains("withheld")), "{dans_log:?}");
    let carols_log = details(carol.audit(1000).await.unwrap());
    assert!(carols_log.iter().all(|d| !d.contains("withheld")), "{carols_log:?}");
    assert_eq!(dan.verify_audit().await.unwrap().broken, None, "the chain stays whole for dan");

    let after = dan.vote(&id, vote(-1, "the hardening threshold looks tuned")).await.unwrap();
    assert!(!after.summary.blind);
    assert_eq!((after.votes.len(), after.hidden_votes), (2, 0));
    assert_eq!(after.summary.status, ReviewStatus::Approved);
    let dans = exported(dan.export().await.unwrap());
    assert!(!dans.votes_withheld && dans.votes.len() == 2);
    assert!(details(dan.audit(1000).await.unwrap()).iter().all(|d| !d.contains("withheld")));
}

#[tokio::test]
async fn a_line_comment_follows_its_line_into_the_next_version_or_shows_outdated() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_as(&dir, "bob").await;
    api.import_demo().await.unwrap();
    let v1 = find(&api, "(logconf) v1").await;
    let v2 = api
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.parent_id.as_deref() == Some(v1.id.as_str()) && s.author == v1.author)
        .expect("logconf v2 continues v1");
    let comment = |line: u32, body: &str| CommentRequest {
        target: CommentTarget::Line { path: "method.rhai".into(), line },
        body: body.into(),
    };
    // Line 3 is the same in both versions; line 8 (the version note) was rewritten.
    api.comment(&v1.id, comment(3, "is c ramped per epoch?")).await.unwrap();
    api.comment(&v1.id, comment(8, "which parent?")).await.unwrap();
    api.vote(&v1.id, vote(1, "fine so far")).await.unwrap();

    let on_v2 = api.review(&v2.id).await.unwrap();
    let lines: Vec<(Option<u32>, bool, bool)> =
        on_v2.threads.iter().map(|t| (t.line_here, t.outdated(), t.from_earlier_version)).collect();
    assert_eq!(lines, [(Some(3), false, true), (None, true, true)]);
    // The vote on v1 went stale with the new version; v2 starts without it.
    let on_v1 = api.review(&v1.id).await.unwrap();
    assert_eq!(on_v1.votes[0].stale, Some(StaleReason::NewVersion));
    assert!(on_v2.votes.is_empty());

    // A reply joins the thread where it started, and shows on both versions.
    let thread = on_v2.threads[0].root.id;
    let replied = api
        .comment(
            &v2.id,
            CommentRequest { target: CommentTarget::Reply { thread }, body: "yes, linearly".into() },
        )
        .await
        .unwrap();
    assert_eq!(replied.threads[0].replies.len(), 1);
    assert_eq!(api.review(&v1.id).await.unwrap().threads[0].replies.len(), 1);
}

#[tokio::test]
async fn the_app_saves_an_export_whole_to_a_full_path_and_refuses_a_relative_one() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_as(&dir, "bob").await;
    api.import_demo().await.unwrap();
    let path = dir.path().join("review.csv");

    let saved = api.export_to(ExportFormat::Csv, path.to_str().unwrap()).await.unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, api.export_as(ExportFormat::Csv).await.unwrap(), "the file is the export");
    assert_eq!((saved.path.as_str(), saved.bytes), (path.to_str().unwrap(), written.len() as u64));

    let relative = api.export_to(ExportFormat::Csv, "review.csv").await.unwrap_err();
    assert_eq!(relative.code, ErrorCode::InvalidInput, "{}", relative.message);
    assert!(!std::path::Path::new("review.csv").exists(), "nothing lands in the working folder");

    // A folder where the file should go: the write fails, names the problem, and the earlier
    // export beside it is untouched.
    let blocked = dir.path().join("blocked.md");
    std::fs::create_dir(&blocked).unwrap();
    let failed = api.export_to(ExportFormat::Md, blocked.to_str().unwrap()).await.unwrap_err();
    assert_eq!(failed.code, ErrorCode::Storage);
    assert!(
        failed.message.contains("the export") && failed.message.contains("blocked.md"),
        "{}",
        failed.message
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}
