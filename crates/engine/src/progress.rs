//! How a run reports progress and is stopped. The CLI draws a progress bar, the desktop app
//! forwards events to its window, and tests record them: each implements [`ProgressSink`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use aar_review_schemas::vocab::Phase;

#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    /// Sent once, before any training: how many epochs the whole run has, for a progress bar.
    Started {
        total_epochs: u64,
        seeds: usize,
    },
    PhaseStarted {
        seed: u64,
        phase: Phase,
        epochs: u32,
    },
    EpochFinished {
        seed: u64,
        phase: Phase,
        epoch: u32,
        loss: f64,
    },
    /// A phase finished; `accuracy` is on the evaluation split.
    PhaseFinished {
        seed: u64,
        phase: Phase,
        accuracy: f64,
        seconds: f64,
    },
    SeedFinished {
        seed: u64,
        weak_acc: f64,
        ceiling_acc: f64,
        student_acc: f64,
        pgr: Option<f64>,
    },
}

/// Receives progress. Called on the training thread: implementations must be quick.
pub trait ProgressSink {
    fn event(&mut self, event: &ProgressEvent);
}

/// A sink that drops everything.
#[derive(Debug, Default)]
pub struct Quiet;

impl ProgressSink for Quiet {
    fn event(&mut self, _: &ProgressEvent) {}
}

/// Collects every event (for tests).
#[derive(Debug, Default)]
pub struct Recorder(pub Vec<ProgressEvent>);

impl ProgressSink for Recorder {
    fn event(&mut self, event: &ProgressEvent) {
        self.0.push(event.clone());
    }
}

/// Shared stop flag: set from any thread, checked by the training loop before every step.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
