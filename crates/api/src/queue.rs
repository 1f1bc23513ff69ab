//! The verification queue: reviewers request verifications, workers make them.
//!
//! In team mode (PostgreSQL) only a verifier login stores verifications, so a reviewer requests
//! one and a worker — `aar-review worker` as the verifier login, on any machine that reaches the
//! database, a Slurm node included — takes it from the queue with a lease, renews the lease while
//! it trains, and stores the verification and finishes the request in one transaction. A worker
//! that is killed stores nothing; its lease lapses and the next worker takes the request again.
//! On SQLite the same queue lets another process verify.

use std::time::Duration;

use aar_engine::CancelToken;
use aar_review_schemas::review::ReviewRule;
use aar_review_schemas::vocab::DeviceChoice;
use aar_store::{Lease, NewRequest, RequestRow};

use crate::dto::{QueuedVerification, VerificationDetail, VerifyRequest, WorkSummary};
use crate::verify::{self, StepSinks};
use crate::{Api, ApiError, ApiResult, ErrorCode};

/// How a worker works.
#[derive(Debug, Clone)]
pub struct WorkOptions {
    /// Names the worker in the queue (who holds a lease): unique per process.
    pub worker: String,
    /// How long a lease lasts without renewal: how long a killed worker's request waits.
    pub lease: Duration,
    /// How often an idle worker looks for a request.
    pub poll: Duration,
    /// Stop after one request (or at once when there is none) instead of waiting for more.
    pub once: bool,
    pub device: DeviceChoice,
}

/// How many times a request is taken before it is given up (each time, the worker stopped).
pub const MAX_ATTEMPTS: u32 = 3;

/// What a worker tells its front end.
pub trait WorkSinks {
    /// A request was taken; its runs' progress goes to [`WorkSinks::steps`].
    fn taken(&mut self, request: &QueuedVerification);
    fn steps(&mut self) -> &mut StepSinks<'static>;
    /// The request ended: stored, or not (and why).
    fn ended(&mut self, request: &QueuedVerification, outcome: &Result<VerificationDetail, ApiError>);
}

fn view(row: RequestRow) -> QueuedVerification {
    let short = row.submission_id.chars().take(12).collect();
    QueuedVerification {
        id: u32::try_from(row.id).unwrap_or(u32::MAX),
        short_id: short,
        submission_id: row.submission_id,
        task: row.task,
        seeds: row.seeds,
        quick: row.quick,
        requested_by: row.requested_by,
        requested_at: row.requested_at,
        state: row.state,
        worker: row.worker,
        lease_until: row
            .lease_until
            .and_then(aar_domain::Timestamp::from_unix_seconds)
            .map(|t| t.to_string()),
        attempts: row.attempts,
        verification_id: row.verification_id,
        error: row.error,
    }
}

/// Whether a failed verification is worth another worker's try: not when the method failed or
/// the request cannot be made (a result, or a request that will never work), yes when this
/// worker was stopped or could not reach what it needs.
fn retry(e: &ApiError) -> bool {
    matches!(e.code, ErrorCode::Cancelled | ErrorCode::Storage | ErrorCode::Unavailable)
}

impl Api {
    /// Asks for a verification of `id`; a worker makes it ([`Api::work`]). The device is the
    /// worker's to choose.
    pub async fn request_verification(
        &self,
        id: &str,
        request: VerifyRequest,
    ) -> ApiResult<QueuedVerification> {
        let id = self.resolve(id).await?;
        verify::check_seeds(request.seeds)?;
        let new = NewRequest {
            submission: &id,
            task: request.task.as_deref(),
            seeds: request.seeds,
            quick: request.quick.unwrap_or(false),
        };
        Ok(view(self.store.request_verification(&new, &self.write_context()).await?))
    }

    /// The verification queue, newest first: what is waiting or running, or every request.
    pub async fn verification_queue(&self, all: bool) -> ApiResult<Vec<QueuedVerification>> {
        Ok(self.store.verification_requests(!all).await?.into_iter().map(view).collect())
    }

    /// What a verification draws on besides the store: this service's clock, secrets and
    /// isolation, and the queue request it makes, if any.
    pub(crate) fn verify_context(&self, lease: Option<Lease>) -> verify::Context {
        verify::Context {
            clock: self.clock.clone(),
            secrets: self.secrets.clone(),
            isolation: self.isolation.clone(),
            lease,
        }
    }

