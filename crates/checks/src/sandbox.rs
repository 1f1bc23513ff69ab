//! Sandbox: what the method did inside the sandbox, over every run of it the verification made
//! (the method, every claim's replay, both ablations, the other packs and the negative control,
//! and the runs it failed; vanilla is built in and has no log). Any incident — a refused call, a probe of something the sandbox
//! does not offer (such as `ctx.gold`), a limit hit, a bad output — fails the check, one note per
//! incident naming its kind, what, where in the source and which run. A method run without an
//! access log cannot be audited and warns. Otherwise it passes, with the properties read and host
//! functions called as figures.

use std::collections::BTreeMap;

use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::method::{Incident, Limit, MethodErrorKind};
use aar_review_schemas::run::RunReport;
use aar_review_schemas::verification::{CheckId, CheckResult, CheckStatus, Figure, Unit};

use crate::{Evidence, result};

pub fn check(e: &Evidence) -> CheckResult {
    let mut runs: Vec<(String, &RunReport)> = Vec::new();
    let p = &e.primary;
    let name = &p.pack.name;
    runs.push((format!("method on {name} ({})", p.method.eval_split), p.method));
    for replay in &e.replays {
        if let Some(r) = replay.run
            && !runs.iter().any(|(_, seen)| std::ptr::eq(*seen, r))
        {
            runs.push((format!("replay on {} ({})", r.task, r.eval_split), r));
        }
    }
    if let Some(r) = p.replay
        && !runs.iter().any(|(_, seen)| std::ptr::eq(*seen, r))
    {
        runs.push((format!("replay on {name} ({})", r.eval_split), r));
    }
    if let Some(r) = p.shuffled {
        runs.push((format!("shuffled-teacher run on {name}"), r));
    }
    if let Some(r) = p.uniform {
        runs.push((format!("uniform-label run on {name}"), r));
    }
    for o in &e.others {
        runs.push((format!("method on {} ({})", o.pack.name, o.method.eval_split), o.method));
    }
    if let Some(nc) = &e.negative_control {
        runs.push((format!("method on the negative control {}", nc.pack.name), nc.method));
    }

    let mut incidents: Vec<String> = Vec::new();
    let mut unaudited: Vec<&str> = Vec::new();
    let mut reads: BTreeMap<&str, u64> = BTreeMap::new();
    let mut calls: BTreeMap<&str, u64> = BTreeMap::new();
    let mut audited = 0usize;
    // Runs the method did not finish are audited like the rest: a method that fails on purpose
    // in the runs that test it must not hide what it read there.
    let logs = runs
        .iter()
        .map(|(label, run)| (label.as_str(), run.method.access_log.as_ref()))
        .chain(e.failed_runs.iter().map(|f| (f.label.as_str(), f.access_log.as_ref())));
    for (label, log) in logs {
        let Some(log) = log else {
            unaudited.push(label);
            continue;
        };
        audited += 1;
        for (k, v) in &log.reads {
            *reads.entry(k).or_default() += v;
        }
        for (k, v) in &log.calls {
            *calls.entry(k).or_default() += v;
        }
        incidents.extend(log.incidents.iter().map(|i| describe(i, label)));
    }

    let mut figures = vec![
        Figure { label: "runs audited".to_owned(), value: audited as f64, unit: Unit::Count, ci95: None },
        Figure {
            label: "incidents".to_owned(),
            value: incidents.len() as f64,
            unit: Unit::Count,
            ci95: None,
        },
        Figure {
            label: "properties read (total)".to_owned(),
            value: reads.values().sum::<u64>() as f64,
            unit: Unit::Count,
            ci95: None,
        },
        Figure {
            label: "host calls (total)".to_owned(),
            value: calls.values().sum::<u64>() as f64,
            unit: Unit::Count,
            ci95: None,
        },
    ];
    figures.extend(reads.iter().map(|(k, v)| Figure {
        label: format!("read {k}"),
        value: *v as f64,
        unit: Unit::Count,
        ci95: None,
    }));
    figures.extend(calls.iter().map(|(k, v)| Figure {
        label: format!("called {k}"),
        value: *v as f64,
        unit: Unit::Count,
        ci95: None,
    }));

    let mut r = if let Some(first) = incidents.first() {
        result(
            CheckId::Sandbox,
            CheckStatus::Fail,
            format!(
                "The sandbox recorded {} incident{} across {audited} runs; the first: {first}",
                incidents.len(),
                if incidents.len() == 1 { "" } else { "s" }
            ),
        )
    } else if !unaudited.is_empty() {
        result(
            CheckId::Sandbox,
            CheckStatus::Warn,
            format!(
                "No access log for {}: what the method read there cannot be audited.",
                unaudited.join(", ")
            ),
        )
    } else {
        result(
            CheckId::Sandbox,
            CheckStatus::Pass,
            format!(
                "No incidents in {audited} runs: the method read {} properties ({} reads) and called {} \
                 host functions ({} calls), all offered by the sandbox.",
                reads.len(),
                reads.values().sum::<u64>(),
                calls.len(),
                calls.values().sum::<u64>()
            ),
        )
    };
    r.figures = figures;
    let mut notes = incidents;
    notes.extend(unaudited.iter().map(|l| format!("No access log for the {l}.")));
    notes.push(family_note(e.manifest.family));
    r.notes = notes;
    r
}

/// What the declared family let the method read: the sandbox enforces it, so the report says it.
pub fn family_note(family: MethodFamily) -> String {
    match family {
        MethodFamily::Teacher => "Declared family `teacher`: the method was handed the teacher's soft labels \
                                  (ctx.teacher), and the teacher ablations test that it uses them."
            .to_owned(),
        MethodFamily::Unsupervised => "Declared family `unsupervised`: ctx.teacher was withheld from every run \
                                       (reading it is a sandbox error), so the method cannot have used the teacher."
            .to_owned(),
    }
}

