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

/// What a method can see of the task before training ([`StudentMethod::configure`]): its shape,
/// never its name. A method that knew the pack could tell a verification's negative control or
/// another pack from the one its author tuned on, and behave differently there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskInfo {
    pub num_classes: usize,
    /// The size of split B.
    pub num_examples: usize,
}

/// A method's overrides of the student's training config; `None` keeps the task's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
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

    /// Rows of split B whose labels a teacher ablation replaced, for the engine to compare the
    /// final student against ([`LabelProbe`]); `None` outside ablations.
    fn label_probe(&self) -> Option<&LabelProbe> {
        None
    }
}

/// Which rows of split B an ablation handed another row's label, which class each was handed,
/// and which class a second, unused permutation of the same rows would have handed it. Kept by
/// the ablation, outside the method: the method sees only the handed labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelProbe {
    pub rows: Vec<usize>,
    /// The class (argmax) of the label handed to each probed row.
    pub handed: Vec<usize>,
    /// The class (argmax) of the counterfactual label of each probed row.
    pub counterfactual: Vec<usize>,
}

/// A boxed method is a method (the API keeps methods boxed, and wraps them in
/// [`AblatedTeacher`]).
impl<T: StudentMethod + ?Sized> StudentMethod for Box<T> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn needs_student_predictions(&self) -> bool {
        (**self).needs_student_predictions()
    }
    fn configure(&mut self, task: &TaskInfo) -> Result<StudentConfig, MethodError> {
        (**self).configure(task)
    }
    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        (**self).targets(ctx)
    }
    fn access_log(&self) -> Option<&AccessLog> {
        (**self).access_log()
    }
    fn label_probe(&self) -> Option<&LabelProbe> {
        (**self).label_probe()
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

/// How a verification replaces the teacher's soft labels to see whether a method uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ablation {
    /// The rows of the teacher's labels permuted across examples: the label marginal stays, the
    /// per-example information is gone.
    Shuffled,
    /// The rows of a secret share ([`PARTIAL_SHARE`]) of the examples permuted among themselves,
    /// the rest kept: a teacher barely worse than the real one, which a method that checks its
    /// teacher before deciding how to behave cannot reliably tell from it.
    PartlyShuffled,
    /// Every row `1/k`: no information at all.
    Uniform,
}

/// At most this many rows are probed (in split B's order, which a verification has shuffled):
/// enough to resolve a following of 0.01, and it bounds the report of a large pack.
pub const MAX_PROBED_ROWS: usize = 4000;

/// The range the partly shuffled ablation's share of rows is drawn from, per verification.
pub const PARTIAL_SHARE: std::ops::RangeInclusive<f64> = 0.10..=0.30;

impl Ablation {
    pub fn as_str(self) -> &'static str {
        match self {
            Ablation::Shuffled => "teacher shuffled",
            Ablation::PartlyShuffled => "teacher partly shuffled",
            Ablation::Uniform => "teacher uniform",
        }
    }
}

/// Runs a method with its teacher ablated: the method sees (and vanilla-style `Teacher` targets
/// become) the ablated labels. A method that uses the teacher loses accuracy under either
/// ablation; the "always the most common answer" hack keeps it under shuffling. The partly shuffled
/// ablation also keeps a [`LabelProbe`]: a student that learns from the labels it is handed
/// agrees with them on the shuffled rows more often than with labels it was never handed.
pub struct AblatedTeacher<M> {
    pub inner: M,
    pub ablation: Ablation,
    /// Seeds the shuffles. A verification draws it fresh and keeps it from the method, so an
    /// author cannot precompute the labels a verification will hand the method.
    shuffle_seed: u64,
    /// The real teacher's labels the ablated ones were built from, the ablated labels and the
    /// probe: built on the first call and again whenever the teacher changes (every seed of a run
    /// trains its own teacher; the permutations stay the same, so the seeds stay paired).
    built: Option<(Vec<f32>, Vec<f32>, Option<LabelProbe>)>,
}

impl<M> std::fmt::Debug for AblatedTeacher<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AblatedTeacher").field("ablation", &self.ablation).finish_non_exhaustive()
    }
}

