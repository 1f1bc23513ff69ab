//! The statistics every check shares (../shared/reference/verification-stats.md): the binomial
//! split noise of an accuracy and of a PGR, seed noise, combined standard errors, the minimum
//! detectable effect and the 1.96·SE tolerance, the rounding a claimed number's digits allow, an
//! exact paired sign-flip test, Cohen's dz, and the paired comparison of two runs on the same
//! seeds and split that significance, generalisation, the teacher ablation and the negative
//! control all use. Nothing here is random: every p-value is exact or closed-form.

use aar_domain::{PairedTest, mean, pgr, standard_error};
use aar_review_schemas::run::{LabelFollowing, RunReport, SeedOutcome};
use aar_review_schemas::task::TaskPack;
use aar_review_schemas::verification::SeedEvidence;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided 95% normal quantile.
pub const Z_95: f64 = 1.959_963_984_540_054;
/// The normal quantile for 80% power.
pub const Z_POWER_80: f64 = 0.841_621_233_572_914_3;
/// MDE = (z₁₋α/₂ + z₁₋β)·SE at α = 0.05, power 0.8 (≈ 2.80): for normal statistics (many
/// degrees of freedom). Statistics on few seeds use [`mde_factor`] of their t instead.
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
/// examples: at least |Δ| of the examples changed answers, so Var ≥ (|Δ| − Δ²)/n. It is the
/// smallest split noise consistent with |Δ|, so it is only the fallback for runs stored without
/// per-example correctness; with it, [`paired_split_exact`] replaces it.
pub fn paired_split_floor(delta_acc: f64, n: u32) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let d = delta_acc.abs().min(1.0);
    (d * (1.0 - d) / f64::from(n)).sqrt()
}

/// The split noise of a paired accuracy difference from per-example correctness: `a[i][j]` and
/// `b[i][j]` say whether the two students got example `j` right on seed `i`. Each example's
/// difference averaged over the seeds, eⱼ = (1/k)·Σᵢ(aᵢⱼ − bᵢⱼ), is one draw of the example
/// population; the SE of their mean is √(Σ(eⱼ − ē)² / (n(n − 1))). With one seed this is the
/// McNemar variance of the discordant pairs: ((b + c) − (b − c)²/n) / (n(n − 1)) for b examples
/// only `a` got right and c only `b` did. `None` without seeds, with fewer than two examples or
/// with rows of different lengths.
pub fn paired_split_exact(a: &[Vec<bool>], b: &[Vec<bool>]) -> Option<f64> {
    let k = a.len();
    let n = a.first()?.len();
    if k == 0 || b.len() != k || n < 2 || a.iter().chain(b).any(|row| row.len() != n) {
        return None;
    }
    let e: Vec<f64> = (0..n)
        .map(|j| {
            (0..k).map(|i| f64::from(u8::from(a[i][j])) - f64::from(u8::from(b[i][j]))).sum::<f64>()
                / k as f64
        })
        .collect();
    let mean = e.iter().sum::<f64>() / n as f64;
    let ss: f64 = e.iter().map(|x| (x - mean) * (x - mean)).sum();
    Some((ss / (n as f64 * (n as f64 - 1.0))).sqrt())
}

/// The smallest accuracy difference that can clear the MDE against its own split-noise floor:
/// D = c·√(D(1−D)/n) gives D = c²/(n + c²) with c = [`MDE_FACTOR`] (≈ 0.05 at n = 150). Whatever
/// the measured noise, a paired design on n examples cannot detect less than this.
pub fn paired_mde_floor(n: u32) -> f64 {
    let c2 = MDE_FACTOR * MDE_FACTOR;
    c2 / (f64::from(n) + c2)
}

/// The `q` quantile of Student's t on `df` (fractional) degrees of freedom; infinite without any.
pub fn t_quantile(q: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::INFINITY;
    }
    StudentsT::new(0.0, 1.0, df).expect("df > 0 is valid").inverse_cdf(q)
}