    /// Refuses a verification this login could not store, before any training: in team mode
    /// only a verifier login stores verifications.
    pub(crate) async fn check_may_verify(&self) -> ApiResult<()> {
        if self.store.may_store_verifications().await? {
            return Ok(());
        }
        Err(ApiError::refused(
            ReviewRule::NotVerifier,
            format!(
                "`{}` is a reviewer: in team mode a verifier login runs verifications. Request one \
                 (`aar-review verify ID --request`, or Request in the app) and a worker makes it",
                self.actor
            ),
        ))
    }

    /// Works the verification queue: takes the oldest request no worker holds, makes its
    /// verification, stores it and finishes the request in one transaction; then the next. An
    /// idle worker looks again every `poll`; with `once` it stops after one request, or at once
    /// when there is none. `cancel` stops it: a request under way goes back to the queue.
    pub async fn work(
        &self,
        options: &WorkOptions,
        sinks: &mut dyn WorkSinks,
        cancel: CancelToken,
    ) -> ApiResult<WorkSummary> {
        self.check_may_verify().await?;
        let mut summary = WorkSummary::default();
        while !cancel.is_cancelled() {
            let taken = self
                .store
                .take_request(&options.worker, options.lease, MAX_ATTEMPTS, &self.write_context())
                .await?;
            let Some(row) = taken else {
                if options.once {
                    break;
                }
                sleep_unless_cancelled(options.poll, &cancel).await;
                continue;
            };
            let held = Lease { request: row.id, worker: options.worker.clone() };
            let request = VerifyRequest {
                task: row.task.clone(),
                seeds: row.seeds,
                device: options.device,
                quick: Some(row.quick),
            };
            let queued = view(row.clone());
            sinks.taken(&queued);
            let outcome = self.verify_held(&row, &held, request, options, sinks.steps(), &cancel).await;
            sinks.ended(&queued, &outcome);
            match &outcome {
                Ok(_) => summary.done.push(queued),
                Err(e) => {
                    let give_up = !retry(e);
                    self.store.release_request(&held, &e.message, give_up, &self.write_context()).await?;
                    summary.not_done.push(queued);
                }
            }
            if options.once {
                break;
            }
        }
        // Where each request stands now (done, queued again, failed), read once.
        let mut now: std::collections::HashMap<i64, RequestRow> =
            self.store.verification_requests(false).await?.into_iter().map(|r| (r.id, r)).collect();
        for request in summary.done.iter_mut().chain(summary.not_done.iter_mut()) {
            if let Some(row) = now.remove(&i64::from(request.id)) {
                *request = view(row);
            }
        }
        Ok(summary)
    }

    /// One held request's verification, renewing the lease while it trains. A lease that is
    /// lost (this worker was paused past it, and another took the request) stops the training:
    /// the other worker's verification is the one that counts.
    async fn verify_held(
        &self,
        row: &RequestRow,
        held: &Lease,
        request: VerifyRequest,
        options: &WorkOptions,
        sinks: &mut StepSinks<'_>,
        cancel: &CancelToken,
    ) -> ApiResult<VerificationDetail> {
        let id = self.resolve(&row.submission_id).await?;
        let this_one = CancelToken::new();
        let context = self.verify_context(Some(held.clone()));
        let work =
            verify::verify(&self.store, self.write_context(), context, &id, request, sinks, this_one.clone());
        tokio::pin!(work);
        let renew_every = (options.lease / 3).max(Duration::from_secs(1));
        let mut renewed = tokio::time::Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                outcome = &mut work => return outcome,
                _ = tick.tick() => {
                    if cancel.is_cancelled() {
                        this_one.cancel();
                    }
                    if renewed.elapsed() >= renew_every {
                        renewed = tokio::time::Instant::now();
                        // A failed renewal is retried at the next tick; a lost lease stops the run.
                        if let Ok(false) = self.store.renew_lease(held, options.lease, &self.write_context()).await {
                            this_one.cancel();
                        }
                    }
                }
            }
        }
    }
}

async fn sleep_unless_cancelled(pause: Duration, cancel: &CancelToken) {
    let until = tokio::time::Instant::now() + pause;
    while tokio::time::Instant::now() < until && !cancel.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(100).min(until - tokio::time::Instant::now())).await;
    }
}
