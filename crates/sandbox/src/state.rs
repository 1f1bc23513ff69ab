//! What the host functions, the property getters, `print` and the progress callback share with
//! [`crate::RhaiMethod`] while a call runs: access counters, the host-work budget, the call's
//! deadline and the captured output. Shared through an `Arc` because Rhai's callbacks must be
//! `'static`; counters are atomics because the per-row functions are hot (a method looping over
//! 20,000 rows calls them 20,000 times an epoch).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aar_domain::{EntryPoint, Limit, OutputLine};
use rhai::{Dynamic, Position};

use crate::audit::{Over, measure};
use crate::limits::Clock;

/// Operations between two audits of the values alive ([`crate::audit`]), at least and at most.
/// Between the two, an audit waits for as many operations as half the values it visited last
/// time, so that auditing costs at most about two value visits per operation. The most is what
/// bounds how deep a value can nest before an audit sees it (a level costs at least one
/// operation), and so the stack the script thread needs ([`crate::host`]).
pub(crate) const AUDIT_EVERY_MIN: u64 = 256;
pub(crate) const AUDIT_EVERY_MAX: u64 = 16_384;

const STOP_OPERATIONS: u8 = 1;
const STOP_DEADLINE: u8 = 2;
/// Operations a call may run past a broken operation or time limit while the sandbox waits
/// for a variable read to raise it at.
pub(crate) const STOP_GRACE: u64 = 1024;

/// Host work (values read or produced) after which the clock is read again, before and after a
/// host call: reading it costs about as much as 100 values of work.
const CLOCK_EVERY_WORK: u64 = 1 << 16;

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
    /// The call's deadline passed (reported as the call-time or run-time limit, as Rhai's own
    /// termination is). Raised as a runtime error, not Rhai's termination, because Rhai drops
    /// the position of its own limit errors on their way out of a script function.
    Deadline,
}

