//! The W2S metric and the small statistics reviewers check claims with.

/// Performance gap recovered: `(student - weak) / (ceiling - weak)`.
///
/// `None` when the ceiling does not beat the weak teacher: the ratio is then meaningless (the
/// reference notebooks drop such pairs) and must not be shown as a number.
pub fn pgr(weak_acc: f64, ceiling_acc: f64, student_acc: f64) -> Option<f64> {
    let gap = ceiling_acc - weak_acc;
    (gap > 0.0).then(|| (student_acc - weak_acc) / gap)
}

pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Standard error of the mean (sample standard deviation / sqrt(n)); `None` below two values.
pub fn standard_error(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
    Some((var / xs.len() as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgr_of_published_digits_setup() {
        // weak .57, ceiling .964, naive student ~.665 gives the ~.24 of the reference setup.
        let p = pgr(0.57, 0.964, 0.6646).unwrap();
        assert!((p - 0.24).abs() < 0.001, "{p}");
    }

    #[test]
    fn pgr_is_undefined_without_a_gap() {
        assert_eq!(pgr(0.8, 0.8, 0.9), None);
        assert_eq!(pgr(0.8, 0.7, 0.9), None);
    }

    #[test]
    fn standard_error_matches_hand_computation() {
        // sd of [1,2,3,4] = 1.2910; / sqrt(4) = 0.6455
        let se = standard_error(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((se - 0.645_497).abs() < 1e-6, "{se}");
        assert_eq!(standard_error(&[1.0]), None);
    }
}