/// One incident as a sentence: kind, what, where, which run.
pub(crate) fn describe(i: &Incident, run: &str) -> String {
    let kind = match &i.kind {
        MethodErrorKind::Forbidden { what } => format!("forbidden access to {what}"),
        MethodErrorKind::LimitExceeded { which } => format!("limit exceeded ({})", limit(which)),
        MethodErrorKind::BadOutput { what } => format!("bad output ({what})"),
        other => other.to_string(),
    };
    let at = i.position.map_or(String::new(), |p| format!(" at line {}, column {}", p.line, p.column));
    let epoch = i.epoch.map_or(String::new(), |e| format!(", epoch {e}"));
    let message = i.message.trim_end_matches('.');
    format!("{kind} in {}{epoch}{at} ({run}): {message}.", i.entry)
}

fn limit(l: &Limit) -> String {
    match l {
        Limit::Operations => "operations".to_owned(),
        Limit::CallDepth => "call depth".to_owned(),
        Limit::ExpressionDepth => "expression depth".to_owned(),
        Limit::StringSize => "string size".to_owned(),
        Limit::ArraySize => "array size".to_owned(),
        Limit::MapSize => "map size".to_owned(),
        Limit::Variables => "variables".to_owned(),
        Limit::ValueDepth => "value depth".to_owned(),
        Limit::Memory => "memory".to_owned(),
        Limit::HostWork => "host work".to_owned(),
        Limit::CallTime => "call time".to_owned(),
        Limit::RunTime => "run time".to_owned(),
        Limit::Config { key } => format!("config key {key}"),
    }
}

#[cfg(test)]
mod tests {
    use aar_review_schemas::method::{EntryPoint, SourcePosition};
    use aar_review_schemas::verification::CheckStatus;

    use super::*;
    use crate::fixtures::Scenario;

    #[test]
    fn clean_logs_pass_with_counts() {
        let s = Scenario::honest(150, 150);
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Pass, "{r:#?}");
        // method, replay, shuffled, uniform, wine, negative control: six logs of 10 reads each.
        let audited = r.figures.iter().find(|f| f.label == "runs audited").unwrap();
        assert_eq!(audited.value, 6.0);
        let reads = r.figures.iter().find(|f| f.label == "read ctx.teacher").unwrap();
        assert_eq!(reads.value, 60.0);
    }

    #[test]
    fn a_probe_of_gold_labels_fails_with_one_note_per_incident() {
        let mut s = Scenario::honest(150, 150);
        let probe = Incident {
            entry: EntryPoint::Targets,
            epoch: Some(0),
            kind: MethodErrorKind::Forbidden { what: "ctx.gold".to_owned() },
            message: "property ctx.gold is not available".to_owned(),
            position: Some(SourcePosition { line: 12, column: 9 }),
        };
        s.replay.as_mut().unwrap().method.access_log.as_mut().unwrap().incidents.push(probe.clone());
        s.control
            .as_mut()
            .unwrap()
            .1
            .method
            .access_log
            .as_mut()
            .unwrap()
            .incidents
            .push(Incident { kind: MethodErrorKind::LimitExceeded { which: Limit::HostWork }, ..probe });
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert_eq!(r.notes.len(), 3, "{:?}", r.notes);
        assert!(r.notes[2].starts_with("Declared family `teacher`"), "{}", r.notes[2]);
        assert_eq!(
            r.notes[0],
            "forbidden access to ctx.gold in targets(), epoch 0 at line 12, column 9 (replay on digits \
             (dev)): property ctx.gold is not available."
        );
        assert!(r.notes[1].starts_with("limit exceeded (host work)"), "{}", r.notes[1]);
        assert!(r.summary.contains("2 incidents"), "{}", r.summary);
    }

    #[test]
    fn a_method_run_without_a_log_warns() {
        let mut s = Scenario::honest(150, 150);
        s.method.method.access_log = None;
        let r = check(&s.evidence());
        assert_eq!(r.status, CheckStatus::Warn);
        assert!(r.summary.contains("method on digits (private)"), "{}", r.summary);
    }

    #[test]
    fn runs_the_method_failed_are_audited_too() {
        // An author who throws in the shuffled-teacher run after probing must not hide the probe.
        let mut s = Scenario::honest(150, 150);
        s.shuffled = None;
        let probe = Incident {
            entry: EntryPoint::Targets,
            epoch: Some(1),
            kind: MethodErrorKind::Forbidden { what: "ctx.gold".to_owned() },
            message: "property ctx.gold is not available".to_owned(),
            position: Some(SourcePosition { line: 4, column: 2 }),
        };
        let mut log = crate::fixtures::clean_log(2);
        log.incidents.push(probe);
        let mut e = s.evidence();
        e.failed_runs.push(crate::FailedRun {
            role: aar_review_schemas::verification::RunRole::ShuffledTeacher,
            label: "shuffled teacher run on digits (private split)".to_owned(),
            error: "runtime error".to_owned(),
            access_log: Some(log),
        });
        let r = check(&e);
        assert_eq!(r.status, CheckStatus::Fail, "{r:#?}");
        assert!(r.notes[0].contains("(shuffled teacher run on digits (private split))"), "{:?}", r.notes);
    }

    #[test]
    fn the_report_says_what_the_family_was_allowed_to_read() {
        let mut s = Scenario::honest(150, 150);
        s.manifest.family = aar_review_schemas::bundle::MethodFamily::Unsupervised;
        let r = check(&s.evidence());
        assert!(r.notes.last().unwrap().contains("ctx.teacher was withheld"), "{:?}", r.notes);
    }
}
