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
use sqlx::{AnyPool, AssertSqlSafe, Row};

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

/// Stores a verification of `id` suggesting `vote`, finished at `minute` past noon.
async fn verify(store: &Store, id: &SubmissionId, vote: SuggestedVote, minute: u32) -> String {
    let mut run = sample_report();
    // Runs are content-addressed: each verification gets its own.
    run.finished_at = format!("2026-11-22T12:{minute:02}:00Z");
    let mut report = sample_verification(id.as_str(), &run);
    report.suggestion.vote = vote;
    report.finished_at = format!("2026-11-22T12:{minute:02}:00Z");
    store.insert_verification(report, &[(RunRole::Method, run)], &ctx()).await.unwrap().0.id
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
        let v1 = bundle_with("fn targets(ctx) { ctx.teacher }", "idea", r#""source_ref":"c1","#);
        let v2 = bundle_with(
            "fn targets(ctx) { ctx.teacher } // v2",
            "idea",
            r#""source_ref":"c2","parent":"c1","revision":true,"#,
        );
        store
            .insert_submissions(&[NewSubmission { content: &v1, origin: "t".into() }], &as_("alice"))
            .await
            .unwrap();
        store.cast_vote(&vote(&v1.id, Label::Review, 2, "approve"), &as_("bob")).await.unwrap();
        store.cast_vote(&vote(&v1.id, Label::Review, -2, "no"), &as_("dan")).await.unwrap();
        store
            .insert_submissions(&[NewSubmission { content: &v2, origin: "t".into() }], &as_("alice"))
            .await
            .unwrap();

        let votes = store.votes_of(&v1.id).await.unwrap();
        assert_eq!(votes[0].stale, Some(StaleReason::NewVersion), "{:?}", store.dialect());
        assert_eq!(votes[1].stale, None, "a veto is not made stale");
        assert_eq!(refused(store.sign_off(&v1.id, "ok", None, &as_("carol")).await), ReviewRule::Superseded);
        // A method built on v2 (not marked a revision) is not a new version of it.
        let derived =
            bundle_with("fn targets(ctx) { 1 }", "other idea", r#""source_ref":"d1","parent":"c2","#);
        store.cast_vote(&vote(&v2.id, Label::Review, 1, "ok"), &as_("erin")).await.unwrap();
        store
            .insert_submissions(&[NewSubmission { content: &derived, origin: "t".into() }], &as_("alice"))
            .await
            .unwrap();
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

/// Creates a login role in `group` for this test and returns its URL for `db_url`.
async fn team_login(db_url: &str, name: &str, group: &str) -> (String, String) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin_url = std::env::var(POSTGRES_ENV).unwrap();
    let role = format!("aar_t{}_{}_{name}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let admin = AnyPool::connect(&admin_url).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("CREATE ROLE {role} LOGIN PASSWORD 'pw' IN ROLE {group}")))
        .execute(&admin)
        .await
        .expect("the test user may create roles (CREATEROLE; ./dev grants it)");
    admin.close().await;
    let (scheme_user, rest) = db_url.split_once('@').unwrap();
    let scheme = &scheme_user[..scheme_user.find("://").unwrap() + 3];
    (format!("{scheme}{role}:pw@{rest}"), role)
}

async fn raw_error(pool: &AnyPool, sql: &str) -> String {
    sqlx::query(AssertSqlSafe(sql)).execute(pool).await.unwrap_err().to_string()
}

#[tokio::test]
async fn postgres_refuses_self_approval_and_lone_sign_off_from_team_logins_in_raw_sql() {
    let Some(db) = databases().await.into_iter().nth(1) else {
        eprintln!("skipped: set {POSTGRES_ENV} to run the team-mode tests");
        return;
    };
    // The owner migrates; the group roles exist from then on.
    Store::open(&db.url).await.unwrap().close().await;
    let (alice_url, alice) = team_login(&db.url, "alice", "aar_reviewer").await;
    let (bob_url, bob) = team_login(&db.url, "bob", "aar_reviewer").await;
    let (carol_url, carol) = team_login(&db.url, "carol", "aar_lead").await;

    // Through the store, a team login is pinned to its login name.
    let alice_store = Store::open(&alice_url).await.unwrap();
    assert_eq!(alice_store.team_identity().await.unwrap().as_deref(), Some(alice.as_str()));
    assert_eq!(alice_store.role_of(&alice).await.unwrap(), Role::Reviewer);
    let content = bundle("fn targets(ctx) { ctx.teacher }", "team");
    let pretend = alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(&bob))
        .await;
    assert_eq!(refused(pretend), ReviewRule::Identity, "alice cannot import in bob's name");
    alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(&alice))
        .await
        .unwrap();
    let id = content.id.as_str();

    let alice_raw = AnyPool::connect(&alice_url).await.unwrap();
    let insert_vote = |author: &str, value: i32| {
        format!(
            "INSERT INTO votes (submission_id, label, value, rationale, author, cast_at) \
             VALUES ('{id}', 'review', {value}, 'raw', '{author}', '2026-12-01T00:00:00Z')"
        )
    };
    let err = raw_error(&alice_raw, &insert_vote(&alice, 2)).await;
    assert!(err.contains("aar:self_approval"), "{err}");
    let err = raw_error(&alice_raw, &insert_vote(&bob, 2)).await;
    assert!(err.contains("aar:identity"), "alice cannot vote as bob: {err}");
    for sql in [
        "UPDATE submissions SET imported_by = 'someone'".to_owned(),
        "DELETE FROM votes".to_owned(),
        "DROP TRIGGER votes_rules ON votes".to_owned(),
        "INSERT INTO reviewers (name, role, updated_at, updated_by) VALUES ('x', 'lead', 'now', 'x')"
            .to_owned(),
        "ALTER TABLE votes DISABLE TRIGGER ALL".to_owned(),
    ] {
        let err = raw_error(&alice_raw, &sql).await;
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{sql}: {err}");
    }

    // bob approves; carol, a lead, may sign off; bob (not a lead) and a lead alone may not.
    let bob_raw = AnyPool::connect(&bob_url).await.unwrap();
    let carol_raw = AnyPool::connect(&carol_url).await.unwrap();
    let sign = |lead: &str| {
        format!(
            "INSERT INTO signoffs (submission_id, lead, rationale, signed_at) \
             VALUES ('{id}', '{lead}', 'raw', '2026-12-01T00:00:00Z')"
        )
    };
    let err = raw_error(&carol_raw, &sign(&carol)).await;
    assert!(err.contains("aar:lone_sign_off"), "a lead alone cannot sign off: {err}");
    sqlx::query(AssertSqlSafe(insert_vote(&bob, 2))).execute(&bob_raw).await.unwrap();
    let err = raw_error(&bob_raw, &sign(&bob)).await;
    assert!(err.contains("aar:not_lead"), "{err}");
    let err = raw_error(&bob_raw, &sign(&carol)).await;
    assert!(err.contains("aar:identity"), "bob cannot sign off in carol's name: {err}");
    sqlx::query(AssertSqlSafe(sign(&carol))).execute(&carol_raw).await.unwrap();
    let signed: i64 = sqlx::query(AssertSqlSafe(format!(
        "SELECT sign_offs FROM review_state WHERE submission_id = '{id}'"
    )))
    .fetch_one(&carol_raw)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(signed, 1);
    for pool in [alice_raw, bob_raw, carol_raw] {
        pool.close().await;
    }
    alice_store.close().await;
}

/// Grants `login` what the hardening migration revoked from every team login, as on a database
/// whose owner is not the login that migrated it: the rules must hold without it.
async fn grant_temporary(db_url: &str, login: &str) {
    let admin = AnyPool::connect(db_url).await.unwrap();
    let database = db_url.rsplit_once('/').unwrap().1;
    sqlx::query(AssertSqlSafe(format!("GRANT TEMPORARY ON DATABASE {database} TO {login}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}

/// A pool of one connection: temporary objects live in the connection that made them.
async fn one_connection(url: &str) -> AnyPool {
    sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.unwrap()
}

#[tokio::test]
async fn postgres_rules_read_the_real_tables_whatever_a_team_login_creates() {
    let Some(db) = databases().await.into_iter().nth(1) else {
        eprintln!("skipped: set {POSTGRES_ENV} to run the team-mode tests");
        return;
    };
    Store::open(&db.url).await.unwrap().close().await;
    let (alice_url, alice) = team_login(&db.url, "alice", "aar_reviewer").await;
    let (bob_url, bob) = team_login(&db.url, "bob", "aar_reviewer").await;
    let (dave_url, dave) = team_login(&db.url, "dave", "aar_reviewer").await;
    let (carol_url, carol) = team_login(&db.url, "carol", "aar_lead").await;
    let alice_store = Store::open(&alice_url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "shadowed");
    alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(&alice))
        .await
        .unwrap();
    let id = content.id.as_str();
    let vote = |author: &str, value: i32| {
        format!(
            "INSERT INTO votes (submission_id, label, value, rationale, author, cast_at) \
             VALUES ('{id}', 'review', {value}, 'raw', '{author}', '2026-12-01T00:00:00Z')"
        )
    };

    // Team logins create no temporary objects, and nothing in `public`.
    let alice_raw = AnyPool::connect(&alice_url).await.unwrap();
    for sql in [
        "CREATE TEMP TABLE submissions (id text, imported_by text)",
        "CREATE TABLE public.shadow (x int)",
        "CREATE FUNCTION public.aar_blank(varchar) RETURNS boolean AS 'SELECT false' LANGUAGE sql",
    ] {
        let err = raw_error(&alice_raw, sql).await;
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    alice_raw.close().await;

    // Where the owner could not revoke TEMPORARY, temporary objects still shadow nothing. (A
    // connection keeps its temporary objects: each attack uses one connection.)
    for login in [&alice, &carol] {
        grant_temporary(&db.url, login).await;
    }
    let alice_raw = one_connection(&alice_url).await;
    for sql in [
        "CREATE TEMP TABLE submissions (id text, imported_by text)",
        "CREATE TEMP VIEW pg_roles AS SELECT * FROM pg_catalog.pg_roles WHERE false",
    ] {
        sqlx::query(AssertSqlSafe(sql)).execute(&alice_raw).await.unwrap();
    }
    let err = raw_error(&alice_raw, &vote(&alice, 2)).await;
    assert!(err.contains("aar:self_approval"), "a temporary `submissions` hides no importer: {err}");
    let err = raw_error(&alice_raw, &vote(&bob, 2)).await;
    assert!(err.contains("aar:identity"), "a temporary `pg_roles` makes no one the owner: {err}");
    alice_raw.close().await;

    // dave vetoes, bob approves: a temporary `review_state` without the veto signs nothing off.
    for (url, author, value) in [(&dave_url, &dave, -2), (&bob_url, &bob, 2)] {
        let pool = AnyPool::connect(url).await.unwrap();
        sqlx::query(AssertSqlSafe(vote(author, value))).execute(&pool).await.unwrap();
        pool.close().await;
    }
    let carol_raw = one_connection(&carol_url).await;
    sqlx::query(
        "CREATE TEMP VIEW review_state AS SELECT submission_id, imported_by, approvals, 0::bigint AS vetoes, \
         verified_failures, records, sign_offs FROM public.review_state",
    )
    .execute(&carol_raw)
    .await
    .unwrap();
    let sign = format!(
        "INSERT INTO signoffs (submission_id, lead, rationale, signed_at) VALUES ('{id}', '{carol}', 'raw', '2026-12-01T00:00:00Z')"
    );
    let err = raw_error(&carol_raw, &sign).await;
    assert!(err.contains("aar:vetoed"), "the live -2 still blocks the sign-off: {err}");
    carol_raw.close().await;
    alice_store.close().await;
}

#[tokio::test]
async fn postgres_every_rule_function_resolves_names_in_its_own_search_path() {
    let Some(db) = databases().await.into_iter().nth(1) else {
        eprintln!("skipped: set {POSTGRES_ENV} to run the team-mode tests");
        return;
    };
    let store = Store::open(&db.url).await.unwrap();
    store.close().await;
    let pool = AnyPool::connect(&db.url).await.unwrap();
    // A function a later migration adds without the setting would read the caller's path.
    let unpinned: Vec<String> = sqlx::query(
        "SELECT p.proname::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = 'public' AND p.prokind = 'f' AND NOT COALESCE( \
             'search_path=pg_catalog, public, pg_temp' = ANY (p.proconfig), false) ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get::<String, _>(0).unwrap())
    .collect();
    assert!(unpinned.is_empty(), "functions that resolve names in the caller's search_path: {unpinned:?}");
    let count: i64 = sqlx::query(
        "SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = 'public' AND p.prokind = 'f'",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert!(count >= 10, "the rules' functions are there to check ({count})");
    pool.close().await;
}
