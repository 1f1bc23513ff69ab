//! Store behaviour, run against every backend available: SQLite always, PostgreSQL when
//! `AAR_REVIEW_TEST_POSTGRES_URL` names a server whose user may create databases (CI sets it).

use std::collections::BTreeMap;

use aar_domain::{BundleContent, IdPrefix};
mod common;

use aar_review_schemas::verification::CheckId;
use aar_store::{Dialect, Inserted, NewSubmission, Store, StoreError};
use common::*;
use sqlx::{AnyPool, AssertSqlSafe};

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
        let tamper = || {
            sqlx::query("UPDATE blobs SET content = $1 WHERE digest = $2")
                .bind(b"tampered".as_slice())
                .bind(content.method().digest.as_str())
        };
        let refused = tamper().execute(&raw).await.unwrap_err().to_string();
        assert!(refused.contains("aar:append_only"), "{:?}: {refused}", store.dialect());
        if store.dialect() == Dialect::Sqlite {
            // REPLACE deletes the old row without firing delete triggers.
            let refused = sqlx::query(
                "INSERT OR REPLACE INTO blobs (digest, size, content) VALUES ($1, 8, CAST('tampered' AS BLOB))",
            )
            .bind(content.method().digest.as_str())
            .execute(&raw)
            .await
            .unwrap_err()
            .to_string();
            assert!(refused.contains("aar:append_only"), "{refused}");
        }
        assert_eq!(store.file_text(&content.id, "method.rhai").await.unwrap(), "original");
        switch_off_edit_triggers(&raw, store.dialect(), "blobs").await;
        tamper().execute(&raw).await.unwrap();
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
        assert!(matches!(store.resolve(&missing).await, Err(StoreError::NotFound { .. })));
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
        let report = sample_report();
        let stored = store.insert_run(&report, &ctx()).await.unwrap();
        let found = store.run(&IdPrefix::parse(&stored.id[..8]).unwrap()).await.unwrap();
        assert_eq!(found.report().unwrap(), report, "{:?}: the report comes back whole", store.dialect());
        assert_eq!(
            found.id,
            aar_domain::Digest::of(found.report.as_bytes()).to_string(),
            "the id is the report's hash"
        );
        assert_eq!(found.created_by, "tester");
        assert_eq!((found.pgr, found.pgr_se), (Some(0.4), None));
        assert_eq!(store.runs(10).await.unwrap().len(), 1);
        assert_eq!(store.audit(1).await.unwrap()[0].action, "run.record");
        let again = store.insert_run(&report, &ctx()).await;
        assert!(again.is_err(), "a run id is its report's hash: storing it twice is refused");
        assert_eq!(
            store.table_counts().await.unwrap()["audit_log"],
            1,
            "the refused insert left no audit entry"
        );
        store.close().await;
    }
}

/// Opens `url` `n` times at once, as `n` processes would, and imports a different bundle through
/// each: every import must land (writers queue for the lock instead of failing with "database is
/// locked"), and on a new database the concurrent first opens must not race the migrations.
async fn import_in_parallel(url: &str, n: usize) {
    let contents: Vec<BundleContent> =
        (0..n).map(|i| bundle(&format!("parallel method {i}"), &format!("p{i}"))).collect();
    // One thread and runtime per writer, as separate processes would have.
    let writers: Vec<_> = contents
        .clone()
        .into_iter()
        .map(|content| {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    let store = Store::open(&url).await?;
                    let batch = [NewSubmission { content: &content, origin: "parallel".into() }];
                    let outcome = store.insert_submissions(&batch, &ctx()).await;
                    store.close().await;
                    outcome
                })
            })
        })
        .collect();
    for (i, writer) in writers.into_iter().enumerate() {
        let outcome = writer.join().unwrap();
        assert_eq!(outcome.unwrap_or_else(|e| panic!("import {i} failed: {e}")), vec![Inserted::New]);
    }
    let store = Store::open(url).await.unwrap();
    let listed = store.list(&Default::default()).await.unwrap();
    for content in &contents {
        assert!(listed.iter().any(|row| row.id == content.id), "{} is listed", content.manifest.title);
    }
    let audit = store.verify_audit().await.unwrap();
    assert_eq!(audit.broken, None, "the audit chain of {n} parallel writers is whole");
    if store.dialect() == Dialect::Sqlite {
        let raw = AnyPool::connect(url).await.unwrap();
        let check: String =
            sqlx::Row::get(&sqlx::query("PRAGMA integrity_check").fetch_one(&raw).await.unwrap(), 0);
        assert_eq!(check, "ok");
        raw.close().await;
    }
    store.close().await;
}

