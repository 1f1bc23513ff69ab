//! Rows as read back from the database.

use aar_domain::{Digest, FileRole, SubmissionId};
use aar_review_schemas::bundle::MethodLanguage;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

pub(crate) const SUBMISSION_COLUMNS: &str = "id, title, author, created_at, method_path, \
     method_language, source_ref, parent_ref, revision, origin, imported_at, imported_by";

#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionRow {
    pub id: SubmissionId,
    pub title: String,
    pub author: String,
    pub created_at: String,
    pub method_path: String,
    pub method_language: MethodLanguage,
    pub source_ref: Option<String>,
    pub parent_ref: Option<String>,
    /// A new version of its parent (see the bundle field `revision`).
    pub revision: bool,
    pub origin: String,
    pub imported_at: String,
    pub imported_by: String,
}

impl SubmissionRow {
    pub(crate) fn from_row(row: &AnyRow) -> Result<SubmissionRow, StoreError> {
        Ok(SubmissionRow {
            id: submission_id(&row.try_get::<String, _>("id")?)?,
            title: row.try_get("title")?,
            author: row.try_get("author")?,
            created_at: row.try_get("created_at")?,
            method_path: row.try_get("method_path")?,
            method_language: {
                let text: String = row.try_get("method_language")?;
                MethodLanguage::parse(&text)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown method language `{text}`")))?
            },
            source_ref: row.try_get("source_ref")?,
            parent_ref: row.try_get("parent_ref")?,
            revision: row.try_get::<i64, _>("revision")? == 1,
            origin: row.try_get("origin")?,
            imported_at: row.try_get("imported_at")?,
            imported_by: row.try_get("imported_by")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub submission_id: SubmissionId,
    pub task: String,
    pub pgr: f64,
    pub pgr_se: Option<f64>,
    pub weak_acc: Option<f64>,
    pub ceiling_acc: Option<f64>,
    pub student_acc: Option<f64>,
    pub seeds: Vec<u64>,
}

impl ClaimRow {
    pub(crate) fn from_row(row: &AnyRow) -> Result<ClaimRow, StoreError> {
        let seeds: String = row.try_get("seeds")?;
        Ok(ClaimRow {
            submission_id: submission_id(&row.try_get::<String, _>("submission_id")?)?,
            task: row.try_get("task")?,
            pgr: row.try_get("pgr")?,
            pgr_se: row.try_get("pgr_se")?,
            weak_acc: row.try_get("weak_acc")?,
            ceiling_acc: row.try_get("ceiling_acc")?,
            student_acc: row.try_get("student_acc")?,
            seeds: serde_json::from_str(&seeds)
                .map_err(|e| StoreError::Corrupt(format!("claim seeds `{seeds}`: {e}")))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    pub path: String,
    pub role: FileRole,
    pub digest: Digest,
    pub size: u64,
}

impl StoredFile {
    pub(crate) fn from_row(row: &AnyRow) -> Result<StoredFile, StoreError> {
        let role: String = row.try_get("role")?;
        Ok(StoredFile {
            path: row.try_get("path")?,
            role: FileRole::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown file role `{role}`")))?,
            digest: digest(&row.try_get::<String, _>("digest")?)?,
            size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// JSON text.
    pub detail: String,
}

impl AuditEntry {
    pub(crate) fn from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            detail: row.try_get("detail")?,
        })
    }
}

pub(crate) fn submission_id(text: &str) -> Result<SubmissionId, StoreError> {
    digest(text).map(SubmissionId)
}

pub(crate) fn digest(text: &str) -> Result<Digest, StoreError> {
    Digest::parse(text).ok_or_else(|| StoreError::Corrupt(format!("`{text}` is not a sha256")))
}
