//! What the process boundary costs per run: a method's whole life (start, `configure`, one
//! `targets()` per epoch of a 20-epoch student, the teacher and the student passed each time)
//! in process and in a worker process, for a cheap, a typical and the most expensive demo
//! method, at n = 1,500 and n = 20,000 examples of k = 10 classes. Build and run in release
//! mode (the worker is the sandbox's `aar-method-worker`, found beside this example):
//!
//! ```text
//! cargo build --release -p aar-sandbox --bins --examples && target/release/examples/boundary
//! ```

#[path = "support/labels.rs"]
mod labels;

use std::path::Path;
use std::time::Instant;

use aar_domain::{EpochContext, StudentMethod, TaskInfo};
use aar_sandbox::{Isolation, MethodEnv, SandboxLimits, WorkerCommand};

use labels::{K, soft_labels};
const EPOCHS: u32 = 20;
const REPEATS: usize = 5;
const METHODS: [&str; 3] = ["vanilla-soft-labels", "self-train-anchored", "product-of-experts-tuned"];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::env::current_exe().expect("this example's path");
    let worker =
        example.parent().and_then(Path::parent).expect("target/<profile>/examples").join("aar-method-worker");
    assert!(worker.is_file(), "{} is missing: build it with --bins", worker.display());
    let process = Isolation::process(WorkerCommand::program(worker));

    println!(
        "{:<26} {:>7} {:>16} {:>16} {:>12}",
        "method (k = 10, 20 epochs)", "n", "in process ms", "worker ms", "cost ms"
    );
    for name in METHODS {
        let source = std::fs::read_to_string(root.join(format!("../../demo/bundles/{name}/method.rhai")))
            .expect("demo method");
        for n in [1500, 20_000] {
            let (teacher, student) = (soft_labels(n, K, 1, 2.0), soft_labels(n, K, 2, 3.0));
            let median = |isolation: &Isolation| {
                let mut times: Vec<f64> =
                    (0..REPEATS).map(|_| run_ms(isolation, name, &source, n, &teacher, &student)).collect();
                times.sort_by(f64::total_cmp);
                times[REPEATS / 2]
            };
            let (here, there) = (median(&Isolation::InProcess), median(&process));
            println!("{name:<26} {n:>7} {here:>16.1} {there:>16.1} {:>12.1}", there - here);
        }
    }
}

/// One method's whole run, in milliseconds.
fn run_ms(
    isolation: &Isolation,
    name: &str,
    source: &str,
    n: usize,
    teacher: &[f32],
    student: &[f32],
) -> f64 {
    let started = Instant::now();
    let mut method =
        match isolation.start(source, name.into(), SandboxLimits::default(), MethodEnv::default()) {
            Ok(method) => method,
            Err(e) => panic!("{name}: {e:?}"),
        };
    method.configure(&TaskInfo { num_classes: K, num_examples: n }).expect("configure");
    for epoch in 0..EPOCHS {
        let ctx = EpochContext {
            epoch,
            epochs: EPOCHS,
            round: 0,
            rounds: 0,
            num_classes: K,
            num_examples: n,
            teacher,
            student: method.needs_student_predictions().then_some(student),
        };
        method.targets(&ctx).expect("targets");
    }
    drop(method);
    started.elapsed().as_secs_f64() * 1e3
}
