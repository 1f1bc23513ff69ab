//! The report as Markdown (GitHub-flavoured tables), for pasting into a discussion.

use std::fmt::Write as _;

use aar_review_schemas::verification::{CheckResult, SuggestedVote, VerificationReport};

use crate::{figure_value, number, optional, status_text, unit_name, vote_text};

pub fn markdown(r: &VerificationReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Verification of “{}”\n", escape(&r.title));
    let _ = writeln!(out, "{}\n", suggestion(r.suggestion.vote, &r.suggestion.reason));
    let _ = writeln!(
        out,
        "Submission `{}` · method sha256 `{}` · family {} · pack `{}`, {} split · seeds {} · {} ({}) · engine {} · {:.0} s · {}\n",
        &r.submission_id[..12.min(r.submission_id.len())],
        r.method_sha256.as_deref().map_or("—", |d| &d[..12.min(d.len())]),
        r.family.as_str(),
        r.task,
        r.eval_split,
        seeds(&r.seeds),
        r.device.backend,
        escape(&r.device.adapter),
        r.engine_version,
        r.total_seconds,
        r.finished_at,
    );
    if let Some(note) = r.fresh_data_note() {
        let _ = writeln!(out, "{}\n", escape(&note));
    }
    let _ = writeln!(out, "| check | status | finding |\n|---|---|---|");
    for c in &r.checks {
        let _ = writeln!(out, "| `{}` | **{}** | {} |", c.id, status_text(c), cell(&c.summary));
    }
    for c in &r.checks {
        check(&mut out, c);
    }
    out
}

/// The suggested vote in bold, then its reason.
pub(crate) fn suggestion(vote: SuggestedVote, reason: &str) -> String {
    format!("**Suggested vote: {}.** {}", vote_text(vote), escape(reason))
}

fn check(out: &mut String, c: &CheckResult) {
    let _ = writeln!(out, "\n## `{}`: {}\n\n{}", c.id, status_text(c), escape(&c.summary));
    if let (Some(d), Some(unit)) = (c.detectable, c.detectable_unit) {
        let _ = writeln!(
            out,
            "\nSmallest difference this check could detect (α = 0.05, power 0.8): {} {}.",
            number(d, unit),
            unit_name(unit)
        );
    }
    if !c.figures.is_empty() {
        let _ = writeln!(out, "\n| figure | value [95% CI] |\n|---|---|");
        for f in &c.figures {
            let _ = writeln!(out, "| {} | {} |", cell(&f.label), figure_value(f));
        }
    }
    if !c.per_seed.is_empty() {
        let _ = writeln!(out, "\n| seed | claimed | reproduced | baseline |\n|---|---|---|---|");
        for s in &c.per_seed {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                s.seed,
                optional(s.claimed),
                optional(s.reproduced),
                optional(s.baseline)
            );
        }
    }
    if let Some(m) = &c.matrix {
        let _ =
            writeln!(out, "\n| | {} |", m.columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(out, "|---|{}", "---|".repeat(m.columns.len()));
        for row in &m.rows {
            let cells: Vec<String> = row.cells.iter().map(|v| optional(*v)).collect();
            let _ = writeln!(out, "| {} | {} |", cell(&row.label), cells.join(" | "));
        }
    }
    for note in &c.notes {
        let _ = writeln!(out, "\n- {}", escape(note));
    }
}

/// Seeds as a range when they are consecutive ("42–46"), else listed.
pub(crate) fn seeds(seeds: &[u64]) -> String {
    match (seeds.first(), seeds.last()) {
        (Some(first), Some(last)) if seeds.windows(2).all(|w| w[1] == w[0] + 1) && seeds.len() > 2 => {
            format!("{first}–{last}")
        }
        _ => seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// Text from a submission (its title) or a check, made inert: no HTML, no Markdown links.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// A table cell: escaped, on one line, without column breaks.
pub(crate) fn cell(text: &str) -> String {
    escape(text).replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_with_the_vote_and_lists_every_check_with_its_evidence() {
        let md = markdown(&crate::fixtures::report());
        assert!(md.contains("**Suggested vote: Verified −1.** reproduction failed."), "{md}");
        assert!(md.contains("| `reproduction` | **fail** | Claimed 0.62, replay gives 0.41. |"), "{md}");
        assert!(md.contains("| `generalisation` | **inconclusive** |"), "{md}");
        assert!(md.contains("| reproduced PGR (private) | 0.410 [0.300, 0.500] |"), "{md}");
        assert!(md.contains("| 42 | 0.620 | 0.400 | — |"), "{md}");
        assert!(md.contains("| wine | 0.500 | — |"), "{md}");
        assert!(md.contains("seeds 42–46"), "{md}");
    }

    #[test]
    fn text_from_the_submission_cannot_inject_markup() {
        let md = markdown(&crate::fixtures::report());
        assert!(md.contains("Confidence &lt;filter&gt; &amp; friends"), "{md}");
        assert!(md.contains("a &lt;note&gt;"), "{md}");
        assert!(!md.contains("<filter>"));
    }
}
