//! PostgreSQL team mode: the database itself holds the rules against raw SQL from team logins.
//! Each test logs in as reviewer and lead roles of its own and tries what a member with a grudge
//! would.

use std::time::Duration;

use sqlx::Row;

use super::*;

const REVIEWER: &str = "aar_reviewer";
const LEAD: &str = "aar_lead";
const VERIFIER: &str = "aar_verifier";

/// A team login made for one test.
#[derive(Debug)]
struct Login {
    url: String,
    name: String,
}

impl Login {
    async fn raw(&self) -> AnyPool {
        AnyPool::connect(&self.url).await.unwrap()
    }
}

/// A fresh PostgreSQL database migrated by its owner (the group roles exist from then on), and a
/// login in each `(name, group)`; `None`, and the test is skipped, without a PostgreSQL server.
async fn team<const N: usize>(members: [(&str, &str); N]) -> Option<(TestDb, [Login; N])> {
    let Some(db) = databases().await.into_iter().nth(1) else {
        eprintln!("skipped: set {POSTGRES_ENV} to run the team-mode tests");
        return None;
    };
    Store::open(&db.url).await.unwrap().close().await;
    let mut logins = Vec::with_capacity(N);
    for (name, group) in members {
        logins.push(team_login(&db.url, name, group).await);
    }
    Some((db, logins.try_into().unwrap()))
}

/// Creates a login role in `group` for this test.
async fn team_login(db_url: &str, name: &str, group: &str) -> Login {
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
    Login { url: format!("{scheme}{role}:pw@{rest}"), name: role }
}

async fn raw_error(pool: &AnyPool, sql: &str) -> String {
    sqlx::query(AssertSqlSafe(sql)).execute(pool).await.unwrap_err().to_string()
}

#[tokio::test]
async fn postgres_refuses_self_approval_and_lone_sign_off_from_team_logins_in_raw_sql() {
    let Some((_db, [alice_login, bob_login, carol_login])) =
        team([("alice", REVIEWER), ("bob", REVIEWER), ("carol", LEAD)]).await
    else {
        return;
    };
    let (alice_url, alice) = (&alice_login.url, &alice_login.name);
    let (bob_url, bob) = (&bob_login.url, &bob_login.name);
    let (carol_url, carol) = (&carol_login.url, &carol_login.name);

    // Through the store, a team login is pinned to its login name.
    let alice_store = Store::open(alice_url).await.unwrap();
    assert_eq!(alice_store.team_identity().await.unwrap().as_deref(), Some(alice.as_str()));
    assert_eq!(alice_store.role_of(alice).await.unwrap(), Role::Reviewer);
    let content = bundle("fn targets(ctx) { ctx.teacher }", "team");
    let pretend = alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(bob))
        .await;
    assert_eq!(refused(pretend), ReviewRule::Identity, "alice cannot import in bob's name");
    alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(alice))
        .await
        .unwrap();
    let id = content.id.as_str();

    let alice_raw = AnyPool::connect(alice_url).await.unwrap();
    let insert_vote = |author: &str, value: i32| {
        format!(
            "INSERT INTO votes (submission_id, label, value, rationale, author, cast_at) \
             VALUES ('{id}', 'review', {value}, 'raw', '{author}', '2026-12-01T00:00:00Z')"
        )
    };
    let err = raw_error(&alice_raw, &insert_vote(alice, 2)).await;
    assert!(err.contains("aar:self_approval"), "{err}");
    let err = raw_error(&alice_raw, &insert_vote(bob, 2)).await;
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
    let bob_raw = AnyPool::connect(bob_url).await.unwrap();
    let carol_raw = AnyPool::connect(carol_url).await.unwrap();
    let sign = |lead: &str| {
        format!(
            "INSERT INTO signoffs (submission_id, lead, rationale, signed_at) \
             VALUES ('{id}', '{lead}', 'raw', '2026-12-01T00:00:00Z')"
        )
    };
    let err = raw_error(&carol_raw, &sign(carol)).await;
    assert!(err.contains("aar:lone_sign_off"), "a lead alone cannot sign off: {err}");
    sqlx::query(AssertSqlSafe(insert_vote(bob, 2))).execute(&bob_raw).await.unwrap();
    let err = raw_error(&bob_raw, &sign(bob)).await;
    assert!(err.contains("aar:not_lead"), "{err}");
    let err = raw_error(&bob_raw, &sign(carol)).await;
    assert!(err.contains("aar:identity"), "bob cannot sign off in carol's name: {err}");
    sqlx::query(AssertSqlSafe(sign(carol))).execute(&carol_raw).await.unwrap();
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
    let Some((db, [alice_login, bob_login, dave_login, carol_login])) =
        team([("alice", REVIEWER), ("bob", REVIEWER), ("dave", REVIEWER), ("carol", LEAD)]).await
    else {
        return;
    };
    let (alice_url, alice) = (&alice_login.url, &alice_login.name);
    let (bob_url, bob) = (&bob_login.url, &bob_login.name);
    let (dave_url, dave) = (&dave_login.url, &dave_login.name);
    let (carol_url, carol) = (&carol_login.url, &carol_login.name);
    let alice_store = Store::open(alice_url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "shadowed");
    alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(alice))
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
    let alice_raw = AnyPool::connect(alice_url).await.unwrap();
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
    let alice_raw = one_connection(alice_url).await;
    for sql in [
        "CREATE TEMP TABLE submissions (id text, imported_by text)",
        "CREATE TEMP VIEW pg_roles AS SELECT * FROM pg_catalog.pg_roles WHERE false",
    ] {
        sqlx::query(AssertSqlSafe(sql)).execute(&alice_raw).await.unwrap();
    }
    let err = raw_error(&alice_raw, &vote(alice, 2)).await;
    assert!(err.contains("aar:self_approval"), "a temporary `submissions` hides no importer: {err}");
    let err = raw_error(&alice_raw, &vote(bob, 2)).await;
    assert!(err.contains("aar:identity"), "a temporary `pg_roles` makes no one the owner: {err}");
    alice_raw.close().await;

    // dave vetoes, bob approves: a temporary `review_state` without the veto signs nothing off.
    for (url, author, value) in [(&dave_url, &dave, -2), (&bob_url, &bob, 2)] {
        let pool = AnyPool::connect(url).await.unwrap();
        sqlx::query(AssertSqlSafe(vote(author, value))).execute(&pool).await.unwrap();
        pool.close().await;
    }
    let carol_raw = one_connection(carol_url).await;
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
    let Some((db, [])) = team([]).await else {
        return;
    };
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

