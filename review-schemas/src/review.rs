//! The review workflow's vocabulary and its export format: Gerrit-style votes, a lead's sign-off,
//! comments, feedback on integrity-check flags, and the file `aar-review export --format json`
//! writes.
//!
//! The rules these records obey (two-person rule, vetoes, stale votes) are enforced by the
//! database; [`ReviewRule`] names each one so a refusal can say which rule it was.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::verification::{CheckId, CheckStatus, SuggestedVote};

/// The export format version this build writes.
pub const REVIEW_EXPORT_SCHEMA_VERSION: u32 = 1;

/// A vote's label. `review` runs −2..+2 (−2 is a veto only its author can lift, +2 approves);
/// `verified` runs −1..+1 (did the independent re-run bear the claim out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Review,
    Verified,
}

impl Label {
    pub const ALL: [Label; 2] = [Label::Review, Label::Verified];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Review => "review",
            Label::Verified => "verified",
        }
    }

    pub fn parse(text: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The values a vote on this label may take; 0 withdraws an earlier vote.
    pub fn range(self) -> std::ops::RangeInclusive<i8> {
        match self {
            Label::Review => -2..=2,
            Label::Verified => -1..=1,
        }
    }

    /// How the label is written in front of a value: `Review` / `Verified`.
    pub fn title(self) -> &'static str {
        match self {
            Label::Review => "Review",
            Label::Verified => "Verified",
        }
    }
}

/// What a reviewer may do. A lead may also sign off and ask for a blind second review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Reviewer,
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Lead => "lead",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Reviewer, Role::Lead].into_iter().find(|r| r.as_str() == text)
    }
}

/// Where a submission stands, derived from its votes and sign-offs (never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Nobody has voted or commented yet.
    New,
    /// Votes or comments, but no decision.
    InReview,
    /// A live +2, no veto, no failed Verified: waiting for a lead's sign-off.
    Approved,
    /// A live −2 veto.
    Rejected,
    /// Approved and signed off by a lead other than the approver.
    SignedOff,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 5] = [
        ReviewStatus::New,
        ReviewStatus::InReview,
        ReviewStatus::Approved,
        ReviewStatus::Rejected,
        ReviewStatus::SignedOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::New => "new",
            ReviewStatus::InReview => "in_review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::SignedOff => "signed_off",
        }
    }

    /// As a person reads it: `in review`, `signed off`.
    pub fn words(self) -> &'static str {
        match self {
            ReviewStatus::New => "new",
            ReviewStatus::InReview => "in review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::SignedOff => "signed off",
        }
    }
}

/// Why a vote or sign-off no longer counts. It stays visible, marked, and counts for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StaleReason {
    /// A newer version of the submission (a child by the same author) has been imported.
    NewVersion,
    /// A verification newer than the one it was cast against suggests a different vote.
    NewVerification,
    /// The same person voted on this label again.
    Replaced,
}

impl StaleReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StaleReason::NewVersion => "new_version",
            StaleReason::NewVerification => "new_verification",
            StaleReason::Replaced => "replaced",
        }
    }

    pub fn parse(text: &str) -> Option<StaleReason> {
        [StaleReason::NewVersion, StaleReason::NewVerification, StaleReason::Replaced]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// One phrase for a list: "a newer version was imported".
    pub fn words(self) -> &'static str {
        match self {
            StaleReason::NewVersion => "a newer version was imported",
            StaleReason::NewVerification => "a newer verification suggests differently",
            StaleReason::Replaced => "replaced by a later vote",
        }
    }
}

/// A reviewer's judgement of one integrity-check flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FlagVerdict {
    TrueProblem,
    FalseAlarm,
}

impl FlagVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagVerdict::TrueProblem => "true_problem",
            FlagVerdict::FalseAlarm => "false_alarm",
        }
    }

    pub fn parse(text: &str) -> Option<FlagVerdict> {
        [FlagVerdict::TrueProblem, FlagVerdict::FalseAlarm].into_iter().find(|v| v.as_str() == text)
    }
}

