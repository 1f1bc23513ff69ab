//! Databases and fixtures shared by the store's test files: every test runs against SQLite and,
//! when `AAR_REVIEW_TEST_POSTGRES_URL` names a server whose user may create databases, against
//! PostgreSQL too.
#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use aar_domain::{BundleContent, BundlePath, Timestamp};
use aar_review_schemas::verification::VerificationReport;
use aar_store::WriteContext;
use sqlx::{AnyPool, AssertSqlSafe};

pub const POSTGRES_ENV: &str = "AAR_REVIEW_TEST_POSTGRES_URL";

/// A database for one test; the temp dir keeps a SQLite file alive until the test ends.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut all = vec![TestDb { url: sqlite, _dir: Some(dir) }];
    if let Ok(admin) = std::env::var(POSTGRES_ENV) {
        all.push(TestDb { url: fresh_postgres_database(&admin).await, _dir: None });
    }
    all
}

pub async fn fresh_postgres_database(admin_url: &str) -> String {
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

pub fn bundle(method: &str, title: &str) -> BundleContent {
    bundle_with(method, title, "")
}

/// A bundle whose manifest also carries `extra` fields, e.g. `"source_ref":"r2","parent":"r1",`.
pub fn bundle_with(method: &str, title: &str, extra: &str) -> BundleContent {
    let manifest_text = format!(
        r#"{{"schema_version":1,"title":"{title}","author":"aar-1","created_at":"2026-04-14T09:30:00Z",{extra}
            "hypothesis":"h","description":"d","method":{{"path":"method.rhai","language":"rhai"}},
            "claims":[{{"task":"digits","pgr":0.3,"pgr_se":0.05,"weak_acc":0.57,"ceiling_acc":0.96,"student_acc":0.687,"seeds":[42,43]}}]}}"#
    );
    let manifest = serde_json::from_str(&manifest_text).unwrap();
    let mut files = BTreeMap::new();
    files.insert(BundlePath::parse("method.rhai").unwrap(), method.as_bytes().to_vec());
    BundleContent::new(manifest, manifest_text.as_bytes(), &files).unwrap()
}

pub fn ctx() -> WriteContext {
    WriteContext { actor: "tester".into(), at: Timestamp::parse("2026-11-22T10:00:00Z").unwrap() }
}

pub fn sample_report() -> aar_review_schemas::run::RunReport {
    use aar_review_schemas::run::*;
    let model = |trained_on: &str| ModelRecord {
        input_dim: 64,
        hidden: vec![],
        num_classes: 10,
        trained_on: trained_on.into(),
        epochs: 2,
        batch_size: 64,
        learning_rate: 0.01,
        weight_decay: 0.0,
    };
    RunReport {
        schema_version: RUN_SCHEMA_VERSION,
        task: "digits".into(),
        data_sha256: "cd".repeat(32),
        method: MethodRecord {
            name: "vanilla".into(),
            code_sha256: None,
            submission_id: None,
            access_log: None,
        },
        eval_split: aar_review_schemas::vocab::EvalSplit::Test,
        device: DeviceRecord {
            requested: aar_review_schemas::vocab::DeviceChoice::Cpu,
            backend: aar_review_schemas::vocab::Backend::Flex,
            adapter: "CPU (burn flex)".into(),
        },
        engine_version: "0.1.0".into(),
        seeds: vec![42, 43],
        config: ProtocolConfigRecord {
            weak: model("a"),
            ceiling: model("b"),
            student: model("b"),
            student_rounds: 0,
        },
        per_seed: Vec::new(),
        aggregate: Aggregate {
            weak_acc: 0.5,
            ceiling_acc: 0.9,
            student_acc: 0.66,
            pgr: Some(0.4),
            pgr_se: None,
            pgr_ci95: None,
            seeds_without_gap: Vec::new(),
        },
        timings: RunTimings {
            total_seconds: 1.5,
            first_step_seconds: 0.1,
            steps: 10,
            mean_step_ms: 0.1,
            method_seconds: 0.0,
        },
        started_at: "2026-11-22T10:00:00Z".into(),
        finished_at: "2026-11-22T10:00:02Z".into(),
    }
}

pub fn sample_verification(submission: &str, run: &aar_review_schemas::run::RunReport) -> VerificationReport {
    use aar_review_schemas::verification::*;
    VerificationReport {
        schema_version: VERIFICATION_SCHEMA_VERSION,
        submission_id: submission.to_owned(),
        title: "m".into(),
        method_sha256: None,
        family: Default::default(),
        seeds: vec![42, 43],
        task: "digits".into(),
        eval_split: aar_review_schemas::vocab::EvalSplit::Private,
        device: run.device.clone(),
        engine_version: "0.1.0".into(),
        suggestion: Suggestion { vote: SuggestedVote::Refuted, reason: "seeds failed.".into() },
        checks: vec![CheckResult {
            id: CheckId::Seeds,
            status: CheckStatus::Fail,
            summary: "Seeds 44–46 are missing.".into(),
            inconclusive: false,
            detectable: None,
            detectable_unit: None,
            figures: vec![],
            per_seed: vec![],
            matrix: None,
            notes: vec![],
        }],
        runs: vec![RunRef {
            role: RunRole::Method,
            task: run.task.clone(),
            eval_split: run.eval_split,
            run_id: String::new(),
            fresh_data: false,
            resampled: false,
        }],
        started_at: "2026-11-22T12:00:00Z".into(),
        finished_at: "2026-11-22T12:01:00Z".into(),
        total_seconds: 60.0,
    }
}

/// Stands for damage no rule can stop (a disk error, or someone who can switch the triggers off):
/// drops `table`'s edit trigger on SQLite, disables its user triggers on PostgreSQL (the owner
/// can). Tests that read damaged rows call this after showing that the edit alone is refused.
pub async fn switch_off_edit_triggers(raw: &AnyPool, dialect: aar_store::Dialect, table: &str) {
    let sql = match dialect {
        aar_store::Dialect::Sqlite => format!("DROP TRIGGER {table}_no_update"),
        aar_store::Dialect::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER USER"),
    };
    sqlx::query(AssertSqlSafe(sql)).execute(raw).await.unwrap();
}
