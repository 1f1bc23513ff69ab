//! Store behaviour, run against every backend available: SQLite always, PostgreSQL when
//! `AAR_REVIEW_TEST_POSTGRES_URL` names a server whose user may create databases (CI sets it).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use aar_domain::{BundleContent, BundlePath, IdPrefix, Timestamp};
use aar_store::{Dialect, Inserted, NewSubmission, Store, StoreError, WriteContext};
use sqlx::{AnyPool, AssertSqlSafe};

const POSTGRES_ENV: &str = "AAR_REVIEW_TEST_POSTGRES_URL";

/// A database for one test; the temp dir keeps a SQLite file alive until the test ends.
struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut all = vec![TestDb { url: sqlite, _dir: Some(dir) }];
    if let Ok(admin) = std::env::var(POSTGRES_ENV) {
        all.push(TestDb { url: fresh_postgres_database(&admin).await, _dir: None });
    }
    all
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    sqlx::any::install_default_drivers();
    let name = format!("aar_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let admin = AnyPool::connect(admin_url).await.expect("the PostgreSQL test server is reachable");
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&admin).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
    format!("{base}/{name}")
}

fn bundle(method: &str, title: &str) -> BundleContent {
    let manifest_text = format!(
        r#"{{"schema_version":1,"title":"{title}","author":"aar-1","created_at":"2026-04-14T09:30:00Z",
            "hypothesis":"h","description":"d","method":{{"path":"method.rhai","language":"rhai"}},
            "claims":[{{"task":"digits","pgr":0.3,"pgr_se":0.05,"weak_acc":0.57,"ceiling_acc":0.96,"student_acc":0.687,"seeds":[42,43]}}]}}"#
    );
    let manifest = serde_json::from_str(&manifest_text).unwrap();
    let mut files = BTreeMap::new();
    files.insert(BundlePath::parse("method.rhai").unwrap(), method.as_bytes().to_vec());
    BundleContent::new(manifest, manifest_text.as_bytes(), &files).unwrap()
}

fn ctx() -> WriteContext {
    WriteContext { actor: "tester".into(), at: Timestamp::parse("2026-11-22T10:00:00Z").unwrap() }
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let expected = match store.dialect() {
            Dialect::Sqlite => Some("wal".to_owned()),
            Dialect::Postgres => None,
        };
        assert_eq!(store.journal_mode().await.unwrap(), expected);
        store.close().await;
    }
}

#[tokio::test]
async fn insert_is_idempotent_and_audited() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("fn targets(ctx) { ctx.teacher }", "one");
        let new = [NewSubmission { content: &content, origin: "test".into() }];
        assert_eq!(store.insert_submissions(&new, &ctx()).await.unwrap(), vec![Inserted::New]);
        let counts = store.table_counts().await.unwrap();
        assert_eq!(store.insert_submissions(&new, &ctx()).await.unwrap(), vec![Inserted::AlreadyPresent]);
        assert_eq!(
            store.table_counts().await.unwrap(),
            counts,
            "{:?}: re-insert changes nothing",
            store.dialect()
        );
        assert_eq!(counts["submissions"], 1);
        assert_eq!(counts["audit_log"], 1);

        let audit = store.audit(10).await.unwrap();
        assert_eq!(audit[0].actor, "tester");
        assert_eq!(audit[0].action, "submission.import");
        assert_eq!(audit[0].subject, content.id.as_str());

        let row = store.submission(&content.id).await.unwrap();
        assert_eq!(row.title, "one");
        let claims = store.claims(&content.id).await.unwrap();
        assert_eq!(claims[0].seeds, vec![42, 43]);
        assert_eq!(claims[0].pgr_se, Some(0.05));
        let text = store.file_text(&content.id, "method.rhai").await.unwrap();
        assert_eq!(text, "fn targets(ctx) { ctx.teacher }");
        store.close().await;
    }
}

#[tokio::test]
async fn identical_files_are_stored_once() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let a = bundle("same method", "a");
        let b = bundle("same method", "b");
        let batch = [
            NewSubmission { content: &a, origin: "t".into() },
            NewSubmission { content: &b, origin: "t".into() },
        ];
        store.insert_submissions(&batch, &ctx()).await.unwrap();
        let counts = store.table_counts().await.unwrap();
        assert_eq!(counts["submissions"], 2);
        assert_eq!(counts["blobs"], 3, "two manifests and one shared method file");
        store.close().await;
    }
}