/// The MDE factor of a t statistic on `df` degrees of freedom: t₀.₉₇₅ + t₀.₈₀ (two-sided α = 0.05,
/// power 0.8). 3.72 at 4 df (five seeds), tending to [`MDE_FACTOR`] (2.80) as df grows.
pub fn mde_factor(df: f64) -> f64 {
    t_quantile(0.975, df) + t_quantile(0.8, df)
}

/// Welch–Satterthwaite degrees of freedom of a sum of two independent variance estimates, the
/// seed term on `k − 1` df and the split term on `n − 1`: (s₁² + s₂²)² / (s₁⁴/(k−1) + s₂⁴/(n−1)).
/// Seed noise alone gives k − 1, split noise alone n − 1.
pub fn welch_df(seed_se: f64, k: usize, split_se: f64, n: u32) -> f64 {
    let (v1, v2) = (seed_se * seed_se, split_se * split_se);
    let denominator = if k > 1 { v1 * v1 / (k - 1) as f64 } else { 0.0 }
        + if n > 1 { v2 * v2 / f64::from(n - 1) } else { 0.0 };
    if denominator > 0.0 { (v1 + v2).powi(2) / denominator } else { k.saturating_sub(1) as f64 }
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
/// Two independent noises add up: the seed noise (SE of the per-seed differences, k − 1 df) and
/// the split noise that does not cancel between the two students (which examples the split
/// happened to draw). The split term is exact when both runs stored per-example correctness
/// ([`paired_split_exact`]); for older runs it falls back to the floor that |Δ| implies
/// ([`paired_split_floor`]). SE = √(seed² + split²), tested with Student's t on the Welch–
/// Satterthwaite df of the two terms; the CI and the MDE use the same t.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    pub seeds: Vec<u64>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub differences: Vec<f64>,
    pub mean: f64,
    /// SE of the per-seed differences; `None` below two seeds.
    pub seed_se: Option<f64>,
    /// The split noise of the mean difference in the metric's unit: exact or the floor.
    pub split_se: f64,
    /// Whether `split_se` was measured from per-example correctness (else it is the floor).
    pub split_exact: bool,
    /// √(seed_se² + split_se²).
    pub se: f64,
    /// Welch–Satterthwaite degrees of freedom of `se`.
    pub df: f64,
    /// Paired t-test p on the seed differences alone (k − 1 df), shown beside the decision;
    /// `None` below two seeds or without spread.
    pub p_t: Option<f64>,
    /// Exact sign-flip p; `None` above [`MAX_SIGN_FLIP_PAIRS`].
    pub p_sign_flip: Option<f64>,
    /// The p the checks decide on: mean/se on `df` degrees of freedom; `None` below two seeds
    /// (seed noise unknown).
    pub p: Option<f64>,
    pub dz: Option<f64>,
    /// mean ± t₀.₉₇₅(df)·se; unbounded below two seeds.
    pub ci95: [f64; 2],
    /// Minimum detectable difference in the metric's unit: (t₀.₉₇₅ + t₀.₈₀)(df)·se, and never
    /// below what n examples allow ([`paired_mde_floor`]).
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
        let value = |s: &SeedOutcome| match metric {
            Metric::Pgr => s.pgr,
            Metric::StudentAccuracy => Some(s.student_acc),
        };
        let common: Vec<(&SeedOutcome, &SeedOutcome)> = a
            .per_seed
            .iter()
            .filter_map(|sa| {
                let sb = b.per_seed.iter().find(|sb| sb.seed == sa.seed)?;
                (value(sa).is_some() && value(sb).is_some()).then_some((sa, sb))
            })
            .collect();
        let pairs: Vec<(u64, f64, f64)> =
            common.iter().filter_map(|(sa, sb)| Some((sa.seed, value(sa)?, value(sb)?))).collect();
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
        let exact = examples(&common, n).and_then(|(ca, cb)| paired_split_exact(&ca, &cb));
        Paired::of_pairs_split(&pairs, n, gap, exact)
    }

    /// `pairs` are (seed, a, b); `gap` converts accuracy to the metric (1 for accuracy). No
    /// per-example data: the split term is the floor.
    pub fn of_pairs(pairs: &[(u64, f64, f64)], n: u32, gap: f64) -> Option<Paired> {
        Paired::of_pairs_split(pairs, n, gap, None)
    }

    /// As [`Paired::of_pairs`], with the split noise of the mean accuracy difference measured
    /// from per-example correctness when `exact_split_acc` is given.
    pub fn of_pairs_split(
        pairs: &[(u64, f64, f64)],
        n: u32,
        gap: f64,
        exact_split_acc: Option<f64>,
    ) -> Option<Paired> {
        if pairs.is_empty() || gap <= 0.0 {
            return None;
        }
        let differences: Vec<f64> = pairs.iter().map(|(_, a, b)| a - b).collect();
        let k = differences.len();
        let m = mean(&differences)?;
        let test = PairedTest::of(&differences);
        let seed_se = test.as_ref().map(|t| t.se);
        let split_se = exact_split_acc.unwrap_or_else(|| paired_split_floor(m * gap, n)) / gap;
        let se = combine(&[seed_se.unwrap_or(0.0), split_se]);
        let df = welch_df(seed_se.unwrap_or(0.0), k, split_se, n);
        let p = (k >= 2).then(|| {
            if se > 0.0 {
                2.0 * (1.0 - StudentsT::new(0.0, 1.0, df).expect("df > 0").cdf((m / se).abs()))
            } else if m == 0.0 {
                1.0
            } else {
                0.0
            }
        });
        let half = if k < 2 { f64::INFINITY } else { t_quantile(0.975, df) * se };
        let mde = if k < 2 { f64::INFINITY } else { (mde_factor(df) * se).max(paired_mde_floor(n) / gap) };
        Some(Paired {
            seeds: pairs.iter().map(|(s, _, _)| *s).collect(),
            a: pairs.iter().map(|(_, a, _)| *a).collect(),
            b: pairs.iter().map(|(_, _, b)| *b).collect(),
            p_sign_flip: sign_flip_p(&differences),
            dz: cohens_dz(&differences),
            differences,
            mean: m,
            seed_se,
            split_se,
            split_exact: exact_split_acc.is_some(),
            se,
            df,
            p_t: test.as_ref().and_then(|t| t.p),
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

    /// Significantly above `margin` (the 95% CI lies entirely above it): an effect beyond a
    /// margin, not merely different from zero.
    pub fn above(&self, margin: f64) -> bool {
        self.p.is_some() && self.ci95[0] > margin
    }

    /// Significantly below `margin` (the 95% CI lies entirely below it).
    pub fn below(&self, margin: f64) -> bool {
        self.p.is_some() && self.ci95[1] < margin
    }

    pub fn k(&self) -> usize {
        self.differences.len()
    }
}

/// How much more probability a student trained under a shuffling ablation puts on the labels it
/// was handed than on counterfactual labels it never saw, on the probed rows of split B
/// ([`LabelFollowing`]). Under "the student does not read per-row labels" both have the same
/// expectation (the two permutations are exchangeable), whatever else the method does, so a
/// following above zero is evidence of per-row use and one shown near zero is evidence against
/// it.
///
/// Rows are the unit: the same rows and permutations serve every seed, so a row's seeds are
/// replicates, not independent draws. Per row, `d = mean over seeds of (handed − counterfactual)`;
/// the statistic is the mean of `d` over rows, with its SE from their spread (normal quantiles:
/// hundreds of rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    /// Rows probed.
    pub rows: usize,
    /// Seeds that recorded the probe.
    pub seeds: usize,
    /// Mean probability of the handed label's class.
    pub handed: f64,
    /// Mean probability of the counterfactual label's class.
    pub counterfactual: f64,
    /// `handed − counterfactual`.
    pub mean: f64,
    pub se: f64,
    pub ci95: [f64; 2],
    /// Two-sided; `None` without spread (every row's difference equal).
    pub p: Option<f64>,
}

impl Following {
    /// The probe of every seed of `run` that recorded a well-formed one over the same rows;
    /// `None` without one or with fewer than two rows.
    pub fn of_run(run: &RunReport) -> Option<Following> {
        let probes: Vec<&LabelFollowing> =
            run.per_seed.iter().filter_map(|s| s.label_following.as_ref()).collect();
        let rows = probes.iter().find_map(|p| p.rows())?;
        let probes: Vec<&LabelFollowing> = probes.into_iter().filter(|p| p.rows() == Some(rows)).collect();
        if rows < 2 {
            return None;
        }
        let k = probes.len() as f64;
        let per_row: Vec<(f64, f64)> = (0..rows)
            .map(|r| {
                let sum = |pick: fn(&LabelFollowing) -> &Vec<f32>| {
                    probes.iter().map(|p| f64::from(pick(p)[r])).sum::<f64>()
                };
                (sum(|p| &p.handed) / k, sum(|p| &p.counterfactual) / k)
            })
            .collect();
        let d: Vec<f64> = per_row.iter().map(|(h, c)| h - c).collect();
        let m = rows as f64;
        let mean = d.iter().sum::<f64>() / m;
        let variance = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0);
        let se = (variance / m).sqrt();
        let p = (se > 0.0).then(|| normal_two_sided_p(mean / se));
        let half = Z_95 * se;
        Some(Following {
            rows,
            seeds: probes.len(),
            handed: per_row.iter().map(|(h, _)| h).sum::<f64>() / m,
            counterfactual: per_row.iter().map(|(_, c)| c).sum::<f64>() / m,
            mean,
            se,
            ci95: [mean - half, mean + half],
            p,
        })
    }

    /// Significantly above zero at α = 0.05.
    pub fn significantly_positive(&self) -> bool {
        self.mean > 0.0 && self.p.is_some_and(|p| p < ALPHA)
    }
}

