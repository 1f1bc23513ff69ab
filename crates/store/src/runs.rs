//! Stored re-runs of the W2S protocol.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, WriteContext, append_audit};

/// A run as stored: key columns plus the full report as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// sha256 of the report JSON.
    pub id: String,
    pub task: String,
    pub method: String,
    pub submission_id: Option<String>,
    pub eval_split: String,
    pub backend: String,
    pub adapter: String,
    /// JSON list.
    pub seeds: String,
    pub data_sha256: String,
    pub code_sha256: Option<String>,
    pub pgr: Option<f64>,
    pub pgr_se: Option<f64>,
    pub total_seconds: f64,
    pub started_at: String,
    pub finished_at: String,
    pub created_by: String,
    /// The `RunReport` JSON.
    pub report: String,
}

const RUN_COLUMNS: &str = "id, task, method, submission_id, eval_split, backend, adapter, seeds, data_sha256, \
     code_sha256, pgr, pgr_se, total_seconds, started_at, finished_at, created_by, report";

impl RunRow {
    fn from_row(row: &AnyRow) -> Result<RunRow, StoreError> {
        Ok(RunRow {
            id: row.try_get("id")?,
            task: row.try_get("task")?,
            method: row.try_get("method")?,
            submission_id: row.try_get("submission_id")?,
            eval_split: row.try_get("eval_split")?,
            backend: row.try_get("backend")?,
            adapter: row.try_get("adapter")?,
            seeds: row.try_get("seeds")?,
            data_sha256: row.try_get("data_sha256")?,
            code_sha256: row.try_get("code_sha256")?,
            pgr: row.try_get("pgr")?,
            pgr_se: row.try_get("pgr_se")?,
            total_seconds: row.try_get("total_seconds")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            created_by: row.try_get("created_by")?,
            report: row.try_get("report")?,
        })
    }
}

impl Store {
    /// Stores a finished run and its audit entry in one transaction. `created_by` is taken from
    /// the write context.
    pub async fn insert_run(&self, run: &RunRow, ctx: &WriteContext) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO runs (id, task, method, submission_id, eval_split, backend, adapter, seeds, \
             data_sha256, code_sha256, pgr, pgr_se, total_seconds, started_at, finished_at, created_by, report) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&run.id)
        .bind(&run.task)
        .bind(&run.method)
        .bind(run.submission_id.as_deref())
        .bind(&run.eval_split)
        .bind(&run.backend)
        .bind(&run.adapter)
        .bind(&run.seeds)
        .bind(&run.data_sha256)
        .bind(run.code_sha256.as_deref())
        .bind(run.pgr)
        .bind(run.pgr_se)
        .bind(run.total_seconds)
        .bind(&run.started_at)
        .bind(&run.finished_at)
        .bind(&ctx.actor)
        .bind(&run.report)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "task": run.task, "method": run.method, "backend": run.backend, "seeds": run.seeds, "pgr": run.pgr,
        });
        append_audit(&mut tx, ctx, "run.record", &run.id, &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest `limit` runs, newest first.
    pub async fn runs(&self, limit: u32) -> Result<Vec<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY finished_at DESC, id LIMIT $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        rows.iter().map(RunRow::from_row).collect()
    }

    /// The run whose id starts with `prefix`.
    pub async fn run(&self, prefix: &aar_domain::IdPrefix) -> Result<RunRow, StoreError> {
        let id = self.resolve_in("runs", prefix).await?;
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&id).fetch_one(&self.pool).await?;
        RunRow::from_row(&row)
    }
}
