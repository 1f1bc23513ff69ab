//! Stored verifications: the report whole, its runs, and the columns the queue filters by.

use aar_domain::SubmissionId;
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckStatus, RunRole, SuggestedVote, VerificationReport};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::queue::{self, Lease};
use crate::runs::{RunRow, insert_run};
use crate::{Store, StoreError, WriteContext, audit};

/// A verification as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationRow {
    /// sha256 of the report JSON.
    pub id: String,
    pub submission_id: String,
    pub task: String,
    pub finished_at: String,
    pub created_by: String,
    pub report: VerificationReport,
}

const COLUMNS: &str = "id, submission_id, task, finished_at, created_by, report";

impl VerificationRow {
    fn from_row(row: &AnyRow) -> Result<VerificationRow, StoreError> {
        let id: String = row.try_get("id")?;
        let text: String = row.try_get("report")?;
        let report = serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("stored verification {} does not parse: {e}", &id[..12]))
        })?;
        Ok(VerificationRow {
            submission_id: row.try_get("submission_id")?,
            task: row.try_get("task")?,
            finished_at: row.try_get("finished_at")?,
            created_by: row.try_get("created_by")?,
            report,
            id,
        })
    }
}

/// What the queue shows of a verification: the columns kept beside the report.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationSummaryRow {
    pub id: String,
    pub submission_id: String,
    pub task: String,
    pub vote: SuggestedVote,
    pub failed: Vec<CheckId>,
    pub warned: Vec<CheckId>,
    pub finished_at: String,
}

impl VerificationSummaryRow {
    fn from_row(row: &AnyRow) -> Result<VerificationSummaryRow, StoreError> {
        let id: String = row.try_get("id")?;
        let damaged = |column: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("verification {} column `{column}`: {e}", &id[..12.min(id.len())]))
        };
        let vote: String = row.try_get("suggestion")?;
        let failed: String = row.try_get("failed_checks")?;
        let warned: String = row.try_get("warned_checks")?;
        Ok(VerificationSummaryRow {
            vote: serde_json::from_value(serde_json::Value::String(vote))
                .map_err(|e| damaged("suggestion", e))?,
            failed: serde_json::from_str(&failed).map_err(|e| damaged("failed_checks", e))?,
            warned: serde_json::from_str(&warned).map_err(|e| damaged("warned_checks", e))?,
            submission_id: row.try_get("submission_id")?,
            task: row.try_get("task")?,
            finished_at: row.try_get("finished_at")?,
            id,
        })
    }
}

/// The ids of the checks with a given status, as a JSON list (what the queue filters by).
fn ids_with(report: &VerificationReport, status: CheckStatus) -> String {
    let ids: Vec<&str> = report.checks.iter().filter(|c| c.status == status).map(|c| c.id.as_str()).collect();
    serde_json::to_string(&ids).expect("ids serialise")
}

impl Store {
    /// Stores a finished verification in one transaction: each of its runs (with their audit
    /// entries), the report with the run ids filled in, a `verify` audit entry, and, for a
    /// requested verification, its request marked done (refused, with nothing stored, when the
    /// worker no longer holds the `lease`). A verification that was cancelled or failed never
    /// gets here, so it leaves no runs behind.
    pub async fn insert_verification(
        &self,
        mut report: VerificationReport,
        runs: &[(RunRole, RunReport)],
        lease: Option<&Lease>,
        ctx: &WriteContext,
    ) -> Result<(VerificationRow, Vec<RunRow>), StoreError> {
        let mut tx = self.write_tx().await?;
        let mut rows = Vec::with_capacity(runs.len());
        for (role, run) in runs {
            let row = insert_run(&mut tx, run, ctx).await?;
            if let Some(r) = report.runs.iter_mut().find(|r| r.role == *role && r.task == run.task) {
                r.run_id.clone_from(&row.id);
            }
            rows.push(row);
        }
        let json = serde_json::to_string(&report).expect("a verification report always serialises");
        let id = aar_domain::Digest::of(json.as_bytes()).to_string();
        sqlx::query(
            "INSERT INTO verifications (id, submission_id, task, suggestion, failed_checks, warned_checks, \
             finished_at, created_by, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&report.submission_id)
        .bind(&report.task)
        .bind(
            serde_json::to_value(report.suggestion.vote)
                .expect("a vote serialises")
                .as_str()
                .unwrap_or_default(),
        )
        .bind(ids_with(&report, CheckStatus::Fail))
        .bind(ids_with(&report, CheckStatus::Warn))
        .bind(&report.finished_at)
        .bind(&ctx.actor)
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        for ((role, _), row) in runs.iter().zip(&rows) {
            sqlx::query("INSERT INTO verification_runs (verification_id, run_id, role) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(&row.id)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let mut detail = serde_json::json!({
            "task": report.task,
            "suggestion": report.suggestion,
            "failed": report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect::<Vec<_>>(),
            "runs": rows.len(),
        });
        if let Some(lease) = lease {
            detail["request"] = lease.request.into();
        }
        audit::append(&mut tx, ctx, "verify", &report.submission_id, &detail).await?;
        if let Some(lease) = lease {
            queue::finish(&mut tx, lease, &id).await?;
        }
        tx.commit().await?;
        let row = VerificationRow {
            id,
            submission_id: report.submission_id.clone(),
            task: report.task.clone(),
            finished_at: report.finished_at.clone(),
            created_by: ctx.actor.clone(),
            report,
        };
        Ok((row, rows))
    }

    /// Records a verification that stopped (cancelled, or a method failure): only its audit
    /// entry is kept.
    pub async fn record_stopped_verification(
        &self,
        submission: &SubmissionId,
        detail: &serde_json::Value,
        ctx: &WriteContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        audit::append(&mut tx, ctx, "verify.stop", submission.as_str(), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The verifications of one submission, newest first.
    pub async fn verifications_of(
        &self,
        submission: &SubmissionId,
    ) -> Result<Vec<VerificationRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM verifications WHERE submission_id = $1 ORDER BY finished_at DESC, id"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(submission.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(VerificationRow::from_row).collect()
    }

    /// The newest verification of every submission that has one (of `submission` only, when
    /// given), read from the columns kept for this, without parsing the reports.
    pub async fn latest_verifications(
        &self,
        submission: Option<&SubmissionId>,
    ) -> Result<Vec<VerificationSummaryRow>, StoreError> {
        let only = if submission.is_some() { "AND v.submission_id = $1" } else { "" };
        let sql = format!(
            "SELECT v.id, v.submission_id, v.task, v.suggestion, v.failed_checks, v.warned_checks, v.finished_at \
             FROM verifications v WHERE NOT EXISTS (SELECT 1 FROM verifications w \
             WHERE w.submission_id = v.submission_id AND (w.finished_at > v.finished_at \
             OR (w.finished_at = v.finished_at AND w.id > v.id))) {only}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = submission {
            query = query.bind(id.as_str());
        }
        query.fetch_all(&self.pool).await?.iter().map(VerificationSummaryRow::from_row).collect()
    }
}
