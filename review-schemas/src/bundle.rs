//! The submission bundle: one agent submission as a reviewer receives it.
//!
//! A bundle is a folder holding `submission.json` (a [`SubmissionManifest`]) next to the files it
//! names, or the same folder packed as `.zip` or `.tar.gz` (with the files either at the archive's
//! root or inside a single top-level folder). Only the files the manifest names are imported;
//! every path is relative, uses `/`, and may not contain `..`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::vocab::{Backend, Split};

/// The manifest format version this build writes. Version 2 added [`Claim::measured`]; version 1
/// manifests still read (their claims record no measurement conditions).
pub const SUBMISSION_SCHEMA_VERSION: u32 = 2;

/// Every manifest format version this build reads.
pub const READABLE_SUBMISSION_SCHEMA_VERSIONS: [u32; 2] = [1, 2];

/// The name of the manifest inside a bundle.
pub const MANIFEST_FILE_NAME: &str = "submission.json";

/// `submission.json`: everything about a submission except the bytes of its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionManifest {
    /// Format version: 2 (this build also reads 1).
    pub schema_version: u32,
    /// One line naming the method, e.g. "Confidence-weighted distillation with ramped c".
    pub title: String,
    /// The agent (or person) that produced the submission, e.g. "aar-3".
    pub author: String,
    /// When the author created it, RFC 3339 (e.g. "2026-04-14T09:30:00Z").
    pub created_at: String,
    /// What the author expected to happen and why.
    pub hypothesis: String,
    /// What the method does, in Markdown.
    pub description: String,
    /// The executable method file: the exact bytes a re-run executes.
    pub method: MethodFile,
    /// Whether the method learns from the weak teacher (the default) or elicits the strong
    /// model's knowledge without it. Verification reads a student that ignores the teacher as a
    /// failure only for teacher methods.
    #[serde(default, skip_serializing_if = "MethodFamily::is_default")]
    pub family: MethodFamily,
    /// Other source files, shown for context only; never executed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Logs the author attached (training output and the like).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
    /// The author's own identifier for this snapshot (an AAR commit id, a git hash...). Children
    /// name their parent by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// The parent this submission was derived from: the parent's `source_ref`, or its
    /// submission id (full or abbreviated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// True when this submission is a new version of its parent (the same method, revised by
    /// the same author) rather than a new method built on it. A new version makes the votes on
    /// the version before it stale; a derived method leaves them alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision: bool,
    /// Results the author claims, one entry per task family.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
    /// The author's forum posts about this submission, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<ForumPost>,
}

/// The executable method file of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodFile {
    /// Path of the file inside the bundle.
    pub path: String,
    /// The language it is written in. Only `rhai` methods can be re-run by AAR Review's engine;
    /// `python` methods (imported from the AAR system) are for reading, diffing and verdicts.
    pub language: MethodLanguage,
}

/// Languages a method file may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum MethodLanguage {
    /// A Rhai script run by AAR Review's sandbox against the W2S engine.
    Rhai,
    /// A Python program from the AAR system; imported for review only.
    Python,
}

impl MethodLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            MethodLanguage::Rhai => "rhai",
            MethodLanguage::Python => "python",
        }
    }

    pub fn parse(text: &str) -> Option<MethodLanguage> {
        [MethodLanguage::Rhai, MethodLanguage::Python].into_iter().find(|l| l.as_str() == text)
    }

    /// Whether AAR Review's own engine can execute methods in this language.
    pub fn is_rerunnable(self) -> bool {
        matches!(self, MethodLanguage::Rhai)
    }
}

/// What kind of W2S method a submission declares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum MethodFamily {
    /// Learns from the weak teacher's labels (distillation, filtering, reweighting...).
    #[default]
    Teacher,
    /// Elicits the strong model's knowledge without the teacher (e.g. consistency elicitation);
    /// its student is expected not to react when the teacher's labels are shuffled.
    Unsupervised,
}

impl MethodFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            MethodFamily::Teacher => "teacher",
            MethodFamily::Unsupervised => "unsupervised",
        }
    }

    fn is_default(&self) -> bool {
        *self == MethodFamily::default()
    }
}

/// A result the author claims on one task family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Task family, e.g. "digits", "chat", "math".
    pub task: String,
    /// The split the numbers were measured on: `dev` for what the agents could score themselves
    /// on, `test` for the held-out split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
    /// Performance gap recovered, (student - weak) / (ceiling - weak).
    pub pgr: f64,
    /// Standard error of `pgr`, if the author reported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgr_se: Option<f64>,
    /// Test accuracy of the weak teacher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak_acc: Option<f64>,
    /// Test accuracy of the strong model trained on gold labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_acc: Option<f64>,
    /// Test accuracy of the strong student trained on the teacher's labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_acc: Option<f64>,
    /// The seeds the claim is averaged over.
    pub seeds: Vec<u64>,
    /// Per-seed results, when the author reported them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_seed: Vec<SeedResult>,
    /// How the numbers were measured (schema version 2). When the engine, backend, adapter and
    /// pack match a verifier's replay, the replay is exact and every number must equal it within
    /// the rounding of its digits; without it, or when anything differs, the replay can only be
    /// compared statistically, and a claim compared that way is never verified on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measurement>,
}

/// The conditions a claim was measured under: what an exact replay must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// The `aar-engine` version that produced the numbers (a run report's `engine_version`).
    pub engine_version: String,
    /// The burn backend that ran.
    pub backend: Backend,
    /// The adapter, as a run report's `device.adapter` names it (e.g. "CPU (flex)").
    pub adapter: String,
    /// sha256 of the task pack's data file (a run report's `data_sha256`).
    pub pack_sha256: String,
}

/// One seed's result inside a [`Claim`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedResult {
    pub seed: u64,
    pub pgr: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_acc: Option<f64>,
}

/// A post on the agents' shared forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForumPost {
    pub author: String,
    /// RFC 3339 time.
    pub created_at: String,
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// What kind of post it is.
    #[serde(default)]
    pub kind: PostKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<ForumComment>,
}

/// The AAR forum's finding types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    Hypothesis,
    #[default]
    Result,
    Insight,
    Error,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Hypothesis => "hypothesis",
            PostKind::Result => "result",
            PostKind::Insight => "insight",
            PostKind::Error => "error",
        }
    }

    /// Parses a kind as written in bundles and in the AAR forum (`finding_type`). Unknown kinds
    /// read as `None` so the caller can decide.
    pub fn parse(text: &str) -> Option<PostKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "hypothesis" => Some(PostKind::Hypothesis),
            "result" | "results" => Some(PostKind::Result),
            "insight" | "insights" => Some(PostKind::Insight),
            "error" | "errors" => Some(PostKind::Error),
            _ => None,
        }
    }
}

crate::display_as_str!(MethodLanguage, MethodFamily, PostKind);

/// A comment under a forum post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForumComment {
    pub author: String,
    pub created_at: String,
    pub body: String,
}
