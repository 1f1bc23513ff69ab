//! Synthetic split-B matrices, shared by the sandbox's examples and its tests (included by path).

/// Classes of every synthetic matrix.
pub const K: usize = 10;

/// Row-wise softmax of a bump at a pseudo-random class plus noise (deterministic xorshift).
pub fn soft_labels(n: usize, k: usize, seed: u64, sharpness: f64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out = Vec::with_capacity(n * k);
    for _ in 0..n {
        let class = (next() * k as f64) as usize;
        let logits: Vec<f64> =
            (0..k).map(|j| next() * 2.0 + if j == class { sharpness } else { 0.0 }).collect();
        let z: f64 = logits.iter().map(|l| l.exp()).sum();
        out.extend(logits.iter().map(|l| (l.exp() / z) as f32));
    }
    out
}
