//! Verifications: what to verify, which run is under way, and the stored report.

use aar_review_schemas::verification::{CheckId, RunRole, SuggestedVote, VerificationReport};
use aar_review_schemas::vocab::{DeviceChoice, EvalSplit};
use serde::Serialize;
use ts_rs::TS;

use super::RunProgress;

/// What to verify a submission on.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest {
    /// The pack the claim is verified on; by default the first claimed pack this install has.
    #[serde(default)]
    #[ts(optional)]
    pub task: Option<String>,
    /// How many pre-registered seeds, counted up from 42 (at least 5, the AAR convention).
    #[serde(default)]
    #[ts(optional)]
    pub seeds: Option<u32>,
    pub device: DeviceChoice,
    /// Skip the other packs and the negative control (`generalisation` and `negative_control`
    /// then say they were not run): a first look in a third of the time.
    #[serde(default)]
    #[ts(optional)]
    pub quick: Option<bool>,
}

/// The run a verification is about to make, so a front end can say "run 3 of 12: vanilla on
/// digits".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyStep {
    /// 1-based.
    pub index: u32,
    pub total: u32,
    pub role: RunRole,
    pub task: String,
    pub eval_split: EvalSplit,
    pub seeds: Vec<u64>,
}

/// A stored verification: its id and the report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerificationDetail {
    /// sha256 of the report.
    pub id: String,
    pub short_id: String,
    pub created_by: String,
    pub report: VerificationReport,
}

/// Progress of a verification in flight: a run starts, then that run's own progress.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum VerifyProgress {
    Step { step: VerifyStep },
    Run { progress: RunProgress },
}

/// Which submission of a batch is being verified, so a front end can say "submission 2 of 5:
/// logconf v2".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BatchPosition {
    /// 1-based.
    pub index: u32,
    pub total: u32,
    pub submission_id: String,
    pub short_id: String,
    pub title: String,
}

/// Progress of a batch in flight: a submission's verification starts, then that verification's
/// own progress, then it is stored (and stays stored whatever happens to the rest of the batch).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BatchProgress {
    Submission {
        position: BatchPosition,
    },
    Verify {
        progress: VerifyProgress,
    },
    /// Boxed: a whole report, next to variants of a few words.
    Verified {
        verification: Box<VerificationDetail>,
    },
}

/// A submission's newest verification, as the queue shows and filters it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerificationState {
    pub id: String,
    pub vote: SuggestedVote,
    pub failed: Vec<CheckId>,
    pub warned: Vec<CheckId>,
    pub task: String,
    pub finished_at: String,
}

/// A batch of verifications, with each submission's significance corrected across the batch: the
/// best of many noisy submissions looks better than it is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BatchVerification {
    pub rows: Vec<BatchRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    pub submission_id: String,
    pub short_id: String,
    pub title: String,
    /// The stored verification.
    pub verification_id: String,
    /// The verification's suggested vote once its significance is corrected across the batch.
    pub vote: SuggestedVote,
    /// Why the correction changed the vote or the gain's standing, when it did: a gain that
    /// passed at its raw p but not at Holm's adjusted p is not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub correction: Option<String>,
    pub failed: Vec<CheckId>,
    /// Mean paired PGR difference against vanilla (the `significance` check).
    pub delta_pgr: Option<f64>,
    /// The raw p-value `significance` decided on, then Holm's and Benjamini–Hochberg's across the
    /// batch.
    pub p: Option<f64>,
    pub p_holm: Option<f64>,
    pub p_bh: Option<f64>,
}

/// Where a requested verification is (the store's states, as they cross to front ends).
pub use aar_store::RequestState;

/// A verification someone asked for, as the queue shows it to everyone.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueuedVerification {
    pub id: u32,
    pub submission_id: String,
    pub short_id: String,
    /// The pack asked for; `None`: the claim's.
    pub task: Option<String>,
    pub seeds: Option<u32>,
    pub quick: bool,
    pub requested_by: String,
    pub requested_at: String,
    pub state: RequestState,
    /// The worker making it, or the last one that tried.
    pub worker: Option<String>,
    /// Until when (RFC 3339) the worker holds it; a worker that stops lets it lapse, and the
    /// next worker takes the request again.
    pub lease_until: Option<String>,
    /// How many times a worker has taken it.
    pub attempts: u32,
    pub verification_id: Option<String>,
    pub error: Option<String>,
}

/// What a worker did before it stopped (`--once`, or cancelled).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkSummary {
    /// The requests whose verification it stored.
    pub done: Vec<QueuedVerification>,
    /// The requests it gave up, or handed back for another worker.
    pub not_done: Vec<QueuedVerification>,
}
