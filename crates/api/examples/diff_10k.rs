//! Times `aar_api::diff::diff_text` on 10,000-line files (BENCHMARKS.md, "Diff").
//!
//! `cargo build --workspace --examples && target/debug/examples/diff_10k` (or `cargo run --release
//! -p aar-api --example diff_10k`). Three cases: scattered edits (every tenth line edited, every
//! 50th rewritten, one block moved), an added file, and a file rewritten throughout.

use std::time::{Duration, Instant};

use aar_api::diff::diff_text;

const LINES: usize = 10_000;
const REPEATS: usize = 5;

fn line(i: usize) -> String {
    format!("    let value_{i} = compute(ctx.student, {i}, \"label {i}\") * weight_{};", i % 7)
}

fn main() {
    let old: Vec<String> = (0..LINES).map(line).collect();

    // Every tenth line edited by one word, every 50th rewritten, lines 100..120 moved to the end.
    let mut edited: Vec<String> = (0..LINES)
        .map(|i| match i {
            _ if i % 50 == 5 => format!("    // rewritten: {i} is now computed elsewhere entirely"),
            _ if i % 10 == 5 => line(i).replace("compute", "compute_fast"),
            _ => line(i),
        })
        .collect();
    let moved: Vec<String> = edited.drain(100..120).collect();
    edited.extend(moved);
    let rewritten: Vec<String> = (0..LINES).map(|i| format!("print(\"entirely new line {i}\");")).collect();

    let old_text = old.join("\n") + "\n";
    let cases = [
        ("scattered edits", old_text.clone(), edited.join("\n") + "\n"),
        ("added file", String::new(), old_text.clone()),
        ("rewritten throughout", old_text.clone(), rewritten.join("\n") + "\n"),
    ];
    println!(
        "| case | old lines | new lines | hunks | diff lines | moved | word-marked | median ms (min-max of {REPEATS}) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, old, new) in &cases {
        let mut times: Vec<Duration> = Vec::new();
        let mut shape = (0, 0, 0, 0);
        for _ in 0..REPEATS {
            let start = Instant::now();
            let hunks = diff_text(old, new, false);
            times.push(start.elapsed());
            let lines = || hunks.iter().flat_map(|h| &h.lines);
            shape = (
                hunks.len(),
                lines().count(),
                lines().filter(|l| l.moved.is_some()).count(),
                lines().filter(|l| l.segments.iter().any(|s| s.emphasized)).count(),
            );
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {:.1} ({:.1}-{:.1}) |",
            old.lines().count(),
            new.lines().count(),
            shape.0,
            shape.1,
            shape.2,
            shape.3,
            ms(times[REPEATS / 2]),
            ms(times[0]),
            ms(times[REPEATS - 1])
        );
    }
}
