//! Generates the task packs bundled with AAR Review (`tasks/<name>/`).
//!
//! Every pack is built from data embedded in a crate (smartcore's 8x8 digits, linfa-datasets' red
//! wine quality) or from a fixed-seed synthetic process, so `aar-taskgen --out tasks` writes the same
//! bytes on every run and every platform: randomness comes from ChaCha8 streams with fixed seeds,
//! Gaussian noise from Box-Muller with the pure-Rust `libm` (not the platform's libm), and every
//! sum runs in a fixed order. Features are standardized with the mean and standard deviation of
//! split **a** only, so no statistic of the evaluation splits leaks into the inputs.
//!
//! The parameters below (noise levels, split sizes, architectures, training defaults) were chosen
//! with `crates/taskgen/simulate.py`, a numpy re-implementation of the engine's protocol; its table
//! is in `tasks/README.md`. Changing any of them changes the packs: regenerate them and re-run the
//! simulation.

use std::fs;
use std::io;
use std::path::Path;

use aar_review_schemas::task::{
    ModelSpec, SPLITS, SplitSizes, TASK_FILE_NAME, TASK_SCHEMA_VERSION, TaskPack, TrainDefaults,
};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng as _, SeedableRng as _};
use safetensors::tensor::{Dtype, TensorView};
use sha2::{Digest as _, Sha256};

#[cfg(feature = "datasets")]
mod datasets;
mod latent;

pub use latent::{Fresh, fresh, latent_large};

/// The name of the safetensors file in every generated pack.
pub const DATA_FILE_NAME: &str = "data.safetensors";

/// A seeded, platform-independent random stream.
#[derive(Debug)]
struct Stream(ChaCha8Rng);

impl Stream {
    fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Uniform in [0, 1) with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Box-Muller, one value per pair of uniforms).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Uniform in 0..n, without modulo bias.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.0.next_u64();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    /// A uniformly random permutation of 0..n (Fisher-Yates).
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            p.swap(i, j);
        }
        p
    }

    /// A `rows x cols` matrix of standard normals, row-major.
    fn normal_matrix(&mut self, rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: (0..rows * cols).map(|_| self.normal()).collect() }
    }
}

/// A dense row-major matrix.
#[derive(Debug, Clone)]
struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    fn zeros(rows: usize, cols: usize) -> Self {
        Self { rows, cols, data: vec![0.0; rows * cols] }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }

    /// The rows in `order`.
    fn take_rows(&self, order: &[usize]) -> Self {
        let mut data = Vec::with_capacity(order.len() * self.cols);
        for &i in order {
            data.extend_from_slice(self.row(i));
        }
        Self { rows: order.len(), cols: self.cols, data }
    }

    /// The columns in `cols`.
    fn take_cols(&self, cols: &[usize]) -> Self {
        let mut out = Self::zeros(self.rows, cols.len());
        for i in 0..self.rows {
            for (k, &j) in cols.iter().enumerate() {
                out.set(i, k, self.at(i, j));
            }
        }
        out
    }

    /// `self * other^T`: rows of `self` mapped through the rows of `other` (`other` is out x in).
    fn times_transposed(&self, other: &Matrix) -> Self {
        assert_eq!(self.cols, other.cols);
        let mut out = Self::zeros(self.rows, other.rows);
        for i in 0..self.rows {
            let x = self.row(i);
            for o in 0..other.rows {
                let w = other.row(o);
                let mut acc = 0.0;
                for k in 0..self.cols {
                    acc += x[k] * w[k];
                }
                out.set(i, o, acc);
            }
        }
        out
    }

    /// Adds `scale * N(0, 1)` to every entry.
    fn add_noise(&mut self, scale: f64, stream: &mut Stream) {
        for v in &mut self.data {
            *v += scale * stream.normal();
        }
    }

    /// Standardizes every column with the mean and (population) standard deviation of the first
    /// `n_fit` rows. The divisor is at least `min_sd` (and never zero): a column that hardly varies
    /// there, like a corner pixel, is centred rather than blown up into outliers elsewhere.
    fn standardize_on_first(&mut self, n_fit: usize, min_sd: f64) {
        for j in 0..self.cols {
            let mut mean = 0.0;
            for i in 0..n_fit {
                mean += self.at(i, j);
            }
            mean /= n_fit as f64;
            let mut var = 0.0;
            for i in 0..n_fit {
                let d = self.at(i, j) - mean;
                var += d * d;
            }
            var /= n_fit as f64;
            let sd = libm::sqrt(var);
            let sd = if sd > 1e-9 { sd.max(min_sd) } else { min_sd.max(1.0) };
            for i in 0..self.rows {
                let v = (self.at(i, j) - mean) / sd;
                self.set(i, j, v);
            }
        }
    }
}

