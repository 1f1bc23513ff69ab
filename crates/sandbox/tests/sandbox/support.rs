//! Synthetic split-B data and shortcuts for running a method.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aar_domain::{EpochContext, EpochTargets, MethodError, StudentMethod, TaskInfo};
use aar_sandbox::{Clock, MethodEnv, RhaiMethod, SandboxLimits};

#[path = "../../examples/support/labels.rs"]
mod labels;
pub use labels::{K, soft_labels};

pub const N: usize = 300;

/// The teacher and student of every test (N x K).
pub struct Data {
    pub teacher: Vec<f32>,
    /// The student at its initialisation (nearly uniform), then once it has learnt.
    pub student_at_start: Vec<f32>,
    pub student: Vec<f32>,
}

impl Data {
    pub fn new() -> Data {
        Data {
            teacher: soft_labels(N, K, 1, 3.0),
            student_at_start: soft_labels(N, K, 3, 0.0).iter().map(|p| 0.9 / K as f32 + 0.1 * p).collect(),
            student: soft_labels(N, K, 2, 2.0),
        }
    }

    pub fn ctx(&self, epoch: u32, epochs: u32) -> EpochContext<'_> {
        EpochContext {
            epoch,
            epochs,
            round: 0,
            rounds: 0,
            num_classes: K,
            num_examples: N,
            teacher: &self.teacher,
            student: Some(if epoch == 0 { &self.student_at_start } else { &self.student }),
        }
    }
}

pub fn task() -> TaskInfo {
    TaskInfo { num_classes: K, num_examples: N }
}

pub fn method(source: &str) -> RhaiMethod {
    RhaiMethod::new(source, "test".into(), SandboxLimits::default()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn method_with(source: &str, limits: SandboxLimits) -> RhaiMethod {
    RhaiMethod::with_env(
        source,
        "test".into(),
        limits,
        MethodEnv { file: "method.rhai".into(), clock: ticking(), ..MethodEnv::default() },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A clock that advances 1 ms every time it is read: deadlines then depend on the work done, not
/// on the machine's speed.
pub fn ticking() -> Clock {
    let ticks = Arc::new(AtomicU64::new(0));
    Clock::from_fn(move || Duration::from_millis(ticks.fetch_add(1, Ordering::Relaxed)))
}

/// `targets` at epoch 1 of 10 (the student has learnt something).
pub fn targets(method: &mut RhaiMethod) -> Result<EpochTargets, MethodError> {
    method.targets(&Data::new().ctx(1, 10))
}

/// Checks what the engine checks: shape, finite, non-negative, rows summing to 1.
pub fn assert_valid(targets: &EpochTargets) {
    if let EpochTargets::Custom { targets, weights } = targets {
        assert_eq!(targets.len(), N * K);
        for row in targets.chunks(K) {
            assert!(row.iter().all(|p| p.is_finite() && *p >= 0.0), "{row:?}");
            assert!((row.iter().sum::<f32>() - 1.0).abs() <= 1e-3, "{row:?}");
        }
        if let Some(w) = weights {
            assert_eq!(w.len(), N);
            assert!(w.iter().all(|w| w.is_finite() && *w >= 0.0) && w.iter().any(|w| *w > 0.0));
        }
    }
}
