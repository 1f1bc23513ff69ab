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
        let data = safetensors::serialize(views, None).expect("serializable tensors");

        let mut task = self.task.clone();
        task.data_sha256 = hex(&Sha256::digest(&data));
        let mut json = serde_json::to_string_pretty(&task).expect("a task pack is valid JSON");
        json.push('\n');
        (json, data)
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every bundled pack, in a stable order.
pub fn all_packs() -> Vec<Pack> {
    vec![digits(), wine(), latent(), digits_copyable(), latent_5k(), latent_5k_copyable()]
}

/// Writes every pack into `dir` (one folder each).
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
    let mut x_weak = x_weak.take_rows(&order);
    let mut x_strong = x_strong.take_rows(&order);
    let y = order.iter().map(|&i| y[i]).collect();
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

// ---------------------------------------------------------------------------------------------
// digits and digits-copyable

const DIGIT_CLASSES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// smartcore's embedded 8x8 digits: 1,797 x 64 pixel intensities in 0..=16, and the labels.
fn load_digits() -> (Matrix, Vec<i32>) {
    let ds = smartcore::dataset::digits::load_dataset();
    assert_eq!((ds.num_samples, ds.num_features), (1797, 64));
    let x = Matrix { rows: ds.num_samples, cols: 64, data: ds.data.iter().map(|&v| f64::from(v)).collect() };
    let y = ds.target.iter().map(|&t| t as i32).collect();
    (x, y)
}

/// 2x2 average pooling of 8x8 images into 4x4 (16 features): a linear function of the pixels.
fn pool_2x2(pixels: &Matrix) -> Matrix {
    let mut out = Matrix::zeros(pixels.rows, 16);
    for i in 0..pixels.rows {
        for r in 0..4 {
            for c in 0..4 {
                let p = |rr: usize, cc: usize| pixels.at(i, rr * 8 + cc);
                let v =
                    (p(2 * r, 2 * c) + p(2 * r, 2 * c + 1) + p(2 * r + 1, 2 * c) + p(2 * r + 1, 2 * c + 1))
                        / 4.0;
                out.set(i, r * 4 + c, v);
            }
        }
    }
    out
}

const DIGITS_SPLITS: (u32, u32, u32, u32, u32) = (300, 900, 150, 297, 150);
/// Both digits packs deal the examples the same way. Pixels that hardly vary in split a (corners)
/// are divided by at least one intensity level, so they stay within about +-16.
const DIGITS_PREP: Prep = Prep { split_seed: 0xD161_7500, weak_noise: None, min_sd: 1.0 };
/// Standard deviation of the per-example Gaussian noise on the pooled pixels, in intensity units
/// (pixels range over 0..=16), added before standardization. More noise raises PGR (simulated,
/// roughly: 1.0 -> 0.35, 1.5 -> 0.40, 2.0 -> 0.52) and widens the gap.
const DIGITS_WEAK_NOISE: f64 = 1.5;
const DIGITS_NOISE_SEED: u64 = 0xD161_7501;

fn digits() -> Pack {
    let (pixels, y) = load_digits();
    let mut weak = pool_2x2(&pixels);
    weak.add_noise(DIGITS_WEAK_NOISE, &mut Stream::new(DIGITS_NOISE_SEED));
    let (a, b, dev, test, private) = DIGITS_SPLITS;
    let t = task(
        "digits",
        "Handwritten digits: noisy 4x4 thumbnails teach a pixel-level MLP",
        "The 1,797 8x8 handwritten digits of the UCI optical-recognition set (embedded in the Rust \
         crate `smartcore`), 10 classes. The **strong** model, an MLP with one hidden layer, sees \
         all 64 pixels; the **weak** teacher, a linear softmax model, sees a 4x4 thumbnail (2x2 \
         average pooling, 16 features) with per-example Gaussian noise (sd 1.5 intensity levels of \
         16) that is fixed in the pack. The noise is independent of the pixels, so much of the \
         teacher's error cannot be predicted from the student's input and a student trained on the \
         teacher's soft labels can partly average it out, a genuine weak-to-strong gain; compare \
         `digits-copyable`, the same teacher without the noise. Features are standardized with \
         split-a statistics.",
        &DIGIT_CLASSES,
        false,
        spec(16, &[], 60, 32, 3e-3, 1e-4),
        // The strong weight decay keeps the student from memorising the teacher's noise, so its
        // PGR hardly moves with the number of epochs (simulated: 0.37 to 0.41 from 20 to 100).
        spec(64, &[64], 40, 64, 3e-3, 3e-2),
        sizes(a, b, dev, test, private),
    );
    assemble(t, weak, pixels, y, DIGITS_PREP)
}

