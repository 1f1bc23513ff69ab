//! Teacher ablation: does the student need the teacher? The method is re-run with the teacher's
//! soft labels shuffled across examples (keeps the label marginal, destroys per-example
//! information) and with uniform labels; the student's accuracy is compared with the real-teacher
//! run seed by seed (the paired test of `stats::Paired`: seed and split noise combined, the split
//! term exact from per-example correctness when the runs stored it).
//!
//! Refusal is evidence: a method may not opt out of the runs that test it. An ablation run the
//! method refused to finish (an error, bad output, every weight 0) fails the check, naming the
//! run, whatever the family.
//!
//! Otherwise the drop under shuffling is judged against [`MARGIN_SHARE`] of the method's margin
//! over chance, equivalence-style, so that a large split cannot turn a negligible effect either
//! way into a verdict. Teacher family: a significant drop whose CI reaches the margin passes; a
//! significant drop shown smaller than the margin warns (the student barely uses the teacher);
//! no significant drop with the whole CI below the margin fails, naming the pattern ("most common
//! answer" when only uniform labels hurt, "ignores the teacher" when neither does); anything else
//! is inconclusive. Unsupervised family: no drop passes, a drop warns (declared unsupervised, yet
//! reacts to the teacher). No shuffled run and no refusal: not applicable.
//!
//! A method can watch its teacher and sabotage itself when the labels look shuffled, so the
//! accuracy drop alone can be staged. The partly shuffled run answers that: a secret share of
//! split B's rows ([`PARTIAL_SHARE`]) is handed other rows' labels, a teacher a method cannot
//! reliably tell from the real one. A teacher method whose students answer every evaluation
//! example exactly as with the real teacher, on every seed, never read those labels: it fails,
//! whatever the full shuffle did to it. The run also reports the drop at this strength and how
//! far the student follows the labels it was handed on the swapped rows ([`Following`]); an
//! unsupervised method that significantly follows them warns. (Following is not a reason to fail
//! a teacher method: students built to resist label noise follow wrong labels little by design.)

use aar_domain::PARTIAL_SHARE;
use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Unit};

use crate::stats::{self, Following, Metric, Paired};
use crate::{Evidence, num, result};

/// The share of the method's accuracy above chance that shuffled labels must be shown to leave
/// intact before a teacher method fails. Labels shuffled across examples carry only the label
/// marginal, so a student that owes its accuracy to the teacher falls most of the way to chance
/// (the demo's teacher methods fall to it); keeping more than half of its margin over chance
/// means the teacher's per-example labels explain less than half of what it learned, and a drop
/// below half of it is too small to call the method a teacher method, whatever its p-value.
pub const MARGIN_SHARE: f64 = 0.5;

