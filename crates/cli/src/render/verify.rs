//! Verifications: the suggested vote and every check's status and finding; the full report as
//! Markdown or HTML through `aar-report`.

use std::path::Path;

use aar_api::ApiError;
use aar_api::dto::{BatchVerification, QueuedVerification, RequestState, VerificationDetail, WorkSummary};
use aar_review_schemas::verification::{CheckStatus, SuggestedVote, VerificationReport};

use super::*;

/// What `--report FILE` writes, from the file's extension.
#[derive(Debug, Clone, Copy)]
pub enum ReportFormat {
    Html,
    Markdown,
}

impl ReportFormat {
    /// Decided before the verification starts, so a typo does not cost a run.
    pub fn of(path: &Path) -> Result<ReportFormat, ApiError> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("html" | "htm") => Ok(ReportFormat::Html),
            Some("md" | "markdown") => Ok(ReportFormat::Markdown),
            _ => Err(ApiError::invalid(format!(
                "{}: a report is written as .html (self-contained) or .md; name the file with one of those",
                path.display()
            ))),
        }
    }
}

pub fn write_report(path: &Path, format: ReportFormat, report: &VerificationReport) -> Result<(), ApiError> {
    let text = match format {
        ReportFormat::Html => aar_report::html(report),
        ReportFormat::Markdown => aar_report::markdown(report),
    };
    write_file(path, &text, "the report (the verification is stored)")
}

pub fn verification(d: &VerificationDetail) -> String {
    let r = &d.report;
    let vote = match r.suggestion.vote {
        SuggestedVote::Verified => styled(ADDED, "Verified +1"),
        SuggestedVote::Refuted => styled(REMOVED, "Verified −1"),
        SuggestedVote::NeedsHuman => styled(WARN, "needs a human"),
    };
    let mut out = format!(
        "{} {}  ({} on {}, seeds {}, {:.0} s, verification {})\n{}\n\n",
        styled(BOLD, "Suggested vote:"),
        vote,
        r.title,
        r.task,
        r.seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
        r.total_seconds,
        d.short_id,
        r.suggestion.reason
    );
    if let Some(note) = r.fresh_data_note() {
        out.push_str(&format!("{}\n\n", styled(DIM, &note)));
    }
    let mut t = table();
    t.set_header(["check", "status", "finding"]);
    for c in &r.checks {
        let status = match (c.status, c.inconclusive) {
            (CheckStatus::Warn, true) => styled(WARN, "inconclusive"),
            (CheckStatus::Pass, _) => styled(ADDED, "pass"),
            (CheckStatus::Warn, _) => styled(WARN, "warn"),
            (CheckStatus::Fail, _) => styled(REMOVED, "fail"),
            (CheckStatus::NotApplicable, _) => styled(DIM, "n/a"),
        };
        t.add_row([c.id.to_string(), status, c.summary.clone()]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}

/// A batch: each submission's vote and failed checks, and its gain over vanilla with the p-value
/// raw and corrected across the batch.
pub fn batch(b: &BatchVerification) -> String {
    let p = |v: Option<f64>| {
        v.map_or("-".to_owned(), |v| if v < 1e-4 { "<0.0001".to_owned() } else { format!("{v:.4}") })
    };
    let mut t = table();
    t.set_header(["ID", "VOTE", "FAILED", "Δ PGR", "p", "p HOLM", "p BH", "TITLE"]);
    for r in &b.rows {
        let vote = match r.vote {
            SuggestedVote::Verified => styled(ADDED, "+1"),
            SuggestedVote::Refuted => styled(REMOVED, "-1"),
            SuggestedVote::NeedsHuman => styled(WARN, "?"),
        };
        t.add_row([
            r.short_id.clone(),
            vote,
            r.failed.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
            r.delta_pgr.map_or("-".to_owned(), |d| format!("{d:+.3}")),
            p(r.p),
            p(r.p_holm),
            p(r.p_bh),
            r.title.clone(),
        ]);
    }
    let corrections: String = b
        .rows
        .iter()
        .filter_map(|r| r.correction.as_ref().map(|c| format!("{}: {c}\n", r.short_id)))
        .collect();
    format!(
        "{t}\n{corrections}{} submissions verified. The vote is the one Holm's correction leaves: it \
         controls the chance of any false gain across the batch; Benjamini-Hochberg the share of false \
         gains among those called significant.\n",
        b.rows.len()
    )
}

/// A request just queued.
pub fn requested(q: &QueuedVerification) -> String {
    format!(
        "requested verification #{} of {} ({}): a worker makes it (`aar-review worker`); `aar-review queue` shows it\n",
        q.id,
        q.short_id,
        if q.quick { "quick" } else { "full" }
    )
}

/// The verification queue as a table, newest first.
pub fn queue(requests: &[QueuedVerification]) -> String {
    if requests.is_empty() {
        return "no verification is waiting or running (`aar-review queue --all` shows finished ones)\n"
            .to_owned();
    }
    let mut t = table();
    t.set_header(["#", "ID", "STATE", "ASKED BY", "ASKED AT", "WORKER", "TRIES", "RESULT"]);
    for q in requests {
        let result = match (&q.verification_id, &q.error) {
            (Some(v), _) => format!("verification {}", &v[..12.min(v.len())]),
            (None, Some(e)) => e.clone(),
            (None, None) => q.lease_until.as_ref().map(|t| format!("held until {t}")).unwrap_or_default(),
        };
        t.add_row([
            q.id.to_string(),
            q.short_id.clone(),
            request_state(q.state),
            q.requested_by.clone(),
            q.requested_at.clone(),
            q.worker.clone().unwrap_or_default(),
            q.attempts.to_string(),
            result,
        ]);
    }
    format!("{t}\n")
}

fn request_state(state: RequestState) -> String {
    let word = state.as_str();
    match state {
        RequestState::Failed => styled(WARNING, word),
        RequestState::Done => styled(DIM, word),
        _ => word.to_owned(),
    }
}

/// What a worker did before it stopped.
pub fn work_summary(w: &WorkSummary) -> String {
    let mut all: Vec<QueuedVerification> = w.done.iter().chain(&w.not_done).cloned().collect();
    all.sort_by_key(|q| std::cmp::Reverse(q.id));
    match all.len() {
        0 => "the queue was empty\n".to_owned(),
        _ => queue(&all),
    }
}
