//! What an import did.

use serde::Serialize;
use ts_rs::TS;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub items: Vec<ImportedItem>,
    /// Forum findings that could not be attached to a code snapshot.
    pub skipped_findings: Vec<SkippedFindingView>,
    /// What the conversion of AAR exports left out or assumed.
    pub notes: Vec<String>,
}

impl ImportReport {
    pub fn new_count(&self) -> usize {
        self.items.iter().filter(|i| i.status == ImportStatus::New).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportedItem {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub origin: String,
    pub status: ImportStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportStatus {
    /// Stored now.
    New,
    /// Already stored byte for byte; nothing changed.
    AlreadyPresent,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SkippedFindingView {
    pub post_id: String,
    pub reason: String,
}
