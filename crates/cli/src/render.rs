//! Human-readable output. `--json` output is the transport types serialised as they are.

use std::fmt::Write as _;

use aar_api::ApiError;
use aar_api::dto::*;
use anstyle::{AnsiColor, Color, Effects, Style};
use comfy_table::{Table, presets};

pub const ERROR: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);
const WARNING: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const BOLD: Style = Style::new().effects(Effects::BOLD);
const WARN: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow)));
const ADDED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Green)));
const REMOVED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Red)));
const ADDED_WORD: Style = ADDED.effects(Effects::INVERT);
const REMOVED_WORD: Style = REMOVED.effects(Effects::INVERT);
const HUNK: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));

/// Prints `value` as pretty JSON, or through `human`.
pub fn emit<T: serde::Serialize>(
    json: bool,
    value: &T,
    human: impl Fn(&T) -> String,
) -> Result<(), ApiError> {
    if json {
        let text = serde_json::to_string_pretty(value).expect("transport types always serialise");
        println!("{text}");
    } else {
        anstream::print!("{}", human(value));
    }
    Ok(())
}

fn styled(style: Style, text: impl std::fmt::Display) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// Whether stdout gets colour; without it, changed words are marked `[-old-]{+new+}` as
/// `git diff --word-diff=plain` does, so the emphasis survives in pipes and logs.
fn colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

fn table() -> Table {
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    table
}

fn pgr_text(claim: &ClaimView) -> String {
    match claim.pgr_se {
        Some(se) => format!("{}±{}", short_number(claim.pgr), short_number(se)),
        None => short_number(claim.pgr),
    }
}

/// Two decimals, or scientific notation for magnitudes a table cell cannot hold (a claimed PGR
/// of 1e308 must not print 309 digits).
fn short_number(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e4 { format!("{x:.2}") } else { format!("{x:.2e}") }
}

/// The first few claims of a submission, for one table cell.
fn claims_cell(claims: &[ClaimView]) -> String {
    const SHOWN: usize = 3;
    if claims.is_empty() {
        return "-".into();
    }
    let mut cell = claims
        .iter()
        .take(SHOWN)
        .map(|c| format!("{} {}", c.task, pgr_text(c)))
        .collect::<Vec<_>>()
        .join(", ");
    if claims.len() > SHOWN {
        cell.push_str(&format!(" (+{} more)", claims.len() - SHOWN));
    }
    cell
}

pub fn import_report(report: &ImportReport) -> String {
    let mut out = String::new();
    for item in &report.items {
        let status = match item.status {
            ImportStatus::New => styled(ADDED, "imported"),
            ImportStatus::AlreadyPresent => styled(DIM, "unchanged"),
        };
        let _ = writeln!(out, "{status} {}  {}  {}", item.short_id, item.title, styled(DIM, &item.origin));
    }
    for skipped in &report.skipped_findings {
        let _ = writeln!(out, "{} finding {}: {}", styled(WARN, "skipped"), skipped.post_id, skipped.reason);
    }
    for note in &report.notes {
        let _ = writeln!(out, "{} {note}", styled(WARN, "note"));
    }
    let _ = writeln!(
        out,
        "{} new, {} already present",
        report.new_count(),
        report.items.len() - report.new_count()
    );
    out
}

pub fn list(list: &[SubmissionSummary]) -> String {
    if list.is_empty() {
        return "no submissions (try `aar-review demo` or `aar-review import PATH`)\n".into();
    }
    let mut t = table();
    t.set_header(["ID", "CREATED", "AUTHOR", "LANG", "CLAIMS", "TITLE"]);
    for s in list {
        t.add_row([
            s.short_id.clone(),
            s.created_at.get(..16).unwrap_or(&s.created_at).replace('T', " "),
            s.author.clone(),
            s.language.clone(),
            claims_cell(&s.claims),
            s.title.clone(),
        ]);
    }
    format!("{t}\n{} submissions\n", list.len())
}

