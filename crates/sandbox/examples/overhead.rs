//! Times `targets()` for every demo method (`demo/bundles/*/method.rhai`) and every reference
//! method (`methods/*.rhai`) on synthetic split-B matrices of k = 10 classes and n = 1,500 (the
//! largest bundled task) and n = 20,000 (packs made from real models' embeddings) examples. Run
//! it in release mode:
//!
//! ```text
//! cargo run --release -p aar-sandbox --example overhead
//! ```
//!
//! Each method is configured, then called at epochs spread over its run (warm-up phases differ
//! from later ones), in every round it asks for; the table gives the mean and the slowest call in
//! milliseconds. The target is a few ms at n = 20,000: at most 10% of an epoch's training.

#[path = "support/labels.rs"]
mod labels;

use std::path::Path;
use std::time::Instant;

use aar_domain::{EpochContext, StudentMethod, TaskInfo};
use aar_sandbox::{RhaiMethod, SandboxLimits};

use labels::{K, soft_labels};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut methods = Vec::new();
    for (folder, suffix) in
        [(root.join("../../demo/bundles"), ""), (root.join("../../methods"), " (reference)")]
    {
        let mut found: Vec<_> =
            std::fs::read_dir(&folder).expect("method folder").filter_map(Result::ok).collect();
        found.sort_by_key(|e| e.path());
        for entry in found {
            let path = entry.path();
            let (name, file) = if path.is_dir() {
                (entry.file_name().to_string_lossy().into_owned(), path.join("method.rhai"))
            } else {
                (path.file_stem().unwrap().to_string_lossy().into_owned(), path.clone())
            };
            if file.extension().is_none_or(|e| e != "rhai") {
                continue;
            }
            if let Ok(source) = std::fs::read_to_string(&file) {
                methods.push((format!("{name}{suffix}"), source));
            }
        }
    }

    println!(
        "{:<40} {:>14} {:>15} {:>14}",
        "method (k = 10)", "n=1500 mean ms", "n=20000 mean ms", "n=20000 max ms"
    );
    let sizes = [1500, 20_000];
    let data: Vec<_> =
        sizes.iter().map(|&n| (n, soft_labels(n, K, 1, 2.0), soft_labels(n, K, 2, 3.0))).collect();
    for (name, source) in methods {
        let mut cells = Vec::new();
        for (n, teacher, student) in &data {
            cells.push(match time_method(&name, &source, *n, teacher, student) {
                Ok((mean, max)) => (format!("{mean:.2}"), format!("{max:.2}")),
                Err(e) => ("failed".into(), e),
            });
        }
        println!("{name:<40} {:>14} {:>15} {:>14}", cells[0].0, cells[1].0, cells[1].1);
    }
}

/// Mean and slowest `targets()` call in ms, over epochs spread across the method's run.
fn time_method(
    name: &str,
    source: &str,
    n: usize,
    teacher: &[f32],
    student: &[f32],
) -> Result<(f64, f64), String> {
    let mut method =
        RhaiMethod::new(source, name.into(), SandboxLimits::default()).map_err(|e| e.to_string())?;
    let task = TaskInfo { num_classes: K, num_examples: n };
    let config = method.configure(&task).map_err(|e| e.to_string())?;
    let (epochs, rounds) = (config.epochs.unwrap_or(20), config.rounds);
    let mut times = Vec::new();
    let calls = (0..=rounds).flat_map(|round| [0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.99].map(|f| (round, f)));
    for (round, fraction) in calls {
        let ctx = EpochContext {
            epoch: (fraction * f64::from(epochs)) as u32,
            epochs,
            round,
            rounds,
            num_classes: K,
            num_examples: n,
            teacher,
            student: method.needs_student_predictions().then_some(student),
        };
        let started = Instant::now();
        method.targets(&ctx).map_err(|e| format!("{:?}", e.kind))?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    Ok((mean, times.iter().copied().fold(0.0, f64::max)))
}
