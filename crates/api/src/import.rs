//! Import: read and validate every input first, then store all of them in one transaction.

use std::path::{Path, PathBuf};

use aar_bundle::{InputKind, Limits, detect, read_aar_export, read_bundle, read_forum_export};
use aar_domain::BundleContent;
use aar_review_schemas::aar::ForumExport;
use aar_store::{Inserted, NewSubmission, Store, WriteContext};

use crate::dto::{ImportReport, ImportStatus, ImportedItem, SkippedFindingView};
use crate::{ApiError, ApiResult};

pub(crate) struct Prepared {
    submissions: Vec<(BundleContent, String)>,
    skipped: Vec<SkippedFindingView>,
    notes: Vec<String>,
}

/// Reads every input. Any refused input fails the whole import, with every problem listed, so
/// nothing is half-imported.
pub(crate) fn prepare(paths: &[PathBuf]) -> ApiResult<Prepared> {
    if paths.is_empty() {
        return Err(ApiError::invalid("nothing to import: name at least one bundle or export"));
    }
    let limits = Limits::default();
    let mut problems = Vec::new();
    let mut bundles = Vec::new();
    let mut storages = Vec::new();
    let mut forum = ForumExport { findings: Vec::new() };
    let mut forum_given = false;

    for path in paths {
        match detect(path) {
            Ok(InputKind::AarStorage) => storages.push(path.clone()),
            Ok(InputKind::AarForum) => match read_forum_export(path, limits) {
                Ok(export) => {
                    forum_given = true;
                    forum.findings.extend(export.findings);
                }
                Err(e) => problems.push(e.to_string()),
            },
            Ok(kind) => match read_bundle(path, limits) {
                Ok(content) => bundles.push((content, origin(kind, path))),
                Err(e) => problems.push(e.to_string()),
            },
            Err(e) => problems.push(e.to_string()),
        }
    }
    if forum_given && storages.is_empty() {
        problems.push(
            aar_bundle::BundleError::new(
                paths
                    .iter()
                    .find(|p| matches!(detect(p), Ok(InputKind::AarForum)))
                    .map_or(Path::new("?"), |p| p.as_path()),
                aar_bundle::Problem::ForumWithoutStorage,
            )
            .to_string(),
        );
    }

    let mut skipped: Option<Vec<aar_bundle::SkippedFinding>> = None;
    let mut notes = Vec::new();
    for storage in &storages {
        let given = forum_given.then(|| forum.clone());
        match read_aar_export(storage, given, limits) {
            Ok(export) => {
                // With several storages, a finding is skipped only if no storage took it.
                skipped = Some(match skipped {
                    None => export.skipped,
                    Some(before) => before.into_iter().filter(|s| export.skipped.contains(s)).collect(),
                });
                notes.extend(export.notes);
                let origin = origin(InputKind::AarStorage, storage);
                bundles.extend(export.submissions.into_iter().map(|c| (c, origin.clone())));
            }
            Err(e) => problems.push(e.to_string()),
        }
    }

    if !problems.is_empty() {
        let header =
            if problems.len() == 1 { String::new() } else { format!("{} inputs refused:\n", problems.len()) };
        return Err(ApiError::invalid(format!("{header}{}\nnothing was imported", problems.join("\n"))));
    }
    Ok(Prepared {
        submissions: bundles,
        skipped: skipped
            .unwrap_or_default()
            .into_iter()
            .map(|s| SkippedFindingView { post_id: s.post_id, reason: s.reason })
            .collect(),
        notes,
    })
}

impl Prepared {
    /// Shows origins under `root` as `label/...` (the demo is unpacked to a temporary folder
    /// whose name means nothing to a reviewer).
    pub(crate) fn relabel_origins(&mut self, root: &Path, label: &str) {
        let root = root.display().to_string();
        for (_, origin) in &mut self.submissions {
            *origin = origin.replace(&root, label);
        }
    }
}

pub(crate) async fn store(store: &Store, prepared: Prepared, ctx: &WriteContext) -> ApiResult<ImportReport> {
    let batch: Vec<NewSubmission<'_>> = prepared
        .submissions
        .iter()
        .map(|(content, origin)| NewSubmission { content, origin: origin.clone() })
        .collect();
    let outcomes = store.insert_submissions(&batch, ctx).await?;
    let items = prepared
        .submissions
        .iter()
        .zip(outcomes)
        .map(|((content, origin), outcome)| ImportedItem {
            id: content.id.to_string(),
            short_id: content.id.short().to_owned(),
            title: content.manifest.title.clone(),
            origin: origin.clone(),
            status: match outcome {
                Inserted::New => ImportStatus::New,
                Inserted::AlreadyPresent => ImportStatus::AlreadyPresent,
            },
        })
        .collect();
    Ok(ImportReport { items, skipped_findings: prepared.skipped, notes: prepared.notes })
}

fn origin(kind: InputKind, path: &Path) -> String {
    let what = match kind {
        InputKind::BundleFolder => "folder",
        InputKind::BundleZip => "zip",
        InputKind::BundleTarGz => "tar.gz",
        InputKind::AarStorage => "aar export",
        InputKind::AarForum => "aar forum",
    };
    format!("{what} {}", path.display())
}