/// One generated pack, before it is written.
#[derive(Debug)]
pub struct Pack {
    /// `task.json`; `data_sha256` is filled in by [`Pack::render`].
    pub task: TaskPack,
    x_weak: Matrix,
    x_strong: Matrix,
    y: Vec<i32>,
}

impl Pack {
    /// The pack's files: `task.json` text and the safetensors bytes.
    pub fn render(&self) -> (String, Vec<u8>) {
        let data = self.data();
        let mut task = self.task.clone();
        task.data_sha256 = sha256_hex(&data);
        let mut json = serde_json::to_string_pretty(&task).expect("a task pack is valid JSON");
        json.push('\n');
        (json, data)
    }

    /// The sha256 of the pack's data file, as `task.json` records it.
    pub fn data_sha256(&self) -> String {
        sha256_hex(&self.data())
    }

    /// The safetensors bytes of every split, in [`SPLITS`] order.
    fn data(&self) -> Vec<u8> {
        let sizes = &self.task.splits;
        let mut buffers: Vec<(String, Vec<usize>, Dtype, Vec<u8>)> = Vec::new();
        let mut start = 0usize;
        for split in SPLITS {
            let n = sizes.get(split).expect("a known split") as usize;
            let rows = start..start + n;
            let f32_bytes = |m: &Matrix| -> Vec<u8> {
                let mut out = Vec::with_capacity(n * m.cols * 4);
                for i in rows.clone() {
                    for &v in m.row(i) {
                        out.extend_from_slice(&(v as f32).to_le_bytes());
                    }
                }
                out
            };
            buffers.push((
                format!("{split}.x_weak"),
                vec![n, self.x_weak.cols],
                Dtype::F32,
                f32_bytes(&self.x_weak),
            ));
            buffers.push((
                format!("{split}.x_strong"),
                vec![n, self.x_strong.cols],
                Dtype::F32,
                f32_bytes(&self.x_strong),
            ));
            let y: Vec<u8> = self.y[rows].iter().flat_map(|v| v.to_le_bytes()).collect();
            buffers.push((format!("{split}.y"), vec![n], Dtype::I32, y));
            start += n;
        }
        assert_eq!(start, self.y.len(), "split sizes must cover every example");
        let views: Vec<(String, TensorView<'_>)> = buffers
            .iter()
            .map(|(name, shape, dtype, bytes)| {
                (name.clone(), TensorView::new(*dtype, shape.clone(), bytes).expect("consistent tensor"))
            })
            .collect();
        safetensors::serialize(views, None).expect("serializable tensors")
    }

    /// Writes `dir/<name>/task.json` and `dir/<name>/data.safetensors`.
    pub fn write_into(&self, dir: &Path) -> io::Result<()> {
        let (json, data) = self.render();
        let folder = dir.join(&self.task.name);
        fs::create_dir_all(&folder)?;
        fs::write(folder.join(DATA_FILE_NAME), data)?;
        fs::write(folder.join(TASK_FILE_NAME), json)?;
        Ok(())
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every bundled pack, in a stable order.
#[cfg(feature = "datasets")]
pub fn all_packs() -> Vec<Pack> {
    use datasets::{digits, digits_copyable, wine};
    use latent::{latent, latent_5k, latent_5k_copyable};
    vec![digits(), wine(), latent(), digits_copyable(), latent_5k(), latent_5k_copyable()]
}

/// Writes every pack into `dir` (one folder each).
#[cfg(feature = "datasets")]
pub fn write_all(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for pack in all_packs() {
        pack.write_into(dir)?;
        names.push(pack.task.name.clone());
    }
    Ok(names)
}

fn spec(input_dim: usize, hidden: &[u32], epochs: u32, batch_size: u32, lr: f64, wd: f64) -> ModelSpec {
    ModelSpec {
        input_dim: input_dim as u32,
        hidden: hidden.to_vec(),
        train: TrainDefaults { epochs, batch_size, learning_rate: lr, weight_decay: wd },
    }
}

fn sizes(a: u32, b: u32, dev: u32, test: u32, private: u32) -> SplitSizes {
    SplitSizes { a, b, dev, test, private }
}

fn total(s: &SplitSizes) -> usize {
    (s.a + s.b + s.dev + s.test + s.private) as usize
}

/// Gaussian noise added to the weak view after it is standardized on split a, in those units;
/// the view is then standardized on split a again.
#[derive(Debug, Clone, Copy)]
struct WeakNoise {
    sd: f64,
    seed: u64,
}

/// How a pack's examples are split and its features prepared.
#[derive(Debug, Clone, Copy)]
struct Prep {
    /// Seed of the permutation that deals the examples into a, b, dev, test, private.
    split_seed: u64,
    /// Noise for the weak view, if any (see [`WeakNoise`]).
    weak_noise: Option<WeakNoise>,
    /// The smallest standard deviation a raw feature is divided by (in its raw units).
    min_sd: f64,
}

/// Assembles a pack: shuffles the examples into splits, standardizes both views on split a
/// (adding the weak noise, if any), and checks the shapes.
fn assemble(task: TaskPack, x_weak: Matrix, x_strong: Matrix, y: Vec<i32>, prep: Prep) -> Pack {
    let n = y.len();
    assert_eq!(total(&task.splits), n, "{}: split sizes must sum to the example count", task.name);
    assert_eq!(x_weak.rows, n);
    assert_eq!(x_strong.rows, n);
    assert_eq!(x_weak.cols, task.weak.input_dim as usize);
    assert_eq!(x_strong.cols, task.strong.input_dim as usize);
    assert!(y.iter().all(|&c| c >= 0 && (c as u32) < task.num_classes));
    let order = Stream::new(prep.split_seed).permutation(n);
    let y = order.iter().map(|&i| y[i]).collect();
    prepare(task, x_weak.take_rows(&order), x_strong.take_rows(&order), y, prep)
}

/// Standardizes both views of examples already dealt into splits (in [`SPLITS`] order) on split
/// a, adding the weak noise, if any.
fn prepare(task: TaskPack, mut x_weak: Matrix, mut x_strong: Matrix, y: Vec<i32>, prep: Prep) -> Pack {
    let n_a = task.splits.a as usize;
    x_weak.standardize_on_first(n_a, prep.min_sd);
    if let Some(noise) = prep.weak_noise {
        x_weak.add_noise(noise.sd, &mut Stream::new(noise.seed));
        x_weak.standardize_on_first(n_a, 0.0);
    }
    x_strong.standardize_on_first(n_a, prep.min_sd);
    Pack { task, x_weak, x_strong, y }
}

#[allow(clippy::too_many_arguments)] // one argument per field of `task.json`
fn task(
    name: &str,
    title: &str,
    description: &str,
    class_names: &[&str],
    negative_control: bool,
    weak: ModelSpec,
    strong: ModelSpec,
    splits: SplitSizes,
) -> TaskPack {
    TaskPack {
        schema_version: TASK_SCHEMA_VERSION,
        name: name.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        num_classes: class_names.len() as u32,
        class_names: class_names.iter().map(|s| (*s).to_owned()).collect(),
        negative_control,
        weak,
        strong,
        splits,
        data_file: DATA_FILE_NAME.to_owned(),
        data_sha256: String::new(),
        family: None,
    }
}
