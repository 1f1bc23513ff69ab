//! The custom training loop: minibatch Adam towards soft targets, with the whole split kept on
//! the device and one host sync per epoch (for the loss curve).

use std::time::Instant;

use aar_review_schemas::task::TrainDefaults;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{log_softmax, softmax};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::EngineError;
use crate::model::Mlp;
use crate::progress::{CancelToken, Phase, ProgressEvent, ProgressSink};

/// What one epoch trains towards: `[n, k]` soft targets and optional `[n]` example weights, on
/// the training device.
#[derive(Debug, Clone)]
pub(crate) struct Targets {
    pub probs: Tensor<2>,
    pub weights: Option<Tensor<1>>,
}

/// Asked at the start of every epoch for that epoch's targets; `None` keeps the previous ones.
pub(crate) type TargetSource<'a> = dyn FnMut(u32, &Mlp) -> Result<Option<Targets>, EngineError> + 'a;

/// Step timings across a whole run: the first step (kernel compilation and autotuning included)
/// and the rest.
#[derive(Debug, Default, Clone)]
pub(crate) struct StepClock {
    pub first_step_seconds: Option<f64>,
    pub steps: u64,
}

/// Everything a training needs besides the model and data.
pub(crate) struct Session<'a> {
    pub sink: &'a mut dyn ProgressSink,
    pub cancel: &'a CancelToken,
    pub clock: &'a mut StepClock,
    pub seed: u64,
    /// Added to epoch numbers in progress events, so a student's extra rounds count on from the
    /// first instead of starting again at 0.
    pub epoch_offset: u32,
}

/// Trains `model` on `x` (`[n, d]`, on an autodiff device). `next_targets` is asked at the start
/// of every epoch; `None` keeps the previous epoch's targets. Returns the model and its per-epoch
/// mean loss.
pub(crate) fn train(
    mut model: Mlp,
    x: &Tensor<2>,
    train: &TrainDefaults,
    phase: Phase,
    session: &mut Session<'_>,
    next_targets: &mut TargetSource<'_>,
) -> Result<(Mlp, Vec<f64>), EngineError> {
    let device = x.device();
    let n = x.dims()[0];
    let batch = (train.batch_size as usize).clamp(1, n);
    let mut optim = AdamConfig::new()
        .with_epsilon(1e-8)
        .with_weight_decay(
            (train.weight_decay > 0.0).then(|| WeightDecayConfig::new(train.weight_decay as f32)),
        )
        .init();
    // Shuffling has its own RNG stream per seed and phase, independent of weight init.
    let mut rng = ChaCha8Rng::seed_from_u64(session.seed ^ phase_salt(phase));
    let mut order: Vec<i64> = (0..n as i64).collect();
    let mut current: Option<Targets> = None;
    let mut curve = Vec::with_capacity(train.epochs as usize);

    for epoch in 0..train.epochs {
        if let Some(targets) = next_targets(epoch, &model)? {
            current = Some(targets);
        }
        let targets = current.as_ref().expect("the first epoch always provides targets");
        order.shuffle(&mut rng);
        let permutation: Tensor<1, Int> = Tensor::from_data(TensorData::new(order.clone(), [n]), &device);

        let mut loss_sum: Option<Tensor<1>> = None;
        let mut steps = 0u32;
        for start in (0..n).step_by(batch) {
            if session.cancel.is_cancelled() {
                return Err(EngineError::Cancelled);
            }
            let end = (start + batch).min(n);
            let first = session.clock.first_step_seconds.is_none();
            let began = Instant::now();

            // burn takes one range per dimension; this tensor has one.
            #[allow(clippy::single_range_in_vec_init)]
            let index = permutation.clone().slice([start..end]);
            let xb = x.clone().select(0, index.clone());
            let tb = targets.probs.clone().select(0, index.clone());
            let per_example =
                (tb * log_softmax(model.forward(xb), 1)).sum_dim(1).neg().reshape([end - start]);
            let loss = match &targets.weights {
                Some(weights) => {
                    let wb = weights.clone().select(0, index);
                    (per_example * wb.clone()).sum() / wb.sum().clamp_min(1e-8)
                }
                None => per_example.mean(),
            };
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(train.learning_rate, model, grads);
            let detached = loss.detach();
            if first {
                // The one extra sync of a run: it measures the cold start a user waits through.
                let _ = detached.clone().into_scalar::<f32>();
                session.clock.first_step_seconds = Some(began.elapsed().as_secs_f64());
            }
            loss_sum = Some(match loss_sum {
                Some(sum) => sum + detached,
                None => detached,
            });
            steps += 1;
            session.clock.steps += 1;
        }
        let mean = loss_sum.map_or(0.0, |s| f64::from(s.into_scalar::<f32>()) / f64::from(steps));
        if !mean.is_finite() {
            return Err(EngineError::Diverged {
                phase: phase.label(),
                seed: session.seed,
                epoch,
                value: mean,
            });
        }
        curve.push(mean);
        session.sink.event(&ProgressEvent::EpochFinished {
            seed: session.seed,
            phase,
            epoch: session.epoch_offset + epoch,
            loss: mean,
        });
    }
    Ok((model, curve))
}

/// The RNG that initialises the weights of `phase` for `seed`: same seed as the phase's shuffling,
/// another ChaCha stream, so the two never share draws.
pub(crate) fn init_rng(seed: u64, phase: Phase) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ phase_salt(phase));
    rng.set_stream(1);
    rng
}

/// Distinct, fixed offsets so the three phases of one seed draw unrelated random streams.
pub(crate) fn phase_salt(phase: Phase) -> u64 {
    match phase {
        Phase::Weak => 0x5745_414b,
        Phase::Ceiling => 0x4345_494c,
        Phase::Student => 0x5354_5544,
    }
}

/// Fraction of rows of `x` whose argmax prediction equals `y` (one host sync).
pub(crate) fn accuracy(model: &Mlp, x: &Tensor<2>, y: &Tensor<1, Int>) -> f64 {
    let n = y.dims()[0];
    let predicted = model.forward(x.clone()).argmax(1).reshape([n]);
    let correct = predicted.equal(y.clone()).int().sum().into_scalar::<i64>();
    correct as f64 / n as f64
}

/// Whether `model` classifies each example of `x` correctly, in order.
pub(crate) fn correct(model: &Mlp, x: &Tensor<2>, y: &Tensor<1, Int>) -> Vec<bool> {
    let n = y.dims()[0];
    let predicted = model.forward(x.clone()).argmax(1).reshape([n]);
    let hits = predicted.equal(y.clone()).int().into_data();
    hits.iter::<i64>().map(|h| h != 0).collect()
}

/// Softmax probabilities of `model` on `x`, `[n, k]`, on the model's device.
pub(crate) fn probabilities(model: &Mlp, x: &Tensor<2>) -> Tensor<2> {
    softmax(model.forward(x.clone()), 1)
}
