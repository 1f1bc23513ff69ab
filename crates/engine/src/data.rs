//! Task packs (see `aar_review_schemas::task`): loading, validation, and device tensors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aar_domain::Digest;
use aar_review_schemas::task::{
    ModelSpec, SPLITS, TASK_FILE_NAME, TASK_SCHEMA_VERSION, TaskPack, TrainDefaults,
};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use safetensors::{Dtype, SafeTensors};

use crate::EngineError;

pub use aar_review_schemas::vocab::EvalSplit;

/// One split in host memory.
#[derive(Debug, Clone)]
pub struct SplitData {
    pub n: usize,
    /// Row-major `[n, weak.input_dim]`.
    pub x_weak: Vec<f32>,
    /// Row-major `[n, strong.input_dim]`.
    pub x_strong: Vec<f32>,
    pub y: Vec<i32>,
}

/// A loaded, validated task pack.
#[derive(Debug, Clone)]
pub struct TaskData {
    pub meta: TaskPack,
    pub origin: PathBuf,
    splits: BTreeMap<&'static str, SplitData>,
}

impl TaskData {
    /// Loads `dir/task.json` and its data file.
    pub fn load(dir: &Path) -> Result<TaskData, EngineError> {
        let read = |path: PathBuf, cap: u64| read_regular_file(&path, cap);
        let meta = read(dir.join(TASK_FILE_NAME), MAX_TASK_JSON_BYTES)?;
        let meta: TaskPack = serde_json::from_slice(&meta)
            .map_err(|e| bad(dir, format!("{TASK_FILE_NAME} does not parse: {e}")))?;
        let data_path = aar_domain::BundlePath::parse(&meta.data_file)
            .map_err(|e| bad(dir, format!("data_file `{}`: {e}", meta.data_file)))?;
        let data = read(dir.join(data_path.as_str()), MAX_DATA_BYTES)?;
        TaskData::from_parts(meta, &data, dir.to_owned())
    }

    /// Validates metadata against the data bytes; `origin` names the pack in messages.
    pub fn from_parts(meta: TaskPack, data: &[u8], origin: PathBuf) -> Result<TaskData, EngineError> {
        let fail = |problem: String| bad(&origin, problem);
        if meta.schema_version != TASK_SCHEMA_VERSION {
            return Err(fail(format!(
                "schema_version {} is not supported (this build reads {TASK_SCHEMA_VERSION})",
                meta.schema_version
            )));
        }
        let digest = Digest::of(data);
        if digest.as_str() != meta.data_sha256 {
            return Err(fail(format!("{} does not match its data_sha256 (got {digest})", meta.data_file)));
        }
        validate_meta(&meta).map_err(&fail)?;
        let tensors = SafeTensors::deserialize(data).map_err(|e| fail(format!("{}: {e}", meta.data_file)))?;
        let mut splits = BTreeMap::new();
        for split in SPLITS {
            let n = meta.splits.get(split).expect("every split has a size") as usize;
            let x_weak = f32s(&tensors, &format!("{split}.x_weak"), [n, meta.weak.input_dim as usize])
                .map_err(&fail)?;
            let x_strong = f32s(&tensors, &format!("{split}.x_strong"), [n, meta.strong.input_dim as usize])
                .map_err(&fail)?;
            let y = i32s(&tensors, &format!("{split}.y"), n).map_err(&fail)?;
            if let Some(bad_label) = y.iter().find(|&&l| l < 0 || l as u32 >= meta.num_classes) {
                return Err(fail(format!(
                    "{split}.y holds label {bad_label}, outside 0..{}",
                    meta.num_classes
                )));
            }
            if x_weak.iter().chain(&x_strong).any(|v| !v.is_finite()) {
                return Err(fail(format!("split {split} holds a NaN or infinite feature")));
            }
            splits.insert(split, SplitData { n, x_weak, x_strong, y });
        }
        Ok(TaskData { meta, origin, splits })
    }

    pub fn split(&self, name: &str) -> &SplitData {
        &self.splits[name]
    }

    pub fn num_classes(&self) -> usize {
        self.meta.num_classes as usize
    }