fn digits_copyable() -> Pack {
    let (pixels, y) = load_digits();
    let weak = pool_2x2(&pixels);
    let (a, b, dev, test, private) = DIGITS_SPLITS;
    let t = task(
        "digits-copyable",
        "Negative control: a linear teacher on pooled pixels that the student can copy exactly",
        "**Negative control.** The same 1,797 8x8 digits and splits as `digits`, but the **weak** \
         teacher is a linear softmax model on the noise-free 4x4 thumbnail (2x2 average pooling, a \
         linear function of the pixels), and the **strong** student is a linear softmax model on \
         the 64 pixels. Every teacher is therefore exactly representable by the student, which can \
         copy it, mistakes included: vanilla training on the teacher's soft labels should give PGR \
         near 0. A method that reports a large gain here is not learning from the teacher (or is \
         reading gold labels).",
        &DIGIT_CLASSES,
        true,
        // A briefly trained, regularised linear teacher is smooth, so even a student stopped early
        // copies it rather than improving on it (simulated PGR ~0 for 50 to 200 student epochs).
        spec(16, &[], 30, 32, 1e-2, 1e-2),
        spec(64, &[], 50, 64, 1e-2, 1e-4),
        sizes(a, b, dev, test, private),
    );
    assemble(t, weak, pixels, y, DIGITS_PREP)
}

// ---------------------------------------------------------------------------------------------
// wine

/// Columns of the weak view (indices into the 11 physico-chemical features): volatile acidity,
/// chlorides, total sulfur dioxide, pH.
const WINE_WEAK_FEATURES: [usize; 4] = [1, 4, 6, 8];
/// Noise added to the weak view, in units of each standardized feature. Without noise the
/// student copies the teacher (simulated PGR ~0); 0.75 gives ~0.35 and a gap of ~0.16.
const WINE_WEAK_NOISE: f64 = 0.75;
const WINE_SPLIT_SEED: u64 = 0x0057_1AE0;
const WINE_NOISE_SEED: u64 = 0x0057_1AE1;

fn wine() -> Pack {
    let ds = linfa_datasets::winequality();
    let records = ds.records();
    let (n, d) = records.dim();
    assert_eq!((n, d), (1599, 11));
    let mut x = Matrix::zeros(n, d);
    for i in 0..n {
        for j in 0..d {
            x.set(i, j, records[[i, j]]);
        }
    }
    let y: Vec<i32> = ds
        .targets()
        .iter()
        .map(|&q| match q {
            0..=5 => 0,
            6 => 1,
            _ => 2,
        })
        .collect();
    let (a, b, dev, test, private) = (300, 700, 150, 299, 150);
    let weak = x.take_cols(&WINE_WEAK_FEATURES);
    let t = task(
        "wine",
        "Red wine quality: a few noisy lab measurements teach an MLP on all eleven",
        "The 1,599 red wines of the UCI wine-quality set (Cortez et al. 2009; embedded in the Rust \
         crate `linfa-datasets`), with the 0-10 quality score bucketed into 3 classes: <=5, 6, >=7. \
         The **strong** model sees all 11 physico-chemical measurements; the **weak** teacher sees \
         four of them (volatile acidity, chlorides, total sulfur dioxide, pH; not alcohol) with \
         per-example Gaussian noise (sd 0.75 per standardized feature) fixed in the pack. Part of \
         the teacher's error is that noise, which the student cannot predict from its own view and \
         can partly average out; part is the missing features, which a vanilla student mostly \
         copies: a small, noisy tabular W2S setting. Features are standardized with split-a \
         statistics.",
        &["<=5", "6", ">=7"],
        false,
        spec(WINE_WEAK_FEATURES.len(), &[16], 60, 32, 3e-3, 1e-4),
        spec(11, &[64], 60, 32, 1e-3, 1e-4),
        sizes(a, b, dev, test, private),
    );
    let prep = Prep {
        split_seed: WINE_SPLIT_SEED,
        weak_noise: Some(WeakNoise { sd: WINE_WEAK_NOISE, seed: WINE_NOISE_SEED }),
        min_sd: 0.0,
    };
    assemble(t, weak, x, y, prep)
}

