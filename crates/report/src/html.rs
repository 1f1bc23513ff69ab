//! The report as one self-contained HTML file: inline CSS (light and dark, following the
//! reader's setting), inline SVG, no script and nothing fetched, so it opens offline and can be
//! attached to a discussion as is.

use std::fmt::Write as _;

use aar_review_schemas::verification::{CheckResult, CheckStatus, SuggestedVote, VerificationReport};

use crate::markdown::seeds;
use crate::plot::seed_plot;
use crate::{figure_value, number, optional, status_text, unit_name, vote_text};

/// The report look, shared with the review export: light and dark, following the reader's setting.
pub(crate) const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1d1f23; --muted: #5f6670; --bg: #fbfbfa; --line: #d9dbde;
  --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --na: #6e7781; --claimed: #8250df; --repro: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e7e9; --muted: #9aa1ab; --bg: #17191c; --line: #33373d;
  --pass: #3fb950; --warn: #d29922; --fail: #f85149; --na: #8b949e; --claimed: #bc8cff; --repro: #58a6ff; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 960px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 6px; border-top: 1px solid var(--line); padding-top: 12px; }
.meta, .muted { color: var(--muted); } code { font: 12px ui-monospace, monospace; }
.vote { font-size: 16px; padding: 8px 12px; border-left: 4px solid var(--na); margin: 12px 0; }
.vote.refuted { border-color: var(--fail); } .vote.verified { border-color: var(--pass); } .vote.human { border-color: var(--warn); }
table { border-collapse: collapse; margin: 6px 0; } td, th { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
.status { font-weight: 600; text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
.pass { color: var(--pass); } .warn { color: var(--warn); } .fail { color: var(--fail); } .not_applicable { color: var(--na); }
svg .grid { stroke: var(--line); } svg .tick { fill: var(--muted); font: 10px system-ui, sans-serif; }
svg .claimed { fill: none; stroke: var(--claimed); stroke-width: 2; } svg .reproduced { fill: var(--repro); } svg .baseline { fill: var(--muted); }
.legend span { margin-right: 14px; }
"#;

pub fn html(r: &VerificationReport) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Verification: {}</title><style>{STYLE}</style></head><body>",
        escape(&r.title)
    );
    let _ = write!(out, "<h1>Verification of “{}”</h1>", escape(&r.title));
    let _ = write!(
        out,
        "<div class=\"meta\">submission <code>{}</code> · method <code>{}</code> · {} method · pack <code>{}</code>, {} split · seeds {} · {} ({}) · engine {} · {:.0} s · {}</div>",
        escape(&r.submission_id),
        escape(r.method_sha256.as_deref().unwrap_or("—")),
        r.family.as_str(),
        escape(&r.task),
        r.eval_split,
        seeds(&r.seeds),
        r.device.backend,
        escape(&r.device.adapter),
        escape(&r.engine_version),
        r.total_seconds,
        escape(&r.finished_at),
    );
    if let Some(note) = r.fresh_data_note() {
        let _ = write!(out, "<div class=\"meta\">{}</div>", escape(&note));
    }
    suggestion(&mut out, r.suggestion.vote, &r.suggestion.reason);
    out.push_str("<table><tr><th>check</th><th>status</th><th>finding</th></tr>");
    for c in &r.checks {
        let _ = write!(
            out,
            "<tr><td><a href=\"#{id}\"><code>{id}</code></a></td><td class=\"status {cls}\">{}</td><td>{}</td></tr>",
            status_text(c),
            escape(&c.summary),
            id = c.id,
            cls = status_class(c.status),
        );
    }
    out.push_str("</table>");
    for c in &r.checks {
        check(&mut out, c);
    }
    out.push_str("</body></html>\n");
    out
}

