//! Diffs of two submissions, coloured by line and by changed word.

use std::fmt::Write as _;

use aar_api::dto::*;

use super::*;

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
