//! Multiple-comparison corrections for a batch of submissions: the best of many noisy submissions
//! is biased upward, so p-values across a batch are shown raw and corrected. Holm controls the
//! family-wise error (step-down: the i-th smallest p times m − i + 1, made monotone); Benjamini–
//! Hochberg controls the false discovery rate (the i-th smallest p times m/i, made monotone from
//! the top). Both return adjusted p-values in the input's order, capped at 1; a missing p-value
//! stays missing and does not count towards m.

/// Holm-adjusted p-values (reject at level α where the adjusted p ≤ α).
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let order = ascending(p);
    let m = order.len();
    let mut adjusted = vec![None; p.len()];
    let mut running = 0.0_f64;
    for (rank, &(index, value)) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * value).min(1.0));
        adjusted[index] = Some(running);
    }
    adjusted
}

/// Benjamini–Hochberg-adjusted p-values (q-values; reject at FDR q where the adjusted p ≤ q).
pub fn benjamini_hochberg(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let order = ascending(p);
    let m = order.len();
    let mut adjusted = vec![None; p.len()];
    let mut running = 1.0_f64;
    for (rank, &(index, value)) in order.iter().enumerate().rev() {
        running = running.min((m as f64 / (rank + 1) as f64 * value).min(1.0));
        adjusted[index] = Some(running);
    }
    adjusted
}

/// The present p-values with their positions, smallest first (ties keep input order).
fn ascending(p: &[Option<f64>]) -> Vec<(usize, f64)> {
    let mut present: Vec<(usize, f64)> =
        p.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    present.sort_by(|a, b| a.1.total_cmp(&b.1));
    present
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-12,
                (None, None) => true,
                _ => false,
            })
    }

    #[test]
    fn holm_matches_hand_computation() {
        // sorted .005 .01 .03 .04 → ×4 ×3 ×2 ×1 = .02 .03 .06 .04 → monotone .02 .03 .06 .06
        let got = holm(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005)]);
        assert!(close(&got, &[Some(0.03), Some(0.06), Some(0.06), Some(0.02)]), "{got:?}");
    }

    #[test]
    fn bh_matches_hand_computation() {
        // sorted .005 .01 .03 .04 → ×4/1 ×4/2 ×4/3 ×4/4 = .02 .02 .04 .04 (already monotone)
        let got = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005)]);
        assert!(close(&got, &[Some(0.02), Some(0.04), Some(0.04), Some(0.02)]), "{got:?}");
        // Step-up monotonicity: .04 × 3/2 = .06 is lowered to the .05 of the largest.
        let got = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.05)]);
        assert!(close(&got, &[Some(0.03), Some(0.05), Some(0.05)]), "{got:?}");
    }

    #[test]
    fn missing_values_stay_missing_and_do_not_count() {
        let got = holm(&[Some(0.02), None, Some(0.5)]);
        assert!(close(&got, &[Some(0.04), None, Some(0.5)]), "{got:?}");
        let got = benjamini_hochberg(&[None, Some(0.02), Some(0.5)]);
        assert!(close(&got, &[None, Some(0.04), Some(0.5)]), "{got:?}");
        assert!(holm(&[]).is_empty());
        // Capped at 1.
        assert_eq!(holm(&[Some(0.6), Some(0.7)]), vec![Some(1.0), Some(1.0)]);
    }
}
