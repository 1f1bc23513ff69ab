//! The review workflow's rules, on every database available (see `common`): votes, the
//! two-person rule, vetoes, stale votes, comments, flag feedback and the audit trail. The last
//! tests log in to PostgreSQL as reviewer and lead roles and try to break the rules with raw SQL.

mod common;

use aar_domain::review::status;
use aar_domain::{BundleContent, SubmissionId};
use aar_review_schemas::review::{
    CommentAnchor, FlagVerdict, Label, ReviewRule, ReviewStatus, Role, StaleReason,
};
use aar_review_schemas::verification::{CheckId, RunRole, SuggestedVote};
use aar_store::{NewComment, NewSubmission, NewVote, Store, StoreError, WriteContext};
use common::*;
use sqlx::{AnyPool, AssertSqlSafe};

fn as_(name: &str) -> WriteContext {
    WriteContext { actor: name.into(), ..ctx() }
}

/// A store with one submission imported by `alice`, and `carol` a lead.
async fn reviewed(url: &str) -> (Store, BundleContent) {
    let store = Store::open(url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "reviewed");
    store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_("alice"))
        .await
        .unwrap();
    store.set_role("carol", Role::Lead, &as_("carol")).await.unwrap();
    (store, content)
}

fn vote<'a>(id: &'a SubmissionId, label: Label, value: i8, rationale: &'a str) -> NewVote<'a> {
    NewVote { submission: id, label, value, rationale, verification_id: None }
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>) -> ReviewRule {
    match result {
        Err(StoreError::Refused { rule, .. }) => rule,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn current_status(store: &Store, id: &SubmissionId) -> ReviewStatus {
    status(&store.review_tally(id).await.unwrap())
}

/// Version `n` of one method ("idea"): the first at source ref `c1`, each later one marked a
/// revision of it, all by the same self-declared author.
fn idea_version(n: u32) -> BundleContent {
    if n == 1 {
        return bundle_with("fn targets(ctx) { ctx.teacher }", "idea", r#""source_ref":"c1","#);
    }
    bundle_with(
        &format!("fn targets(ctx) {{ ctx.teacher }} // v{n}"),
        "idea",
        &format!(r#""source_ref":"c{n}","parent":"c1","revision":true,"#),
    )
}

async fn import(store: &Store, content: &BundleContent, importer: &str) {
    store.insert_submissions(&[NewSubmission { content, origin: "t".into() }], &as_(importer)).await.unwrap();
}

/// Stores a verification of `id` suggesting `vote`, finished at `minute` past noon.
async fn verify(store: &Store, id: &SubmissionId, vote: SuggestedVote, minute: u32) -> String {
    let mut run = sample_report();
    // Runs are content-addressed: each verification gets its own.
    run.finished_at = format!("2026-11-22T12:{minute:02}:00Z");
    let mut report = sample_verification(id.as_str(), &run);
    report.suggestion.vote = vote;
    report.finished_at = format!("2026-11-22T12:{minute:02}:00Z");
    store.insert_verification(report, &[(RunRole::Method, run)], None, &ctx()).await.unwrap().0.id
}

#[tokio::test]
async fn votes_keep_to_their_ranges_and_need_a_rationale_and_a_refusal_changes_nothing() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        let before = store.table_counts().await.unwrap();
        for (label, value) in
            [(Label::Review, 3), (Label::Review, -3), (Label::Verified, 2), (Label::Verified, -2)]
        {
            let rule = refused(store.cast_vote(&vote(id, label, value, "because"), &as_("bob")).await);
            assert_eq!(rule, ReviewRule::VoteOutOfRange, "{label} {value} on {:?}", store.dialect());
        }
        for blank in ["", "  ", "\n\t "] {
            let rule = refused(store.cast_vote(&vote(id, Label::Review, 1, blank), &as_("bob")).await);
            assert_eq!(rule, ReviewRule::MissingRationale);
        }
        assert_eq!(
            store.table_counts().await.unwrap(),
            before,
            "a refused vote writes nothing, not even audit"
        );
        assert_eq!(current_status(&store, id).await, ReviewStatus::New);

        let cast =
            store.cast_vote(&vote(id, Label::Verified, -1, "did not reproduce"), &as_("bob")).await.unwrap();
        assert_eq!((cast.author.as_str(), cast.value, cast.stale), ("bob", -1, None));
        assert_eq!(current_status(&store, id).await, ReviewStatus::InReview);
        store.close().await;
    }
}

#[tokio::test]
async fn nobody_approves_a_submission_they_imported() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        let rule =
            refused(store.cast_vote(&vote(id, Label::Review, 2, "mine, and good"), &as_("alice")).await);
        assert_eq!(rule, ReviewRule::SelfApproval, "{:?}", store.dialect());
        // The importer may still say what they think, short of approving.
        store.cast_vote(&vote(id, Label::Review, 1, "looks right"), &as_("alice")).await.unwrap();
        store.cast_vote(&vote(id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        assert_eq!(current_status(&store, id).await, ReviewStatus::Approved);
        store.close().await;
    }
}

#[tokio::test]
async fn a_sign_off_needs_a_lead_and_a_live_plus_two_from_someone_else() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        assert_eq!(
            refused(store.sign_off(id, "ship it", None, &as_("carol")).await),
            ReviewRule::LoneSignOff
        );
        store.cast_vote(&vote(id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        assert_eq!(refused(store.sign_off(id, "ship it", None, &as_("bob")).await), ReviewRule::NotLead);
        // A lead cannot sign off their own approval either.
        store.set_role("bob", Role::Lead, &as_("bob")).await.unwrap();
        assert_eq!(refused(store.sign_off(id, "ship it", None, &as_("bob")).await), ReviewRule::LoneSignOff);
        assert_eq!(refused(store.sign_off(id, " ", None, &as_("carol")).await), ReviewRule::MissingRationale);

        let signed = store
            .sign_off(id, "reproduced on private; bob's review holds", None, &as_("carol"))
            .await
            .unwrap();
        assert_eq!((signed.lead.as_str(), signed.stale), ("carol", None));
        assert_eq!(current_status(&store, id).await, ReviewStatus::SignedOff);
        assert_eq!(
            refused(store.sign_off(id, "again", None, &as_("bob")).await),
            ReviewRule::AlreadySignedOff,
            "{:?}",
            store.dialect()
        );
        let statuses: Vec<serde_json::Value> = store
            .audit(20)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "status")
            .map(|e| serde_json::from_str(&e.detail).unwrap())
            .collect();
        assert_eq!(
            statuses,
            [
                serde_json::json!({ "from": "approved", "to": "signed_off" }),
                serde_json::json!({ "from": "new", "to": "approved" }),
            ]
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_veto_blocks_sign_off_until_its_author_lifts_it() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        store.cast_vote(&vote(id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        store.cast_vote(&vote(id, Label::Review, -2, "reads the labels"), &as_("dan")).await.unwrap();
        assert_eq!(current_status(&store, id).await, ReviewStatus::Rejected);
        assert_eq!(refused(store.sign_off(id, "ship it", None, &as_("carol")).await), ReviewRule::Vetoed);
        // Others' votes do not lift it; only dan's own newer vote does.
        store.cast_vote(&vote(id, Label::Review, 2, "I disagree with dan"), &as_("erin")).await.unwrap();
        assert_eq!(current_status(&store, id).await, ReviewStatus::Rejected);
        store
            .cast_vote(&vote(id, Label::Review, 0, "the probe was a logging call"), &as_("dan"))
            .await
            .unwrap();
        assert_eq!(current_status(&store, id).await, ReviewStatus::Approved);
        let dans: Vec<_> =
            store.votes_of(id).await.unwrap().into_iter().filter(|v| v.author == "dan").collect();
        assert_eq!(dans[0].stale, Some(StaleReason::Replaced), "the lifted veto stays visible");
        // The audit entry keeps the old value.
        let entry = store.audit(5).await.unwrap().into_iter().find(|e| e.action == "vote").unwrap();
        let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap();
        assert_eq!(
            (entry.actor.as_str(), &detail["old"]["value"], &detail["value"]),
            ("dan", &serde_json::json!(-2), &serde_json::json!(0))
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_verification_that_suggests_differently_makes_votes_stale() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        let first = verify(&store, id, SuggestedVote::Verified, 1).await;
        let cast = NewVote { verification_id: Some(&first), ..vote(id, Label::Review, 2, "reproduced") };
        store.cast_vote(&cast, &as_("bob")).await.unwrap();
        // Without naming the newest verification, or naming an older one, nothing is cast.
        assert_eq!(
            refused(store.cast_vote(&vote(id, Label::Review, 1, "fine"), &as_("erin")).await),
            ReviewRule::StaleEvidence
        );
        // A newer verification with the same suggestion leaves the vote live...
        let second = verify(&store, id, SuggestedVote::Verified, 2).await;
        assert_eq!(store.votes_of(id).await.unwrap()[0].stale, None);
        assert_eq!(
            refused(store.sign_off(id, "ok", Some(&first), &as_("carol")).await),
            ReviewRule::StaleEvidence
        );
        // ...one that suggests otherwise makes it stale: visible, marked, counting for nothing.
        let third = verify(&store, id, SuggestedVote::Refuted, 3).await;
        assert_ne!(second, third);
        assert_eq!(
            store.votes_of(id).await.unwrap()[0].stale,
            Some(StaleReason::NewVerification),
            "{:?}",
            store.dialect()
        );
        assert_eq!(current_status(&store, id).await, ReviewStatus::InReview);
        assert_eq!(
            refused(store.sign_off(id, "ok", Some(&third), &as_("carol")).await),
            ReviewRule::LoneSignOff
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_new_version_makes_votes_stale_but_a_veto_follows_it() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        store.set_role("carol", Role::Lead, &as_("carol")).await.unwrap();
        let (v1, v2) = (idea_version(1), idea_version(2));
        import(&store, &v1, "alice").await;
        store.cast_vote(&vote(&v1.id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        store.cast_vote(&vote(&v1.id, Label::Review, -2, "no"), &as_("dan")).await.unwrap();
        import(&store, &v2, "alice").await;

        let votes = store.votes_of(&v1.id).await.unwrap();
        assert_eq!(votes[0].stale, Some(StaleReason::NewVersion), "{:?}", store.dialect());
        assert_eq!(votes[1].stale, None, "a veto is not made stale");
        assert_eq!(refused(store.sign_off(&v1.id, "ok", None, &as_("carol")).await), ReviewRule::Superseded);
        // A method built on v2 (not marked a revision) is not a new version of it.
        let derived =
            bundle_with("fn targets(ctx) { 1 }", "other idea", r#""source_ref":"d1","parent":"c2","#);
        store.cast_vote(&vote(&v2.id, Label::Review, 1, "ok"), &as_("erin")).await.unwrap();
        import(&store, &derived, "alice").await;
        assert_eq!(store.votes_of(&v2.id).await.unwrap()[0].stale, None);
        // The veto holds on the new version until dan lifts it there.
        assert_eq!(current_status(&store, &v2.id).await, ReviewStatus::Rejected);
        store.cast_vote(&vote(&v2.id, Label::Review, 1, "fixed in v2"), &as_("dan")).await.unwrap();
        assert_eq!(
            current_status(&store, &derived.id).await,
            ReviewStatus::New,
            "no veto follows derived work"
        );
        assert_eq!(current_status(&store, &v2.id).await, ReviewStatus::InReview);
        store.close().await;
    }
}

#[tokio::test]
async fn a_newer_version_from_someone_else_is_a_new_submission_and_reopens_nothing() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        store.set_role("carol", Role::Lead, &as_("carol")).await.unwrap();
        // Same self-declared author, marked a revision of v1: only the importer differs.
        let (v1, v2) = (idea_version(1), idea_version(2));
        import(&store, &v1, "alice").await;
        store.cast_vote(&vote(&v1.id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        store.cast_vote(&vote(&v1.id, Label::Review, -2, "no"), &as_("dan")).await.unwrap();
        store.cast_vote(&vote(&v1.id, Label::Review, 1, "lifted"), &as_("dan")).await.unwrap();
        store.sign_off(&v1.id, "ok", None, &as_("carol")).await.unwrap();
        assert_eq!(current_status(&store, &v1.id).await, ReviewStatus::SignedOff);

        import(&store, &v2, "mallory").await;
        assert_eq!(current_status(&store, &v1.id).await, ReviewStatus::SignedOff, "{:?}", store.dialect());
        assert!(
            store.votes_of(&v1.id).await.unwrap().iter().all(|v| v.stale != Some(StaleReason::NewVersion))
        );
        assert_eq!(current_status(&store, &v2.id).await, ReviewStatus::New, "nothing of v1 carries over");
        // It still names its parent: lineage shows it, as work built on v1.
        assert_eq!(store.children(&store.submission(&v1.id).await.unwrap()).await.unwrap().len(), 1);

        // From v1's importer the same bundle would have been its next version.
        import(&store, &idea_version(3), "alice").await;
        assert_eq!(store.votes_of(&v1.id).await.unwrap()[0].stale, Some(StaleReason::NewVersion));
        store.close().await;
    }
}

#[tokio::test]
async fn comments_thread_resolve_and_follow_a_submission_into_its_next_version() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let v1 = bundle_with("let a = 1;\nlet b = 2;", "idea", r#""source_ref":"c1","#);
        let v2 = bundle_with(
            "let a = 1;\nlet b = 3;",
            "idea",
            r#""source_ref":"c2","parent":"c1","revision":true,"#,
        );
        let new = |c| NewSubmission { content: c, origin: "t".into() };
        store.insert_submissions(&[new(&v1), new(&v2)], &as_("alice")).await.unwrap();
        let on_line = CommentAnchor::Line { path: "method.rhai".into(), line: 1, text: "let a = 1;".into() };
        let thread = NewComment { submission: &v1.id, reply_to: None, anchor: &on_line, body: "why 1?" };
        let root = store.add_comment(&thread, &as_("bob")).await.unwrap();
        let reply = NewComment { reply_to: Some(root.id), body: "it is the prior", ..thread.clone() };
        let answer = store.add_comment(&reply, &as_("alice")).await.unwrap();
        // Threads are one level deep; blank comments and line comments without a line are refused.
        let nested = NewComment { reply_to: Some(answer.id), ..reply.clone() };
        assert_eq!(refused(store.add_comment(&nested, &as_("bob")).await), ReviewRule::BadAnchor);
        let elsewhere = NewComment { submission: &v2.id, ..reply.clone() };
        assert_eq!(refused(store.add_comment(&elsewhere, &as_("bob")).await), ReviewRule::BadAnchor);
        assert_eq!(
            refused(store.add_comment(&NewComment { body: " \n", ..thread.clone() }, &as_("bob")).await),
            ReviewRule::MissingRationale
        );
        let zero = CommentAnchor::Line { path: "method.rhai".into(), line: 0, text: String::new() };
        assert_eq!(
            refused(store.add_comment(&NewComment { anchor: &zero, ..thread.clone() }, &as_("bob")).await),
            ReviewRule::BadAnchor
        );
        store.resolve_thread(root.id, true, &as_("bob")).await.unwrap();
        assert!(matches!(
            store.resolve_thread(answer.id, true, &as_("bob")).await,
            Err(StoreError::Refused { rule: ReviewRule::BadAnchor, .. })
        ));
        let resolutions = store.resolutions(&v2.id).await.unwrap();
        assert_eq!((resolutions.len(), resolutions[0].resolved), (1, true));

        // The new version sees the thread written on the old one.
        let on_v2 = store.comments_of(&v2.id).await.unwrap();
        assert_eq!(
            on_v2.iter().map(|c| c.id).collect::<Vec<_>>(),
            [root.id, answer.id],
            "{:?}",
            store.dialect()
        );
        assert_eq!(on_v2[0].anchor, on_line);
        assert_eq!(store.comments_of(&v1.id).await.unwrap().len(), 2);
        assert_eq!(
            current_status(&store, &v1.id).await,
            ReviewStatus::InReview,
            "a comment starts the review"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn flag_feedback_counts_once_per_submission_and_check() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        // sample_verification fails `seeds` only.
        let first = verify(&store, id, SuggestedVote::Refuted, 1).await;
        assert_eq!(
            refused(
                store
                    .judge_flag(&first, CheckId::Reproduction, FlagVerdict::FalseAlarm, "r", &as_("bob"))
                    .await
            ),
            ReviewRule::BadAnchor,
            "only a flagged check is judged"
        );
        assert_eq!(
            refused(
                store.judge_flag(&first, CheckId::Seeds, FlagVerdict::TrueProblem, "", &as_("bob")).await
            ),
            ReviewRule::MissingRationale
        );
        store
            .judge_flag(&first, CheckId::Seeds, FlagVerdict::TrueProblem, "kept 3 of 5", &as_("bob"))
            .await
            .unwrap();
        let second = verify(&store, id, SuggestedVote::Refuted, 2).await;
        store
            .judge_flag(&second, CheckId::Seeds, FlagVerdict::FalseAlarm, "seeds were a typo", &as_("erin"))
            .await
            .unwrap();
        let other = bundle("fn targets(ctx) { 0 }", "other");
        store
            .insert_submissions(&[NewSubmission { content: &other, origin: "t".into() }], &as_("alice"))
            .await
            .unwrap();
        let third = verify(&store, &other.id, SuggestedVote::Refuted, 3).await;
        store
            .judge_flag(&third, CheckId::Seeds, FlagVerdict::TrueProblem, "cherry-picked", &as_("bob"))
            .await
            .unwrap();

        let precision = store.flag_precision().await.unwrap();
        assert_eq!(precision.len(), 1);
        assert_eq!(
            (precision[0].check, precision[0].true_problems, precision[0].false_alarms),
            (CheckId::Seeds, 1, 1),
            "the newest judgement per submission counts: {:?}",
            store.dialect()
        );
        assert_eq!(store.flag_feedback_of(id).await.unwrap().len(), 2);
        store.close().await;
    }
}

#[tokio::test]
async fn review_records_are_never_edited_or_deleted() {
    for db in databases().await {
        let (store, content) = reviewed(&db.url).await;
        let id = &content.id;
        store.cast_vote(&vote(id, Label::Review, 1, "ok"), &as_("bob")).await.unwrap();
        let anchor = CommentAnchor::Submission;
        store
            .add_comment(
                &NewComment { submission: id, reply_to: None, anchor: &anchor, body: "hm" },
                &as_("bob"),
            )
            .await
            .unwrap();
        let raw = AnyPool::connect(&db.url).await.unwrap();
        for sql in [
            "UPDATE votes SET value = 2",
            "DELETE FROM votes",
            "UPDATE comments SET body = 'edited'",
            "DELETE FROM comments",
            "INSERT OR REPLACE INTO votes (id, submission_id, label, value, rationale, author, cast_at) \
             SELECT id, submission_id, label, 2, rationale, author, cast_at FROM votes",
        ] {
            if sql.contains("OR REPLACE") && store.dialect() != aar_store::Dialect::Sqlite {
                continue;
            }
            let err = sqlx::query(AssertSqlSafe(sql)).execute(&raw).await.unwrap_err().to_string();
            assert!(err.contains("aar:append_only"), "{sql} on {:?}: {err}", store.dialect());
        }
        raw.close().await;
        assert_eq!(store.votes_of(id).await.unwrap()[0].value, 1);
        store.close().await;
    }
}

// PostgreSQL team mode: the database itself holds the rules against raw SQL from team logins.
#[path = "review/team.rs"]
mod team;
