//! Reproduction: does the method give the claimed PGR when re-run? Two comparisons, reported
//! together. The replay (the claim's own split and seeds) has no split noise, since the engine
//! is deterministic: it must match the claim within the rounding of the claim's digits plus
//! 1.96 × the replay's seed SE (which covers other hardware); outside that the claim fails. The
//! private-split reproduction answers whether the number survives unseen data, with the wider
//! tolerance 1.96 × SE_diff, SE_diff = √(SE_seed,claim² + SE_split,claim² + SE_seed,repro² +
//! SE_split,repro²). Without a replay it decides: a claim above the reproduction beyond that
//! tolerance fails; one the comparison cannot resolve (MDE above the claimed gain over vanilla's
//! private PGR) is inconclusive. No claim on the pack: not applicable, with the reproduced numbers.

use aar_review_schemas::bundle::Claim;
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};
use aar_review_schemas::vocab::Split;

use crate::stats::{self, RunSummary};
use crate::{Evidence, PackEvidence, claimed, num, result, seed_list};

pub fn check(e: &Evidence) -> CheckResult {
    let pe = &e.primary;
    let task = &pe.pack.name;
    let repro = RunSummary::of(pe.method, pe.pack);
    let split = pe.method.eval_split.as_str();
    let Some(repro_pgr) = repro.pgr else {
        let mut r = result(
            CheckId::Reproduction,
            CheckStatus::Warn,
            format!(
                "Inconclusive: the ceiling does not beat the weak teacher on {task} ({split}), so PGR \
                is undefined."
            ),
        );
        r.inconclusive = true;
        return r;
    };
    let mut figures = vec![reproduced_figure(task, split, repro_pgr, &repro)];
    if let Some(v) = RunSummary::of(pe.vanilla, pe.pack).pgr {
        figures.push(Figure {
            label: format!("vanilla PGR ({task}, {split})"),
            value: v,
            unit: Unit::Pgr,
            ci95: None,
        });
    }
    let Some(claim) = e.claim else {
        let mut r = result(
            CheckId::Reproduction,
            CheckStatus::NotApplicable,
            format!(
                "No claim on {task}: the method reproduces at PGR {} on the {split} split (seeds {}).",
                num(repro_pgr),
                seed_list(&pe.method.seeds)
            ),
        );
        r.figures = figures;
        return r;
    };
    let Some(private) = ClaimVsPrivate::of(claim, pe) else {
        let mut r =
            result(CheckId::Reproduction, CheckStatus::Warn, "Inconclusive: PGR is undefined.".to_owned());
        r.inconclusive = true;
        return r;
    };
    figures = private.figures(task, split);
    let mut notes = private.notes.clone();
    if claim.task != *task {
        notes.push(format!("The claim names task {}, verified on pack {task}.", claim.task));
    }
    let replay = pe.replay.and_then(|r| ReplayComparison::of(claim, r, pe));

    let mut r = match &replay {
        Some(rep) => {
            figures.insert(0, rep.figure());
            notes.extend(rep.notes.iter().cloned());
            let private_sentence = format!(
                "on the private split the method gives {} (claim − private {:+.3}, tolerance ±{})",
                num(private.repro_pgr),
                private.diff,
                num(private.tolerance())
            );
            let mut r = if rep.outside() {
                result(
                    CheckId::Reproduction,
                    CheckStatus::Fail,
                    format!(
                        "Claimed PGR {} does not reproduce: the replay on {} with seeds {} gives {} \
                         (allowed ±{}: rounding {} + 1.96 × seed SE {}); {private_sentence}.",
                        claimed(claim.pgr),
                        rep.split,
                        seed_list(&rep.seeds),
                        num(rep.replay_pgr),
                        num(rep.tolerance()),
                        claimed(rep.rounding),
                        num(rep.seed_se)
                    ),
                )
            } else if private.exceeds() {
                result(
                    CheckId::Reproduction,
                    CheckStatus::Warn,
                    format!(
                        "Claimed PGR {} replays on {} ({}) but not on the private split: {private_sentence}; \
                         the gain may be specific to the claimed split.",
                        claimed(claim.pgr),
                        rep.split,
                        num(rep.replay_pgr)
                    ),
                )
            } else {
                result(
                    CheckId::Reproduction,
                    CheckStatus::Pass,
                    format!(
                        "Claimed PGR {} reproduces: the replay on {} with seeds {} gives {} (within ±{}); \
                         {private_sentence}.",
                        claimed(claim.pgr),
                        rep.split,
                        seed_list(&rep.seeds),
                        num(rep.replay_pgr),
                        num(rep.tolerance())
                    ),
                )
            };
            r.detectable = Some(rep.mde());
            r.per_seed = rep.per_seed.clone();
            r
        }
        None => {
            notes.push(
                "No replay on the claim's own split: decided on the private split, whose split noise \
                 hides smaller inflations."
                    .to_owned(),
            );
            let mut r = if private.exceeds() {
                result(
                    CheckId::Reproduction,
                    CheckStatus::Fail,
                    format!(
                        "Claimed PGR {} does not hold on the private split: the reproduction gives {}, \
                         {} lower, beyond the 1.96 × SE_diff = {} tolerance.",
                        claimed(claim.pgr),
                        num(private.repro_pgr),
                        num(private.diff),
                        num(private.tolerance())
                    ),
                )
            } else if private.inconclusive() {
                let mut r = result(
                    CheckId::Reproduction,
                    CheckStatus::Warn,
                    format!(
                        "Inconclusive: the private reproduction ({}, split of {} examples) can only detect \
                         differences of {} PGR, more than the claimed gain of {} over vanilla.",
                        num(private.repro_pgr),
                        private.repro_n,
                        num(private.mde),
                        num(private.claimed_gain)
                    ),
                );
                r.inconclusive = true;
                r
            } else {
                result(
                    CheckId::Reproduction,
                    CheckStatus::Pass,
                    format!(
                        "Claimed PGR {} is consistent with the private reproduction {} (difference {:+.3} \
                         within ±{}; detectable {}).",
                        claimed(claim.pgr),
                        num(private.repro_pgr),
                        private.diff,
                        num(private.tolerance()),
                        num(private.mde)
                    ),
                )
            };
            r.detectable = Some(private.mde);
            r.per_seed = private_per_seed(claim, pe.method);
            r
        }
    };
    r.detectable_unit = Some(Unit::Pgr);
    r.figures = figures;
    r.notes = notes;
    r
}