/// Text that JSON escapes in every way it can: what the server's hash must encode as the store's.
const AWKWARD: &str = "quote \" backslash \\ newline \n tab \t bell \u{7} esc \u{1b} del \u{7f} \
                       line sep \u{2028} accent é emoji 🦀 rtl \u{202e}";

#[tokio::test]
async fn postgres_the_server_chains_the_audit_log_whatever_a_team_login_sends() {
    let Some((db, [alice])) = team([("alice", REVIEWER)]).await else {
        return;
    };
    let owner = Store::open(&db.url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "chained");
    owner
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
        .await
        .unwrap();
    let before = owner.verify_audit().await.unwrap().entries;
    let raw = alice.raw().await;
    let entry = |columns: &str, values: &str| format!("INSERT INTO audit_log ({columns}) VALUES ({values})");
    let mine = format!("'1999-01-01T00:00:00Z', '{}', 'note', 'x', '{{}}'", alice.name);

    // A wrong hash, a chosen predecessor and a seq far ahead (which once blocked every later
    // write) are not a team login's to set.
    for (column, value) in [("hash", "'00'"), ("prev_hash", "'00'"), ("seq", "9000000000000000000")] {
        let err = raw_error(
            &raw,
            &entry(&format!("at, actor, action, subject, detail, {column}"), &format!("{mine}, {value}")),
        )
        .await;
        assert!(err.contains("permission denied"), "{column}: {err}");
    }
    // What it may send is chained by the server, dated by the server's clock, and hashed exactly
    // as the store hashes (awkward text included).
    let awkward = serde_json::json!({ "text": AWKWARD }).to_string().replace('\'', "''");
    sqlx::query(AssertSqlSafe(entry(
        "at, actor, action, subject, detail",
        &format!(
            "'1999-01-01T00:00:00Z', '{}', 'note', '{}', '{awkward}'",
            alice.name,
            AWKWARD.replace('\'', "''")
        ),
    )))
    .execute(&raw)
    .await
    .unwrap();
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT at, seq FROM audit_log WHERE actor = '{}' ORDER BY seq DESC LIMIT 1",
        alice.name
    )))
    .fetch_one(&raw)
    .await
    .unwrap();
    let at: String = row.try_get("at").unwrap();
    assert!(!at.starts_with("1999"), "the server dates a team login's entry, not the client: {at}");
    aar_domain::Timestamp::parse(&at).expect("the server writes the store's time format");

    // The owner's writes go on after it, and the whole chain verifies.
    let id = content.id.clone();
    owner.cast_vote(&vote(&id, Label::Review, 1, "fine"), &as_("bob")).await.unwrap();
    let check = owner.verify_audit().await.unwrap();
    assert_eq!(check.broken, None, "the chain holds");
    assert_eq!(check.entries, before + 3, "alice's note, bob's vote and the status it changes");
    raw.close().await;
    owner.close().await;
}

