//! The synthetic latent-knowledge family (`latent`, `latent-5k`, its copyable control, and the
//! benchmark pack), and fresh draws from it for verification ([`fresh`]).

use aar_review_schemas::task::{SplitSizes, TaskPack};

use super::{Matrix, Pack, Prep, Stream, assemble, prepare, sizes, spec, task, total};

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

fn latent_shape() -> LatentShape {
    LatentShape {
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
    }
}

// Part of the bundled set (`all_packs`), which needs the embedded datasets too.
#[cfg(feature = "datasets")]
pub(crate) fn latent() -> Pack {
    let shape = latent_shape();
    latent_pack(latent_task(&shape), &shape)
}

fn latent_task(shape: &LatentShape) -> TaskPack {
    task_for(
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
        shape,
    )
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

/// The fixed random maps of a latent pack's world: the label head and the two views' embeddings.
struct LatentMaps {
    /// label = argmax(head z)
    head: Matrix,
    embed: Matrix,
    weak_map: Matrix,
}

/// The maps, drawn first from the pack's stream.
fn latent_maps(shape: &LatentShape, s: &mut Stream) -> LatentMaps {
    let head = s.normal_matrix(shape.classes, shape.latent_dim);
    let mut embed = s.normal_matrix(shape.strong_dim, shape.latent_dim);
    embed.data.iter_mut().for_each(|v| *v /= libm::sqrt(shape.latent_dim as f64));
    let mut weak_map = s.normal_matrix(shape.weak_dim, shape.latent_dim);
    weak_map.data.iter_mut().for_each(|v| *v /= libm::sqrt(shape.latent_dim as f64));
    LatentMaps { head, embed, weak_map }
}

/// The pack's own examples: its maps, then its `n` examples, from one stream.
fn latent_data(shape: &LatentShape) -> LatentData {
    let mut s = Stream::new(shape.seed);
    let maps = latent_maps(shape, &mut s);
    latent_examples(shape, &maps, total(&shape.splits), &mut s)
}

/// `n` examples of the world `maps` describes, drawn from `s`: latents, labels, then each view
/// with its noise.
fn latent_examples(shape: &LatentShape, maps: &LatentMaps, n: usize, s: &mut Stream) -> LatentData {
    let LatentMaps { head, embed, weak_map } = maps;
    let z = s.normal_matrix(n, shape.latent_dim);
    let logits = z.times_transposed(head);
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
    let mut strong = z.times_transposed(embed);
    strong.add_noise(LATENT_STRONG_NOISE, s);
    let mut weak = z.times_transposed(weak_map);
    weak.add_noise(shape.weak_noise, s);
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
    // `latent`'s world on a stream of its own, with larger splits and fewer epochs.
    LatentShape {
        seed: LATENT_5K_SEED,
        epochs: 20,
        splits: sizes(a, b, dev, test, private),
        ..latent_shape()
    }
}

// Part of the bundled set (`all_packs`), which needs the embedded datasets too.
#[cfg(feature = "datasets")]
pub(crate) fn latent_5k() -> Pack {
    let shape = latent_5k_shape();
    latent_pack(latent_5k_task(&shape), &shape)
}

fn latent_5k_task(shape: &LatentShape) -> TaskPack {
    task_for(
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
        shape,
    )
}

/// The copyable control's weak view: a few coordinates of the strong view itself, noise
/// included, so a function of the student's input with no independent noise.
fn copyable_view(strong: &Matrix) -> Matrix {
    strong.take_cols(&(0..LATENT_5K_COPYABLE_COLS).collect::<Vec<_>>())
}

// Part of the bundled set (`all_packs`), which needs the embedded datasets too.
#[cfg(feature = "datasets")]
pub(crate) fn latent_5k_copyable() -> Pack {
    let shape = latent_5k_shape();
    let data = latent_data(&shape);
    let weak = copyable_view(&data.strong);
    assemble(latent_5k_copyable_task(&shape), weak, data.strong, data.y, latent_prep(&shape))
}

fn latent_5k_copyable_task(shape: &LatentShape) -> TaskPack {
    task(
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
    )
}

// ---------------------------------------------------------------------------------------------
// fresh draws

/// The `task.json` of the bundled synthetic pack called `name`, its shape, and whether it is the
/// copyable control; `None` for a pack this generator does not make.
fn synthetic(name: &str) -> Option<(TaskPack, LatentShape, bool)> {
    let shape = match name {
        "latent" => latent_shape(),
        "latent-5k" | "latent-5k-copyable" => latent_5k_shape(),
        _ => return None,
    };
    Some(match name {
        "latent" => (latent_task(&shape), shape, false),
        "latent-5k" => (latent_5k_task(&shape), shape, false),
        _ => (latent_5k_copyable_task(&shape), shape, true),
    })
}

/// A fresh draw of a bundled synthetic pack ([`fresh`]).
#[derive(Debug)]
pub struct Fresh {
    /// The pack with split b and the private split drawn anew.
    pub pack: Pack,
    /// sha256 of the data of the pack as this generator makes it: a pack on disk must have this
    /// digest for the draw to come from its world.
    pub drawn_from: String,
}

/// A latent pack with split b and the private split replaced by examples drawn afresh from its
/// generator with `secret` (same maps, new latents and noise); the other splits, and therefore
/// the teacher's training data and every standardization, are the pack's own. `None` for a pack
/// this generator does not make.
pub fn fresh(name: &str, secret: u64) -> Option<Fresh> {
    let (task, shape, copyable) = synthetic(name)?;
    let splits = &shape.splits;
    let (n_a, n_b, n_private) = (splits.a as usize, splits.b as usize, splits.private as usize);
    let mut s = Stream::new(shape.seed);
    let maps = latent_maps(&shape, &mut s);
    let own = latent_examples(&shape, &maps, total(splits), &mut s);
    // A stream of its own for the new examples, unrelated to the pack's.
    let new = latent_examples(&shape, &maps, n_b + n_private, &mut Stream::new(secret ^ shape.seed));
    let view = |d: &LatentData| if copyable { copyable_view(&d.strong) } else { d.weak.clone() };
    // Dealt into splits as the pack's examples are: prepared as they are, that is the bundled
    // pack; with b and private overwritten, the fresh one.
    let order = Stream::new(latent_prep(&shape).split_seed).permutation(own.y.len());
    let mut weak = view(&own).take_rows(&order);
    let mut strong = own.strong.take_rows(&order);
    let mut y: Vec<i32> = order.iter().map(|&i| own.y[i]).collect();
    let drawn_from =
        prepare(task.clone(), weak.clone(), strong.clone(), y.clone(), latent_prep(&shape)).data_sha256();
    let private_start = y.len() - n_private;
    let (new_weak, new_strong) = (view(&new), new.strong);
    for (k, row) in (n_a..n_a + n_b).chain(private_start..y.len()).enumerate() {
        weak.data[row * weak.cols..(row + 1) * weak.cols].copy_from_slice(new_weak.row(k));
        strong.data[row * strong.cols..(row + 1) * strong.cols].copy_from_slice(new_strong.row(k));
        y[row] = new.y[k];
    }
    Some(Fresh { pack: prepare(task, weak, strong, y, latent_prep(&shape)), drawn_from })
}