impl<M> AblatedTeacher<M> {
    pub fn new(inner: M, ablation: Ablation, shuffle_seed: u64) -> Self {
        AblatedTeacher { inner, ablation, shuffle_seed, built: None }
    }
}

/// One shuffle for every seed of a run (not one per seed): the ablation is a property of the
/// data the method is given, and the same permutation for every seed keeps the per-seed
/// comparison paired.
#[cfg(test)]
const SHUFFLE_SEED: u64 = 0x5348_5546_464c_4544;

/// splitmix64's output function: independent-looking 64-bit values from consecutive states.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Fisher–Yates permutation from splitmix64: deterministic on every platform, no dependency.
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// The index of the largest value (the first of equals).
fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |best, (i, v)| if *v > row[best] { i } else { best })
}

/// How a shuffling ablation moves labels: `rows[k]` is handed the label of `rows[handed[k]]`.
/// A second permutation of the same rows, drawn from `counterfactual_seed` only when a probe is
/// made, says which label each row could have been handed instead.
struct Shuffle {
    rows: Vec<usize>,
    handed: Vec<usize>,
    counterfactual_seed: u64,
}

impl Shuffle {
    /// Seeds derived from the one secret, so that the share, the rows, the handed permutation
    /// and the counterfactual one are unrelated draws.
    fn draw(n: usize, ablation: Ablation, secret: u64) -> Option<Shuffle> {
        let mut state = secret ^ 0x7072_6f62_6573;
        let rows = match ablation {
            Ablation::Uniform => return None,
            Ablation::Shuffled => (0..n).collect(),
            Ablation::PartlyShuffled => {
                let unit = (splitmix(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
                let share = PARTIAL_SHARE.start() + unit * (PARTIAL_SHARE.end() - PARTIAL_SHARE.start());
                let count = ((share * n as f64).round() as usize).clamp(2.min(n), n);
                let mut rows = permutation(n, splitmix(&mut state));
                rows.truncate(count);
                rows.sort_unstable();
                rows
            }
        };
        // The fully shuffled ablation keeps the permutation it has always used for its secret.
        let handed_seed = if ablation == Ablation::Shuffled { secret } else { splitmix(&mut state) };
        let handed = permutation(rows.len(), handed_seed);
        Some(Shuffle { rows, handed, counterfactual_seed: splitmix(&mut state) })
    }

    fn ablate(&self, teacher: &[f32], classes: usize) -> Vec<f32> {
        let mut labels = teacher.to_vec();
        for (k, &row) in self.rows.iter().enumerate() {
            let from = self.rows[self.handed[k]];
            labels[row * classes..(row + 1) * classes]
                .copy_from_slice(&teacher[from * classes..(from + 1) * classes]);
        }
        labels
    }

    /// The probe of `teacher`'s labels: every shuffled row that neither permutation left in
    /// place (a row handed its own label was not ablated).
    fn probe(&self, teacher: &[f32], classes: usize) -> LabelProbe {
        let class_of = |row: usize| argmax(&teacher[row * classes..(row + 1) * classes]);
        let counterfactual = permutation(self.rows.len(), self.counterfactual_seed);
        let mut probe = LabelProbe { rows: Vec::new(), handed: Vec::new(), counterfactual: Vec::new() };
        for (k, &row) in self.rows.iter().enumerate() {
            if probe.rows.len() == MAX_PROBED_ROWS {
                break;
            }
            if self.handed[k] == k || counterfactual[k] == k {
                continue;
            }
            probe.rows.push(row);
            probe.handed.push(class_of(self.rows[self.handed[k]]));
            probe.counterfactual.push(class_of(self.rows[counterfactual[k]]));
        }
        probe
    }
}

fn ablate(
    teacher: &[f32],
    classes: usize,
    ablation: Ablation,
    secret: u64,
) -> (Vec<f32>, Option<LabelProbe>) {
    let n = teacher.len() / classes;
    match Shuffle::draw(n, ablation, secret) {
        None => (vec![1.0 / classes as f32; teacher.len()], None),
        // Only the partly shuffled run's students are compared with their labels (the checks
        // read nothing else), so only it keeps a probe: run reports carry no data nobody reads.
        Some(shuffle) => {
            let probe = (ablation == Ablation::PartlyShuffled).then(|| shuffle.probe(teacher, classes));
            (shuffle.ablate(teacher, classes), probe)
        }
    }
}

impl<M: StudentMethod> StudentMethod for AblatedTeacher<M> {
    fn name(&self) -> String {
        format!("{} ({})", self.inner.name(), self.ablation.as_str())
    }

    fn needs_student_predictions(&self) -> bool {
        self.inner.needs_student_predictions()
    }

    fn configure(&mut self, task: &TaskInfo) -> Result<StudentConfig, MethodError> {
        self.inner.configure(task)
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        let (ablation, seed) = (self.ablation, self.shuffle_seed);
        if self.built.as_ref().is_none_or(|(source, _, _)| source.as_slice() != ctx.teacher) {
            let (labels, probe) = ablate(ctx.teacher, ctx.num_classes, ablation, seed);
            self.built = Some((ctx.teacher.to_vec(), labels, probe));
        }
        let (_, labels, _) = self.built.as_ref().expect("built above");
        let ablated = EpochContext { teacher: labels, ..*ctx };
        Ok(match self.inner.targets(&ablated)? {
            EpochTargets::Teacher => EpochTargets::Custom { targets: labels.clone(), weights: None },
            other => other,
        })
    }

    fn access_log(&self) -> Option<&AccessLog> {
        self.inner.access_log()
    }

    fn label_probe(&self) -> Option<&LabelProbe> {
        self.built.as_ref().and_then(|(_, _, probe)| probe.as_ref())
    }
}

#[cfg(test)]
mod ablation_tests {
    use super::*;

    /// Records the teacher it was shown and answers like vanilla.
    struct Spy(Vec<f32>);
    impl StudentMethod for Spy {
        fn name(&self) -> String {
            "spy".into()
        }
        fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
            self.0 = ctx.teacher.to_vec();
            Ok(if ctx.epoch == 0 { EpochTargets::Teacher } else { EpochTargets::Unchanged })
        }
    }

    fn ctx(teacher: &[f32], epoch: u32) -> EpochContext<'_> {
        EpochContext {
            epoch,
            epochs: 2,
            round: 0,
            rounds: 0,
            num_classes: 2,
            num_examples: teacher.len() / 2,
            teacher,
            student: None,
        }
    }

