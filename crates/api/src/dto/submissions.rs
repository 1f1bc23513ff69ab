//! Submissions as lists and the detail page show them: claims, files, posts, lineage.

use aar_review_schemas::bundle::{MethodLanguage, PostKind};
use aar_review_schemas::verification::CheckResult;
use aar_review_schemas::vocab::{FileRole, Split};
use serde::Serialize;
use ts_rs::TS;

/// A submission as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionSummary {
    /// Full sha256 content id.
    pub id: String,
    /// The first 12 characters of `id`, as lists show it.
    pub short_id: String,
    pub title: String,
    pub author: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The method's language.
    pub language: MethodLanguage,
    /// Whether AAR Review's engine can re-run the method.
    pub rerunnable: bool,
    /// The parent's full id when the parent is in the store.
    pub parent_id: Option<String>,
    /// The author's parent reference when it names nothing in the store.
    pub missing_parent: Option<String>,
    pub claims: Vec<ClaimView>,
    /// The newest verification, if the submission has one.
    pub verification: Option<super::VerificationState>,
    /// Its review status and whose turn it is, for the reviewer asking.
    pub review: super::ReviewSummary,
}

impl SubmissionSummary {
    /// The best PGR the submission claims on any task (what a triage list sorts by).
    pub fn best_claimed_pgr(&self) -> Option<f64> {
        self.claims.iter().map(|c| c.pgr).fold(None, |best, p| Some(best.map_or(p, |b: f64| b.max(p))))
    }
}

/// A claimed result, with what a reviewer checks first computed beside it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    pub task: String,
    pub split: Option<Split>,
    pub pgr: f64,
    pub pgr_se: Option<f64>,
    pub weak_acc: Option<f64>,
    pub ceiling_acc: Option<f64>,
    pub student_acc: Option<f64>,
    pub seeds: Vec<u32>,
    pub per_seed: Vec<SeedResultView>,
    /// PGR recomputed from the claimed accuracies, when all three are given and the gap is
    /// positive.
    pub recomputed_pgr: Option<f64>,
    /// The checks that need no runs (`claim_consistency`, `seeds`) that fail or warn on this
    /// claim, computed by `aar-checks`: front ends display them and decide nothing. In lists the
    /// claim is read without its per-seed results, so only the submission's detail view checks
    /// those.
    pub flags: Vec<CheckResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SeedResultView {
    pub seed: u32,
    pub pgr: f64,
    pub student_acc: Option<f64>,
}

/// Everything about one submission, except file contents (fetched one at a time).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionDetail {
    pub summary: SubmissionSummary,
    pub hypothesis: String,
    /// Markdown.
    pub description: String,
    pub method_path: String,
    pub files: Vec<FileMeta>,
    pub posts: Vec<PostView>,
    pub lineage: Lineage,
    pub source_ref: Option<String>,
    pub parent_ref: Option<String>,
    /// Where the submission was imported from.
    pub origin: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// A stored file of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileMeta {
    pub path: String,
    pub role: FileRole,
    pub size: u32,
    pub digest: String,
}

/// One file's text, for reading.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileContent {
    pub path: String,
    pub role: FileRole,
    pub digest: String,
    /// A highlighter language name guessed from the extension (`rhai`, `python`, `json`,
    /// `markdown`, `yaml`, `plaintext`...).
    pub language: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    pub author: String,
    pub created_at: String,
    pub title: String,
    pub body: String,
    pub kind: PostKind,
    pub comments: Vec<CommentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    pub author: String,
    pub created_at: String,
    pub body: String,
}

/// Where a submission sits in its family tree.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Lineage {
    /// Parent first, then the parent's parent, and so on.
    pub ancestors: Vec<SubmissionRef>,
    pub children: Vec<SubmissionRef>,
}

/// A short reference to a submission.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionRef {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub author: String,
}

/// How to sort a list of submissions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    /// Newest first.
    #[default]
    Created,
    /// Highest claimed PGR (on any task) first; submissions without claims last.
    ClaimedPgr,
}

/// Filters and order for a list.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ListQuery {
    pub author: Option<String>,
    pub task: Option<String>,
    pub sort: SortKey,
}
