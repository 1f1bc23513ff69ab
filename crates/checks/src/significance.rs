//! Significance: is the method better than vanilla on the same seeds and split, by as much as
//! claimed? The per-seed PGR differences (method − vanilla) are tested with the paired comparison
//! of `stats::Paired`: seed noise and the split noise that does not cancel between the two
//! students (exact from per-example correctness, else the floor |Δ| implies) added in quadrature,
//! Student's t on their Welch–Satterthwaite degrees of freedom; the exact sign-flip p is shown
//! beside it.
//!
//! The rule, in order:
//! 1. A claimed gain over vanilla (claim − vanilla's reproduced PGR) above what the re-run allows
//!    fails, whatever SE the author wrote: the allowance is Δ's upper bound widened by noise we
//!    measure ourselves, √(SE_paired² + SE_split(claim's split)² + SE_seed(method)² +
//!    SE(vanilla)²) times t₀.₉₇₅, since the claim was measured on another split (binomial noise
//!    of the reproduced accuracy on that split's size) and vanilla's PGR carries its own noise.
//!    The author's `pgr_se` is never used; it is only shown in a note.
//! 2. A significant positive Δ passes.
//! 3. A significant negative Δ fails when the claim says the method gains over vanilla, and warns
//!    otherwise.
//! 4. A claim of no gain with no significant difference passes.
//! 5. Otherwise it warns, inconclusive when the MDE exceeds the gain at stake (claim − vanilla's
//!    PGR, or the reproduced Δ without a claim).

use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};

use crate::stats::{self, Metric, Paired, RunSummary};
use crate::{Evidence, claimed, num, result};

/// How far a claimed gain over vanilla may sit above the reproduced one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimAllowance {
    /// Claim − vanilla's reproduced PGR.
    pub claimed_gain: f64,
    /// The SE of (claimed gain − reproduced Δ), from measured noise only.
    pub se: f64,
    /// The largest claimed gain the re-run supports: Δ + t₀.₉₇₅·se.
    pub upper: f64,
}

impl ClaimAllowance {
    pub fn exceeded(&self) -> bool {
        self.claimed_gain > self.upper
    }
}

/// The allowance for a claim on `pe`'s pack: `None` without a claim, a vanilla PGR or a known
/// claim split size.
fn allowance(e: &Evidence, p: &Paired) -> Option<ClaimAllowance> {
    let c = e.claim?;
    let pe = &e.primary;
    let method = RunSummary::of(pe.method, pe.pack);
    let vanilla = RunSummary::of(pe.vanilla, pe.pack);
    let v = vanilla.pgr?;
    let gap = method.gap?;
    // The split the claim was measured on; a claim that names none was made on the test split
    // (what the AAR convention reports).
    let split = c.split.map_or("test", |s| s.as_str());
    let n_claim = pe.pack.splits.get(split)?;
    // Binomial noise of the reproduced student accuracy on a split of the claim's size: what the
    // claim's own split contributes, measured from our run, not read from the author.
    let claim_split = stats::pgr_split_se(method.student_acc, gap, n_claim)?;
    let se = stats::combine(&[p.se, claim_split, method.seed_se.unwrap_or(0.0), vanilla.total_se()]);
    let upper = p.mean + stats::t_quantile(0.975, p.df) * se;
    Some(ClaimAllowance { claimed_gain: c.pgr - v, se, upper })
}

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
    let allowance = if p.k() >= 2 { allowance(e, &p) } else { None };
    let p_text = p.p.map_or("no p-value".to_owned(), crate::p_value);
    let delta = format!(
        "Δ PGR = {:+.3} (95% CI {:+.3} to {:+.3}, {p_text}, k = {})",
        p.mean,
        p.ci95[0],
        p.ci95[1],
        p.k()
    );
    let mut r = if let Some(a) = allowance.filter(ClaimAllowance::exceeded) {
        result(
            CheckId::Significance,
            CheckStatus::Fail,
            format!(
                "The {stake_from} is more than the re-run supports on {} ({split}): {delta}; allowing                  for the noise of the claim's own split and of vanilla, the gain could be at most {:+.3}.",
                pe.pack.name, a.upper
            ),
        )
    } else if p.significantly_positive() {
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
    if let Some(a) = allowance {
        r.figures.push(Figure {
            label: CLAIMED_GAIN_LABEL.to_owned(),
            value: a.claimed_gain,
            unit: Unit::Pgr,
            ci95: None,
        });
        r.figures.push(Figure {
            label: "largest gain the re-run supports".to_owned(),
            value: a.upper,
            unit: Unit::Pgr,
            ci95: None,
        });
    }
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
    if let Some(se) = e.claim.and_then(|c| c.pgr_se) {
        r.notes.push(format!(
            "The author's SE ({}) is shown only: every interval here is built from the re-runs.",
            claimed(se)
        ));
    }
    r
}

