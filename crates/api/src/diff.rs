//! Line diffs with word-level emphasis and moved blocks, built on `similar`.
//!
//! Lines are compared as a whole first (optionally with whitespace normalised away). Blocks of
//! lines deleted in one place and inserted unchanged in another, in the same file or another, are
//! marked as moves. Inside each replaced block the remaining old and new lines are paired only
//! when they are similar, and only a pair is diffed word by word: a rewritten line is shown whole,
//! because marking nearly every word of it reads worse than the plain line. The app and the CLI
//! both display what this module decides.

use std::collections::HashMap;

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices, group_diff_ops};

use crate::dto::{DiffLine, Hunk, LineKind, LineMove, Segment};

/// Lines of unchanged context around each change, as in `diff -u`.
const CONTEXT_LINES: usize = 3;

/// An old and a new line are shown as one edited line (word marks) only when at least this share
/// of their non-blank characters lies in words the two have in common (Dice's coefficient over
/// characters: 2 * common / (old + new)). At 0.5 the marked part of a paired line is never larger
/// than the unmarked part, so the marks point at what changed instead of covering the line; below
/// it the line was rewritten and reads better whole. Stricter than delta's default (pairs down to
/// 0.4, `--max-line-distance 0.6`), which on this corpus still paired rewritten comments; a
/// one-word edit of a short line (`let c = 0.5;` to `let c = 0.75;`) scores 0.63.
pub const MIN_SIMILARITY: f32 = 0.5;

/// A replaced block of up to this many old x new line pairs is aligned optimally (each pair's
/// similarity is a word diff); a larger one pairs lines by position, so a rewritten 10,000-line
/// file costs 10,000 comparisons instead of 10^8.
const MAX_ALIGNED_PAIRS: usize = 4096;

/// A moved block has at least this many non-blank lines...
const MIN_MOVED_LINES: usize = 3;
/// ...and at least this many alphanumeric characters: git's threshold for `--color-moved`
/// (`COLOR_MOVED_MIN_ALNUM_COUNT`), so that runs of braces and blank lines never count as moves.
const MIN_MOVED_ALNUM: usize = 20;

/// How many inserted lines with the same text a deleted line is tried against when looking for
/// moves; bounds the cost on files full of repeated lines (`}`, `end`).
const MAX_MOVE_CANDIDATES: usize = 64;

/// One file's two sides, for [`diff_files`]. An added or deleted file has an empty side.
#[derive(Debug, Clone, Copy)]
pub struct FileTexts<'a> {
    pub old_path: &'a str,
    pub new_path: &'a str,
    pub old: &'a str,
    pub new: &'a str,
}

/// The hunks that turn `old` into `new`. With `ignore_whitespace`, lines that differ only in
/// whitespace count as equal and whitespace-only word changes are not emphasised.
pub fn diff_text(old: &str, new: &str, ignore_whitespace: bool) -> Vec<Hunk> {
    let files = [FileTexts { old_path: "", new_path: "", old, new }];
    diff_files(&files, ignore_whitespace).pop().expect("one file in, one out")
}

/// The hunks of several files at once, so that a block moved from one file to another is shown
/// as a move on both sides. One `Vec<Hunk>` per file, in order.
pub fn diff_files(files: &[FileTexts<'_>], ignore_whitespace: bool) -> Vec<Vec<Hunk>> {
    let sides: Vec<Sides<'_>> = files.iter().map(|f| Sides::new(f.old, f.new, ignore_whitespace)).collect();
    let moves = find_moves(&sides, files);
    sides
        .iter()
        .zip(&moves)
        .map(|(side, moved)| {
            group_diff_ops(side.ops.clone(), CONTEXT_LINES)
                .into_iter()
                .map(|group| hunk(&group, side, moved, ignore_whitespace))
                .collect()
        })
        .collect()
}

/// A file's lines, their comparison keys and the line-level diff between them.
struct Sides<'a> {
    old: Vec<&'a str>,
    new: Vec<&'a str>,
    old_keys: Vec<String>,
    new_keys: Vec<String>,
    ops: Vec<DiffOp>,
}

