//! The review workflow's records: votes, sign-offs, blind-review requests, comments, resolutions
//! and flag feedback.
//!
//! The rules (ranges, rationales, the two-person rule, vetoes, stale evidence, append-only) are
//! the database's triggers, in both dialects' migrations; this module writes rows, turns a
//! trigger's refusal into [`StoreError::Refused`], and appends what happened to the audit log in
//! the same transaction, with the old value and, when the status changed, a `status` entry.

use std::collections::BTreeMap;

use aar_domain::SubmissionId;
use aar_domain::review::{ReviewTally, status};
use aar_review_schemas::review::{
    Comment, CommentAnchor, FlagFeedback, FlagVerdict, Label, ReviewStatus, Role, SignOff, StaleReason, Vote,
};
use aar_review_schemas::verification::CheckId;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::{Dialect, Store, StoreError, WriteContext, audit};

/// A vote about to be cast.
#[derive(Debug, Clone)]
pub struct NewVote<'a> {
    pub submission: &'a SubmissionId,
    pub label: Label,
    pub value: i8,
    pub rationale: &'a str,
    /// The verification the reviewer read (the newest one; the database refuses an older one).
    pub verification_id: Option<&'a str>,
}

/// A comment about to be written: a new thread, or a reply to one.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub submission: &'a SubmissionId,
    pub reply_to: Option<i64>,
    pub anchor: &'a CommentAnchor,
    pub body: &'a str,
}

/// A thread's resolved flag: its newest resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub thread_id: i64,
    pub resolved: bool,
    pub author: String,
    pub at: String,
}

/// How often reviewers agreed with one check's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagTally {
    pub check: CheckId,
    pub true_problems: u32,
    pub false_alarms: u32,
}

/// A vote in brief, for the queue's "whose turn" and blind reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteBrief {
    pub submission_id: String,
    pub label: Label,
    pub value: i8,
    pub author: String,
    pub cast_at: String,
    /// Not stale: it counts.
    pub live: bool,
}

const VOTE_COLUMNS: &str =
    "id, submission_id, label, value, rationale, author, cast_at, verification_id, stale";
const SIGNOFF_COLUMNS: &str = "id, submission_id, lead, rationale, signed_at, verification_id, stale";
const COMMENT_COLUMNS: &str = "id, submission_id, reply_to, anchor_kind, path, line, line_text, check_id, \
     verification_id, body, author, written_at";
const FEEDBACK_COLUMNS: &str = "f.id, v.submission_id, f.verification_id, f.check_id, f.verdict, f.reason, \
     f.author, f.judged_at";
const TALLY_COLUMNS: &str = "submission_id, approvals, vetoes, verified_failures, records, sign_offs";

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} `{text}` in the review tables"))
}

fn stale(row: &AnyRow) -> Result<Option<StaleReason>, StoreError> {
    let text: Option<String> = row.try_get("stale")?;
    text.map(|t| StaleReason::parse(&t).ok_or_else(|| corrupt("stale reason", &t))).transpose()
}