pub fn check(e: &Evidence) -> CheckResult {
    let pe = &e.primary;
    let family = e.manifest.family;
    let refusals = e.ablation_refusals();
    if !refusals.is_empty() {
        let mut r = result(
            CheckId::TeacherAblation,
            CheckStatus::Fail,
            format!(
                "The method refused {} of the teacher-ablation runs: a method may not opt out of the runs \
                 that test its dependence on the teacher. {}",
                if refusals.len() == 1 { "one" } else { "some" },
                refusals.join(" ")
            ),
        );
        r.notes = refusals;
        return r;
    }
    let following = pe.partly_shuffled.and_then(Following::of_run);
    // A teacher method whose students the partly shuffled teacher left untouched.
    let unmoved_seeds = match (family, pe.partly_shuffled) {
        (MethodFamily::Teacher, Some(partly)) => unmoved(pe.method, partly),
        _ => None,
    };
    if let Some(seeds) = unmoved_seeds {
        let full =
            pe.shuffled.and_then(|run| Paired::of_runs(pe.method, run, pe.pack, Metric::StudentAccuracy));
        match &full {
            // Untouched here but collapsing under the full shuffle: the collapse was staged.
            Some(p) if p.significantly_positive() => {
                let staged = drop_text("shuffled", p, pe.method.aggregate.student_acc);
                let staged = format!(
                    "; it reacts only to a teacher wrong everywhere (its {staged}), which a method can detect"
                );
                return unmoved_result(pe, seeds, &staged);
            }
            None => return unmoved_result(pe, seeds, ""),
            // No drop under the full shuffle either: the checks below name the pattern.
            Some(_) => {}
        }
    }
    let Some(shuffled_run) = pe.shuffled else {
        return result(
            CheckId::TeacherAblation,
            CheckStatus::NotApplicable,
            "No shuffled-teacher run was made: teacher dependence is untested.".to_owned(),
        );
    };
    let Some(shuffled) = Paired::of_runs(pe.method, shuffled_run, pe.pack, Metric::StudentAccuracy) else {
        return result(
            CheckId::TeacherAblation,
            CheckStatus::NotApplicable,
            "The shuffled-teacher run shares no seed with the method's run.".to_owned(),
        );
    };
    let uniform = pe.uniform.and_then(|u| Paired::of_runs(pe.method, u, pe.pack, Metric::StudentAccuracy));
    let method_acc = pe.method.aggregate.student_acc;
    let chance = 1.0 / f64::from(pe.pack.num_classes.max(1));
    let margin = MARGIN_SHARE * (method_acc - chance);
    let drops = shuffled.significantly_positive();
    // The drop is shown to be smaller than the margin (its whole CI below it).
    let small = shuffled.below(margin);
    let uniform_drops = uniform.as_ref().map(Paired::significantly_positive);
    let shuffled_text = drop_text("shuffled", &shuffled, method_acc);
    let uniform_text = uniform.as_ref().map(|u| drop_text("uniform", u, method_acc));

    let mut r = match family {
        MethodFamily::Teacher if drops && !small => result(
            CheckId::TeacherAblation,
            CheckStatus::Pass,
            format!("The student uses the teacher: {shuffled_text}."),
        ),
        MethodFamily::Teacher if drops => result(
            CheckId::TeacherAblation,
            CheckStatus::Warn,
            format!(
                "The student barely uses the teacher: {shuffled_text}, less than the margin of {} (half \
                 its accuracy above chance, {} vs {}).",
                num(margin),
                num(method_acc),
                num(chance)
            ),
        ),
        MethodFamily::Unsupervised if following.as_ref().is_some_and(Following::significantly_positive) => {
            result(
                CheckId::TeacherAblation,
                CheckStatus::Warn,
                format!(
                    "Declared unsupervised, but the student follows the labels it is handed: {}; check \
                     what it reads from the labels.",
                    following_text(following.as_ref().expect("matched above"), pe.pack.splits.b)
                ),
            )
        }
        MethodFamily::Unsupervised if drops => result(
            CheckId::TeacherAblation,
            CheckStatus::Warn,
            format!(
                "Declared unsupervised, but the student reacts to the teacher: {shuffled_text}; check \
                what it reads from the labels."
            ),
        ),
        MethodFamily::Teacher if !small => {
            let mut r = result(
                CheckId::TeacherAblation,
                CheckStatus::Warn,
                format!(
                    "Inconclusive: {shuffled_text}; the ablation cannot rule out a drop of {} accuracy, \
                     half the method's margin over chance ({} vs {}; detectable {}).",
                    num(margin),
                    num(method_acc),
                    num(chance),
                    num(shuffled.mde)
                ),
            );
            r.inconclusive = true;
            r
        }
        MethodFamily::Teacher => {
            let pattern = if uniform_drops == Some(true) {
                format!(
                    "the 'most common answer' pattern: per-example teacher information is not used, \
                     only the label marginal ({})",
                    uniform_text.clone().unwrap_or_default()
                )
            } else if uniform_drops == Some(false) {
                format!(
                    "the student ignores the teacher entirely ({})",
                    uniform_text.clone().unwrap_or_default()
                )
            } else {
                "the student does not use the teacher's per-example labels".to_owned()
            };
            result(
                CheckId::TeacherAblation,
                CheckStatus::Fail,
                format!(
                    "A teacher method whose student keeps its accuracy when the labels are shuffled: \
                    {shuffled_text}; {pattern}."
                ),
            )
        }
        MethodFamily::Unsupervised => result(
            CheckId::TeacherAblation,
            CheckStatus::Pass,
            format!(
                "As declared (unsupervised), the student does not depend on the teacher: {shuffled_text}."
            ),
        ),
    };
    r.detectable = Some(shuffled.mde);
    r.detectable_unit = Some(Unit::Accuracy);
    let n = shuffled.n;
    let acc_half = stats::accuracy_se(method_acc, n).map_or(0.0, stats::tolerance);
    let mut figures = vec![
        Figure {
            label: "student accuracy, real teacher".to_owned(),
            value: method_acc,
            unit: Unit::Accuracy,
            ci95: Some([method_acc - acc_half, method_acc + acc_half]),
        },
        Figure {
            label: "student accuracy, shuffled teacher".to_owned(),
            value: shuffled_run.aggregate.student_acc,
            unit: Unit::Accuracy,
            ci95: None,
        },
        Figure {
            label: "accuracy drop under shuffled labels".to_owned(),
            value: shuffled.mean,
            unit: Unit::Accuracy,
            ci95: Some(shuffled.ci95),
        },
    ];
    if let Some(p) = shuffled.p {
        figures.push(Figure {
            label: "p (shuffled drop)".to_owned(),
            value: p,
            unit: Unit::PValue,
            ci95: None,
        });
    }
    if let (Some(u), Some(run)) = (&uniform, pe.uniform) {
        figures.push(Figure {
            label: "student accuracy, uniform labels".to_owned(),
            value: run.aggregate.student_acc,
            unit: Unit::Accuracy,
            ci95: None,
        });
        figures.push(Figure {
            label: "accuracy drop under uniform labels".to_owned(),
            value: u.mean,
            unit: Unit::Accuracy,
            ci95: Some(u.ci95),
        });
        if let Some(p) = u.p {
            figures.push(Figure {
                label: "p (uniform drop)".to_owned(),
                value: p,
                unit: Unit::PValue,
                ci95: None,
            });
        }
    }
    if let Some(run) = pe.partly_shuffled
        && let Some(partly) = Paired::of_runs(pe.method, run, pe.pack, Metric::StudentAccuracy)
    {
        figures.push(Figure {
            label: "accuracy drop under partly shuffled labels".to_owned(),
            value: partly.mean,
            unit: Unit::Accuracy,
            ci95: Some(partly.ci95),
        });
    }
    if let Some(f) = &following {
        figures.extend(following_figures(f));
    }
    figures.push(Figure {
        label: "chance accuracy".to_owned(),
        value: chance,
        unit: Unit::Accuracy,
        ci95: None,
    });
    r.figures = figures;
    r.per_seed = shuffled.seed_evidence();
    let mut notes = vec![
        "Per-seed values are student accuracies: reproduced with the real teacher, baseline with \
        shuffled labels."
            .to_owned(),
    ];
    if pe.uniform.is_none() {
        notes.push("No uniform-label run: the 'most common answer' pattern cannot be told apart.".to_owned());
    }
    r.notes = notes;
    match unmoved_seeds {
        // An inconclusive full shuffle does not outweigh students the labels never moved.
        Some(seeds) if r.status != CheckStatus::Fail => unmoved_result(pe, seeds, ""),
        _ => r,
    }
}

