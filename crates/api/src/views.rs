//! Building transport types from stored rows.

use std::collections::{BTreeMap, HashMap};

use aar_domain::{FileRole, IdPrefix, SubmissionId, pgr};
use aar_review_schemas::bundle::{MANIFEST_FILE_NAME, SubmissionManifest};
use aar_store::{ClaimRow, ListFilter, Store, StoredFile, SubmissionRow};

use crate::diff::{FileTexts, diff_files};
use crate::dto::*;
use crate::{ApiError, ApiResult, ErrorCode, role_order};

/// Files above this size are compared by digest only: a line diff of a multi-megabyte log helps
/// nobody and would stall the UI.
const MAX_DIFF_BYTES: usize = 1 << 20;

/// Resolves parent references: by the author's source ref first, then as an id.
struct ParentIndex {
    by_ref: HashMap<String, SubmissionId>,
    ids: Vec<SubmissionId>,
}

impl ParentIndex {
    async fn load(store: &Store) -> ApiResult<ParentIndex> {
        Ok(ParentIndex::of(&store.list(&ListFilter::default()).await?))
    }

    /// The index over `all` submissions, newest first (as the store lists them).
    fn of(all: &[SubmissionRow]) -> ParentIndex {
        let mut by_ref = HashMap::new();
        // Oldest first, so the first snapshot that used a ref keeps it.
        for row in all.iter().rev() {
            if let Some(r) = &row.source_ref {
                by_ref.entry(r.clone()).or_insert_with(|| row.id.clone());
            }
        }
        // Sorted, so a prefix is found by binary search: at 10,000 submissions a linear scan per
        // row made the queue quadratic.
        let mut ids: Vec<SubmissionId> = all.iter().map(|r| r.id.clone()).collect();
        ids.sort();
        ParentIndex { by_ref, ids }
    }

    /// The parent `row` names, when it is stored. A submission that names itself (imports
    /// refuse that now; older stores may hold one) has no parent.
    fn parent_of(&self, row: &SubmissionRow) -> Option<SubmissionId> {
        let reference = row.parent_ref.as_deref()?;
        let parent = match self.by_ref.get(reference) {
            Some(id) => id.clone(),
            None => {
                let prefix = IdPrefix::parse(reference).ok()?;
                let first = self.ids.partition_point(|id| id.as_str() < prefix.as_str());
                let mut matches =
                    self.ids[first..].iter().take_while(|id| id.as_str().starts_with(prefix.as_str()));
                match (matches.next(), matches.next()) {
                    (Some(one), None) => one.clone(),
                    _ => return None,
                }
            }
        };
        (parent != row.id).then_some(parent)
    }
}

/// The queue's summaries of `rows`; `unfiltered` when `rows` are every submission (the index of
/// parents is then built from them instead of reading them again).
pub(crate) async fn summaries(
    store: &Store,
    rows: Vec<SubmissionRow>,
    unfiltered: bool,
    reviews: &crate::review::Reviews,
) -> ApiResult<Vec<SubmissionSummary>> {
    let index = if unfiltered { ParentIndex::of(&rows) } else { ParentIndex::load(store).await? };
    let mut claims: BTreeMap<SubmissionId, Vec<ClaimRow>> = BTreeMap::new();
    for claim in store.all_claims().await? {
        claims.entry(claim.submission_id.clone()).or_default().push(claim);
    }
    let mut verified: BTreeMap<String, VerificationState> = store
        .latest_verifications(None)
        .await?
        .into_iter()
        .map(|v| (v.submission_id.clone(), verification_state(&v)))
        .collect();
    Ok(rows
        .iter()
        .map(|row| {
            let mut s =
                summary(row, claims.get(&row.id).map(Vec::as_slice).unwrap_or_default(), &index, None);
            s.verification = verified.remove(row.id.as_str());
            s.review = reviews.of(row.id.as_str());
            s
        })
        .collect())
}

/// What the queue shows of a verification.
pub(crate) fn verification_state(v: &aar_store::VerificationSummaryRow) -> VerificationState {
    VerificationState {
        id: v.id.clone(),
        vote: v.vote,
        failed: v.failed.clone(),
        warned: v.warned.clone(),
        task: v.task.clone(),
        finished_at: v.finished_at.clone(),
    }
}

fn summary(
    row: &SubmissionRow,
    claims: &[ClaimRow],
    index: &ParentIndex,
    manifest: Option<&SubmissionManifest>,
) -> SubmissionSummary {
    let parent_id = index.parent_of(row);
    SubmissionSummary {
        id: row.id.to_string(),
        short_id: row.id.short().to_owned(),
        title: row.title.clone(),
        author: row.author.clone(),
        created_at: row.created_at.clone(),
        language: row.method_language,
        rerunnable: row.method_language.is_rerunnable(),
        missing_parent: if parent_id.is_none() { row.parent_ref.clone() } else { None },
        parent_id: parent_id.map(|id| id.to_string()),
        claims: claims
            .iter()
            .enumerate()
            .map(|(i, c)| claim_view(c, manifest.and_then(|m| m.claims.get(i))))
            .collect(),
        verification: None,
        review: crate::review::Reviews::unloaded(),
    }
}

