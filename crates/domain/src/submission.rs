use std::collections::BTreeMap;
use std::fmt;

use aar_review_schemas::bundle::{
    Claim, MANIFEST_FILE_NAME, READABLE_SUBMISSION_SCHEMA_VERSIONS, SUBMISSION_SCHEMA_VERSION,
    SubmissionManifest,
};
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

pub use aar_review_schemas::vocab::FileRole;

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
        "{MANIFEST_FILE_NAME}: schema_version {found} is not supported (this build reads versions 1 and {SUBMISSION_SCHEMA_VERSION})"
    )]
    UnsupportedSchemaVersion { found: u64 },
    #[error("{MANIFEST_FILE_NAME}: field `{field}` {problem}")]
    InvalidField { field: String, problem: String },
    #[error("{MANIFEST_FILE_NAME}: field `{field}` has {found} entries, over the limit of {limit}")]
    TooManyItems { field: String, found: usize, limit: usize },
    #[error(
        "{MANIFEST_FILE_NAME}: field `{field}` is {value}, outside -{limit}..={limit}; no real method reports such a number"
    )]
    OutOfRange { field: String, value: f64, limit: f64 },
    #[error(
        "{MANIFEST_FILE_NAME}: field `parent` names the submission itself (`{source_ref}`, its own `source_ref`)"
    )]
    OwnParent { source_ref: String },
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

        let id = SubmissionId::of_listing(files.iter().map(|f| (f.role, f.path.as_str(), &f.digest)));
        Ok(BundleContent { manifest, files, id })
    }

    pub fn method(&self) -> &FileEntry {
        self.files
            .iter()
            .find(|f| f.role == FileRole::Method)
            .expect("BundleContent::new always stores the method")
    }
}

impl SubmissionId {
    /// The id of a submission made of `files` as (role, path, digest): the sha256 of a listing
    /// of every file, sorted by path, so it does not depend on how the bundle was packed (folder,
    /// zip, tar.gz) or in which order. The store recomputes it from a submission's stored file
    /// rows on every read, so a row pointed at other (self-consistent) bytes is caught.
    pub fn of_listing<'a>(files: impl IntoIterator<Item = (FileRole, &'a str, &'a Digest)>) -> SubmissionId {
        let mut sorted: Vec<(FileRole, &str, &Digest)> = files.into_iter().collect();
        sorted.sort_by(|a, b| a.1.cmp(b.1));
        let mut listing = String::from("aar-review submission v1\n");
        for (role, path, digest) in sorted {
            listing.push_str(&format!("{} {} {}\n", role.as_str(), digest, path));
        }
        SubmissionId(Digest::of(listing.as_bytes()))
    }
}

fn utf8(path: &str, bytes: &[u8]) -> Result<String, ContentError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ContentError::NotUtf8 { path: path.to_owned(), offset: e.utf8_error().valid_up_to() })
}

/// Caps on the lists of one manifest. Real submissions hold a handful of claims and a forum
/// thread of tens of posts; every listing and page reads the whole manifest, so a manifest with
/// hundreds of thousands of entries would slow every later screen, not just its own import.
pub const MAX_CLAIMS: usize = 256;
/// Most forum posts one submission may carry (an AAR snapshot's findings become its posts).
pub const MAX_POSTS: usize = 1000;
/// Most comments under one post.
pub const MAX_COMMENTS_PER_POST: usize = 1000;
/// Most seeds, and most per-seed results, of one claim (real claims average over 3-10 seeds).
pub const MAX_SEEDS_PER_CLAIM: usize = 1000;
/// Largest magnitude of a reported PGR, its standard error or a per-seed PGR. PGR is 1 when the
/// student matches the ceiling; a tiny weak-to-ceiling gap can push an honest value to tens or
/// hundreds, so the bound only refuses numbers that are no measurement at all (e.g. 1e308).
pub const MAX_PGR_MAGNITUDE: f64 = 1000.0;

fn at_most<T>(field: impl Into<String>, items: &[T], limit: usize) -> Result<(), ContentError> {
    if items.len() > limit {
        return Err(ContentError::TooManyItems { field: field.into(), found: items.len(), limit });
    }
    Ok(())
}

fn pgr_in_range(field: impl Into<String>, value: f64) -> Result<(), ContentError> {
    if value.abs() > MAX_PGR_MAGNITUDE {
        return Err(ContentError::OutOfRange { field: field.into(), value, limit: MAX_PGR_MAGNITUDE });
    }
    Ok(())
}

