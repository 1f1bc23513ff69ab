//! The models of the protocol: ReLU multi-layer perceptrons over a task's features.

use burn::module::Param;
use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::relu;
use rand::{Rng, RngExt};

/// A ReLU MLP. With no hidden layer it is a linear softmax-regression model.
#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Width of the input features.
    pub input_dim: usize,
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    pub num_classes: usize,
}

#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
}

impl MlpConfig {
    /// Initialises the weights on `device` with values drawn from `rng`: burn's default for
    /// `Linear` (uniform in ±1/sqrt(fan_in) for weights and biases), but from the caller's RNG.
    ///
    /// Why not `LinearConfig::init` after `device.seed(..)`: burn's backend RNG is one global per
    /// process, so two runs in parallel (the test harness, or the app re-running two methods)
    /// interleave their draws and the same seed stops giving the same numbers.
    pub fn init(&self, device: &Device, rng: &mut impl Rng) -> Mlp {
        let mut widths = vec![self.input_dim];
        widths.extend(&self.hidden);
        widths.push(self.num_classes);
        let layers = widths.windows(2).map(|w| seeded_linear(w[0], w[1], device, rng)).collect();
        Mlp { layers }
    }
}

impl Mlp {
    /// `[batch, input_dim]` features to `[batch, num_classes]` logits.
    pub fn forward(&self, mut x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = relu(x);
            }
        }
        x
    }
}

fn seeded_linear(d_input: usize, d_output: usize, device: &Device, rng: &mut impl Rng) -> Linear {
    let bound = 1.0 / (d_input as f32).sqrt();
    let mut uniform =
        |len: usize| -> Vec<f32> { (0..len).map(|_| rng.random_range(-bound..bound)).collect() };
    let weight = TensorData::new(uniform(d_input * d_output), [d_input, d_output]);
    let bias = TensorData::new(uniform(d_output), [d_output]);
    // Row layout, as `LinearConfig`'s default: the weight is `[d_input, d_output]`.
    Linear {
        weight: Param::from_tensor(Tensor::from_data(weight, device)),
        bias: Some(Param::from_tensor(Tensor::from_data(bias, device))),
    }
}