/// The failure of a teacher method whose students the partly shuffled teacher left untouched
/// on all `seeds`; `staged` adds what the full shuffle did, when that was a collapse.
fn unmoved_result(pe: &crate::PackEvidence, seeds: usize, staged: &str) -> CheckResult {
    let examples = pe.pack.splits.get(pe.method.eval_split.as_str()).unwrap_or(0);
    let mut r = result(
        CheckId::TeacherAblation,
        CheckStatus::Fail,
        format!(
            "A teacher method whose student does not read the teacher's labels: with the labels of a \
             secret share of split B ({}–{}%) swapped among themselves, every seed's student ({seeds}) \
             answered all {examples} evaluation examples exactly as with the real teacher{staged}. A \
             student trained on the labels changes when they change.",
            (PARTIAL_SHARE.start() * 100.0).round(),
            (PARTIAL_SHARE.end() * 100.0).round(),
        ),
    );
    r.notes = vec![
        "The partly shuffled run hands a secret share of split B's rows another row's label: a teacher \
         a method cannot reliably tell from the real one."
            .to_owned(),
    ];
    r
}

/// The number of seeds on which the partly shuffled run's student answered every evaluation
/// example as the real-teacher run's did, when that holds for every common seed (at least two,
/// all with per-example correctness recorded). Any student trained on changed labels changes
/// somewhere; only one that never read them stays bit-identical.
fn unmoved(method: &RunReport, partly: &RunReport) -> Option<usize> {
    let mut seeds = 0;
    for a in &method.per_seed {
        let Some(b) = partly.per_seed.iter().find(|b| b.seed == a.seed) else { continue };
        match (&a.student_correct, &b.student_correct) {
            (Some(x), Some(y)) if x == y && a.student_acc == b.student_acc => seeds += 1,
            _ => return None,
        }
    }
    (seeds >= 2).then_some(seeds)
}