// ---------------------------------------------------------------------------------------------
// latent

/// The shape of a latent-knowledge pack: the bundled `latent` and `latent-5k`, or the large one
/// benchmarks use.
struct LatentShape {
    /// Seed of every random draw of the pack (maps, latents, noise, and the split permutation).
    seed: u64,
    classes: usize,
    /// Dimensions of the latent `z ~ N(0, I)`.
    latent_dim: usize,
    strong_dim: usize,
    weak_dim: usize,
    weak_hidden: u32,
    strong_hidden: u32,
    epochs: u32,
    /// Noise on the weak projection, in units of its signal's standard deviation (~1).
    weak_noise: f64,
    splits: SplitSizes,
}

/// Noise on the strong embedding (each coordinate's signal has variance ~1).
const LATENT_STRONG_NOISE: f64 = 0.1;
/// Noise on the weak projection: as large as its signal.
const LATENT_WEAK_NOISE: f64 = 1.0;
const LATENT_SEED: u64 = 0x1A7E_0700;

fn latent() -> Pack {
    let shape = LatentShape {
        seed: LATENT_SEED,
        classes: 4,
        latent_dim: 8,
        strong_dim: 32,
        weak_dim: 16,
        weak_hidden: 32,
        strong_hidden: 64,
        epochs: 30,
        weak_noise: LATENT_WEAK_NOISE,
        splits: sizes(500, 1500, 500, 1000, 500),
    };
    let t = task_for(
        "latent",
        "Synthetic latent knowledge: a pretrained-like embedding vs. a noisy projection",
        "A synthetic family (4,000 examples, 4 classes) modelled on W2S with frozen LLM embeddings. \
         Each example has a hidden 8-dimensional latent `z`, and its label is the argmax of a fixed \
         random linear map of `z`. The **strong** view is a fixed random 32-dimensional linear \
         embedding of `z` with little noise, so the label is nearly linearly decodable, the way a \
         pretrained model's embedding already \"knows\" the concept; the **weak** view is a random \
         16-dimensional projection of `z` with noise as large as the signal. The teacher's errors \
         come from noise the student cannot see, so a student trained on its soft labels lands \
         between teacher and ceiling. Fine as a smoke test; a method's gain here is no evidence \
         that it works on real models.",
        &["c0", "c1", "c2", "c3"],
        &shape,
    );
    latent_pack(t, &shape)
}

