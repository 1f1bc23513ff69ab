//! How the student is trained on split B. The engine owns the protocol; a [`StudentMethod`] only
//! chooses, epoch by epoch, the soft targets (and example weights) the student is trained
//! towards. It sees the teacher's soft labels and the student's own predictions, never an input
//! and never a gold label: this is the boundary the method sandbox (a later issue) runs behind.

/// What a method can see at the start of an epoch.
#[derive(Debug)]
pub struct EpochContext<'a> {
    pub epoch: u32,
    pub epochs: u32,
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

/// A way of training the W2S student. Today only [`Vanilla`]; the sandbox adds the submissions'
/// own methods behind the same interface.
pub trait StudentMethod {
    fn name(&self) -> String;

    /// Whether [`StudentMethod::targets`] needs the student's predictions (an extra forward pass
    /// over split B and a copy to the host every epoch).
    fn needs_student_predictions(&self) -> bool {
        false
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, String>;
}

/// The naive baseline: cross-entropy towards the teacher's soft labels on every example.
#[derive(Debug, Default, Clone, Copy)]
pub struct Vanilla;

impl StudentMethod for Vanilla {
    fn name(&self) -> String {
        "vanilla".into()
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, String> {
        Ok(if ctx.epoch == 0 { EpochTargets::Teacher } else { EpochTargets::Unchanged })
    }
}