impl<'a> Sides<'a> {
    fn new(old: &'a str, new: &'a str, ignore_whitespace: bool) -> Sides<'a> {
        let old: Vec<&str> = old.lines().collect();
        let new: Vec<&str> = new.lines().collect();
        let key = |line: &&str| -> String {
            if ignore_whitespace {
                line.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                (*line).to_owned()
            }
        };
        let old_keys: Vec<String> = old.iter().map(key).collect();
        let new_keys: Vec<String> = new.iter().map(key).collect();
        let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
        Sides { old, new, old_keys, new_keys, ops }
    }

    /// Which old lines are deleted and which new lines inserted.
    fn changed(&self) -> (Vec<bool>, Vec<bool>) {
        let mut deleted = vec![false; self.old.len()];
        let mut inserted = vec![false; self.new.len()];
        for op in &self.ops {
            if !matches!(op, DiffOp::Equal { .. }) {
                deleted[op.old_range()].fill(true);
                inserted[op.new_range()].fill(true);
            }
        }
        (deleted, inserted)
    }
}

/// Per file, the move of each old and each new line (none for most).
struct Moves {
    old: Vec<Option<LineMove>>,
    new: Vec<Option<LineMove>>,
}

/// Blocks of deleted lines that reappear, in the same order and unchanged, among the inserted
/// lines of the same file or another. Greedy in reading order: each deleted line starts the
/// longest run it can among the inserted lines with its text (the same file wins a tie).
fn find_moves(sides: &[Sides<'_>], files: &[FileTexts<'_>]) -> Vec<Moves> {
    let changed: Vec<(Vec<bool>, Vec<bool>)> = sides.iter().map(Sides::changed).collect();
    let mut moves: Vec<Moves> =
        sides.iter().map(|s| Moves { old: vec![None; s.old.len()], new: vec![None; s.new.len()] }).collect();
    let mut inserted_by_key: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (g, side) in sides.iter().enumerate() {
        for (j, key) in side.new_keys.iter().enumerate() {
            if changed[g].1[j] && !key.trim().is_empty() {
                inserted_by_key.entry(key.as_str()).or_default().push((g, j));
            }
        }
    }
    if inserted_by_key.is_empty() {
        return moves;
    }
    for (f, side) in sides.iter().enumerate() {
        let mut i = 0;
        while i < side.old.len() {
            let key = side.old_keys[i].as_str();
            let candidates = match inserted_by_key.get(key) {
                Some(c) if changed[f].0[i] && moves[f].old[i].is_none() => c,
                _ => {
                    i += 1;
                    continue;
                }
            };
            let mut best: Option<(usize, usize, usize)> = None;
            for &(g, j) in candidates.iter().take(MAX_MOVE_CANDIDATES) {
                let other = &sides[g];
                let mut len = 0;
                while i + len < side.old.len()
                    && j + len < other.new.len()
                    && changed[f].0[i + len]
                    && changed[g].1[j + len]
                    && moves[f].old[i + len].is_none()
                    && moves[g].new[j + len].is_none()
                    && side.old_keys[i + len] == other.new_keys[j + len]
                {
                    len += 1;
                }
                // Blank lines at the end of a run belong to wherever they happen to be.
                while len > 0 && side.old_keys[i + len - 1].trim().is_empty() {
                    len -= 1;
                }
                let better = match best {
                    None => len > 0,
                    Some((bg, _, blen)) => len > blen || (len == blen && g == f && bg != f),
                };
                if better {
                    best = Some((g, j, len));
                }
            }
            match best {
                Some((g, j, len)) if is_movable(&side.old[i..i + len]) => {
                    for k in 0..len {
                        let block_start = k == 0;
                        let block_lines = len as u32;
                        moves[f].old[i + k] = Some(LineMove {
                            line: (j + k) as u32 + 1,
                            path: (g != f).then(|| files[g].new_path.to_owned()),
                            block_start,
                            block_lines,
                        });
                        moves[g].new[j + k] = Some(LineMove {
                            line: (i + k) as u32 + 1,
                            path: (g != f).then(|| files[f].old_path.to_owned()),
                            block_start,
                            block_lines,
                        });
                    }
                    i += len;
                }
                _ => i += 1,
            }
        }
    }
    moves
}

