//! The review export (`aar-review export`) for people: a CSV to open in a spreadsheet, Markdown
//! to paste into a discussion, and one self-contained HTML file (inline CSS, no script, nothing
//! fetched) that a lead can attach to a decision. The JSON format is the [`ReviewExport`] itself,
//! serialised by the caller.
//!
//! Every string in an export was written by an agent or a reviewer (titles, claims, names,
//! rationales) and is escaped for the format it lands in; the CSV also defuses spreadsheet
//! formulas. Only the wording below is ours.

use std::fmt::Write as _;

use aar_review_schemas::bundle::Claim;
use aar_review_schemas::review::{
    ExportedSubmission, ExportedVerification, Label, ReviewExport, ReviewStatus, SignOff, StaleReason, Vote,
};
use aar_review_schemas::verification::CheckStatus;

use crate::vote_text;

/// The minus of a vote value in Markdown and HTML, as in [`vote_text`]: "Review −2".
const MINUS: char = '−';

// The wording all three formats share. These return plain text; each format escapes it.

/// A vote value with its sign: +2, −1, 0.
fn signed(value: i8, minus: char) -> String {
    match value {
        0 => "0".to_owned(),
        v if v > 0 => format!("+{v}"),
        v => format!("{minus}{}", v.unsigned_abs()),
    }
}

/// "Review +2".
fn vote_name(v: &Vote) -> String {
    format!("{} {}", v.label.title(), signed(v.value, MINUS))
}

fn is_veto(v: &Vote) -> bool {
    v.label == Label::Review && v.value == -2
}

fn has_live_veto(s: &ExportedSubmission) -> bool {
    s.votes.iter().any(|v| v.stale.is_none() && is_veto(v))
}

