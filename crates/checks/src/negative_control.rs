//! Negative control: on a pack whose teacher the student can copy exactly, vanilla recovers
//! nothing (PGR ≈ 0), so a teacher method has no teacher errors to correct and should not beat
//! it. The method's PGR there is shown against 0 (seed and split noise) and compared with
//! vanilla's seed by seed (the paired test of `stats::Paired`).
//!
//! The rule is equivalence-style, because a control with thousands of examples makes negligible
//! differences significant:
//! - the gain over vanilla is beyond [`MARGIN`] (its whole 95% CI above the margin): fails a
//!   teacher method (its gain comes from somewhere other than the teacher's errors) and warns a
//!   declared unsupervised one, which may gain there;
//! - a significant gain whose CI reaches the margin warns, inconclusive;
//! - the gain is shown to be below what is at stake (its 95% CI below the larger of [`MARGIN`]
//!   and the gain over vanilla claimed on the primary pack, or reproduced there without a claim)
//!   and the comparison could have detected a gain that large (MDE ≤ it): passes, even when a
//!   gain within the margin is significant;
//! - otherwise it warns, inconclusive: the control cannot rule out a gain of that size.
//!
//! No negative-control pack: not applicable.

use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Unit};

use crate::stats::{self, Metric, Paired, RunSummary};
use crate::{Evidence, num, result};

/// The smallest gain over vanilla on the control (PGR) that fails a method. On a copyable teacher
/// vanilla's PGR is 0 and a copying student sits within about ±0.02 of it on the 5,000-example
/// control (latent-5k-copyable resolves paired differences of ≈ 0.015 PGR), while the gains over
/// vanilla that claims in this corpus rest on start at about 0.07 PGR. A twentieth of the gap is
/// three times that resolution and below any claimed gain: an effect smaller than it explains no
/// claim, and one larger cannot hide in the control's noise.
pub const MARGIN: f64 = 0.05;

