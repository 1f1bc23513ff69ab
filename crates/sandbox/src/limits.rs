//! The sandbox's budgets, and the clock its wall-clock deadlines are measured with.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Everything a method may use, per call to an entry point unless said otherwise. Breaking any
/// of them stops the method with [`aar_domain::MethodErrorKind::LimitExceeded`]. The defaults
/// leave a method written with per-row loops over 20,000 x 10 matrices room to run, and stop an
/// infinite loop within seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxLimits {
    /// Script operations (statements, expressions, calls) in one call.
    pub max_operations: u64,
    /// Nested function calls (recursion depth).
    pub max_call_depth: usize,
    /// Nesting of expressions in the source, at top level and inside functions.
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    /// Bytes in one string.
    pub max_string_bytes: usize,
    /// Elements in one array, nested arrays included. Raised to fit the task when needed: a
    /// method may always hold a few copies of an `n x k` matrix as arrays of rows.
    pub max_array_elements: usize,
    /// Entries in one object map, nested maps included.
    pub max_map_entries: usize,
    /// Variables alive at once.
    pub max_variables: usize,
    /// How deep arrays, maps and curried function pointers may nest inside each other
    /// (`[[1]]` is 2). Rhai clones, drops and measures values recursively; this keeps that
    /// recursion shallow.
    pub max_value_depth: usize,
    /// Bytes the method's values may take in one call, all together (strings, arrays, maps and
    /// matrices, counted as [`crate`]'s docs say). Raised to fit the task when needed: a method
    /// may always hold several copies of an `n x k` matrix as arrays of rows.
    pub max_memory_bytes: usize,
    /// Values (matrix entries, array elements) host functions may produce in one call: bounds
    /// the memory and time a method can spend through them, which the operation count (one per
    /// call) does not see.
    pub max_host_elements: u64,
    /// Wall-clock time of one call.
    pub call_time: Duration,
    /// Wall-clock time spent inside the method over its whole life (all calls together).
    pub run_time: Duration,
    /// `print`/`debug` lines kept in the access log, and bytes kept of each.
    pub max_output_lines: usize,
    pub max_output_line_bytes: usize,
    /// Bounds on what `configure` may ask for.
    pub config: ConfigBounds,
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            max_operations: 200_000_000,
            max_call_depth: 64,
            max_expr_depth: 64,
            max_function_expr_depth: 64,
            max_string_bytes: 1 << 20,
            max_array_elements: 4_000_000,
            max_map_entries: 10_000,
            max_variables: 10_000,
            max_value_depth: 32,
            max_memory_bytes: 512 << 20,
            max_host_elements: 1 << 28,
            call_time: Duration::from_secs(10),
            run_time: Duration::from_secs(600),
            max_output_lines: 1000,
            max_output_line_bytes: 2000,
            config: ConfigBounds::default(),
        }
    }
}

impl SandboxLimits {
    /// The most `max_value_depth` can be: the script thread's stack is sized for it.
    pub const MAX_VALUE_DEPTH: usize = 1024;

    /// The array cap for a task of `n x k`: at least four matrices' worth of rows.
    pub(crate) fn array_elements_for(&self, n: usize, k: usize) -> usize {
        self.max_array_elements.max(n.saturating_mul(k + 1).saturating_mul(4))
    }

    /// The memory budget for a task of `n x k`: at least eight copies of the matrix held as
    /// arrays of rows (16 bytes a number, 64 a row).
    pub(crate) fn memory_bytes_for(&self, n: usize, k: usize) -> usize {
        self.max_memory_bytes.max(n.saturating_mul(k.saturating_mul(16).saturating_add(64)).saturating_mul(8))
    }
}

/// What `configure` may override, and within which bounds (inclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigBounds {
    pub max_epochs: u32,
    /// The learning rate must be above 0 and at most this.
    pub max_learning_rate: f64,
    pub max_batch_size: u32,
    /// The weight decay must be in `0..=max_weight_decay`.
    pub max_weight_decay: f64,
    /// Extra self-training rounds.
    pub max_rounds: u32,
}

impl Default for ConfigBounds {
    fn default() -> Self {
        ConfigBounds {
            max_epochs: 1000,
            max_learning_rate: 10.0,
            max_batch_size: 65_536,
            max_weight_decay: 1.0,
            max_rounds: 3,
        }
    }
}

/// A monotonic clock: time elapsed since an arbitrary origin. Passed in, so tests can make time
/// run as they need; methods never see it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Duration + Send + Sync>);

impl Clock {
    /// The machine's monotonic clock.
    pub fn system() -> Clock {
        let origin = Instant::now();
        Clock(Arc::new(move || origin.elapsed()))
    }

    /// A clock read from `now` (which must never go backwards).
    pub fn from_fn(now: impl Fn() -> Duration + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub(crate) fn now(&self) -> Duration {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}