/// A pack of embedding size with 20,000 examples in split b, for measuring what a method's
/// script costs next to training at realistic scale (BENCHMARKS.md). Not bundled: write it with
/// `aar-taskgen --bench --out DIR` and point `AAR_REVIEW_TASKS` at DIR.
pub fn latent_large() -> Pack {
    let shape = LatentShape {
        seed: LATENT_SEED,
        classes: 10,
        latent_dim: 16,
        strong_dim: 256,
        weak_dim: 64,
        weak_hidden: 64,
        strong_hidden: 256,
        epochs: 10,
        weak_noise: LATENT_WEAK_NOISE,
        splits: sizes(4000, 20000, 2000, 4000, 2000),
    };
    let names = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"];
    let t = task_for(
        "latent-20k",
        "Synthetic latent knowledge at embedding scale (benchmark pack)",
        "The `latent` family at the scale of W2S on frozen LLM embeddings: 32,000 examples (20,000 \
         in split b), 10 classes, a 256-dimensional strong view and a 64-dimensional weak view. \
         Made for benchmarks of the method sandbox's cost next to training; not bundled.",
        &names,
        &shape,
    );
    latent_pack(t, &shape)
}

fn task_for(
    name: &str,
    title: &str,
    description: &str,
    class_names: &[&str],
    shape: &LatentShape,
) -> TaskPack {
    task(
        name,
        title,
        description,
        class_names,
        false,
        spec(shape.weak_dim, &[shape.weak_hidden], shape.epochs, 64, 3e-3, 1e-4),
        spec(shape.strong_dim, &[shape.strong_hidden], shape.epochs, 64, 1e-3, 1e-4),
        shape.splits.clone(),
    )
}

/// A latent family's examples before they are split: the labels, the strong view and the weak
/// view, all drawn from one stream seeded with `shape.seed` in a fixed order.
struct LatentData {
    y: Vec<i32>,
    strong: Matrix,
    weak: Matrix,
}

fn latent_data(shape: &LatentShape) -> LatentData {
    let n = total(&shape.splits);
    let mut s = Stream::new(shape.seed);
    let head = s.normal_matrix(shape.classes, shape.latent_dim); // label = argmax(head z)
    let mut embed = s.normal_matrix(shape.strong_dim, shape.latent_dim);
    embed.data.iter_mut().for_each(|v| *v /= libm::sqrt(shape.latent_dim as f64));
    let mut weak_map = s.normal_matrix(shape.weak_dim, shape.latent_dim);
    weak_map.data.iter_mut().for_each(|v| *v /= libm::sqrt(shape.latent_dim as f64));
    let z = s.normal_matrix(n, shape.latent_dim);
    let logits = z.times_transposed(&head);
    let y: Vec<i32> = (0..n)
        .map(|i| {
            let r = logits.row(i);
            let mut best = 0;
            for c in 1..shape.classes {
                if r[c] > r[best] {
                    best = c;
                }
            }
            best as i32
        })
        .collect();
    let mut strong = z.times_transposed(&embed);
    strong.add_noise(LATENT_STRONG_NOISE, &mut s);
    let mut weak = z.times_transposed(&weak_map);
    weak.add_noise(shape.weak_noise, &mut s);
    LatentData { y, strong, weak }
}

/// The preparation every latent pack shares: its own split permutation, no extra weak noise.
fn latent_prep(shape: &LatentShape) -> Prep {
    Prep { split_seed: shape.seed ^ 0xFFFF, weak_noise: None, min_sd: 0.0 }
}

fn latent_pack(t: TaskPack, shape: &LatentShape) -> Pack {
    let data = latent_data(shape);
    assemble(t, data.weak, data.strong, data.y, latent_prep(shape))
}

// ---------------------------------------------------------------------------------------------
// latent-5k and latent-5k-copyable: the latent family with splits large enough for a verdict

/// A different stream from `latent`'s, so the two packs share no data.
const LATENT_5K_SEED: u64 = 0x1A7E_5000;
/// a / b / dev / test / private. Split noise on the 5,000 private examples is SE(acc) <= 0.007.
const LATENT_5K_SPLITS: (u32, u32, u32, u32, u32) = (1000, 3000, 2000, 2000, 5000);
/// How many coordinates of the strong view the copyable control's teacher sees.
const LATENT_5K_COPYABLE_COLS: usize = 4;

