//! The report of one independent re-run of the W2S protocol: everything needed to judge, compare
//! and reproduce it (config, seeds, device, data and code hashes, timings, curves).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::method::AccessLog;
use crate::vocab::{Backend, DeviceChoice, EvalSplit};

/// The run-report format version this build writes. Version 2 added the method's access log,
/// the time spent in the method, and the student's self-training rounds; version 1 reports read
/// as version 2 reports without them. Version 3 added `references_cached` per seed (absent reads
/// as false). Version 4 added `student_correct` per seed (absent reads as not recorded). Version 5
/// added `label_following` per seed for partly-shuffled-teacher runs (absent reads as not probed).
pub const RUN_SCHEMA_VERSION: u32 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RunReport {
    pub schema_version: u32,
    pub task: String,
    /// sha256 of the task pack's data file.
    pub data_sha256: String,
    /// The method the student was trained with.
    pub method: MethodRecord,
    /// The split the three models were evaluated on: `test`, or `private` for reviewer re-runs.
    pub eval_split: EvalSplit,
    pub device: DeviceRecord,
    /// Version of the engine (the `aar-engine` crate) that produced the report.
    pub engine_version: String,
    pub seeds: Vec<u64>,
    pub config: ProtocolConfigRecord,
    pub per_seed: Vec<SeedOutcome>,
    pub aggregate: Aggregate,
    pub timings: RunTimings,
    /// RFC 3339.
    pub started_at: String,
    pub finished_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MethodRecord {
    /// `vanilla` for the built-in baseline, else the submission's title.
    pub name: String,
    /// sha256 of the exact method bytes that ran; absent for built-in methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<String>,
    /// What a sandboxed method read and called, and anything it was refused; absent for built-in
    /// methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<AccessLog>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DeviceRecord {
    /// What was asked for.
    pub requested: DeviceChoice,
    /// The burn backend that ran.
    pub backend: Backend,
    /// The adapter, e.g. "NVIDIA H100 80GB HBM3 (Vulkan, DiscreteGpu)" or "CPU (flex)".
    pub adapter: String,
}

/// Every hyperparameter of the run, as trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProtocolConfigRecord {
    pub weak: ModelRecord,
    pub ceiling: ModelRecord,
    pub student: ModelRecord,
    /// Extra self-training rounds the method asked for: the student was retrained from scratch
    /// this many more times, each round on targets derived from the previous round's predictions.
    #[serde(default)]
    pub student_rounds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ModelRecord {
    pub input_dim: u32,
    pub hidden: Vec<u32>,
    pub num_classes: u32,
    /// The split it was trained on and with which labels, e.g. "a (gold)", "b (teacher soft labels)".
    pub trained_on: String,
    pub epochs: u32,
    pub batch_size: u32,
    pub learning_rate: f64,
    pub weight_decay: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SeedOutcome {
    pub seed: u64,
    pub weak_acc: f64,
    pub ceiling_acc: f64,
    pub student_acc: f64,
    /// Absent when the ceiling does not beat the weak teacher on this seed (PGR undefined).
    pub pgr: Option<f64>,
    /// Per-epoch mean training loss of each model (the student's over all its rounds).
    pub curves: Curves,
    /// Seconds spent training each model (0 for a teacher and ceiling reused from the cache).
    pub seconds: PhaseSeconds,
    /// Whether the teacher and the ceiling were reused from an earlier run with the same pack,
    /// seed, configs, split, device and engine version instead of trained again.
    #[serde(default)]
    pub references_cached: bool,
    /// Which evaluation examples the student got right, in the split's order: bit `j % 8` of byte
    /// `j / 8` is example `j` (least significant bit first), the bytes written as lowercase hex
    /// (⌈n/8⌉ bytes, 2 characters each). It lets a comparison of two runs on the same split pair
    /// their students example by example instead of bounding the noise from the accuracies alone.
    /// Absent in reports written before schema version 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_correct: Option<String>,
    /// Partly-shuffled-teacher runs only: whether the student follows the labels it was handed on
    /// the swapped rows of split B. Absent for other runs and in reports before schema version 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_following: Option<LabelFollowing>,
}

/// The student's final predictions on the rows of split B whose teacher labels an ablation
/// replaced by another row's (a secret permutation), against two labels per row: the one the
/// method was handed, and a counterfactual drawn by a second secret permutation of the same rows
/// that the method never saw. A student that does not read the per-row labels puts as much
/// probability on one as on the other (the two permutations are exchangeable); one that learns
/// from them puts more on the handed one. The same rows, in the same order, for every seed of a
/// run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LabelFollowing {
    /// Per probed row, the student's probability of the class of the label it was handed.
    pub handed: Vec<f32>,
    /// Per probed row, the student's probability of the class of the counterfactual label.
    pub counterfactual: Vec<f32>,
}

impl LabelFollowing {
    /// Rounded to 4 decimals, which is far below the noise of any comparison made with them and
    /// keeps the report small.
    pub fn new(handed: &[f32], counterfactual: &[f32]) -> LabelFollowing {
        assert_eq!(handed.len(), counterfactual.len(), "one pair of probabilities per probed row");
        let round = |v: &[f32]| v.iter().map(|p| (p * 1e4).round() / 1e4).collect();
        LabelFollowing { handed: round(handed), counterfactual: round(counterfactual) }
    }

    /// The number of probed rows, when both lists cover the same rows with probabilities.
    pub fn rows(&self) -> Option<usize> {
        let valid = |v: &[f32]| v.iter().all(|p| (0.0..=1.0).contains(p));
        (self.handed.len() == self.counterfactual.len() && valid(&self.handed) && valid(&self.counterfactual))
            .then_some(self.handed.len())
    }
}

impl SeedOutcome {
    /// [`SeedOutcome::student_correct`] as one flag per example, when it is present, well formed
    /// and covers exactly `n` examples.
    pub fn student_correct_bits(&self, n: usize) -> Option<Vec<bool>> {
        decode_correct(self.student_correct.as_deref()?, n)
    }
}

/// Per-example correctness as [`SeedOutcome::student_correct`] stores it.
pub fn encode_correct(correct: &[bool]) -> String {
    let mut text = String::with_capacity(correct.len().div_ceil(8) * 2);
    for chunk in correct.chunks(8) {
        let byte = chunk.iter().enumerate().fold(0u8, |b, (i, c)| if *c { b | (1 << i) } else { b });
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Reads [`encode_correct`]'s text back for `n` examples: `None` unless it has exactly ⌈n/8⌉
/// bytes of hex and no bit set past example `n`.
pub fn decode_correct(text: &str, n: usize) -> Option<Vec<bool>> {
    if text.len() != n.div_ceil(8) * 2 || !text.is_ascii() {
        return None;
    }
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect::<Option<_>>()?;
    let flags: Vec<bool> = (0..bytes.len() * 8).map(|j| bytes[j / 8] >> (j % 8) & 1 == 1).collect();
    if flags[n..].iter().any(|f| *f) {
        return None;
    }
    Some(flags[..n].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_example_correctness_round_trips_as_least_significant_bit_first_hex() {
        // Examples 0, 2 and 9 right of 10: byte 0 = 0b0000_0101 = 05, byte 1 = 0b0000_0010 = 02.
        let flags = [true, false, true, false, false, false, false, false, false, true];
        assert_eq!(encode_correct(&flags), "0502");
        assert_eq!(decode_correct("0502", 10).unwrap(), flags);
        assert_eq!(encode_correct(&[]), "");
        // Wrong length, non-hex, a bit past n, or a different n: not read.
        assert_eq!(decode_correct("05", 10), None);
        assert_eq!(decode_correct("zz02", 10), None);
        assert_eq!(decode_correct("0506", 10), None);
        assert_eq!(decode_correct("0502", 17), None);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Curves {
    pub weak: Vec<f64>,
    pub ceiling: Vec<f64>,
    pub student: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PhaseSeconds {
    pub weak: f64,
    pub ceiling: f64,
    pub student: f64,
}

/// Across seeds, the AAR convention: PGR of the mean accuracies, its standard error
/// SE(student accuracy) / (ceiling − weak), and a bootstrap interval over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    pub weak_acc: f64,
    pub ceiling_acc: f64,
    pub student_acc: f64,
    /// Absent when the mean ceiling does not beat the mean weak accuracy.
    pub pgr: Option<f64>,
    pub pgr_se: Option<f64>,
    /// 95% percentile bootstrap interval over seeds (2,000 resamples, fixed RNG seed).
    pub pgr_ci95: Option<[f64; 2]>,
    /// Seeds on which the ceiling did not beat the teacher: PGR is undefined there.
    pub seeds_without_gap: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RunTimings {
    pub total_seconds: f64,
    /// Wall time of the run's very first optimiser step, kernel compilation included.
    pub first_step_seconds: f64,
    pub steps: u64,
    /// Mean wall time per optimiser step after the first.
    pub mean_step_ms: f64,
    /// Wall time spent inside the method (`configure` and every `targets` call): the script's
    /// share of the run.
    #[serde(default)]
    pub method_seconds: f64,
}
