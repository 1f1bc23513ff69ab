//! Diffs of two submissions, coloured by line and by changed word; moved blocks in their own calm
//! colour, each opened by a note saying where it went or came from. Which lines are paired, marked
//! or moved is decided by `aar_api::diff`; this only draws it.

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
                if let Some(note) = move_note(line) {
                    let _ = writeln!(out, "{}", styled(MOVED_NOTE, note));
                }
                let _ = writeln!(out, "{}", diff_line(line, colour));
            }
        }
    }
    out
}

/// "↳ moved to line 7 (4 lines)", above the first line of a moved block; the lines keep their
/// `-`/`+` so the output still reads as a unified diff.
fn move_note(line: &DiffLine) -> Option<String> {
    let moved = line.moved.as_ref().filter(|m| m.block_start)?;
    let direction = if line.kind == LineKind::Delete { "to" } else { "from" };
    let place = match &moved.path {
        Some(path) => format!("{path} line {}", moved.line),
        None => format!("line {}", moved.line),
    };
    let lines =
        if moved.block_lines == 1 { "1 line".to_owned() } else { format!("{} lines", moved.block_lines) };
    Some(format!("↳ moved {direction} {place} ({lines})"))
}

fn diff_line(line: &DiffLine, colour: bool) -> String {
    let (sign, base, word) = match line.kind {
        LineKind::Context => (' ', Style::new(), Style::new()),
        LineKind::Delete if line.moved.is_some() => ('-', MOVED, MOVED),
        LineKind::Insert if line.moved.is_some() => ('+', MOVED, MOVED),
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
