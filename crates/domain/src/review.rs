//! A submission's review status and whose turn it is, derived from what the database counts.
//!
//! The counting (which votes are live, which are stale, whose veto stands) is done once, by the
//! database's `review_state` view, because the database also enforces the rules with it; this
//! module only turns those counts into the status every front end shows.

use aar_review_schemas::review::{Label, ReviewStatus, Role};

/// What a submission's status follows from, as the store's `review_state` view counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewTally {
    /// Live (not stale) Review +2 votes.
    pub approvals: u32,
    /// Reviewers whose newest Review vote on this submission or an earlier version is −2.
    pub vetoes: u32,
    /// Live Verified −1 votes.
    pub verified_failures: u32,
    /// Votes (live or stale) and comments recorded.
    pub records: u32,
    /// Live sign-offs.
    pub sign_offs: u32,
}

/// Gerrit's rule: a veto rejects; otherwise a lead's sign-off ends the review; otherwise a live
/// +2 with no failed Verified approves.
pub fn status(t: &ReviewTally) -> ReviewStatus {
    if t.vetoes > 0 {
        ReviewStatus::Rejected
    } else if t.sign_offs > 0 {
        ReviewStatus::SignedOff
    } else if t.approvals > 0 && t.verified_failures == 0 {
        ReviewStatus::Approved
    } else if t.records > 0 {
        ReviewStatus::InReview
    } else {
        ReviewStatus::New
    }
}

/// Whose turn it is on one submission, for one reviewer (the queue's "needs my vote" and "needs
/// a lead").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attention {
    /// Undecided, and this reviewer has no live Review vote on it.
    pub needs_my_vote: bool,
    /// Approved and waiting for a sign-off, and this reviewer is a lead who could give it (not
    /// the only approver).
    pub needs_lead: bool,
}

/// A live vote, as far as attention cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveVote<'a> {
    pub label: Label,
    pub value: i8,
    pub author: &'a str,
}

pub fn attention(status: ReviewStatus, live: &[LiveVote<'_>], me: &str, my_role: Role) -> Attention {
    let voted = live.iter().any(|v| v.label == Label::Review && v.author == me && v.value != 0);
    let approved_by_other = live.iter().any(|v| v.label == Label::Review && v.value == 2 && v.author != me);
    Attention {
        needs_my_vote: matches!(status, ReviewStatus::New | ReviewStatus::InReview) && !voted,
        needs_lead: status == ReviewStatus::Approved && my_role == Role::Lead && approved_by_other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(
        approvals: u32,
        vetoes: u32,
        verified_failures: u32,
        records: u32,
        sign_offs: u32,
    ) -> ReviewTally {
        ReviewTally { approvals, vetoes, verified_failures, records, sign_offs }
    }

    #[test]
    fn status_follows_gerrit() {
        assert_eq!(status(&tally(0, 0, 0, 0, 0)), ReviewStatus::New);
        assert_eq!(status(&tally(0, 0, 0, 2, 0)), ReviewStatus::InReview);
        assert_eq!(status(&tally(1, 0, 0, 1, 0)), ReviewStatus::Approved);
        // A failed Verified holds an approval back; a veto overrides everything, a sign-off too.
        assert_eq!(status(&tally(1, 0, 1, 2, 0)), ReviewStatus::InReview);
        assert_eq!(status(&tally(1, 1, 0, 2, 0)), ReviewStatus::Rejected);
        assert_eq!(status(&tally(1, 0, 0, 2, 1)), ReviewStatus::SignedOff);
        assert_eq!(status(&tally(1, 1, 0, 3, 1)), ReviewStatus::Rejected);
    }

    #[test]
    fn attention_asks_for_my_vote_until_i_vote_and_for_a_lead_once_approved() {
        let bob_plus2 = LiveVote { label: Label::Review, value: 2, author: "bob" };
        let alice_plus1 = LiveVote { label: Label::Review, value: 1, author: "alice" };
        let a = attention(ReviewStatus::New, &[], "alice", Role::Reviewer);
        assert!(a.needs_my_vote && !a.needs_lead);
        let a = attention(ReviewStatus::InReview, &[alice_plus1], "alice", Role::Reviewer);
        assert!(!a.needs_my_vote);
        let a = attention(ReviewStatus::Approved, &[bob_plus2], "carol", Role::Lead);
        assert!(a.needs_lead && !a.needs_my_vote);
        // The approver cannot sign off their own +2, and a reviewer never signs off.
        assert!(!attention(ReviewStatus::Approved, &[bob_plus2], "bob", Role::Lead).needs_lead);
        assert!(!attention(ReviewStatus::Approved, &[bob_plus2], "dan", Role::Reviewer).needs_lead);
    }
}