/// One run's per-example correctness, one row of flags per seed.
type Correctness = Vec<Vec<bool>>;

/// The per-example correctness of both runs on every common seed, when all of them stored it for
/// all `n` examples of the split.
fn examples(common: &[(&SeedOutcome, &SeedOutcome)], n: u32) -> Option<(Correctness, Correctness)> {
    let row = |s: &SeedOutcome| s.student_correct_bits(n as usize);
    let a: Option<Vec<Vec<bool>>> = common.iter().map(|(sa, _)| row(sa)).collect();
    let b: Option<Vec<Vec<bool>>> = common.iter().map(|(_, sb)| row(sb)).collect();
    Some((a?, b?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run whose seeds all recorded `probe(seed)` as their label following.
    fn probed(probe: impl Fn(u64) -> LabelFollowing) -> RunReport {
        let mut run = crate::fixtures::run_acc(
            "digits",
            aar_review_schemas::vocab::EvalSplit::Private,
            "m",
            &crate::fixtures::SEEDS,
            &[0.6; 5],
        );
        for s in &mut run.per_seed {
            s.label_following = Some(probe(s.seed));
        }
        run
    }

    #[test]
    fn following_is_zero_for_a_student_that_ignores_the_rows_labels_and_positive_for_one_that_learns_them() {
        // 400 rows; the student's probabilities depend on the row only (as if it never read the
        // labels): handed and counterfactual are two draws from the same values.
        let value = |r: u64, salt: u64| ((r * 7919 + salt * 104_729) % 1000) as f32 / 1000.0;
        let ignoring = probed(|_| {
            let handed: Vec<f32> = (0..400).map(|r| value(r, 1)).collect();
            let counterfactual: Vec<f32> = (0..400).map(|r| value(r, 2)).collect();
            LabelFollowing::new(&handed, &counterfactual)
        });
        let f = Following::of_run(&ignoring).unwrap();
        assert_eq!((f.rows, f.seeds), (400, 5));
        assert!(!f.significantly_positive(), "{f:?}");
        assert!(f.ci95[0] < 0.0 && f.ci95[1] > 0.0, "{f:?}");
        // The same student with 0.1 more probability on every handed label.
        let learning = probed(|_| {
            let handed: Vec<f32> = (0..400).map(|r| (value(r, 1) + 0.1).min(1.0)).collect();
            let counterfactual: Vec<f32> = (0..400).map(|r| value(r, 2)).collect();
            LabelFollowing::new(&handed, &counterfactual)
        });
        let f = Following::of_run(&learning).unwrap();
        assert!(f.significantly_positive() && f.ci95[0] > 0.03, "{f:?}");
        // A malformed probe (a probability above 1, or lists of different lengths) is not read.
        let broken = probed(|_| LabelFollowing { handed: vec![1.5, 0.2], counterfactual: vec![0.1, 0.2] });
        assert_eq!(Following::of_run(&broken), None);
        let uneven = probed(|_| LabelFollowing { handed: vec![0.5, 0.2], counterfactual: vec![0.1] });
        assert_eq!(Following::of_run(&uneven), None);
    }

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
        // are nothing: floor √(.02·.98/150) = .011431, alone it has n − 1 = 149 df, t = 1.750,
        // p ≈ .082.
        let pairs: Vec<(u64, f64, f64)> = (42..47).map(|s| (s, 0.72, 0.70)).collect();
        let p = Paired::of_pairs(&pairs, 150, 1.0).unwrap();
        assert!(p.p_t.is_none());
        assert!(!p.significantly_positive(), "{p:?}");
        assert!((p.split_se - 0.011_431).abs() < 1e-5, "{p:?}");
        assert!((p.df - 149.0).abs() < 1e-6, "{p:?}");
        assert!((p.p.unwrap() - 0.082).abs() < 2e-3, "{p:?}");
        // The same +0.02 on 5,000 examples is significant.
        let p = Paired::of_pairs(&pairs, 5000, 1.0).unwrap();
        assert!(p.significantly_positive(), "{p:?}");
        // MDE floor at n = 150 is c²/(n + c²) ≈ 0.0497.
        assert!((paired_mde_floor(150) - 0.0497).abs() < 1e-3);
    }

    #[test]
    fn paired_p_is_the_t_test_when_seed_noise_dominates() {
        let pairs = [(42, 0.3, 0.1), (43, 0.5, 0.2), (44, 0.1, 0.1), (45, 0.4, 0.0), (46, 0.2, 0.1)];
        // differences .2 .3 0 .4 .1: mean .2, se .0707, t 2.828 on 4 df, p = .0474; the floor
        // √(.2·.8/100000) = .0013 adds next to nothing and df stays ≈ 4.
        let p = Paired::of_pairs(&pairs, 100_000, 1.0).unwrap();
        assert!((p.p_t.unwrap() - 0.0474).abs() < 1e-3, "{p:?}");
        assert!((p.p.unwrap() - 0.0474).abs() < 1e-3, "{p:?}");
        assert!((p.df - 4.0).abs() < 0.01, "{p:?}");
        assert!((p.ci95[0] - (0.2 - 2.776 * 0.070_71)).abs() < 1e-3, "{p:?}");
        // MDE on 4 df: (2.776 + 0.941)·.0707 = .2629, not 2.80·.0707 = .198.
        assert!((p.mde - 3.7175 * 0.070_72).abs() < 1e-3, "{p:?}");
        assert!(Paired::of_pairs(&[(42, 0.3, 0.1)], 100, 1.0).unwrap().p.is_none());
    }

    #[test]
    fn the_t_mde_factor_and_welch_df_match_the_tables() {
        // t₀.₉₇₅(4) = 2.7764, t₀.₈₀(4) = 0.9410: five seeds need 3.72 SEs, not 2.80.
        assert!((mde_factor(4.0) - 3.7174).abs() < 1e-3, "{}", mde_factor(4.0));
        assert!((mde_factor(1e6) - MDE_FACTOR).abs() < 1e-3);
        // Equal terms .01 and .01 on 4 and 100 df: (2e-4)² / (1e-8/4 + 1e-8/100) = 15.385.
        assert!((welch_df(0.01, 5, 0.01, 101) - 15.3846).abs() < 1e-3);
        assert!((welch_df(0.0, 5, 0.01, 101) - 100.0).abs() < 1e-9);
        assert!((welch_df(0.01, 5, 0.0, 101) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn seed_and_split_noise_add_in_quadrature_not_as_a_maximum() {
        // Seed differences +.02 ± .01 (se .0045) and a split floor of .0041 on 1,000 examples:
        // the SE is √(se_seed² + floor²), larger than either.
        let pairs = [(42, 0.03, 0.0), (43, 0.01, 0.0), (44, 0.02, 0.0), (45, 0.03, 0.0), (46, 0.01, 0.0)];
        let p = Paired::of_pairs(&pairs, 1000, 1.0).unwrap();
        let seed = p.seed_se.unwrap();
        assert!((seed - 0.004_472).abs() < 1e-5, "{p:?}");
        let floor = (0.02_f64 * 0.98 / 1000.0).sqrt();
        assert!((p.se - (seed * seed + floor * floor).sqrt()).abs() < 1e-12, "{p:?}");
        assert!(p.se > seed.max(floor) * 1.3, "{p:?}");
    }

    #[test]
    fn the_exact_split_term_is_the_discordant_pair_variance() {
        // One seed, ten examples: a alone right on 1 and 2 (b = 2), b alone right on 3 (c = 1).
        // eⱼ = 0 1 1 −1 0 0 0 0 0 0, ē = .1, Σ(e − ē)² = 3 − 10·.01 = 2.9, /(10·9) → √.032222.
        let t = true;
        let f = false;
        let a = vec![vec![t, t, t, f, f, f, t, t, f, f]];
        let b = vec![vec![t, f, f, t, f, f, t, t, f, f]];
        let se = paired_split_exact(&a, &b).unwrap();
        assert!((se - (2.9_f64 / 90.0).sqrt()).abs() < 1e-12, "{se}");
        assert_eq!(paired_split_exact(&a, &a), Some(0.0));
        assert_eq!(paired_split_exact(&a, &[vec![t; 9]]), None);
        assert_eq!(paired_split_exact(&[], &[]), None);
    }

    #[test]
    fn discordant_examples_in_both_directions_undo_a_floor_only_significance() {
        // 5,000 examples, five seeds all +0.004: the floor √(.004·.996/5000) = .000893 calls it
        // significant (t ≈ 4.5). The students in fact disagree on 500 examples, 260 one way and
        // 240 the other, every seed: Σ(e − ē)² = 500 − 5000·.004² = 499.92, SE = √(499.92 /
        // (5000·4999)) = .004472, t = .894, p ≈ .37.
        let pairs: Vec<(u64, f64, f64)> = (42..47).map(|s| (s, 0.604, 0.600)).collect();
        assert!(Paired::of_pairs(&pairs, 5000, 1.0).unwrap().significantly_positive());
        let row_a: Vec<bool> = (0..5000).map(|j| j < 3000 || (3000..3260).contains(&j)).collect();
        let row_b: Vec<bool> = (0..5000).map(|j| j < 3000 || (3260..3500).contains(&j)).collect();
        let (a, b) = (vec![row_a; 5], vec![row_b; 5]);
        let exact = paired_split_exact(&a, &b).unwrap();
        assert!((exact - 0.004_472).abs() < 1e-6, "{exact}");
        let p = Paired::of_pairs_split(&pairs, 5000, 1.0, Some(exact)).unwrap();
        assert!(p.split_exact && !p.significantly_positive(), "{p:?}");
        assert!((p.p.unwrap() - 0.371).abs() < 2e-3, "{p:?}");
    }
}
