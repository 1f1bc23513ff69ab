//! The method sandbox: runs a submission's `method.rhai` behind the engine's
//! [`StudentMethod`](aar_domain::StudentMethod) boundary as a [`RhaiMethod`].
//!
//! # Threat model
//!
//! A method is written by an AI agent whose score depends on it, and the W2S record shows such
//! agents game scores (reading labels off the scoring server, executing the code under test,
//! ignoring the teacher). The sandbox therefore treats the script, and everything it returns, as
//! hostile:
//!
//! - **Nothing to reach.** A method sees `task` (name, class count, size of split B) and `ctx`
//!   (epoch counters, the teacher's soft labels and the student's predictions on split B). The
//!   host API has no path to gold labels of any split, to inputs, to the test, dev or private
//!   splits, to files, the network, processes, the environment, other submissions or clocks:
//!   Rhai is built without its clock (`no_time`), modules are off and their resolver finds
//!   nothing, `eval` is disabled, `print`/`debug` go to the run's log, and no randomness exists.
//! - **Probing is stopped and recorded.** Reading a property `ctx` or `task` do not have
//!   (`ctx.gold`, `ctx["labels"]`, `task.test`) or calling a function the API does not have
//!   (`gold()`) is a [`Forbidden`](aar_domain::MethodErrorKind::Forbidden) error, and `try` is
//!   disabled, so a refused access cannot be caught to probe on. Every property read and host
//!   call is counted, and every refusal or failure kept with its line and column, in the
//!   [`AccessLog`](aar_domain::AccessLog).
//! - **Bounded.** Operations, call depth, expression depth, string, array and map sizes, how
//!   deep values nest, the bytes of all values alive, host work (every value a host function
//!   reads or produces, matrix copies included) and wall-clock time (per call and per run, on a
//!   [`Clock`] passed in) are capped ([`SandboxLimits`]); `configure` may only ask for training
//!   settings within [`ConfigBounds`]. Breaking a limit stops the method with one error naming
//!   it and, where Rhai or the sandbox saw one, its line and column; error texts are cut to a few
//!   KiB. Rhai's `sleep`, the one standard function that blocks, is removed.
//! - **The verifier survives.** Front ends run each method in a worker process
//!   ([`Isolation::Process`], module `isolation`): a memory cap, a CPU cap and a watchdog on
//!   every call, and a crash ends the worker only. Within the worker, a script runs on its own thread with a large stack, and its
//!   values are audited (depth and bytes) every few thousand operations, so that Rhai's
//!   recursive clone, drop and size checks never meet a value deeper than the stack holds.
//! - **Output is checked before it reaches burn.** Targets must be `n x k`, finite,
//!   non-negative, rows summing to 1; weights finite, non-negative and not all zero.
//! - **Deterministic.** The same method bytes and inputs give bit-identical targets: there is
//!   no clock, randomness or hash-order dependence a script can observe.
//!
//! What the sandbox does not stop:
//!
//! - A method that ignores the teacher (predicts the majority class, or elicits labels from the
//!   student alone) is legal here; the teacher-noise ablation is what exposes it.
//! - Memory is audited, not capped at every allocation: the values alive are counted every 256 to
//!   16,384 operations (and at once when host functions allocate past the budget), so between
//!   two audits a method can allocate what those operations build within the per-value limits
//!   (for strings of 1 MiB, some 16 MiB per 256 operations). docs/method-api.md states the
//!   bounds. The hard cap is the process boundary: [`Isolation::Process`] runs the method in a
//!   worker process under a memory limit and a watchdog, where whatever the audits miss stops
//!   the worker and not the verifier.
//!
//! Rhai's size limits have a cost: growing an array element by element re-measures it each time,
//! so per-row loops that `push` are O(n²). The host functions in the method API are vectorised so
//! that methods need no such loops (docs/method-api.md).

mod api;
mod audit;
mod context;
mod host;
mod isolation;
mod limits;
mod matrix;
mod output;
mod state;

pub use host::{DEFAULT_FILE, MethodEnv, MethodInfo, RhaiMethod, check_method};
pub use isolation::{
    IsolatedMethod, Isolation, ProcessLimits, StartError, WORKER_ARG, WorkerCommand, serve_if_worker,
    serve_stdio,
};
pub use limits::{Clock, ConfigBounds, SandboxLimits};
