//! Re-runs of the W2S protocol: what to run, what came out, and its progress in flight.

use aar_review_schemas::run::RunReport;
use aar_review_schemas::vocab::{Backend, DeviceChoice, EvalSplit, Phase};
use serde::Serialize;
use ts_rs::TS;

/// Which method a re-run trains the student with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MethodSource {
    /// The built-in vanilla student (cross-entropy on the teacher's soft labels).
    Vanilla,
    /// A stored submission's own method, run in the sandbox from its exact stored bytes.
    Submission { id: String },
    /// A method file on disk (a reference method, or one being written).
    File { path: String },
}

/// What `check-method` found in a method file that parses and validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MethodCheck {
    pub path: String,
    pub code_sha256: String,
    pub has_configure: bool,
    /// Whether it reads `ctx.student` (each epoch then costs an extra pass over split B).
    pub needs_student_predictions: bool,
    /// The functions the script defines.
    pub functions: Vec<String>,
}

/// What to re-run.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    /// The method; the built-in vanilla student when absent.
    #[serde(default)]
    #[ts(optional)]
    pub method: Option<MethodSource>,
    pub task: String,
    /// How many seeds, counted up from `firstSeed`.
    pub seeds: u32,
    /// Defaults to 42, the first of the AAR system's pre-registered seeds.
    pub first_seed: Option<u64>,
    pub device: DeviceChoice,
    /// `test`, or `private` for the reviewers' private split.
    pub eval_split: EvalSplit,
}

/// A stored run, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// sha256 of the run report.
    pub id: String,
    pub short_id: String,
    pub task: String,
    pub method: String,
    pub eval_split: EvalSplit,
    pub backend: Backend,
    pub adapter: String,
    pub seeds: Vec<u64>,
    pub pgr: Option<f64>,
    pub pgr_se: Option<f64>,
    pub total_seconds: f64,
    pub finished_at: String,
    pub created_by: String,
    /// The submission whose method ran, if it was one.
    pub submission_id: Option<String>,
}

/// A stored run in full: its list summary and the report itself (the file format,
/// `review-schemas/schemas/run-report.schema.json`, snake_case as stored).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDetail {
    pub summary: RunSummary,
    pub report: RunReport,
}

/// Two stored runs compared seed by seed (same pack, split and seeds): the method against a
/// baseline, usually vanilla. Not yet shown by the desktop app, so it has no TypeScript type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunComparison {
    pub method: RunSummary,
    pub baseline: RunSummary,
    pub seeds: Vec<SeedPair>,
    /// Paired t-test on the per-seed PGR differences (method − baseline).
    pub pgr: Option<aar_domain::PairedTest>,
    /// Paired t-test on the per-seed student accuracy differences.
    pub student_acc: Option<aar_domain::PairedTest>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedPair {
    pub seed: u64,
    pub method_pgr: Option<f64>,
    pub baseline_pgr: Option<f64>,
    pub method_student_acc: f64,
    pub baseline_student_acc: f64,
}

/// Progress of a run in flight, as the window receives it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum RunProgress {
    /// Before any training.
    #[serde(rename_all = "camelCase")]
    Started { total_epochs: u64, seeds: u32 },
    /// One epoch of one phase ended. `done` of `total` epochs of the whole run are finished.
    #[serde(rename_all = "camelCase")]
    Epoch { seed: u64, phase: Phase, epoch: u32, epochs: u32, loss: f64, done: u64, total: u64 },
    /// A phase ended with this accuracy on the evaluation split.
    #[serde(rename_all = "camelCase")]
    PhaseFinished { seed: u64, phase: Phase, accuracy: f64, seconds: f64 },
    /// Every phase of one seed ended.
    #[serde(rename_all = "camelCase")]
    SeedFinished { seed: u64, weak_acc: f64, ceiling_acc: f64, student_acc: f64, pgr: Option<f64> },
}