/// How this check labels the reproduced PGR (the export finds the figure by it).
const REPRODUCED: &str = "reproduced PGR";

/// The reproduced PGR on the verification's pack and held-out split, with its CI, when the
/// check measured one.
pub fn reproduced(report: &aar_review_schemas::verification::VerificationReport) -> Option<&Figure> {
    report.checks.iter().find(|c| c.id == CheckId::Reproduction)?.figures.iter().find(|f| {
        f.label.starts_with(REPRODUCED)
            && f.label.contains(&format!("({}, {};", report.task, report.eval_split))
    })
}

fn reproduced_figure(task: &str, split: &str, pgr: f64, s: &RunSummary) -> Figure {
    let half = stats::tolerance(s.total_se());
    Figure {
        label: format!("{REPRODUCED} ({task}, {split}; seed + split noise)"),
        value: pgr,
        unit: Unit::Pgr,
        ci95: Some([pgr - half, pgr + half]),
    }
}

/// The claim's per-seed values beside the private re-run's.
fn private_per_seed(claim: &Claim, method: &RunReport) -> Vec<SeedEvidence> {
    method
        .per_seed
        .iter()
        .map(|s| SeedEvidence {
            seed: s.seed,
            claimed: claim.per_seed.iter().find(|c| c.seed == s.seed).map(|c| c.pgr),
            reproduced: s.pgr,
            baseline: None,
        })
        .collect()
}

/// The replay on the claim's own split and seeds against the claim.
#[derive(Debug, Clone)]
struct ReplayComparison {
    replay_pgr: f64,
    split: &'static str,
    seeds: Vec<u64>,
    rounding: f64,
    seed_se: f64,
    diff: f64,
    per_seed: Vec<SeedEvidence>,
    notes: Vec<String>,
}

