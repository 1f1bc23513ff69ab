//! The statistics every check shares (../shared/reference/verification-stats.md): the binomial
//! split noise of an accuracy and of a PGR, seed noise, combined standard errors, the minimum
//! detectable effect and the 1.96·SE tolerance, the rounding a claimed number's digits allow, an
//! exact paired sign-flip test, Cohen's dz, and the paired comparison of two runs on the same
//! seeds and split that significance, generalisation, the teacher ablation and the negative
//! control all use. Nothing here is random: every p-value is exact or closed-form.

use aar_domain::{PairedTest, mean, pgr, standard_error};
use aar_review_schemas::run::RunReport;
use aar_review_schemas::task::TaskPack;
use aar_review_schemas::verification::SeedEvidence;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided 95% normal quantile.
pub const Z_95: f64 = 1.959_963_984_540_054;
/// The normal quantile for 80% power.
pub const Z_POWER_80: f64 = 0.841_621_233_572_914_3;
/// MDE = (z₁₋α/₂ + z₁₋β)·SE at α = 0.05, power 0.8 (≈ 2.80).
pub const MDE_FACTOR: f64 = Z_95 + Z_POWER_80;
/// The level every check tests at.
pub const ALPHA: f64 = 0.05;
/// The exact sign-flip test enumerates 2^k sign patterns; above this many pairs it is not run
/// (a Monte Carlo version would need randomness, so the t-test stands alone).
pub const MAX_SIGN_FLIP_PAIRS: usize = 20;

/// Binomial standard error of an accuracy measured on `n` examples: √(p(1−p)/n). The accuracy is
/// clamped half an example away from 0 and 1 so that a perfect score does not claim zero noise.
pub fn accuracy_se(acc: f64, n: u32) -> Option<f64> {
    if n == 0 || !acc.is_finite() {
        return None;
    }
    let n = f64::from(n);
    let p = acc.clamp(0.5 / n, 1.0 - 0.5 / n);
    Some((p * (1.0 - p) / n).sqrt())
}

/// Split noise of a PGR: SE(student accuracy)/gap. More seeds do not shrink it.
pub fn pgr_split_se(student_acc: f64, gap: f64, n: u32) -> Option<f64> {
    if gap <= 0.0 {
        return None;
    }
    accuracy_se(student_acc, n).map(|se| se / gap)
}

/// Seed noise: the standard error of the mean of per-seed values (`None` below two seeds).
pub fn seed_se(values: &[f64]) -> Option<f64> {
    standard_error(values)
}

/// Independent standard errors combined: √(Σ seᵢ²). SE_diff of two claims is this over both
/// sides' seed and split noise.
pub fn combine(ses: &[f64]) -> f64 {
    ses.iter().map(|s| s * s).sum::<f64>().sqrt()
}

/// The minimum detectable difference at α = 0.05 (two-sided), power 0.8.
pub fn mde(se: f64) -> f64 {
    MDE_FACTOR * se
}

/// The largest difference a check lets through as noise: 1.96·SE.
pub fn tolerance(se: f64) -> f64 {
    Z_95 * se
}

/// Half a unit in the last digit a number was written with: "0.62" allows ±0.005. The digits are
/// read back from the shortest decimal that round-trips the value (what serde wrote); a whole
/// number counts as one decimal, since JSON writers such as Python's print `1.0` for 1.0.
pub fn half_unit(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let text = format!("{}", x.abs());
    let decimals = text.split_once('.').map_or(0, |(_, frac)| frac.len()).clamp(1, 12);
    0.5 * 10f64.powi(-(decimals as i32))
}

/// Half a unit in the last digit of a list written at one precision: the finest digit any of its
/// values shows, since a writer drops trailing zeros ("0.6" beside "0.62" was 0.60).
pub fn half_unit_of(xs: &[f64]) -> f64 {
    xs.iter().map(|x| half_unit(*x)).fold(f64::INFINITY, f64::min).min(0.05)
}