#[tokio::test]
async fn twenty_parallel_imports_all_land_on_a_fresh_database() {
    for db in databases().await {
        import_in_parallel(&db.url, 20).await;
    }
}

#[tokio::test]
async fn twenty_parallel_imports_all_land_on_an_existing_database() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let first = bundle("already there", "first");
        store
            .insert_submissions(&[NewSubmission { content: &first, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        store.close().await;
        import_in_parallel(&db.url, 20).await;
        let store = Store::open(&db.url).await.unwrap();
        assert_eq!(store.table_counts().await.unwrap()["submissions"], 21);
        store.close().await;
    }
}

#[tokio::test]
async fn a_file_row_pointed_at_other_bytes_is_reported_not_served() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("the reviewed method", "t");
        store
            .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        // A blob that is consistent with its own digest, and the method's row pointed at it.
        let other = b"fn targets(ctx) { cheat() }";
        let other_digest = aar_domain::Digest::of(other);
        let raw = AnyPool::connect(&db.url).await.unwrap();
        sqlx::query("INSERT INTO blobs (digest, size, content) VALUES ($1, $2, $3)")
            .bind(other_digest.as_str())
            .bind(other.len() as i64)
            .bind(other.as_slice())
            .execute(&raw)
            .await
            .unwrap();
        let repoint = || {
            sqlx::query(
                "UPDATE submission_files SET digest = $1 WHERE submission_id = $2 AND path = 'method.rhai'",
            )
            .bind(other_digest.as_str())
            .bind(content.id.as_str())
        };
        let refused = repoint().execute(&raw).await.unwrap_err().to_string();
        assert!(refused.contains("aar:append_only"), "{:?}: {refused}", store.dialect());
        switch_off_edit_triggers(&raw, store.dialect(), "submission_files").await;
        repoint().execute(&raw).await.unwrap();
        let err = store.file_text(&content.id, "method.rhai").await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{:?}: {err}", store.dialect());
        assert!(err.to_string().contains("no longer matches its id"), "{err}");
        assert!(matches!(store.files(&content.id).await, Err(StoreError::Corrupt(_))));
        raw.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn an_audit_entry_cannot_be_replaced_or_forged_onto_the_chain() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("m", "t");
        store
            .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        let raw = AnyPool::connect(&db.url).await.unwrap();
        let replace = match store.dialect() {
            // REPLACE deletes the old row without firing delete triggers.
            Dialect::Sqlite => {
                "INSERT OR REPLACE INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) \
                                SELECT seq, at, 'mallory', action, subject, detail, prev_hash, hash FROM audit_log"
            }
            Dialect::Postgres => {
                "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) \
                                  SELECT seq, at, 'mallory', action, subject, detail, prev_hash, hash FROM audit_log \
                                  ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'"
            }
        };
        let replaced = sqlx::query(AssertSqlSafe(replace)).execute(&raw).await;
        let unchained = sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) \
             VALUES ('2026-01-01T00:00:00Z', 'mallory', 'x', 'y', '{}', 'forged', 'forged')",
        )
        .execute(&raw)
        .await;
        let audit = store.audit(10).await.unwrap();
        let original = audit.iter().find(|e| e.seq == audit.iter().map(|e| e.seq).min().unwrap()).unwrap();
        assert_eq!(original.actor, "tester", "{:?}: the first entry is unchanged", store.dialect());
        match store.dialect() {
            Dialect::Sqlite => {
                // Either trigger may fire first: the one refusing a reused entry number, or the
                // one refusing an entry not chained onto the newest.
                let refused = replaced.unwrap_err().to_string();
                assert!(refused.contains("append-only") || refused.contains("chained"), "{refused}");
                assert!(unchained.unwrap_err().to_string().contains("chained"));
                assert_eq!(audit.len(), 1);
            }
            // The server chains every entry itself, whatever seq and hashes a client sends: the
            // "replacement" and the forgery are new entries, appended under their writer's name.
            Dialect::Postgres => {
                replaced.unwrap();
                unchained.unwrap();
                assert_eq!(audit.len(), 3);
                assert_eq!(audit.iter().filter(|e| e.actor == "mallory").count(), 2);
            }
        }
        assert_eq!(store.verify_audit().await.unwrap().broken, None, "{:?}", store.dialect());
        raw.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn audit_verify_names_the_first_broken_link() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        for i in 0..4 {
            let content = bundle(&format!("m{i}"), &format!("t{i}"));
            store
                .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
                .await
                .unwrap();
        }
        let whole = store.verify_audit().await.unwrap();
        assert_eq!((whole.entries, whole.broken.clone()), (4, None));
        let seqs: Vec<i64> = store.audit(10).await.unwrap().iter().rev().map(|e| e.seq).collect();

        // Someone who can switch the triggers off edits the second entry, then removes the third.
        let raw = AnyPool::connect(&db.url).await.unwrap();
        let (off, on) = match store.dialect() {
            Dialect::Sqlite => ("DROP TRIGGER audit_log_no_update", None),
            Dialect::Postgres => (
                "ALTER TABLE audit_log DISABLE TRIGGER USER",
                Some("ALTER TABLE audit_log ENABLE TRIGGER USER"),
            ),
        };
        sqlx::query(AssertSqlSafe(off)).execute(&raw).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = $1")
            .bind(seqs[1])
            .execute(&raw)
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        let broken = report.broken.expect("an edited entry breaks the chain");
        assert_eq!(broken.seq, seqs[1]);
        assert!(broken.problem.contains("changed after it was written"), "{}", broken.problem);

        if store.dialect() == Dialect::Sqlite {
            sqlx::query("DROP TRIGGER audit_log_no_delete").execute(&raw).await.unwrap();
        }
        sqlx::query("UPDATE audit_log SET actor = 'tester' WHERE seq = $1")
            .bind(seqs[1])
            .execute(&raw)
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = $1").bind(seqs[2]).execute(&raw).await.unwrap();
        let broken = store.verify_audit().await.unwrap().broken.expect("a removed entry breaks the chain");
        assert_eq!(broken.seq, seqs[3], "the entry after the removed one no longer follows its predecessor");
        assert!(broken.problem.contains("does not follow"), "{}", broken.problem);
        if let Some(on) = on {
            sqlx::query(AssertSqlSafe(on)).execute(&raw).await.unwrap();
        }
        raw.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn entries_written_before_the_chain_are_sealed_on_upgrade_without_change() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    sqlx::any::install_default_drivers();
    // The database as the previous release left it: migrations up to the runs table, and audit
    // entries without hashes.
    let old = AnyPool::connect(&url).await.unwrap();
    sqlx::migrate!("./migrations/sqlite").run_to(20261122010000, &old).await.unwrap();
    for (at, subject) in [("2026-11-22T10:00:00Z", "a"), ("2026-11-22T11:00:00Z", "b")] {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, 'old', 'x', $2, '{}')",
        )
        .bind(at)
        .bind(subject)
        .execute(&old)
        .await
        .unwrap();
    }
    old.close().await;

    let store = Store::open(&url).await.unwrap();
    let audit = store.verify_audit().await.unwrap();
    assert_eq!((audit.entries, audit.broken), (2, None));
    let entries = store.audit(10).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| (e.at.as_str(), e.actor.as_str(), e.subject.as_str())).collect::<Vec<_>>(),
        vec![("2026-11-22T11:00:00Z", "old", "b"), ("2026-11-22T10:00:00Z", "old", "a")],
        "sealing changes no entry"
    );
    let content = bundle("new", "n");
    store
        .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
        .await
        .unwrap();
    assert_eq!(store.verify_audit().await.unwrap().broken, None, "new entries chain onto the sealed ones");
    store.close().await;
}

