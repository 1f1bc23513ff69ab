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
    /// The generator the pack's data comes from: packs of one family (`latent`, `latent-5k`) are
    /// one task for generalisation, however many sizes of it are bundled. Absent means the name up
    /// to its first '-' (see [`TaskPack::family`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

impl TaskPack {
    /// The pack's family: [`TaskPack::family`] when written, else the name before its first '-'
    /// (`latent-5k` → `latent`, `digits` → `digits`).
    pub fn family(&self) -> &str {
        match &self.family {
            Some(family) => family,
            None => self.name.split('-').next().unwrap_or(&self.name),
        }
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_family_defaults_to_the_name_before_its_first_dash() {
        let json = |name: &str, family: &str| {
            format!(
                r#"{{"schema_version":1,"name":"{name}","title":"","description":"","num_classes":2,{family}
                "weak":{{"input_dim":1,"hidden":[],"train":{{"epochs":1,"batch_size":1,"learning_rate":0.1,"weight_decay":0}}}},
                "strong":{{"input_dim":1,"hidden":[],"train":{{"epochs":1,"batch_size":1,"learning_rate":0.1,"weight_decay":0}}}},
                "splits":{{"a":1,"b":1,"dev":1,"test":1,"private":1}},"data_file":"d","data_sha256":"0"}}"#
            )
        };
        let read = |name: &str, family: &str| -> super::TaskPack {
            serde_json::from_str(&json(name, family)).unwrap()
        };
        assert_eq!(read("latent-5k", "").family(), "latent");
        assert_eq!(read("latent", "").family(), "latent");
        assert_eq!(read("digits", "").family(), "digits");
        assert_eq!(read("latent-5k", r#""family":"other","#).family(), "other");
        // Absent stays absent when written back, so existing task.json files are unchanged.
        assert!(!serde_json::to_string(&read("wine", "")).unwrap().contains("family"));
    }
}
