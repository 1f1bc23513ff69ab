//! Reproduction: does every claim come out of the method when it is replayed? The engine is
//! deterministic, so a replay of a claim on its own pack, split and seeds, under the conditions
//! the claim records (engine version, backend, adapter, pack digest: `Claim::measured`), must
//! give every number the claim writes (the headline PGR and accuracies, each seed's PGR and
//! student accuracy) to within the rounding of the digits written, and never more than
//! [`EXACT_TOLERANCE`]; anything else is a fail. No noise allowance is added on top: an author
//! who writes fewer digits gains nothing.
//!
//! Every claim is replayed, not only the one on the verified pack, so a weak first claim cannot
//! shield an inflated second one. A claim that names no split, or a split an author cannot have
//! scored on (`private`, `a`, `b`), or no seeds, fails with that reason; a claim the method
//! refused to replay fails too. When the conditions differ or were not recorded, the replay is
//! compared statistically (rounding + t₀.₉₇₅ × the replay's own seed SE, measured, never the
//! author's) and says so: beyond that it fails, within it the claim needs a human, since an
//! inexact comparison cannot verify a number. A claim on a pack this install does not have
//! cannot be replayed and needs a human.
//!
//! Beside the replay, the verified pack's claim is compared with the method's re-run on the
//! private split (both splits' and both sides' seed noise, all measured): a claim that replays
//! but sits above the private reproduction beyond that noise is a warning (the gain may be
//! specific to the claimed split; `dev_vs_private` judges that). No claim at all: not
//! applicable, with the reproduced numbers.

use aar_review_schemas::bundle::Claim;
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};
use aar_review_schemas::vocab::Split;

use crate::stats::{self, RunSummary};
use crate::{ClaimReplay, Evidence, PackEvidence, claimed, num, result, seed_list};

/// The most an exactly replayed number may differ from the claim, whatever digits it was written
/// with: half a unit in the third decimal. A deterministic replay differs only by rounding.
pub const EXACT_TOLERANCE: f64 = 5e-4;

/// Float slack on top of the rounding, so that a value written to three decimals that sits
/// exactly on a half unit is not refused for a last-bit difference.
const FLOAT_SLACK: f64 = 1e-9;

/// Mismatching numbers named in a failing summary; the rest are counted.
const MISMATCHES_SHOWN: usize = 3;

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
    if e.replays.is_empty() {
        let mut r = result(
            CheckId::Reproduction,
            CheckStatus::NotApplicable,
            format!(
                "No claim: the method reproduces at PGR {} on {task}'s {split} split (seeds {}).",
                num(repro_pgr),
                seed_list(&pe.method.seeds)
            ),
        );
        r.figures = vec![reproduced_figure(task, split, repro_pgr, &repro)];
        if let Some(v) = RunSummary::of(pe.vanilla, pe.pack).pgr {
            r.figures.push(vanilla_figure(task, split, v));
        }
        return r;
    }

    let verdicts: Vec<ClaimVerdict> = e.replays.iter().map(ClaimVerdict::of).collect();
    let mut notes: Vec<String> = verdicts.iter().flat_map(|v| v.notes.iter().cloned()).collect();
    let mut figures: Vec<Figure> = verdicts.iter().filter_map(|v| v.figure.clone()).collect();
    let primary_claim = e.claim;
    let private = primary_claim.and_then(|c| ClaimVsPrivate::of(c, pe));
    match &private {
        Some(p) => {
            figures.extend(p.figures(task, split));
            notes.extend(p.notes.iter().cloned());
        }
        None => {
            figures.push(reproduced_figure(task, split, repro_pgr, &repro));
            if let Some(v) = RunSummary::of(pe.vanilla, pe.pack).pgr {
                figures.push(vanilla_figure(task, split, v));
            }
        }
    }

    let worst = verdicts.iter().map(|v| v.status).max_by_key(|s| severity(*s)).unwrap_or(CheckStatus::Pass);
    let private_warning = private.as_ref().filter(|p| p.exceeds()).map(|p| {
        format!(
            "the claim on {task} sits above the private reproduction ({}, claim − private {:+.3}, tolerance \
             ±{}): the gain may be specific to the claimed split",
            num(p.repro_pgr),
            p.diff,
            num(p.tolerance())
        )
    });
    let status = match (worst, &private_warning) {
        (CheckStatus::Pass, Some(_)) => CheckStatus::Warn,
        (s, _) => s,
    };
    let mut sentences: Vec<String> = Vec::new();
    // Failing claims first, then those needing a human, then the ones that replayed.
    for wanted in [CheckStatus::Fail, CheckStatus::Warn, CheckStatus::Pass] {
        sentences.extend(verdicts.iter().filter(|v| v.status == wanted).map(|v| v.sentence.clone()));
    }
    if let Some(w) = &private_warning {
        sentences.push(format!("But {w}."));
    } else if let Some(p) = &private {
        sentences.push(format!(
            "On the private split the method gives {} (claim − private {:+.3}, tolerance ±{}).",
            num(p.repro_pgr),
            p.diff,
            num(p.tolerance())
        ));
    }
    let mut r = result(CheckId::Reproduction, status, sentences.join(" "));
    r.inconclusive =
        status == CheckStatus::Warn && worst == CheckStatus::Warn && verdicts.iter().any(|v| v.inconclusive);
    // The primary claim's replay is the per-seed evidence a reviewer reads first.
    let primary_verdict = verdicts.iter().find(|v| primary_claim.is_some_and(|c| std::ptr::eq(c, v.claim)));
    match primary_verdict {
        Some(v) if !v.per_seed.is_empty() => r.per_seed = v.per_seed.clone(),
        _ => {
            if let Some(c) = primary_claim {
                r.per_seed = private_per_seed(c, pe.method);
            }
        }
    }
    r.detectable = verdicts.iter().filter_map(|v| v.detectable).reduce(f64::max);
    r.detectable_unit = Some(Unit::Pgr);
    r.figures = figures;
    r.notes = notes;
    r
}

