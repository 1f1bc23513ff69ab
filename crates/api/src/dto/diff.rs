//! A comparison of two submissions, file by file, hunk by hunk.

use aar_review_schemas::vocab::FileRole;
use serde::Serialize;
use ts_rs::TS;

use super::SubmissionRef;

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
    pub role: FileRole,
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
