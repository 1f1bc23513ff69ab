//! Recognising an input path and reading a submission bundle from it.

use std::fs;
use std::path::Path;

use aar_domain::{BundleContent, BundlePath};
use aar_review_schemas::bundle::{
    MANIFEST_FILE_NAME, READABLE_SUBMISSION_SCHEMA_VERSIONS, SubmissionManifest,
};

use crate::error::{BundleError, Problem, json_problem};
use crate::fs_safe::{self, Links};
use crate::tree::{self, Limits, Tree};

/// What an input path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    BundleFolder,
    BundleZip,
    BundleTarGz,
    /// The AAR system's code storage: a folder holding `ideas/<uid>/<run>/commits/<commit>/`.
    AarStorage,
    /// The AAR system's forum export: `{"findings": [...]}`.
    AarForum,
}

/// Recognises an input by its shape, not by trusting its name alone: archives by their magic
/// bytes, JSON exports by their top-level key.
///
/// The path itself may be a link (the user named it), followed only to a regular file or
/// folder: a FIFO, socket or device is refused, and never opened in a way that could block.
pub fn detect(path: &Path) -> Result<InputKind, BundleError> {
    let fail = |p: Problem| BundleError::new(path, p);
    let shown = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| fail(e.into()))?;
    if !(meta.is_dir() || meta.is_file()) {
        return Err(fail(Problem::SpecialFile { entry: shown, kind: fs_safe::kind_name(meta.file_type()) }));
    }
    if meta.is_dir() {
        if path.join(MANIFEST_FILE_NAME).is_file() {
            return Ok(InputKind::BundleFolder);
        }
        if path.join("ideas").is_dir() {
            return Ok(InputKind::AarStorage);
        }
        return Err(fail(Problem::NoManifest));
    }
    let mut head = [0u8; 4];
    let read = {
        use std::io::Read;
        // Checked again on the opened handle: the path may have been swapped since `metadata`.
        let mut file = fs_safe::open_regular(path, &shown, Links::Follow).map_err(fail)?.file;
        file.read(&mut head).map_err(|e| fail(e.into()))?
    };
    let head = &head[..read];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(InputKind::BundleZip);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(InputKind::BundleTarGz);
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name.ends_with(".json") {
        return Ok(InputKind::AarForum);
    }
    if name.ends_with(".zip") || name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        let format = if name.ends_with(".zip") { "zip" } else { "tar.gz" };
        return Err(fail(Problem::CorruptArchive {
            format,
            message: "the file does not start like one".into(),
        }));
    }
    Err(fail(Problem::UnknownInput))
}

/// Reads and validates one submission bundle (folder, `.zip` or `.tar.gz`).
pub fn read_bundle(path: &Path, limits: Limits) -> Result<BundleContent, BundleError> {
    let fail = |p: Problem| BundleError::new(path, p);
    let tree = match detect(path)? {
        InputKind::BundleFolder => {
            // Read the manifest first so only the files it names are read from disk.
            let manifest_bytes =
                tree::read_folder(path, limits, &|p| p.as_str() == MANIFEST_FILE_NAME).map_err(fail)?;
            let manifest = manifest_bytes
                .values()
                .next()
                .map(|b| parse_manifest(b))
                .ok_or_else(|| fail(Problem::NoManifest))?
                .map_err(fail)?;
            let named = named_paths(&manifest);
            tree::read_folder(path, limits, &|p| p.as_str() == MANIFEST_FILE_NAME || named.contains(p))
                .map_err(fail)?
        }
        InputKind::BundleZip => unwrap_single_folder(tree::read_zip(path, limits).map_err(fail)?),
        InputKind::BundleTarGz => unwrap_single_folder(tree::read_tar_gz(path, limits).map_err(fail)?),
        InputKind::AarStorage | InputKind::AarForum => {
            return Err(fail(Problem::Format {
                file: path.display().to_string(),
                message: "this is an AAR export, not a submission bundle".into(),
            }));
        }
    };
    content_from_tree(&tree).map_err(fail)
}

pub(crate) fn content_from_tree(tree: &Tree) -> Result<BundleContent, Problem> {
    let manifest_path = BundlePath::parse(MANIFEST_FILE_NAME).expect("constant path");
    let manifest_bytes = tree.get(&manifest_path).ok_or(Problem::NoManifest)?;
    let manifest = parse_manifest(manifest_bytes)?;
    Ok(BundleContent::new(manifest, manifest_bytes, tree)?)
}

/// Parses `submission.json`, checking the version before the fields: a manifest of a newer
/// version should be reported as such, not as a list of unknown fields.
fn parse_manifest(bytes: &[u8]) -> Result<SubmissionManifest, Problem> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| json_problem(MANIFEST_FILE_NAME, &e))?;
    let version = value.get("schema_version").and_then(serde_json::Value::as_u64);
    match version {
        None => {
            return Err(Problem::Format {
                file: MANIFEST_FILE_NAME.into(),
                message: "missing `schema_version` (a whole number; this build reads 1 and 2)".into(),
            });
        }
        Some(v) if !READABLE_SUBMISSION_SCHEMA_VERSIONS.iter().any(|r| u64::from(*r) == v) => {
            return Err(aar_domain::ContentError::UnsupportedSchemaVersion { found: v }.into());
        }
        Some(_) => {}
    }
    serde_json::from_slice(bytes).map_err(|e| json_problem(MANIFEST_FILE_NAME, &e))
}

fn named_paths(manifest: &SubmissionManifest) -> Vec<BundlePath> {
    std::iter::once(&manifest.method.path)
        .chain(&manifest.files)
        .chain(&manifest.logs)
        .filter_map(|p| BundlePath::parse(p).ok())
        .collect()
}

/// Archives made by zipping a folder hold `folder/submission.json`; accept that layout too.
fn unwrap_single_folder(tree: Tree) -> Tree {
    if tree.keys().any(|p| p.as_str() == MANIFEST_FILE_NAME) {
        return tree;
    }
    let mut tops = tree.keys().map(BundlePath::first_component);
    let Some(first) = tops.next().map(str::to_owned) else { return tree };
    if !tops.all(|t| t == first) {
        return tree;
    }
    tree.into_iter().filter_map(|(path, bytes)| path.strip_first_component().map(|p| (p, bytes))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_version_past_u32_is_reported_as_found() {
        let err = parse_manifest(br#"{"schema_version": 4294967297}"#).unwrap_err();
        assert!(
            matches!(
                err,
                Problem::Content(aar_domain::ContentError::UnsupportedSchemaVersion { found: 4294967297 })
            ),
            "{err}"
        );
        assert!(err.to_string().contains("schema_version 4294967297 is not supported"), "{err}");
    }
}