#[tokio::test]
async fn audit_log_is_append_only() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("m", "t");
        store
            .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        let raw = AnyPool::connect(&db.url).await.unwrap();
        let update = sqlx::query("UPDATE audit_log SET actor = 'mallory'").execute(&raw).await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM audit_log").execute(&raw).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        assert_eq!(store.audit(10).await.unwrap()[0].actor, "tester");
        raw.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn tampered_file_bytes_are_reported_not_served() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("original", "t");
        store
            .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        let raw = AnyPool::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE blobs SET content = $1 WHERE digest = $2")
            .bind(b"tampered".as_slice())
            .bind(content.method().digest.as_str())
            .execute(&raw)
            .await
            .unwrap();
        let err = store.file_text(&content.id, "method.rhai").await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
        raw.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn prefixes_resolve_uniquely_or_not_at_all() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let contents: Vec<BundleContent> =
            (0..40).map(|i| bundle(&format!("method {i}"), &format!("t{i}"))).collect();
        let batch: Vec<NewSubmission> =
            contents.iter().map(|c| NewSubmission { content: c, origin: "t".into() }).collect();
        store.insert_submissions(&batch, &ctx()).await.unwrap();
        for c in &contents {
            let prefix = IdPrefix::parse(&c.id.as_str()[..12]).unwrap();
            assert_eq!(store.resolve(&prefix).await.unwrap(), c.id);
        }
        // 40 ids over 16 first characters: some first-four-character prefix may or may not
        // collide, but a one-hex-digit prefix shared by several ids always exists.
        let mut by_first: BTreeMap<char, usize> = BTreeMap::new();
        for c in &contents {
            *by_first.entry(c.id.as_str().chars().next().unwrap()).or_default() += 1;
        }
        let (shared, _) = by_first.iter().find(|(_, n)| **n > 1).unwrap();
        let pattern_matches = contents.iter().filter(|c| c.id.as_str().starts_with(*shared)).count();
        assert!(pattern_matches > 1);
        let missing = IdPrefix::parse("0000000000000000").unwrap();
        assert!(matches!(store.resolve(&missing).await, Err(StoreError::NotFound(_))));
        store.close().await;
    }
}

#[tokio::test]
async fn reopening_keeps_data_and_skips_applied_migrations() {
    for db in databases().await {
        let content = bundle("m", "t");
        {
            let store = Store::open(&db.url).await.unwrap();
            store
                .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
                .await
                .unwrap();
            store.close().await;
        }
        let store = Store::open(&db.url).await.unwrap();
        assert_eq!(store.submission(&content.id).await.unwrap().title, "t");
        store.close().await;
    }
}

#[tokio::test]
async fn runs_are_stored_whole_audited_and_found_by_prefix() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let run = aar_store::RunRow {
            id: "ab".repeat(32),
            task: "digits".into(),
            method: "vanilla".into(),
            submission_id: None,
            eval_split: "test".into(),
            backend: "flex".into(),
            adapter: "CPU (burn flex)".into(),
            seeds: "[42,43]".into(),
            data_sha256: "cd".repeat(32),
            code_sha256: None,
            pgr: Some(0.4),
            pgr_se: None,
            total_seconds: 1.5,
            started_at: "2026-11-22T10:00:00Z".into(),
            finished_at: "2026-11-22T10:00:02Z".into(),
            created_by: "ignored: the write context says who".into(),
            report: r#"{"curves":[0.9,0.5]}"#.into(),
        };
        store.insert_run(&run, &ctx()).await.unwrap();
        let found = store.run(&IdPrefix::parse("abab").unwrap()).await.unwrap();
        assert_eq!(found.report, run.report, "{:?}: the report comes back byte for byte", store.dialect());
        assert_eq!(found.created_by, "tester");
        assert_eq!((found.pgr, found.pgr_se), (Some(0.4), None));
        assert_eq!(store.runs(10).await.unwrap().len(), 1);
        assert_eq!(store.audit(1).await.unwrap()[0].action, "run.record");
        let again = store.insert_run(&run, &ctx()).await;
        assert!(again.is_err(), "a run id is its report's hash: storing it twice is refused");
        assert_eq!(
            store.table_counts().await.unwrap()["audit_log"],
            1,
            "the refused insert left no audit entry"
        );
        store.close().await;
    }
}