impl HostError {
    pub(crate) fn into_eval(self, position: Position) -> Box<rhai::EvalAltResult> {
        Box::new(rhai::EvalAltResult::ErrorRuntime(Dynamic::from(self), position))
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
    /// Values host functions read and produced in this call, and the cap.
    work: AtomicU64,
    max_work: u64,
    /// `work` when the clock was last read.
    work_at_clock: AtomicU64,
    /// The operation count, as the progress callback last saw it, and when the next audit is due.
    ops: AtomicU64,
    next_audit: AtomicU64,
    audit_due: AtomicBool,
    /// Why the call must stop (0: it need not; `STOP_*`), and at which operation that was seen.
    /// The next variable read raises it, so that the error has that read's position (Rhai
    /// gives none for a limit hit in a loop); a loop that reads no variable is stopped by the
    /// progress callback [`STOP_GRACE`] operations later.
    stop: std::sync::atomic::AtomicU8,
    stop_at: AtomicU64,
    max_ops: u64,
    /// Bytes alive at the last audit, bytes host functions allocated since, and the budget.
    live_bytes: AtomicU64,
    allocated: AtomicU64,
    max_bytes: AtomicU64,
    max_depth: usize,
    /// The source position of the last host call (line << 32 | column), for errors Rhai reports
    /// without one.
    last_position: AtomicU64,
    /// Clock reading (ns) after which the call is stopped.
    deadline_ns: AtomicU64,
    clock: Clock,
    output: Mutex<Output>,
    max_output_lines: usize,
    max_output_line_bytes: usize,
}

impl HostState {
    pub(crate) fn new(clock: Clock, limits: &crate::SandboxLimits) -> Self {
        let n = CTX_PROPERTIES.len() + TASK_PROPERTIES.len() + FUNCTIONS.len();
        HostState {
            counters: (0..n).map(|_| AtomicU64::new(0)).collect(),
            work: AtomicU64::new(0),
            max_work: limits.max_host_elements,
            work_at_clock: AtomicU64::new(0),
            ops: AtomicU64::new(0),
            next_audit: AtomicU64::new(AUDIT_EVERY_MIN),
            audit_due: AtomicBool::new(false),
            stop: std::sync::atomic::AtomicU8::new(0),
            stop_at: AtomicU64::new(0),
            max_ops: limits.max_operations,
            live_bytes: AtomicU64::new(0),
            allocated: AtomicU64::new(0),
            max_bytes: AtomicU64::new(limits.max_memory_bytes as u64),
            max_depth: limits.max_value_depth.min(crate::SandboxLimits::MAX_VALUE_DEPTH),
            last_position: AtomicU64::new(0),
            deadline_ns: AtomicU64::new(u64::MAX),
            clock,
            output: Mutex::new(Output {
                phase: Phase { entry: EntryPoint::Compile, epoch: None },
                lines: Vec::new(),
                kept: 0,
                dropped: 0,
            }),
            max_output_lines: limits.max_output_lines,
            max_output_line_bytes: limits.max_output_line_bytes,
        }
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn count(&self, id: AccessId) {
        self.counters[id.0].fetch_add(1, Ordering::Relaxed);
    }

    /// Charges `elements` of host work (values read or produced) to the current call, before
    /// the work is done; when enough work has been done since the clock was last read, reads it,
    /// so that a host call never starts past the deadline.
    pub(crate) fn charge(&self, elements: usize) -> Result<(), HostError> {
        let used = self.work.fetch_add(elements as u64, Ordering::Relaxed) + elements as u64;
        if used > self.max_work {
            return Err(HostError::Limit(
                Limit::HostWork,
                format!("host functions read or produced more than {} values in one call", self.max_work),
            ));
        }
        self.check_deadline()
    }

    /// Charges `elements` values a host function produces: as work, and as memory (16 bytes
    /// each, what a script array's element takes; a matrix's take 4, so this never counts low).
    pub(crate) fn produce(&self, elements: usize) -> Result<(), HostError> {
        self.charge(elements)?;
        self.allocate(elements.saturating_mul(16))
    }

    /// Reads the clock when host work was done since it was last read: after every host call,
    /// so that a loop of expensive calls is stopped within one call of its deadline.
    pub(crate) fn check_deadline(&self) -> Result<(), HostError> {
        let work = self.work.load(Ordering::Relaxed);
        if work.saturating_sub(self.work_at_clock.load(Ordering::Relaxed)) < CLOCK_EVERY_WORK {
            return Ok(());
        }
        self.work_at_clock.store(work, Ordering::Relaxed);
        if self.past_deadline() { Err(HostError::Deadline) } else { Ok(()) }
    }

    /// Charges `bytes` a host function is about to allocate (its result, a copy of a matrix) to
    /// the memory budget. What was alive at the last audit may have been freed since, so only an
    /// allocation that alone breaks the budget is refused here; any other that takes the count
    /// past the budget makes the next variable read audit.
    pub(crate) fn allocate(&self, bytes: usize) -> Result<(), HostError> {
        let bytes = bytes as u64;
        let max = self.max_bytes.load(Ordering::Relaxed);
        if bytes > max {
            return Err(memory_error(bytes, max, Limit::HostWork));
        }
        let since = self.allocated.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if self.live_bytes.load(Ordering::Relaxed) + since > max {
            self.audit_due.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Called by the progress callback at every operation: marks an audit due when its turn
    /// comes, notes the operation and deadline limits (reading the clock every 1024
    /// operations: a reading costs about an operation), and says whether to stop now.
    pub(crate) fn tick(&self, ops: u64) -> bool {
        self.ops.store(ops, Ordering::Relaxed);
        if ops >= self.next_audit.load(Ordering::Relaxed) {
            self.audit_due.store(true, Ordering::Relaxed);
        }
        let stop = self.stop.load(Ordering::Relaxed);
        if stop != 0 {
            return ops > self.stop_at.load(Ordering::Relaxed) + STOP_GRACE;
        }
        let why = if ops > self.max_ops {
            STOP_OPERATIONS
        } else if ops.is_multiple_of(1024) && self.past_deadline() {
            STOP_DEADLINE
        } else {
            return false;
        };
        self.stop_at.store(ops, Ordering::Relaxed);
        self.stop.store(why, Ordering::Relaxed);
        self.audit_due.store(true, Ordering::Relaxed);
        false
    }

    /// Whether the variable resolver has work: an audit, or a limit to raise.
    pub(crate) fn audit_due(&self) -> bool {
        self.audit_due.load(Ordering::Relaxed)
    }

    /// The limit the progress callback saw broken, if any.
    pub(crate) fn stopped(&self) -> Option<HostError> {
        match self.stop.load(Ordering::Relaxed) {
            STOP_OPERATIONS => Some(HostError::Limit(
                Limit::Operations,
                format!("more than {} operations in one call", self.max_ops),
            )),
            STOP_DEADLINE => Some(HostError::Deadline),
            _ => None,
        }
    }

    /// Audits `values` (the scope) against the depth and memory limits, and schedules the next.
    pub(crate) fn audit<'a>(&self, values: impl IntoIterator<Item = &'a Dynamic>) -> Result<(), HostError> {
        self.audit_due.store(false, Ordering::Relaxed);
        let max = self.max_bytes.load(Ordering::Relaxed);
        let usage = measure(values, self.max_depth, max).map_err(|over| self.over(over))?;
        self.live_bytes.store(usage.bytes, Ordering::Relaxed);
        self.allocated.store(0, Ordering::Relaxed);
        let every = (usage.nodes / 2).clamp(AUDIT_EVERY_MIN, AUDIT_EVERY_MAX);
        self.next_audit.store(self.ops.load(Ordering::Relaxed) + every, Ordering::Relaxed);
        Ok(())
    }

    /// Audits one value (what an entry point returned) against the same limits.
    pub(crate) fn audit_value(&self, value: &Dynamic) -> Result<(), HostError> {
        measure([value], self.max_depth, self.max_bytes.load(Ordering::Relaxed))
            .map(|_| ())
            .map_err(|over| self.over(over))
    }

    fn over(&self, over: Over) -> HostError {
        match over {
            Over::Depth { inner } => HostError::Limit(
                Limit::ValueDepth,
                format!(
                    "a value nests arrays and maps deeper than {} levels (max_value_depth): {inner} \
                     inside {} others",
                    self.max_depth, self.max_depth
                ),
            ),
            Over::Memory { bytes, largest } => {
                memory_error(bytes, self.max_bytes.load(Ordering::Relaxed), largest)
            }
        }
    }

    /// Records where the current host call is, for errors without a position.
    pub(crate) fn at(&self, position: Position) {
        if let (Some(line), column) = (position.line(), position.position().unwrap_or(0)) {
            self.last_position.store((line as u64) << 32 | column as u64, Ordering::Relaxed);
        }
    }

    /// The last position recorded by [`HostState::at`] (`(line, column)`), if any.
    pub(crate) fn last_position(&self) -> Option<(u32, u32)> {
        let packed = self.last_position.load(Ordering::Relaxed);
        (packed != 0).then_some(((packed >> 32) as u32, packed as u32))
    }

    /// Starts a call: resets the host-work and memory counts and the audit schedule, sets the
    /// deadline, the memory budget and the output's phase.
    pub(crate) fn begin(&self, phase: Phase, deadline: std::time::Duration, max_bytes: u64) {
        self.work.store(0, Ordering::Relaxed);
        self.work_at_clock.store(0, Ordering::Relaxed);
        self.ops.store(0, Ordering::Relaxed);
        self.next_audit.store(AUDIT_EVERY_MIN, Ordering::Relaxed);
        self.audit_due.store(false, Ordering::Relaxed);
        self.stop.store(0, Ordering::Relaxed);
        self.live_bytes.store(0, Ordering::Relaxed);
        self.allocated.store(0, Ordering::Relaxed);
        self.max_bytes.store(max_bytes, Ordering::Relaxed);
        self.last_position.store(0, Ordering::Relaxed);
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

fn memory_error(bytes: u64, max: u64, largest: Limit) -> HostError {
    let held_in = match largest {
        Limit::StringSize => "strings",
        Limit::MapSize => "maps",
        Limit::HostWork => "matrices",
        _ => "arrays",
    };
    HostError::Limit(
        Limit::Memory,
        format!(
            "the method's values take more than {max} bytes (max_memory_bytes): {bytes} counted, most \
             of them in {held_in}"
        ),
    )
}
