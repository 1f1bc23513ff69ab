//! Seeds: a claim must report the pre-registered seeds, all of them, and nothing else, and its
//! per-seed list must cover exactly the seeds it claims; otherwise it fails. Two cherry-picking
//! notes use the re-runs: when a replay on the claim's split and seeds exists, a claim whose every
//! per-seed PGR (three or more) sits above the replay's median at the same seeds is noted (honest
//! values straddle their own median; the inflation itself fails `reproduction`); and when the
//! claim left pre-registered seeds out and the private re-run ran them, the note says whether the
//! seeds it kept all rank above that re-run's median (they look chosen). A verification's private
//! runs use fresh secret seeds, so only a re-run on the pre-registered seeds gives that note. No
//! claim: not applicable.

use std::collections::BTreeSet;

use aar_review_schemas::bundle::Claim;
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};

use crate::{Evidence, num, result, seed_list, stats};

/// The fewest per-seed values the median rule judges (with two, "both above" says little).
pub const MIN_SEEDS_FOR_MEDIAN_RULE: usize = 3;

pub fn check(e: &Evidence) -> CheckResult {
    check_claim(e.claim, e.preregistered_seeds, e.primary.replay, Some(e.primary.method))
}

/// The seeds check on a claim, with the replay (claim's split and seeds) and the private re-run
/// (pre-registered seeds) when they exist.
pub fn check_claim(
    claim: Option<&Claim>,
    preregistered: &[u64],
    replay: Option<&RunReport>,
    rerun: Option<&RunReport>,
) -> CheckResult {
    let Some(claim) = claim else {
        return result(CheckId::Seeds, CheckStatus::NotApplicable, "No claim: no seeds to check.".to_owned());
    };
    let registered: BTreeSet<u64> = preregistered.iter().copied().collect();
    let used: BTreeSet<u64> = claim.seeds.iter().copied().collect();
    let mut findings: Vec<String> = Vec::new();
    if claim.seeds.is_empty() {
        findings.push(format!("No seeds listed; the pre-registered set is {}.", seed_list(preregistered)));
    } else {
        let missing: Vec<u64> = registered.difference(&used).copied().collect();
        let extra: Vec<u64> = used.difference(&registered).copied().collect();
        if !missing.is_empty() {
            findings.push(format!("Pre-registered seeds missing from the claim: {}.", seed_list(&missing)));
        }
        if !extra.is_empty() {
            findings.push(format!("Seeds that were not pre-registered: {}.", seed_list(&extra)));
        }
        if used.len() != claim.seeds.len() {
            findings.push(format!("The seed list repeats seeds: {}.", seed_list(&claim.seeds)));
        }
    }
    if !claim.per_seed.is_empty() {
        let listed: Vec<u64> = claim.per_seed.iter().map(|s| s.seed).collect();
        let listed_set: BTreeSet<u64> = listed.iter().copied().collect();
        if listed_set != used || listed_set.len() != listed.len() {
            findings.push(format!(
                "The per-seed results are for seeds {}, the claim lists {}.",
                seed_list(&listed),
                seed_list(&claim.seeds)
            ));
        }
    }
    let mut figures = Vec::new();
    let mut notes = Vec::new();
    // Per-seed values that all sit above the replay's are inflated, not chosen: with exactly the
    // pre-registered seeds there was nothing to choose from, and the inflation is
    // `reproduction`'s finding. It is noted here, and decides only alongside a seed finding.
    if let Some(replay) = replay
        && let Some(finding) = above_replay_median(claim, replay, &mut figures)
    {
        notes.push(finding);
    }
    if let Some(rerun) = rerun
        && let Some(note) = kept_seeds_rank_high(claim, rerun)
    {
        notes.push(note);
    }
    let per_seed = per_seed(claim, replay.or(rerun));
    let mut r = if findings.is_empty() {
        result(
            CheckId::Seeds,
            CheckStatus::Pass,
            format!("The claim reports exactly the pre-registered seeds {}.", seed_list(preregistered)),
        )
    } else {
        let mut r = result(CheckId::Seeds, CheckStatus::Fail, findings[0].clone());
        if findings.len() > 1 {
            r.summary =
                format!("{} ({} more seed findings)", findings[0].trim_end_matches('.'), findings.len() - 1);
            r.summary.push('.');
        }
        r
    };
    figures.push(Figure {
        label: "seeds claimed".to_owned(),
        value: claim.seeds.len() as f64,
        unit: Unit::Count,
        ci95: None,
    });
    r.figures = figures;
    r.per_seed = per_seed;
    notes.splice(0..0, findings);
    r.notes = notes;
    r
}

/// The median rule against the replay: `Some(finding)` when every claimed per-seed PGR sits above
/// the replay's median at the same seeds (beyond the rounding of the claimed digits).
fn above_replay_median(claim: &Claim, replay: &RunReport, figures: &mut Vec<Figure>) -> Option<String> {
    let pairs: Vec<(f64, f64)> = claim
        .per_seed
        .iter()
        .filter_map(|c| {
            replay.per_seed.iter().find(|r| r.seed == c.seed).and_then(|r| r.pgr).map(|r| (c.pgr, r))
        })
        .collect();
    if pairs.len() < MIN_SEEDS_FOR_MEDIAN_RULE {
        return None;
    }
    let median = median(pairs.iter().map(|p| p.1).collect())?;
    figures.push(Figure {
        label: format!("replay median PGR at the claimed seeds ({})", replay.eval_split),
        value: median,
        unit: Unit::Pgr,
        ci95: None,
    });
    let claimed: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let rounding = stats::half_unit_of(&claimed);
    let all_above = pairs.iter().all(|(c, _)| *c - rounding > median);
    all_above.then(|| {
        format!(
            "All {} claimed per-seed PGRs sit above the replay's median {} at the same seeds; honest \
            values straddle it.",
            pairs.len(),
            num(median)
        )
    })
}

