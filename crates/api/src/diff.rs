//! Line diffs with word-level emphasis, built on `similar`.
//!
//! Lines are compared as a whole first (optionally with whitespace normalised away); inside each
//! replaced block, old and new lines are paired and diffed word by word so the UI and the CLI can
//! mark exactly the words that changed.

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices, group_diff_ops};

use crate::dto::{DiffLine, Hunk, LineKind, Segment};

/// Lines of unchanged context around each change, as in `diff -u`.
const CONTEXT_LINES: usize = 3;

/// The hunks that turn `old` into `new`. With `ignore_whitespace`, lines that differ only in
/// whitespace count as equal and whitespace-only word changes are not emphasised.
pub fn diff_text(old: &str, new: &str, ignore_whitespace: bool) -> Vec<Hunk> {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let key = |line: &&str| -> String {
        if ignore_whitespace {
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            (*line).to_owned()
        }
    };
    let old_keys: Vec<String> = old_lines.iter().map(key).collect();
    let new_keys: Vec<String> = new_lines.iter().map(key).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
    group_diff_ops(ops, CONTEXT_LINES)
        .into_iter()
        .map(|group| hunk(&group, &old_lines, &new_lines, ignore_whitespace))
        .collect()
}

fn hunk(group: &[DiffOp], old: &[&str], new: &[&str], ignore_whitespace: bool) -> Hunk {
    let first = group.first().expect("similar never yields an empty group");
    let last = group.last().expect("similar never yields an empty group");
    let old_range = first.old_range().start..last.old_range().end;
    let new_range = first.new_range().start..last.new_range().end;
    let mut lines = Vec::new();
    for op in group {
        match *op {
            DiffOp::Equal { old_index, new_index, len } => {
                for i in 0..len {
                    lines.push(line(
                        LineKind::Context,
                        Some(old_index + i),
                        Some(new_index + i),
                        plain(new[new_index + i]),
                    ));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                for (i, text) in old.iter().enumerate().skip(old_index).take(old_len) {
                    lines.push(line(LineKind::Delete, Some(i), None, plain(text)));
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for (i, text) in new.iter().enumerate().skip(new_index).take(new_len) {
                    lines.push(line(LineKind::Insert, None, Some(i), plain(text)));
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let paired = old_len.min(new_len);
                let mut inserted = Vec::new();
                for i in 0..old_len {
                    let o = old_index + i;
                    if i < paired {
                        let n = new_index + i;
                        let (old_segments, new_segments) = word_diff(old[o], new[n], ignore_whitespace);
                        lines.push(line(LineKind::Delete, Some(o), None, old_segments));
                        inserted.push(line(LineKind::Insert, None, Some(n), new_segments));
                    } else {
                        lines.push(line(LineKind::Delete, Some(o), None, plain(old[o])));
                    }
                }
                // Deleted lines first, then their replacements, as unified diffs show them.
                lines.append(&mut inserted);
                for (n, text) in new.iter().enumerate().skip(new_index + paired).take(new_len - paired) {
                    lines.push(line(LineKind::Insert, None, Some(n), plain(text)));
                }
            }
        }
    }
    Hunk {
        old_start: one_based_start(old_range.start, old_range.len()),
        old_lines: old_range.len() as u32,
        new_start: one_based_start(new_range.start, new_range.len()),
        new_lines: new_range.len() as u32,
        lines,
    }
}

/// `diff -u` numbers an empty range by the line before it.
fn one_based_start(start: usize, len: usize) -> u32 {
    if len == 0 { start as u32 } else { start as u32 + 1 }
}

fn line(kind: LineKind, old: Option<usize>, new: Option<usize>, segments: Vec<Segment>) -> DiffLine {
    DiffLine { kind, old_no: old.map(|i| i as u32 + 1), new_no: new.map(|i| i as u32 + 1), segments }
}

fn plain(text: &str) -> Vec<Segment> {
    vec![Segment { text: text.to_owned(), emphasized: false }]
}

/// Word-level diff of one old line against its replacement.
fn word_diff(old: &str, new: &str, ignore_whitespace: bool) -> (Vec<Segment>, Vec<Segment>) {
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_unicode_words(old, new);
    let mut old_segments = Vec::new();
    let mut new_segments = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        let emphasized = !(ignore_whitespace && text.trim().is_empty());
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut old_segments, text, false);
                push(&mut new_segments, text, false);
            }
            ChangeTag::Delete => push(&mut old_segments, text, emphasized),
            ChangeTag::Insert => push(&mut new_segments, text, emphasized),
        }
    }
    (old_segments, new_segments)
}

/// Appends text, merging with the previous segment when the emphasis is the same.
fn push(segments: &mut Vec<Segment>, text: &str, emphasized: bool) {
    match segments.last_mut() {
        Some(last) if last.emphasized == emphasized => last.text.push_str(text),
        _ => segments.push(Segment { text: text.to_owned(), emphasized }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(hunks: &[Hunk]) -> String {
        let mut out = String::new();
        for h in hunks {
            out.push_str(&format!(
                "@@ -{},{} +{},{} @@\n",
                h.old_start, h.old_lines, h.new_start, h.new_lines
            ));
            for l in &h.lines {
                let sign = match l.kind {
                    LineKind::Context => ' ',
                    LineKind::Delete => '-',
                    LineKind::Insert => '+',
                };
                out.push(sign);
                for s in &l.segments {
                    if s.emphasized {
                        out.push_str(&format!("[{}]", s.text));
                    } else {
                        out.push_str(&s.text);
                    }
                }
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn changed_word_is_emphasised_and_headers_are_unified_style() {
        let old = "a\nb\nlet c = 0.5;\nd\n";
        let new = "a\nb\nlet c = 0.75;\nd\n";
        let text = render(&diff_text(old, new, false));
        assert_eq!(text, "@@ -1,4 +1,4 @@\n a\n b\n-let c = [0.5];\n+let c = [0.75];\n d\n");
    }

    #[test]
    fn identical_texts_have_no_hunks() {
        assert!(diff_text("x\ny\n", "x\ny\n", false).is_empty());
    }

    #[test]
    fn whitespace_only_changes_vanish_when_ignored() {
        let old = "fn f() {\n  x\n}\n";
        let new = "fn f() {\n    x\n}\n";
        assert_eq!(diff_text(old, new, false).len(), 1);
        assert!(diff_text(old, new, true).is_empty());
    }

    #[test]
    fn insertion_at_end_counts_lines() {
        let hunks = diff_text("a\n", "a\nb\nc\n", false);
        assert_eq!(render(&hunks), "@@ -1,1 +1,3 @@\n a\n+b\n+c\n");
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new: String = (0..20)
            .map(|i| match i {
                2 => "two\n".to_owned(),
                17 => "seventeen\n".to_owned(),
                _ => format!("{i}\n"),
            })
            .collect();
        let hunks = diff_text(&old, &new, false);
        assert_eq!(hunks.len(), 2);
        assert_eq!((hunks[1].old_start, hunks[1].new_start), (15, 15));
    }
}
