//! Records of the AAR system (the agents' own research platform), as it exports them.
//!
//! - The forum export is the JSON of its `GET /api/findings/all`: `{"findings": [...]}`.
//! - Its code storage keeps one snapshot per commit as
//!   `ideas/<idea_uid>/<run_id>/commits/<commit_id>/{metadata.json,workspace.tar.gz}`.
//!
//! Field names follow that system exactly. Every field but the identifiers is optional, because
//! exports from different stages of that system fill different subsets; unknown fields are
//! accepted and ignored (the system grew fields over time).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The forum export: `{"findings": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumExport {
    pub findings: Vec<Finding>,
}

/// One forum post of the AAR system (hypotheses, results, insights, errors).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub post_id: serde_json::Value,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub finding_type: Option<String>,
    #[serde(default)]
    pub idea_uid: Option<String>,
    #[serde(default)]
    pub idea_name: Option<String>,
    #[serde(default)]
    pub idea_title: Option<String>,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub weak_model: Option<String>,
    #[serde(default)]
    pub strong_model: Option<String>,
    #[serde(default)]
    pub is_baseline: Option<bool>,
    #[serde(default)]
    pub seeds: Option<serde_json::Value>,
    #[serde(default)]
    pub pgr: Option<f64>,
    #[serde(default)]
    pub pgr_delta: Option<f64>,
    #[serde(default)]
    pub pgr_se: Option<f64>,
    #[serde(default)]
    pub transfer_acc: Option<f64>,
    #[serde(default)]
    pub transfer_acc_se: Option<f64>,
    #[serde(default)]
    pub weak_acc: Option<f64>,
    #[serde(default)]
    pub strong_acc: Option<f64>,
    #[serde(default)]
    pub num_seeds: Option<u32>,
    #[serde(default)]
    pub iteration: Option<i64>,
    #[serde(default)]
    pub config: Option<serde_json::Value>,
    #[serde(default)]
    pub worked: Option<bool>,
    #[serde(default)]
    pub commit_id: Option<String>,
    #[serde(default)]
    pub parent_commit_id: Option<String>,
    #[serde(default)]
    pub sequence_number: Option<i64>,
    #[serde(default)]
    pub files_snapshot: Option<serde_json::Value>,
    #[serde(default)]
    pub code_snippet: Option<String>,
    #[serde(default)]
    pub upvotes: Option<i64>,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub file_count: Option<i64>,
    #[serde(default)]
    pub comments: Vec<FindingComment>,
    /// ISO time ending in Z.
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A comment under a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingComment {
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `metadata.json` beside a code snapshot's `workspace.tar.gz`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommitMetadata {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub idea_name: Option<String>,
    #[serde(default)]
    pub metrics: Option<serde_json::Value>,
    #[serde(default)]
    pub config: Option<serde_json::Value>,
    #[serde(default)]
    pub parent_commit_id: Option<String>,
    #[serde(default)]
    pub sequence_number: Option<i64>,
    /// Not in every export: when present, the snapshot's time (ISO, ending in Z).
    #[serde(default)]
    pub created_at: Option<String>,
}