/// The rules of the review workflow, by the names refusals use. The database enforces each;
/// its error names the rule, and every front end shows the sentence [`ReviewRule::explain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReviewRule {
    /// Nobody approves (+2) a submission they imported.
    SelfApproval,
    /// A sign-off needs a live +2 from someone other than the lead signing off.
    LoneSignOff,
    /// Only a lead signs off or asks for a blind review.
    NotLead,
    /// Review runs −2..+2, Verified −1..+1.
    VoteOutOfRange,
    /// Every vote, sign-off and flag judgement carries a written reason.
    MissingRationale,
    /// A live −2 blocks sign-off until its author lifts it.
    Vetoed,
    /// A live Verified −1 blocks sign-off.
    VerifiedFailed,
    /// A vote or sign-off is cast against the newest verification, not an older one.
    StaleEvidence,
    /// A submission with a newer version is not signed off; the newer version is.
    Superseded,
    /// The submission is already signed off.
    AlreadySignedOff,
    /// In team mode (PostgreSQL) a login acts as itself; a client cannot name someone else.
    Identity,
    /// Votes, sign-offs, comments and judgements are never edited or deleted, only superseded.
    AppendOnly,
    /// A reply names a thread of another submission, or a comment names a file, line or check
    /// that is not there.
    BadAnchor,
    /// In team mode only a verifier login (no person's) stores verifications and works on the
    /// verification queue; a reviewer requests one.
    NotVerifier,
    /// A team login's run or verification cannot have finished after the server's clock.
    BadTime,
    /// A verification request starts queued, keeps what was asked, and is done only with a
    /// verification of its submission.
    BadRequest,
}

impl ReviewRule {
    pub const ALL: [ReviewRule; 16] = [
        ReviewRule::SelfApproval,
        ReviewRule::LoneSignOff,
        ReviewRule::NotLead,
        ReviewRule::VoteOutOfRange,
        ReviewRule::MissingRationale,
        ReviewRule::Vetoed,
        ReviewRule::VerifiedFailed,
        ReviewRule::StaleEvidence,
        ReviewRule::Superseded,
        ReviewRule::AlreadySignedOff,
        ReviewRule::Identity,
        ReviewRule::AppendOnly,
        ReviewRule::BadAnchor,
        ReviewRule::NotVerifier,
        ReviewRule::BadTime,
        ReviewRule::BadRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewRule::SelfApproval => "self_approval",
            ReviewRule::LoneSignOff => "lone_sign_off",
            ReviewRule::NotLead => "not_lead",
            ReviewRule::VoteOutOfRange => "vote_out_of_range",
            ReviewRule::MissingRationale => "missing_rationale",
            ReviewRule::Vetoed => "vetoed",
            ReviewRule::VerifiedFailed => "verified_failed",
            ReviewRule::StaleEvidence => "stale_evidence",
            ReviewRule::Superseded => "superseded",
            ReviewRule::AlreadySignedOff => "already_signed_off",
            ReviewRule::Identity => "identity",
            ReviewRule::AppendOnly => "append_only",
            ReviewRule::BadAnchor => "bad_anchor",
            ReviewRule::NotVerifier => "not_verifier",
            ReviewRule::BadTime => "bad_time",
            ReviewRule::BadRequest => "bad_request",
        }
    }

    pub fn parse(text: &str) -> Option<ReviewRule> {
        ReviewRule::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The rule in one sentence, as a refusal states it.
    pub fn explain(self) -> &'static str {
        match self {
            ReviewRule::SelfApproval => "nobody approves (+2) a submission they imported",
            ReviewRule::LoneSignOff => {
                "a sign-off needs a live +2 from someone other than the lead signing off"
            }
            ReviewRule::NotLead => "only a reviewer with the lead role signs off or asks for a blind review",
            ReviewRule::VoteOutOfRange => "Review runs from -2 to +2 and Verified from -1 to +1",
            ReviewRule::MissingRationale => {
                "every vote, sign-off and flag judgement needs a written rationale"
            }
            ReviewRule::Vetoed => "a live -2 blocks sign-off until its author lifts it",
            ReviewRule::VerifiedFailed => "a live Verified -1 blocks sign-off",
            ReviewRule::StaleEvidence => "votes and sign-offs are cast against the newest verification",
            ReviewRule::Superseded => {
                "a submission with a newer version cannot be signed off; review the newer version"
            }
            ReviewRule::AlreadySignedOff => "the submission is already signed off",
            ReviewRule::Identity => {
                "in team mode a database login acts as itself and cannot name another reviewer"
            }
            ReviewRule::AppendOnly => "review records are never edited or deleted, only superseded",
            ReviewRule::BadAnchor => {
                "a comment must point at a file line, check or thread of the same submission"
            }
            ReviewRule::NotVerifier => {
                "in team mode a verifier login stores verifications; a reviewer requests one"
            }
            ReviewRule::BadTime => "a run or verification cannot finish after the server's clock",
            ReviewRule::BadRequest => {
                "a verification request starts queued and is done only with a verification of its submission"
            }
        }
    }
}

