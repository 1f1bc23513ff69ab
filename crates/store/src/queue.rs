//! The verification queue: a reviewer requests a verification, a worker takes the request with a
//! lease, renews the lease while it runs, and finishes the request in the transaction that
//! stores the verification ([`Store::insert_verification`] with the [`Lease`]). A worker that dies
//! lets its lease lapse and the next worker takes the request again; one that lost its lease
//! cannot finish it, so a request is done exactly once and nothing is half-written.
//!
//! Time here is whole seconds since the epoch, by the server's clock on PostgreSQL (workers on
//! many machines agree on it) and by the caller's [`WriteContext`] on SQLite (one machine; tests
//! move it).

use std::time::Duration;

use aar_domain::SubmissionId;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Dialect, Store, StoreError, WriteContext, audit};

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for a worker (again, after a worker that stopped).
    Queued,
    /// A worker holds it; see the lease.
    Running,
    /// Its verification is stored.
    Done,
    /// Given up: the verification could not be made (the error says why).
    Failed,
}

impl RequestState {
    /// The state as the database, the wire and every front end write it.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Queued => "queued",
            RequestState::Running => "running",
            RequestState::Done => "done",
            RequestState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<RequestState> {
        [RequestState::Queued, RequestState::Running, RequestState::Done, RequestState::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A verification request as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    pub id: i64,
    pub submission_id: String,
    /// What was asked: the pack (`None`: the claim's), the number of seeds, quick or full.
    pub task: Option<String>,
    pub seeds: Option<u32>,
    pub quick: bool,
    pub requested_by: String,
    pub requested_at: String,
    pub state: RequestState,
    /// The worker that holds it or last held it.
    pub worker: Option<String>,
    /// Seconds since the epoch until which `worker` holds it.
    pub lease_until: Option<i64>,
    /// How many times a worker has taken it.
    pub attempts: u32,
    pub verification_id: Option<String>,
    pub error: Option<String>,
}

const COLUMNS: &str = "id, submission_id, task, seeds, quick, requested_by, requested_at, state, worker, \
                       lease_until, attempts, verification_id, error";

impl RequestRow {
    fn from_row(row: &AnyRow) -> Result<RequestRow, StoreError> {
        let state: String = row.try_get("state")?;
        let count = |column: &str| -> Result<Option<u32>, StoreError> {
            Ok(row.try_get::<Option<i64>, _>(column)?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
        };
        Ok(RequestRow {
            id: row.try_get("id")?,
            submission_id: row.try_get("submission_id")?,
            task: row.try_get("task")?,
            seeds: count("seeds")?,
            quick: row.try_get::<i64, _>("quick")? == 1,
            requested_by: row.try_get("requested_by")?,
            requested_at: row.try_get("requested_at")?,
            state: RequestState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("a verification request in state `{state}`")))?,
            worker: row.try_get("worker")?,
            lease_until: row.try_get("lease_until")?,
            attempts: count("attempts")?.unwrap_or(0),
            verification_id: row.try_get("verification_id")?,
            error: row.try_get("error")?,
        })
    }
}

/// A verification asked for.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub submission: &'a SubmissionId,
    pub task: Option<&'a str>,
    pub seeds: Option<u32>,
    pub quick: bool,
}

/// A request a worker holds: only this worker can renew, release or finish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub request: i64,
    pub worker: String,
}

impl Store {
    /// The time leases are measured in: the server's clock on PostgreSQL, the caller's on SQLite.
    async fn queue_now(&self, tx: &mut Transaction<'_, Any>, ctx: &WriteContext) -> Result<i64, StoreError> {
        match self.dialect() {
            Dialect::Sqlite => Ok(ctx.at.unix_seconds()),
            Dialect::Postgres => {
                Ok(sqlx::query("SELECT CAST(floor(extract(epoch FROM statement_timestamp())) AS BIGINT)")
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get(0)?)
            }
        }
    }