/// The live votes on one label, in the order they were cast: "bob +2; dan −1".
fn live_votes(s: &ExportedSubmission, label: Label, minus: char) -> String {
    s.votes
        .iter()
        .filter(|v| v.label == label && v.stale.is_none())
        .map(|v| format!("{} {}", v.author, signed(v.value, minus)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a blinded exporter reads where others' votes would be.
const WITHHELD: &str = "others' votes withheld: blind review, not voted since it was asked for";

/// `votes`, with a note when others' votes were withheld from the exporter.
fn withheld_note(s: &ExportedSubmission, votes: String) -> String {
    match (s.votes_withheld, votes.is_empty()) {
        (false, _) => votes,
        (true, true) => format!("({WITHHELD})"),
        (true, false) => format!("{votes} ({WITHHELD})"),
    }
}

/// The live votes of every label that has one: "Review: bob +2; dan +1 · Verified: erin +1", or "—".
fn live_votes_by_label(s: &ExportedSubmission) -> String {
    let labels = Label::ALL.into_iter().filter_map(|label| {
        let votes = live_votes(s, label, MINUS);
        (!votes.is_empty()).then(|| format!("{}: {votes}", label.title()))
    });
    let text = labels.collect::<Vec<_>>().join(" · ");
    if text.is_empty() { "—".to_owned() } else { text }
}

fn stale_votes(s: &ExportedSubmission) -> usize {
    s.votes.iter().filter(|v| v.stale.is_some()).count()
}

/// The sign-off that counts (the newest one that is not stale).
fn live_sign_off(s: &ExportedSubmission) -> Option<&SignOff> {
    s.sign_offs.iter().rev().find(|o| o.stale.is_none())
}

/// The claim a row shows: the one on the task the verification re-ran, else the first, so the
/// claimed and reproduced PGR beside each other are about the same thing.
fn main_claim(s: &ExportedSubmission) -> Option<&Claim> {
    let verified = s.verification.as_ref().map(|v| v.task.as_str());
    s.claims.iter().find(|c| Some(c.task.as_str()) == verified).or(s.claims.first())
}

/// "0.620 ± 0.030" (the standard error when the author gave one).
fn claimed_pgr(c: &Claim) -> String {
    let mut text = format!("{:.3}", c.pgr);
    if let Some(se) = c.pgr_se {
        let _ = write!(text, " ± {se:.3}");
    }
    text
}

/// "digits 0.620 ± 0.030".
fn claim_brief(c: &Claim) -> String {
    format!("{} {}", c.task, claimed_pgr(c))
}

/// "digits, test split: PGR 0.620 ± 0.030, seeds 42–46 (weak 0.700, student 0.820, ceiling 0.900)".
fn claim_full(c: &Claim) -> String {
    let mut text = c.task.clone();
    if let Some(split) = c.split {
        let _ = write!(text, ", {split} split");
    }
    let _ = write!(text, ": PGR {}", claimed_pgr(c));
    if !c.seeds.is_empty() {
        let _ = write!(text, ", seeds {}", crate::markdown::seeds(&c.seeds));
    }
    let accuracies: Vec<String> =
        [("weak", c.weak_acc), ("student", c.student_acc), ("ceiling", c.ceiling_acc)]
            .into_iter()
            .filter_map(|(name, acc)| acc.map(|a| format!("{name} {a:.3}")))
            .collect();
    if !accuracies.is_empty() {
        let _ = write!(text, " ({})", accuracies.join(", "));
    }
    text
}

/// The claim cell of a summary: the main claim, and how many more there are.
fn claim_cell(s: &ExportedSubmission) -> String {
    match main_claim(s) {
        None => "—".to_owned(),
        Some(c) if s.claims.len() > 1 => format!("{} (+{} more)", claim_brief(c), s.claims.len() - 1),
        Some(c) => claim_brief(c),
    }
}

/// "0.410 [0.300, 0.500]", or "—" when nothing was reproduced.
fn reproduced(v: Option<&ExportedVerification>) -> String {
    let pgr = v.and_then(|v| v.reproduced_pgr);
    let mut text = crate::optional(pgr);
    if let (Some(_), Some([lo, hi])) = (pgr, v.and_then(|v| v.reproduced_ci95)) {
        let _ = write!(text, " [{lo:.3}, {hi:.3}]");
    }
    text
}

fn suggestion_cell(v: Option<&ExportedVerification>) -> String {
    v.map_or_else(|| "not verified".to_owned(), |v| vote_text(v.suggestion).to_owned())
}

/// "carol, 2026-12-02", or "—".
fn sign_off_cell(s: &ExportedSubmission) -> String {
    live_sign_off(s).map_or_else(|| "—".to_owned(), |o| format!("{}, {}", o.lead, day(&o.signed_at)))
}

/// The ids of the checks with a status: "reproduction; seeds".
fn checks_with(v: Option<&ExportedVerification>, status: CheckStatus) -> String {
    let checks = v.map(|v| v.checks.as_slice()).unwrap_or_default();
    let ids = checks.iter().filter(|c| c.status == status).map(|c| c.id.as_str());
    ids.collect::<Vec<_>>().join("; ")
}

/// Submissions per status, in workflow order, leaving out the statuses nobody is in.
fn status_counts(e: &ReviewExport) -> Vec<(ReviewStatus, usize)> {
    let count = |status| e.submissions.iter().filter(|s| s.status == status).count();
    ReviewStatus::ALL.into_iter().map(|status| (status, count(status))).filter(|&(_, n)| n > 0).collect()
}

/// "3 submissions" / "1 submission".
fn submissions_text(n: usize) -> String {
    format!("{n} submission{}", if n == 1 { "" } else { "s" })
}

/// The date of an RFC 3339 time, for a table cell.
fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// The first 12 characters of an id, as the app shows it.
fn short(id: &str) -> &str {
    id.char_indices().nth(12).map_or(id, |(end, _)| &id[..end])
}

const AUDIT_NOTE: &str =
    "if the audit log is rewritten after this export, its head no longer matches this hash";

/// The CSV's columns. One row per submission rather than per claim: a row is what a lead
/// decides on (status, votes and sign-off belong to the submission), so filtering or counting
/// rows in a spreadsheet counts submissions and no vote is repeated. The claim in the row is the
/// one on the re-run task (else the first); `other_claims` lists the rest in brief.
const CSV_HEADER: [&str; 20] = [
    "id",
    "title",
    "author",
    "imported_by",
    "status",
    "claimed_task",
    "claimed_pgr",
    "claimed_se",
    "other_claims",
    "reproduced_pgr",
    "reproduced_ci95_low",
    "reproduced_ci95_high",
    "suggestion",
    "failed_checks",
    "warned_checks",
    "review_votes",
    "verified_votes",
    "signed_off_by",
    "signed_off_at",
    "stale_votes",
];

/// The export as CSV (RFC 4180, quoted by the `csv` crate), one row per submission under a
/// header. Numbers are plain decimals and an empty cell means "none", so a spreadsheet can sort
/// and sum them; vote values use an ASCII minus there ("dan -1"), as a reader types it in a filter.
pub fn csv(e: &ReviewExport) -> String {
    crate::shown(csv_unescaped(e))
}

fn csv_unescaped(e: &ReviewExport) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail, and every row is an array of the header's length.
    writer.write_record(CSV_HEADER).expect("CSV into memory");
    for s in &e.submissions {
        writer.write_record(csv_row(s)).expect("CSV into memory");
    }
    let bytes = writer.into_inner().expect("CSV into memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

fn csv_row(s: &ExportedSubmission) -> [String; 20] {
    let v = s.verification.as_ref();
    let claim = main_claim(s);
    let others: Vec<String> =
        s.claims.iter().filter(|c| !claim.is_some_and(|m| std::ptr::eq(*c, m))).map(claim_brief).collect();
    let number = |value: Option<f64>| value.map(|x| format!("{x:.3}")).unwrap_or_default();
    let ci = v.and_then(|v| v.reproduced_ci95);
    let sign_off = live_sign_off(s);
    [
        text(&s.id),
        text(&s.title),
        text(&s.author),
        text(&s.imported_by),
        s.status.words().to_owned(),
        text(claim.map_or("", |c| c.task.as_str())),
        number(claim.map(|c| c.pgr)),
        number(claim.and_then(|c| c.pgr_se)),
        text(&others.join("; ")),
        number(v.and_then(|v| v.reproduced_pgr)),
        number(ci.map(|[lo, _]| lo)),
        number(ci.map(|[_, hi]| hi)),
        v.map_or("", |v| vote_text(v.suggestion)).replace(MINUS, "-"),
        checks_with(v, CheckStatus::Fail),
        checks_with(v, CheckStatus::Warn),
        text(&withheld_note(s, live_votes(s, Label::Review, '-'))),
        text(&withheld_note(s, live_votes(s, Label::Verified, '-'))),
        text(sign_off.map_or("", |o| o.lead.as_str())),
        text(sign_off.map_or("", |o| o.signed_at.as_str())),
        stale_votes(s).to_string(),
    ]
}

/// A text cell, inert in a spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return would be run as a formula, so it gets a leading apostrophe, which spreadsheets read as
/// "this is text" (OWASP's advice against CSV injection). Our own numbers never go through here.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() }
}

/// The export as Markdown: a title line, counts per status, a summary table, then one section per
/// submission with its claims, checks, votes (stale ones struck, with the reason) and sign-offs.
pub fn markdown(e: &ReviewExport) -> String {
    crate::shown(markdown_unescaped(e))
}

fn markdown_unescaped(e: &ReviewExport) -> String {
    use crate::markdown::cell;
    let mut out = String::new();
    let _ = writeln!(out, "# Review export, {}\n", cell(&e.exported_at));
    let audit = e
        .audit_head
        .as_deref()
        .map_or_else(|| "none recorded".to_owned(), |head| format!("`{head}` ({AUDIT_NOTE})"));
    let _ = writeln!(out, "Exported by {} · audit head {audit}\n", cell(&e.exported_by));
    let counts: Vec<String> =
        status_counts(e).into_iter().map(|(status, n)| format!("{n} {}", status.words())).collect();
    if e.submissions.is_empty() {
        out.push_str("**0 submissions.**\n");
        return out;
    }
    let _ = writeln!(out, "**{}:** {}\n", submissions_text(e.submissions.len()), counts.join(" · "));
    out.push_str("| submission | status | claim | reproduced | suggestion | live votes | sign-off |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for s in &e.submissions {
        let _ = writeln!(
            out,
            "| {} `{}` | **{}** | {} | {} | {} | {} | {} |",
            cell(&s.title),
            short(&s.id),
            s.status.words(),
            cell(&claim_cell(s)),
            reproduced(s.verification.as_ref()),
            suggestion_cell(s.verification.as_ref()),
            cell(&live_votes_by_label(s)),
            cell(&sign_off_cell(s)),
        );
    }
    for s in &e.submissions {
        markdown_submission(&mut out, s);
    }
    out
}

fn markdown_submission(out: &mut String, s: &ExportedSubmission) {
    use crate::markdown::cell;
    let _ = writeln!(out, "\n## {}\n", cell(&s.title));
    let _ = writeln!(
        out,
        "`{}` · **{}** · by {} · imported by {}",
        s.id,
        s.status.words(),
        cell(&s.author),
        cell(&s.imported_by)
    );
    out.push_str("\n### Claims\n\n");
    if s.claims.is_empty() {
        out.push_str("No claims.\n");
    }
    for c in &s.claims {
        let _ = writeln!(out, "- {}", cell(&claim_full(c)));
    }
    out.push_str("\n### Verification\n\n");
    match &s.verification {
        None => out.push_str("Not verified.\n"),
        Some(v) => {
            let _ = writeln!(
                out,
                "`{}` on pack {}, finished {} · reproduced PGR {}\n",
                short(&v.id),
                cell(&v.task),
                cell(&v.finished_at),
                reproduced(Some(v))
            );
            let _ = writeln!(out, "{}\n", crate::markdown::suggestion(v.suggestion, &v.reason));
            out.push_str("| check | status | finding |\n|---|---|---|\n");
            for c in &v.checks {
                let _ = writeln!(out, "| `{}` | **{}** | {} |", c.id, c.status, cell(&c.summary));
            }
        }
    }
    out.push_str("\n### Votes\n\n");
    if s.votes_withheld {
        let _ = writeln!(out, "_{}{}._\n", WITHHELD[..1].to_uppercase(), &WITHHELD[1..]);
    }
    if s.votes.is_empty() {
        out.push_str("No votes.\n");
    }
    for v in &s.votes {
        let what = if is_veto(v) { format!("{} (veto)", vote_name(v)) } else { vote_name(v) };
        markdown_record(out, &what, &v.author, &v.cast_at, v.stale, &v.rationale);
    }
    if !s.sign_offs.is_empty() {
        out.push_str("\n### Sign-offs\n\n");
    }
    for o in &s.sign_offs {
        markdown_record(out, "Signed off", &o.lead, &o.signed_at, o.stale, &o.rationale);
    }
}

/// A vote or sign-off as a list item; a stale one struck through, with why it no longer counts.
fn markdown_record(
    out: &mut String,
    what: &str,
    who: &str,
    when: &str,
    stale: Option<StaleReason>,
    rationale: &str,
) {
    use crate::markdown::cell;
    let (who, when, rationale) = (cell(who), cell(when), cell(rationale));
    let _ = match stale {
        None => writeln!(out, "- **{what}** by {who} ({when}): {rationale}"),
        Some(reason) => {
            writeln!(out, "- ~~{what}~~ by {who} ({when}), *stale: {}*: {rationale}", reason.words())
        }
    };
}

/// The export's own look, on top of the verification report's style.
const EXPORT_STYLE: &str = r#"
.rs-new { color: var(--na); } .rs-in_review { color: var(--warn); } .rs-approved { color: var(--repro); }
.rs-rejected { color: var(--fail); } .rs-signed_off { color: var(--pass); }
.counts span { margin-right: 14px; font-weight: 600; }
h3 { font-size: 12px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.pos { color: var(--pass); } .neg { color: var(--fail); }
.veto { display: inline-block; margin-left: 6px; padding: 0 5px; border: 1px solid var(--fail); border-radius: 3px;
  color: var(--fail); font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
tr.stale td, tr.stale .pos, tr.stale .neg { color: var(--muted); } tr.stale .veto { color: var(--muted); border-color: var(--muted); }
.why { display: block; font-size: 12px; font-style: italic; }
.rationale { white-space: pre-wrap; } .audit { font-size: 12px; }
"#;

/// The export as one self-contained HTML page: export metadata and the audit head, counts per
/// status, the summary table with each status coloured, then a section per submission. Stale
/// votes are struck and greyed with their reason; a −2 veto carries a red mark.
pub fn html(e: &ReviewExport) -> String {
    crate::shown(html_unescaped(e))
}

fn html_unescaped(e: &ReviewExport) -> String {
    use crate::html::escape;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Review export {}</title><style>{}{EXPORT_STYLE}</style></head><body>",
        escape(&e.exported_at),
        crate::html::STYLE,
    );
    let _ = write!(
        out,
        "<h1>Review export</h1><div class=\"meta\">{} · exported {} by {}</div>",
        submissions_text(e.submissions.len()),
        escape(&e.exported_at),
        escape(&e.exported_by)
    );
    match &e.audit_head {
        Some(head) => {
            let _ = write!(
                out,
                "<p class=\"audit muted\">Audit head <code>{}</code>: {AUDIT_NOTE}.</p>",
                escape(head)
            );
        }
        None => out.push_str("<p class=\"audit muted\">No audit head was recorded with this export.</p>"),
    }
    out.push_str("<p class=\"counts\">");
    for (status, n) in status_counts(e) {
        let _ = write!(out, "<span class=\"rs-{}\">{n} {}</span>", status.as_str(), status.words());
    }
    out.push_str("</p>");
    if !e.submissions.is_empty() {
        html_summary(&mut out, e);
    }
    for s in &e.submissions {
        html_submission(&mut out, s);
    }
    out.push_str("</body></html>\n");
    out
}

fn html_summary(out: &mut String, e: &ReviewExport) {
    use crate::html::escape;
    out.push_str("<table><tr><th>submission</th><th>status</th><th>claim</th><th>reproduced</th><th>suggestion</th><th>live votes</th><th>sign-off</th></tr>");
    for s in &e.submissions {
        let veto = if has_live_veto(s) { "<span class=\"veto\">veto</span>" } else { "" };
        let _ = write!(
            out,
            "<tr><td><a href=\"#s-{}\">{}</a> <code class=\"muted\">{}</code></td><td class=\"status rs-{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}{veto}</td><td>{}</td></tr>",
            escape(&s.id),
            escape(&s.title),
            escape(short(&s.id)),
            s.status.as_str(),
            s.status.words(),
            escape(&claim_cell(s)),
            reproduced(s.verification.as_ref()),
            suggestion_cell(s.verification.as_ref()),
            escape(&live_votes_by_label(s)),
            escape(&sign_off_cell(s)),
        );
    }
    out.push_str("</table>");
}

fn html_submission(out: &mut String, s: &ExportedSubmission) {
    use crate::html::escape;
    let _ = write!(
        out,
        "<h2 id=\"s-{id}\">{} <span class=\"status rs-{}\">{}</span></h2><div class=\"meta\">submission <code>{id}</code> · by {} · imported by {}</div>",
        escape(&s.title),
        s.status.as_str(),
        s.status.words(),
        escape(&s.author),
        escape(&s.imported_by),
        id = escape(&s.id),
    );
    out.push_str("<h3>Claims</h3>");
    if s.claims.is_empty() {
        out.push_str("<p class=\"muted\">No claims.</p>");
    } else {
        out.push_str("<ul>");
        for c in &s.claims {
            let _ = write!(out, "<li>{}</li>", escape(&claim_full(c)));
        }
        out.push_str("</ul>");
    }
    out.push_str("<h3>Verification</h3>");
    match &s.verification {
        None => out.push_str("<p class=\"muted\">Not verified.</p>"),
        Some(v) => {
            crate::html::suggestion(out, v.suggestion, &v.reason);
            let _ = write!(
                out,
                "<p class=\"muted\">verification <code>{}</code> on pack <code>{}</code>, finished {} · reproduced PGR {}</p>",
                escape(short(&v.id)),
                escape(&v.task),
                escape(&v.finished_at),
                reproduced(Some(v)),
            );
            out.push_str("<table><tr><th>check</th><th>status</th><th>finding</th></tr>");
            for c in &v.checks {
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code></td><td class=\"status {st}\">{st}</td><td>{}</td></tr>",
                    c.id,
                    escape(&c.summary),
                    st = c.status,
                );
            }
            out.push_str("</table>");
        }
    }
    out.push_str("<h3>Votes</h3>");
    if s.votes_withheld {
        let _ = write!(out, "<p class=\"muted\">{}{}.</p>", WITHHELD[..1].to_uppercase(), &WITHHELD[1..]);
    }
    if s.votes.is_empty() {
        out.push_str("<p class=\"muted\">No votes.</p>");
    } else {
        out.push_str("<table><tr><th>vote</th><th>by</th><th>cast</th><th>rationale</th></tr>");
        for v in &s.votes {
            let sign = if v.value > 0 {
                "pos"
            } else if v.value < 0 {
                "neg"
            } else {
                ""
            };
            let what = format!("<span class=\"{sign}\">{}</span>", vote_name(v));
            let veto = if is_veto(v) { "<span class=\"veto\">veto</span>" } else { "" };
            html_record(out, &what, veto, &v.author, &v.cast_at, v.stale, &v.rationale);
        }
        out.push_str("</table>");
    }
    if !s.sign_offs.is_empty() {
        out.push_str(
            "<h3>Sign-offs</h3><table><tr><th></th><th>lead</th><th>signed</th><th>rationale</th></tr>",
        );
        for o in &s.sign_offs {
            html_record(out, "Signed off", "", &o.lead, &o.signed_at, o.stale, &o.rationale);
        }
        out.push_str("</table>");
    }
}

/// A vote or sign-off as a table row. `what` and `mark` are our own markup; a stale row is greyed,
/// `what` struck through, and the reason it no longer counts written under it.
fn html_record(
    out: &mut String,
    what: &str,
    mark: &str,
    who: &str,
    when: &str,
    stale: Option<StaleReason>,
    rationale: &str,
) {
    use crate::html::escape;
    let (class, what, why) = match stale {
        None => ("", what.to_owned(), String::new()),
        Some(reason) => (
            " class=\"stale\"",
            format!("<s>{what}</s>"),
            format!("<span class=\"why\">stale: {}</span>", reason.words()),
        ),
    };
    let _ = write!(
        out,
        "<tr{class}><td>{what}{mark}{why}</td><td>{}</td><td class=\"muted\">{}</td><td class=\"rationale\">{}</td></tr>",
        escape(who),
        escape(when),
        escape(rationale),
    );
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::review::{
        ExportedCheck, REVIEW_EXPORT_SCHEMA_VERSION, ReviewStatus::*, StaleReason::*,
    };
    use aar_review_schemas::verification::{CheckId, SuggestedVote};
    use aar_review_schemas::vocab::Split;

    use super::*;

    const HOSTILE_TITLE: &str = "\"quoted, with comma\" <script>alert('x')</script> a|b";
    const HOSTILE_AUTHOR: &str = "=HYPERLINK(\"http://evil.invalid\",\"click\")";

    fn vote(id: i64, label: Label, value: i8, author: &str, stale: Option<StaleReason>, why: &str) -> Vote {
        Vote {
            id,
            submission_id: String::new(),
            label,
            value,
            rationale: why.into(),
            author: author.into(),
            cast_at: format!("2026-12-02T10:0{id}:00Z"),
            verification_id: Some("v1".into()),
            stale,
        }
    }

    fn claim(task: &str, pgr: f64, se: Option<f64>) -> Claim {
        Claim {
            task: task.into(),
            split: Some(Split::Test),
            pgr,
            pgr_se: se,
            weak_acc: Some(0.7),
            ceiling_acc: Some(0.9),
            student_acc: None,
            seeds: vec![42, 43, 44, 45, 46],
            per_seed: vec![],
            measured: None,
        }
    }

    fn check(id: CheckId, status: CheckStatus, summary: &str) -> ExportedCheck {
        ExportedCheck { id, status, summary: summary.into() }
    }

    fn fixture() -> ReviewExport {
        let signed_off = ExportedSubmission {
            id: "ab".repeat(32),
            title: "Confidence filter".into(),
            author: "agent-7".into(),
            imported_by: "alice".into(),
            status: SignedOff,
            claims: vec![claim("wine", 0.5, None), claim("digits", 0.62, Some(0.03))],
            verification: Some(ExportedVerification {
                id: "cd".repeat(32),
                task: "digits".into(),
                finished_at: "2026-12-01T10:05:00Z".into(),
                suggestion: SuggestedVote::Verified,
                reason: "every deciding check passed.".into(),
                reproduced_pgr: Some(0.6),
                reproduced_ci95: Some([0.55, 0.65]),
                checks: vec![
                    check(CheckId::Reproduction, CheckStatus::Pass, "Claimed 0.62, replay gives 0.60."),
                    check(CheckId::Seeds, CheckStatus::Warn, "Two seeds differ from the registered set."),
                ],
            }),
            votes: vec![
                vote(1, Label::Review, -2, "dan", Some(Replaced), "Seeds look cherry-picked."),
                vote(2, Label::Review, 2, "bob", None, "Reproduces."),
                vote(3, Label::Verified, 1, "erin", Some(NewVerification), "Ran it."),
                vote(4, Label::Review, 1, "dan", None, "Seed list explained; lifting my veto."),
                vote(5, Label::Verified, 1, "erin", None, "Ran it again."),
            ],
            sign_offs: vec![SignOff {
                id: 1,
                submission_id: "ab".repeat(32),
                lead: "carol".into(),
                rationale: "Two reviewers agree.".into(),
                signed_at: "2026-12-03T09:00:00Z".into(),
                verification_id: Some("v1".into()),
                stale: None,
            }],
            votes_withheld: false,
        };
        let hostile = ExportedSubmission {
            id: "ef".repeat(32),
            title: HOSTILE_TITLE.into(),
            author: HOSTILE_AUTHOR.into(),
            imported_by: "bob".into(),
            status: Rejected,
            claims: vec![claim("chat|x", 0.9, None)],
            verification: Some(ExportedVerification {
                id: "01".repeat(32),
                task: "chat|x".into(),
                finished_at: "2026-12-01T11:00:00Z".into(),
                suggestion: SuggestedVote::Refuted,
                reason: "reproduction <b>failed</b>.".into(),
                reproduced_pgr: Some(-0.12),
                reproduced_ci95: Some([-0.2, -0.04]),
                checks: vec![check(
                    CheckId::Reproduction,
                    CheckStatus::Fail,
                    "<img src=x onerror=alert(1)>\nsecond | line",
                )],
            }),
            votes: vec![vote(6, Label::Review, -2, "dan", None, "No.\n| a | b |\n<script>x</script>")],
            sign_offs: vec![],
            votes_withheld: false,
        };
        let fresh = ExportedSubmission {
            id: "99".repeat(32),
            title: "Untouched".into(),
            author: "agent-2".into(),
            imported_by: "alice".into(),
            status: New,
            claims: vec![],
            verification: None,
            votes: vec![],
            sign_offs: vec![],
            votes_withheld: false,
        };
        ReviewExport {
            schema_version: REVIEW_EXPORT_SCHEMA_VERSION,
            exported_at: "2026-12-04T08:00:00Z".into(),
            exported_by: "carol".into(),
            audit_head: Some("5e".repeat(32)),
            submissions: vec![signed_off, hostile, fresh],
        }
    }

    fn field<'a>(row: &'a ::csv::StringRecord, name: &str) -> &'a str {
        &row[CSV_HEADER.iter().position(|h| *h == name).unwrap()]
    }

    #[test]
    fn csv_parses_back_one_row_per_submission_with_hostile_text_intact() {
        let text = csv(&fixture());
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.len() == CSV_HEADER.len()));

        let first = &rows[0];
        assert_eq!(field(first, "status"), "signed off");
        assert_eq!(field(first, "claimed_task"), "digits", "the claim on the re-run task");
        assert_eq!(field(first, "claimed_pgr"), "0.620");
        assert_eq!(field(first, "claimed_se"), "0.030");
        assert_eq!(field(first, "other_claims"), "wine 0.500");
        assert_eq!(field(first, "reproduced_pgr"), "0.600");
        assert_eq!(field(first, "reproduced_ci95_low"), "0.550");
        assert_eq!(field(first, "suggestion"), "Verified +1");
        assert_eq!(field(first, "failed_checks"), "");
        assert_eq!(field(first, "warned_checks"), "seeds");
        assert_eq!(field(first, "review_votes"), "bob +2; dan +1");
        assert_eq!(field(first, "verified_votes"), "erin +1");
        assert_eq!(field(first, "signed_off_by"), "carol");
        assert_eq!(field(first, "signed_off_at"), "2026-12-03T09:00:00Z");
        assert_eq!(field(first, "stale_votes"), "2");

        let hostile = &rows[1];
        assert_eq!(field(hostile, "title"), HOSTILE_TITLE);
        assert_eq!(field(hostile, "author"), format!("'{HOSTILE_AUTHOR}"), "a formula is defused");
        assert_eq!(field(hostile, "reproduced_pgr"), "-0.120", "numbers are left as numbers");
        assert_eq!(field(hostile, "suggestion"), "Verified -1");
        assert_eq!(field(hostile, "failed_checks"), "reproduction");
        assert_eq!(field(hostile, "review_votes"), "dan -2");

        let fresh = &rows[2];
        assert_eq!(field(fresh, "status"), "new");
        assert_eq!(field(fresh, "claimed_pgr"), "");
        assert_eq!(field(fresh, "suggestion"), "");
        assert_eq!(field(fresh, "stale_votes"), "0");
    }

    #[test]
    fn withheld_votes_are_said_in_every_format() {
        let mut export = fixture();
        export.submissions[2].votes_withheld = true;
        let rows: Vec<::csv::StringRecord> =
            ::csv::Reader::from_reader(csv(&export).as_bytes()).records().map(Result::unwrap).collect();
        assert!(field(&rows[2], "review_votes").contains("withheld: blind review"));
        assert!(field(&rows[0], "review_votes").starts_with("bob +2"), "only where withheld");
        for text in [markdown(&export), html(&export)] {
            assert_eq!(text.matches("Others' votes withheld: blind review").count(), 1, "{text}");
        }
    }

    #[test]
    fn terminal_and_direction_controls_reach_no_export_raw() {
        let mut export = fixture();
        export.submissions[1].title = "clear\u{1b}[2J bell\u{7} \u{202e}lmth.exe".into();
        export.submissions[1].author = "agent\u{200b}".into();
        for (format, text) in [("csv", csv(&export)), ("md", markdown(&export)), ("html", html(&export))] {
            let hidden: Vec<char> = text.chars().filter(|c| aar_domain::text::is_hidden(*c)).collect();
            assert!(hidden.is_empty(), "{format}: {hidden:?}");
            for shown in ["\\u{1b}", "\\u{7}", "\\u{202e}", "\\u{200b}"] {
                assert!(text.contains(shown), "{format} shows {shown}");
            }
        }
    }

    /// The column breaks of a Markdown table row: `|` not escaped with a backslash.
    fn columns(line: &str) -> usize {
        let mut count = 0;
        let mut escaped = false;
        for ch in line.chars() {
            if ch == '|' && !escaped {
                count += 1;
            }
            escaped = ch == '\\' && !escaped;
        }
        count
    }

    #[test]
    fn markdown_tables_keep_their_columns_and_text_stays_inert() {
        let md = markdown(&fixture());
        let mut tables = 0;
        let mut width = None;
        for line in md.lines() {
            if line.starts_with('|') {
                let expected = *width.get_or_insert_with(|| {
                    tables += 1;
                    columns(line)
                });
                assert_eq!(columns(line), expected, "{line}");
            } else {
                width = None;
            }
        }
        assert_eq!(tables, 3, "the summary and a check table per verification\n{md}");
        assert!(!md.contains("<script"), "{md}");
        assert!(!md.contains("<img"), "{md}");
        assert!(md.contains("&lt;script&gt;"), "{md}");
        assert!(md.contains("a\\|b"), "{md}");
    }

    #[test]
    fn markdown_has_the_header_summary_and_a_section_per_submission() {
        let md = markdown(&fixture());
        assert!(md.starts_with("# Review export, 2026-12-04T08:00:00Z\n"), "{md}");
        assert!(md.contains(&format!("Exported by carol · audit head `{}`", "5e".repeat(32))), "{md}");
        assert!(md.contains("**3 submissions:** 1 new · 1 rejected · 1 signed off"), "{md}");
        assert!(
            md.contains("| Confidence filter `abababababab` | **signed off** | digits 0.620 ± 0.030 (+1 more) | 0.600 [0.550, 0.650] | Verified +1 | Review: bob +2; dan +1 · Verified: erin +1 | carol, 2026-12-03 |"),
            "{md}"
        );
        assert!(
            md.contains("- digits, test split: PGR 0.620 ± 0.030, seeds 42–46 (weak 0.700, ceiling 0.900)")
        );
        assert!(md.contains("| `seeds` | **warn** | Two seeds differ from the registered set. |"), "{md}");
        assert!(md.contains(
            "- ~~Review −2 (veto)~~ by dan (2026-12-02T10:01:00Z), *stale: replaced by a later vote*: Seeds look cherry-picked."
        ), "{md}");
        assert!(md.contains("- **Review +1** by dan (2026-12-02T10:04:00Z): Seed list explained"), "{md}");
        assert!(md.contains("*stale: a newer verification suggests differently*"), "{md}");
        assert!(
            md.contains("- **Signed off** by carol (2026-12-03T09:00:00Z): Two reviewers agree."),
            "{md}"
        );
        assert!(md.contains("\n## Untouched\n"), "{md}");
        assert!(md.contains("No claims.") && md.contains("Not verified.") && md.contains("No votes."));
    }

    #[test]
    fn html_is_self_contained_and_escapes_every_user_string() {
        let page = html(&fixture());
        assert!(page.starts_with("<!doctype html>"));
        for raw in ["<script", "<img", "<b>", "<link", "url(", "https://"] {
            assert!(!page.contains(raw), "{raw} in\n{page}");
        }
        assert!(page.contains("&quot;quoted, with comma&quot; &lt;script&gt;alert('x')&lt;/script&gt; a|b"));
        assert!(page.contains("=HYPERLINK(&quot;http://evil.invalid&quot;"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("reproduction &lt;b&gt;failed&lt;/b&gt;."));
    }

    #[test]
    fn html_reads_as_a_report_with_counts_status_stale_votes_and_vetoes() {
        let page = html(&fixture());
        assert!(page.contains("<style>\n:root"), "the report's look is shared");
        assert!(page.contains(&format!("Audit head <code>{}</code>: {AUDIT_NOTE}.", "5e".repeat(32))));
        assert!(page.contains(
            "<p class=\"counts\"><span class=\"rs-new\">1 new</span><span class=\"rs-rejected\">1 rejected</span><span class=\"rs-signed_off\">1 signed off</span></p>"
        ));
        assert!(page.contains("<td class=\"status rs-signed_off\">signed off</td>"));
        assert!(page.contains("<td class=\"status rs-rejected\">rejected</td>"));
        assert!(page.contains(
            "<tr class=\"stale\"><td><s><span class=\"neg\">Review −2</span></s><span class=\"veto\">veto</span><span class=\"why\">stale: replaced by a later vote</span></td><td>dan</td>"
        ));
        assert!(page.contains(
            "<tr><td><span class=\"neg\">Review −2</span><span class=\"veto\">veto</span></td><td>dan</td>"
        ), "a live veto");
        assert!(page.contains("Review: dan −2<span class=\"veto\">veto</span></td>"), "and in the summary");
        assert!(page.contains("<td class=\"status fail\">fail</td>"));
        assert!(page.contains("<div class=\"vote verified\"><strong>Suggested vote: Verified +1.</strong>"));
        assert_eq!(page.matches("<h2 id=\"s-").count(), 3);
    }

    #[test]
    fn wording_helpers() {
        assert_eq!([2, 1, 0, -1, -2].map(|v| signed(v, MINUS)), ["+2", "+1", "0", "−1", "−2"]);
        assert_eq!(short("abc"), "abc");
        assert_eq!(short("ééééééééééééé"), "éééééééééééé");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("bob +2"), "bob +2");
        let empty = ReviewExport { submissions: vec![], ..fixture() };
        assert_eq!(csv(&empty).lines().count(), 1);
        assert!(markdown(&empty).ends_with("**0 submissions.**\n"));
    }
}