fn claim_view(row: &ClaimRow, full: Option<&aar_review_schemas::bundle::Claim>) -> ClaimView {
    use aar_review_schemas::verification::{CheckStatus, PREREGISTERED_SEEDS};
    let recomputed = match (row.weak_acc, row.ceiling_acc, row.student_acc) {
        (Some(w), Some(c), Some(s)) => pgr(w, c, s),
        _ => None,
    };
    // What the store keeps of a claim, when the manifest was not read.
    let listed = aar_review_schemas::bundle::Claim {
        task: row.task.clone(),
        split: None,
        pgr: row.pgr,
        pgr_se: row.pgr_se,
        weak_acc: row.weak_acc,
        ceiling_acc: row.ceiling_acc,
        student_acc: row.student_acc,
        seeds: row.seeds.clone(),
        per_seed: Vec::new(),
        measured: None,
    };
    let flags = aar_checks::claim_flags(full.unwrap_or(&listed), &PREREGISTERED_SEEDS)
        .into_iter()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Warn))
        .collect();
    ClaimView {
        task: row.task.clone(),
        split: full.and_then(|c| c.split),
        pgr: row.pgr,
        pgr_se: row.pgr_se,
        weak_acc: row.weak_acc,
        ceiling_acc: row.ceiling_acc,
        student_acc: row.student_acc,
        seeds: row.seeds.iter().map(|s| *s as u32).collect(),
        per_seed: full
            .map(|c| {
                c.per_seed
                    .iter()
                    .map(|s| SeedResultView { seed: s.seed as u32, pgr: s.pgr, student_acc: s.student_acc })
                    .collect()
            })
            .unwrap_or_default(),
        recomputed_pgr: recomputed,
        flags,
    }
}

fn reference(row: &SubmissionRow) -> SubmissionRef {
    SubmissionRef {
        id: row.id.to_string(),
        short_id: row.id.short().to_owned(),
        title: row.title.clone(),
        author: row.author.clone(),
    }
}

pub(crate) async fn manifest(store: &Store, id: &SubmissionId) -> ApiResult<SubmissionManifest> {
    let text = store.file_text(id, MANIFEST_FILE_NAME).await?;
    serde_json::from_str(&text).map_err(|e| {
        ApiError::new(ErrorCode::Storage, format!("stored manifest of {} does not parse: {e}", id.short()))
    })
}

pub(crate) async fn detail(store: &Store, id: &SubmissionId) -> ApiResult<SubmissionDetail> {
    let row = store.submission(id).await?;
    let manifest = manifest(store, id).await?;
    let index = ParentIndex::load(store).await?;
    let claims = store.claims(id).await?;

    let mut ancestors = Vec::new();
    let mut cursor = row.clone();
    while let Some(parent) = index.parent_of(&cursor) {
        // A hand-made cycle (A names B, B names A) must not hang the viewer.
        if parent == row.id || ancestors.iter().any(|a: &SubmissionRef| a.id == parent.as_str()) {
            break;
        }
        cursor = store.submission(&parent).await?;
        ancestors.push(reference(&cursor));
    }
    let children =
        store.children(&row).await?.iter().filter(|child| child.id != row.id).map(reference).collect();

    let mut files: Vec<StoredFile> = store.files(id).await?;
    files.sort_by(|a, b| (role_order(a.role), &a.path).cmp(&(role_order(b.role), &b.path)));

    let mut summary = summary(&row, &claims, &index, Some(&manifest));
    summary.verification = store.latest_verifications(Some(id)).await?.first().map(verification_state);
    Ok(SubmissionDetail {
        summary,
        hypothesis: manifest.hypothesis.clone(),
        description: manifest.description.clone(),
        method_path: row.method_path.clone(),
        files: files.iter().map(file_meta).collect(),
        posts: manifest
            .posts
            .iter()
            .map(|p| PostView {
                author: p.author.clone(),
                created_at: p.created_at.clone(),
                title: p.title.clone(),
                body: p.body.clone(),
                kind: p.kind,
                comments: p
                    .comments
                    .iter()
                    .map(|c| CommentView {
                        author: c.author.clone(),
                        created_at: c.created_at.clone(),
                        body: c.body.clone(),
                    })
                    .collect(),
            })
            .collect(),
        lineage: Lineage { ancestors, children },
        source_ref: row.source_ref.clone(),
        parent_ref: row.parent_ref.clone(),
        origin: row.origin.clone(),
        imported_at: row.imported_at.clone(),
        imported_by: row.imported_by.clone(),
    })
}

