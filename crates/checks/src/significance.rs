//! Significance: is the method better than vanilla on the same seeds and split? The per-seed PGR
//! differences (method − vanilla) are tested with a paired t-test and an exact sign-flip test; the
//! split noise that does not cancel between the two students is floored at what the mean
//! accuracy difference implies (stats::Paired). A significant positive Δ passes; a significant
//! negative Δ fails when the claim says the method gains over vanilla; no significant difference
//! warns, and is inconclusive when the MDE exceeds the claimed gain (claim − vanilla's PGR, or the
//! reproduced Δ without a claim). A claim of no gain with no significant difference passes.

use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};

use crate::stats::{Metric, Paired, RunSummary};
use crate::{Evidence, claimed, num, result};

pub fn check(e: &Evidence) -> CheckResult {
    let pe = &e.primary;
    let split = pe.method.eval_split.as_str();
    let Some(p) = Paired::of_runs(pe.method, pe.vanilla, pe.pack, Metric::Pgr) else {
        let mut r = result(
            CheckId::Significance,
            CheckStatus::Warn,
            format!(
                "Inconclusive: the method and vanilla share no seed with a defined PGR on {} ({split}).",
                pe.pack.name
            ),
        );
        r.inconclusive = true;
        return r;
    };
    let vanilla_pgr = RunSummary::of(pe.vanilla, pe.pack).pgr;
    // The gain at stake: what the claim says over vanilla, else what the re-run shows.
    let (stake, stake_from) = match (e.claim, vanilla_pgr) {
        (Some(c), Some(v)) => (
            c.pgr - v,
            format!("claimed gain {} (claim {} − vanilla {})", num(c.pgr - v), claimed(c.pgr), num(v)),
        ),
        _ => (p.mean, format!("reproduced Δ {}", num(p.mean))),
    };
    let p_text = p.p.map_or("no p-value".to_owned(), crate::p_value);
    let delta = format!(
        "Δ PGR = {:+.3} (95% CI {:+.3} to {:+.3}, {p_text}, k = {})",
        p.mean,
        p.ci95[0],
        p.ci95[1],
        p.k()
    );
    let mut r = if p.significantly_positive() {
        result(
            CheckId::Significance,
            CheckStatus::Pass,
            format!("The method beats vanilla on {} ({split}): {delta}.", pe.pack.name),
        )
    } else if p.significantly_negative() && stake > 0.0 {
        result(
            CheckId::Significance,
            CheckStatus::Fail,
            format!(
                "The method is significantly worse than vanilla on {} ({split}) although a gain is \
                claimed: {delta}.",
                pe.pack.name
            ),
        )
    } else if p.significantly_negative() {
        result(
            CheckId::Significance,
            CheckStatus::Warn,
            format!("The method is significantly worse than vanilla on {} ({split}): {delta}.", pe.pack.name),
        )
    } else if stake <= 0.0 {
        result(
            CheckId::Significance,
            CheckStatus::Pass,
            format!(
                "No gain over vanilla is claimed and none is found on {} ({split}): {delta}.",
                pe.pack.name
            ),
        )
    } else if p.mde > stake {
        let mut r = result(
            CheckId::Significance,
            CheckStatus::Warn,
            format!(
                "Inconclusive: {delta} is not significant, and the paired comparison can only detect {} PGR, \
                 more than the {stake_from}.",
                num(p.mde)
            ),
        );
        r.inconclusive = true;
        r
    } else {
        result(
            CheckId::Significance,
            CheckStatus::Warn,
            format!(
                "No significant gain over vanilla on {} ({split}): {delta}, although the {stake_from} \
                 is above the detectable {}.",
                pe.pack.name,
                num(p.mde)
            ),
        )
    };
    r.detectable = Some(p.mde);
    r.detectable_unit = Some(Unit::Pgr);
    r.figures = figures(&p);
    r.per_seed = p
        .seeds
        .iter()
        .zip(p.a.iter().zip(&p.b))
        .map(|(seed, (a, b))| SeedEvidence {
            seed: *seed,
            claimed: e.claim.and_then(|c| c.per_seed.iter().find(|s| s.seed == *seed)).map(|s| s.pgr),
            reproduced: Some(*a),
            baseline: Some(*b),
        })
        .collect();
    r.notes = notes(&p);
    r
}

/// The figure holding the p-value a significance decision was made on.
pub(crate) const DECISION_LABEL: &str = "p (decision)";
/// The figure holding the mean paired difference in PGR.
pub(crate) const DELTA_LABEL: &str = "Δ PGR (method − vanilla)";

/// The p-value the `significance` check decided on, read back from its result.
pub fn decision_p(check: &CheckResult) -> Option<f64> {
    figure(check, DECISION_LABEL)
}

