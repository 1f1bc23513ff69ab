//! A reviewer's verdict on a submission, as exported. Grows with the verdict workflow.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The verdict format version this build writes.
pub const VERDICT_SCHEMA_VERSION: u32 = 1;

/// One recorded verdict: Gerrit-style labels plus a written rationale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRecord {
    pub schema_version: u32,
    /// The full submission id (sha256 hex) the verdict is about.
    pub submission_id: String,
    pub reviewer: String,
    /// RFC 3339 time.
    pub created_at: String,
    /// Review label: -2 (veto) ..= +2 (approve).
    #[schemars(range(min = -2, max = 2))]
    pub review: i8,
    /// Verified label: -1 (the independent re-run did not reproduce the claim), +1 (it did), or
    /// absent when no re-run was judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -1, max = 1))]
    pub verified: Option<i8>,
    pub rationale: String,
}
