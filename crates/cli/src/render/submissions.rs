//! Submissions: imports, the list and the detail page.

use std::fmt::Write as _;

use aar_api::dto::*;

use super::*;

fn pgr_text(claim: &ClaimView) -> String {
    match claim.pgr_se {
        Some(se) => format!("{}±{}", short_number(claim.pgr), short_number(se)),
        None => short_number(claim.pgr),
    }
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
            s.language.to_string(),
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
            let recomputed = c.recomputed_pgr.map_or_else(|| "-".into(), |r| format!("{r:.3}"));
            t.add_row([
                format!("  {}", c.task),
                c.split.map_or_else(|| "-".into(), |s| s.to_string()),
                acc(c.weak_acc),
                acc(c.ceiling_acc),
                acc(c.student_acc),
                pgr_text(c),
                recomputed,
                c.seeds.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
            ]);
        }
        let _ = writeln!(out, "{t}");
        // The flags are `aar-checks`' findings; the app shows the same ones.
        for c in &s.claims {
            for flag in &c.flags {
                let _ =
                    writeln!(out, "  {} {} {}: {}", styled(WARNING, "flag"), c.task, flag.id, flag.summary);
                for note in &flag.notes {
                    let _ = writeln!(out, "      {note}");
                }
            }
        }
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