fn validate_manifest(m: &SubmissionManifest) -> Result<(), ContentError> {
    if !READABLE_SUBMISSION_SCHEMA_VERSIONS.contains(&m.schema_version) {
        return Err(ContentError::UnsupportedSchemaVersion { found: u64::from(m.schema_version) });
    }
    for (field, value) in [("title", &m.title), ("author", &m.author)] {
        if value.trim().is_empty() {
            return Err(ContentError::field(field, "is empty"));
        }
    }
    Timestamp::parse(&m.created_at).map_err(|e| ContentError::field("created_at", e.to_string()))?;
    if let (Some(parent), Some(source_ref)) = (&m.parent, &m.source_ref)
        && parent == source_ref
    {
        return Err(ContentError::OwnParent { source_ref: source_ref.clone() });
    }
    at_most("claims", &m.claims, MAX_CLAIMS)?;
    at_most("posts", &m.posts, MAX_POSTS)?;
    for (i, claim) in m.claims.iter().enumerate() {
        validate_claim(i, claim)?;
    }
    for (i, post) in m.posts.iter().enumerate() {
        at_most(format!("posts[{i}].comments"), &post.comments, MAX_COMMENTS_PER_POST)?;
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
    pgr_in_range(at("pgr"), c.pgr)?;
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
    if let Some(se) = c.pgr_se {
        pgr_in_range(at("pgr_se"), se)?;
    }
    at_most(at("seeds"), &c.seeds, MAX_SEEDS_PER_CLAIM)?;
    at_most(at("per_seed"), &c.per_seed, MAX_SEEDS_PER_CLAIM)?;
    for (k, result) in c.per_seed.iter().enumerate() {
        if !result.pgr.is_finite() {
            return Err(ContentError::field(at(&format!("per_seed[{k}].pgr")), "is not a finite number"));
        }
        pgr_in_range(at(&format!("per_seed[{k}].pgr")), result.pgr)?;
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

    fn claim() -> Claim {
        serde_json::from_str(r#"{"task":"digits","pgr":0.3,"seeds":[42]}"#).unwrap()
    }

    fn post() -> aar_review_schemas::bundle::ForumPost {
        serde_json::from_str(r#"{"author":"a","created_at":"2026-04-14T09:30:00Z","title":"t","body":"b"}"#)
            .unwrap()
    }

    fn refusal(m: SubmissionManifest) -> ContentError {
        let avail = files(&[("method.rhai", b"x"), ("notes.md", b"n")]);
        BundleContent::new(m, b"{}", &avail).unwrap_err()
    }

    fn too_many(field: &str, found: usize, limit: usize) -> ContentError {
        ContentError::TooManyItems { field: field.into(), found, limit }
    }

    #[test]
    fn too_many_claims_are_refused() {
        let mut m = manifest();
        m.claims = vec![claim(); 257];
        let err = refusal(m);
        assert_eq!(err, too_many("claims", 257, 256));
        assert!(err.to_string().contains("field `claims` has 257 entries, over the limit of 256"), "{err}");
    }

    #[test]
    fn too_many_posts_or_comments_are_refused() {
        let mut m = manifest();
        m.posts = vec![post(); 1001];
        assert_eq!(refusal(m), too_many("posts", 1001, 1000));

        let mut m = manifest();
        let mut p = post();
        let comment =
            serde_json::from_str(r#"{"author":"a","created_at":"2026-04-14T09:30:00Z","body":"b"}"#).unwrap();
        p.comments = vec![comment; 1001];
        m.posts.push(p);
        assert_eq!(refusal(m), too_many("posts[0].comments", 1001, 1000));
    }

    #[test]
    fn too_many_seeds_or_per_seed_results_are_refused() {
        let mut m = manifest();
        let mut c = claim();
        c.seeds = (0..1001).collect();
        m.claims.push(c);
        assert_eq!(refusal(m), too_many("claims[0].seeds", 1001, 1000));

        let mut m = manifest();
        let mut c = claim();
        let result: aar_review_schemas::bundle::SeedResult =
            serde_json::from_str(r#"{"seed":1,"pgr":0.3}"#).unwrap();
        c.per_seed = vec![result; 1001];
        m.claims.push(c);
        assert_eq!(refusal(m), too_many("claims[0].per_seed", 1001, 1000));
    }

    #[test]
    fn absurd_pgr_magnitudes_are_refused() {
        for (field, set) in [
            ("claims[0].pgr", (|c: &mut Claim| c.pgr = 1e308) as fn(&mut Claim)),
            ("claims[0].pgr", |c: &mut Claim| c.pgr = -1001.0),
            ("claims[0].pgr_se", |c: &mut Claim| c.pgr_se = Some(1e308)),
            ("claims[0].per_seed[0].pgr", |c: &mut Claim| {
                c.per_seed = vec![serde_json::from_str(r#"{"seed":1,"pgr":1e308}"#).unwrap()]
            }),
        ] {
            let mut m = manifest();
            let mut c = claim();
            set(&mut c);
            m.claims.push(c);
            let err = refusal(m);
            assert!(
                matches!(&err, ContentError::OutOfRange { field: f, limit: 1000.0, .. } if f == field),
                "{err}"
            );
            assert!(err.to_string().contains("outside -1000..=1000"), "{err}");
        }
        // The bound itself is still a (strange but) valid claim.
        let mut m = manifest();
        let mut c = claim();
        c.pgr = -1000.0;
        m.claims.push(c);
        let avail = files(&[("method.rhai", b"x"), ("notes.md", b"n")]);
        assert!(BundleContent::new(m, b"{}", &avail).is_ok());
    }

    #[test]
    fn a_submission_cannot_be_its_own_parent() {
        let mut m = manifest();
        m.source_ref = Some("b84c2f6d".into());
        m.parent = Some("b84c2f6d".into());
        let err = refusal(m);
        assert_eq!(err, ContentError::OwnParent { source_ref: "b84c2f6d".into() });
        assert!(err.to_string().contains("field `parent` names the submission itself"), "{err}");
    }
}
