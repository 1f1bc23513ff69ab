use std::collections::BTreeMap;
use std::fmt;

use aar_review_schemas::bundle::{Claim, MANIFEST_FILE_NAME, SUBMISSION_SCHEMA_VERSION, SubmissionManifest};
use serde::{Deserialize, Serialize};

use crate::{BundlePath, BundlePathError, Digest, Timestamp};

/// A submission's id: the sha256 of its manifest bytes and of every file it names (see
/// [`BundleContent::id`]). Equal ids mean byte-identical submissions, so the id a reviewer signs
/// off pins exactly the code that is re-run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubmissionId(pub Digest);

impl SubmissionId {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn short(&self) -> &str {
        self.0.short()
    }
}

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a file is to the submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// The `submission.json` itself.
    Manifest,
    /// The executable method: the bytes a re-run executes.
    Method,
    /// Other source, for context only.
    Source,
    /// Logs the author attached.
    Log,
}

impl FileRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FileRole::Manifest => "manifest",
            FileRole::Method => "method",
            FileRole::Source => "source",
            FileRole::Log => "log",
        }
    }

    pub fn parse(text: &str) -> Option<FileRole> {
        [FileRole::Manifest, FileRole::Method, FileRole::Source, FileRole::Log]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

/// One stored file of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: BundlePath,
    pub role: FileRole,
    pub digest: Digest,
    /// UTF-8 text: reviewers read every file, so binary files are refused at import.
    pub text: String,
}

/// A validated submission: its manifest, the exact manifest bytes, and every file it names.
#[derive(Debug, Clone)]
pub struct BundleContent {
    pub manifest: SubmissionManifest,
    pub files: Vec<FileEntry>,
    pub id: SubmissionId,
}

/// Why a bundle's content is not a valid submission. Each variant names the file or field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContentError {
    #[error(
        "{MANIFEST_FILE_NAME}: schema_version {found} is not supported (this build reads version {SUBMISSION_SCHEMA_VERSION})"
    )]
    UnsupportedSchemaVersion { found: u32 },
    #[error("{MANIFEST_FILE_NAME}: field `{field}` {problem}")]
    InvalidField { field: String, problem: String },
    #[error("{MANIFEST_FILE_NAME}: {role} file `{path}` is named but not in the bundle")]
    MissingFile { path: String, role: &'static str },
    #[error("{MANIFEST_FILE_NAME}: `{path}` is named twice")]
    DuplicatePath { path: String },
    #[error("{MANIFEST_FILE_NAME}: bad path: {0}")]
    BadPath(#[from] BundlePathError),
    #[error("{path}: not UTF-8 text (invalid byte at offset {offset}); only text files can be reviewed")]
    NotUtf8 { path: String, offset: usize },
}

impl ContentError {
    fn field(field: impl Into<String>, problem: impl Into<String>) -> ContentError {
        ContentError::InvalidField { field: field.into(), problem: problem.into() }
    }
}

impl BundleContent {
    /// Validates `manifest` against the files of a bundle and computes the submission id.
    ///
    /// `manifest_bytes` are the exact bytes of `submission.json`; `available` maps every file
    /// found in the bundle to its bytes. Files the manifest does not name are not imported.
    pub fn new(
        manifest: SubmissionManifest,
        manifest_bytes: &[u8],
        available: &BTreeMap<BundlePath, Vec<u8>>,
    ) -> Result<BundleContent, ContentError> {
        validate_manifest(&manifest)?;

        let mut named: Vec<(BundlePath, FileRole)> = Vec::new();
        named.push((BundlePath::parse(&manifest.method.path)?, FileRole::Method));
        for path in &manifest.files {
            named.push((BundlePath::parse(path)?, FileRole::Source));
        }
        for path in &manifest.logs {
            named.push((BundlePath::parse(path)?, FileRole::Log));
        }

        let mut files = vec![FileEntry {
            path: BundlePath::parse(MANIFEST_FILE_NAME).expect("a constant valid path"),
            role: FileRole::Manifest,
            digest: Digest::of(manifest_bytes),
            text: utf8(MANIFEST_FILE_NAME, manifest_bytes)?,
        }];
        for (path, role) in named {
            if files.iter().any(|f| f.path == path) {
                return Err(ContentError::DuplicatePath { path: path.to_string() });
            }
            let bytes = available
                .get(&path)
                .ok_or_else(|| ContentError::MissingFile { path: path.to_string(), role: role.as_str() })?;
            files.push(FileEntry {
                digest: Digest::of(bytes),
                text: utf8(path.as_str(), bytes)?,
                path,
                role,
            });
        }

        let id = content_id(&files);
        Ok(BundleContent { manifest, files, id })
    }

    pub fn method(&self) -> &FileEntry {
        self.files
            .iter()
            .find(|f| f.role == FileRole::Method)
            .expect("BundleContent::new always stores the method")
    }
}

/// The id is the sha256 of a listing of every file (role, path, digest), sorted by path, so it
/// does not depend on how the bundle was packed (folder, zip, tar.gz) or in which order.
fn content_id(files: &[FileEntry]) -> SubmissionId {
    let mut sorted: Vec<&FileEntry> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut listing = String::from("aar-review submission v1\n");
    for file in sorted {
        listing.push_str(&format!("{} {} {}\n", file.role.as_str(), file.digest, file.path));
    }
    SubmissionId(Digest::of(listing.as_bytes()))
}

fn utf8(path: &str, bytes: &[u8]) -> Result<String, ContentError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ContentError::NotUtf8 { path: path.to_owned(), offset: e.utf8_error().valid_up_to() })
}

