//! Aggregating per-seed results: PGR of the means (the AAR convention), its standard error, and a
//! bootstrap interval over seeds.

use aar_domain::{mean, pgr, standard_error};
use aar_review_schemas::run::{Aggregate, SeedOutcome};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Resamples for the bootstrap interval.
const BOOTSTRAP_RESAMPLES: usize = 2_000;
/// Fixed, so the same per-seed results always give the same interval.
const BOOTSTRAP_SEED: u64 = 0x0a0a_5eed;

pub fn aggregate(seeds: &[SeedOutcome]) -> Aggregate {
    let weak: Vec<f64> = seeds.iter().map(|s| s.weak_acc).collect();
    let ceiling: Vec<f64> = seeds.iter().map(|s| s.ceiling_acc).collect();
    let student: Vec<f64> = seeds.iter().map(|s| s.student_acc).collect();
    let (w, c, s) =
        (mean(&weak).unwrap_or(0.0), mean(&ceiling).unwrap_or(0.0), mean(&student).unwrap_or(0.0));
    let value = pgr(w, c, s);
    Aggregate {
        weak_acc: w,
        ceiling_acc: c,
        student_acc: s,
        pgr: value,
        pgr_se: value.and(standard_error(&student)).map(|se| se / (c - w)),
        pgr_ci95: value.and_then(|_| bootstrap_interval(seeds)),
        seeds_without_gap: seeds.iter().filter(|s| s.pgr.is_none()).map(|s| s.seed).collect(),
    }
}

/// 95% percentile interval of the PGR of means, resampling seeds with replacement. Resamples whose
/// mean ceiling does not beat the mean teacher are skipped; `None` with fewer than two seeds.
fn bootstrap_interval(seeds: &[SeedOutcome]) -> Option<[f64; 2]> {
    if seeds.len() < 2 {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(BOOTSTRAP_SEED);
    let mut values = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        let (mut w, mut c, mut s) = (0.0, 0.0, 0.0);
        for _ in 0..seeds.len() {
            let pick = &seeds[rng.random_range(0..seeds.len())];
            w += pick.weak_acc;
            c += pick.ceiling_acc;
            s += pick.student_acc;
        }
        if let Some(v) = pgr(w, c, s) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some([at(0.025), at(0.975)])
}
