//! The store itself: where it lives and its audit trail.

use serde::Serialize;
use ts_rs::TS;

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    pub seq: u32,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text.
    pub detail: String,
}

/// Where the store lives, for an "about" line in front ends.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    /// A path for SQLite, a password-free URL for PostgreSQL.
    pub location: String,
    pub dialect: aar_store::Dialect,
    pub submissions: u32,
}