fn validate_manifest(m: &SubmissionManifest) -> Result<(), ContentError> {
    if m.schema_version != SUBMISSION_SCHEMA_VERSION {
        return Err(ContentError::UnsupportedSchemaVersion { found: m.schema_version });
    }
    for (field, value) in [("title", &m.title), ("author", &m.author)] {
        if value.trim().is_empty() {
            return Err(ContentError::field(field, "is empty"));
        }
    }
    Timestamp::parse(&m.created_at).map_err(|e| ContentError::field("created_at", e.to_string()))?;
    for (i, claim) in m.claims.iter().enumerate() {
        validate_claim(i, claim)?;
    }
    for (i, post) in m.posts.iter().enumerate() {
        Timestamp::parse(&post.created_at)
            .map_err(|e| ContentError::field(format!("posts[{i}].created_at"), e.to_string()))?;
        for (j, comment) in post.comments.iter().enumerate() {
            Timestamp::parse(&comment.created_at).map_err(|e| {
                ContentError::field(format!("posts[{i}].comments[{j}].created_at"), e.to_string())
            })?;
        }
    }
    Ok(())
}

fn validate_claim(i: usize, c: &Claim) -> Result<(), ContentError> {
    let at = |name: &str| format!("claims[{i}].{name}");
    if c.task.trim().is_empty() {
        return Err(ContentError::field(at("task"), "is empty"));
    }
    if !c.pgr.is_finite() {
        return Err(ContentError::field(at("pgr"), "is not a finite number"));
    }
    let accuracies =
        [("weak_acc", c.weak_acc), ("ceiling_acc", c.ceiling_acc), ("student_acc", c.student_acc)];
    for (name, value) in accuracies {
        if let Some(v) = value
            && !(0.0..=1.0).contains(&v)
        {
            return Err(ContentError::field(at(name), format!("is {v}, outside 0..=1")));
        }
    }
    if let Some(se) = c.pgr_se
        && !(se.is_finite() && se >= 0.0)
    {
        return Err(ContentError::field(at("pgr_se"), format!("is {se}, not a standard error")));
    }
    if c.seeds.is_empty() {
        return Err(ContentError::field(at("seeds"), "is empty: a claim must name its seeds"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> SubmissionManifest {
        serde_json::from_str(
            r#"{"schema_version":1,"title":"Naive","author":"aar-1","created_at":"2026-04-14T09:30:00Z",
                "hypothesis":"h","description":"d","method":{"path":"method.rhai","language":"rhai"},
                "files":["notes.md"]}"#,
        )
        .unwrap()
    }

    fn files(pairs: &[(&str, &[u8])]) -> BTreeMap<BundlePath, Vec<u8>> {
        pairs.iter().map(|(p, b)| (BundlePath::parse(p).unwrap(), b.to_vec())).collect()
    }

    #[test]
    fn id_depends_on_every_byte_and_not_on_order() {
        let avail = files(&[("method.rhai", b"fn targets(ctx) {}"), ("notes.md", b"n")]);
        let a = BundleContent::new(manifest(), b"{}", &avail).unwrap();
        let b = BundleContent::new(manifest(), b"{}", &avail).unwrap();
        assert_eq!(a.id, b.id);
        let changed = files(&[("method.rhai", b"fn targets(ctx) { }"), ("notes.md", b"n")]);
        let c = BundleContent::new(manifest(), b"{}", &changed).unwrap();
        assert_ne!(a.id, c.id, "one changed byte of the method must change the id");
        assert_eq!(a.method().text, "fn targets(ctx) {}");
    }

    #[test]
    fn missing_named_file_is_reported_with_its_path() {
        let avail = files(&[("method.rhai", b"x")]);
        let err = BundleContent::new(manifest(), b"{}", &avail).unwrap_err();
        assert_eq!(err, ContentError::MissingFile { path: "notes.md".into(), role: "source" });
    }

    #[test]
    fn non_utf8_file_is_refused() {
        let avail = files(&[("method.rhai", b"ok"), ("notes.md", b"ab\xffcd")]);
        let err = BundleContent::new(manifest(), b"{}", &avail).unwrap_err();
        assert_eq!(err, ContentError::NotUtf8 { path: "notes.md".into(), offset: 2 });
    }

    #[test]
    fn unknown_schema_version_is_refused() {
        let mut m = manifest();
        m.schema_version = 7;
        let err = BundleContent::new(m, b"{}", &BTreeMap::new()).unwrap_err();
        assert!(err.to_string().contains("schema_version 7"), "{err}");
    }

    #[test]
    fn claims_outside_ranges_are_refused() {
        let mut m = manifest();
        m.claims
            .push(serde_json::from_str(r#"{"task":"digits","pgr":0.3,"weak_acc":57,"seeds":[42]}"#).unwrap());
        let avail = files(&[("method.rhai", b"x"), ("notes.md", b"n")]);
        let err = BundleContent::new(m, b"{}", &avail).unwrap_err();
        assert!(err.to_string().contains("claims[0].weak_acc"), "{err}");
    }
}
