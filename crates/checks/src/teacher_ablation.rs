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

use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Unit};

use crate::stats::{self, Metric, Paired};
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
    r
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