    /// A copy of the pack a method cannot have prepared for: the classes relabelled by a secret
    /// permutation in every split (so accuracies mean the same and need no undoing), and split
    /// B's rows in a secret order. A method sees only the teacher's and the student's
    /// probabilities on split B, so with fresh seeds neither their rows nor their columns line
    /// up with anything its author could have computed from the public pack.
    ///
    /// The copy's `data_sha256` is a digest of the original's and the secret, so references
    /// trained on it are never taken for the original's (or the other way round).
    pub fn disguised(&self, secret: u64) -> TaskData {
        let mut rng = ChaCha8Rng::seed_from_u64(secret);
        let mut classes: Vec<i32> = (0..self.meta.num_classes as i32).collect();
        classes.shuffle(&mut rng);
        let mut splits = self.splits.clone();
        for split in splits.values_mut() {
            for label in &mut split.y {
                *label = classes[*label as usize];
            }
        }
        let b = splits.get_mut("b").expect("every pack has split b");
        let mut order: Vec<usize> = (0..b.n).collect();
        order.shuffle(&mut rng);
        let (dw, ds) = (self.meta.weak.input_dim as usize, self.meta.strong.input_dim as usize);
        let rows = |data: &[f32], width: usize| -> Vec<f32> {
            order.iter().flat_map(|&i| data[i * width..(i + 1) * width].iter().copied()).collect()
        };
        *b = SplitData {
            n: b.n,
            x_weak: rows(&b.x_weak, dw),
            x_strong: rows(&b.x_strong, ds),
            y: order.iter().map(|&i| b.y[i]).collect(),
        };
        let mut meta = self.meta.clone();
        if meta.class_names.len() == classes.len() {
            for (old, name) in self.meta.class_names.iter().enumerate() {
                meta.class_names[classes[old] as usize] = name.clone();
            }
        }
        meta.data_sha256 =
            Digest::of(format!("{} disguised {secret}", self.meta.data_sha256).as_bytes()).to_string();
        TaskData { meta, origin: self.origin.clone(), splits }
    }

    /// A copy whose split B and private split are a secret re-partition of the two together,
    /// at their sizes: for packs without a generator (digits, wine), whose examples are all on
    /// disk. The author has every example, but not which of them the student trains on and which
    /// it is scored on, so no one can have tuned a method to this split. Split A (the teacher's
    /// training data), dev and test stay the pack's own. The copy's `data_sha256` is a digest of
    /// the original's and the secret, as in [`TaskData::disguised`].
    pub fn resampled(&self, secret: u64) -> TaskData {
        let mut rng = ChaCha8Rng::seed_from_u64(secret);
        let (b, private) = (&self.splits["b"], &self.splits["private"]);
        let (dw, ds) = (self.meta.weak.input_dim as usize, self.meta.strong.input_dim as usize);
        let row = |i: usize, pick: fn(&SplitData) -> &[f32], width: usize| -> &[f32] {
            let (split, i) = if i < b.n { (b, i) } else { (private, i - b.n) };
            &pick(split)[i * width..(i + 1) * width]
        };
        let mut pool: Vec<usize> = (0..b.n + private.n).collect();
        pool.shuffle(&mut rng);
        let take = |rows: &[usize]| SplitData {
            n: rows.len(),
            x_weak: rows.iter().flat_map(|&i| row(i, |s| &s.x_weak, dw).iter().copied()).collect(),
            x_strong: rows.iter().flat_map(|&i| row(i, |s| &s.x_strong, ds).iter().copied()).collect(),
            y: rows.iter().map(|&i| if i < b.n { b.y[i] } else { private.y[i - b.n] }).collect(),
        };
        let (new_b, new_private) = (take(&pool[..b.n]), take(&pool[b.n..]));
        let mut splits = self.splits.clone();
        splits.insert("b", new_b);
        splits.insert("private", new_private);
        let mut meta = self.meta.clone();
        meta.data_sha256 =
            Digest::of(format!("{} resampled {secret}", self.meta.data_sha256).as_bytes()).to_string();
        TaskData { meta, origin: self.origin.clone(), splits }
    }

    /// A copy with split B and the private split drawn afresh from the pack's generator with
    /// `secret` (`aar_taskgen::fresh`): examples that appear nowhere on disk, from the same world
    /// (same label map and views), while split A (the teacher's training data), dev and test stay
    /// the pack's own. `None` for a pack without a generator (digits, wine) and for one whose
    /// data is not exactly what its generator makes (edited on disk): new examples from the
    /// generator would not come from that pack's world.
    pub fn fresh(&self, secret: u64) -> Option<TaskData> {
        let drawn = aar_taskgen::fresh(&self.meta.name, secret)?;
        if drawn.drawn_from != self.meta.data_sha256 {
            return None;
        }
        let (_, data) = drawn.pack.render();
        let mut meta = self.meta.clone();
        meta.data_sha256 = Digest::of(&data).to_string();
        TaskData::from_parts(meta, &data, self.origin.clone()).ok()
    }
}