    #[test]
    fn shuffling_permutes_whole_rows_and_feeds_them_as_targets() {
        let teacher: Vec<f32> = (0..50).flat_map(|i| [i as f32 / 50.0, 1.0 - i as f32 / 50.0]).collect();
        let mut m = AblatedTeacher::new(Spy(Vec::new()), Ablation::Shuffled, SHUFFLE_SEED);
        let EpochTargets::Custom { targets, weights: None } = m.targets(&ctx(&teacher, 0)).unwrap() else {
            panic!("vanilla-style targets become the ablated labels")
        };
        assert_eq!(targets, m.inner.0, "the method saw what it trains on");
        assert_ne!(targets, teacher, "rows moved");
        let mut rows: Vec<(u32, u32)> =
            targets.chunks(2).map(|r| ((r[0] * 1000.0) as u32, (r[1] * 1000.0) as u32)).collect();
        let mut original: Vec<(u32, u32)> =
            teacher.chunks(2).map(|r| ((r[0] * 1000.0) as u32, (r[1] * 1000.0) as u32)).collect();
        rows.sort_unstable();
        original.sort_unstable();
        assert_eq!(rows, original, "the same rows, in another order: the marginal is kept");
        assert_eq!(m.targets(&ctx(&teacher, 1)).unwrap(), EpochTargets::Unchanged);
        assert_eq!(m.name(), "spy (teacher shuffled)");
    }

    #[test]
    fn uniform_labels_carry_nothing() {
        let teacher = [0.9, 0.1, 0.2, 0.8];
        let mut m = AblatedTeacher::new(Spy(Vec::new()), Ablation::Uniform, SHUFFLE_SEED);
        m.targets(&ctx(&teacher, 0)).unwrap();
        assert_eq!(m.inner.0, vec![0.5; 4]);
    }

    /// `n` rows of 4 classes, row `i` sure of class `i % 4` (so a row's class names its origin
    /// up to 4).
    fn striped(n: usize) -> Vec<f32> {
        (0..n).flat_map(|i| (0..4).map(move |c| if c == i % 4 { 0.7 } else { 0.1 })).collect()
    }