/// The range of PGR values the claimed accuracies allow once each is widened by the rounding of
/// its own digits. PGR is monotone in each accuracy separately, so the extremes sit at the
/// corners of the rounding box. `None` when some corner has no gap (ceiling ≤ weak).
pub fn pgr_range_from_rounded(weak: f64, ceiling: f64, student: f64) -> Option<(f64, f64)> {
    let (hw, hc, hs) = (half_unit(weak), half_unit(ceiling), half_unit(student));
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for w in [weak - hw, weak + hw] {
        for c in [ceiling - hc, ceiling + hc] {
            for s in [student - hs, student + hs] {
                let p = pgr(w, c, s)?;
                lo = lo.min(p);
                hi = hi.max(p);
            }
        }
    }
    Some((lo, hi))
}

/// Exact two-sided paired sign-flip (randomisation) test of "mean difference = 0": the share of
/// the 2^k sign patterns whose |Σ±dᵢ| reaches the observed |Σdᵢ|. With k pairs it cannot go below
/// 2/2^k (0.0625 at k = 5). `None` without pairs or above [`MAX_SIGN_FLIP_PAIRS`].
pub fn sign_flip_p(differences: &[f64]) -> Option<f64> {
    let k = differences.len();
    if k == 0 || k > MAX_SIGN_FLIP_PAIRS {
        return None;
    }
    let observed = differences.iter().sum::<f64>().abs();
    // Sums equal to the observed one up to rounding count as reaching it.
    let slack = 1e-9 * differences.iter().map(|d| d.abs()).sum::<f64>().max(f64::MIN_POSITIVE);
    let patterns = 1u64 << k;
    let reaching = (0..patterns)
        .filter(|mask| {
            let sum: f64 =
                differences.iter().enumerate().map(|(i, d)| if mask >> i & 1 == 1 { -d } else { *d }).sum();
            sum.abs() >= observed - slack
        })
        .count();
    Some(reaching as f64 / patterns as f64)
}

/// Cohen's dz of paired differences: mean / SD. `None` below two pairs or without spread.
pub fn cohens_dz(differences: &[f64]) -> Option<f64> {
    let m = mean(differences)?;
    let sd = standard_error(differences)? * (differences.len() as f64).sqrt();
    (sd > 0.0).then(|| m / sd)
}

/// Two-sided normal p-value of a z statistic.
pub fn normal_two_sided_p(z: f64) -> f64 {
    let normal = Normal::new(0.0, 1.0).expect("the standard normal is valid");
    2.0 * (1.0 - normal.cdf(z.abs()))
}

/// The 97.5% quantile of Student's t on `df` degrees of freedom (for 95% intervals).
pub fn t_975(df: usize) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    StudentsT::new(0.0, 1.0, df as f64).expect("df ≥ 1 is valid").inverse_cdf(0.975)
}

/// A lower bound on the split noise of a paired accuracy difference measured on the same `n`
/// examples: at least |Δ| of the examples changed answers, so Var ≥ (|Δ| − Δ²)/n.
pub fn paired_split_floor(delta_acc: f64, n: u32) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let d = delta_acc.abs().min(1.0);
    (d * (1.0 - d) / f64::from(n)).sqrt()
}

/// The smallest accuracy difference that can clear the MDE against its own split-noise floor:
/// D = c·√(D(1−D)/n) gives D = c²/(n + c²) with c = [`MDE_FACTOR`] (≈ 0.05 at n = 150).
pub fn paired_mde_floor(n: u32) -> f64 {
    let c2 = MDE_FACTOR * MDE_FACTOR;
    c2 / (f64::from(n) + c2)
}

/// What a run measured on its split, reduced to what claims are compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// PGR of the mean accuracies (the AAR convention, as in the report's aggregate).
    pub pgr: Option<f64>,
    /// Seed noise: SE of the per-seed PGRs (the report's `pgr_se` below two seeds).
    pub seed_se: Option<f64>,
    /// Split noise: SE(mean student accuracy)/gap on the run's evaluation split.
    pub split_se: Option<f64>,
    pub gap: Option<f64>,
    pub student_acc: f64,
    /// Examples in the evaluation split.
    pub n: Option<u32>,
    /// Seeds with a defined PGR.
    pub k: usize,
}