/// Bounds a pack must respect. They are checked on `task.json` alone, before any memory is
/// allocated for the data or the models, so a pack cannot make the process abort on allocation or
/// the training thread panic; they leave ample room for packs made from real models' embeddings.
pub mod bounds {
    /// Most classes (the one-hot labels take `n * num_classes` floats per split).
    pub const MAX_CLASSES: u32 = 1000;
    /// Widest input or hidden layer.
    pub const MAX_WIDTH: u32 = 16_384;
    /// Most hidden layers.
    pub const MAX_HIDDEN_LAYERS: usize = 16;
    /// Most weights in one model (with Adam's two moments, ~600 MB of f32 at the cap).
    pub const MAX_PARAMETERS: u64 = 50_000_000;
    pub const MAX_EPOCHS: u32 = 10_000;
    pub const MAX_BATCH_SIZE: u32 = 1 << 20;
    /// Largest learning rate (Adam's usual rates are 1e-4..1e-1).
    pub const MAX_LEARNING_RATE: f64 = 10.0;
    pub const MAX_WEIGHT_DECAY: f64 = 1.0;
}

/// The largest `task.json` and data file a pack may hold.
const MAX_TASK_JSON_BYTES: u64 = 1 << 20;
const MAX_DATA_BYTES: u64 = 4 << 30;

/// Checks everything `task.json` says that does not need the data.
fn validate_meta(meta: &TaskPack) -> Result<(), String> {
    use bounds::*;
    if !(2..=MAX_CLASSES).contains(&meta.num_classes) {
        return Err(format!("num_classes is {}; it must be 2..={MAX_CLASSES}", meta.num_classes));
    }
    validate_model("weak", &meta.weak, meta.num_classes)?;
    validate_model("strong", &meta.strong, meta.num_classes)?;
    for split in SPLITS {
        if meta.splits.get(split) == Some(0) {
            return Err(format!("split {split} is empty; every split needs at least one example"));
        }
    }
    Ok(())
}

fn validate_model(role: &str, spec: &ModelSpec, classes: u32) -> Result<(), String> {
    use bounds::*;
    if !(1..=MAX_WIDTH).contains(&spec.input_dim) {
        return Err(format!("{role}.input_dim is {}; it must be 1..={MAX_WIDTH}", spec.input_dim));
    }
    if spec.hidden.len() > MAX_HIDDEN_LAYERS {
        return Err(format!("{role}.hidden has {} layers; at most {MAX_HIDDEN_LAYERS}", spec.hidden.len()));
    }
    if let Some(width) = spec.hidden.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
        return Err(format!("{role}.hidden holds a layer of width {width}; widths must be 1..={MAX_WIDTH}"));
    }
    let widths: Vec<u64> = std::iter::once(spec.input_dim)
        .chain(spec.hidden.iter().copied())
        .chain(std::iter::once(classes))
        .map(u64::from)
        .collect();
    let parameters: u64 = widths.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
    if parameters > MAX_PARAMETERS {
        return Err(format!("the {role} model would have {parameters} weights; at most {MAX_PARAMETERS}"));
    }
    validate_train(&format!("{role}.train"), &spec.train)
}

/// Checks training hyperparameters: a pack's defaults, or a run's overrides of them.
pub fn validate_train(what: &str, train: &TrainDefaults) -> Result<(), String> {
    use bounds::*;
    if !(1..=MAX_EPOCHS).contains(&train.epochs) {
        return Err(format!("{what}.epochs is {}; it must be 1..={MAX_EPOCHS}", train.epochs));
    }
    if !(1..=MAX_BATCH_SIZE).contains(&train.batch_size) {
        return Err(format!("{what}.batch_size is {}; it must be 1..={MAX_BATCH_SIZE}", train.batch_size));
    }
    if !(train.learning_rate.is_finite()
        && train.learning_rate > 0.0
        && train.learning_rate <= MAX_LEARNING_RATE)
    {
        return Err(format!(
            "{what}.learning_rate is {}; it must be above 0 and at most {MAX_LEARNING_RATE}",
            train.learning_rate
        ));
    }
    if !(train.weight_decay.is_finite() && (0.0..=MAX_WEIGHT_DECAY).contains(&train.weight_decay)) {
        return Err(format!(
            "{what}.weight_decay is {}; it must be 0..={MAX_WEIGHT_DECAY}",
            train.weight_decay
        ));
    }
    Ok(())
}

