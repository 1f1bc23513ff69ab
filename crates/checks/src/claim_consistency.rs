//! Claim consistency: arithmetic on the claim alone, no runs. The claimed PGR must equal
//! (student − weak)/(ceiling − weak) from the claimed accuracies within the rounding of the digits
//! each was written with, carried through the formula; the headline must match the mean of the
//! per-seed PGRs or the PGR of the mean accuracies within rounding (one seed-SE of slack when only
//! the first can be computed, since the two conventions differ slightly); a reported SE may not
//! sit below what the per-seed spread supports (sd/√k, allowing for rounding); and the per-seed
//! list must be for the claim's seeds. Any finding fails, one note each. A claim with only a
//! headline passes with a note saying so; no claim is not applicable.

use std::collections::BTreeSet;

use aar_review_schemas::bundle::Claim;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, SeedEvidence, Unit};

use crate::stats::{self, half_unit, half_unit_of, pgr_range_from_rounded};
use crate::{claimed, num, result, seed_list};

/// The claim being verified, and every other claim of the submission: an inconsistent claim on
/// any pack is a red flag on the whole submission, so the first failing one decides, its
/// findings named by pack.
pub fn check_all(primary: Option<&Claim>, all: &[Claim]) -> CheckResult {
    let first = check(primary);
    if first.status == CheckStatus::Fail {
        return first;
    }
    for other in all.iter().filter(|c| primary.is_none_or(|p| !std::ptr::eq(*c, p))) {
        let r = check(Some(other));
        if r.status == CheckStatus::Fail {
            let mut r = r;
            r.summary = format!("The {} claim: {}", other.task, r.summary);
            return r;
        }
    }
    first
}

/// A reported SE more than this many times the per-seed spread's is noted (not failed): it may
/// include split noise, which is legitimate.
pub const SE_NOTE_RATIO: f64 = 3.0;