fn latent_5k_shape() -> LatentShape {
    let (a, b, dev, test, private) = LATENT_5K_SPLITS;
    LatentShape {
        seed: LATENT_5K_SEED,
        classes: 4,
        latent_dim: 8,
        strong_dim: 32,
        weak_dim: 16,
        weak_hidden: 32,
        strong_hidden: 64,
        epochs: 20,
        weak_noise: LATENT_WEAK_NOISE,
        splits: sizes(a, b, dev, test, private),
    }
}

fn latent_5k() -> Pack {
    let shape = latent_5k_shape();
    let t = task_for(
        "latent-5k",
        "Synthetic latent knowledge, sized for a verdict: 5,000 private examples",
        "The `latent` family's mechanism with splits large enough for a verdict: 13,000 examples, 4 \
         classes, drawn from a different random stream than `latent` (no shared data). Each example \
         has a hidden 8-dimensional latent `z`, and its label is the argmax of a fixed random linear \
         map of `z`. The **strong** view is a fixed random 32-dimensional linear embedding of `z` \
         with little noise (sd 0.1), so the label is nearly linearly decodable, the way a pretrained \
         model's embedding already \"knows\" the concept; the strong model is an MLP with a hidden \
         layer of 64. The **weak** view is a random 16-dimensional projection of `z` with \
         per-example noise as large as its signal, and the teacher is an MLP with a hidden layer of \
         32. The teacher's errors come mostly from that noise, which is independent of the \
         student's input: a student trained on the teacher's soft labels cannot reproduce them and \
         averages part of them out, a genuine weak-to-strong gain.\n\n\
         **Splits:** a 1,000 / b 3,000 / dev 2,000 / test 2,000 / private 5,000. On 5,000 private \
         examples an accuracy near 0.7 has a split-noise SE of about 0.0065, and with the gap of \
         about 0.4 between teacher and ceiling that is about +-0.02 PGR (+-0.025 on test), against \
         +-0.15 to 0.3 on the other packs' private splits: enough to tell a real gain of 0.1 PGR \
         from noise. Still synthetic: a gain here is no evidence that a method works on real \
         models. Its negative control is `latent-5k-copyable`.",
        &["c0", "c1", "c2", "c3"],
        &shape,
    );
    latent_pack(t, &shape)
}

fn latent_5k_copyable() -> Pack {
    let shape = latent_5k_shape();
    let data = latent_data(&shape);
    let cols: Vec<usize> = (0..LATENT_5K_COPYABLE_COLS).collect();
    // The weak view is a few coordinates of the strong view itself, noise included: a function
    // of the student's input with no independent noise.
    let weak = data.strong.take_cols(&cols);
    let t = task(
        "latent-5k-copyable",
        "Negative control: a linear teacher on part of the strong view, which the student can copy",
        "**Negative control** for `latent-5k`: the same 13,000 examples, labels, strong view and \
         splits (a 1,000 / b 3,000 / dev 2,000 / test 2,000 / private 5,000). The **weak** view is \
         the first 4 of the strong view's 32 coordinates, noise included, so it is a function of \
         the student's input with no independent noise (it still loses most of the 8-dimensional \
         latent, so the teacher is far below the ceiling). The teacher is a linear softmax model on \
         it and the **strong** student a linear softmax model on all 32 coordinates, so every \
         teacher is exactly representable by the student, whose cross-entropy on the teacher's \
         soft labels is minimised by copying it, mistakes included: vanilla training should give \
         PGR near 0. With a gap of about 0.35 the 5,000 private examples resolve about +-0.02 PGR. \
         A method that reports a clearly positive PGR here is not learning from the teacher (or is \
         reading gold labels).",
        &["c0", "c1", "c2", "c3"],
        true,
        spec(LATENT_5K_COPYABLE_COLS, &[], 20, 64, 1e-2, 1e-2),
        spec(shape.strong_dim, &[], 20, 64, 1e-2, 1e-4),
        shape.splits.clone(),
    );
    assemble(t, weak, data.strong, data.y, latent_prep(&shape))
}
