//! The review workflow as front ends show it: a submission's status and whose turn it is, its
//! votes (masked during a blind review), sign-offs, comment threads placed in the version being
//! read, flag judgements and each check's precision.

use aar_review_schemas::review::{
    Comment, CommentAnchor, FlagFeedback, FlagVerdict, Label, ReviewStatus, Role, SignOff, Vote,
};
use aar_review_schemas::verification::CheckId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who is acting, and how identity is decided.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reviewer {
    pub name: String,
    pub role: Role,
    /// PostgreSQL team mode: the name is the database login and the role its membership, so
    /// neither can be changed from here.
    pub team_mode: bool,
}

/// What the queue shows of a submission's review, for the reviewer looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewSummary {
    pub status: ReviewStatus,
    /// Undecided and this reviewer has no live Review vote on it.
    pub needs_my_vote: bool,
    /// Approved by someone else and this reviewer is a lead who could sign it off.
    pub needs_lead: bool,
    /// A lead asked for a blind review and this reviewer has not voted since: others' votes are
    /// hidden, and the status shows as `in_review`.
    pub blind: bool,
}

/// One submission's review page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub submission_id: String,
    pub summary: ReviewSummary,
    pub me: Reviewer,
    /// Who imported it (they may not approve it).
    pub imported_by: String,
    /// Votes oldest first, stale ones marked; during a blind review only this reviewer's own.
    pub votes: Vec<Vote>,
    /// Votes not shown until this reviewer has voted (blind review).
    pub hidden_votes: u32,
    pub sign_offs: Vec<SignOff>,
    pub threads: Vec<Thread>,
    pub flag_feedback: Vec<FlagFeedback>,
    /// The newest verification, which a vote or sign-off is cast against.
    pub verification_id: Option<String>,
}

/// A comment thread as it stands in the version being read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    pub root: Comment,
    pub replies: Vec<Comment>,
    pub resolved: bool,
    /// For a line comment: the line's number in this version, or `None` when the line changed
    /// (the thread is outdated and shows where it was written).
    pub line_here: Option<u32>,
    /// Written on an earlier version of this submission.
    pub from_earlier_version: bool,
}

impl Thread {
    pub fn outdated(&self) -> bool {
        matches!(self.root.anchor, CommentAnchor::Line { .. }) && self.line_here.is_none()
    }
}

/// A vote request: a Review value, a Verified value, or both, with one rationale.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VoteRequest {
    pub review: Option<i8>,
    pub verified: Option<i8>,
    pub rationale: String,
    /// The verification the reviewer read; the newest one when absent.
    pub verification_id: Option<String>,
}

impl VoteRequest {
    pub(crate) fn labelled(&self) -> Vec<(Label, i8)> {
        [(Label::Review, self.review), (Label::Verified, self.verified)]
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| (label, v)))
            .collect()
    }
}

/// Where a new comment goes.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CommentTarget {
    Submission,
    /// A line (1-based) of a file of the submission; its text is read from the store.
    Line {
        path: String,
        line: u32,
    },
    /// A check of the newest verification.
    Check {
        check: CheckId,
    },
    /// A reply to a thread.
    Reply {
        #[ts(type = "number")]
        thread: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CommentRequest {
    pub target: CommentTarget,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlagJudgement {
    pub verification_id: String,
    pub check: CheckId,
    pub verdict: FlagVerdict,
    pub reason: String,
}

/// How often reviewers found one check's flags to be real problems.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckPrecision {
    pub check: CheckId,
    pub true_problems: u32,
    pub false_alarms: u32,
    /// true / (true + false), when anything was judged.
    pub precision: Option<f64>,
}

/// Where [`crate::Api::export_to`] wrote the export, and how much.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportSaved {
    pub path: String,
    pub bytes: u64,
}

/// Export formats of `aar-review export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
    Md,
    Html,
}