pub fn check(claim: Option<&Claim>) -> CheckResult {
    let Some(claim) = claim else {
        return result(
            CheckId::ClaimConsistency,
            CheckStatus::NotApplicable,
            "No claim to check.".to_owned(),
        );
    };
    let mut findings: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut figures: Vec<Figure> = Vec::new();
    let mut detectable: Option<f64> = None;
    let mut checked_anything = false;

    // 1. PGR against its own accuracies.
    if let (Some(w), Some(c), Some(s)) = (claim.weak_acc, claim.ceiling_acc, claim.student_acc) {
        checked_anything = true;
        match pgr_range_from_rounded(w, c, s) {
            None => findings.push(format!(
                "The claimed ceiling {} does not beat the weak teacher {}: PGR is undefined.",
                claimed(c),
                claimed(w)
            )),
            Some((lo, hi)) => {
                let h = half_unit(claim.pgr);
                let exact = (s - w) / (c - w);
                figures.push(Figure {
                    label: "PGR recomputed from the claimed accuracies (range allowed by their digits)"
                        .to_owned(),
                    value: exact,
                    unit: Unit::Pgr,
                    ci95: Some([lo, hi]),
                });
                detectable = Some((hi - lo) / 2.0 + h);
                if claim.pgr + h < lo - 1e-12 || claim.pgr - h > hi + 1e-12 {
                    findings.push(format!(
                        "Claimed PGR {} is not (student − weak)/(ceiling − weak) = ({} − {})/({} − {}) = {}; \
                         the digits allow {} to {}.",
                        claimed(claim.pgr),
                        claimed(s),
                        claimed(w),
                        claimed(c),
                        claimed(w),
                        num(exact),
                        num(lo),
                        num(hi)
                    ));
                }
            }
        }
    }

    // 2. Headline against the per-seed values.
    let per_seed: Vec<f64> = claim.per_seed.iter().map(|s| s.pgr).collect();
    if let Some(mean) = aar_domain::mean(&per_seed) {
        checked_anything = true;
        let rounding = half_unit(claim.pgr) + half_unit_of(&per_seed);
        figures.push(Figure {
            label: "mean of the per-seed PGRs".to_owned(),
            value: mean,
            unit: Unit::Pgr,
            ci95: None,
        });
        let accs: Option<Vec<f64>> = claim.per_seed.iter().map(|s| s.student_acc).collect();
        let of_means = match (accs.as_deref().and_then(aar_domain::mean), claim.weak_acc, claim.ceiling_acc) {
            (Some(s), Some(w), Some(c)) => aar_domain::pgr(w, c, s),
            _ => None,
        };
        if let Some(p) = of_means {
            figures.push(Figure {
                label: "PGR of the mean per-seed accuracies".to_owned(),
                value: p,
                unit: Unit::Pgr,
                ci95: None,
            });
        }
        let off_mean = claim.pgr - mean;
        let matches_mean = off_mean.abs() <= rounding + 1e-12;
        let matches_of_means = of_means.is_some_and(|p| {
            let accs: Vec<f64> = claim.per_seed.iter().filter_map(|s| s.student_acc).collect();
            let (w, c) = (claim.weak_acc.unwrap_or(0.0), claim.ceiling_acc.unwrap_or(1.0));
            let gap = c - w;
            // First-order propagation of every input's rounding through (s − w) / (c − w):
            // ∂/∂s = 1/gap, ∂/∂w = −(1 − p)/gap, ∂/∂c = −p/gap. A small gap (wine) magnifies it.
            let tolerance =
                (half_unit_of(&accs) + (1.0 - p).abs() * half_unit(w) + p.abs() * half_unit(c)) / gap;
            (claim.pgr - p).abs() <= half_unit(claim.pgr) + tolerance + 1e-12
        });
        // Without the per-seed accuracies only the mean of the per-seed PGRs is computable; the
        // PGR-of-means convention differs from it by far less than the seed spread.
        let slack = if of_means.is_none() { stats::seed_se(&per_seed).unwrap_or(0.0) } else { 0.0 };
        if matches_mean {
            notes.push(format!("The headline {} is the mean of the per-seed PGRs.", claimed(claim.pgr)));
        } else if matches_of_means {
            notes.push(format!(
                "The headline {} is the PGR of the mean accuracies (the AAR convention); the mean of \
                 the per-seed PGRs is {}.",
                claimed(claim.pgr),
                num(mean)
            ));
        } else if off_mean.abs() <= rounding + slack {
            notes.push(format!(
                "The headline {} differs from the mean of the per-seed PGRs {} by {:+.3}, within one \
                 seed-SE ({}): consistent with the PGR-of-means convention.",
                claimed(claim.pgr),
                num(mean),
                off_mean,
                num(slack)
            ));
        } else {
            let of_means_text = of_means.map_or(String::new(), |p| {
                format!(" and by {:+.3} from the PGR of the mean accuracies", claim.pgr - p)
            });
            findings.push(format!(
                "The headline PGR {} differs by {:+.3} from the mean of the per-seed PGRs \
                 ({}){of_means_text}.",
                claimed(claim.pgr),
                off_mean,
                num(mean)
            ));
        }
    }

    // 3. The SE against the per-seed spread. Two conventions are honest: the SD of the per-seed
    //    PGRs over √k, and the AAR system's SE of the student accuracy over the gap (what the
    //    engine reports); the lower of the two is the floor when the per-seed accuracies are given.
    //    Each floor comes with the slack the rounding of its inputs allows: rounding every value
    //    by ≤ h moves an SD by at most h·√(k/(k−1)); on the accuracy side the rounded gap adds
    //    its own relative error.
    let k = per_seed.len() as f64;
    let spread = |h: f64| h * (k / (k - 1.0)).sqrt() / k.sqrt();
    let pgr_convention = stats::seed_se(&per_seed).map(|se| (se, spread(half_unit_of(&per_seed))));
    let acc_convention = match (claim.weak_acc, claim.ceiling_acc) {
        (Some(w), Some(c)) if c > w && claim.per_seed.iter().all(|s| s.student_acc.is_some()) => {
            let accs: Vec<f64> = claim.per_seed.iter().filter_map(|s| s.student_acc).collect();
            let gap = c - w;
            let gap_rounding = half_unit(w) + half_unit(c);
            stats::seed_se(&accs).map(|se| {
                let value = se / gap;
                (value, spread(half_unit_of(&accs)) / gap + value * gap_rounding / gap)
            })
        }
        _ => None,
    };
    let floor = [pgr_convention, acc_convention]
        .into_iter()
        .flatten()
        .min_by(|a, b| (a.0 - a.1).total_cmp(&(b.0 - b.1)));
    if let (Some(se), Some((spread_se, slack))) = (claim.pgr_se, floor.filter(|_| per_seed.len() >= 2)) {
        let h = half_unit_of(&per_seed);
        let lowest = (spread_se - slack).max(0.0);
        figures.push(Figure { label: "claimed SE".to_owned(), value: se, unit: Unit::Pgr, ci95: None });
        figures.push(Figure {
            label: format!("SE the {} per-seed values support (sd/√k, either convention)", per_seed.len()),
            value: spread_se,
            unit: Unit::Pgr,
            ci95: Some([lowest, spread_se + slack]),
        });
        // An SE of exactly 0 is a claim of no spread at all, whatever digits it was written with.
        let se_rounding = if se == 0.0 { 0.0 } else { half_unit(se).min(h.max(f64::MIN_POSITIVE)) };
        if se + se_rounding < lowest - 1e-12 {
            findings.push(format!(
                "The claimed SE {} is below what {} seeds support: their per-seed PGRs give sd/√k = {}.",
                claimed(se),
                per_seed.len(),
                num(spread_se)
            ));
        } else if se > SE_NOTE_RATIO * (spread_se + slack) {
            notes.push(format!(
                "The claimed SE {} is more than {SE_NOTE_RATIO} times the per-seed spread's {} (it may \
                include split noise).",
                claimed(se),
                num(spread_se)
            ));
        }
    }

    // 4. The per-seed list is for the claim's seeds.
    if !claim.per_seed.is_empty() {
        let listed: Vec<u64> = claim.per_seed.iter().map(|s| s.seed).collect();
        let listed_set: BTreeSet<u64> = listed.iter().copied().collect();
        let claimed_set: BTreeSet<u64> = claim.seeds.iter().copied().collect();
        if listed_set != claimed_set || listed.len() != listed_set.len() {
            findings.push(format!(
                "The per-seed results are for seeds {}, the claim lists {}.",
                seed_list(&listed),
                seed_list(&claim.seeds)
            ));
        }
    }

    let mut r = if !findings.is_empty() {
        let mut r = result(CheckId::ClaimConsistency, CheckStatus::Fail, findings[0].clone());
        if findings.len() > 1 {
            r.summary = format!(
                "{} ({} more inconsistencies).",
                findings[0].trim_end_matches('.'),
                findings.len() - 1
            );
        }
        r
    } else if checked_anything {
        result(
            CheckId::ClaimConsistency,
            CheckStatus::Pass,
            format!(
                "The claim's numbers agree with each other within the rounding of their digits (PGR {}).",
                claimed(claim.pgr)
            ),
        )
    } else {
        notes.push(
            "Only the headline PGR was given: no accuracies or per-seed values to check it against."
                .to_owned(),
        );
        result(
            CheckId::ClaimConsistency,
            CheckStatus::Pass,
            format!("Only the headline PGR {} was given: nothing to cross-check.", claimed(claim.pgr)),
        )
    };
    if detectable.is_some() {
        r.detectable = detectable;
        r.detectable_unit = Some(Unit::Pgr);
    }
    r.figures = figures;
    r.per_seed = claim
        .per_seed
        .iter()
        .map(|s| SeedEvidence { seed: s.seed, claimed: Some(s.pgr), reproduced: None, baseline: None })
        .collect();
    notes.splice(0..0, findings);
    r.notes = notes;
    r
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::bundle::SeedResult;
    use aar_review_schemas::verification::CheckStatus;
    use aar_review_schemas::vocab::Split;

    use super::*;
    use crate::fixtures::{METHOD_PGRS, claim};

    fn with_accuracies(pgr: f64) -> Claim {
        let mut c = claim("digits", Some(Split::Test), pgr, &METHOD_PGRS);
        c.weak_acc = Some(0.57);
        c.ceiling_acc = Some(0.96);
        c.student_acc = Some(0.804);
        c
    }

    #[test]
    fn a_consistent_claim_passes() {
        // (0.804 − 0.57)/(0.96 − 0.57) = 0.6 exactly; per-seed mean 0.6.
        let r = check(Some(&with_accuracies(0.6)));
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.detectable.is_some());
    }

    #[test]
    fn a_pgr_that_its_accuracies_do_not_give_fails_with_the_right_note() {
        let mut c = with_accuracies(0.62);
        c.per_seed.clear();
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0].starts_with(
                "Claimed PGR 0.62 is not (student − weak)/(ceiling − weak) = \
            (0.804 − 0.57)/(0.96 − 0.57) = 0.600"
            ),
            "{}",
            r.notes[0]
        );
        // 0.6 is 0.6 ± 0.05 as written, while 0.62 is ±0.005: 0.604 would pass if the claim said 0.6.
        c.pgr = 0.6;
        assert_eq!(check(Some(&c)).status, CheckStatus::Pass);
    }

    #[test]
    fn coarse_accuracies_widen_the_allowed_range_instead_of_a_fixed_tolerance() {
        // Student written as 0.8 (±0.05) allows PGR 0.46 to 0.72: a claimed 0.7 is consistent...
        let mut c = with_accuracies(0.7);
        c.per_seed.clear();
        c.student_acc = Some(0.8);
        assert_eq!(check(Some(&c)).status, CheckStatus::Pass);
        // ... while written as 0.804 the same 0.7 is not.
        c.student_acc = Some(0.804);
        assert_eq!(check(Some(&c)).status, CheckStatus::Fail);
    }

    #[test]
    fn a_headline_far_from_the_per_seed_mean_fails() {
        let mut c = claim("digits", Some(Split::Test), 0.7, &METHOD_PGRS);
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(
            r.notes[0].contains("differs by +0.100 from the mean of the per-seed PGRs (0.600)"),
            "{:?}",
            r.notes
        );
        // A hair off (within one seed-SE, .0071) is the PGR-of-means convention.
        c.pgr = 0.611;
        assert_eq!(check(Some(&c)).status, CheckStatus::Pass);
    }

    #[test]
    fn an_impossible_se_fails() {
        let mut c = claim("digits", Some(Split::Test), 0.6, &METHOD_PGRS);
        c.pgr_se = Some(0.0);
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.notes[0].starts_with("The claimed SE 0 is below what 5 seeds support"), "{:?}", r.notes);
        // The honest sd/√k = 0.0158/√5 = 0.007 passes.
        c.pgr_se = Some(0.007);
        assert_eq!(check(Some(&c)).status, CheckStatus::Pass);
        // A much larger SE is only noted.
        c.pgr_se = Some(0.15);
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Pass);
        assert!(r.notes.iter().any(|n| n.contains("may include split noise")));
    }

    #[test]
    fn per_seed_for_other_seeds_fails_and_a_bare_headline_passes_with_a_note() {
        let mut c = claim("digits", Some(Split::Test), 0.6, &METHOD_PGRS);
        c.per_seed[0] = SeedResult { seed: 7, pgr: 0.60, student_acc: None };
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(
            r.notes.iter().any(|n| n.starts_with("The per-seed results are for seeds 7, 43")),
            "{:?}",
            r.notes
        );
        c.per_seed.clear();
        let r = check(Some(&c));
        assert_eq!(r.status, CheckStatus::Pass);
        assert!(r.notes[0].starts_with("Only the headline PGR was given"));
        assert_eq!(check(None).status, CheckStatus::NotApplicable);
    }
}

#[cfg(test)]
mod all_claims_tests {
    use super::*;

    fn claim(task: &str, pgr: f64) -> Claim {
        Claim {
            task: task.into(),
            split: None,
            pgr,
            pgr_se: None,
            weak_acc: Some(0.512),
            ceiling_acc: Some(0.913),
            student_acc: Some(0.701),
            seeds: vec![42, 43, 44, 45, 46],
            per_seed: vec![],
            measured: None,
        }
    }

    #[test]
    fn an_inconsistent_claim_on_another_pack_fails_the_submission() {
        // (0.701 − 0.512) / (0.913 − 0.512) = 0.471.
        let claims = [claim("digits", 0.471), claim("wine", 0.62)];
        assert_eq!(check_all(Some(&claims[0]), &claims[..1]).status, CheckStatus::Pass);
        let r = check_all(Some(&claims[0]), &claims);
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.starts_with("The wine claim: "), "{}", r.summary);
    }
}
