//! What a sandboxed method did and why it stopped, as kept in run reports (the access log) and
//! in the audit entry of a failed run. The engine and the sandbox use these types through
//! `aar-domain`, which re-exports them.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where in a method's life something happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryPoint {
    /// Reading and checking the method's source, before anything runs.
    Compile,
    Configure,
    Targets,
}

impl fmt::Display for EntryPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryPoint::Compile => "compiling",
            EntryPoint::Configure => "configure()",
            EntryPoint::Targets => "targets()",
        })
    }
}

/// A 1-based line and column in the method's source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SourcePosition {
    pub line: u32,
    pub column: u32,
}

/// Which of the sandbox's limits a method ran into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Script operations in one call.
    Operations,
    /// Nested function calls.
    CallDepth,
    /// Nesting of expressions in the source.
    ExpressionDepth,
    StringSize,
    ArraySize,
    MapSize,
    /// Live variables in one call.
    Variables,
    /// Nesting of arrays and maps inside one value (deep values once overflowed the stack).
    ValueDepth,
    /// Bytes held by the method's values, all of them together.
    Memory,
    /// Work done by host functions in one call (elements they produce).
    HostWork,
    /// Wall-clock time of one call.
    CallTime,
    /// Wall-clock time spent in the method over the whole run.
    RunTime,
    /// A training-config override returned by `configure` outside its documented bounds.
    Config {
        key: String,
    },
}

/// What kind of failure stopped a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MethodErrorKind {
    /// The source does not parse, or lacks a required entry point.
    Syntax,
    /// The method threw, or an operation failed (bad index, bad argument to a host function).
    Runtime,
    LimitExceeded {
        which: Limit,
    },
    /// The method reached for something the sandbox does not offer (a property, function or
    /// language feature): never available to a method, and always recorded.
    Forbidden {
        what: String,
    },
    /// An entry point returned a value the engine cannot use; `what` names the part
    /// (`targets`, `weights`, a configure key).
    BadOutput {
        what: String,
    },
}

impl fmt::Display for MethodErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MethodErrorKind::Syntax => f.write_str("syntax error"),
            MethodErrorKind::Runtime => f.write_str("runtime error"),
            MethodErrorKind::LimitExceeded { .. } => f.write_str("limit exceeded"),
            MethodErrorKind::Forbidden { .. } => f.write_str("forbidden"),
            MethodErrorKind::BadOutput { what } => write!(f, "bad {what}"),
        }
    }
}

/// Everything a sandboxed method touched: recorded for the reviewer and kept with the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccessLog {
    /// Properties of `ctx` and `task` read, with counts (`"ctx.teacher": 100`).
    pub reads: BTreeMap<String, u64>,
    /// Host functions called, with counts (`"harden": 80`).
    pub calls: BTreeMap<String, u64>,
    /// Every refused or failed call, in order (at most [`AccessLog::MAX_INCIDENTS`]).
    pub incidents: Vec<Incident>,
    /// What the method printed with `print` and `debug`, in order, capped.
    pub output: Vec<OutputLine>,
    /// Lines dropped because the output cap was reached.
    pub output_dropped: u64,
}

impl AccessLog {
    /// More incidents than this are counted in `reads`/`calls` only; a run stops at its first.
    pub const MAX_INCIDENTS: usize = 100;
}

/// A refused or failed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    pub entry: EntryPoint,
    /// The student epoch, for `targets()`.
    pub epoch: Option<u32>,
    pub kind: MethodErrorKind,
    pub message: String,
    pub position: Option<SourcePosition>,
}

/// A line a method printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutputLine {
    pub entry: EntryPoint,
    pub epoch: Option<u32>,
    /// `debug` output (`print` otherwise).
    pub debug: bool,
    pub text: String,
}