fn small(value: i64, what: &str) -> Result<i8, StoreError> {
    i8::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

fn vote_from_row(row: &AnyRow) -> Result<Vote, StoreError> {
    let label: String = row.try_get("label")?;
    Ok(Vote {
        id: row.try_get("id")?,
        submission_id: row.try_get("submission_id")?,
        label: Label::parse(&label).ok_or_else(|| corrupt("label", &label))?,
        value: small(row.try_get("value")?, "vote value")?,
        rationale: row.try_get("rationale")?,
        author: row.try_get("author")?,
        cast_at: row.try_get("cast_at")?,
        verification_id: row.try_get("verification_id")?,
        stale: stale(row)?,
    })
}

fn signoff_from_row(row: &AnyRow) -> Result<SignOff, StoreError> {
    Ok(SignOff {
        id: row.try_get("id")?,
        submission_id: row.try_get("submission_id")?,
        lead: row.try_get("lead")?,
        rationale: row.try_get("rationale")?,
        signed_at: row.try_get("signed_at")?,
        verification_id: row.try_get("verification_id")?,
        stale: stale(row)?,
    })
}

fn check_id(text: &str) -> Result<CheckId, StoreError> {
    CheckId::ALL.into_iter().find(|c| c.as_str() == text).ok_or_else(|| corrupt("check", text))
}

fn comment_from_row(row: &AnyRow) -> Result<Comment, StoreError> {
    let kind: String = row.try_get("anchor_kind")?;
    let anchor = match kind.as_str() {
        "submission" => CommentAnchor::Submission,
        "line" => CommentAnchor::Line {
            path: row.try_get::<Option<String>, _>("path")?.unwrap_or_default(),
            line: u32::try_from(row.try_get::<Option<i64>, _>("line")?.unwrap_or_default())
                .map_err(|_| corrupt("line number", "out of range"))?,
            text: row.try_get::<Option<String>, _>("line_text")?.unwrap_or_default(),
        },
        "check" => CommentAnchor::Check {
            check: check_id(&row.try_get::<Option<String>, _>("check_id")?.unwrap_or_default())?,
            verification_id: row.try_get::<Option<String>, _>("verification_id")?.unwrap_or_default(),
        },
        other => return Err(corrupt("comment anchor", other)),
    };
    Ok(Comment {
        id: row.try_get("id")?,
        submission_id: row.try_get("submission_id")?,
        reply_to: row.try_get("reply_to")?,
        anchor,
        body: row.try_get("body")?,
        author: row.try_get("author")?,
        written_at: row.try_get("written_at")?,
    })
}

fn feedback_from_row(row: &AnyRow) -> Result<FlagFeedback, StoreError> {
    let verdict: String = row.try_get("verdict")?;
    Ok(FlagFeedback {
        id: row.try_get("id")?,
        submission_id: row.try_get("submission_id")?,
        verification_id: row.try_get("verification_id")?,
        check: check_id(&row.try_get::<String, _>("check_id")?)?,
        verdict: FlagVerdict::parse(&verdict).ok_or_else(|| corrupt("flag verdict", &verdict))?,
        reason: row.try_get("reason")?,
        author: row.try_get("author")?,
        judged_at: row.try_get("judged_at")?,
    })
}

fn count(row: &AnyRow, column: &str) -> Result<u32, StoreError> {
    let n: i64 = row.try_get(column)?;
    u32::try_from(n).map_err(|_| corrupt(column, &n.to_string()))
}

fn tally_from_row(row: &AnyRow) -> Result<ReviewTally, StoreError> {
    Ok(ReviewTally {
        approvals: count(row, "approvals")?,
        vetoes: count(row, "vetoes")?,
        verified_failures: count(row, "verified_failures")?,
        records: count(row, "records")?,
        sign_offs: count(row, "sign_offs")?,
    })
}

/// The id of the row just inserted: `RETURNING` works in both dialects (SQLite since 3.35).
async fn insert_returning_id(
    tx: &mut Transaction<'_, Any>,
    sql: &str,
    binds: Vec<Bind<'_>>,
) -> Result<i64, StoreError> {
    let sql = format!("{sql} RETURNING id");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::OptText(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
            Bind::OptInt(i) => query.bind(i),
        };
    }
    let row = query.fetch_one(&mut **tx).await?;
    Ok(row.try_get(0)?)
}

enum Bind<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
}

async fn tally_in(tx: &mut Transaction<'_, Any>, submission: &str) -> Result<ReviewTally, StoreError> {
    let sql = format!("SELECT {TALLY_COLUMNS} FROM review_state WHERE submission_id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(submission)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "submission", key: submission.to_owned() })?;
    tally_from_row(&row)
}

/// Appends a `status` entry when a write moved the submission from `before` to another status.
async fn audit_status_change(
    tx: &mut Transaction<'_, Any>,
    ctx: &WriteContext,
    submission: &str,
    before: ReviewStatus,
) -> Result<ReviewStatus, StoreError> {
    let after = status(&tally_in(tx, submission).await?);
    if after != before {
        let detail = serde_json::json!({ "from": before, "to": after });
        audit::append(tx, ctx, "status", submission, &detail).await?;
    }
    Ok(after)
}

/// Inserts one vote and its audit entry (with the value it replaces).
async fn insert_vote(
    tx: &mut Transaction<'_, Any>,
    vote: &NewVote<'_>,
    ctx: &WriteContext,
) -> Result<Vote, StoreError> {
    let submission = vote.submission.as_str();
    let old = sqlx::query(AssertSqlSafe(format!(
        "SELECT {VOTE_COLUMNS} FROM vote_state WHERE submission_id = $1 AND label = $2 AND author = $3 \
         ORDER BY id DESC LIMIT 1"
    )))
    .bind(submission)
    .bind(vote.label.as_str())
    .bind(&ctx.actor)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| vote_from_row(&r))
    .transpose()?;
    let at = ctx.at.to_string();
    let id = insert_returning_id(
        tx,
        "INSERT INTO votes (submission_id, label, value, rationale, author, cast_at, verification_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            Bind::Text(submission),
            Bind::Text(vote.label.as_str()),
            Bind::Int(i64::from(vote.value)),
            Bind::Text(vote.rationale),
            Bind::Text(&ctx.actor),
            Bind::Text(&at),
            Bind::OptText(vote.verification_id),
        ],
    )
    .await?;
    let detail = serde_json::json!({
        "label": vote.label,
        "value": vote.value,
        "rationale": vote.rationale,
        "verification": vote.verification_id,
        "old": old.as_ref().map(|o| serde_json::json!({ "value": o.value, "rationale": o.rationale, "stale": o.stale })),
    });
    audit::append(tx, ctx, "vote", submission, &detail).await?;
    Ok(Vote {
        id,
        submission_id: submission.to_owned(),
        label: vote.label,
        value: vote.value,
        rationale: vote.rationale.to_owned(),
        author: ctx.actor.clone(),
        cast_at: at,
        verification_id: vote.verification_id.map(str::to_owned),
        stale: None,
    })
}