/// Orders statuses for "the worst of": a fail outranks a warning outranks a pass.
fn severity(s: CheckStatus) -> u8 {
    match s {
        CheckStatus::Fail => 3,
        CheckStatus::Warn => 2,
        CheckStatus::Pass => 1,
        CheckStatus::NotApplicable => 0,
    }
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

fn vanilla_figure(task: &str, split: &str, pgr: f64) -> Figure {
    Figure { label: format!("vanilla PGR ({task}, {split})"), value: pgr, unit: Unit::Pgr, ci95: None }
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

/// The most a number written as `x` may differ from an exact replay.
pub fn exact_tolerance(x: f64) -> f64 {
    stats::half_unit(x).min(EXACT_TOLERANCE) + FLOAT_SLACK
}

/// What the replay of one claim says about it.
#[derive(Debug, Clone)]
struct ClaimVerdict<'a> {
    claim: &'a Claim,
    status: CheckStatus,
    inconclusive: bool,
    sentence: String,
    figure: Option<Figure>,
    per_seed: Vec<SeedEvidence>,
    detectable: Option<f64>,
    notes: Vec<String>,
}

impl<'a> ClaimVerdict<'a> {
    fn of(replay: &ClaimReplay<'a>) -> ClaimVerdict<'a> {
        let claim = replay.claim;
        let task = &claim.task;
        let verdict = |status, sentence: String| ClaimVerdict {
            claim,
            status,
            inconclusive: false,
            sentence,
            figure: None,
            per_seed: Vec::new(),
            detectable: None,
            notes: Vec::new(),
        };
        let pgr = claimed(claim.pgr);
        let Some(split) = claim.split else {
            return verdict(
                CheckStatus::Fail,
                format!(
                    "The claim of PGR {pgr} on {task} names no split, so it cannot be replayed: a number \
                     that cannot be checked does not count."
                ),
            );
        };
        if matches!(split, Split::Private | Split::A | Split::B) {
            return verdict(
                CheckStatus::Fail,
                format!(
                    "The claim of PGR {pgr} on {task} is on the {split} split, which an author cannot have \
                     scored on{}.",
                    if split == Split::Private {
                        " (it is held out for verification)"
                    } else {
                        " (a training split)"
                    }
                ),
            );
        }
        if claim.seeds.is_empty() {
            return verdict(
                CheckStatus::Fail,
                format!("The claim of PGR {pgr} on {task} lists no seeds, so it cannot be replayed."),
            );
        }
        if let Some(refusal) = &replay.refusal {
            return verdict(
                CheckStatus::Fail,
                format!(
                    "The method failed in the replay of the claim of PGR {pgr} on {task} ({split}): {refusal}"
                ),
            );
        }
        let (pack, run) = match (replay.pack, replay.run) {
            (Some(pack), Some(run)) => (pack, run),
            (pack, _) => {
                let why = if pack.is_none() {
                    "this install has no pack of that name"
                } else {
                    "the verification made no replay of it"
                };
                let mut v = verdict(
                    CheckStatus::Warn,
                    format!("The claim of PGR {pgr} on {task} cannot be replayed here: {why}."),
                );
                v.inconclusive = true;
                return v;
            }
        };
        let summary = RunSummary::of(run, pack);
        let Some(replay_pgr) = summary.pgr else {
            let mut v = verdict(
                CheckStatus::Warn,
                format!(
                    "The replay of the claim on {task} ({split}) has no gap over the teacher: PGR is undefined."
                ),
            );
            v.inconclusive = true;
            return v;
        };
        let per_seed: Vec<SeedEvidence> = run
            .per_seed
            .iter()
            .map(|s| SeedEvidence {
                seed: s.seed,
                claimed: claim.per_seed.iter().find(|c| c.seed == s.seed).map(|c| c.pgr),
                reproduced: s.pgr,
                baseline: None,
            })
            .collect();
        let seeds = seed_list(&run.seeds);
        let mut notes = Vec::new();
        let unreplayed: Vec<u64> = claim.seeds.iter().copied().filter(|s| !run.seeds.contains(s)).collect();
        if !unreplayed.is_empty() {
            notes.push(format!(
                "The claim on {task} lists seeds the replay did not run ({}): their per-seed values are unchecked.",
                seed_list(&unreplayed)
            ));
        }
        let conditions = Conditions::compare(claim, run);
        let figure_label = |how: &str| format!("replayed PGR ({task}, {split}, seeds {seeds}; {how})");
        match conditions {
            Conditions::Same => {
                let mismatches = exact_mismatches(claim, run);
                let tolerance = exact_tolerance(claim.pgr);
                let (status, sentence) = if mismatches.is_empty() {
                    (
                        CheckStatus::Pass,
                        format!(
                            "The claim of PGR {pgr} on {task} replays exactly: {split} split, seeds {seeds}, \
                             same engine, backend and pack give {} and every number the claim writes.",
                            num(replay_pgr)
                        ),
                    )
                } else {
                    let shown: Vec<&str> =
                        mismatches.iter().take(MISMATCHES_SHOWN).map(String::as_str).collect();
                    let more = mismatches.len().saturating_sub(MISMATCHES_SHOWN);
                    (
                        CheckStatus::Fail,
                        format!(
                            "The claim of PGR {pgr} on {task} does not replay: under the conditions it records \
                             ({split} split, seeds {seeds}) the engine is deterministic, yet {}{}.",
                            shown.join("; "),
                            if more > 0 { format!(" and {more} more") } else { String::new() }
                        ),
                    )
                };
                ClaimVerdict {
                    claim,
                    status,
                    inconclusive: false,
                    sentence,
                    figure: Some(Figure {
                        label: figure_label("exact replay, ± rounding"),
                        value: replay_pgr,
                        unit: Unit::Pgr,
                        ci95: Some([replay_pgr - tolerance, replay_pgr + tolerance]),
                    }),
                    per_seed,
                    detectable: Some(tolerance),
                    notes,
                }
            }
            Conditions::Differ(why) => {
                // Only the replay's own measured seed spread, never an SE the author wrote.
                let seed_se = summary.seed_se.filter(|_| summary.k >= 2).unwrap_or(0.0);
                let quantile = if summary.k >= 2 { stats::t_975(summary.k - 1) } else { 0.0 };
                let tolerance = stats::half_unit(claim.pgr) + quantile * seed_se + FLOAT_SLACK;
                let diff = claim.pgr - replay_pgr;
                notes.push(format!("The claim on {task} could not be replayed exactly: {why}."));
                let (status, sentence) = if diff.abs() > tolerance {
                    (
                        CheckStatus::Fail,
                        format!(
                            "The claim of PGR {pgr} on {task} does not reproduce: the replay on {split} with seeds \
                             {seeds} gives {} (allowed ±{}: rounding + t × the replay's seed SE; not an exact \
                             replay, since {why}).",
                            num(replay_pgr),
                            num(tolerance)
                        ),
                    )
                } else {
                    (
                        CheckStatus::Warn,
                        format!(
                            "The claim of PGR {pgr} on {task} is within ±{} of its replay ({} on {split}, seeds \
                             {seeds}), but only statistically: {why}, so the replay cannot confirm the numbers.",
                            num(tolerance),
                            num(replay_pgr)
                        ),
                    )
                };
                ClaimVerdict {
                    claim,
                    status,
                    inconclusive: status == CheckStatus::Warn,
                    sentence,
                    figure: Some(Figure {
                        label: figure_label("statistical comparison"),
                        value: replay_pgr,
                        unit: Unit::Pgr,
                        ci95: Some([replay_pgr - tolerance, replay_pgr + tolerance]),
                    }),
                    per_seed,
                    detectable: Some(tolerance),
                    notes,
                }
            }
        }
    }
}

/// Whether a replay ran under the conditions a claim records.
#[derive(Debug, Clone, PartialEq)]
enum Conditions {
    Same,
    /// Why not, as a clause: "the claim records no conditions".
    Differ(String),
}

impl Conditions {
    fn compare(claim: &Claim, run: &RunReport) -> Conditions {
        let Some(m) = &claim.measured else {
            return Conditions::Differ(
                "the claim does not record how it was measured (schema version 1)".into(),
            );
        };
        let mut differences = Vec::new();
        if m.engine_version != run.engine_version {
            differences.push(format!("engine {} here, {} claimed", run.engine_version, m.engine_version));
        }
        if m.backend != run.device.backend {
            differences.push(format!(
                "backend {} here, {} claimed",
                run.device.backend.as_str(),
                m.backend.as_str()
            ));
        } else if m.adapter != run.device.adapter {
            differences.push(format!("adapter {} here, {} claimed", run.device.adapter, m.adapter));
        }
        if m.pack_sha256 != run.data_sha256 {
            differences.push("the pack's data differ from the one claimed".to_owned());
        }
        if differences.is_empty() { Conditions::Same } else { Conditions::Differ(differences.join(", ")) }
    }
}

/// Every number of `claim` that an exact replay does not give, as "seed 43's PGR 0.412 is
/// 0.350 on replay".
fn exact_mismatches(claim: &Claim, run: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    let mut compare = |what: String, written: f64, replayed: Option<f64>| match replayed {
        Some(r) if (written - r).abs() <= exact_tolerance(written) => {}
        Some(r) => out.push(format!("{what} {} is {} on replay", claimed(written), num_exact(r))),
        None => out.push(format!("{what} {} has no replayed value", claimed(written))),
    };
    let a = &run.aggregate;
    compare("the headline PGR".into(), claim.pgr, a.pgr);
    for (what, written, replayed) in [
        ("the weak accuracy", claim.weak_acc, a.weak_acc),
        ("the ceiling accuracy", claim.ceiling_acc, a.ceiling_acc),
        ("the student accuracy", claim.student_acc, a.student_acc),
    ] {
        if let Some(w) = written {
            compare(what.into(), w, Some(replayed));
        }
    }
    for s in &claim.per_seed {
        let replayed = run.per_seed.iter().find(|r| r.seed == s.seed);
        if replayed.is_none() && !run.seeds.contains(&s.seed) {
            // Not replayed (more seeds than a verification runs): noted, not judged.
            continue;
        }
        compare(format!("seed {}'s PGR", s.seed), s.pgr, replayed.and_then(|r| r.pgr));
        if let Some(acc) = s.student_acc {
            compare(format!("seed {}'s student accuracy", s.seed), acc, replayed.map(|r| r.student_acc));
        }
    }
    out
}

/// A replayed number with enough digits to show how far it is from a three-decimal claim.
fn num_exact(x: f64) -> String {
    format!("{x:.4}")
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
        // Seed noise on the claimed side is measured, never written: the replay's spread when
        // there is one, else the private re-run's. An author's `pgr_se` is not read.
        let replay_seed_se =
            pe.replay.map(|r| RunSummary::of(r, pe.pack)).filter(|r| r.k >= 2).and_then(|r| r.seed_se);
        let claim_seed_se = match replay_seed_se {
            Some(se) => se,
            None => {
                notes.push(
                    "No replay with two or more seeds: the claim's seed noise is taken as the private re-run's."
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
    use crate::fixtures::{self, SEEDS, Scenario, run_pgr};

    /// The honest scenario's claim, inflated by `by` PGR on the headline and on every seed, with
    /// the accuracies moved to match: what an author who edits numbers would write.
    fn inflate(s: &mut Scenario, by: f64) {
        let claim = s.claim_mut();
        claim.pgr = ((claim.pgr + by) * 1000.0).round() / 1000.0;
        for seed in &mut claim.per_seed {
            seed.pgr = ((seed.pgr + by) * 1000.0).round() / 1000.0;
        }
    }

    #[test]
    fn a_faithful_claim_replays_exactly() {
        let s = Scenario::honest(150, 150);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.summary.contains("replays exactly: dev split, seeds 42–46"), "{}", r.summary);
        assert_eq!(r.detectable_unit, Some(Unit::Pgr));
        assert!(r.detectable.unwrap() <= EXACT_TOLERANCE + 1e-6, "{r:#?}");
        assert_eq!(r.per_seed.len(), 5);
        assert!(r.figures.iter().any(|f| f.label.starts_with("reproduced PGR") && f.ci95.is_some()));
    }

    #[test]
    fn an_inflation_inside_seed_noise_fails_an_exact_replay() {
        // The red team's attack: +0.062 on the headline and every seed. The old tolerance
        // (rounding + 1.96 seed SE) let it through; an exact replay does not.
        let mut s = Scenario::honest(150, 150);
        inflate(&mut s, 0.062);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("does not replay"), "{}", r.summary);
        assert!(r.summary.contains("the headline PGR 0.662 is 0.6000 on replay"), "{}", r.summary);
        // Even one seed off by a thousandth beyond rounding is a fail.
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().per_seed[2].pgr = 0.581;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("seed 44's PGR 0.581 is 0.5800 on replay"), "{}", r.summary);
    }

    #[test]
    fn writing_fewer_digits_buys_no_tolerance() {
        // "0.6" for a method that replays at 0.643 once passed with ±0.05 of rounding on top of
        // the seed noise; now the rounding allowance is at most 5e-4.
        let mut s = Scenario::honest(150, 150);
        s.replay =
            Some(run_pgr("digits", EvalSplit::Dev, "logconf", &SEEDS, &[0.643, 0.663, 0.623, 0.653, 0.633]));
        s.claim_mut().per_seed.clear();
        s.claim_mut().pgr = 0.643;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
        s.claim_mut().pgr = 0.6;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        // More digits hold the claim to them: 0.6434 is off by 4e-4, beyond half of the fourth.
        s.claim_mut().pgr = 0.6434;
        assert_eq!(check(&s.evidence()).status, CheckStatus::Fail);
        assert!((exact_tolerance(0.7) - 5e-4).abs() < 1e-6);
        assert!((exact_tolerance(0.6234) - 5e-5).abs() < 1e-6);
    }

    #[test]
    fn an_author_written_se_is_never_read() {
        // Claimed 0.793 with pgr_se 0.3 for a method that replays at 0.60.
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().pgr = 0.793;
        s.claim_mut().pgr_se = Some(0.3);
        s.claim_mut().per_seed.clear();
        assert_eq!(check(&s.evidence()).status, CheckStatus::Fail);
        // The same SE without recorded conditions: the statistical comparison uses the replay's
        // measured seed SE (≈ 0.007), so it still fails.
        s.claim_mut().measured = None;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("not an exact replay"), "{}", r.summary);
    }

    #[test]
    fn claims_that_cannot_be_replayed_fail_with_the_reason() {
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().split = None;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("names no split"), "{}", r.summary);
        for (split, words) in [(Split::Private, "held out for verification"), (Split::B, "a training split")]
        {
            s.claim_mut().split = Some(split);
            let r = check(&s.evidence());
            assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
            assert!(
                r.summary.contains("cannot have scored on") && r.summary.contains(words),
                "{}",
                r.summary
            );
        }
        s.claim_mut().split = Some(Split::Dev);
        s.claim_mut().seeds.clear();
        assert!(check(&s.evidence()).summary.contains("lists no seeds"));
    }

    #[test]
    fn a_weak_first_claim_does_not_shield_an_inflated_second_one() {
        let mut s = Scenario::honest(150, 150);
        let wine = fixtures::pack("wine", 150, 299, 150);
        let mut second = fixtures::claim("wine", Some(Split::Dev), 0.9, &[0.9; 5]);
        second.pgr = 0.9;
        let replay = run_pgr("wine", EvalSplit::Dev, "logconf", &SEEDS, &[0.5; 5]);
        s.add_claim(second, Some(wine), Some(replay), None);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.starts_with("The claim of PGR 0.9 on wine does not replay"), "{}", r.summary);
        assert!(r.summary.contains("The claim of PGR 0.6 on digits replays exactly"), "{}", r.summary);
    }

    #[test]
    fn a_method_that_fails_a_replay_fails_the_claim() {
        let mut s = Scenario::honest(150, 150);
        let wine = fixtures::pack("wine", 150, 299, 150);
        let second = fixtures::claim("wine", Some(Split::Dev), 0.5, &[0.5; 5]);
        s.add_claim(second, Some(wine), None, Some("runtime error at method.rhai:3:5".into()));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("failed in the replay of the claim of PGR 0.5 on wine"), "{}", r.summary);
    }

    #[test]
    fn without_recorded_conditions_a_claim_is_never_verified() {
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().measured = None;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        assert!(r.summary.contains("only statistically"), "{}", r.summary);
        assert!(r.notes.iter().any(|n| n.contains("does not record how it was measured")), "{:?}", r.notes);
        // Another backend: the same.
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().measured.as_mut().unwrap().backend = aar_review_schemas::vocab::Backend::Wgpu;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.notes.iter().any(|n| n.contains("backend flex here, wgpu claimed")), "{:?}", r.notes);
    }

    #[test]
    fn a_claim_on_an_unknown_pack_needs_a_human() {
        let mut s = Scenario::honest(150, 150);
        s.add_claim(fixtures::claim("chat", Some(Split::Dev), 0.5, &[]), None, None, None);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.summary.contains("no pack of that name"), "{}", r.summary);
    }

    #[test]
    fn a_replayed_claim_far_above_the_private_split_is_a_warning() {
        let mut s = Scenario::honest(1500, 1500);
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.30, 0.31, 0.29, 0.30, 0.30]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.summary.contains("may be specific to the claimed split"), "{}", r.summary);
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
    fn se_diff_combines_measured_seed_and_split_noise_of_both_sides() {
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().pgr_se = Some(0.5);
        let e = s.evidence();
        let c = ClaimVsPrivate::of(e.claim.unwrap(), &e.primary).unwrap();
        // claim on dev (150) and private (150) at student acc .804: split SE .0324/.39 = .0831.
        assert!((c.claim_split_se - 0.0831).abs() < 1e-3, "{c:?}");
        assert!((c.repro_split_se - 0.0831).abs() < 1e-3, "{c:?}");
        // The claimed side's seed SE is the replay's, not the 0.5 the author wrote.
        assert!(c.claim_seed_se < 0.01, "{c:?}");
        let expected = (c.claim_seed_se.powi(2)
            + c.claim_split_se.powi(2)
            + c.repro_seed_se.powi(2)
            + c.repro_split_se.powi(2))
        .sqrt();
        assert!((c.se_diff - expected).abs() < 1e-12);
        assert!((c.claimed_gain - 0.35).abs() < 1e-9, "{c:?}");
    }
}
