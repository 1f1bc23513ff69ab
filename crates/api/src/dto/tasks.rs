//! Task packs, bundled or loaded from a folder.

use serde::Serialize;
use ts_rs::TS;

/// A bundled or user-provided task pack.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskSummary {
    pub name: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub num_classes: u32,
    /// A family where the student can copy the teacher exactly: vanilla PGR should be ~0.
    pub negative_control: bool,
    /// Examples in splits a, b, dev, test, private.
    pub split_sizes: Vec<u32>,
    pub weak: ModelView,
    pub strong: ModelView,
    pub data_sha256: String,
    /// `bundled/<name>` or the folder it was loaded from.
    pub origin: String,
}

/// A task pack that could not be loaded; the other packs stay usable.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskProblem {
    /// The pack's name (from its task.json, or its folder's name when that cannot be read).
    pub pack: String,
    /// Where it was loaded from.
    pub origin: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelView {
    pub input_dim: u32,
    pub hidden: Vec<u32>,
    pub epochs: u32,
    pub batch_size: u32,
    pub learning_rate: f64,
    pub weight_decay: f64,
}