impl Store {
    /// The acting identity this connection is pinned to: on PostgreSQL, a team login (a member
    /// of `aar_reviewer`) acts as its login name whatever a client says; `None` elsewhere.
    pub async fn team_identity(&self) -> Result<Option<String>, StoreError> {
        if self.dialect != Dialect::Postgres {
            return Ok(None);
        }
        let row = sqlx::query("SELECT session_user::text AS who, aar_team_login() AS team")
            .fetch_one(&self.pool)
            .await?;
        let team: bool = row.try_get("team")?;
        Ok(team.then(|| row.try_get("who")).transpose()?)
    }

    /// A reviewer's role: a team login's from its database role membership, anyone else's from
    /// the `reviewers` table (reviewer when absent).
    pub async fn role_of(&self, name: &str) -> Result<Role, StoreError> {
        if self.team_identity().await?.as_deref() == Some(name) {
            let lead: bool =
                sqlx::query("SELECT aar_is_lead($1)").bind(name).fetch_one(&self.pool).await?.try_get(0)?;
            return Ok(if lead { Role::Lead } else { Role::Reviewer });
        }
        let row = sqlx::query("SELECT role FROM reviewers WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(Role::Reviewer),
            Some(row) => {
                let text: String = row.try_get(0)?;
                Role::parse(&text).ok_or_else(|| corrupt("role", &text))
            }
        }
    }

