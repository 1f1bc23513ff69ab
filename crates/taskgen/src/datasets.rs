//! The packs built from datasets embedded in other crates: digits (smartcore) and red wine
//! (linfa-datasets). Behind the default `datasets` feature, so that a crate that only draws fresh
//! examples from the synthetic generators ([`crate::fresh`]) does not link either.

use super::{Matrix, Pack, Prep, Stream, WeakNoise, assemble, sizes, spec, task};

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

pub(crate) fn digits() -> Pack {
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

pub(crate) fn digits_copyable() -> Pack {
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

pub(crate) fn wine() -> Pack {
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