/// Reads a pack file: a regular file (a FIFO would block, a device never end), at most `cap` bytes.
fn read_regular_file(path: &Path, cap: u64) -> Result<Vec<u8>, EngineError> {
    use std::io::Read;
    let io = |source| EngineError::Io { path: path.to_owned(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    let folder = path.parent().unwrap_or(path);
    if !meta.is_file() {
        return Err(bad(folder, format!("{} is not a regular file", path.display())));
    }
    if meta.len() > cap {
        return Err(bad(folder, format!("{} is {} bytes; at most {cap}", path.display(), meta.len())));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).map_err(io)?.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(bad(folder, format!("{} grew past {cap} bytes while being read", path.display())));
    }
    Ok(bytes)
}

fn bad(origin: &Path, problem: String) -> EngineError {
    EngineError::BadPack { path: origin.to_owned(), problem }
}

fn view<'a>(
    tensors: &'a SafeTensors<'a>,
    name: &str,
    dtype: Dtype,
    shape: &[usize],
) -> Result<&'a [u8], String> {
    let view = tensors.tensor(name).map_err(|_| format!("the data file has no tensor `{name}`"))?;
    if view.dtype() != dtype {
        return Err(format!("`{name}` is {:?}, expected {dtype:?}", view.dtype()));
    }
    if view.shape() != shape {
        return Err(format!("`{name}` has shape {:?}, task.json says {shape:?}", view.shape()));
    }
    Ok(view.data())
}

fn f32s(tensors: &SafeTensors<'_>, name: &str, shape: [usize; 2]) -> Result<Vec<f32>, String> {
    let bytes = view(tensors, name, Dtype::F32, &shape)?;
    Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

fn i32s(tensors: &SafeTensors<'_>, name: &str, n: usize) -> Result<Vec<i32>, String> {
    let bytes = view(tensors, name, Dtype::I32, &[n])?;
    Ok(bytes.chunks_exact(4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

/// A split's tensors on a device, uploaded once per run.
#[derive(Debug, Clone)]
pub(crate) struct DeviceSplit {
    pub x_weak: Tensor<2>,
    pub x_strong: Tensor<2>,
    pub y: Tensor<1, Int>,
    /// Gold labels as one-hot rows, for training on gold.
    pub one_hot: Tensor<2>,
}

impl SplitData {
    pub(crate) fn upload(
        &self,
        weak_dim: usize,
        strong_dim: usize,
        classes: usize,
        device: &Device,
    ) -> DeviceSplit {
        let mut one_hot = vec![0f32; self.n * classes];
        for (row, &label) in self.y.iter().enumerate() {
            one_hot[row * classes + label as usize] = 1.0;
        }
        DeviceSplit {
            x_weak: Tensor::from_data(TensorData::new(self.x_weak.clone(), [self.n, weak_dim]), device),
            x_strong: Tensor::from_data(TensorData::new(self.x_strong.clone(), [self.n, strong_dim]), device),
            y: Tensor::from_data(
                TensorData::new(self.y.iter().map(|&l| l as i64).collect::<Vec<_>>(), [self.n]),
                device,
            ),
            one_hot: Tensor::from_data(TensorData::new(one_hot, [self.n, classes]), device),
        }
    }
}

/// One folder of a packs folder, and what loading it gave.
pub type LoadedPack = (PathBuf, Result<TaskData, EngineError>);

/// Loads every pack in `root` (one folder each, in name order). A bad pack does not hide the good
/// ones: each folder gets its own result.
pub fn list_packs(root: &Path) -> Result<Vec<LoadedPack>, EngineError> {
    let entries =
        std::fs::read_dir(root).map_err(|source| EngineError::Io { path: root.to_owned(), source })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(TASK_FILE_NAME).exists())
        .collect();
    dirs.sort();
    Ok(dirs.into_iter().map(|dir| (dir.clone(), TaskData::load(&dir))).collect())
}