impl ReplayComparison {
    fn of(claim: &Claim, replay: &RunReport, pe: &PackEvidence) -> Option<ReplayComparison> {
        let summary = RunSummary::of(replay, pe.pack);
        let replay_pgr = summary.pgr?;
        let mut notes = Vec::new();
        let seed_se = match summary.seed_se {
            Some(se) if summary.k >= 2 => se,
            _ => {
                notes.push(
                    "The replay has fewer than two seeds: its seed spread is taken from the private re-run."
                        .to_owned(),
                );
                RunSummary::of(pe.method, pe.pack).seed_se.unwrap_or(0.0)
            }
        };
        let mut claim_seeds = claim.seeds.clone();
        let mut replay_seeds = replay.seeds.clone();
        claim_seeds.sort_unstable();
        replay_seeds.sort_unstable();
        if claim_seeds != replay_seeds {
            notes.push(format!(
                "The replay ran seeds {}, the claim lists {}.",
                seed_list(&replay.seeds),
                seed_list(&claim.seeds)
            ));
        }
        if let Some(split) = claim.split
            && split != replay.eval_split.split()
        {
            notes.push(format!("The replay ran on {}, the claim was made on {}.", replay.eval_split, split));
        }
        let per_seed = replay
            .per_seed
            .iter()
            .map(|s| SeedEvidence {
                seed: s.seed,
                claimed: claim.per_seed.iter().find(|c| c.seed == s.seed).map(|c| c.pgr),
                reproduced: s.pgr,
                baseline: None,
            })
            .collect();
        Some(ReplayComparison {
            replay_pgr,
            split: replay.eval_split.as_str(),
            seeds: replay.seeds.clone(),
            rounding: stats::half_unit(claim.pgr),
            seed_se,
            diff: claim.pgr - replay_pgr,
            per_seed,
            notes,
        })
    }

    fn tolerance(&self) -> f64 {
        self.rounding + stats::tolerance(self.seed_se)
    }

    fn mde(&self) -> f64 {
        self.rounding + stats::mde(self.seed_se)
    }

    /// Deterministic replay: a claim off in either direction did not come from this method.
    fn outside(&self) -> bool {
        self.diff.abs() > self.tolerance() + 1e-12
    }

    fn figure(&self) -> Figure {
        let half = self.tolerance();
        Figure {
            label: format!(
                "replayed PGR ({}, seeds {}; rounding + seed noise)",
                self.split,
                seed_list(&self.seeds)
            ),
            value: self.replay_pgr,
            unit: Unit::Pgr,
            ci95: Some([self.replay_pgr - half, self.replay_pgr + half]),
        }
    }
}

/// A claim against the method's re-run on the private split, with both splits' noise and both
/// sides' seed noise (what dev_vs_private decides on as well).
#[derive(Debug, Clone)]
pub(crate) struct ClaimVsPrivate {
    pub claim_pgr: f64,
    pub claim_split: Split,
    pub claim_seed_se: f64,
    pub claim_split_se: f64,
    pub repro_pgr: f64,
    pub repro_seed_se: f64,
    pub repro_split_se: f64,
    pub repro_n: u32,
    /// claim − reproduction.
    pub diff: f64,
    pub se_diff: f64,
    pub mde: f64,
    pub vanilla_pgr: Option<f64>,
    /// claim − vanilla's private PGR (the claim itself when vanilla's is undefined).
    pub claimed_gain: f64,
    /// Where the noise estimates came from, when not from the claim itself.
    pub notes: Vec<String>,
}