impl RunSummary {
    pub fn of(report: &RunReport, pack: &TaskPack) -> RunSummary {
        let a = &report.aggregate;
        let gap = (a.ceiling_acc > a.weak_acc).then_some(a.ceiling_acc - a.weak_acc);
        let per_seed: Vec<f64> = report.per_seed.iter().filter_map(|s| s.pgr).collect();
        let n = pack.splits.get(report.eval_split.as_str());
        RunSummary {
            pgr: a.pgr.or_else(|| pgr(a.weak_acc, a.ceiling_acc, a.student_acc)),
            seed_se: seed_se(&per_seed).or(a.pgr_se),
            split_se: gap.and_then(|g| n.and_then(|n| pgr_split_se(a.student_acc, g, n))),
            gap,
            student_acc: a.student_acc,
            n,
            k: per_seed.len(),
        }
    }

    /// Seed and split noise together.
    pub fn total_se(&self) -> f64 {
        combine(&[self.seed_se.unwrap_or(0.0), self.split_se.unwrap_or(0.0)])
    }
}

/// Which per-seed number a paired comparison uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Pgr,
    StudentAccuracy,
}

/// A paired comparison of two runs on the same pack, split and seeds (a − b, seed by seed).
///
/// Seed noise is the SE of the differences; the split noise that does not cancel is at least
/// [`paired_split_floor`] of the mean accuracy difference. The p-value is the larger of the
/// paired t-test's and the z-test's against that floor, so a gain of a handful of examples does
/// not become significant just because every seed agrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    pub seeds: Vec<u64>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub differences: Vec<f64>,
    pub mean: f64,
    /// SE of the per-seed differences; `None` below two seeds.
    pub seed_se: Option<f64>,
    /// The split-noise floor in the metric's unit.
    pub split_floor: f64,
    /// Paired t-test p (k − 1 df); `None` below two seeds or without spread.
    pub p_t: Option<f64>,
    /// Exact sign-flip p; `None` above [`MAX_SIGN_FLIP_PAIRS`].
    pub p_sign_flip: Option<f64>,
    /// The p the checks decide on; `None` below two seeds (seed noise unknown).
    pub p: Option<f64>,
    pub dz: Option<f64>,
    pub ci95: [f64; 2],
    /// Minimum detectable difference in the metric's unit.
    pub mde: f64,
    /// Examples in the split.
    pub n: u32,
}

impl Paired {
    /// Each seed's two values, as a report's per-seed rows (the comparison run as the baseline).
    pub fn seed_evidence(&self) -> Vec<SeedEvidence> {
        self.seeds
            .iter()
            .zip(self.a.iter().zip(&self.b))
            .map(|(seed, (a, b))| SeedEvidence {
                seed: *seed,
                claimed: None,
                reproduced: Some(*a),
                baseline: Some(*b),
            })
            .collect()
    }

    /// Compares `a` with `b` on the seeds both ran with a defined value, in `a`'s seed order.
    /// `None` without a common seed, an unknown split size or (for PGR) no gap.
    pub fn of_runs(a: &RunReport, b: &RunReport, pack: &TaskPack, metric: Metric) -> Option<Paired> {
        let n = pack.splits.get(a.eval_split.as_str())?;
        let value = |s: &aar_review_schemas::run::SeedOutcome| match metric {
            Metric::Pgr => s.pgr,
            Metric::StudentAccuracy => Some(s.student_acc),
        };
        let pairs: Vec<(u64, f64, f64)> = a
            .per_seed
            .iter()
            .filter_map(|sa| {
                let sb = b.per_seed.iter().find(|sb| sb.seed == sa.seed)?;
                Some((sa.seed, value(sa)?, value(sb)?))
            })
            .collect();
        // PGR differences are accuracy differences over the gap (weak and ceiling do not depend
        // on the method, so the gap is shared).
        let gap = match metric {
            Metric::StudentAccuracy => 1.0,
            Metric::Pgr => {
                let g = a.aggregate.ceiling_acc - a.aggregate.weak_acc;
                if g <= 0.0 {
                    return None;
                }
                g
            }
        };
        Paired::of_pairs(&pairs, n, gap)
    }