#[tokio::test]
async fn postgres_team_logins_choose_no_ids_and_no_dates() {
    let Some((db, [alice, bob, verifier])) =
        team([("alice", REVIEWER), ("bob", REVIEWER), ("verifier", VERIFIER)]).await
    else {
        return;
    };
    let owner = Store::open(&db.url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "dated");
    owner
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
        .await
        .unwrap();
    let id = content.id.as_str();
    let vote = |login: &Login, id_column: &str, id_value: &str| {
        format!(
            "INSERT INTO votes ({id_column}submission_id, label, value, rationale, author, cast_at) \
             VALUES ({id_value}'{id}', 'review', 1, 'raw', '{}', '1999-01-01T00:00:00Z')",
            login.name
        )
    };
    // Taking the next ids ahead of time once blocked the next reviewers' votes.
    let alice_raw = alice.raw().await;
    let err = raw_error(&alice_raw, &vote(&alice, "id, ", "1, ")).await;
    assert!(err.contains("permission denied"), "{err}");
    let err = raw_error(&alice_raw, &vote(&alice, "id, ", "999999, ")).await;
    assert!(err.contains("permission denied"), "{err}");
    sqlx::query(AssertSqlSafe(vote(&alice, "", ""))).execute(&alice_raw).await.unwrap();
    let bob_raw = bob.raw().await;
    sqlx::query(AssertSqlSafe(vote(&bob, "", ""))).execute(&bob_raw).await.unwrap();
    let votes = owner.votes_of(&content.id).await.unwrap();
    assert_eq!(votes.len(), 2);
    for v in &votes {
        assert!(!v.cast_at.starts_with("1999"), "a team login's vote is dated by the server: {}", v.cast_at);
    }

    // A reviewer stores no verification at all (they request one); even the verifier cannot store
    // one dated in the far future (it would stay "newest" for good, making every real vote stale)
    // or one no reader could decode.
    let verification = |by: &Login, suggestion: &str, finished_at: &str| {
        format!(
            "INSERT INTO verifications (id, submission_id, task, suggestion, failed_checks, warned_checks, \
             finished_at, created_by, report) VALUES (md5(random()::text), '{id}', 'digits', '{suggestion}', \
             '[]', '[]', '{finished_at}', '{}', '{{}}')",
            by.name
        )
    };
    let err = raw_error(&alice_raw, &verification(&alice, "+1", "2026-01-01T00:00:00Z")).await;
    assert!(err.contains("permission denied"), "{err}");
    let verifier_raw = verifier.raw().await;
    for (suggestion, finished_at, expected) in [
        ("+1", "9999-12-31T00:00:00Z", "aar:bad_time"),
        ("+1", "next tuesday", "aar:bad_time"),
        ("bogus", "2026-01-01T00:00:00Z", "verifications_suggestion"),
    ] {
        let err = raw_error(&verifier_raw, &verification(&verifier, suggestion, finished_at)).await;
        assert!(err.contains(expected), "{suggestion} {finished_at}: {err}");
    }
    let unreadable = verification(&verifier, "+1", "2026-01-01T00:00:00Z").replace("'[]', '[]'", "'x', '[]'");
    let err = raw_error(&verifier_raw, &unreadable).await;
    assert!(err.contains("json"), "{err}");
    verifier_raw.close().await;
    // Reads keep working for everyone.
    assert!(owner.latest_verifications(None).await.unwrap().is_empty());
    assert!(owner.verify_audit().await.unwrap().broken.is_none());
    for pool in [alice_raw, bob_raw] {
        pool.close().await;
    }
    owner.close().await;
}

