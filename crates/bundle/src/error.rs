use std::io;
use std::path::{Path, PathBuf};

use aar_domain::{BundlePathError, ContentError};

/// An input that could not be imported, with the input it came from.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", input.display())]
pub struct BundleError {
    pub input: PathBuf,
    pub problem: Problem,
}

/// What is wrong with an input. Every message names the file (or archive entry) at fault.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("`{path}`: {source}")]
    IoAt { path: String, source: io::Error },
    #[error("entry `{entry}` has an unsafe path: {source}")]
    UnsafePath { entry: String, source: BundlePathError },
    #[error("`{entry}` is a link; an import may hold only regular files and folders")]
    Link { entry: String },
    /// A FIFO, socket or device (`kind` says which), refused before it is read or waited on.
    #[error("`{entry}` is a {kind}; an import may hold only regular files and folders")]
    SpecialFile { entry: String, kind: &'static str },
    #[error("`{entry}` is {size} bytes, over the limit of {limit} bytes for one file")]
    FileTooLarge { entry: String, size: u64, limit: u64 },
    #[error(
        "unpacks to more than {limit} bytes in all (stopped at `{entry}`); refusing a possible archive bomb"
    )]
    TotalTooLarge { entry: String, limit: u64 },
    #[error("`{entry}` expands {ratio}x its packed size (limit {limit}x); refusing a possible zip bomb")]
    CompressionRatio { entry: String, ratio: u64, limit: u64 },
    /// A gzip stream (tar.gz) unpacking to more than `limit` times the bytes read, so far.
    #[error(
        "the gzip stream expands {ratio}x its packed size by `{entry}` (limit {limit}x); refusing a possible archive bomb"
    )]
    StreamCompressionRatio { entry: String, ratio: u64, limit: u64 },
    #[error("more than {limit} entries; refusing a possible archive bomb")]
    TooManyEntries { limit: usize },
    /// [`crate::Limits::max_export_read_bytes`]: the AAR export as a whole reads too much.
    #[error(
        "the export reads more than {limit} bytes from disk in all (stopped at `{entry}`); refusing a possible archive bomb"
    )]
    ExportReadTooLarge { entry: String, limit: u64 },
    /// [`crate::Limits::max_export_unpacked_bytes`]: the export's workspaces unpack to too much.
    #[error(
        "the export's workspaces unpack to more than {limit} bytes in all (stopped at `{entry}`); refusing a possible archive bomb"
    )]
    ExportUnpackedTooLarge { entry: String, limit: u64 },
    /// [`crate::Limits::max_export_entries`]: too many folders and archive entries in all.
    #[error(
        "the export holds more than {limit} entries in all (stopped at `{entry}`); refusing a possible archive bomb"
    )]
    ExportTooManyEntries { entry: String, limit: usize },
    #[error("`{entry}` appears twice")]
    DuplicateEntry { entry: String },
    #[error("not a valid {format} archive: {message}")]
    CorruptArchive { format: &'static str, message: String },
    #[error("no submission.json at the top of the bundle (nor inside a single top-level folder)")]
    NoManifest,
    #[error("`{file}` is not valid JSON: {message} (line {line}, column {column})")]
    Json { file: String, message: String, line: usize, column: usize },
    #[error("`{file}`: {message}")]
    Format { file: String, message: String },
    #[error("{0}")]
    Content(#[from] ContentError),
    #[error(
        "not something AAR Review imports: expected a bundle folder (with submission.json), a .zip or .tar.gz bundle, an AAR code storage folder (with ideas/), or an AAR forum export (.json with \"findings\")"
    )]
    UnknownInput,
    #[error(
        "an AAR forum export needs its code storage: import the folder holding `ideas/` too (put findings.json inside it, or name both paths in one import)"
    )]
    ForumWithoutStorage,
}

impl BundleError {
    pub fn new(input: &Path, problem: impl Into<Problem>) -> BundleError {
        BundleError { input: input.to_owned(), problem: problem.into() }
    }
}

pub(crate) fn json_problem(file: &str, e: &serde_json::Error) -> Problem {
    // serde's messages carry " at line L column C"; the position goes in our own fields.
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    Problem::Json { file: file.to_owned(), message, line: e.line(), column: e.column() }
}
