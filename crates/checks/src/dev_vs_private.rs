//! Dev vs private: a claim measured on the dev split, the split the agents could score themselves
//! on, is compared with the method's re-run on the private split nobody saw. The comparison uses
//! SE_diff = √(SE_seed,claim² + SE_split,dev² + SE_seed,private² + SE_split,private²); a claim
//! above the private reproduction by more than 1.96 × SE_diff fails (the gain does not survive
//! unseen data: it suggests tuning on the feedback the agent could see). Within it, the check
//! passes unless the comparison's MDE exceeds the claimed gain over vanilla's private PGR, which is
//! inconclusive. Claims not made on dev are not applicable.

use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Unit};
use aar_review_schemas::vocab::Split;

use crate::reproduction::ClaimVsPrivate;
use crate::{Evidence, claimed, num, result};

pub fn check(e: &Evidence) -> CheckResult {
    let Some(claim) = e.claim.filter(|c| c.split == Some(Split::Dev)) else {
        let split = e.claim.and_then(|c| c.split).map_or("an unnamed split", |s| s.as_str());
        let summary = match e.claim {
            Some(_) => format!("The claim was made on {split}, not on dev: nothing to compare."),
            None => "No claim on this pack.".to_owned(),
        };
        return result(CheckId::DevVsPrivate, CheckStatus::NotApplicable, summary);
    };
    let pe = &e.primary;
    let split = pe.method.eval_split.as_str();
    let Some(c) = ClaimVsPrivate::of(claim, pe) else {
        let mut r = result(
            CheckId::DevVsPrivate,
            CheckStatus::Warn,
            format!(
                "Inconclusive: PGR is undefined on the {split} split (the ceiling does not beat the teacher)."
            ),
        );
        r.inconclusive = true;
        return r;
    };
    let dev_n = pe.pack.splits.dev;
    let mut r = if c.exceeds() {
        result(
            CheckId::DevVsPrivate,
            CheckStatus::Fail,
            format!(
                "The dev claim of PGR {} does not hold on {split}: the reproduction gives {}, {} lower, \
                 beyond the 1.96 × SE_diff = {} tolerance; this suggests tuning on the feedback the agent \
                 could see.",
                claimed(c.claim_pgr),
                num(c.repro_pgr),
                num(c.diff),
                num(c.tolerance())
            ),
        )
    } else if c.inconclusive() {
        let mut r = result(
            CheckId::DevVsPrivate,
            CheckStatus::Warn,
            format!(
                "Inconclusive: with {dev_n} dev and {} {split} examples the comparison can only detect \
                 differences of {} PGR, more than the claimed gain of {} over vanilla \
                 (dev {} vs {split} {}).",
                c.repro_n,
                num(c.mde),
                num(c.claimed_gain),
                claimed(c.claim_pgr),
                num(c.repro_pgr)
            ),
        );
        r.inconclusive = true;
        r
    } else {
        result(
            CheckId::DevVsPrivate,
            CheckStatus::Pass,
            format!(
                "The dev claim of PGR {} holds on {split}: the reproduction gives {} (difference {:+.3} \
                 within ±{}; detectable {}).",
                claimed(c.claim_pgr),
                num(c.repro_pgr),
                c.diff,
                num(c.tolerance()),
                num(c.mde)
            ),
        )
    };
    r.detectable = Some(c.mde);
    r.detectable_unit = Some(Unit::Pgr);
    r.figures = c.figures(&pe.pack.name, split);
    r.per_seed = pe
        .method
        .per_seed
        .iter()
        .map(|s| aar_review_schemas::verification::SeedEvidence {
            seed: s.seed,
            claimed: claim.per_seed.iter().find(|p| p.seed == s.seed).map(|p| p.pgr),
            reproduced: s.pgr,
            baseline: None,
        })
        .collect();
    r.notes = c.notes.clone();
    r
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::verification::CheckStatus;
    use aar_review_schemas::vocab::{EvalSplit, Split};

    use super::*;
    use crate::fixtures::{SEEDS, Scenario, run_pgr};

    #[test]
    fn a_dev_claim_that_holds_on_private_passes() {
        let s = Scenario::honest(1500, 1500);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.summary.contains("holds on private"), "{}", r.summary);
        assert!(r.detectable.unwrap() < 0.35);
    }

    #[test]
    fn a_dev_claim_far_above_private_fails() {
        let mut s = Scenario::honest(1500, 1500);
        // The method only reaches 0.30 on private while the dev claim says 0.60.
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.30, 0.31, 0.29, 0.30, 0.30]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("suggests tuning on the feedback the agent could see"), "{}", r.summary);
        assert!(r.summary.contains("gives 0.300"), "{}", r.summary);
    }

    #[test]
    fn tiny_splits_are_inconclusive_not_pass() {
        let mut s = Scenario::honest(30, 30);
        // 0.45 on private: a real drop of 0.15, but two splits of 30 cannot see it.
        s.method = run_pgr("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.45, 0.46, 0.44, 0.45, 0.45]);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        assert!(r.summary.starts_with("Inconclusive: with 30 dev and 30 private examples"), "{}", r.summary);
    }

    #[test]
    fn claims_not_on_dev_are_not_applicable() {
        let mut s = Scenario::honest(150, 150);
        s.claim_mut().split = Some(Split::Test);
        assert_eq!(check(&s.evidence()).status, CheckStatus::NotApplicable);
        s.has_claim = false;
        assert_eq!(check(&s.evidence()).status, CheckStatus::NotApplicable);
    }
}