/// The suggested vote as a banner, its border coloured by the vote.
pub(crate) fn suggestion(out: &mut String, vote: SuggestedVote, reason: &str) {
    let class = match vote {
        SuggestedVote::Verified => "verified",
        SuggestedVote::Refuted => "refuted",
        SuggestedVote::NeedsHuman => "human",
    };
    let _ = write!(
        out,
        "<div class=\"vote {class}\"><strong>Suggested vote: {}.</strong> {}</div>",
        vote_text(vote),
        escape(reason)
    );
}

fn status_class(status: CheckStatus) -> &'static str {
    status.as_str()
}

fn check(out: &mut String, c: &CheckResult) {
    let _ = write!(
        out,
        "<h2 id=\"{id}\"><code>{id}</code> <span class=\"status {}\">{}</span></h2><p>{}</p>",
        status_class(c.status),
        status_text(c),
        escape(&c.summary),
        id = c.id,
    );
    if let (Some(d), Some(unit)) = (c.detectable, c.detectable_unit) {
        let _ = write!(
            out,
            "<p class=\"muted\">Smallest difference this check could detect (α = 0.05, power 0.8): {} {}.</p>",
            number(d, unit),
            unit_name(unit)
        );
    }
    if !c.figures.is_empty() {
        out.push_str("<table><tr><th>figure</th><th>value [95% CI]</th></tr>");
        for f in &c.figures {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&f.label),
                figure_value(f)
            );
        }
        out.push_str("</table>");
    }
    if let Some(svg) = seed_plot(&c.per_seed) {
        out.push_str("<div class=\"legend muted\"><span><svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"4\" class=\"claimed\"/></svg> claimed</span><span><svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"4\" class=\"reproduced\"/></svg> reproduced</span><span><svg width=\"12\" height=\"12\"><rect x=\"2\" y=\"2\" width=\"8\" height=\"8\" class=\"baseline\"/></svg> baseline</span></div>");
        out.push_str(&svg);
    }
    if !c.per_seed.is_empty() {
        out.push_str("<table><tr><th>seed</th><th>claimed</th><th>reproduced</th><th>baseline</th></tr>");
        for s in &c.per_seed {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                s.seed,
                optional(s.claimed),
                optional(s.reproduced),
                optional(s.baseline)
            );
        }
        out.push_str("</table>");
    }
    if let Some(m) = &c.matrix {
        out.push_str("<table><tr><th></th>");
        for col in &m.columns {
            let _ = write!(out, "<th>{}</th>", escape(col));
        }
        out.push_str("</tr>");
        for row in &m.rows {
            let _ = write!(out, "<tr><td>{}</td>", escape(&row.label));
            for v in &row.cells {
                let _ = write!(out, "<td class=\"num\">{}</td>", optional(*v));
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    if !c.notes.is_empty() {
        out.push_str("<ul>");
        for note in &c.notes {
            let _ = write!(out, "<li>{}</li>", escape(note));
        }
        out.push_str("</ul>");
    }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_self_contained_and_shows_the_vote_checks_and_plot() {
        let page = html(&crate::fixtures::report());
        assert!(page.starts_with("<!doctype html>"));
        assert!(!page.contains("<script"), "no script");
        assert!(
            !page.contains("http://")
                || page.matches("http://").count()
                    == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
            "nothing fetched"
        );
        assert!(!page.contains("https://"));
        assert!(page.contains("<strong>Suggested vote: Verified −1.</strong>"));
        assert!(page.contains("class=\"status fail\">fail</td>"));
        assert!(page.contains("class=\"status warn\">inconclusive</span>"));
        assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox"));
        assert!(page.contains("<td>wine</td><td class=\"num\">0.500</td><td class=\"num\">—</td>"));
    }

    #[test]
    fn submission_text_is_escaped() {
        let page = html(&crate::fixtures::report());
        assert!(page.contains("Confidence &lt;filter&gt; &amp; friends"));
        assert!(!page.contains("<filter>"));
        assert!(page.contains("<li>a &lt;note&gt;</li>"));
    }
}
