//! The verification report: whether a submission's claim is real, as a fixed list of checks run
//! on the engine. Check ids never change meaning between versions, so reports stay comparable.
//!
//! Every check carries its status, one sentence a reviewer can act on, the numbers behind it and
//! the smallest difference it could have detected: a check that cannot resolve the difference at
//! stake says so (`warn`, `inconclusive`), never `pass`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::bundle::MethodFamily;
use crate::run::DeviceRecord;
use crate::vocab::EvalSplit;

/// The verification-report format version this build writes.
pub const VERIFICATION_SCHEMA_VERSION: u32 = 1;

/// The seeds every AAR submission pre-registers, unless its task pack says otherwise.
pub const PREREGISTERED_SEEDS: [u64; 5] = [42, 43, 44, 45, 46];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct VerificationReport {
    pub schema_version: u32,
    /// The submission verified (full sha256 content id).
    pub submission_id: String,
    pub title: String,
    /// sha256 of the method bytes that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_sha256: Option<String>,
    /// What the submission declares its method to be.
    pub family: MethodFamily,
    /// The seeds every re-run used (the pre-registered set).
    pub seeds: Vec<u64>,
    /// The pack the claim is verified on, and the split held out from the author.
    pub task: String,
    pub eval_split: EvalSplit,
    pub device: DeviceRecord,
    pub engine_version: String,
    /// What a reviewer should vote, and why.
    pub suggestion: Suggestion,
    /// One entry per check id, in the order of [`CheckId::ALL`].
    pub checks: Vec<CheckResult>,
    /// Every run this verification made, by role (their reports are stored with the runs).
    pub runs: Vec<RunRef>,
    /// RFC 3339.
    pub started_at: String,
    pub finished_at: String,
    pub total_seconds: f64,
}

/// The vote a verification suggests on the `Verified` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SuggestedVote {
    /// Every check that can decide passed.
    #[serde(rename = "+1")]
    Verified,
    /// A check failed: the claim does not hold as stated.
    #[serde(rename = "-1")]
    Refuted,
    /// Nothing failed, but something is inconclusive or needs judgement.
    #[serde(rename = "needs_human")]
    NeedsHuman,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    pub vote: SuggestedVote,
    /// One sentence: which checks decided it.
    pub reason: String,
}

/// The checks, by the ids reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The method re-run: the claim replayed on its own split and seeds, and on the private split.
    Reproduction,
    /// Shuffled and uniform teacher labels: does the student still learn as much?
    TeacherAblation,
    /// Paired comparison with vanilla on the same seeds and split.
    Significance,
    /// The method and vanilla on every bundled non-control pack.
    Generalisation,
    /// Claimed seeds against the pre-registered set; cherry-picking.
    Seeds,
    /// The claim made on the dev split against the private-split reproduction.
    DevVsPrivate,
    /// The access logs of every run: probes, refusals, limits.
    Sandbox,
    /// Arithmetic on the claim itself.
    ClaimConsistency,
    /// The method on the negative-control pack (a teacher the student can copy).
    NegativeControl,
}

impl CheckId {
    /// Every check, in the order reports list them.
    pub const ALL: [CheckId; 9] = [
        CheckId::Reproduction,
        CheckId::TeacherAblation,
        CheckId::Significance,
        CheckId::Generalisation,
        CheckId::Seeds,
        CheckId::DevVsPrivate,
        CheckId::Sandbox,
        CheckId::ClaimConsistency,
        CheckId::NegativeControl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Reproduction => "reproduction",
            CheckId::TeacherAblation => "teacher_ablation",
            CheckId::Significance => "significance",
            CheckId::Generalisation => "generalisation",
            CheckId::Seeds => "seeds",
            CheckId::DevVsPrivate => "dev_vs_private",
            CheckId::Sandbox => "sandbox",
            CheckId::ClaimConsistency => "claim_consistency",
            CheckId::NegativeControl => "negative_control",
        }
    }

    pub fn parse(text: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    /// Doubtful, or inconclusive (see [`CheckResult::inconclusive`]).
    Warn,
    Fail,
    /// The check does not apply (e.g. no claim on a dev split).
    NotApplicable,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }
}

crate::display_as_str!(CheckId, CheckStatus);

/// One check's outcome and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    pub id: CheckId,
    pub status: CheckStatus,
    /// One sentence a reviewer can act on.
    pub summary: String,
    /// True when the status is `warn` because the data cannot resolve the difference at stake.
    #[serde(default)]
    pub inconclusive: bool,
    /// The smallest difference this check could have detected (two-sided α = 0.05, power 0.8),
    /// in the unit of `detectable_unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectable: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectable_unit: Option<Unit>,
    /// The numbers behind the status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// Per-seed values, where the check compares seeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_seed: Vec<SeedEvidence>,
    /// A table, where the check spans packs (the generalisation matrix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Matrix>,
    /// Further findings, one sentence each (e.g. each refused call of the sandbox).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Pgr,
    Accuracy,
    PValue,
    Count,
    /// Cohen's d and other unitless ratios.
    Ratio,
}