#[tokio::test]
async fn a_verification_is_stored_with_its_runs_in_one_transaction_and_never_changed() {
    use aar_review_schemas::verification::RunRole;
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let content = bundle("m", "t");
        store
            .insert_submissions(&[NewSubmission { content: &content, origin: "t".into() }], &ctx())
            .await
            .unwrap();
        let run = sample_report();
        let report = sample_verification(content.id.as_str(), &run);
        let (stored, runs) = store
            .insert_verification(report.clone(), &[(RunRole::Method, run.clone())], None, &ctx())
            .await
            .unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(stored.report.runs[0].run_id, runs[0].id, "the report names the stored run");
        assert_eq!(
            store.run(&IdPrefix::parse(&runs[0].id[..10]).unwrap()).await.unwrap().report().unwrap(),
            run
        );
        let listed = store.verifications_of(&content.id).await.unwrap();
        assert_eq!(listed, vec![stored.clone()], "{:?}", store.dialect());
        let latest = store.latest_verifications(None).await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!((&latest[0].id, latest[0].vote), (&stored.id, stored.report.suggestion.vote));
        assert_eq!(
            (latest[0].failed.as_slice(), latest[0].warned.as_slice()),
            (&[CheckId::Seeds][..], &[][..])
        );
        assert_eq!(store.latest_verifications(Some(&content.id)).await.unwrap(), latest);
        let actions: Vec<String> = store.audit(10).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions[..2], ["verify".to_owned(), "run.record".to_owned()]);

        let raw = AnyPool::connect(&db.url).await.unwrap();
        let update = sqlx::query("UPDATE verifications SET suggestion = '+1'").execute(&raw).await;
        assert!(update.unwrap_err().to_string().contains("append-only"), "{:?}", store.dialect());
        let delete = sqlx::query("DELETE FROM verifications").execute(&raw).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        if store.dialect() == Dialect::Sqlite {
            // REPLACE deletes the old row without firing delete triggers: it once rewrote a report
            // while the audit chain still verified.
            for table in ["verifications", "runs"] {
                let replace = format!(
                    "INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = '{}'",
                    if table == "runs" { &runs[0].id } else { &stored.id }
                );
                let refused =
                    sqlx::query(AssertSqlSafe(replace)).execute(&raw).await.unwrap_err().to_string();
                assert!(refused.contains("aar:append_only"), "{table}: {refused}");
            }
        }
        raw.close().await;
        assert_eq!(store.verifications_of(&content.id).await.unwrap(), vec![stored]);

        // A stopped verification keeps its audit entry and nothing else.
        let before = store.table_counts().await.unwrap();
        let detail = serde_json::json!({ "cancelled": true });
        store.record_stopped_verification(&content.id, &detail, &ctx()).await.unwrap();
        let after = store.table_counts().await.unwrap();
        assert_eq!(after["audit_log"], before["audit_log"] + 1);
        assert_eq!(after["runs"], before["runs"]);
        assert_eq!(store.audit(1).await.unwrap()[0].action, "verify.stop");
        store.close().await;
    }
}

/// The verification queue: requests, leases, workers.
#[path = "store/queue.rs"]
mod queue;
