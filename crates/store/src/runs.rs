//! Stored re-runs of the W2S protocol.

use aar_review_schemas::run::RunReport;
use aar_review_schemas::vocab::{Backend, EvalSplit};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Store, StoreError, WriteContext, audit};

/// A run as stored: the columns lists filter and sort by, read off the report, plus the full
/// report as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// sha256 of the report JSON.
    pub id: String,
    pub task: String,
    pub method: String,
    pub submission_id: Option<String>,
    pub eval_split: EvalSplit,
    pub backend: Backend,
    pub adapter: String,
    pub seeds: Vec<u64>,
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
    /// The report of a stored run, as it was stored.
    pub fn report(&self) -> Result<RunReport, StoreError> {
        serde_json::from_str(&self.report)
            .map_err(|e| StoreError::Corrupt(format!("stored run {} does not parse: {e}", &self.id[..12])))
    }

    fn from_row(row: &AnyRow) -> Result<RunRow, StoreError> {
        Ok(RunRow {
            id: row.try_get("id")?,
            task: row.try_get("task")?,
            method: row.try_get("method")?,
            submission_id: row.try_get("submission_id")?,
            eval_split: parse_column(row, "eval_split", EvalSplit::parse)?,
            backend: parse_column(row, "backend", Backend::parse)?,
            adapter: row.try_get("adapter")?,
            seeds: parse_column(row, "seeds", |text| serde_json::from_str(text).ok())?,
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

/// Reads a text column that holds one of a closed set of values; anything else is damage.
fn parse_column<T>(row: &AnyRow, column: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("run column `{column}` holds `{text}`")))
}

impl Store {
    /// Stores a finished run and its audit entry in one transaction. The run's id is the sha256
    /// of its report's JSON; the columns lists filter and sort by are read off the report, and
    /// the report is kept whole. Returns the stored row.
    pub async fn insert_run(&self, report: &RunReport, ctx: &WriteContext) -> Result<RunRow, StoreError> {
        let mut tx = self.write_tx().await?;
        let run = insert_run(&mut tx, report, ctx).await?;
        tx.commit().await?;
        Ok(run)
    }

    /// Records a run that failed (its method broke a rule or threw, or training diverged): the
    /// audit entry with the error and the method's access log is all that is kept of it.
    pub async fn record_failed_run(
        &self,
        subject: &str,
        detail: &serde_json::Value,
        ctx: &WriteContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        audit::append(&mut tx, ctx, "run.fail", subject, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The runs of one submission's method, newest first.
    pub async fn runs_of_submission(&self, id: &aar_domain::SubmissionId) -> Result<Vec<RunRow>, StoreError> {
        let sql =
            format!("SELECT {RUN_COLUMNS} FROM runs WHERE submission_id = $1 ORDER BY finished_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(RunRow::from_row).collect()
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

/// Stores a run and its audit entry inside the caller's write transaction (a verification
/// stores all its runs and its report in one).
pub(crate) async fn insert_run(
    tx: &mut Transaction<'_, Any>,
    report: &RunReport,
    ctx: &WriteContext,
) -> Result<RunRow, StoreError> {
    let json = serde_json::to_string(report).expect("a run report always serialises");
    let run = RunRow {
        id: aar_domain::Digest::of(json.as_bytes()).to_string(),
        task: report.task.clone(),
        method: report.method.name.clone(),
        submission_id: report.method.submission_id.clone(),
        eval_split: report.eval_split,
        backend: report.device.backend,
        adapter: report.device.adapter.clone(),
        seeds: report.seeds.clone(),
        data_sha256: report.data_sha256.clone(),
        code_sha256: report.method.code_sha256.clone(),
        pgr: report.aggregate.pgr,
        pgr_se: report.aggregate.pgr_se,
        total_seconds: report.timings.total_seconds,
        started_at: report.started_at.clone(),
        finished_at: report.finished_at.clone(),
        created_by: ctx.actor.clone(),
        report: json,
    };
    sqlx::query(
        "INSERT INTO runs (id, task, method, submission_id, eval_split, backend, adapter, seeds, \
         data_sha256, code_sha256, pgr, pgr_se, total_seconds, started_at, finished_at, created_by, report) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&run.id)
    .bind(&run.task)
    .bind(&run.method)
    .bind(run.submission_id.as_deref())
    .bind(run.eval_split.as_str())
    .bind(run.backend.as_str())
    .bind(&run.adapter)
    .bind(serde_json::to_string(&run.seeds).expect("seeds serialise"))
    .bind(&run.data_sha256)
    .bind(run.code_sha256.as_deref())
    .bind(run.pgr)
    .bind(run.pgr_se)
    .bind(run.total_seconds)
    .bind(&run.started_at)
    .bind(&run.finished_at)
    .bind(&run.created_by)
    .bind(&run.report)
    .execute(&mut **tx)
    .await?;
    let detail = serde_json::json!({
        "task": run.task, "method": run.method, "backend": run.backend, "seeds": run.seeds, "pgr": run.pgr,
        "submission": run.submission_id, "code_sha256": run.code_sha256,
    });
    audit::append(tx, ctx, "run.record", &run.id, &detail).await?;
    Ok(run)
}
