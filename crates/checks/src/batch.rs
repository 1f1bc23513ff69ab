//! Multiple-comparison corrections for a batch of submissions: the best of many noisy submissions
//! is biased upward, so p-values across a batch are shown raw and corrected. Holm controls the
//! family-wise error (step-down: the i-th smallest p times m − i + 1, made monotone); Benjamini–
//! Hochberg controls the false discovery rate (the i-th smallest p times m/i, made monotone from
//! the top). Both return adjusted p-values in the input's order, capped at 1; a missing p-value
//! stays missing and does not count towards m.
//!
//! The correction decides, it does not only display: a gain `significance` passed on its raw p
//! that Holm's adjusted p no longer carries (≥ α) is not a verified gain across the batch, so
//! [`corrected_vote`] downgrades a suggested +1 to needs-human and says why. Holm rather than BH
//! decides because a +1 is a claim about each submission, whose error rate Holm bounds (BH only
//! bounds the share of false gains among those called significant).

use aar_review_schemas::verification::{CheckId, CheckStatus, SuggestedVote, VerificationReport};

use crate::stats::ALPHA;

/// One submission's significance across a batch: raw, Holm and Benjamini–Hochberg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corrected {
    /// The mean paired PGR difference against vanilla.
    pub delta_pgr: Option<f64>,
    pub p: Option<f64>,
    pub holm: Option<f64>,
    pub bh: Option<f64>,
}

/// The `significance` p-values of a batch of verifications, corrected across the batch (in the
/// reports' order). A report without a significance p (a stopped verification) stays out of m.
pub fn corrected(reports: &[&VerificationReport]) -> Vec<Corrected> {
    let significance =
        |r: &VerificationReport| r.checks.iter().find(|c| c.id == CheckId::Significance).cloned();
    let checks: Vec<_> = reports.iter().map(|r| significance(r)).collect();
    let p: Vec<Option<f64>> =
        checks.iter().map(|c| c.as_ref().and_then(crate::significance::decision_p)).collect();
    let (holm, bh) = (holm(&p), benjamini_hochberg(&p));
    checks
        .iter()
        .enumerate()
        .map(|(i, c)| Corrected {
            delta_pgr: c.as_ref().and_then(crate::significance::delta_pgr),
            p: p[i],
            holm: holm[i],
            bh: bh[i],
        })
        .collect()
}

/// A verification's suggested vote once its significance is corrected across a batch of `m`
/// verifications with a p-value, and the sentence that says why when the correction changed
/// anything: a gain that passed at its raw p but not at its Holm-adjusted p is not verified.
pub fn corrected_vote(
    report: &VerificationReport,
    c: &Corrected,
    m: usize,
) -> (SuggestedVote, Option<String>) {
    let vote = report.suggestion.vote;
    let passed_on_gain = report
        .checks
        .iter()
        .any(|check| check.id == CheckId::Significance && check.status == CheckStatus::Pass)
        && c.delta_pgr.is_some_and(|d| d > 0.0)
        && c.p.is_some_and(|p| p < ALPHA);
    match c.holm {
        Some(holm) if passed_on_gain && holm >= ALPHA => {
            let downgraded = if vote == SuggestedVote::Verified { SuggestedVote::NeedsHuman } else { vote };
            let note = format!(
                "significance passed at p = {:.4}, but not after Holm's correction across the {m} \
                 verifications of this batch (adjusted p = {holm:.4} ≥ {ALPHA}): the gain over vanilla is \
                 not verified{}.",
                c.p.unwrap_or(f64::NAN),
                if vote == SuggestedVote::Verified { ", so the +1 becomes needs-human" } else { "" }
            );
            (downgraded, Some(note))
        }
        _ => (vote, None),
    }
}

/// Holm-adjusted p-values (reject at level α where the adjusted p ≤ α).
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let order = ascending(p);
    let m = order.len();
    let mut adjusted = vec![None; p.len()];
    let mut running = 0.0_f64;
    for (rank, &(index, value)) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * value).min(1.0));
        adjusted[index] = Some(running);
    }
    adjusted
}

/// Benjamini–Hochberg-adjusted p-values (q-values; reject at FDR q where the adjusted p ≤ q).
pub fn benjamini_hochberg(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let order = ascending(p);
    let m = order.len();
    let mut adjusted = vec![None; p.len()];
    let mut running = 1.0_f64;
    for (rank, &(index, value)) in order.iter().enumerate().rev() {
        running = running.min((m as f64 / (rank + 1) as f64 * value).min(1.0));
        adjusted[index] = Some(running);
    }
    adjusted
}