/// The mean paired PGR difference (method − vanilla) of the `significance` check, with its CI.
pub fn delta_pgr(check: &CheckResult) -> Option<f64> {
    figure(check, DELTA_LABEL)
}

fn figure(check: &CheckResult, label: &str) -> Option<f64> {
    (check.id == CheckId::Significance).then_some(())?;
    check.figures.iter().find(|f| f.label == label).map(|f| f.value)
}

/// The numbers of a paired PGR comparison, labelled for a report.
pub(crate) fn figures(p: &Paired) -> Vec<Figure> {
    let mut figures = vec![
        Figure { label: DELTA_LABEL.to_owned(), value: p.mean, unit: Unit::Pgr, ci95: Some(p.ci95) },
        Figure {
            label: "method PGR (mean of seeds)".to_owned(),
            value: p.a.iter().sum::<f64>() / p.a.len() as f64,
            unit: Unit::Pgr,
            ci95: None,
        },
        Figure {
            label: "vanilla PGR (mean of seeds)".to_owned(),
            value: p.b.iter().sum::<f64>() / p.b.len() as f64,
            unit: Unit::Pgr,
            ci95: None,
        },
    ];
    if let Some(v) = p.p {
        figures.push(Figure { label: DECISION_LABEL.to_owned(), value: v, unit: Unit::PValue, ci95: None });
    }
    if let Some(v) = p.p_t {
        figures.push(Figure { label: "p (paired t)".to_owned(), value: v, unit: Unit::PValue, ci95: None });
    }
    if let Some(v) = p.p_sign_flip {
        figures.push(Figure {
            label: "p (exact sign-flip)".to_owned(),
            value: v,
            unit: Unit::PValue,
            ci95: None,
        });
    }
    if let Some(v) = p.dz {
        figures.push(Figure { label: "Cohen's dz".to_owned(), value: v, unit: Unit::Ratio, ci95: None });
    }
    figures.push(Figure {
        label: "seeds compared".to_owned(),
        value: p.k() as f64,
        unit: Unit::Count,
        ci95: None,
    });
    figures
}

/// What limits a paired comparison, one sentence each.
pub(crate) fn notes(p: &Paired) -> Vec<String> {
    let k = p.k();
    let mut notes = Vec::new();
    if k < 2 {
        notes.push(format!("Only {k} seed in common: seed noise is unknown, so nothing is tested."));
    } else if k < 6 {
        notes.push(format!(
            "With k = {k} seeds the paired t-test has {} degrees of freedom, and the exact sign-flip \
             test cannot go below p = {:.4}.",
            k - 1,
            2.0 / f64::from(1u32 << k)
        ));
    }
    if p.p_t.is_none() && k >= 2 {
        notes
            .push("Every seed gives the same difference: decided on the split-noise floor alone.".to_owned());
    }
    if p.seed_se.is_some_and(|se| p.split_floor > se) {
        notes.push(format!(
            "The split noise of the difference (at least {} PGR on {} examples) exceeds the seed noise \
            and decides.",
            num(p.split_floor),
            p.n
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::verification::CheckStatus;
    use aar_review_schemas::vocab::EvalSplit;

    use super::*;
    use crate::fixtures::{SEEDS, Scenario, run_pgr};

    #[test]
    fn a_real_gain_over_vanilla_is_significant() {
        let s = Scenario::honest(150, 1500);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.summary.contains("Δ PGR = +0.350"), "{}", r.summary);
        assert_eq!(r.per_seed.len(), 5);
        assert!(r.notes.iter().any(|n| n.contains("k = 5")), "{:?}", r.notes);
        let sign_flip = r.figures.iter().find(|f| f.label == "p (exact sign-flip)").unwrap();
        assert!((sign_flip.value - 0.0625).abs() < 1e-12);
    }

    #[test]
    fn noisy_seeds_without_a_clear_gain_are_inconclusive() {
        let mut s = Scenario::honest(150, 1500);
        // Δ per seed +.3 −.2 +.25 −.15 +.1: mean .06, se ≈ .10, MDE ≈ .29 < claimed .35 → plain warn;
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.54, 0.06, 0.50, 0.08, 0.37]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(!r.inconclusive, "{r:#?}");
        // a smaller claim (gain .1) is below that MDE → inconclusive.
        s.claim_mut().pgr = 0.35;
        let r = check(&s.evidence());
        assert!(r.inconclusive && r.summary.starts_with("Inconclusive"), "{r:#?}");
    }

    #[test]
    fn significantly_worse_than_vanilla_while_claiming_a_gain_fails() {
        let mut s = Scenario::honest(150, 1500);
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.10, 0.12, 0.09, 0.11, 0.10]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        s.has_claim = false;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Warn);
    }
}
