//! Generalisation: does the gain over vanilla hold beyond the pack it was claimed on? One matrix
//! row per pack (the primary first, then every other bundled non-control pack) with the method's
//! and vanilla's PGR, the paired Δ and its p (the significance check's paired test, pack by
//! pack). The rule: when the method is claimed to beat vanilla (claim above vanilla's PGR, or a
//! reproduced positive Δ without a claim), the gain must be significantly positive on at least two
//! packs to pass; on one pack only, or none, the check warns (inconclusive when the other packs
//! cannot resolve the claimed gain). A method not claimed to beat vanilla passes. No other packs:
//! not applicable.

use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Matrix, MatrixRow, Unit};

use crate::stats::{Metric, Paired, RunSummary};
use crate::{Evidence, PackEvidence, num, result};

pub const COLUMNS: [&str; 4] = ["method PGR", "vanilla PGR", "Δ PGR", "p"];

struct Row {
    name: String,
    paired: Option<Paired>,
}

fn row(pe: &PackEvidence) -> (MatrixRow, Row) {
    let m = RunSummary::of(pe.method, pe.pack).pgr;
    let v = RunSummary::of(pe.vanilla, pe.pack).pgr;
    let paired = Paired::of_runs(pe.method, pe.vanilla, pe.pack, Metric::Pgr);
    let cells = vec![m, v, paired.as_ref().map(|p| p.mean), paired.as_ref().and_then(|p| p.p)];
    (MatrixRow { label: pe.pack.name.clone(), cells }, Row { name: pe.pack.name.clone(), paired })
}

pub fn check(e: &Evidence) -> CheckResult {
    let packs: Vec<&PackEvidence> = std::iter::once(&e.primary).chain(e.others.iter()).collect();
    let (matrix_rows, rows): (Vec<MatrixRow>, Vec<Row>) = packs.iter().map(|pe| row(pe)).unzip();
    let matrix = Matrix { columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(), rows: matrix_rows };
    if e.others.is_empty() {
        let mut r = result(
            CheckId::Generalisation,
            CheckStatus::NotApplicable,
            format!("Only {} was run: no other pack to generalise to.", e.primary.pack.name),
        );
        r.matrix = Some(matrix);
        return r;
    }
    let primary = &rows[0];
    let vanilla_primary = RunSummary::of(e.primary.vanilla, e.primary.pack).pgr;
    let claimed_gain = match (e.claim, vanilla_primary) {
        (Some(c), Some(v)) => c.pgr - v,
        _ => primary.paired.as_ref().map_or(0.0, |p| p.mean),
    };
    let holding: Vec<&str> = rows
        .iter()
        .filter(|r| r.paired.as_ref().is_some_and(Paired::significantly_positive))
        .map(|r| r.name.as_str())
        .collect();
    let not_holding: Vec<&Row> =
        rows.iter().filter(|r| !r.paired.as_ref().is_some_and(Paired::significantly_positive)).collect();
    // The largest MDE among the packs where the gain was not seen: could they have seen it?
    let worst_mde = not_holding
        .iter()
        .filter_map(|r| r.paired.as_ref().map(|p| p.mde))
        .fold(None, |acc: Option<f64>, m| Some(acc.map_or(m, |a| a.max(m))));
    let detectable = rows.iter().filter_map(|r| r.paired.as_ref().map(|p| p.mde)).fold(0.0_f64, f64::max);
    let list = |names: &[&str]| names.join(", ");
    let mut r = if claimed_gain <= 0.0 {
        result(
            CheckId::Generalisation,
            CheckStatus::Pass,
            format!(
                "The method is not claimed to beat vanilla; the gain is significant on {} of {} packs.",
                holding.len(),
                rows.len()
            ),
        )
    } else if holding.len() >= 2 {
        result(
            CheckId::Generalisation,
            CheckStatus::Pass,
            format!(
                "The gain over vanilla holds on {} of {} packs ({}).",
                holding.len(),
                rows.len(),
                list(&holding)
            ),
        )
    } else {
        let others: Vec<&str> = not_holding.iter().map(|r| r.name.as_str()).collect();
        let where_ = match holding.as_slice() {
            [] => "on no pack".to_owned(),
            [one] if *one == primary.name => format!("only on the claimed pack {one}"),
            [one] => format!("only on {one}"),
            _ => unreachable!("fewer than two"),
        };
        let inconclusive = worst_mde.is_some_and(|m| m > claimed_gain);
        let mut r = result(
            CheckId::Generalisation,
            CheckStatus::Warn,
            if inconclusive {
                format!(
                    "Inconclusive: the gain over vanilla is significant {where_}; on {} the comparison \
                     can only detect {} PGR, more than the claimed gain of {}.",
                    list(&others),
                    num(worst_mde.unwrap_or(0.0)),
                    num(claimed_gain)
                )
            } else {
                format!(
                    "The gain over vanilla is significant {where_}, not on {}: it may not generalise \
                    beyond one task family.",
                    list(&others)
                )
            },
        );
        r.inconclusive = inconclusive;
        r
    };
    r.detectable = Some(detectable);
    r.detectable_unit = Some(Unit::Pgr);
    r.figures = rows
        .iter()
        .filter_map(|row| {
            row.paired.as_ref().map(|p| Figure {
                label: format!("Δ PGR on {}", row.name),
                value: p.mean,
                unit: Unit::Pgr,
                ci95: Some(p.ci95),
            })
        })
        .collect();
    r.notes = rows
        .iter()
        .filter(|row| row.paired.is_none())
        .map(|row| format!("{}: no seed with a defined PGR for both the method and vanilla.", row.name))
        .collect();
    r.matrix = Some(matrix);
    r
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::verification::CheckStatus;
    use aar_review_schemas::vocab::EvalSplit;

    use super::*;
    use crate::fixtures::{SEEDS, Scenario, run_pgr};

    #[test]
    fn a_gain_on_two_packs_passes_with_the_matrix() {
        let s = Scenario::honest(150, 1500);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        let m = r.matrix.unwrap();
        assert_eq!(m.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["digits", "wine"]);
        assert_eq!(m.columns, COLUMNS);
        assert!((m.rows[1].cells[2].unwrap() - 0.30).abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn a_gain_on_the_claimed_pack_only_warns() {
        let mut s = Scenario::honest(150, 1500);
        let wine_vanilla = s.others[0].2.clone();
        // The method matches vanilla on wine, seed for seed up to noise.
        s.others[0].1 =
            run_pgr("wine", EvalSplit::Private, "logconf", &SEEDS, &[0.21, 0.21, 0.20, 0.20, 0.19]);
        s.others[0].2 = wine_vanilla;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(!r.inconclusive, "{r:#?}");
        assert!(r.summary.contains("only on the claimed pack digits, not on wine"), "{}", r.summary);
    }

    #[test]
    fn no_other_pack_is_not_applicable() {
        let mut s = Scenario::honest(150, 1500);
        s.others.clear();
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::NotApplicable);
        assert_eq!(r.matrix.unwrap().rows.len(), 1);
    }
}
