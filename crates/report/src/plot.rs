//! PGR by seed, claimed against reproduced (and the baseline where a check has one), as inline
//! SVG: a dot per seed and series, the claim as hollow circles. Small enough to write by hand;
//! no font metrics are needed because labels are short and left-aligned.

use std::fmt::Write as _;

use aar_review_schemas::verification::SeedEvidence;

const WIDTH: f64 = 420.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The plot, or `None` when no seed has two values to compare.
pub(crate) fn seed_plot(seeds: &[SeedEvidence]) -> Option<String> {
    let values: Vec<f64> = seeds
        .iter()
        .flat_map(|s| [s.claimed, s.reproduced, s.baseline])
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    if seeds.is_empty() || values.len() < 2 {
        return None;
    }
    let (lo, hi) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    // A margin so dots at the extremes are not clipped.
    let pad = ((hi - lo) * 0.1).max(0.02);
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |i: usize| LEFT + (i as f64 + 0.5) * (WIDTH - LEFT - RIGHT) / seeds.len() as f64;
    let y = |v: f64| TOP + (hi - v) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="PGR by seed: claimed and reproduced">"#
    );
    for tick in ticks(lo, hi) {
        let ty = y(tick);
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{}" y1="{ty:.1}" y2="{ty:.1}" class="grid"/><text x="4" y="{:.1}" class="tick">{tick:.2}</text>"#,
            WIDTH - RIGHT,
            ty + 4.0
        );
    }
    for (i, s) in seeds.iter().enumerate() {
        let cx = x(i);
        let _ =
            write!(svg, r#"<text x="{:.1}" y="{}" class="tick">{}</text>"#, cx - 8.0, HEIGHT - 8.0, s.seed);
        if let Some(v) = s.baseline.filter(|v| v.is_finite()) {
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" class="baseline"><title>seed {} baseline {v:.3}</title></rect>"#,
                cx - 3.5,
                y(v) - 3.5,
                s.seed
            );
        }
        if let Some(v) = s.reproduced.filter(|v| v.is_finite()) {
            let _ = write!(
                svg,
                r#"<circle cx="{cx:.1}" cy="{:.1}" r="4" class="reproduced"><title>seed {} reproduced {v:.3}</title></circle>"#,
                y(v),
                s.seed
            );
        }
        if let Some(v) = s.claimed.filter(|v| v.is_finite()) {
            let _ = write!(
                svg,
                r#"<circle cx="{cx:.1}" cy="{:.1}" r="6" class="claimed"><title>seed {} claimed {v:.3}</title></circle>"#,
                y(v),
                s.seed
            );
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Three to six round ticks across `lo..hi`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    let step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0]
        .into_iter()
        .find(|s| *s >= raw)
        .unwrap_or(10.0);
    let first = (lo / step).ceil() * step;
    (0..=8).map(|i| first + i as f64 * step).take_while(|t| *t <= hi + 1e-9).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_one_mark_per_value_and_nothing_for_too_little() {
        let seeds: Vec<SeedEvidence> = (42..47)
            .map(|s| SeedEvidence { seed: s, claimed: Some(0.6), reproduced: Some(0.4), baseline: None })
            .collect();
        let svg = seed_plot(&seeds).unwrap();
        assert_eq!(svg.matches("class=\"claimed\"").count(), 5);
        assert_eq!(svg.matches("class=\"reproduced\"").count(), 5);
        assert!(svg.contains("seed 44 claimed 0.600"));
        let one = [SeedEvidence { seed: 42, claimed: Some(0.5), reproduced: None, baseline: None }];
        assert!(seed_plot(&one).is_none());
    }

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let t = ticks(0.28, 0.72);
        assert!(t.len() >= 3, "{t:?}");
        assert!(t.iter().all(|v| (0.28..=0.72).contains(v)), "{t:?}");
        assert!(t.iter().all(|v| ((v * 100.0).round() - v * 100.0).abs() < 1e-6), "{t:?}");
    }
}