impl ClaimVsPrivate {
    /// `None` when the reproduction's PGR is undefined.
    pub fn of(claim: &Claim, pe: &PackEvidence) -> Option<ClaimVsPrivate> {
        let repro = RunSummary::of(pe.method, pe.pack);
        let repro_pgr = repro.pgr?;
        let mut notes = Vec::new();
        let claimed_per_seed: Vec<f64> = claim.per_seed.iter().map(|s| s.pgr).collect();
        let claim_seed_se = match (claim.pgr_se, stats::seed_se(&claimed_per_seed)) {
            (Some(se), _) => se,
            (None, Some(se)) => se,
            (None, None) => {
                notes.push(
                    "The claim gives no SE or per-seed values: its seed noise is taken as the reproduction's."
                        .to_owned(),
                );
                repro.seed_se.unwrap_or(0.0)
            }
        };
        let claim_split = claim.split.unwrap_or(Split::Test);
        if claim.split.is_none() {
            notes.push("The claim does not name its split: taken as the test split.".to_owned());
        }
        let gap = match (claim.weak_acc, claim.ceiling_acc) {
            (Some(w), Some(c)) if c > w => c - w,
            _ => repro.gap.unwrap_or(0.0),
        };
        let weak = claim.weak_acc.unwrap_or(pe.method.aggregate.weak_acc);
        let student = claim.student_acc.unwrap_or(weak + claim.pgr * gap);
        let claim_n = pe.pack.splits.get(claim_split.as_str()).unwrap_or(0);
        let claim_split_se = stats::pgr_split_se(student, gap, claim_n).unwrap_or(0.0);
        let repro_seed_se = repro.seed_se.unwrap_or(0.0);
        let repro_split_se = repro.split_se.unwrap_or(0.0);
        let se_diff = stats::combine(&[claim_seed_se, claim_split_se, repro_seed_se, repro_split_se]);
        let vanilla_pgr = RunSummary::of(pe.vanilla, pe.pack).pgr;
        Some(ClaimVsPrivate {
            claim_pgr: claim.pgr,
            claim_split,
            claim_seed_se,
            claim_split_se,
            repro_pgr,
            repro_seed_se,
            repro_split_se,
            repro_n: repro.n.unwrap_or(0),
            diff: claim.pgr - repro_pgr,
            se_diff,
            mde: stats::mde(se_diff),
            vanilla_pgr,
            claimed_gain: claim.pgr - vanilla_pgr.unwrap_or(0.0),
            notes,
        })
    }

    pub fn tolerance(&self) -> f64 {
        stats::tolerance(self.se_diff)
    }

    /// The claim sits above the reproduction beyond what both splits' and seeds' noise allow.
    pub fn exceeds(&self) -> bool {
        self.diff > self.tolerance()
    }

    /// The comparison cannot resolve the gain the claim is about.
    pub fn inconclusive(&self) -> bool {
        self.claimed_gain > 0.0 && self.mde > self.claimed_gain
    }

    pub fn figures(&self, task: &str, split: &str) -> Vec<Figure> {
        let claim_half = stats::tolerance(stats::combine(&[self.claim_seed_se, self.claim_split_se]));
        let repro_half = stats::tolerance(stats::combine(&[self.repro_seed_se, self.repro_split_se]));
        let diff_half = self.tolerance();
        let mut figures = vec![
            Figure {
                label: format!("claimed PGR ({task}, {}; seed + split noise)", self.claim_split),
                value: self.claim_pgr,
                unit: Unit::Pgr,
                ci95: Some([self.claim_pgr - claim_half, self.claim_pgr + claim_half]),
            },
            Figure {
                label: format!("{REPRODUCED} ({task}, {split}; seed + split noise)"),
                value: self.repro_pgr,
                unit: Unit::Pgr,
                ci95: Some([self.repro_pgr - repro_half, self.repro_pgr + repro_half]),
            },
            Figure {
                label: format!("claim − reproduction ({split}; ±1.96 SE_diff)"),
                value: self.diff,
                unit: Unit::Pgr,
                ci95: Some([self.diff - diff_half, self.diff + diff_half]),
            },
            Figure { label: "SE_diff".to_owned(), value: self.se_diff, unit: Unit::Pgr, ci95: None },
            Figure {
                label: format!("claimed gain over vanilla ({split})"),
                value: self.claimed_gain,
                unit: Unit::Pgr,
                ci95: None,
            },
        ];
        if let Some(v) = self.vanilla_pgr {
            figures.push(Figure {
                label: format!("vanilla PGR ({task}, {split})"),
                value: v,
                unit: Unit::Pgr,
                ci95: None,
            });
        }
        figures
    }
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::verification::{CheckStatus, Unit};
    use aar_review_schemas::vocab::EvalSplit;