fn file_meta(f: &StoredFile) -> FileMeta {
    FileMeta {
        path: f.path.clone(),
        role: f.role,
        size: u32::try_from(f.size).unwrap_or(u32::MAX),
        digest: f.digest.to_string(),
    }
}

pub(crate) fn file_content(meta: &StoredFile, text: String) -> FileContent {
    FileContent {
        path: meta.path.clone(),
        role: meta.role,
        digest: meta.digest.to_string(),
        language: language_of(&meta.path).to_owned(),
        text,
    }
}

/// A highlighter language name for a path.
pub fn language_of(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "rhai" => "rhai",
        "py" => "python",
        "json" => "json",
        "md" | "markdown" => "markdown",
        "yaml" | "yml" => "yaml",
        "toml" => "ini",
        "sh" | "bash" => "bash",
        "rs" => "rust",
        _ => "plaintext",
    }
}

pub(crate) async fn submission_diff(
    store: &Store,
    old_id: &SubmissionId,
    new_id: &SubmissionId,
    ignore_whitespace: bool,
) -> ApiResult<SubmissionDiff> {
    let old_row = store.submission(old_id).await?;
    let new_row = store.submission(new_id).await?;
    let old_files = store.files(old_id).await?;
    let new_files = store.files(new_id).await?;

    // Methods are paired by role, whatever their file names; everything else by path.
    let mut pairs: Vec<(Option<&StoredFile>, Option<&StoredFile>)> = Vec::new();
    let old_method = old_files.iter().find(|f| f.role == FileRole::Method);
    let new_method = new_files.iter().find(|f| f.role == FileRole::Method);
    pairs.push((old_method, new_method));
    for new in new_files.iter().filter(|f| f.role != FileRole::Method) {
        let old = old_files.iter().find(|f| f.role != FileRole::Method && f.path == new.path);
        pairs.push((old, Some(new)));
    }
    for old in old_files.iter().filter(|f| f.role != FileRole::Method) {
        if !new_files.iter().any(|f| f.role != FileRole::Method && f.path == old.path) {
            pairs.push((Some(old), None));
        }
    }

    let mut texts = Vec::new();
    for (old, new) in &pairs {
        let old_text = match old {
            Some(f) => Some(store.file_text(old_id, &f.path).await?),
            None => None,
        };
        let new_text = match new {
            Some(f) => Some(store.file_text(new_id, &f.path).await?),
            None => None,
        };
        texts.push((old_text, new_text));
    }
    let too_large: Vec<bool> = texts
        .iter()
        .map(|(o, n)| o.as_deref().map_or(0, str::len).max(n.as_deref().map_or(0, str::len)) > MAX_DIFF_BYTES)
        .collect();
    // Every file at once, so a block moved between files shows as a move; a file too large to
    // diff takes part with empty sides.
    let sides: Vec<FileTexts<'_>> = pairs
        .iter()
        .zip(&texts)
        .zip(&too_large)
        .map(|(((old, new), (old_text, new_text)), &large)| FileTexts {
            old_path: old.map_or("", |f| f.path.as_str()),
            new_path: new.map_or("", |f| f.path.as_str()),
            old: if large { "" } else { old_text.as_deref().unwrap_or_default() },
            new: if large { "" } else { new_text.as_deref().unwrap_or_default() },
        })
        .collect();
    let hunks = diff_files(&sides, ignore_whitespace);
    let mut files: Vec<FileDiff> = pairs
        .iter()
        .zip(too_large)
        .zip(hunks)
        .map(|(((old, new), large), hunks)| file_diff(*old, *new, large, hunks))
        .collect();
    files.sort_by_key(|f| role_order(f.role));

    Ok(SubmissionDiff { old: reference(&old_row), new: reference(&new_row), ignore_whitespace, files })
}

fn file_diff(
    old: Option<&StoredFile>,
    new: Option<&StoredFile>,
    too_large: bool,
    hunks: Vec<Hunk>,
) -> FileDiff {
    let either = new.or(old).expect("a pair always has one side");
    let count =
        |kind: LineKind| hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == kind).count() as u32;
    let status = match (old, new) {
        _ if too_large => FileStatus::TooLarge,
        (None, Some(_)) => FileStatus::Added,
        (Some(_), None) => FileStatus::Deleted,
        (Some(o), Some(n)) if o.path != n.path => FileStatus::Renamed,
        (Some(o), Some(n)) if o.digest == n.digest || hunks.is_empty() => FileStatus::Unchanged,
        _ => FileStatus::Modified,
    };
    FileDiff {
        path: either.path.clone(),
        old_path: match (old, new) {
            (Some(o), Some(n)) if o.path != n.path => Some(o.path.clone()),
            _ => None,
        },
        role: either.role,
        old_digest: old.map(|f| f.digest.to_string()),
        new_digest: new.map(|f| f.digest.to_string()),
        language: language_of(&either.path).to_owned(),
        status,
        lines_added: count(LineKind::Insert),
        lines_removed: count(LineKind::Delete),
        hunks,
    }
}