    /// Asks for a verification of a submission; a worker makes it.
    pub async fn request_verification(
        &self,
        request: &NewRequest<'_>,
        ctx: &WriteContext,
    ) -> Result<RequestRow, StoreError> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "INSERT INTO verification_requests (submission_id, task, seeds, quick, requested_by, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(request.submission.as_str())
            .bind(request.task)
            .bind(request.seeds.map(i64::from))
            .bind(i64::from(request.quick))
            .bind(&ctx.actor)
            .bind(ctx.at.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let row = RequestRow::from_row(&row)?;
        let detail = serde_json::json!({
            "request": row.id, "task": row.task, "seeds": row.seeds, "quick": row.quick,
        });
        audit::append(&mut tx, ctx, "verify.request", request.submission.as_str(), &detail).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Takes the oldest request no worker holds (queued, or running on a lapsed lease) for
    /// `worker`, leased for `lease`. A request taken `max_attempts` times whose lease lapsed again
    /// is given up (`failed`) instead: a method that kills every worker does not loop forever.
    pub async fn take_request(
        &self,
        worker: &str,
        lease: Duration,
        max_attempts: u32,
        ctx: &WriteContext,
    ) -> Result<Option<RequestRow>, StoreError> {
        let mut tx = self.write_tx().await?;
        let now = self.queue_now(&mut tx, ctx).await?;
        let given_up = sqlx::query(
            "UPDATE verification_requests SET state = 'failed', lease_until = NULL, \
             error = 'given up: every worker that took it stopped before it finished' \
             WHERE state = 'running' AND lease_until < $1 AND attempts >= $2 RETURNING id, submission_id",
        )
        .bind(now)
        .bind(i64::from(max_attempts))
        .fetch_all(&mut *tx)
        .await?;
        for row in &given_up {
            let (id, submission): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
            let detail = serde_json::json!({ "request": id, "attempts": max_attempts });
            audit::append(&mut tx, ctx, "verify.give_up", &submission, &detail).await?;
        }
        // Workers on PostgreSQL skip a request another worker is taking this moment.
        let lock = if self.dialect() == Dialect::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "SELECT id FROM verification_requests WHERE state = 'queued' \
             OR (state = 'running' AND lease_until < $1) ORDER BY id LIMIT 1 {lock}"
        );
        let Some(candidate) =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).fetch_optional(&mut *tx).await?
        else {
            tx.commit().await?;
            return Ok(None);
        };
        let id: i64 = candidate.try_get(0)?;
        let sql = format!(
            "UPDATE verification_requests SET state = 'running', worker = $1, lease_until = $2, \
             attempts = attempts + 1 WHERE id = $3 RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(worker)
            .bind(now + lease_seconds(lease))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let row = RequestRow::from_row(&row)?;
        let detail = serde_json::json!({ "request": row.id, "worker": worker, "attempt": row.attempts });
        audit::append(&mut tx, ctx, "verify.take", &row.submission_id, &detail).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Extends a held lease by `lease` from now; `false` when the worker no longer holds it (it
    /// lapsed and another worker took the request).
    pub async fn renew_lease(
        &self,
        held: &Lease,
        lease: Duration,
        ctx: &WriteContext,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let now = self.queue_now(&mut tx, ctx).await?;
        let renewed = sqlx::query(
            "UPDATE verification_requests SET lease_until = $1 \
             WHERE id = $2 AND worker = $3 AND state = 'running'",
        )
        .bind(now + lease_seconds(lease))
        .bind(held.request)
        .bind(&held.worker)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(renewed == 1)
    }

    /// Hands a held request back: to the queue, for another try (`give_up` false: the worker was
    /// stopped, or the failure was the verifier's, not the method's), or as failed with `error`.
    pub async fn release_request(
        &self,
        held: &Lease,
        error: &str,
        give_up: bool,
        ctx: &WriteContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let state = if give_up { "failed" } else { "queued" };
        let row = sqlx::query(
            "UPDATE verification_requests SET state = $1, lease_until = NULL, error = $2 \
             WHERE id = $3 AND worker = $4 AND state = 'running' RETURNING submission_id",
        )
        .bind(state)
        .bind(error)
        .bind(held.request)
        .bind(&held.worker)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = row {
            let submission: String = row.try_get(0)?;
            let detail = serde_json::json!({ "request": held.request, "state": state, "error": error });
            audit::append(&mut tx, ctx, "verify.release", &submission, &detail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether this login may store verifications: always on SQLite and for the PostgreSQL
    /// administrator; in team mode only a verifier login (see the migration).
    pub async fn may_store_verifications(&self) -> Result<bool, StoreError> {
        if self.dialect() == Dialect::Sqlite {
            return Ok(true);
        }
        let row = sqlx::query(
            "SELECT has_table_privilege('public.verifications', 'INSERT') \
             AND (NOT public.aar_team_login() OR public.aar_is_verifier())",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Requests, newest first: those not finished, or every one.
    pub async fn verification_requests(&self, open_only: bool) -> Result<Vec<RequestRow>, StoreError> {
        let only = if open_only { "WHERE state IN ('queued', 'running')" } else { "" };
        let sql = format!("SELECT {COLUMNS} FROM verification_requests {only} ORDER BY id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(RequestRow::from_row).collect()
    }
}

/// Marks a held request done with the verification just stored, in the caller's transaction; a
/// worker that no longer holds the request gets an error, and the transaction is rolled back.
pub(crate) async fn finish(
    tx: &mut Transaction<'_, Any>,
    held: &Lease,
    verification_id: &str,
) -> Result<(), StoreError> {
    let finished = sqlx::query(
        "UPDATE verification_requests SET state = 'done', verification_id = $1, lease_until = NULL, error = NULL \
         WHERE id = $2 AND worker = $3 AND state = 'running'",
    )
    .bind(verification_id)
    .bind(held.request)
    .bind(&held.worker)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if finished == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost { request: held.request, worker: held.worker.clone() })
    }
}

fn lease_seconds(lease: Duration) -> i64 {
    i64::try_from(lease.as_secs().max(1)).unwrap_or(i64::MAX / 2)
}