/// When the claim kept only some of the re-run's seeds, whether those all rank above the re-run's
/// median (as chosen seeds would).
fn kept_seeds_rank_high(claim: &Claim, rerun: &RunReport) -> Option<String> {
    let all: Vec<(u64, f64)> = rerun.per_seed.iter().filter_map(|s| s.pgr.map(|p| (s.seed, p))).collect();
    let kept: Vec<f64> = all.iter().filter(|(s, _)| claim.seeds.contains(s)).map(|(_, p)| *p).collect();
    if kept.is_empty() || kept.len() >= all.len() {
        return None;
    }
    let median = median(all.iter().map(|(_, p)| *p).collect())?;
    let above = kept.iter().filter(|p| **p > median).count();
    Some(if above == kept.len() {
        format!(
            "The {} seeds the claim kept all rank above the private re-run's median {} over {}: they \
            look chosen.",
            kept.len(),
            num(median),
            seed_list(&rerun.seeds)
        )
    } else {
        format!(
            "{} of the {} seeds the claim kept rank above the private re-run's median {}: no sign they \
            were chosen.",
            above,
            kept.len(),
            num(median)
        )
    })
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    Some(if xs.len() % 2 == 1 { xs[mid] } else { (xs[mid - 1] + xs[mid]) / 2.0 })
}

fn per_seed(claim: &Claim, rerun: Option<&RunReport>) -> Vec<SeedEvidence> {
    let mut seeds: BTreeSet<u64> = claim.seeds.iter().copied().collect();
    seeds.extend(claim.per_seed.iter().map(|s| s.seed));
    if let Some(r) = rerun {
        seeds.extend(r.seeds.iter().copied());
    }
    seeds
        .into_iter()
        .map(|seed| SeedEvidence {
            seed,
            claimed: claim.per_seed.iter().find(|s| s.seed == seed).map(|s| s.pgr),
            reproduced: rerun.and_then(|r| r.per_seed.iter().find(|s| s.seed == seed)).and_then(|s| s.pgr),
            baseline: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::bundle::SeedResult;
    use aar_review_schemas::verification::{CheckStatus, PREREGISTERED_SEEDS};

    use super::*;
    use crate::fixtures::Scenario;

    #[test]
    fn the_preregistered_seeds_pass() {
        let s = Scenario::honest(150, 150);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert_eq!(r.per_seed.len(), 5);
    }

    #[test]
    fn missing_and_extra_seeds_fail() {
        let mut s = Scenario::honest(150, 150);
        s.replay = None;
        let c = s.claim_mut();
        c.seeds = vec![42, 43, 44, 99];
        c.per_seed.retain(|p| p.seed <= 44);
        c.per_seed.push(SeedResult { seed: 99, pgr: 0.7, student_acc: None });
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(
            r.notes.iter().any(|n| n == "Pre-registered seeds missing from the claim: 45, 46."),
            "{:?}",
            r.notes
        );
        assert!(r.notes.iter().any(|n| n == "Seeds that were not pre-registered: 99."), "{:?}", r.notes);
        assert!(r.summary.starts_with("Pre-registered seeds missing"), "{}", r.summary);
    }

    #[test]
    fn kept_seeds_above_the_reruns_median_look_chosen() {
        let mut s = Scenario::honest(150, 150);
        s.replay = None;
        // Private re-run: .60 .62 .58 .61 .59 (median .60); the claim kept 43 and 45 (.62, .61).
        let c = s.claim_mut();
        c.seeds = vec![43, 45];
        c.per_seed.clear();
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(r.notes.iter().any(|n| n.contains("they look chosen")), "{:?}", r.notes);
        s.claim_mut().seeds = vec![43, 44];
        let r = check(&s.evidence());
        assert!(r.notes.iter().any(|n| n.contains("no sign they were chosen")), "{:?}", r.notes);
    }

    #[test]
    fn per_seed_values_all_above_the_replay_median_are_noted_not_failed() {
        let mut s = Scenario::honest(150, 150);
        // Replay .60 .62 .58 .61 .59 (median .60); claimed each +0.03: every value above .60.
        for p in &mut s.claim_mut().per_seed {
            p.pgr = (p.pgr * 100.0 + 3.0).round() / 100.0;
        }
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "the seeds are the pre-registered ones: {r:#?}");
        assert!(r.notes.iter().any(|n| n.contains("sit above the replay's median 0.600")), "{:?}", r.notes);
        // +0.01 leaves the lowest (.59) at the median: no finding.
        let mut s = Scenario::honest(150, 150);
        for p in &mut s.claim_mut().per_seed {
            p.pgr = (p.pgr * 100.0 + 1.0).round() / 100.0;
        }
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn a_per_seed_list_for_other_seeds_fails() {
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().per_seed[4].seed = 47;
        let r = check_claim(s.manifest.claims.first(), &PREREGISTERED_SEEDS, None, None);
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(r.summary.contains("per-seed results are for seeds 42, 43, 44, 45, 47"), "{}", r.summary);
        assert_eq!(check_claim(None, &PREREGISTERED_SEEDS, None, None).status, CheckStatus::NotApplicable);
    }
}
