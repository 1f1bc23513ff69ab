//! Negative control: on a pack whose teacher the student can copy exactly, vanilla recovers
//! nothing (PGR ≈ 0), so a teacher method has no teacher errors to correct and should not beat
//! it. The method's PGR there is shown against 0 (seed and split noise) and compared with
//! vanilla's seed by seed (the paired test, split-noise floor included). Significantly above
//! vanilla (p < 0.05, i.e. beyond ≈ 1.96 × the paired SE) fails for a teacher method — its gain
//! comes from somewhere other than the teacher's errors — and warns for a declared unsupervised
//! one, which is expected to gain there. Within the noise it passes, unless the comparison's MDE
//! exceeds [`MAX_MDE`] PGR: inconclusive. No negative-control pack: not applicable.

use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Unit};

use crate::stats::{self, Metric, Paired, RunSummary};
use crate::{Evidence, num, result};

/// Above this MDE (PGR) the control cannot tell a meaningful gain from noise.
pub const MAX_MDE: f64 = 0.2;

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
    let mut r = if paired.significantly_positive() {
        match e.manifest.family {
            MethodFamily::Teacher => result(
                CheckId::NegativeControl,
                CheckStatus::Fail,
                format!(
                    "On the negative control {name} the method beats vanilla ({comparison}): its gain \
                     comes from somewhere other than the teacher's errors."
                ),
            ),
            MethodFamily::Unsupervised => result(
                CheckId::NegativeControl,
                CheckStatus::Warn,
                format!(
                    "On the negative control {name} the method beats vanilla ({comparison}), as an \
                     unsupervised method may; confirm it reads nothing but the inputs it is given."
                ),
            ),
        }
    } else if paired.mde > MAX_MDE {
        let mut r = result(
            CheckId::NegativeControl,
            CheckStatus::Warn,
            format!(
                "Inconclusive: on the negative control {name} ({comparison}) the comparison can only \
                 detect {} PGR, more than {MAX_MDE}.",
                num(paired.mde)
            ),
        );
        r.inconclusive = true;
        r
    } else {
        result(
            CheckId::NegativeControl,
            CheckStatus::Pass,
            format!(
                "On the negative control {name} the method does not beat vanilla ({comparison}; \
                detectable {}).",
                num(paired.mde)
            ),
        )
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

    #[test]
    fn matching_vanilla_on_the_control_passes() {
        let s = Scenario::honest(150, 1500);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.detectable.unwrap() <= MAX_MDE);
    }

    #[test]
    fn a_gain_on_the_control_fails_a_teacher_method_and_warns_an_unsupervised_one() {
        let mut s = Scenario::honest(150, 1500);
        s.control.as_mut().unwrap().1 = run_pgr(
            "digits-copyable",
            EvalSplit::Private,
            "logconf",
            &SEEDS,
            &[0.30, 0.32, 0.29, 0.31, 0.28],
        );
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("somewhere other than the teacher's errors"), "{}", r.summary);
        s.manifest.family = MethodFamily::Unsupervised;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Warn);
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
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        s.control = None;
        assert_eq!(check(&s.evidence()).status, CheckStatus::NotApplicable);
    }
}
