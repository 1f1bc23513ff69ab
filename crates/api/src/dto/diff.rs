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
    /// The sha256 of the older side's bytes (none for an added file). With `new_digest` it keys
    /// the reviewer's "viewed" mark, so a mark lapses when either side changes (as on GitHub).
    pub old_digest: Option<String>,
    /// The sha256 of the newer side's bytes (none for a deleted file).
    pub new_digest: Option<String>,
    /// The highlighter's language for the file (as `FileContent::language`).
    pub language: String,
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
    /// The line's text in pieces; `emphasized` pieces are the words that changed. Only a changed
    /// line paired with a similar one (`paired_with`) has emphasised pieces; a rewritten line is
    /// one plain piece.
    pub segments: Vec<Segment>,
    /// A deleted or inserted line compared word by word with a similar line on the other side:
    /// that line's number (new for a deleted line, old for an inserted one). A side-by-side view
    /// puts the two on one row.
    pub paired_with: Option<u32>,
    /// A line of a block that moved unchanged: where it went or came from.
    pub moved: Option<LineMove>,
}

/// Where a moved line's counterpart is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineMove {
    /// For a deleted line the new line it became ("moved to"), for an inserted line the old line
    /// it was ("moved from").
    pub line: u32,
    /// The counterpart's file when the block moved between files (its new path for "moved to",
    /// its old path for "moved from"); none within a file.
    pub path: Option<String>,
    /// The line opens its block: front ends label the block once, here.
    pub block_start: bool,
    /// Lines in the whole block.
    pub block_lines: u32,
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