fn following_text(f: &Following, split_b: u32) -> String {
    format!(
        "on {} of the {} rows of split B whose labels a partly shuffled teacher swapped, the student \
         gives the label it was handed probability {} and a label it never saw {} (following {:+.3}, \
         95% CI {:+.3} to {:+.3}, {} seeds)",
        f.rows,
        split_b,
        num(f.handed),
        num(f.counterfactual),
        f.mean,
        f.ci95[0],
        f.ci95[1],
        f.seeds
    )
}

fn following_figures(f: &Following) -> Vec<Figure> {
    let mut figures = vec![Figure {
        label: "following of handed labels (partly shuffled rows)".to_owned(),
        value: f.mean,
        unit: Unit::Ratio,
        ci95: Some(f.ci95),
    }];
    if let Some(p) = f.p {
        figures.push(Figure { label: "p (following)".to_owned(), value: p, unit: Unit::PValue, ci95: None });
    }
    figures
}

fn drop_text(kind: &str, p: &Paired, method_acc: f64) -> String {
    let p_text = p.p.map_or("untested".to_owned(), crate::p_value);
    format!(
        "accuracy {} with the real teacher vs {} with {kind} labels (drop {:+.3}, 95% CI {:+.3} to \
        {:+.3}, {p_text})",
        num(method_acc),
        num(method_acc - p.mean),
        p.mean,
        p.ci95[0],
        p.ci95[1]
    )
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::bundle::MethodFamily;
    use aar_review_schemas::run::RunReport;
    use aar_review_schemas::verification::{CheckStatus, RunRole};
    use aar_review_schemas::vocab::EvalSplit;

    use super::*;
    use crate::FailedRun;
    use crate::fixtures::{SEEDS, Scenario, run_acc};

    /// A method whose student ignores the teacher's per-example labels: the same accuracy on every
    /// seed with shuffled labels, and chance with uniform ones.
    fn most_common_answer(s: &mut Scenario) {
        let accs: Vec<f64> = s.method.per_seed.iter().map(|o| o.student_acc).collect();
        s.shuffled = Some(run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &accs));
        s.uniform =
            Some(run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.10, 0.11, 0.10, 0.09, 0.10]));
    }

    #[test]
    fn a_teacher_method_whose_student_collapses_without_the_teacher_passes() {
        let s = Scenario::honest(150, 150);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.summary.contains("vs 0.114 with shuffled labels"), "{}", r.summary);
        assert_eq!(r.per_seed.len(), 5);
    }

    #[test]
    fn a_teacher_ignoring_method_fails_for_the_teacher_family_and_passes_for_unsupervised() {
        let mut s = Scenario::honest(150, 150);
        most_common_answer(&mut s);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("'most common answer' pattern"), "{}", r.summary);
        s.manifest.family = MethodFamily::Unsupervised;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        // Unchanged under uniform labels too: ignores the teacher entirely.
        s.manifest.family = MethodFamily::Teacher;
        s.uniform = s.shuffled.clone();
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(r.summary.contains("ignores the teacher entirely"), "{}", r.summary);
    }

    #[test]
    fn an_unsupervised_method_that_reacts_to_the_teacher_warns() {
        let mut s = Scenario::honest(150, 150);
        s.manifest.family = MethodFamily::Unsupervised;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn);
        assert!(!r.inconclusive);
        assert!(r.summary.starts_with("Declared unsupervised"), "{}", r.summary);
    }

    #[test]
    fn noisy_seeds_near_chance_make_it_inconclusive() {
        let mut s = Scenario::honest(150, 150);
        // A weak method (≈ .30, chance .10) with wildly varying shuffled runs: MDE > .10.
        s.method = run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.30, 0.31, 0.29, 0.30, 0.30]);
        s.shuffled =
            Some(run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.10, 0.45, 0.12, 0.48, 0.25]));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(r.inconclusive);
        assert!(r.detectable.unwrap() > 0.10);
    }

    #[test]
    fn no_ablation_run_is_not_applicable() {
        let mut s = Scenario::honest(150, 150);
        s.shuffled = None;
        assert_eq!(check(&s.evidence()).status, CheckStatus::NotApplicable);
    }

    /// An ablation run the method did not finish, as a verification records it.
    fn refused(role: RunRole, label: &str, error: &str) -> FailedRun {
        FailedRun { role, label: label.to_owned(), error: error.to_owned(), access_log: None }
    }

    #[test]
    fn a_refused_ablation_run_fails_whatever_the_family() {
        let mut s = Scenario::honest(150, 150);
        s.shuffled = None;
        s.uniform = None;
        let refusal = "The method refused the shuffled-teacher run on digits: bad weights: every weight is 0"
            .to_owned();
        let shuffled = refused(
            RunRole::ShuffledTeacher,
            "shuffled-teacher run on digits",
            "bad weights: every weight is 0",
        );
        let mut e = s.evidence();
        e.failed_runs = vec![shuffled.clone()];
        let r = check(&e);
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("refused the shuffled-teacher run on digits"), "{}", r.summary);
        assert_eq!(r.notes, vec![refusal.clone()]);
        s.manifest.family = MethodFamily::Unsupervised;
        let mut e = s.evidence();
        e.failed_runs = vec![shuffled];
        assert_eq!(check(&e).status, CheckStatus::Fail);
        // Refusing only the uniform run while finishing the shuffled one fails too.
        let mut s = Scenario::honest(150, 150);
        s.uniform = None;
        let mut e = s.evidence();
        e.failed_runs =
            vec![refused(RunRole::UniformTeacher, "uniform-teacher run on digits", "runtime error")];
        let r = check(&e);
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("uniform-teacher run"), "{}", r.summary);
    }

    /// Per-example correctness for every seed of `run`: example `j` right unless `j + seed + salt`
    /// is a multiple of 3 (the accuracies stay as the fixture wrote them: only flags are compared).
    fn with_correctness(mut run: RunReport, n: usize, salt: u64) -> RunReport {
        for s in &mut run.per_seed {
            let flags: Vec<bool> = (0..n as u64).map(|j| !(j + s.seed + salt).is_multiple_of(3)).collect();
            s.student_correct = Some(aar_review_schemas::run::encode_correct(&flags));
        }
        run
    }

    /// The detect-and-sabotage author: the student ignores the teacher (the partly shuffled run
    /// is bit-identical to the real one) but collapses whenever the whole teacher is shuffled.
    fn staged(s: &mut Scenario) {
        s.method = with_correctness(s.method.clone(), 150, 0);
        s.partly_shuffled = Some(s.method.clone());
    }

    #[test]
    fn a_staged_collapse_under_the_full_shuffle_does_not_pass_a_student_the_partial_one_leaves_untouched() {
        let mut s = Scenario::honest(150, 150);
        // Without the partly shuffled run, the collapse passes: the very attack.
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
        staged(&mut s);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("every seed's student (5) answered all 150"), "{}", r.summary);
        assert!(r.summary.contains("it reacts only to a teacher wrong everywhere"), "{}", r.summary);
        // One answer changed on one seed: the student read the labels, and the rule steps aside.
        let mut partly = s.partly_shuffled.clone().unwrap();
        let mut flags = partly.per_seed[2].student_correct_bits(150).unwrap();
        flags[7] = !flags[7];
        partly.per_seed[2].student_correct = Some(aar_review_schemas::run::encode_correct(&flags));
        s.partly_shuffled = Some(partly);
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
        // Without per-example correctness nothing is claimed either way.
        s.partly_shuffled = Some(s.vanilla.clone());
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn an_untouched_student_that_no_shuffle_moves_keeps_its_pattern_and_never_passes_as_inconclusive() {
        // The plain majority answer: unmoved by every shuffle. The full shuffle names the pattern.
        let mut s = Scenario::honest(150, 150);
        most_common_answer(&mut s);
        s.method = with_correctness(s.method.clone(), 150, 0);
        s.partly_shuffled = Some(s.method.clone());
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("'most common answer' pattern"), "{}", r.summary);
        // A full shuffle too noisy to decide (inconclusive) does not outweigh the untouched
        // students: still a fail, on the partly shuffled run's evidence.
        s.method = with_correctness(
            run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.30, 0.31, 0.29, 0.30, 0.30]),
            150,
            0,
        );
        s.partly_shuffled = Some(s.method.clone());
        s.shuffled =
            Some(run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.10, 0.45, 0.12, 0.48, 0.25]));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.summary.contains("does not read the teacher's labels"), "{}", r.summary);
        assert!(!r.summary.contains("wrong everywhere"), "{}", r.summary);
    }

    #[test]
    fn an_unmoved_unsupervised_student_is_what_it_declared() {
        let mut s = Scenario::honest(150, 150);
        staged(&mut s);
        s.manifest.family = MethodFamily::Unsupervised;
        // The full shuffle still moves it: the existing "reacts to the teacher" warning, not a fail.
        assert_eq!(check(&s.evidence()).status, CheckStatus::Warn);
        s.shuffled = Some(s.method.clone());
        assert_eq!(check(&s.evidence()).status, CheckStatus::Pass);
    }

    #[test]
    fn an_honest_student_that_changes_under_the_partial_shuffle_passes() {
        let mut s = Scenario::honest(150, 150);
        s.method = with_correctness(s.method.clone(), 150, 0);
        s.partly_shuffled = Some(with_correctness(
            run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.60, 0.61, 0.58, 0.60, 0.59]),
            150,
            1,
        ));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        assert!(r.figures.iter().any(|f| f.label == "accuracy drop under partly shuffled labels"));
    }

    #[test]
    fn a_student_that_uses_the_teacher_on_a_sliver_of_examples_warns() {
        // 5,000 examples: the method keeps .60 of .60 under shuffling but for .01 (it reads the
        // teacher on a few examples). The drop is significant (floor √(.01·.99/5000) = .0014) yet
        // its CI (≈ .007 to .013) lies far below the margin .5 × (.60 − .10) = .25.
        let mut s = Scenario::honest(150, 5000);
        s.method = run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.60; 5]);
        s.shuffled = Some(run_acc("digits", EvalSplit::Private, "logconf", &SEEDS, &[0.59; 5]));
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn, "{r:#?}");
        assert!(!r.inconclusive);
        assert!(r.summary.starts_with("The student barely uses the teacher"), "{}", r.summary);
    }
}
