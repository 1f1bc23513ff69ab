//! Paired comparison of two methods run on the same seeds, pack and split: the split noise is
//! shared and mostly cancels, so the per-seed differences are what is tested
//! (../shared/reference/verification-stats.md, "Paired comparisons").

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::pgr::{mean, standard_error};

/// A two-sided paired t-test on per-seed differences (method − baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedTest {
    /// Pairs compared.
    pub n: usize,
    /// Mean difference.
    pub mean: f64,
    /// Standard error of the mean difference.
    pub se: f64,
    /// The t statistic, `mean / se`, on `n − 1` degrees of freedom; `None` when every difference
    /// is the same (no spread to test against).
    pub t: Option<f64>,
    /// Two-sided p-value; `None` with `t`.
    pub p: Option<f64>,
}

impl PairedTest {
    /// The test on `differences`; `None` below two pairs.
    pub fn of(differences: &[f64]) -> Option<PairedTest> {
        let n = differences.len();
        let mean = mean(differences)?;
        let se = standard_error(differences)?;
        // Equal differences leave only rounding error as "spread": no test.
        let (t, p) = if se > 1e-12 * mean.abs().max(1.0) {
            let t = mean / se;
            let dist = StudentsT::new(0.0, 1.0, (n - 1) as f64).expect("n ≥ 2 gives a valid distribution");
            (Some(t), Some(2.0 * (1.0 - dist.cdf(t.abs()))))
        } else {
            (None, None)
        };
        Some(PairedTest { n, mean, se, t, p })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_computed_paired_t_test() {
        // differences 1,2,3,4,5: mean 3, sd 1.5811, se 0.7071, t 4.2426 on 4 df, p = 0.01324
        let test = PairedTest::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((test.t.unwrap() - 4.242_64).abs() < 1e-4, "{test:?}");
        assert!((test.p.unwrap() - 0.013_24).abs() < 1e-4, "{test:?}");
    }

    #[test]
    fn no_spread_or_too_few_pairs_give_no_p_value() {
        assert_eq!(PairedTest::of(&[0.1, 0.1, 0.1]).unwrap().p, None);
        assert!(PairedTest::of(&[0.1]).is_none());
    }
}
