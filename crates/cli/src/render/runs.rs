//! Re-runs: reports, lists, comparisons and method checks.

use std::fmt::Write as _;

use aar_api::dto::*;

use super::*;

pub fn comparison(c: &RunComparison) -> String {
    let mut out = format!(
        "{} (run {}) against {} (run {}), {} on the {} split\n",
        styled(BOLD, &c.method.method),
        c.method.short_id,
        styled(BOLD, &c.baseline.method),
        c.baseline.short_id,
        c.method.task,
        c.method.eval_split
    );
    let mut t = table();
    t.set_header(["SEED", "PGR", "BASELINE PGR", "Δ PGR", "Δ STUDENT ACC"]);
    let pgr = |p: Option<f64>| p.map_or("undefined".into(), |p| format!("{p:.3}"));
    for s in &c.seeds {
        let diff = match (s.method_pgr, s.baseline_pgr) {
            (Some(a), Some(b)) => format!("{:+.3}", a - b),
            _ => "-".into(),
        };
        t.add_row([
            s.seed.to_string(),
            pgr(s.method_pgr),
            pgr(s.baseline_pgr),
            diff,
            format!("{:+.4}", s.method_student_acc - s.baseline_student_acc),
        ]);
    }
    let _ = writeln!(out, "{t}");
    for (what, test) in [("PGR", &c.pgr), ("student accuracy", &c.student_acc)] {
        let line = match test {
            Some(test) => format!(
                "Δ {what}: {:+.3} ± {:.3} (SE, {} paired seeds){}",
                test.mean,
                test.se,
                test.n,
                match (test.t, test.p) {
                    (Some(t), Some(p)) => format!("; paired t = {t:.2}, p = {p:.3}"),
                    _ => "; no spread between seeds: no test".into(),
                }
            ),
            None => format!("Δ {what}: fewer than two paired seeds, no test"),
        };
        let _ = writeln!(out, "{line}");
    }
    out
}

pub fn method_check(check: &MethodCheck) -> String {
    let mut out = format!("{}: a valid method (sha256 {})\n", check.path, &check.code_sha256[..12]);
    let _ = writeln!(
        out,
        "  configure: {}",
        if check.has_configure { "yes" } else { "no (the task's student config)" }
    );
    let _ = writeln!(
        out,
        "  reads ctx.student: {}",
        if check.needs_student_predictions { "yes (an extra pass over split B per epoch)" } else { "no" }
    );
    let _ = writeln!(out, "  functions: {}", check.functions.join(", "));
    out
}

pub fn run_report(summary: &RunSummary, r: &aar_api::RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} on {} ({} split), {} seeds, {} on {}",
        styled(BOLD, &r.method.name),
        styled(BOLD, &r.task),
        r.eval_split,
        r.seeds.len(),
        r.device.backend,
        r.device.adapter
    );
    let mut t = table();
    t.set_header(["SEED", "WEAK", "CEILING", "STUDENT", "PGR"]);
    for s in &r.per_seed {
        t.add_row([
            s.seed.to_string(),
            format!("{:.4}", s.weak_acc),
            format!("{:.4}", s.ceiling_acc),
            format!("{:.4}", s.student_acc),
            s.pgr.map_or("undefined (ceiling ≤ weak)".into(), |p| format!("{p:.3}")),
        ]);
    }
    let a = &r.aggregate;
    let pgr = match (a.pgr, a.pgr_se, a.pgr_ci95) {
        (Some(p), Some(se), Some([lo, hi])) => format!("{p:.3} ± {se:.3} (95% CI {lo:.3}..{hi:.3})"),
        (Some(p), _, _) => format!("{p:.3}"),
        (None, _, _) => "undefined (mean ceiling ≤ mean weak)".into(),
    };
    t.add_row([
        "mean".into(),
        format!("{:.4}", a.weak_acc),
        format!("{:.4}", a.ceiling_acc),
        format!("{:.4}", a.student_acc),
        pgr,
    ]);
    let _ = writeln!(out, "{t}");
    if !a.seeds_without_gap.is_empty() {
        let _ = writeln!(
            out,
            "{} PGR undefined on seeds {:?}: the ceiling did not beat the teacher",
            styled(WARN, "warning:"),
            a.seeds_without_gap
        );
    }
    let tm = &r.timings;
    let _ = writeln!(
        out,
        "{:.1} s in all; {} steps, {:.2} ms/step; first step {:.2} s",
        tm.total_seconds, tm.steps, tm.mean_step_ms, tm.first_step_seconds
    );
    if let Some(code) = &r.method.code_sha256 {
        let share = if tm.total_seconds > 0.0 { 100.0 * tm.method_seconds / tm.total_seconds } else { 0.0 };
        let _ = writeln!(
            out,
            "method sha256 {}{}; {:.2} s in the method ({share:.1}% of the run){}",
            &code[..12.min(code.len())],
            r.method
                .submission_id
                .as_deref()
                .map_or(String::new(), |id| format!(" (submission {})", &id[..12])),
            tm.method_seconds,
            if r.config.student_rounds > 0 {
                format!("; {} extra rounds", r.config.student_rounds)
            } else {
                String::new()
            },
        );
    }
    if let Some(log) = &r.method.access_log {
        let _ = writeln!(out, "{}", access_log(log));
    }
    let _ = writeln!(out, "stored as run {}", summary.short_id);
    out
}

/// What a method read and called, in one or two lines; refusals in full.
fn access_log(log: &aar_api::AccessLog) -> String {
    let counts = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter().map(|(k, n)| format!("{k}×{n}")).collect::<Vec<_>>().join(", ")
    };
    let mut out = format!(
        "access log: read {}",
        if log.reads.is_empty() { "nothing".into() } else { counts(&log.reads) }
    );
    if !log.calls.is_empty() {
        let _ = write!(out, "; called {}", counts(&log.calls));
    }
    for incident in &log.incidents {
        let at = incident.position.map_or(String::new(), |p| format!(" at {}:{}", p.line, p.column));
        let _ = write!(out, "\n{} {}{at}: {}", styled(WARN, "refused:"), incident.kind, incident.message);
    }
    out
}

pub fn runs(runs: &[RunSummary]) -> String {
    if runs.is_empty() {
        return "no runs yet (try `aar-review run --task digits`)\n".into();
    }
    let mut t = table();
    t.set_header(["RUN", "FINISHED", "TASK", "METHOD", "SPLIT", "SEEDS", "PGR", "DEVICE", "SECONDS"]);
    for r in runs {
        t.add_row([
            r.short_id.clone(),
            r.finished_at.get(..16).unwrap_or(&r.finished_at).replace('T', " "),
            r.task.clone(),
            r.method.clone(),
            r.eval_split.to_string(),
            r.seeds.len().to_string(),
            match (r.pgr, r.pgr_se) {
                (Some(p), Some(se)) => format!("{p:.3}±{se:.3}"),
                (Some(p), None) => format!("{p:.3}"),
                _ => "-".into(),
            },
            r.backend.to_string(),
            format!("{:.1}", r.total_seconds),
        ]);
    }
    format!("{t}\n")
}