/// A named number, with its 95% interval where it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// E.g. "claimed PGR (digits, dev)", "reproduced PGR (private)".
    pub label: String,
    pub value: f64,
    pub unit: Unit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95: Option<[f64; 2]>,
}

/// One seed's values in a check that compares seeds (PGR unless the check says otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SeedEvidence {
    pub seed: u64,
    /// What the author claimed for this seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<f64>,
    /// What the re-run of the method gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproduced: Option<f64>,
    /// What the comparison run gave (vanilla, or an ablation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
}

/// A table of numbers: rows are packs (or submissions), columns are what was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    pub columns: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MatrixRow {
    pub label: String,
    /// One per column; absent where a value is undefined (e.g. PGR without a gap).
    pub cells: Vec<Option<f64>>,
}

/// Why a verification made a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RunRole {
    /// The method on the claim's own split and seeds.
    Replay,
    /// The method on the held-out split with the pre-registered seeds.
    Method,
    /// Vanilla on the same split and seeds.
    Vanilla,
    /// The method with the teacher's soft labels shuffled across examples.
    ShuffledTeacher,
    /// The method with the teacher's soft labels shuffled among a secret share of the examples
    /// (the rest keep theirs): an ablation the method can hardly tell from the real teacher.
    PartlyShuffledTeacher,
    /// The method with uniform labels in place of the teacher's.
    UniformTeacher,
    /// The method on another pack, for the generalisation matrix.
    OtherPackMethod,
    /// Vanilla on another pack.
    OtherPackVanilla,
    /// The method on the negative-control pack.
    NegativeControl,
    /// Vanilla on the negative-control pack.
    NegativeControlVanilla,
}

impl RunRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RunRole::Replay => "replay",
            RunRole::Method => "method",
            RunRole::Vanilla => "vanilla",
            RunRole::ShuffledTeacher => "shuffled_teacher",
            RunRole::PartlyShuffledTeacher => "partly_shuffled_teacher",
            RunRole::UniformTeacher => "uniform_teacher",
            RunRole::OtherPackMethod => "other_pack_method",
            RunRole::OtherPackVanilla => "other_pack_vanilla",
            RunRole::NegativeControl => "negative_control",
            RunRole::NegativeControlVanilla => "negative_control_vanilla",
        }
    }
}

crate::display_as_str!(RunRole);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RunRef {
    pub role: RunRole,
    pub task: String,
    pub eval_split: EvalSplit,
    /// The stored run's id (sha256 of its report).
    pub run_id: String,
    /// Whether the run's split B and private split were drawn afresh from the pack's generator
    /// with a secret seed (examples that appear nowhere in the repository), not the pack's own.
    /// Absent (false) in reports written before it existed.
    #[serde(default)]
    pub fresh_data: bool,
    /// Whether the run's split B and private split were a secret re-partition of the pack's
    /// own (for packs without a generator): the author has the examples, not the split.
    /// Absent (false) in reports written before it existed.
    #[serde(default)]
    pub resampled: bool,
}

impl VerificationReport {
    /// The packs whose examples the verification drew afresh, each once, in run order.
    pub fn fresh_packs(&self) -> Vec<&str> {
        self.packs_where(|run| run.fresh_data)
    }

    /// The packs whose split B and private split the verification re-partitioned, each once.
    pub fn resampled_packs(&self) -> Vec<&str> {
        self.packs_where(|run| run.resampled)
    }

    /// The packs of the runs `pick` selects, each once, in run order.
    fn packs_where(&self, pick: impl Fn(&RunRef) -> bool) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for run in self.runs.iter().filter(|r| pick(r)) {
            if !names.contains(&run.task.as_str()) {
                names.push(&run.task);
            }
        }
        names
    }

    /// One sentence for people saying which examples were fresh or resampled, when any were.
    pub fn fresh_data_note(&self) -> Option<String> {
        let (fresh, resampled) = (self.fresh_packs(), self.resampled_packs());
        let mut parts = Vec::new();
        if !fresh.is_empty() {
            parts.push(format!(
                "Fresh examples: split B and the private split of {} were drawn anew from the generator \
                 with a secret seed for the private-split runs; no author can have seen them.",
                fresh.join(", ")
            ));
        }
        if !resampled.is_empty() {
            parts.push(format!(
                "Resampled: split B and the private split of {} were re-partitioned with a secret seed; \
                 the author has these examples, but not this split.",
                resampled.join(", ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_the_documented_snake_case_names() {
        for id in CheckId::ALL {
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{}\"", id.as_str()));
            assert_eq!(CheckId::parse(id.as_str()), Some(id));
        }
        assert_eq!(serde_json::to_string(&CheckStatus::NotApplicable).unwrap(), "\"not_applicable\"");
        assert_eq!(serde_json::to_string(&SuggestedVote::Verified).unwrap(), "\"+1\"");
        assert_eq!(serde_json::to_string(&SuggestedVote::NeedsHuman).unwrap(), "\"needs_human\"");
        for role in [RunRole::Replay, RunRole::ShuffledTeacher, RunRole::NegativeControlVanilla] {
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
    }
}
