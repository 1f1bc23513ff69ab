//! The models of the protocol: ReLU multi-layer perceptrons over a task's features.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

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
    /// Initialises the weights on `device` from its current RNG state (seed it first).
    pub fn init(&self, device: &Device) -> Mlp {
        let mut widths = vec![self.input_dim];
        widths.extend(&self.hidden);
        widths.push(self.num_classes);
        let layers = widths.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect();
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
