//! Task packs (see `aar_review_schemas::task`): loading, validation, and device tensors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aar_domain::Digest;
use aar_review_schemas::task::{SPLITS, TASK_FILE_NAME, TASK_SCHEMA_VERSION, TaskPack};
use burn::prelude::*;
use burn::tensor::TensorData;
use safetensors::{Dtype, SafeTensors};

use crate::EngineError;

/// The split the three models are evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalSplit {
    /// The held-out test split.
    Test,
    /// The reviewers' private split, never used for anything an agent sees.
    Private,
}

impl EvalSplit {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalSplit::Test => "test",
            EvalSplit::Private => "private",
        }
    }
}

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
        let read = |path: PathBuf| std::fs::read(&path).map_err(|source| EngineError::Io { path, source });
        let meta = read(dir.join(TASK_FILE_NAME))?;
        let meta: TaskPack = serde_json::from_slice(&meta)
            .map_err(|e| bad(dir, format!("{TASK_FILE_NAME} does not parse: {e}")))?;
        let data = read(dir.join(&meta.data_file))?;
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
        if meta.num_classes < 2 {
            return Err(fail("num_classes must be at least 2".into()));
        }
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
        for (split, min) in [("a", 1), ("b", 1), ("test", 1)] {
            if splits[split].n < min {
                return Err(fail(format!("split {split} is empty")));
            }
        }
        Ok(TaskData { meta, origin, splits })
    }

    pub fn split(&self, name: &str) -> &SplitData {
        &self.splits[name]
    }

    pub fn num_classes(&self) -> usize {
        self.meta.num_classes as usize
    }
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

/// Lists the packs in `root` (one folder each), sorted by name.
pub fn list_packs(root: &Path) -> Result<Vec<TaskData>, EngineError> {
    let entries =
        std::fs::read_dir(root).map_err(|source| EngineError::Io { path: root.to_owned(), source })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(TASK_FILE_NAME).is_file())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| TaskData::load(d)).collect()
}