pub fn detail(d: &SubmissionDetail) -> String {
    let s = &d.summary;
    let mut out = String::new();
    let _ = writeln!(out, "{}", styled(BOLD, &s.title));
    let _ = writeln!(out, "id        {}", s.id);
    let _ = writeln!(out, "author    {}", s.author);
    let _ = writeln!(out, "created   {}", s.created_at);
    let runnable =
        if s.rerunnable { "re-runnable on AAR Review's engine" } else { "read-only (not re-runnable here)" };
    let _ = writeln!(out, "method    {} ({}, {runnable})", d.method_path, s.language);
    if let Some(r) = &d.source_ref {
        let _ = writeln!(out, "ref       {r}");
    }
    let _ = writeln!(out, "imported  {} by {} from {}", d.imported_at, d.imported_by, d.origin);

    let _ = writeln!(out, "\n{}", styled(BOLD, "Lineage"));
    if d.lineage.ancestors.is_empty() {
        match &s.missing_parent {
            Some(missing) => {
                let _ = writeln!(out, "  parent {} is not in the store", styled(WARN, missing));
            }
            None => {
                let _ = writeln!(out, "  no parent");
            }
        }
    }
    for (depth, a) in d.lineage.ancestors.iter().enumerate() {
        let label = if depth == 0 { "parent" } else { "  from" };
        let _ = writeln!(out, "  {label} {}  {} ({})", a.short_id, a.title, a.author);
    }
    for c in &d.lineage.children {
        let _ = writeln!(out, "  child  {}  {} ({})", c.short_id, c.title, c.author);
    }

    let _ = writeln!(out, "\n{}", styled(BOLD, "Hypothesis"));
    let _ = writeln!(out, "{}", indent(&d.hypothesis));
    let _ = writeln!(out, "\n{}", styled(BOLD, "Description"));
    let _ = writeln!(out, "{}", indent(&d.description));

    let _ = writeln!(out, "\n{}", styled(BOLD, "Claims"));
    if s.claims.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        let mut t = table();
        t.set_header(["  TASK", "SPLIT", "WEAK", "CEILING", "STUDENT", "PGR", "RECOMPUTED", "SEEDS"]);
        let acc = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
        for c in &s.claims {
            let recomputed = match c.recomputed_pgr {
                Some(r) if (r - c.pgr).abs() > 0.02 => format!("{r:.2} (differs!)"),
                Some(r) => format!("{r:.2}"),
                None => "-".into(),
            };
            t.add_row([
                format!("  {}", c.task),
                c.split.clone().unwrap_or_else(|| "-".into()),
                acc(c.weak_acc),
                acc(c.ceiling_acc),
                acc(c.student_acc),
                pgr_text(c),
                recomputed,
                c.seeds.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }

    let _ = writeln!(out, "\n{}", styled(BOLD, "Files"));
    for f in &d.files {
        let _ = writeln!(out, "  {:<8} {:>7} B  {}  {}", f.role, f.size, &f.digest[..12], f.path);
    }

    let _ = writeln!(out, "\n{}", styled(BOLD, format!("Forum ({} posts)", d.posts.len())));
    for p in &d.posts {
        let _ = writeln!(out, "  [{}] {} — {}, {}", p.kind, styled(BOLD, &p.title), p.author, p.created_at);
        let _ = writeln!(out, "{}", indent(&indent(&p.body)));
        for c in &p.comments {
            let _ = writeln!(out, "    ↳ {} ({}): {}", c.author, c.created_at, c.body.replace('\n', " "));
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

pub fn diff(d: &SubmissionDiff) -> String {
    let colour = colour();
    let mut out = String::new();
    let _ = writeln!(out, "{}", styled(BOLD, format!("--- {}  {}", d.old.short_id, d.old.title)));
    let _ = writeln!(out, "{}", styled(BOLD, format!("+++ {}  {}", d.new.short_id, d.new.title)));
    for f in &d.files {
        let name = match &f.old_path {
            Some(old) => format!("{old} → {}", f.path),
            None => f.path.clone(),
        };
        let status = format!("{:?}", f.status).to_lowercase();
        if f.status == FileStatus::Unchanged {
            let _ = writeln!(out, "{}", styled(DIM, format!("  {name} ({}, unchanged)", f.role)));
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} {}",
            styled(BOLD, format!("{name} ({}, {status})", f.role)),
            format_args!(
                "{} {}",
                styled(ADDED, format!("+{}", f.lines_added)),
                styled(REMOVED, format!("-{}", f.lines_removed))
            )
        );
        if f.status == FileStatus::TooLarge {
            let _ = writeln!(out, "  too large to diff; compare digests with `aar-review show`");
        }
        for h in &f.hunks {
            let _ = writeln!(
                out,
                "{}",
                styled(
                    HUNK,
                    format!("@@ -{},{} +{},{} @@", h.old_start, h.old_lines, h.new_start, h.new_lines)
                )
            );
            for line in &h.lines {
                let _ = writeln!(out, "{}", diff_line(line, colour));
            }
        }
    }
    out
}

fn diff_line(line: &DiffLine, colour: bool) -> String {
    let (sign, base, word) = match line.kind {
        LineKind::Context => (' ', Style::new(), Style::new()),
        LineKind::Delete => ('-', REMOVED, REMOVED_WORD),
        LineKind::Insert => ('+', ADDED, ADDED_WORD),
    };
    let mut text = String::new();
    for segment in &line.segments {
        match (segment.emphasized, colour, line.kind) {
            (false, _, _) => text.push_str(&styled(base, &segment.text)),
            (true, true, _) => text.push_str(&styled(word, &segment.text)),
            (true, false, LineKind::Delete) => text.push_str(&format!("[-{}-]", segment.text)),
            (true, false, _) => text.push_str(&format!("{{+{}+}}", segment.text)),
        }
    }
    format!("{}{text}", styled(base, sign))
}

pub fn audit(entries: &[AuditEntryView]) -> String {
    let mut t = table();
    t.set_header(["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"]);
    for e in entries {
        t.add_row([
            e.seq.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.subject.get(..12).unwrap_or(&e.subject).to_owned(),
            e.detail.clone(),
        ]);
    }
    format!("{t}\n")
}

/// Packs that could not be loaded go to stderr, so `tasks --json` stays parseable.
pub fn warn_task_problems(problems: &[TaskProblem]) {
    for p in problems {
        anstream::eprintln!(
            "{}warning:{} task pack `{}` ({}) is not usable: {}",
            WARNING.render(),
            WARNING.render_reset(),
            p.pack,
            p.origin,
            p.problem
        );
    }
}

pub fn audit_verification(v: &aar_api::AuditVerification) -> String {
    let head = v.head.as_deref().unwrap_or("(empty log)");
    match &v.broken {
        None => format!("audit log intact: {} entries chained\nhead {head}\n", v.entries),
        Some(link) => format!("audit log BROKEN at entry {}: {}\n", link.seq, link.problem),
    }
}

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

pub fn tasks(tasks: &[TaskSummary]) -> String {
    let mut t = table();
    t.set_header(["TASK", "CLASSES", "A/B/DEV/TEST/PRIVATE", "WEAK", "STRONG", "TITLE"]);
    let arch = |m: &ModelView| {
        let hidden = m.hidden.iter().map(u32::to_string).collect::<Vec<_>>().join("-");
        if hidden.is_empty() {
            format!("{}→linear", m.input_dim)
        } else {
            format!("{}→{hidden}", m.input_dim)
        }
    };
    for task in tasks {
        let title = if task.negative_control {
            format!("{} [negative control]", task.title)
        } else {
            task.title.clone()
        };
        t.add_row([
            task.name.clone(),
            task.num_classes.to_string(),
            task.split_sizes.iter().map(u32::to_string).collect::<Vec<_>>().join("/"),
            arch(&task.weak),
            arch(&task.strong),
            title,
        ]);
    }
    format!("{t}\n")
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
            r.eval_split.clone(),
            r.seeds.len().to_string(),
            match (r.pgr, r.pgr_se) {
                (Some(p), Some(se)) => format!("{p:.3}±{se:.3}"),
                (Some(p), None) => format!("{p:.3}"),
                _ => "-".into(),
            },
            r.backend.clone(),
            format!("{:.1}", r.total_seconds),
        ]);
    }
    format!("{t}\n")
}
