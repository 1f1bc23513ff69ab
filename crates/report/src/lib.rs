//! A verification report, readable on its own: the suggested vote at the top, then every check
//! with its status, sentence and evidence, the claimed-vs-reproduced PGR per seed as a plot, and
//! the generalisation matrix. Markdown is for pasting into a discussion; HTML is one
//! self-contained file (inline CSS and SVG, no script, nothing fetched).
//!
//! Both renderers only display: every status and sentence comes from `aar-checks`. What they
//! render passes through [`aar_domain::text::visible`] on the way out: a title, a post or a
//! method's error message with terminal controls or direction-changing characters in it shows
//! them written out, and acts on nobody who opens the file.
//!
//! [`export`] renders the review export (every submission with its claims, verification, votes
//! and sign-offs) the same ways, and as CSV for a spreadsheet.

pub mod export;
mod html;
mod markdown;
mod plot;

/// The report as one self-contained HTML page.
pub fn html(r: &aar_review_schemas::verification::VerificationReport) -> String {
    shown(html::html(r))
}

/// The report as Markdown.
pub fn markdown(r: &aar_review_schemas::verification::VerificationReport) -> String {
    shown(markdown::markdown(r))
}

/// `text` with every hidden character written out ([`aar_domain::text::visible`]).
pub(crate) fn shown(text: String) -> String {
    match aar_domain::text::visible(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

use aar_review_schemas::verification::{CheckResult, CheckStatus, Figure, SuggestedVote, Unit};

/// How a vote reads in a heading.
pub(crate) fn vote_text(vote: SuggestedVote) -> &'static str {
    match vote {
        SuggestedVote::Verified => "Verified +1",
        SuggestedVote::Refuted => "Verified −1",
        SuggestedVote::NeedsHuman => "needs a human",
    }
}

pub(crate) fn status_text(check: &CheckResult) -> &'static str {
    match (check.status, check.inconclusive) {
        (CheckStatus::Warn, true) => "inconclusive",
        (status, _) => status.as_str(),
    }
}

/// A number in its unit: PGR and accuracy to three places, p-values in full up to 1e-4.
pub(crate) fn number(value: f64, unit: Unit) -> String {
    match unit {
        Unit::PValue if value < 1e-4 => "< 0.0001".to_owned(),
        Unit::PValue => format!("{value:.4}"),
        Unit::Count => format!("{value:.0}"),
        Unit::Pgr | Unit::Accuracy | Unit::Ratio => format!("{value:.3}"),
    }
}

pub(crate) fn figure_value(f: &Figure) -> String {
    let mut text = number(f.value, f.unit);
    if let Some([lo, hi]) = f.ci95 {
        text.push_str(&format!(" [{}, {}]", number(lo, f.unit), number(hi, f.unit)));
    }
    text
}

pub(crate) fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Pgr => "PGR",
        Unit::Accuracy => "accuracy",
        Unit::PValue => "p",
        Unit::Count => "count",
        Unit::Ratio => "ratio",
    }
}

pub(crate) fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

#[cfg(test)]
pub(crate) mod fixtures {
    use aar_review_schemas::bundle::MethodFamily;
    use aar_review_schemas::run::DeviceRecord;
    use aar_review_schemas::verification::*;
    use aar_review_schemas::vocab::{Backend, DeviceChoice, EvalSplit};

    pub fn report() -> VerificationReport {
        VerificationReport {
            schema_version: VERIFICATION_SCHEMA_VERSION,
            submission_id: "ab".repeat(32),
            title: "Confidence <filter> & friends".into(),
            method_sha256: Some("cd".repeat(32)),
            family: MethodFamily::Teacher,
            seeds: vec![42, 43, 44, 45, 46],
            task: "digits".into(),
            eval_split: EvalSplit::Private,
            device: DeviceRecord {
                requested: DeviceChoice::Cpu,
                backend: Backend::Flex,
                adapter: "CPU (flex)".into(),
            },
            engine_version: "0.1.0".into(),
            suggestion: Suggestion { vote: SuggestedVote::Refuted, reason: "reproduction failed.".into() },
            checks: vec![
                CheckResult {
                    id: CheckId::Reproduction,
                    status: CheckStatus::Fail,
                    summary: "Claimed 0.62, replay gives 0.41.".into(),
                    inconclusive: false,
                    detectable: Some(0.01),
                    detectable_unit: Some(Unit::Pgr),
                    figures: vec![Figure {
                        label: "reproduced PGR (private)".into(),
                        value: 0.41,
                        unit: Unit::Pgr,
                        ci95: Some([0.3, 0.5]),
                    }],
                    per_seed: (42..47)
                        .map(|s| SeedEvidence {
                            seed: s,
                            claimed: Some(0.62),
                            reproduced: Some(0.4 + (s - 42) as f64 * 0.01),
                            baseline: None,
                        })
                        .collect(),
                    matrix: None,
                    notes: vec![],
                },
                CheckResult {
                    id: CheckId::Generalisation,
                    status: CheckStatus::Warn,
                    summary: "Holds on one family only.".into(),
                    inconclusive: true,
                    detectable: None,
                    detectable_unit: None,
                    figures: vec![],
                    per_seed: vec![],
                    matrix: Some(Matrix {
                        columns: vec!["method PGR".into(), "vanilla PGR".into()],
                        rows: vec![MatrixRow { label: "wine".into(), cells: vec![Some(0.5), None] }],
                    }),
                    notes: vec!["a <note>".into()],
                },
            ],
            runs: vec![],
            started_at: "2026-12-01T10:00:00Z".into(),
            finished_at: "2026-12-01T10:05:00Z".into(),
            total_seconds: 300.0,
        }
    }

    #[test]
    fn a_report_shows_hidden_characters_written_out() {
        let mut r = report();
        r.title = "title\u{1b}]0;owned\u{7} \u{202e}desrever".into();
        for (format, text) in [("md", crate::markdown(&r)), ("html", crate::html(&r))] {
            assert!(!text.chars().any(aar_domain::text::is_hidden), "{format}");
            for shown in ["title\\u{1b}", "owned\\u{7} \\u{202e}desrever"] {
                assert!(text.contains(shown), "{format} shows {shown}");
            }
        }
    }
}