    /// `pairs` are (seed, a, b); `gap` converts accuracy to the metric (1 for accuracy).
    pub fn of_pairs(pairs: &[(u64, f64, f64)], n: u32, gap: f64) -> Option<Paired> {
        if pairs.is_empty() || gap <= 0.0 {
            return None;
        }
        let differences: Vec<f64> = pairs.iter().map(|(_, a, b)| a - b).collect();
        let k = differences.len();
        let m = mean(&differences)?;
        let test = PairedTest::of(&differences);
        let seed_se = test.as_ref().map(|t| t.se);
        let split_floor = paired_split_floor(m * gap, n) / gap;
        let p_floor = if split_floor > 0.0 {
            normal_two_sided_p(m / split_floor)
        } else if m == 0.0 {
            1.0
        } else {
            0.0
        };
        let p_t = test.as_ref().and_then(|t| t.p);
        let p = (k >= 2).then(|| p_t.map_or(p_floor, |pt| pt.max(p_floor)));
        let half = (t_975(k.saturating_sub(1)) * seed_se.unwrap_or(0.0)).max(Z_95 * split_floor);
        let half = if k < 2 { f64::INFINITY } else { half };
        let mde = (MDE_FACTOR * seed_se.unwrap_or(0.0)).max(paired_mde_floor(n) / gap);
        Some(Paired {
            seeds: pairs.iter().map(|(s, _, _)| *s).collect(),
            a: pairs.iter().map(|(_, a, _)| *a).collect(),
            b: pairs.iter().map(|(_, _, b)| *b).collect(),
            p_sign_flip: sign_flip_p(&differences),
            dz: cohens_dz(&differences),
            differences,
            mean: m,
            seed_se,
            split_floor,
            p_t,
            p,
            ci95: [m - half, m + half],
            mde,
            n,
        })
    }

    /// Significantly above zero at α = 0.05.
    pub fn significantly_positive(&self) -> bool {
        self.mean > 0.0 && self.p.is_some_and(|p| p < ALPHA)
    }

    /// Significantly below zero at α = 0.05.
    pub fn significantly_negative(&self) -> bool {
        self.mean < 0.0 && self.p.is_some_and(|p| p < ALPHA)
    }