crate::display_as_str!(Label, Role, ReviewStatus, StaleReason, FlagVerdict, ReviewRule);

/// What a comment is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommentAnchor {
    /// The submission as a whole.
    Submission,
    /// A line of a file, in the version the comment was written on; `text` is that line, so the
    /// comment can follow it into a later version while it is unchanged.
    Line { path: String, line: u32, text: String },
    /// One check of one verification.
    Check { check: CheckId, verification_id: String },
}

/// A vote as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vote {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub submission_id: String,
    pub label: Label,
    pub value: i8,
    pub rationale: String,
    pub author: String,
    /// RFC 3339.
    pub cast_at: String,
    /// The newest verification when the vote was cast.
    pub verification_id: Option<String>,
    /// Why it no longer counts, if it does not.
    pub stale: Option<StaleReason>,
}

/// A lead's sign-off, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignOff {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub submission_id: String,
    pub lead: String,
    pub rationale: String,
    pub signed_at: String,
    pub verification_id: Option<String>,
    pub stale: Option<StaleReason>,
}

/// One comment; a thread is its first comment and the replies that name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comment {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// The submission (version) it was written on.
    pub submission_id: String,
    /// The thread's first comment, for a reply.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub reply_to: Option<i64>,
    pub anchor: CommentAnchor,
    pub body: String,
    pub author: String,
    pub written_at: String,
}

/// A reviewer's judgement of a flag: was the failed or warned check a real problem?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FlagFeedback {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub submission_id: String,
    pub verification_id: String,
    pub check: CheckId,
    pub verdict: FlagVerdict,
    pub reason: String,
    pub author: String,
    pub judged_at: String,
}

/// `aar-review export --format json`: every submission with what a lead needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewExport {
    pub schema_version: u32,
    /// RFC 3339.
    pub exported_at: String,
    pub exported_by: String,
    /// The audit chain's head when exported: keep it to detect a later rewrite of the log.
    pub audit_head: Option<String>,
    pub submissions: Vec<ExportedSubmission>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportedSubmission {
    pub id: String,
    pub title: String,
    pub author: String,
    pub imported_by: String,
    pub status: ReviewStatus,
    pub claims: Vec<crate::bundle::Claim>,
    /// The newest verification, in brief.
    pub verification: Option<ExportedVerification>,
    /// Every vote ever cast, stale ones marked; only the exporter's own while
    /// [`votes_withheld`](Self::votes_withheld).
    pub votes: Vec<Vote>,
    pub sign_offs: Vec<SignOff>,
    /// Others' votes are left out, and the status shows no more than "in review": a lead asked
    /// for a blind review and the exporter has not voted since.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub votes_withheld: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportedVerification {
    pub id: String,
    pub task: String,
    pub finished_at: String,
    pub suggestion: SuggestedVote,
    pub reason: String,
    /// Reproduced PGR on the private split (mean over seeds) with its 95% CI, when measured.
    pub reproduced_pgr: Option<f64>,
    pub reproduced_ci95: Option<[f64; 2]>,
    pub checks: Vec<ExportedCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportedCheck {
    pub id: CheckId,
    pub status: CheckStatus,
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for rule in ReviewRule::ALL {
            assert_eq!(ReviewRule::parse(rule.as_str()), Some(rule));
            assert_eq!(serde_json::to_value(rule).unwrap(), rule.as_str());
        }
        for label in Label::ALL {
            assert_eq!(Label::parse(label.as_str()), Some(label));
        }
        for status in ReviewStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn ranges_follow_gerrit() {
        assert_eq!(Label::Review.range(), -2..=2);
        assert_eq!(Label::Verified.range(), -1..=1);
    }
}