    fn ctx4(teacher: &[f32]) -> EpochContext<'_> {
        EpochContext { num_classes: 4, num_examples: teacher.len() / 4, ..ctx(teacher, 0) }
    }

    #[test]
    fn a_partial_shuffle_moves_a_secret_share_of_rows_among_themselves() {
        let n = 1000;
        let teacher = striped(n);
        let mut m = AblatedTeacher::new(Spy(Vec::new()), Ablation::PartlyShuffled, SHUFFLE_SEED);
        m.targets(&ctx4(&teacher)).unwrap();
        let moved: Vec<usize> =
            (0..n).filter(|&i| m.inner.0[i * 4..i * 4 + 4] != teacher[i * 4..i * 4 + 4]).collect();
        // A share in 10..30% was shuffled; about 3/4 of those got a label of another class.
        assert!((50..=300).contains(&moved.len()), "{} rows changed", moved.len());
        let probe = m.label_probe().expect("a shuffling ablation keeps a probe").clone();
        assert!(probe.rows.len() >= moved.len(), "every changed row is probed");
        for (k, &row) in probe.rows.iter().enumerate() {
            assert_eq!(probe.handed[k], argmax(&m.inner.0[row * 4..row * 4 + 4]), "row {row}");
        }
        // Another secret: another share and other rows.
        let mut other = AblatedTeacher::new(Spy(Vec::new()), Ablation::PartlyShuffled, SHUFFLE_SEED + 1);
        other.targets(&ctx4(&teacher)).unwrap();
        assert_ne!(other.label_probe().unwrap().rows, probe.rows);
    }

    #[test]
    fn the_counterfactual_is_a_second_permutation_of_the_same_rows() {
        let teacher = striped(4000);
        let mut m = AblatedTeacher::new(Spy(Vec::new()), Ablation::PartlyShuffled, SHUFFLE_SEED);
        m.targets(&ctx4(&teacher)).unwrap();
        let probe = m.label_probe().unwrap();
        let moved = probe.rows.len();
        assert!((400..=1200).contains(&moved), "10–30% of the rows, but those left in place: {moved}");
        let differs = probe.handed.iter().zip(&probe.counterfactual).filter(|(h, c)| h != c).count();
        let share = differs as f64 / moved as f64;
        assert!((0.65..0.85).contains(&share), "≈ 3/4 of rows get different classes: {share}");
        // The full shuffle keeps no probe: nothing reads one.
        let mut full = AblatedTeacher::new(Spy(Vec::new()), Ablation::Shuffled, SHUFFLE_SEED);
        full.targets(&ctx4(&teacher)).unwrap();
        assert!(full.label_probe().is_none());
        // Uniform labels move nothing and probe nothing.
        let mut u = AblatedTeacher::new(Spy(Vec::new()), Ablation::Uniform, SHUFFLE_SEED);
        u.targets(&ctx4(&teacher)).unwrap();
        assert!(u.label_probe().is_none());
    }

    #[test]
    fn every_seed_is_ablated_from_its_own_teacher_with_the_same_permutation() {
        let first = striped(200);
        let second: Vec<f32> = first.chunks(4).flat_map(|r| [r[1], r[2], r[3], r[0]]).collect();
        let mut m = AblatedTeacher::new(Spy(Vec::new()), Ablation::PartlyShuffled, SHUFFLE_SEED);
        m.targets(&ctx4(&first)).unwrap();
        let rows = m.label_probe().unwrap().rows.clone();
        let seen_first = m.inner.0.clone();
        m.targets(&ctx4(&second)).unwrap();
        let seen_second: Vec<f32> = m.inner.0.chunks(4).flat_map(|r| [r[3], r[0], r[1], r[2]]).collect();
        assert_eq!(seen_first, seen_second, "the second teacher's labels, moved the same way");
        assert_eq!(m.label_probe().unwrap().rows, rows);
    }

    #[test]
    fn the_shuffle_is_the_same_on_every_call() {
        assert_eq!(permutation(100, SHUFFLE_SEED), permutation(100, SHUFFLE_SEED));
        let mut p = permutation(100, SHUFFLE_SEED);
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<_>>());
    }
}