#[tokio::test]
async fn postgres_no_column_drawn_from_a_sequence_is_insertable_by_team_logins() {
    let Some((db, [])) = team([]).await else {
        return;
    };
    let pool = AnyPool::connect(&db.url).await.unwrap();
    let columns = |condition: &str| {
        format!(
            "SELECT c.relname::text || '.' || a.attname::text FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped \
             AND ({condition}) ORDER BY 1"
        )
    };
    let names = |rows: Vec<sqlx::any::AnyRow>| -> Vec<String> {
        rows.iter().map(|row| row.try_get::<String, _>(0).unwrap()).collect()
    };
    // A later migration that adds a table and forgets to grant its columns one by one fails here.
    let server_set = "pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%' \
                      OR (c.relname = 'audit_log' AND a.attname IN ('prev_hash', 'hash'))";
    let insertable = names(
        sqlx::query(AssertSqlSafe(columns(&format!(
            "({server_set}) AND (pg_catalog.has_column_privilege('{REVIEWER}', a.attrelid, a.attnum, 'INSERT') \
             OR pg_catalog.has_column_privilege('{VERIFIER}', a.attrelid, a.attnum, 'INSERT'))"
        ))))
        .fetch_all(&pool)
        .await
        .unwrap(),
    );
    assert!(insertable.is_empty(), "team logins may set: {insertable:?}");
    let guarded = names(sqlx::query(AssertSqlSafe(columns(server_set))).fetch_all(&pool).await.unwrap());
    assert!(guarded.len() >= 8, "the columns the server sets are there to check: {guarded:?}");
    pool.close().await;
}

#[tokio::test]
async fn postgres_only_a_verifier_login_stores_verifications_and_works_the_queue() {
    use aar_review_schemas::verification::RunRole;
    use aar_store::{Lease, NewRequest, RequestState};
    let Some((_db, [alice, verifier, both])) =
        team([("alice", REVIEWER), ("verifier", VERIFIER), ("both", REVIEWER)]).await
    else {
        return;
    };
    // A login in a reviewer group and the verifier group is a person, not a verifier.
    let admin = AnyPool::connect(&std::env::var(POSTGRES_ENV).unwrap()).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("GRANT {VERIFIER} TO {}", both.name))).execute(&admin).await.unwrap();
    admin.close().await;

    let alice_store = Store::open(&alice.url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "requested");
    alice_store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &as_(&alice.name))
        .await
        .unwrap();
    let run = sample_report();
    let forged = || {
        let mut report = sample_verification(content.id.as_str(), &run);
        report.suggestion.vote = SuggestedVote::Verified;
        report
    };
    // alice once stored a +1 of her own making; now she can only ask.
    let err = alice_store
        .insert_verification(forged(), &[(RunRole::Method, run.clone())], None, &as_(&alice.name))
        .await;
    assert!(err.unwrap_err().to_string().contains("permission denied"));
    let request = NewRequest { submission: &content.id, task: None, seeds: None, quick: true };
    let asked = alice_store.request_verification(&request, &as_(&alice.name)).await.unwrap();
    assert_eq!(asked.requested_by, alice.name);
    let alice_raw = alice.raw().await;
    for sql in [
        format!("UPDATE verification_requests SET state = 'failed' WHERE id = {}", asked.id),
        format!(
            "INSERT INTO verification_requests (submission_id, requested_by, requested_at, state) \
             VALUES ('{}', '{}', 'now', 'done')",
            content.id.as_str(),
            alice.name
        ),
    ] {
        let err = raw_error(&alice_raw, &sql).await;
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    alice_raw.close().await;
    let err = alice_store.take_request(&alice.name, Duration::from_secs(60), 3, &as_(&alice.name)).await;
    assert!(err.unwrap_err().to_string().contains("permission denied"), "a reviewer works no queue");

    // A login that is also a reviewer does not pass as a verifier.
    let both_store = Store::open(&both.url).await.unwrap();
    let attempt = both_store
        .insert_verification(forged(), &[(RunRole::Method, run.clone())], None, &as_(&both.name))
        .await;
    assert_eq!(refused(attempt), ReviewRule::NotVerifier);
    both_store.close().await;

    // The verifier takes the request and stores the verification, in its own name.
    let verifier_store = Store::open(&verifier.url).await.unwrap();
    let me = as_(&verifier.name);
    let taken =
        verifier_store.take_request(&verifier.name, Duration::from_secs(60), 3, &me).await.unwrap().unwrap();
    let held = Lease { request: taken.id, worker: verifier.name.clone() };
    let (stored, _) = verifier_store
        .insert_verification(forged(), &[(RunRole::Method, run.clone())], Some(&held), &me)
        .await
        .unwrap();
    assert_eq!(stored.created_by, verifier.name);
    let done = alice_store.verification_requests(false).await.unwrap().remove(0);
    assert_eq!((done.state, done.verification_id), (RequestState::Done, Some(stored.id)));
    assert_eq!(alice_store.verify_audit().await.unwrap().broken, None);
    verifier_store.close().await;
    alice_store.close().await;
}

