//! What the host functions, the property getters, `print` and the progress callback share with
//! [`crate::RhaiMethod`] while a call runs: access counters, the host-work budget, the call's
//! deadline and the captured output. Shared through an `Arc` because Rhai's callbacks must be
//! `'static`; counters are atomics because the per-row functions are hot (a method looping over
//! 20,000 rows calls them 20,000 times an epoch).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use aar_domain::{EntryPoint, Limit, OutputLine};
use rhai::Position;

use crate::limits::Clock;

/// Everything a method can read or call, in the order counters are kept. Properties are named
/// `ctx.x` / `task.x`; host functions by their name.
pub(crate) const CTX_PROPERTIES: [&str; 8] =
    ["epoch", "epochs", "round", "rounds", "num_classes", "num_examples", "teacher", "student"];
pub(crate) const TASK_PROPERTIES: [&str; 3] = ["name", "num_classes", "num_examples"];
pub(crate) const FUNCTIONS: [&str; 32] = [
    "argmax",
    "confidence",
    "entropy",
    "margin",
    "harden",
    "harden_balanced",
    "mix",
    "power_normalise",
    "product",
    "normalise",
    "class_balance",
    "column_means",
    "scale_columns",
    "top_k_per_class",
    "one_hot",
    "uniform",
    "gt",
    "ge",
    "lt",
    "le",
    "eq",
    "class_quantiles",
    "take",
    "quantile",
    "mean",
    "sum",
    "to_matrix",
    "to_array",
    "rows",
    "cols",
    "len",
    "is_empty",
];

/// A counter's index: properties of `ctx`, then of `task`, then functions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AccessId(usize);

impl AccessId {
    pub(crate) fn ctx(property: usize) -> AccessId {
        AccessId(property)
    }
    pub(crate) fn task(property: usize) -> AccessId {
        AccessId(CTX_PROPERTIES.len() + property)
    }
    pub(crate) fn function(name: &str) -> AccessId {
        let index = FUNCTIONS.iter().position(|f| *f == name);
        // The registration code only names functions of the table; a test registers them all.
        AccessId(CTX_PROPERTIES.len() + TASK_PROPERTIES.len() + index.expect("host function is in FUNCTIONS"))
    }
}

/// Why a host function refused: carried out of Rhai inside `ErrorRuntime`, as a type a script
/// cannot construct, so a `throw` can never pass for it.
#[derive(Debug, Clone)]
pub(crate) enum HostError {
    /// A bad argument (shape, type, value); the message names it.
    BadArgument(String),
    /// The method asked for something the sandbox does not offer.
    Forbidden { what: String, message: String },
    /// A budget ran out.
    Limit(Limit, String),
}

impl HostError {
    pub(crate) fn into_eval(self, position: Position) -> Box<rhai::EvalAltResult> {
        Box::new(rhai::EvalAltResult::ErrorRuntime(rhai::Dynamic::from(self), position))
    }
}

/// The phase a call runs in, for output lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phase {
    pub entry: EntryPoint,
    pub epoch: Option<u32>,
}

#[derive(Debug)]
struct Output {
    phase: Phase,
    /// Lines not yet moved into the access log.
    lines: Vec<OutputLine>,
    /// Lines kept and dropped over the method's life.
    kept: usize,
    dropped: u64,
}

#[derive(Debug)]
pub(crate) struct HostState {
    counters: Vec<AtomicU64>,
    /// Elements host functions produced in this call, and the cap.
    work: AtomicU64,
    max_work: u64,
    /// Clock reading (ns) after which the call is stopped.
    deadline_ns: AtomicU64,
    clock: Clock,
    output: Mutex<Output>,
    max_output_lines: usize,
    max_output_line_bytes: usize,
}

impl HostState {
    pub(crate) fn new(
        clock: Clock,
        max_work: u64,
        max_output_lines: usize,
        max_output_line_bytes: usize,
    ) -> Self {
        let n = CTX_PROPERTIES.len() + TASK_PROPERTIES.len() + FUNCTIONS.len();
        HostState {
            counters: (0..n).map(|_| AtomicU64::new(0)).collect(),
            work: AtomicU64::new(0),
            max_work,
            deadline_ns: AtomicU64::new(u64::MAX),
            clock,
            output: Mutex::new(Output {
                phase: Phase { entry: EntryPoint::Compile, epoch: None },
                lines: Vec::new(),
                kept: 0,
                dropped: 0,
            }),
            max_output_lines,
            max_output_line_bytes,
        }
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn count(&self, id: AccessId) {
        self.counters[id.0].fetch_add(1, Ordering::Relaxed);
    }

    /// Charges `elements` of host work to the current call.
    pub(crate) fn charge(&self, elements: usize) -> Result<(), HostError> {
        let used = self.work.fetch_add(elements as u64, Ordering::Relaxed) + elements as u64;
        if used > self.max_work {
            return Err(HostError::Limit(
                Limit::HostWork,
                format!("host functions produced more than {} values in one call", self.max_work),
            ));
        }
        Ok(())
    }

    /// Starts a call: resets the host-work budget, sets the deadline and the output's phase.
    pub(crate) fn begin(&self, phase: Phase, deadline: std::time::Duration) {
        self.work.store(0, Ordering::Relaxed);
        self.deadline_ns.store(u64::try_from(deadline.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.output.lock().unwrap_or_else(|e| e.into_inner()).phase = phase;
    }

    pub(crate) fn past_deadline(&self) -> bool {
        let now = u64::try_from(self.clock.now().as_nanos()).unwrap_or(u64::MAX);
        now > self.deadline_ns.load(Ordering::Relaxed)
    }

    pub(crate) fn print(&self, text: &str, debug: bool) {
        let mut output = self.output.lock().unwrap_or_else(|e| e.into_inner());
        if output.kept >= self.max_output_lines {
            output.dropped += 1;
            return;
        }
        let mut end = text.len().min(self.max_output_line_bytes);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let phase = output.phase;
        output.kept += 1;
        output.lines.push(OutputLine {
            entry: phase.entry,
            epoch: phase.epoch,
            debug,
            text: text[..end].into(),
        });
    }

    /// The counts so far, by name (`ctx.teacher`, `task.name`, `harden`), zero counts left out.
    pub(crate) fn counts(&self) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let value = |i: usize| self.counters[i].load(Ordering::Relaxed);
        let properties = CTX_PROPERTIES
            .iter()
            .map(|p| format!("ctx.{p}"))
            .chain(TASK_PROPERTIES.iter().map(|p| format!("task.{p}")));
        let reads =
            properties.enumerate().map(|(i, name)| (name, value(i))).filter(|(_, n)| *n > 0).collect();
        let offset = CTX_PROPERTIES.len() + TASK_PROPERTIES.len();
        let calls = FUNCTIONS
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), value(offset + i)))
            .filter(|(_, n)| *n > 0)
            .collect();
        (reads, calls)
    }

    /// Moves the lines printed since the last call out; also returns the total dropped.
    pub(crate) fn take_output(&self) -> (Vec<OutputLine>, u64) {
        let mut output = self.output.lock().unwrap_or_else(|e| e.into_inner());
        (std::mem::take(&mut output.lines), output.dropped)
    }
}