/// The present p-values with their positions, smallest first (ties keep input order).
fn ascending(p: &[Option<f64>]) -> Vec<(usize, f64)> {
    let mut present: Vec<(usize, f64)> =
        p.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    present.sort_by(|a, b| a.1.total_cmp(&b.1));
    present
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-12,
                (None, None) => true,
                _ => false,
            })
    }

    #[test]
    fn holm_matches_hand_computation() {
        // sorted .005 .01 .03 .04 → ×4 ×3 ×2 ×1 = .02 .03 .06 .04 → monotone .02 .03 .06 .06
        let got = holm(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005)]);
        assert!(close(&got, &[Some(0.03), Some(0.06), Some(0.06), Some(0.02)]), "{got:?}");
    }

    #[test]
    fn bh_matches_hand_computation() {
        // sorted .005 .01 .03 .04 → ×4/1 ×4/2 ×4/3 ×4/4 = .02 .02 .04 .04 (already monotone)
        let got = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005)]);
        assert!(close(&got, &[Some(0.02), Some(0.04), Some(0.04), Some(0.02)]), "{got:?}");
        // Step-up monotonicity: .04 × 3/2 = .06 is lowered to the .05 of the largest.
        let got = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.05)]);
        assert!(close(&got, &[Some(0.03), Some(0.05), Some(0.05)]), "{got:?}");
    }

    #[test]
    fn missing_values_stay_missing_and_do_not_count() {
        let got = holm(&[Some(0.02), None, Some(0.5)]);
        assert!(close(&got, &[Some(0.04), None, Some(0.5)]), "{got:?}");
        let got = benjamini_hochberg(&[None, Some(0.02), Some(0.5)]);
        assert!(close(&got, &[None, Some(0.04), Some(0.5)]), "{got:?}");
        assert!(holm(&[]).is_empty());
        // Capped at 1.
        assert_eq!(holm(&[Some(0.6), Some(0.7)]), vec![Some(1.0), Some(1.0)]);
    }

    fn report(p: Option<f64>) -> VerificationReport {
        use aar_review_schemas::verification::*;
        let mut significance = crate::result(CheckId::Significance, CheckStatus::Warn, String::new());
        if let Some(p) = p {
            significance.figures = vec![
                Figure {
                    label: crate::significance::DELTA_LABEL.into(),
                    value: 0.05,
                    unit: Unit::Pgr,
                    ci95: None,
                },
                Figure {
                    label: crate::significance::DECISION_LABEL.into(),
                    value: p,
                    unit: Unit::PValue,
                    ci95: None,
                },
            ];
        }
        VerificationReport {
            schema_version: VERIFICATION_SCHEMA_VERSION,
            submission_id: String::new(),
            title: String::new(),
            method_sha256: None,
            family: Default::default(),
            seeds: vec![],
            task: String::new(),
            eval_split: aar_review_schemas::vocab::EvalSplit::Private,
            device: aar_review_schemas::run::DeviceRecord {
                requested: Default::default(),
                backend: aar_review_schemas::vocab::Backend::Flex,
                adapter: String::new(),
            },
            engine_version: String::new(),
            suggestion: crate::suggest(&[]),
            checks: vec![significance],
            runs: vec![],
            started_at: String::new(),
            finished_at: String::new(),
            total_seconds: 0.0,
        }
    }

    #[test]
    fn a_batch_is_corrected_over_the_reports_that_have_a_p_value() {
        let reports = [report(Some(0.01)), report(None), report(Some(0.04)), report(Some(0.03))];
        let refs: Vec<&VerificationReport> = reports.iter().collect();
        let c = corrected(&refs);
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
        // m = 3: Holm 0.03, 0.06, 0.06; BH 0.03, 0.04, 0.04.
        assert!(close(c[0].holm, 0.03) && close(c[2].holm, 0.06) && close(c[3].holm, 0.06), "{c:?}");
        assert!(close(c[0].bh, 0.03) && close(c[2].bh, 0.04) && close(c[3].bh, 0.04), "{c:?}");
        assert_eq!((c[1].p, c[1].holm, c[1].bh), (None, None, None));
        assert_eq!(c[0].delta_pgr, Some(0.05));
    }

    #[test]
    fn a_gain_that_does_not_survive_holm_is_not_verified() {
        use aar_review_schemas::verification::{CheckStatus, SuggestedVote};
        // Four verifications, raw p .01 .04 .03 .005: Holm .03 .06 .06 .02 (m = 4).
        let mut reports: Vec<VerificationReport> =
            [0.01, 0.04, 0.03, 0.005].iter().map(|p| report(Some(*p))).collect();
        for r in &mut reports {
            r.checks[0].status = CheckStatus::Pass;
            r.suggestion.vote = SuggestedVote::Verified;
        }
        let refs: Vec<&VerificationReport> = reports.iter().collect();
        let c = corrected(&refs);
        let votes: Vec<(SuggestedVote, Option<String>)> =
            reports.iter().zip(&c).map(|(r, c)| corrected_vote(r, c, 4)).collect();
        assert_eq!(votes[0], (SuggestedVote::Verified, None));
        assert_eq!(votes[3], (SuggestedVote::Verified, None));
        for i in [1, 2] {
            assert_eq!(votes[i].0, SuggestedVote::NeedsHuman, "{votes:?}");
            let note = votes[i].1.as_deref().unwrap();
            assert!(note.contains("Holm's correction across the 4 verifications"), "{note}");
            assert!(note.contains("adjusted p = 0.0600"), "{note}");
        }
        // A refuted verification stays refuted, with the note; a warned significance is untouched.
        reports[1].suggestion.vote = SuggestedVote::Refuted;
        assert_eq!(corrected_vote(&reports[1], &c[1], 4).0, SuggestedVote::Refuted);
        reports[2].checks[0].status = CheckStatus::Warn;
        assert_eq!(corrected_vote(&reports[2], &c[2], 4), (SuggestedVote::Verified, None));
    }
}