    pub fn k(&self) -> usize {
        self.differences.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_noise_matches_the_reference_digits_example() {
        // verification-stats.md: n = 150, p ≈ .86, gap ≈ .19 gives ±0.15 PGR.
        let se = pgr_split_se(0.86, 0.19, 150).unwrap();
        assert!((se - 0.1495).abs() < 0.001, "{se}");
        assert_eq!(pgr_split_se(0.86, 0.0, 150), None);
        assert_eq!(accuracy_se(0.5, 0), None);
        // A perfect score still has half an example of noise.
        assert!(accuracy_se(1.0, 100).unwrap() > 0.0);
    }

    #[test]
    fn mde_and_tolerance_use_the_stated_quantiles() {
        assert!((mde(1.0) - 2.8016).abs() < 1e-4);
        assert!((tolerance(0.1) - 0.196).abs() < 1e-3);
        assert!((combine(&[0.3, 0.4]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn half_unit_follows_the_written_digits() {
        assert!((half_unit(0.62) - 0.005).abs() < 1e-15);
        assert!((half_unit(0.6) - 0.05).abs() < 1e-15);
        assert!((half_unit(0.6234) - 0.00005).abs() < 1e-15);
        assert!((half_unit(1.0) - 0.05).abs() < 1e-15);
        assert!((half_unit(-0.125) - 0.0005).abs() < 1e-15);
        assert!((half_unit_of(&[0.6, 0.62, 0.58]) - 0.005).abs() < 1e-15);
        assert!((half_unit_of(&[]) - 0.05).abs() < 1e-15);
    }

    #[test]
    fn pgr_range_brackets_the_exact_value_and_widens_with_coarse_digits() {
        // (0.80 − 0.57)/(0.96 − 0.57) = 0.5897
        let (lo, hi) = pgr_range_from_rounded(0.57, 0.96, 0.8).unwrap();
        assert!(lo < 0.5897 && 0.5897 < hi, "{lo} {hi}");
        // student written with one decimal (±0.05) allows about ±0.13 PGR
        assert!(hi - lo > 0.25, "{lo} {hi}");
        let (lo2, hi2) = pgr_range_from_rounded(0.571, 0.962, 0.804).unwrap();
        assert!(hi2 - lo2 < 0.01, "{lo2} {hi2}");
        assert_eq!(pgr_range_from_rounded(0.8, 0.8, 0.9), None);
    }

    #[test]
    fn sign_flip_matches_hand_enumeration() {
        // All positive: only the all-plus and all-minus patterns reach |15|: 2/32.
        assert!((sign_flip_p(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap() - 0.0625).abs() < 1e-12);
        // Observed |1+2+3−0.5| = 5.5. Of the 16 sign patterns only ±(1+2+3−0.5) = ±5.5 and
        // ±(1+2+3+0.5) = ±6.5 reach it (flipping 1, 2 or 3 gives at most 4.5): 4/16.
        assert!((sign_flip_p(&[1.0, 2.0, 3.0, -0.5]).unwrap() - 0.25).abs() < 1e-12);
        // Zero differences: every pattern reaches 0.
        assert_eq!(sign_flip_p(&[0.0, 0.0, 0.0]), Some(1.0));
        assert_eq!(sign_flip_p(&[]), None);
        assert_eq!(sign_flip_p(&[1.0; 21]), None);
    }

    #[test]
    fn cohens_dz_is_mean_over_sd() {
        // mean 3, sd 1.5811
        let dz = cohens_dz(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((dz - 3.0 / 1.581_138_8).abs() < 1e-6, "{dz}");
        assert_eq!(cohens_dz(&[0.2, 0.2]), None);
    }

    #[test]
    fn paired_floor_keeps_a_few_examples_from_being_significant() {
        // Five seeds all +0.02 accuracy on 150 examples: no seed spread, but 3 examples of 150
        // are nothing: floor √(.02·.98/150) = .0114, z = 1.75, p ≈ .08.
        let pairs: Vec<(u64, f64, f64)> = (42..47).map(|s| (s, 0.72, 0.70)).collect();
        let p = Paired::of_pairs(&pairs, 150, 1.0).unwrap();
        assert!(p.p_t.is_none());
        assert!(!p.significantly_positive(), "{p:?}");
        assert!((p.split_floor - 0.011_431).abs() < 1e-5, "{p:?}");
        // The same +0.02 on 5,000 examples is significant.
        let p = Paired::of_pairs(&pairs, 5000, 1.0).unwrap();
        assert!(p.significantly_positive(), "{p:?}");
        // MDE floor at n = 150 is c²/(n + c²) ≈ 0.0497.
        assert!((paired_mde_floor(150) - 0.0497).abs() < 1e-3);
    }

    #[test]
    fn paired_p_is_the_t_test_when_seed_noise_dominates() {
        let pairs = [(42, 0.3, 0.1), (43, 0.5, 0.2), (44, 0.1, 0.1), (45, 0.4, 0.0), (46, 0.2, 0.1)];
        // differences .2 .3 0 .4 .1: mean .2, se .0707, t 2.828 on 4 df, p = .0474
        let p = Paired::of_pairs(&pairs, 100_000, 1.0).unwrap();
        assert!((p.p_t.unwrap() - 0.0474).abs() < 1e-3, "{p:?}");
        assert_eq!(p.p, p.p_t);
        assert!((p.ci95[0] - (0.2 - 2.776 * 0.070_71)).abs() < 1e-3, "{p:?}");
        assert!(Paired::of_pairs(&[(42, 0.3, 0.1)], 100, 1.0).unwrap().p.is_none());
    }
}