/// Whether a run of lines is substantial enough to be called a move (see `MIN_MOVED_*`).
fn is_movable(lines: &[&str]) -> bool {
    let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let alnum: usize = lines.iter().map(|l| l.chars().filter(|c| c.is_alphanumeric()).count()).sum();
    non_blank >= MIN_MOVED_LINES && alnum >= MIN_MOVED_ALNUM
}

fn hunk(group: &[DiffOp], side: &Sides<'_>, moves: &Moves, ignore_whitespace: bool) -> Hunk {
    let (old, new) = (&side.old, &side.new);
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
                for (i, (text, moved)) in old.iter().zip(&moves.old).enumerate().skip(old_index).take(old_len)
                {
                    lines.push(changed_line(LineKind::Delete, i, plain(text), None, moved));
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for (j, (text, moved)) in new.iter().zip(&moves.new).enumerate().skip(new_index).take(new_len)
                {
                    lines.push(changed_line(LineKind::Insert, j, plain(text), None, moved));
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                // Moved lines are shown as moves; the rest are paired where similar.
                let olds: Vec<usize> =
                    (old_index..old_index + old_len).filter(|&i| moves.old[i].is_none()).collect();
                let news: Vec<usize> =
                    (new_index..new_index + new_len).filter(|&j| moves.new[j].is_none()).collect();
                let old_texts: Vec<&str> = olds.iter().map(|&i| old[i]).collect();
                let new_texts: Vec<&str> = news.iter().map(|&j| new[j]).collect();
                let mut old_pair: HashMap<usize, (usize, Vec<Segment>)> = HashMap::new();
                let mut new_pair: HashMap<usize, (usize, Vec<Segment>)> = HashMap::new();
                for (a, b) in align(&old_texts, &new_texts) {
                    let (i, j) = (olds[a], news[b]);
                    let (old_segments, new_segments) = word_diff(old[i], new[j], ignore_whitespace);
                    old_pair.insert(i, (j, old_segments));
                    new_pair.insert(j, (i, new_segments));
                }
                // Deleted lines first, then their replacements, as unified diffs show them.
                for (i, (text, moved)) in old.iter().zip(&moves.old).enumerate().skip(old_index).take(old_len)
                {
                    let (segments, paired) = match old_pair.remove(&i) {
                        Some((j, segments)) => (segments, Some(j)),
                        None => (plain(text), None),
                    };
                    lines.push(changed_line(LineKind::Delete, i, segments, paired, moved));
                }
                for (j, (text, moved)) in new.iter().zip(&moves.new).enumerate().skip(new_index).take(new_len)
                {
                    let (segments, paired) = match new_pair.remove(&j) {
                        Some((i, segments)) => (segments, Some(i)),
                        None => (plain(text), None),
                    };
                    lines.push(changed_line(LineKind::Insert, j, segments, paired, moved));
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
    DiffLine {
        kind,
        old_no: old.map(|i| i as u32 + 1),
        new_no: new.map(|i| i as u32 + 1),
        segments,
        paired_with: None,
        moved: None,
    }
}

/// A deleted (`index` is old) or inserted (`index` is new) line.
fn changed_line(
    kind: LineKind,
    index: usize,
    segments: Vec<Segment>,
    paired: Option<usize>,
    moved: &Option<LineMove>,
) -> DiffLine {
    let (old, new) = if kind == LineKind::Delete { (Some(index), None) } else { (None, Some(index)) };
    DiffLine {
        paired_with: paired.map(|p| p as u32 + 1),
        moved: moved.clone(),
        ..line(kind, old, new, segments)
    }
}

fn plain(text: &str) -> Vec<Segment> {
    vec![Segment { text: text.to_owned(), emphasized: false }]
}

/// Pairs old with new lines of a replaced block, in order, where they are similar enough to be
/// shown as one edited line: the pairing with the largest total similarity (a longest common
/// subsequence weighted by similarity). Indices into `old` and `new`.
fn align(old: &[&str], new: &[&str]) -> Vec<(usize, usize)> {
    let (m, n) = (old.len(), new.len());
    if m == 0 || n == 0 {
        return Vec::new();
    }
    if m * n > MAX_ALIGNED_PAIRS {
        return (0..m.min(n))
            .filter(|&i| similarity(old[i], new[i]) >= MIN_SIMILARITY)
            .map(|i| (i, i))
            .collect();
    }
    let score: Vec<f32> = old
        .iter()
        .flat_map(|o| new.iter().map(move |n| similarity(o, n)))
        .map(|s| if s >= MIN_SIMILARITY { s } else { f32::NEG_INFINITY })
        .collect();
    let at = |i: usize, j: usize| i * (n + 1) + j;
    let mut best = vec![0f32; (m + 1) * (n + 1)];
    for i in 1..=m {
        for j in 1..=n {
            let pair = best[at(i - 1, j - 1)] + score[(i - 1) * n + j - 1];
            best[at(i, j)] = best[at(i - 1, j)].max(best[at(i, j - 1)]).max(pair);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (m, n);
    while i > 0 && j > 0 {
        let s = score[(i - 1) * n + j - 1];
        if s.is_finite() && best[at(i, j)] == best[at(i - 1, j - 1)] + s {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if best[at(i, j)] == best[at(i - 1, j)] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// How alike two lines are: the share of their non-blank characters that lie in words common to
/// both, in order (2 * common / (old + new)). Whitespace never counts, so indentation alone does
/// not make two lines alike.
pub fn similarity(old: &str, new: &str) -> f32 {
    let count = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    let (a, b) = (count(old), count(new));
    if a + b == 0 {
        return 1.0;
    }
    // Common characters are at most the shorter side: skip the word diff when that cannot reach
    // the threshold.
    if 2.0 * a.min(b) as f32 / ((a + b) as f32) < MIN_SIMILARITY {
        return 0.0;
    }
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_unicode_words(old, new);
    let common: usize =
        diff.iter_all_changes().filter(|c| c.tag() == ChangeTag::Equal).map(|c| count(c.value())).sum();
    2.0 * common as f32 / (a + b) as f32
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
                if let Some(m) = &l.moved {
                    let dir = if l.kind == LineKind::Delete { "to" } else { "from" };
                    let file = m.path.as_deref().map(|p| format!("{p}:")).unwrap_or_default();
                    out.push_str(&format!("<moved {dir} {file}{}>", m.line));
                }
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

    fn emphasised(hunks: &[Hunk]) -> usize {
        hunks.iter().flat_map(|h| &h.lines).filter(|l| l.segments.iter().any(|s| s.emphasized)).count()
    }

    #[test]
    fn a_rewritten_line_is_shown_whole() {
        let old = "a\n// Fraction of rows where the two matrices have the same argmax.\nb\n";
        let new = "a\n// p_j^(1/T), renormalised per row.\nb\n";
        let hunks = diff_text(old, new, false);
        assert_eq!(emphasised(&hunks), 0, "{}", render(&hunks));
        assert!(hunks[0].lines.iter().all(|l| l.paired_with.is_none()));
    }

    #[test]
    fn a_one_word_edit_is_marked_and_paired() {
        let hunks = diff_text("let c = 0.5;\n", "let c = 0.75;\n", false);
        assert_eq!(render(&hunks), "@@ -1,1 +1,1 @@\n-let c = [0.5];\n+let c = [0.75];\n");
        assert_eq!(hunks[0].lines[0].paired_with, Some(1));
        assert_eq!(hunks[0].lines[1].paired_with, Some(1));
        // The threshold's own example (see MIN_SIMILARITY).
        assert!((similarity("let c = 0.5;", "let c = 0.75;") - 0.63).abs() < 0.01);
    }

    #[test]
    fn similar_lines_pair_across_inserted_ones() {
        // By position the edited line would face the new comment; the alignment finds its match.
        let old = "x\nlet a = compute(x, y);\nz\n";
        let new = "x\n// a new comment about something else entirely\nlet a = compute(x, w);\nz\n";
        let hunks = diff_text(old, new, false);
        assert_eq!(
            render(&hunks),
            "@@ -1,3 +1,4 @@\n x\n-let a = compute(x, [y]);\n\
             +// a new comment about something else entirely\n+let a = compute(x, [w]);\n z\n"
        );
        assert_eq!(hunks[0].lines[1].paired_with, Some(3));
        assert_eq!(hunks[0].lines[3].paired_with, Some(2));
    }

    #[test]
    fn a_large_replaced_block_still_pairs_similar_lines_by_position() {
        let old: String = (0..100).map(|i| format!("let value_{i} = compute({i});\n")).collect();
        let new: String = (0..100).map(|i| format!("let value_{i} = compute({});\n", i + 1000)).collect();
        let hunks = diff_text(&old, &new, false);
        let changed = hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind != LineKind::Context).count();
        assert_eq!(changed, 200);
        assert_eq!(emphasised(&hunks), 200);
    }

    const BLOCK: &str = "fn helper(x) {\n    let doubled = x * 2;\n    doubled + 1\n}\n";

    #[test]
    fn a_block_moved_within_a_file_is_a_move() {
        // The line diff keeps the longer `main` in place, so `helper` is what moved.
        let main =
            "fn main() {\n    let first = run();\n    let second = run();\n    print(first + second);\n}\n";
        let old = format!("{BLOCK}\n{main}");
        let new = format!("{main}\n{BLOCK}");
        let hunks = diff_text(&old, &new, false);
        let text = render(&hunks);
        assert!(
            text.contains("-<moved to 7>fn helper(x) {\n-<moved to 8>    let doubled = x * 2;"),
            "{text}"
        );
        assert!(text.contains("+<moved from 1>fn helper(x) {"), "{text}");
        assert_eq!(emphasised(&hunks), 0, "moved lines carry no word marks: {text}");
        let moved: Vec<&LineMove> =
            hunks.iter().flat_map(|h| &h.lines).filter_map(|l| l.moved.as_ref()).collect();
        assert_eq!(moved.len(), 8);
        assert_eq!(moved.iter().filter(|m| m.block_start).count(), 2);
        assert!(moved.iter().all(|m| m.block_lines == 4 && m.path.is_none()));
    }

    #[test]
    fn short_or_trivial_blocks_are_not_moves() {
        // Two lines are too few; three lines of braces have too few letters and digits.
        for block in ["let alpha = beta;\nlet gamma = delta;\n", "}\n}\n}\n"] {
            let old = format!("{block}one\ntwo\nthree\n");
            let new = format!("one\ntwo\nthree\n{block}");
            let hunks = diff_text(&old, &new, false);
            assert!(hunks.iter().flat_map(|h| &h.lines).all(|l| l.moved.is_none()), "{}", render(&hunks));
        }
    }

    #[test]
    fn a_block_moved_between_files_names_the_other_file() {
        let files = [
            FileTexts {
                old_path: "method.rhai",
                new_path: "method.rhai",
                old: &format!("a\n{BLOCK}b\n"),
                new: "a\nb\n",
            },
            FileTexts { old_path: "", new_path: "helpers.rhai", old: "", new: BLOCK },
        ];
        let hunks = diff_files(&files, false);
        assert!(
            render(&hunks[0]).contains("-<moved to helpers.rhai:1>fn helper(x) {"),
            "{}",
            render(&hunks[0])
        );
        assert!(
            render(&hunks[1]).contains("+<moved from method.rhai:2>fn helper(x) {"),
            "{}",
            render(&hunks[1])
        );
    }

    /// Share of the non-blank characters of changed lines that are emphasised.
    fn emphasised_share(hunks: &[Hunk]) -> f64 {
        let (mut marked, mut all) = (0, 0);
        for line in hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind != LineKind::Context) {
            for s in &line.segments {
                let n = s.text.chars().filter(|c| !c.is_whitespace()).count();
                all += n;
                if s.emphasized {
                    marked += n;
                }
            }
        }
        marked as f64 / all as f64
    }

    #[test]
    fn the_consistency_elicitation_method_is_no_longer_marked_all_over() {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/bundles");
        let read = |b: &str| std::fs::read_to_string(demo.join(b).join("method.rhai")).expect("demo method");
        let (old, new) = (read("self-train-anchored"), read("consistency-elicitation"));
        let hunks = diff_text(&old, &new, false);
        // The rule before this one paired replaced lines by position and marked every pair: 73%
        // of the changed characters were emphasised, on 46 of 57 changed lines.
        let share = emphasised_share(&hunks);
        assert!(share < 0.05, "{share:.3} of changed characters emphasised:\n{}", render(&hunks));
        assert!(emphasised(&hunks) <= 4, "{}", render(&hunks));
        // The one line that was edited rather than rewritten keeps its marks.
        assert!(render(&hunks).contains("+    #{ targets: [labels], weights: [w] }"), "{}", render(&hunks));
    }
}