    use super::*;
    use crate::fixtures::{SEEDS, Scenario, run_pgr};

    #[test]
    fn a_faithful_claim_reproduces_on_replay_and_private() {
        let s = Scenario::honest(150, 150);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.summary.contains("replay on dev with seeds 42–46 gives 0.600"), "{}", r.summary);
        assert_eq!(r.detectable_unit, Some(Unit::Pgr));
        assert_eq!(r.per_seed.len(), 5);
        assert!(r.figures.iter().any(|f| f.label.starts_with("reproduced PGR") && f.ci95.is_some()));
    }

    #[test]
    fn an_inflated_claim_fails_the_replay_even_when_private_noise_would_hide_it() {
        let mut s = Scenario::honest(150, 150);
        // 0.62 claimed, 0.55 replayed: 0.07 is far inside the private split's noise (tolerance
        // ≈ 0.3 at n = 150) but far outside rounding + seed noise of a deterministic replay.
        s.claim_mut().pgr = 0.62;
        s.replay =
            Some(run_pgr("digits", EvalSplit::Dev, "logconf", &SEEDS, &[0.55, 0.57, 0.53, 0.56, 0.54]));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(
            r.summary.starts_with("Claimed PGR 0.62 does not reproduce: the replay on dev"),
            "{}",
            r.summary
        );
        assert!(r.summary.contains("gives 0.550"), "{}", r.summary);
        // The same claim is within the rounding + seed tolerance when the replay gives 0.61.
        s.replay =
            Some(run_pgr("digits", EvalSplit::Dev, "logconf", &SEEDS, &[0.61, 0.63, 0.59, 0.62, 0.60]));
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn without_a_replay_an_inflated_claim_fails_on_private() {
        let mut s = Scenario::honest(150, 1500);
        s.replay = None;
        s.claim_mut().pgr = 0.9;
        s.claim_mut().per_seed.clear();
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("does not hold on the private split"), "{}", r.summary);
        // The honest 0.6 passes the same comparison.
        s.claim_mut().pgr = 0.6;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn tiny_splits_make_the_private_comparison_inconclusive() {
        let mut s = Scenario::honest(30, 30);
        s.replay = None;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        assert!(r.summary.starts_with("Inconclusive"), "{}", r.summary);
        // MDE = 2.8 × SE_diff, dominated by two splits of 30: SE_split ≈ .073/.39 ≈ .19 each.
        assert!(r.detectable.unwrap() > 0.35, "{r:#?}");
    }

    #[test]
    fn without_a_claim_it_reports_the_reproduction_only() {
        let mut s = Scenario::honest(150, 150);
        s.has_claim = false;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::NotApplicable);
        assert!(r.summary.contains("reproduces at PGR 0.600"), "{}", r.summary);
        assert!(!r.figures.is_empty());
    }

    #[test]
    fn se_diff_combines_both_sides_seed_and_split_noise() {
        let s = Scenario::honest(150, 150);
        let e = s.evidence();
        let c = ClaimVsPrivate::of(e.claim.unwrap(), &e.primary).unwrap();
        // claim on dev (150) and private (150) at student acc .804: split SE .0324/.39 = .0831.
        assert!((c.claim_split_se - 0.0831).abs() < 1e-3, "{c:?}");
        assert!((c.repro_split_se - 0.0831).abs() < 1e-3, "{c:?}");
        let expected = (c.claim_seed_se.powi(2)
            + c.claim_split_se.powi(2)
            + c.repro_seed_se.powi(2)
            + c.repro_split_se.powi(2))
        .sqrt();
        assert!((c.se_diff - expected).abs() < 1e-12);
        assert!((c.claimed_gain - 0.35).abs() < 1e-9, "{c:?}");
    }
}
