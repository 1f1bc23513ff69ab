//! The review workflow: votes, sign-offs, blind reviews, comments and flag judgements.
//!
//! The rules are the database's (see `aar-store`'s review migration); this module resolves what
//! a front end names (an id prefix, a file line, a check) into what the store records, masks
//! votes during a blind review, and places comment threads in the version being read.

use std::collections::BTreeMap;

use aar_domain::SubmissionId;
use aar_domain::review::{LiveVote, ReviewTally, attention, status};
use aar_review_schemas::review::{Comment, CommentAnchor, ReviewRule, ReviewStatus, Role, Vote};
use aar_store::{NewComment, NewVote, Store};
use similar::{DiffOp, TextDiff};

use crate::dto::*;
use crate::{Api, ApiError, ApiResult};

/// Whether `me` sees others' votes on a submission: not while a lead's blind-review request
/// stands and `me` (not a lead) has not voted since it was made.
fn blinded(requested_at: Option<&str>, my_last_vote: Option<&str>, role: Role) -> bool {
    match requested_at {
        Some(asked) => role != Role::Lead && my_last_vote.is_none_or(|voted| voted < asked),
        None => false,
    }
}

/// The queue's review column for one submission, as `me` sees it.
fn summarise(
    tally: &ReviewTally,
    live: &[LiveVote<'_>],
    me: &str,
    role: Role,
    blind: bool,
    others_voted: bool,
) -> ReviewSummary {
    let real = status(tally);
    let attention = attention(real, live, me, role);
    let blind = blind && others_voted;
    // A blinded reviewer would read the others' votes off an approved or rejected status.
    let shown = if blind && real != ReviewStatus::SignedOff { ReviewStatus::InReview } else { real };
    ReviewSummary {
        status: shown,
        needs_my_vote: attention.needs_my_vote,
        needs_lead: attention.needs_lead,
        blind,
    }
}

/// Every submission's review summary for one reviewer, loaded at once for lists.
pub(crate) struct Reviews {
    by_id: BTreeMap<String, ReviewSummary>,
}

impl Reviews {
    pub(crate) async fn load(store: &Store, me: &str, role: Role) -> ApiResult<Reviews> {
        let tallies = store.review_tallies().await?;
        let votes = store.vote_briefs().await?;
        let blind = store.blind_requests().await?;
        let mut live_by: BTreeMap<&str, Vec<LiveVote<'_>>> = BTreeMap::new();
        let mut my_last: BTreeMap<&str, &str> = BTreeMap::new();
        let mut others_voted: std::collections::BTreeSet<&str> = Default::default();
        for v in &votes {
            if v.live {
                live_by.entry(v.submission_id.as_str()).or_default().push(LiveVote {
                    label: v.label,
                    value: v.value,
                    author: &v.author,
                });
            }
            if v.author != me {
                others_voted.insert(v.submission_id.as_str());
            } else {
                let last = my_last.entry(v.submission_id.as_str()).or_insert(v.cast_at.as_str());
                *last = (*last).max(v.cast_at.as_str());
            }
        }
        let by_id = tallies
            .iter()
            .map(|(id, tally)| {
                let live = live_by.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
                let blind =
                    blinded(blind.get(id).map(String::as_str), my_last.get(id.as_str()).copied(), role);
                let others = others_voted.contains(id.as_str());
                (id.clone(), summarise(tally, live, me, role, blind, others))
            })
            .collect();
        Ok(Reviews { by_id })
    }

    /// What a submission nobody has reviewed shows (also the value a summary starts from
    /// before [`Reviews::of`] fills it in).
    pub(crate) fn unloaded() -> ReviewSummary {
        ReviewSummary { status: ReviewStatus::New, needs_my_vote: true, needs_lead: false, blind: false }
    }

    pub(crate) fn of(&self, id: &str) -> ReviewSummary {
        self.by_id.get(id).copied().unwrap_or_else(Reviews::unloaded)
    }
}

/// Where line `line` (1-based) of `old` is in `new`, when it is unchanged there.
pub(crate) fn follow_line(old: &str, new: &str, line: u32) -> Option<u32> {
    let wanted = usize::try_from(line).ok()?.checked_sub(1)?;
    let diff = TextDiff::from_lines(old, new);
    diff.ops().iter().find_map(|op| match *op {
        DiffOp::Equal { old_index, new_index, len } if (old_index..old_index + len).contains(&wanted) => {
            u32::try_from(new_index + (wanted - old_index) + 1).ok()
        }
        _ => None,
    })
}

impl Api {
    /// Who is acting, with their role.
    pub async fn me(&self) -> ApiResult<Reviewer> {
        let role = self.store.role_of(&self.actor).await?;
        Ok(Reviewer { name: self.actor.clone(), role, team_mode: self.team_mode })
    }

    /// The same service acting as another reviewer (the app's settings switch who is at the
    /// keyboard). Refused in team mode, where the database login is who acts.
    pub async fn with_actor(&self, name: &str) -> ApiResult<Api> {
        if self.team_mode {
            return Err(ApiError::invalid(format!(
                "in team mode you act as the database login `{}`; connect as another login to act as someone else",
                self.actor
            )));
        }
        Ok(Api { actor: crate::validate_actor(name.to_owned())?, ..self.clone() })
    }

    /// Sets a reviewer's role (SQLite, or the PostgreSQL administrator). In team mode roles are
    /// database roles: `GRANT aar_lead TO login`.
    pub async fn set_role(&self, name: &str, role: Role) -> ApiResult<Reviewer> {
        if self.team_mode {
            return Err(ApiError::invalid(format!(
                "in team mode a role is a database role: ask the administrator to `GRANT {} TO {name}`",
                if role == Role::Lead { "aar_lead" } else { "aar_reviewer" }
            )));
        }
        let name = crate::validate_actor(name.to_owned())?;
        self.store.set_role(&name, role, &self.write_context()).await?;
        Ok(Reviewer { role: self.store.role_of(&name).await?, name, team_mode: false })
    }

    /// The reviewers with a role set, by name.
    pub async fn reviewers(&self) -> ApiResult<Vec<Reviewer>> {
        Ok(self
            .store
            .reviewers()
            .await?
            .into_iter()
            .map(|(name, role)| Reviewer { name, role, team_mode: false })
            .collect())
    }

    pub(crate) async fn reviews(&self) -> ApiResult<Reviews> {
        let role = self.store.role_of(&self.actor).await?;
        Reviews::load(&self.store, &self.actor, role).await
    }

    /// One submission's review page, as the acting reviewer may see it.
    pub async fn review(&self, id: &str) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        self.review_of(&id).await
    }

    async fn review_of(&self, id: &SubmissionId) -> ApiResult<ReviewView> {
        let me = self.me().await?;
        let row = self.store.submission(id).await?;
        let tally = self.store.review_tally(id).await?;
        let all_votes = self.store.votes_of(id).await?;
        let live: Vec<LiveVote<'_>> = all_votes
            .iter()
            .filter(|v| v.stale.is_none())
            .map(|v| LiveVote { label: v.label, value: v.value, author: &v.author })
            .collect();
        let my_last = all_votes.iter().filter(|v| v.author == me.name).map(|v| v.cast_at.as_str()).max();
        let requested = self.store.blind_review_requested(id).await?;
        let blind = blinded(requested.as_deref(), my_last, me.role);
        let others_voted = all_votes.iter().any(|v| v.author != me.name);
        let summary = summarise(&tally, &live, &me.name, me.role, blind, others_voted);
        let votes: Vec<Vote> = all_votes.iter().filter(|v| !blind || v.author == me.name).cloned().collect();
        let hidden = all_votes.len() - votes.len();
        let verification_id = self.store.latest_verifications(Some(id)).await?.first().map(|v| v.id.clone());
        Ok(ReviewView {
            submission_id: id.to_string(),
            summary,
            imported_by: row.imported_by,
            votes,
            hidden_votes: u32::try_from(hidden).unwrap_or(u32::MAX),
            sign_offs: self.store.sign_offs_of(id).await?,
            threads: self.threads(id).await?,
            flag_feedback: self.store.flag_feedback_of(id).await?,
            verification_id,
            me,
        })
    }

    /// Comment threads of a submission and its earlier versions, placed in this version.
    async fn threads(&self, id: &SubmissionId) -> ApiResult<Vec<Thread>> {
        let comments = self.store.comments_of(id).await?;
        let resolved: BTreeMap<i64, bool> =
            self.store.resolutions(id).await?.into_iter().map(|r| (r.thread_id, r.resolved)).collect();
        let (roots, replies): (Vec<Comment>, Vec<Comment>) =
            comments.into_iter().partition(|c| c.reply_to.is_none());
        let mut texts: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
        let mut threads = Vec::with_capacity(roots.len());
        for root in roots {
            let from_earlier_version = root.submission_id != id.as_str();
            let line_here = match &root.anchor {
                CommentAnchor::Line { path, line, .. } if from_earlier_version => {
                    let old = self.cached_text(&mut texts, &root.submission_id, path).await?;
                    let new = self.cached_text(&mut texts, id.as_str(), path).await?;
                    match (old, new) {
                        (Some(old), Some(new)) => follow_line(&old, &new, *line),
                        _ => None,
                    }
                }
                CommentAnchor::Line { line, .. } => Some(*line),
                _ => None,
            };
            threads.push(Thread {
                replies: replies.iter().filter(|r| r.reply_to == Some(root.id)).cloned().collect(),
                resolved: resolved.get(&root.id).copied().unwrap_or(false),
                line_here,
                from_earlier_version,
                root,
            });
        }
        Ok(threads)
    }

    /// A file's text in one version (`None` when that version has no such file), read once.
    async fn cached_text(
        &self,
        cache: &mut BTreeMap<(String, String), Option<String>>,
        submission: &str,
        path: &str,
    ) -> ApiResult<Option<String>> {
        let key = (submission.to_owned(), path.to_owned());
        if let Some(text) = cache.get(&key) {
            return Ok(text.clone());
        }
        let id = self.resolve(submission).await?;
        let text = match self.store.file_text(&id, path).await {
            Ok(text) => Some(text),
            Err(aar_store::StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        cache.insert(key, text.clone());
        Ok(text)
    }

    /// The verification a vote or sign-off is cast against: the one the reviewer read, or the
    /// newest.
    async fn evidence(&self, id: &SubmissionId, read: Option<String>) -> ApiResult<Option<String>> {
        match read {
            Some(v) => Ok(Some(v)),
            None => Ok(self.store.latest_verifications(Some(id)).await?.first().map(|v| v.id.clone())),
        }
    }

    /// Casts a Review vote, a Verified vote or both, with one rationale.
    pub async fn vote(&self, id: &str, request: VoteRequest) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        let labelled = request.labelled();
        if labelled.is_empty() {
            return Err(ApiError::invalid(
                "a vote names a Review value (-2..+2), a Verified value (-1..+1) or both",
            ));
        }
        let evidence = self.evidence(&id, request.verification_id.clone()).await?;
        let votes: Vec<NewVote<'_>> = labelled
            .iter()
            .map(|&(label, value)| NewVote {
                submission: &id,
                label,
                value,
                rationale: &request.rationale,
                verification_id: evidence.as_deref(),
            })
            .collect();
        self.store.cast_votes(&votes, &self.write_context()).await?;
        self.review_of(&id).await
    }

    /// Signs a submission off as the acting lead.
    pub async fn sign_off(
        &self,
        id: &str,
        rationale: &str,
        verification_id: Option<String>,
    ) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        let evidence = self.evidence(&id, verification_id).await?;
        self.store.sign_off(&id, rationale, evidence.as_deref(), &self.write_context()).await?;
        self.review_of(&id).await
    }

    /// Asks (as a lead) that the next reviewer vote without seeing the votes already cast.
    pub async fn request_blind_review(&self, id: &str, reason: &str) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        self.store.request_blind_review(&id, reason, &self.write_context()).await?;
        self.review_of(&id).await
    }

    /// Writes a comment on the submission, a line of one of its files, a check of its newest
    /// verification, or a reply to a thread.
    pub async fn comment(&self, id: &str, request: CommentRequest) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        let (anchor, submission, reply_to) = match request.target {
            CommentTarget::Submission => (CommentAnchor::Submission, id.clone(), None),
            CommentTarget::Line { path, line } => {
                let text = match self.store.file_text(&id, &path).await {
                    Ok(text) => text,
                    Err(aar_store::StoreError::NotFound { .. }) => {
                        return Err(ApiError::refused(
                            ReviewRule::BadAnchor,
                            format!("submission {} has no file `{path}` to comment on", id.short()),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                let count = text.lines().count();
                let Some(line_text) = usize::try_from(line)
                    .ok()
                    .and_then(|l| l.checked_sub(1))
                    .and_then(|i| text.lines().nth(i))
                else {
                    return Err(ApiError::refused(
                        ReviewRule::BadAnchor,
                        format!("`{path}` has lines 1 to {count}; there is no line {line} to comment on"),
                    ));
                };
                (CommentAnchor::Line { path, line, text: line_text.to_owned() }, id.clone(), None)
            }
            CommentTarget::Check { check } => {
                let newest = self.store.latest_verifications(Some(&id)).await?;
                let Some(v) = newest.first() else {
                    return Err(ApiError::refused(
                        ReviewRule::BadAnchor,
                        format!(
                            "submission {} has no verification whose checks could be commented on; run `verify` first",
                            id.short()
                        ),
                    ));
                };
                (CommentAnchor::Check { check, verification_id: v.id.clone() }, id.clone(), None)
            }
            CommentTarget::Reply { thread } => {
                let comments = self.store.comments_of(&id).await?;
                let root = comments.into_iter().find(|c| c.id == thread && c.reply_to.is_none()).ok_or_else(
                    || {
                        ApiError::refused(
                            ReviewRule::BadAnchor,
                            format!("submission {} has no thread {thread}", id.short()),
                        )
                    },
                )?;
                // The reply joins the thread where it was started (possibly an earlier version).
                let submission = self.resolve(&root.submission_id).await?;
                (root.anchor, submission, Some(thread))
            }
        };
        let new = NewComment { submission: &submission, reply_to, anchor: &anchor, body: &request.body };
        self.store.add_comment(&new, &self.write_context()).await?;
        self.review_of(&id).await
    }

    /// Marks a thread on `id` resolved, or open again.
    pub async fn resolve_thread(&self, id: &str, thread: i64, resolved: bool) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        if !self.store.comments_of(&id).await?.iter().any(|c| c.id == thread && c.reply_to.is_none()) {
            return Err(ApiError::refused(
                ReviewRule::BadAnchor,
                format!("submission {} has no thread {thread}", id.short()),
            ));
        }
        self.store.resolve_thread(thread, resolved, &self.write_context()).await?;
        self.review_of(&id).await
    }

    /// Judges one flagged check: a true problem or a false alarm, with the reason.
    pub async fn judge_flag(&self, id: &str, judgement: FlagJudgement) -> ApiResult<ReviewView> {
        let id = self.resolve(id).await?;
        let ours = self.store.verifications_of(&id).await?.iter().any(|v| v.id == judgement.verification_id);
        if !ours {
            return Err(ApiError::refused(
                ReviewRule::BadAnchor,
                format!("verification {} is not one of submission {}", judgement.verification_id, id.short()),
            ));
        }
        self.store
            .judge_flag(
                &judgement.verification_id,
                judgement.check,
                judgement.verdict,
                &judgement.reason,
                &self.write_context(),
            )
            .await?;
        self.review_of(&id).await
    }

    /// Each judged check's precision over every reviewed submission.
    pub async fn check_precision(&self) -> ApiResult<Vec<CheckPrecision>> {
        Ok(self
            .store
            .flag_precision()
            .await?
            .into_iter()
            .map(|t| {
                let judged = t.true_problems + t.false_alarms;
                CheckPrecision {
                    check: t.check,
                    true_problems: t.true_problems,
                    false_alarms: t.false_alarms,
                    precision: (judged > 0).then(|| f64::from(t.true_problems) / f64::from(judged)),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_followed_while_unchanged_and_lost_when_rewritten() {
        let old = "a\nb\nc\nd\n";
        let new = "new first\na\nb\nC\nd\n";
        assert_eq!(follow_line(old, new, 1), Some(2));
        assert_eq!(follow_line(old, new, 2), Some(3));
        assert_eq!(follow_line(old, new, 3), None, "line c was rewritten");
        assert_eq!(follow_line(old, new, 4), Some(5));
        assert_eq!(follow_line(old, new, 0), None);
        assert_eq!(follow_line(old, new, 9), None);
    }

    #[test]
    fn a_blind_review_hides_votes_until_i_vote_after_the_request() {
        assert!(!blinded(None, None, Role::Reviewer));
        assert!(blinded(Some("2026-12-01T10:00:00Z"), None, Role::Reviewer));
        assert!(blinded(Some("2026-12-01T10:00:00Z"), Some("2026-12-01T09:00:00Z"), Role::Reviewer));
        assert!(!blinded(Some("2026-12-01T10:00:00Z"), Some("2026-12-01T10:05:00Z"), Role::Reviewer));
        assert!(!blinded(Some("2026-12-01T10:00:00Z"), None, Role::Lead), "the lead who asked sees all");
    }

    #[test]
    fn a_blinded_reviewer_cannot_read_the_votes_off_the_status() {
        let approved = ReviewTally { approvals: 1, records: 1, ..Default::default() };
        let s = summarise(&approved, &[], "bob", Role::Reviewer, true, true);
        assert_eq!((s.status, s.blind), (ReviewStatus::InReview, true));
        let s = summarise(&approved, &[], "bob", Role::Reviewer, false, true);
        assert_eq!(s.status, ReviewStatus::Approved);
    }
}