pub fn check(e: &Evidence) -> CheckResult {
    let Some(nc) = &e.negative_control else {
        return result(
            CheckId::NegativeControl,
            CheckStatus::NotApplicable,
            "No negative-control pack was run.".to_owned(),
        );
    };
    let name = &nc.pack.name;
    let m = RunSummary::of(nc.method, nc.pack);
    let v = RunSummary::of(nc.vanilla, nc.pack);
    let (Some(m_pgr), Some(paired)) = (m.pgr, Paired::of_runs(nc.method, nc.vanilla, nc.pack, Metric::Pgr))
    else {
        let mut r = result(
            CheckId::NegativeControl,
            CheckStatus::Warn,
            format!("Inconclusive: PGR is undefined on {name}, or the method and vanilla share no seed."),
        );
        r.inconclusive = true;
        return r;
    };
    // What the control must be able to rule out: a gain as large as the one the method is
    // credited with on its own pack (a gain from elsewhere than the teacher's errors would show
    // here at about that size), and never less than the margin.
    let primary_gain = {
        let pe = &e.primary;
        match (e.claim, RunSummary::of(pe.vanilla, pe.pack).pgr) {
            (Some(c), Some(v)) => Some(c.pgr - v),
            _ => Paired::of_runs(pe.method, pe.vanilla, pe.pack, Metric::Pgr).map(|p| p.mean),
        }
    };
    let bound = primary_gain.unwrap_or(0.0).max(MARGIN);
    let v_text = v.pgr.map_or("undefined".to_owned(), num);
    let m_half = stats::tolerance(m.total_se());
    let comparison = format!(
        "method PGR {} (95% CI {:.3} to {:.3}) vs vanilla {v_text}, Δ {:+.3} (95% CI {:+.3} to {:+.3}{})",
        num(m_pgr),
        m_pgr - m_half,
        m_pgr + m_half,
        paired.mean,
        paired.ci95[0],
        paired.ci95[1],
        paired.p.map_or(String::new(), |p| format!(", {}", crate::p_value(p)))
    );
    let mut r = if paired.above(MARGIN) {
        match e.manifest.family {
            MethodFamily::Teacher => result(
                CheckId::NegativeControl,
                CheckStatus::Fail,
                format!(
                    "On the negative control {name} the method beats vanilla by more than the {MARGIN} \
                     PGR margin ({comparison}): its gain comes from somewhere other than the teacher's \
                     errors."
                ),
            ),
            MethodFamily::Unsupervised => result(
                CheckId::NegativeControl,
                CheckStatus::Warn,
                format!(
                    "On the negative control {name} the method beats vanilla by more than the {MARGIN} \
                     PGR margin ({comparison}), as an unsupervised method may; confirm it reads nothing \
                     but the inputs it is given."
                ),
            ),
        }
    } else if paired.significantly_positive() && !paired.below(MARGIN) {
        let mut r = result(
            CheckId::NegativeControl,
            CheckStatus::Warn,
            format!(
                "Inconclusive: on the negative control {name} the method beats vanilla ({comparison}), \
                 but not clearly beyond the {MARGIN} PGR margin."
            ),
        );
        r.inconclusive = true;
        r
    } else if paired.below(bound) && paired.mde <= bound {
        result(
            CheckId::NegativeControl,
            CheckStatus::Pass,
            format!(
                "On the negative control {name} the method gains less than {} PGR over vanilla \
                 ({comparison}; detectable {}; failing needs a gain beyond {MARGIN}).",
                num(bound),
                num(paired.mde)
            ),
        )
    } else {
        let mut r = result(
            CheckId::NegativeControl,
            CheckStatus::Warn,
            format!(
                "Inconclusive: on the negative control {name} ({comparison}) the comparison cannot rule \
                 out a gain of {} PGR, the gain at stake (it can only detect {}).",
                num(bound),
                num(paired.mde)
            ),
        );
        r.inconclusive = true;
        r
    };
    r.detectable = Some(paired.mde);
    r.detectable_unit = Some(Unit::Pgr);
    let mut figures = vec![Figure {
        label: format!("method PGR on {name} (vs 0; seed + split noise)"),
        value: m_pgr,
        unit: Unit::Pgr,
        ci95: Some([m_pgr - m_half, m_pgr + m_half]),
    }];
    if let Some(vp) = v.pgr {
        let half = stats::tolerance(v.total_se());
        figures.push(Figure {
            label: format!("vanilla PGR on {name}"),
            value: vp,
            unit: Unit::Pgr,
            ci95: Some([vp - half, vp + half]),
        });
    }
    figures.push(Figure {
        label: "Δ PGR (method − vanilla, paired)".to_owned(),
        value: paired.mean,
        unit: Unit::Pgr,
        ci95: Some(paired.ci95),
    });
    if let Some(p) = paired.p {
        figures.push(Figure { label: "p (paired)".to_owned(), value: p, unit: Unit::PValue, ci95: None });
    }
    r.figures = figures;
    r.per_seed = paired.seed_evidence();
    if paired.significantly_positive() && !paired.above(MARGIN) {
        r.notes.push(format!(
            "The gain over vanilla (Δ {:+.3}) is significant but not beyond the {MARGIN} PGR margin: with \
             {} examples a negligible effect is significant, so it fails nothing.",
            paired.mean, paired.n
        ));
    }
    if !nc.pack.negative_control {
        r.notes.push(format!("Pack {name} is not marked as a negative control in its task.json."));
    }
    r
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::bundle::MethodFamily;
    use aar_review_schemas::verification::CheckStatus;
    use aar_review_schemas::vocab::EvalSplit;

    use super::*;
    use crate::fixtures::{SEEDS, Scenario, pack, run_pgr};

    fn control_method(s: &mut Scenario, pgrs: &[f64]) {
        s.control.as_mut().unwrap().1 =
            run_pgr("digits-copyable", EvalSplit::Private, "logconf", &SEEDS, pgrs);
    }

    #[test]
    fn matching_vanilla_on_the_control_passes() {
        let s = Scenario::honest(150, 1500);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.detectable.unwrap() <= 0.35);
    }

    #[test]
    fn a_gain_beyond_the_margin_fails_a_teacher_method_and_warns_an_unsupervised_one() {
        let mut s = Scenario::honest(150, 1500);
        control_method(&mut s, &[0.30, 0.32, 0.29, 0.31, 0.28]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("somewhere other than the teacher's errors"), "{}", r.summary);
        assert!(r.summary.contains("0.05 PGR margin"), "{}", r.summary);
        s.manifest.family = MethodFamily::Unsupervised;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Warn);
    }

    #[test]
    fn a_significant_but_negligible_gain_on_a_large_control_passes() {
        // The demo's product-of-experts on latent-5k-copyable: Δ ≈ +0.016 PGR, significant with
        // 5,000 examples, while it claims no gain over vanilla on its own pack (0.2 vs 0.25).
        // By hand: seed SE .00228, floor √(.00624·.99376/5000)/.39 = .002856, SE .003655 on ≈ 26
        // df (t ≈ 2.055): CI ≈ +.0085 to +.0235, entirely below the .05 margin.
        let mut s = Scenario::honest(150, 5000);
        s.claim_mut().pgr = 0.2;
        control_method(&mut s, &[0.010, 0.022, 0.012, 0.020, 0.016]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        let delta = r.figures.iter().find(|f| f.label.starts_with("Δ PGR")).unwrap();
        let [lo, hi] = delta.ci95.unwrap();
        assert!((lo - 0.0085).abs() < 1e-3 && (hi - 0.0235).abs() < 1e-3, "{delta:?}");
        assert!(
            r.notes.iter().any(|n| n.contains("significant but not beyond the 0.05 PGR margin")),
            "{r:#?}"
        );
        // The same Δ under an honest claim of a gain passes too.
        s.claim_mut().pgr = 0.6;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn a_gain_straddling_the_margin_is_inconclusive_not_failed() {
        // Δ ≈ +0.06 with a CI reaching below .05: significant, not clearly beyond the margin.
        let mut s = Scenario::honest(150, 5000);
        control_method(&mut s, &[0.02, 0.10, 0.03, 0.09, 0.06]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive, "{r:#?}");
    }

    #[test]
    fn a_tiny_control_split_is_inconclusive() {
        let mut s = Scenario::honest(150, 1500);
        let mut tiny = pack("digits-copyable", 20, 20, 20);
        tiny.negative_control = true;
        let c = s.control.as_mut().unwrap();
        c.0 = tiny;
        c.1 = run_pgr(
            "digits-copyable",
            EvalSplit::Private,
            "logconf",
            &SEEDS,
            &[0.10, -0.10, 0.15, -0.05, 0.0],
        );
        // 20 examples over a gap of .39: no paired design detects less than
        // (7.85/(20 + 7.85))/.39 = .72 PGR, more than the .35 claimed.
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        assert!(r.detectable.unwrap() > 0.7, "{r:#?}");
        s.control = None;
        assert_eq!(check(&s.evidence()).status, CheckStatus::NotApplicable);
    }
}