/// The figure holding the claimed gain over vanilla.
pub(crate) const CLAIMED_GAIN_LABEL: &str = "claimed gain over vanilla";
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
        notes.push("Every seed gives the same difference: decided on the split noise alone.".to_owned());
    }
    if p.split_exact {
        notes.push(format!(
            "Split noise measured example by example: the two students' answers on the {} examples \
             give {} PGR.",
            p.n,
            num(p.split_se)
        ));
    } else {
        notes.push(format!(
            "No per-example answers stored: the split noise is bounded below by what Δ implies ({} \
             PGR on {} examples), which can understate it.",
            num(p.split_se),
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
    use crate::fixtures::{SEEDS, Scenario, VANILLA_PGRS, run_pgr};

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
        // Δ per seed +.3 −.2 +.25 −.15 +.1: mean .06, se ≈ .1016 on 4 df, so the MDE is
        // 3.717 × .1016 ≈ .378 (the normal 2.80 would have said .285): the claimed gain of .35 is
        // below it → inconclusive.
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.54, 0.06, 0.50, 0.08, 0.37]);
        let r = check(&s.evidence());
        assert!(r.inconclusive && r.summary.starts_with("Inconclusive"), "{r:#?}");
        assert!((r.detectable.unwrap() - 0.378).abs() < 2e-3, "{r:#?}");
        // A larger claim (gain .45, above the MDE, within what the re-run allows) → plain warn.
        s.claim_mut().pgr = 0.70;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(!r.inconclusive, "{r:#?}");
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

    /// The red team's case: the method is vanilla plus noise (Δ +0.001, 95% CI ±0.079), the
    /// author claims 0.70 against vanilla's 0.25 (a gain of +0.45) and writes `pgr_se: 0.3`,
    /// which would make any comparison built on it inconclusive.
    fn inflated_claim(dev: u32) -> Scenario {
        let mut s = Scenario::honest(dev, 5000);
        let d = [0.08, -0.08, 0.04, -0.04, 0.005];
        let pgrs: Vec<f64> = VANILLA_PGRS.iter().zip(d).map(|(v, d)| v + d).collect();
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &pgrs);
        s.claim_mut().pgr = 0.70;
        s.claim_mut().pgr_se = Some(0.3);
        s
    }

    #[test]
    fn a_claimed_gain_above_the_reproduced_interval_fails_whatever_se_the_author_wrote() {
        let s = inflated_claim(2000);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("Δ PGR = +0.001 (95% CI -0.078 to +0.080"), "{}", r.summary);
        // By hand: paired SE √(.028302² + .000716²) = .028311 (4.0 df); the claim's split (dev,
        // 2,000 examples, reproduced accuracy .66789, gap .39) .027003; the method's seed SE
        // .027946; vanilla's SE √(.007071² + .017083²) = .018489. Together .051512, so the gain
        // could be at most .001 + 2.776 × .051512 = .144, well below the claimed .45.
        let upper = r.figures.iter().find(|f| f.label == "largest gain the re-run supports").unwrap();
        assert!((upper.value - 0.144).abs() < 2e-3, "{upper:?}");
        let gain = r.figures.iter().find(|f| f.label == CLAIMED_GAIN_LABEL).unwrap();
        assert!((gain.value - 0.45).abs() < 1e-9, "{gain:?}");
        assert!(r.notes.iter().any(|n| n.contains("author's SE (0.3) is shown only")), "{:?}", r.notes);
        // On a digits-sized dev split (150 examples) the allowance widens to ≈ .30 and the claim
        // still fails.
        assert_eq!(check(&inflated_claim(150).evidence()).status, CheckStatus::Fail);
    }

    #[test]
    fn an_honest_claim_within_the_measured_noise_is_not_failed() {
        // The same re-run, claimed as what it is (0.25, no gain over vanilla): passes; claimed
        // modestly higher (0.35, within the allowance of .144) it only warns.
        let mut s = inflated_claim(2000);
        s.claim_mut().pgr = 0.25;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
        s.claim_mut().pgr = 0.35;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
    }
}
