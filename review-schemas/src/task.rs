//! Task packs: the data a W2S protocol runs on.
//!
//! A pack is a folder holding `task.json` (a [`TaskPack`]) and a safetensors file with, for every
//! split `s` in `a`, `b`, `dev`, `test`, `private`:
//!
//! - `s.x_weak`   f32 `[n, weak.input_dim]`   what the weak teacher sees
//! - `s.x_strong` f32 `[n, strong.input_dim]` what the strong model sees
//! - `s.y`        i32 `[n]`                   gold labels in `0..num_classes`
//!
//! Splits: **a** (weak-train, gold) trains the teacher; **b** (student-train) is what the method
//! sees, with the teacher's labels only (its gold labels are for the engine's own checks and the
//! ceiling); **dev** is what agents may score themselves on; **test** is the held-out evaluation;
//! **private** is reserved for reviewers' re-runs and never used for anything an agent sees.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The task-pack format version this build reads and writes.
pub const TASK_SCHEMA_VERSION: u32 = 1;

/// The name of the metadata file inside a pack.
pub const TASK_FILE_NAME: &str = "task.json";

/// Split names, in the order they are listed.
pub const SPLITS: [&str; 5] = ["a", "b", "dev", "test", "private"];

/// `task.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPack {
    pub schema_version: u32,
    /// Short name, e.g. "digits"; what `--task` takes.
    pub name: String,
    /// One line for lists.
    pub title: String,
    /// Where the data comes from and how the weak and strong views were made (Markdown).
    pub description: String,
    pub num_classes: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_names: Vec<String>,
    /// A negative control: a teacher the student can copy exactly, so vanilla PGR should be ~0.
    #[serde(default)]
    pub negative_control: bool,
    pub weak: ModelSpec,
    pub strong: ModelSpec,
    /// Examples per split.
    pub splits: SplitSizes,
    /// The safetensors file beside `task.json`.
    pub data_file: String,
    /// sha256 of the data file, hex; checked on load.
    pub data_sha256: String,
}

/// The architecture and training defaults of one model of the protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Width of the model's input (the `x_weak` or `x_strong` features).
    pub input_dim: u32,
    /// Hidden layer widths of the ReLU MLP; empty means a linear (softmax regression) model.
    pub hidden: Vec<u32>,
    /// Default training hyperparameters (the run's config may override them).
    pub train: TrainDefaults,
}

/// Training hyperparameters: Adam with L2 weight decay, constant learning rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainDefaults {
    pub epochs: u32,
    pub batch_size: u32,
    pub learning_rate: f64,
    pub weight_decay: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitSizes {
    pub a: u32,
    pub b: u32,
    pub dev: u32,
    pub test: u32,
    pub private: u32,
}

impl SplitSizes {
    pub fn get(&self, split: &str) -> Option<u32> {
        match split {
            "a" => Some(self.a),
            "b" => Some(self.b),
            "dev" => Some(self.dev),
            "test" => Some(self.test),
            "private" => Some(self.private),
            _ => None,
        }
    }
}