#[tokio::test]
async fn postgres_reads_keep_working_whatever_a_team_login_inserts() {
    let Some((db, [alice])) = team([("alice", REVIEWER)]).await else {
        return;
    };
    let owner = Store::open(&db.url).await.unwrap();
    let content = bundle("fn targets(ctx) { ctx.teacher }", "readable");
    owner
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
        .await
        .unwrap();
    let id = content.id.as_str();
    let me = &alice.name;
    let submission = |sub_id: &str, language: &str| {
        format!(
            "INSERT INTO submissions (id, title, author, created_at, method_path, method_language, origin, \
             imported_at, imported_by) VALUES ('{sub_id}', 't', 'a', 'now', 'method.rhai', '{language}', 'raw', 'now', '{me}')"
        )
    };
    let claim = |seeds: &str| {
        format!(
            "INSERT INTO claims (submission_id, position, task, pgr, seeds) VALUES ('{id}', 99, 'digits', 0.5, '{seeds}')"
        )
    };
    let run = |split: &str| {
        format!(
            "INSERT INTO runs (id, task, method, submission_id, eval_split, backend, adapter, seeds, data_sha256, \
             total_seconds, started_at, finished_at, created_by, report) VALUES ('r', 'digits', 'm', '{id}', '{split}', \
             'flex', 'cpu', '[1]', 'x', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{me}', '{{}}')"
        )
    };
    let comment = format!(
        "INSERT INTO comments (submission_id, anchor_kind, check_id, body, author, written_at) \
         VALUES ('{id}', 'submission', 'bogus', 'hi', '{me}', 'now')"
    );
    let raw = alice.raw().await;
    // Each of these once made every `list`, `runs` or export fail for everyone.
    for sql in [
        submission(&"ab".repeat(32), "klingon"),
        submission("not-a-sha256", "rhai"),
        claim("[-1]"),
        claim("[1.5]"),
        claim("not json"),
        run("nope"),
        comment,
    ] {
        let err = raw_error(&raw, &sql).await;
        assert!(err.contains("_readable") || err.contains("invalid input syntax"), "{sql}: {err}");
    }
    raw.close().await;
    assert_eq!(owner.list(&Default::default()).await.unwrap().len(), 1);
    assert_eq!(owner.all_claims().await.unwrap().len(), 1);
    assert!(owner.comments_of(&content.id).await.unwrap().is_empty());
    owner.close().await;
}

#[tokio::test]
async fn postgres_readable_rows_allow_every_value_the_rust_types_have() {
    use aar_review_schemas::bundle::MethodLanguage;
    use aar_review_schemas::verification::CheckId;
    use aar_review_schemas::vocab::{Backend, EvalSplit, FileRole};
    // A compile error here means a type gained a value: list it below, and in the migration's
    // CHECK constraints (`rows_every_reader_decodes`), or stores of that value will be refused.
    fn listed(language: MethodLanguage, role: FileRole, split: EvalSplit, backend: Backend) {
        match (language, role, split, backend) {
            (MethodLanguage::Rhai | MethodLanguage::Python, _, _, _) => {}
        }
        match role {
            FileRole::Manifest | FileRole::Method | FileRole::Source | FileRole::Log => {}
        }
        match split {
            EvalSplit::Dev | EvalSplit::Test | EvalSplit::Private => {}
        }
        match backend {
            Backend::Flex | Backend::Wgpu => {}
        }
    }
    let _ = listed;
    let Some((db, [])) = team([]).await else {
        return;
    };
    let pool = AnyPool::connect(&db.url).await.unwrap();
    let definition = |name: &str| {
        let sql = format!(
            "SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE conname = '{name}'"
        );
        let pool = pool.clone();
        async move {
            sqlx::query(AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap().try_get::<String, _>(0).unwrap()
        }
    };
    let values: [(&str, Vec<&str>); 5] = [
        ("submissions_readable", vec![MethodLanguage::Rhai.as_str(), MethodLanguage::Python.as_str()]),
        (
            "submission_files_readable",
            [FileRole::Manifest, FileRole::Method, FileRole::Source, FileRole::Log]
                .map(FileRole::as_str)
                .to_vec(),
        ),
        (
            "runs_readable",
            [EvalSplit::Dev, EvalSplit::Test, EvalSplit::Private].map(EvalSplit::as_str).to_vec(),
        ),
        ("runs_readable", [Backend::Flex, Backend::Wgpu].map(Backend::as_str).to_vec()),
        ("comments_readable", CheckId::ALL.map(CheckId::as_str).to_vec()),
    ];
    for (constraint, allowed) in values {
        let def = definition(constraint).await;
        for value in allowed {
            assert!(def.contains(&format!("'{value}'")), "{constraint} does not allow `{value}`: {def}");
        }
    }
    pool.close().await;
}
