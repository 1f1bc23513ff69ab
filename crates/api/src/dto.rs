//! Transport types: what front ends receive, as camelCase JSON. TypeScript declarations are
//! generated from these types (see [`crate::typescript_bindings`]) so the UI cannot drift.

use aar_review_schemas::run::RunReport;
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
    /// The method's language: `rhai` or `python`.
    pub language: String,
    /// Whether AAR Review's engine can re-run the method.
    pub rerunnable: bool,
    /// The parent's full id when the parent is in the store.
    pub parent_id: Option<String>,
    /// The author's parent reference when it names nothing in the store.
    pub missing_parent: Option<String>,
    pub claims: Vec<ClaimView>,
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
    pub split: Option<String>,
    pub pgr: f64,
    pub pgr_se: Option<f64>,
    pub weak_acc: Option<f64>,
    pub ceiling_acc: Option<f64>,
    pub student_acc: Option<f64>,
    pub seeds: Vec<u32>,
    pub per_seed: Vec<SeedResultView>,
    /// PGR recomputed from the claimed accuracies, when all three are given and the gap is
    /// positive. A large difference from `pgr` is a red flag.
    pub recomputed_pgr: Option<f64>,
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
    /// `manifest`, `method`, `source` or `log`.
    pub role: String,
    pub size: u32,
    pub digest: String,
}

/// One file's text, for reading.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileContent {
    pub path: String,
    pub role: String,
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
    /// `hypothesis`, `result`, `insight` or `error`.
    pub kind: String,
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

/// A comparison of two submissions, file by file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionDiff {
    pub old: SubmissionRef,
    pub new: SubmissionRef,
    pub ignore_whitespace: bool,
    pub files: Vec<FileDiff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileDiff {
    /// The path in the newer submission (or the older one, for a deleted file).
    pub path: String,
    /// For a renamed file (methods are paired by role): the path in the older submission.
    pub old_path: Option<String>,
    pub role: String,
    pub status: FileStatus,
    pub lines_added: u32,
    pub lines_removed: u32,
    pub hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    Added,
    Deleted,
    Modified,
    Renamed,
    Unchanged,
    /// Too large to diff usefully; compare digests instead.
    TooLarge,
}

/// A hunk; its header (old/new start and length, 1-based) is the stable anchor for comments.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffLine {
    pub kind: LineKind,
    pub old_no: Option<u32>,
    pub new_no: Option<u32>,
    /// The line's text in pieces; `emphasized` pieces are the words that changed.
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LineKind {
    Context,
    Delete,
    Insert,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub text: String,
    pub emphasized: bool,
}

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

/// Where the store lives, for an "about" line in front ends.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    /// A path for SQLite, a password-free URL for PostgreSQL.
    pub location: String,
    pub dialect: String,
    pub submissions: u32,
}

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

/// Which method a re-run trains the student with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MethodSource {
    /// The built-in vanilla student (cross-entropy on the teacher's soft labels).
    Vanilla,
    /// A stored submission's own method, run in the sandbox from its exact stored bytes.
    Submission { id: String },
    /// A method file on disk (a reference method, or one being written).
    File { path: String },
}

/// What `check-method` found in a method file that parses and validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MethodCheck {
    pub path: String,
    pub code_sha256: String,
    pub has_configure: bool,
    /// Whether it reads `ctx.student` (each epoch then costs an extra pass over split B).
    pub needs_student_predictions: bool,
    /// The functions the script defines.
    pub functions: Vec<String>,
}

/// What to re-run.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    /// The method; the built-in vanilla student when absent.
    #[serde(default)]
    #[ts(optional)]
    pub method: Option<MethodSource>,
    pub task: String,
    /// How many seeds, counted up from `firstSeed`.
    pub seeds: u32,
    /// Defaults to 42, the first of the AAR system's pre-registered seeds.
    pub first_seed: Option<u64>,
    /// `auto`, `gpu` or `cpu`.
    pub device: String,
    /// `test`, or `private` for the reviewers' private split.
    pub eval_split: String,
}

/// A stored run, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// sha256 of the run report.
    pub id: String,
    pub short_id: String,
    pub task: String,
    pub method: String,
    pub eval_split: String,
    pub backend: String,
    pub adapter: String,
    pub seeds: Vec<u64>,
    pub pgr: Option<f64>,
    pub pgr_se: Option<f64>,
    pub total_seconds: f64,
    pub finished_at: String,
    pub created_by: String,
    /// The submission whose method ran, if it was one.
    pub submission_id: Option<String>,
}

/// A stored run in full: its list summary and the report itself (the file format,
/// `review-schemas/schemas/run-report.schema.json`, snake_case as stored).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDetail {
    pub summary: RunSummary,
    pub report: RunReport,
}

/// Two stored runs compared seed by seed (same pack, split and seeds): the method against a
/// baseline, usually vanilla. Not yet shown by the desktop app, so it has no TypeScript type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunComparison {
    pub method: RunSummary,
    pub baseline: RunSummary,
    pub seeds: Vec<SeedPair>,
    /// Paired t-test on the per-seed PGR differences (method − baseline).
    pub pgr: Option<aar_domain::PairedTest>,
    /// Paired t-test on the per-seed student accuracy differences.
    pub student_acc: Option<aar_domain::PairedTest>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedPair {
    pub seed: u64,
    pub method_pgr: Option<f64>,
    pub baseline_pgr: Option<f64>,
    pub method_student_acc: f64,
    pub baseline_student_acc: f64,
}

/// Progress of a run in flight, as the window receives it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum RunProgress {
    /// Before any training.
    #[serde(rename_all = "camelCase")]
    Started { total_epochs: u64, seeds: u32 },
    /// One epoch of one phase ended. `done` of `total` epochs of the whole run are finished.
    #[serde(rename_all = "camelCase")]
    Epoch { seed: u64, phase: String, epoch: u32, epochs: u32, loss: f64, done: u64, total: u64 },
    /// A phase ended with this accuracy on the evaluation split.
    #[serde(rename_all = "camelCase")]
    PhaseFinished { seed: u64, phase: String, accuracy: f64, seconds: f64 },
    /// Every phase of one seed ended.
    #[serde(rename_all = "camelCase")]
    SeedFinished { seed: u64, weak_acc: f64, ceiling_acc: f64, student_acc: f64, pgr: Option<f64> },
}
