//! A submission's review: status, whose turn, votes (stale ones marked), sign-offs, threads.

use std::fmt::Write as _;

use aar_api::dto::*;
use aar_review_schemas::review::{CommentAnchor, Label, ReviewStatus, Vote};

use super::*;

/// A vote's value as Gerrit writes it: +2, -1, 0.
pub fn signed(value: i8) -> String {
    if value > 0 { format!("+{value}") } else { value.to_string() }
}

fn status_style(status: ReviewStatus) -> Style {
    match status {
        ReviewStatus::SignedOff | ReviewStatus::Approved => ADDED,
        ReviewStatus::Rejected => REMOVED,
        ReviewStatus::New | ReviewStatus::InReview => WARN,
    }
}

pub fn review_status(status: ReviewStatus) -> String {
    styled(status_style(status), status.words())
}

fn vote_line(v: &Vote) -> String {
    let what = format!("{} {}", v.label.title(), signed(v.value));
    let line =
        format!("{what:<12} {:<12} {}  {}", v.author, v.cast_at, v.rationale.lines().next().unwrap_or(""));
    match v.stale {
        Some(reason) => styled(DIM, format!("{line}  [stale: {}]", reason.words())),
        None if v.label == Label::Review && v.value == -2 => styled(REMOVED, format!("{line}  [veto]")),
        None => line,
    }
}

pub fn review(r: &ReviewView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", styled(BOLD, "status"), review_status(r.summary.status));
    let mut turn = Vec::new();
    if r.summary.needs_my_vote {
        turn.push("needs your vote");
    }
    if r.summary.needs_lead {
        turn.push("needs your sign-off as lead");
    }
    if !turn.is_empty() {
        let _ = writeln!(out, "{}", styled(WARNING, turn.join("; ")));
    }
    let _ = writeln!(
        out,
        "{}",
        styled(
            DIM,
            format!(
                "you are {} ({}{}); imported by {}; evidence: {}",
                r.me.name,
                r.me.role.as_str(),
                if r.me.team_mode { ", team login" } else { "" },
                r.imported_by,
                r.verification_id
                    .as_deref()
                    .map_or("no verification yet".to_owned(), |v| format!("verification {}", &v[..12])),
            )
        )
    );
    if r.summary.blind {
        let _ = writeln!(
            out,
            "{}",
            styled(
                WARNING,
                format!("blind review: {} vote(s) by others stay hidden until you vote", r.hidden_votes)
            )
        );
    }
    let _ = writeln!(out, "\n{}", styled(BOLD, "votes"));
    if r.votes.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for v in &r.votes {
        let _ = writeln!(out, "  {}", vote_line(v));
    }
    if !r.sign_offs.is_empty() {
        let _ = writeln!(out, "\n{}", styled(BOLD, "sign-offs"));
        for s in &r.sign_offs {
            let line = format!("{:<12} {}  {}", s.lead, s.signed_at, s.rationale);
            let _ = match s.stale {
                Some(reason) => {
                    writeln!(out, "  {}", styled(DIM, format!("{line}  [stale: {}]", reason.words())))
                }
                None => writeln!(out, "  {line}"),
            };
        }
    }
    if !r.threads.is_empty() {
        let _ = writeln!(out, "\n{}", styled(BOLD, "comments"));
        for t in &r.threads {
            let place = match (&t.root.anchor, t.line_here) {
                (CommentAnchor::Submission, _) => "on the submission".to_owned(),
                (CommentAnchor::Line { path, .. }, Some(line)) => format!("on {path}:{line}"),
                (CommentAnchor::Line { path, line, .. }, None) => {
                    format!("on {path}:{line} (outdated: the line changed)")
                }
                (CommentAnchor::Check { check, .. }, _) => format!("on check {check}"),
            };
            let state = if t.resolved { " [resolved]" } else { "" };
            let _ = writeln!(out, "  #{} {place}{state}", t.root.id);
            for c in std::iter::once(&t.root).chain(&t.replies) {
                let _ = writeln!(out, "    {}: {}", c.author, c.body.lines().collect::<Vec<_>>().join(" / "));
            }
        }
    }
    if !r.flag_feedback.is_empty() {
        let _ = writeln!(out, "\n{}", styled(BOLD, "flag judgements"));
        for f in &r.flag_feedback {
            let _ = writeln!(
                out,
                "  {:<18} {:<13} {:<12} {}",
                f.check.as_str(),
                f.verdict.as_str(),
                f.author,
                f.reason
            );
        }
    }
    out
}

pub fn reviewers(list: &[Reviewer]) -> String {
    let mut table = table();
    table.set_header(["reviewer", "role"]);
    for r in list {
        table.add_row([r.name.clone(), r.role.as_str().to_owned()]);
    }
    format!("{table}\n")
}

pub fn precision(list: &[CheckPrecision]) -> String {
    if list.is_empty() {
        return "no flag has been judged yet\n".to_owned();
    }
    let mut table = table();
    table.set_header(["check", "true problems", "false alarms", "precision"]);
    for p in list {
        table.add_row([
            p.check.as_str().to_owned(),
            p.true_problems.to_string(),
            p.false_alarms.to_string(),
            p.precision.map_or("—".to_owned(), |x| format!("{:.0}%", x * 100.0)),
        ]);
    }
    format!("{table}\n")
}