    /// Every name with a role set in `reviewers`, by name.
    pub async fn reviewers(&self) -> Result<Vec<(String, Role)>, StoreError> {
        let rows =
            sqlx::query("SELECT name, role FROM reviewers ORDER BY name").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok((row.try_get("name")?, Role::parse(&role).ok_or_else(|| corrupt("role", &role))?))
            })
            .collect()
    }

    /// Sets a reviewer's role (settings; audited with the old role). Team logins' roles are
    /// database roles and cannot be set here.
    pub async fn set_role(&self, name: &str, role: Role, ctx: &WriteContext) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let old: Option<String> = sqlx::query("SELECT role FROM reviewers WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        if old.as_deref() == Some(role.as_str()) {
            return Ok(());
        }
        let at = ctx.at.to_string();
        sqlx::query(
            "INSERT INTO reviewers (name, role, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET role = $2, updated_at = $3, updated_by = $4",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(&at)
        .bind(&ctx.actor)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({ "role": role, "old": old });
        audit::append(&mut tx, ctx, "reviewer.role", name, &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Casts votes as `ctx.actor`, all or none (a Review and a Verified vote are usually cast
    /// together). Refused by the database when out of range, without a rationale, a
    /// self-approval or cast against an older verification.
    pub async fn cast_votes(
        &self,
        votes: &[NewVote<'_>],
        ctx: &WriteContext,
    ) -> Result<Vec<Vote>, StoreError> {
        let mut tx = self.write_tx().await?;
        let mut before = BTreeMap::new();
        for vote in votes {
            let submission = vote.submission.as_str();
            if !before.contains_key(submission) {
                before.insert(submission, status(&tally_in(&mut tx, submission).await?));
            }
        }
        let mut cast = Vec::with_capacity(votes.len());
        for vote in votes {
            cast.push(insert_vote(&mut tx, vote, ctx).await?);
        }
        for (submission, before) in before {
            audit_status_change(&mut tx, ctx, submission, before).await?;
        }
        tx.commit().await?;
        Ok(cast)
    }

    /// [`Store::cast_votes`] for one vote.
    pub async fn cast_vote(&self, vote: &NewVote<'_>, ctx: &WriteContext) -> Result<Vote, StoreError> {
        Ok(self.cast_votes(std::slice::from_ref(vote), ctx).await?.remove(0))
    }

    /// Signs a submission off as `ctx.actor`. Refused by the database unless the actor is a lead,
    /// someone else's live +2 stands, nothing vetoes it and the evidence is the newest.
    pub async fn sign_off(
        &self,
        submission: &SubmissionId,
        rationale: &str,
        verification_id: Option<&str>,
        ctx: &WriteContext,
    ) -> Result<SignOff, StoreError> {
        let submission = submission.as_str();
        let mut tx = self.write_tx().await?;
        let before = status(&tally_in(&mut tx, submission).await?);
        let at = ctx.at.to_string();
        let id = insert_returning_id(
            &mut tx,
            "INSERT INTO signoffs (submission_id, lead, rationale, signed_at, verification_id) \
             VALUES ($1, $2, $3, $4, $5)",
            vec![
                Bind::Text(submission),
                Bind::Text(&ctx.actor),
                Bind::Text(rationale),
                Bind::Text(&at),
                Bind::OptText(verification_id),
            ],
        )
        .await?;
        let detail = serde_json::json!({ "rationale": rationale, "verification": verification_id });
        audit::append(&mut tx, ctx, "signoff", submission, &detail).await?;
        audit_status_change(&mut tx, ctx, submission, before).await?;
        tx.commit().await?;
        Ok(SignOff {
            id,
            submission_id: submission.to_owned(),
            lead: ctx.actor.clone(),
            rationale: rationale.to_owned(),
            signed_at: at,
            verification_id: verification_id.map(str::to_owned),
            stale: None,
        })
    }

    /// A lead asks that the next reviewer vote without seeing the votes already cast.
    pub async fn request_blind_review(
        &self,
        submission: &SubmissionId,
        reason: &str,
        ctx: &WriteContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let at = ctx.at.to_string();
        insert_returning_id(
            &mut tx,
            "INSERT INTO blind_reviews (submission_id, requested_by, reason, requested_at) VALUES ($1, $2, $3, $4)",
            vec![Bind::Text(submission.as_str()), Bind::Text(&ctx.actor), Bind::Text(reason), Bind::Text(&at)],
        )
        .await?;
        audit::append(
            &mut tx,
            ctx,
            "review.blind",
            submission.as_str(),
            &serde_json::json!({ "reason": reason }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// When a blind review was asked for on `submission`, the newest request's time.
    pub async fn blind_review_requested(
        &self,
        submission: &SubmissionId,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT MAX(requested_at) FROM blind_reviews WHERE submission_id = $1")
            .bind(submission.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Every submission with a blind-review request, with the newest request's time.
    pub async fn blind_requests(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT submission_id, MAX(requested_at) AS at FROM blind_reviews GROUP BY submission_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("submission_id")?, row.try_get("at")?))).collect()
    }

    pub async fn add_comment(
        &self,
        comment: &NewComment<'_>,
        ctx: &WriteContext,
    ) -> Result<Comment, StoreError> {
        let submission = comment.submission.as_str();
        let mut tx = self.write_tx().await?;
        let before = status(&tally_in(&mut tx, submission).await?);
        let at = ctx.at.to_string();
        let (kind, path, line, line_text, check, verification) = match comment.anchor {
            CommentAnchor::Submission => ("submission", None, None, None, None, None),
            CommentAnchor::Line { path, line, text } => {
                ("line", Some(path.as_str()), Some(i64::from(*line)), Some(text.as_str()), None, None)
            }
            CommentAnchor::Check { check, verification_id } => {
                ("check", None, None, None, Some(check.as_str()), Some(verification_id.as_str()))
            }
        };
        let id = insert_returning_id(
            &mut tx,
            "INSERT INTO comments (submission_id, reply_to, anchor_kind, path, line, line_text, check_id, \
             verification_id, body, author, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            vec![
                Bind::Text(submission),
                Bind::OptInt(comment.reply_to),
                Bind::Text(kind),
                Bind::OptText(path),
                Bind::OptInt(line),
                Bind::OptText(line_text),
                Bind::OptText(check),
                Bind::OptText(verification),
                Bind::Text(comment.body),
                Bind::Text(&ctx.actor),
                Bind::Text(&at),
            ],
        )
        .await?;
        let detail = serde_json::json!({ "id": id, "reply_to": comment.reply_to, "anchor": comment.anchor, "body": comment.body });
        audit::append(&mut tx, ctx, "comment", submission, &detail).await?;
        audit_status_change(&mut tx, ctx, submission, before).await?;
        tx.commit().await?;
        Ok(Comment {
            id,
            submission_id: submission.to_owned(),
            reply_to: comment.reply_to,
            anchor: comment.anchor.clone(),
            body: comment.body.to_owned(),
            author: ctx.actor.clone(),
            written_at: at,
        })
    }

    /// Marks a thread resolved (or open again), audited with its previous state.
    pub async fn resolve_thread(
        &self,
        thread_id: i64,
        resolved: bool,
        ctx: &WriteContext,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let subject: Option<String> = sqlx::query("SELECT submission_id FROM comments WHERE id = $1")
            .bind(thread_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let subject = subject
            .ok_or_else(|| StoreError::NotFound { what: "comment thread", key: thread_id.to_string() })?;
        let old: Option<i64> = sqlx::query(
            "SELECT resolved FROM comment_resolutions WHERE thread_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(thread_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let at = ctx.at.to_string();
        insert_returning_id(
            &mut tx,
            "INSERT INTO comment_resolutions (thread_id, resolved, author, resolved_at) VALUES ($1, $2, $3, $4)",
            vec![Bind::Int(thread_id), Bind::Int(i64::from(resolved)), Bind::Text(&ctx.actor), Bind::Text(&at)],
        )
        .await?;
        let detail =
            serde_json::json!({ "thread": thread_id, "resolved": resolved, "old": old.map(|o| o == 1) });
        audit::append(&mut tx, ctx, "comment.resolve", &subject, &detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Judges one flagged check of one verification: a true problem or a false alarm.
    pub async fn judge_flag(
        &self,
        verification_id: &str,
        check: CheckId,
        verdict: FlagVerdict,
        reason: &str,
        ctx: &WriteContext,
    ) -> Result<FlagFeedback, StoreError> {
        let mut tx = self.write_tx().await?;
        let submission: String = sqlx::query("SELECT submission_id FROM verifications WHERE id = $1")
            .bind(verification_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "verification", key: verification_id.to_owned() })?
            .try_get(0)?;
        let old: Option<String> = sqlx::query(
            "SELECT verdict FROM flag_feedback WHERE verification_id = $1 AND check_id = $2 AND author = $3 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(verification_id)
        .bind(check.as_str())
        .bind(&ctx.actor)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let at = ctx.at.to_string();
        let id = insert_returning_id(
            &mut tx,
            "INSERT INTO flag_feedback (verification_id, check_id, verdict, reason, author, judged_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                Bind::Text(verification_id),
                Bind::Text(check.as_str()),
                Bind::Text(verdict.as_str()),
                Bind::Text(reason),
                Bind::Text(&ctx.actor),
                Bind::Text(&at),
            ],
        )
        .await?;
        let detail = serde_json::json!({
            "verification": verification_id, "check": check, "verdict": verdict, "reason": reason, "old": old,
        });
        audit::append(&mut tx, ctx, "flag.judge", &submission, &detail).await?;
        tx.commit().await?;
        Ok(FlagFeedback {
            id,
            submission_id: submission,
            verification_id: verification_id.to_owned(),
            check,
            verdict,
            reason: reason.to_owned(),
            author: ctx.actor.clone(),
            judged_at: at,
        })
    }

    /// Every vote on a submission, oldest first, each with why it no longer counts.
    pub async fn votes_of(&self, submission: &SubmissionId) -> Result<Vec<Vote>, StoreError> {
        let sql = format!("SELECT {VOTE_COLUMNS} FROM vote_state WHERE submission_id = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(submission.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(vote_from_row).collect()
    }

    /// Every vote of every submission, in brief (the queue's "whose turn").
    pub async fn vote_briefs(&self) -> Result<Vec<VoteBrief>, StoreError> {
        let rows = sqlx::query("SELECT submission_id, label, value, author, cast_at, stale FROM vote_state")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let label: String = row.try_get("label")?;
                Ok(VoteBrief {
                    submission_id: row.try_get("submission_id")?,
                    label: Label::parse(&label).ok_or_else(|| corrupt("label", &label))?,
                    value: small(row.try_get("value")?, "vote value")?,
                    author: row.try_get("author")?,
                    cast_at: row.try_get("cast_at")?,
                    live: stale(row)?.is_none(),
                })
            })
            .collect()
    }

    pub async fn sign_offs_of(&self, submission: &SubmissionId) -> Result<Vec<SignOff>, StoreError> {
        let sql = format!("SELECT {SIGNOFF_COLUMNS} FROM signoff_state WHERE submission_id = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(submission.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(signoff_from_row).collect()
    }

    /// The comments on a submission and on every earlier version of it, oldest first (a line
    /// comment follows its line into later versions while the line is unchanged).
    pub async fn comments_of(&self, submission: &SubmissionId) -> Result<Vec<Comment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments WHERE submission_id IN \
             (SELECT version_id FROM submission_versions WHERE submission_id = $1) ORDER BY id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(submission.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// The newest resolution of each thread of these comments.
    pub async fn resolutions(&self, submission: &SubmissionId) -> Result<Vec<Resolution>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.thread_id, r.resolved, r.author, r.resolved_at FROM comment_resolutions r \
             JOIN comments c ON c.id = r.thread_id \
             WHERE c.submission_id IN (SELECT version_id FROM submission_versions WHERE submission_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM comment_resolutions n WHERE n.thread_id = r.thread_id AND n.id > r.id)",
        )
        .bind(submission.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Resolution {
                    thread_id: row.try_get("thread_id")?,
                    resolved: row.try_get::<i64, _>("resolved")? == 1,
                    author: row.try_get("author")?,
                    at: row.try_get("resolved_at")?,
                })
            })
            .collect()
    }

    /// Every flag judgement on a submission's verifications, oldest first.
    pub async fn flag_feedback_of(&self, submission: &SubmissionId) -> Result<Vec<FlagFeedback>, StoreError> {
        let sql = format!(
            "SELECT {FEEDBACK_COLUMNS} FROM flag_feedback f JOIN verifications v ON v.id = f.verification_id \
             WHERE v.submission_id = $1 ORDER BY f.id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(submission.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(feedback_from_row).collect()
    }

    /// Per check, how its flags were judged: one judgement per submission and check (the
    /// newest), so a check is not credited twice for one submission verified twice.
    pub async fn flag_precision(&self) -> Result<Vec<FlagTally>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.check_id, f.verdict, COUNT(*) AS n FROM flag_feedback f \
             JOIN verifications v ON v.id = f.verification_id \
             WHERE NOT EXISTS (SELECT 1 FROM flag_feedback g JOIN verifications w ON w.id = g.verification_id \
                               WHERE w.submission_id = v.submission_id AND g.check_id = f.check_id AND g.id > f.id) \
             GROUP BY f.check_id, f.verdict",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tallies: BTreeMap<CheckId, FlagTally> = BTreeMap::new();
        for row in &rows {
            let check = check_id(&row.try_get::<String, _>("check_id")?)?;
            let verdict: String = row.try_get("verdict")?;
            let n = count(row, "n")?;
            let t = tallies.entry(check).or_insert(FlagTally { check, true_problems: 0, false_alarms: 0 });
            match FlagVerdict::parse(&verdict).ok_or_else(|| corrupt("flag verdict", &verdict))? {
                FlagVerdict::TrueProblem => t.true_problems += n,
                FlagVerdict::FalseAlarm => t.false_alarms += n,
            }
        }
        Ok(tallies.into_values().collect())
    }

    /// What one submission's status follows from.
    pub async fn review_tally(&self, submission: &SubmissionId) -> Result<ReviewTally, StoreError> {
        let sql = format!("SELECT {TALLY_COLUMNS} FROM review_state WHERE submission_id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(submission.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "submission", key: submission.to_string() })?;
        tally_from_row(&row)
    }

    /// Every submission's tally, by id.
    pub async fn review_tallies(&self) -> Result<BTreeMap<String, ReviewTally>, StoreError> {
        let sql = format!("SELECT {TALLY_COLUMNS} FROM review_state");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok((row.try_get("submission_id")?, tally_from_row(row)?))).collect()
    }
}
