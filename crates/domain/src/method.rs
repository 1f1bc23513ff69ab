//! How the student is trained on split B. The engine owns the protocol; a [`StudentMethod`] only
//! chooses the student's training overrides ([`StudentMethod::configure`]) and, epoch by epoch,
//! the soft targets (and example weights) the student is trained towards
//! ([`StudentMethod::targets`]). It sees the teacher's soft labels and the student's own
//! predictions on split B, never an input and never a gold label: this is the boundary the method
//! sandbox (`aar-sandbox`) runs submissions behind.
//!
//! The types are plain data so that the sandbox, the engine and the report agree on them without
//! depending on each other: the sandbox does not link burn, the engine does not link Rhai.

use std::fmt;

/// The parts of a method's record that go into run reports are file formats.
pub use aar_review_schemas::method::{
    AccessLog, EntryPoint, Incident, Limit, MethodErrorKind, OutputLine, SourcePosition,
};
use serde::{Deserialize, Serialize};

/// What a method can see of the task before training ([`StudentMethod::configure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInfo {
    pub name: String,
    pub num_classes: usize,
    /// The size of split B.
    pub num_examples: usize,
}

/// A method's overrides of the student's training config; `None` keeps the task's default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StudentConfig {
    pub epochs: Option<u32>,
    pub learning_rate: Option<f64>,
    pub batch_size: Option<u32>,
    pub weight_decay: Option<f64>,
    /// Extra self-training rounds after the first: the engine retrains the student from scratch
    /// this many more times; see [`EpochContext::round`].
    pub rounds: u32,
}

/// What a method can see at the start of an epoch.
#[derive(Debug)]
pub struct EpochContext<'a> {
    pub epoch: u32,
    pub epochs: u32,
    /// 0 for the first training of the student; `1..=rounds` for the extra self-training rounds a
    /// method asked for in [`StudentConfig::rounds`]. At epoch 0 of a round after the first,
    /// `student` holds the previous round's final predictions (the new student is fresh).
    pub round: u32,
    /// The number of extra rounds ([`StudentConfig::rounds`]).
    pub rounds: u32,
    pub num_classes: usize,
    pub num_examples: usize,
    /// The teacher's soft labels on split B, row-major `[num_examples, num_classes]`.
    pub teacher: &'a [f32],
    /// The student's current predicted probabilities on split B (row-major), when the method
    /// asked for them with [`StudentMethod::needs_student_predictions`].
    pub student: Option<&'a [f32]>,
}

/// The targets for one epoch.
#[derive(Debug, Clone, PartialEq)]
pub enum EpochTargets {
    /// The teacher's soft labels, unweighted (kept on the device: no copy).
    Teacher,
    /// Whatever the previous epoch used.
    Unchanged,
    /// Row-major `[num_examples, num_classes]` targets, rows summing to 1, and optional weights
    /// (0 drops an example).
    Custom { targets: Vec<f32>, weights: Option<Vec<f32>> },
}

/// A way of training the W2S student: the built-in [`Vanilla`], or a submission's own method run
/// by the sandbox behind the same interface.
pub trait StudentMethod {
    fn name(&self) -> String;

    /// Whether [`StudentMethod::targets`] needs the student's predictions (an extra forward pass
    /// over split B and a copy to the host every epoch).
    fn needs_student_predictions(&self) -> bool {
        false
    }

    /// Called once per run, before any training: the method's overrides of the student's
    /// training config. The default keeps the task's config and asks for no extra rounds.
    fn configure(&mut self, _task: &TaskInfo) -> Result<StudentConfig, MethodError> {
        Ok(StudentConfig::default())
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError>;

    /// What the method read and called so far, for the run report; `None` for built-in methods,
    /// which run no untrusted code.
    fn access_log(&self) -> Option<&AccessLog> {
        None
    }
}

/// The naive baseline: cross-entropy towards the teacher's soft labels on every example.
#[derive(Debug, Default, Clone, Copy)]
pub struct Vanilla;

impl StudentMethod for Vanilla {
    fn name(&self) -> String {
        "vanilla".into()
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        Ok(if ctx.epoch == 0 { EpochTargets::Teacher } else { EpochTargets::Unchanged })
    }
}

/// Why a method stopped. Displayed as one line naming the method, the file, the line and column
/// and what was wrong, e.g. ``method `logconf` (method.rhai:31:9) in targets(): forbidden: ...``.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodError {
    /// The method's name (empty for errors the engine finds in a built-in method's output).
    pub method: String,
    /// The method's source file, when it has one.
    pub file: Option<String>,
    pub entry: EntryPoint,
    pub kind: MethodErrorKind,
    pub message: String,
    pub position: Option<SourcePosition>,
}

impl MethodError {
    /// An error without a method name, file or position (the sandbox fills them in; the engine
    /// uses this for output it refuses from any method).
    pub fn new(entry: EntryPoint, kind: MethodErrorKind, message: impl Into<String>) -> Self {
        MethodError {
            method: String::new(),
            file: None,
            entry,
            kind,
            message: message.into(),
            position: None,
        }
    }
}

impl fmt::Display for MethodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.method.is_empty() {
            write!(f, "method `{}` ", self.method)?;
        }
        match (&self.file, self.position) {
            (Some(file), Some(p)) => write!(f, "({file}:{}:{}) ", p.line, p.column)?,
            (Some(file), None) => write!(f, "({file}) ")?,
            (None, Some(p)) => write!(f, "(line {}, column {}) ", p.line, p.column)?,
            (None, None) => {}
        }
        write!(f, "in {}: {}: {}", self.entry, self.kind, self.message)
    }
}

impl std::error::Error for MethodError {}
