//! Where a method runs: in the verifying process ([`Isolation::InProcess`]), or in a worker
//! process of its own ([`Isolation::Process`]) that nothing the method does can take the
//! verifier down with.
//!
//! A worker is the verifier's own executable started with [`WORKER_ARG`] (front ends call
//! [`serve_if_worker`] first thing in `main`), so the CLI and the app need nothing installed
//! beside them. It runs the same [`RhaiMethod`](crate::RhaiMethod) under the same budgets, and
//! adds what only a process boundary gives:
//!
//! - a hard memory cap (`RLIMIT_DATA`, [`ProcessLimits::memory_bytes`]): an allocation past it
//!   aborts the worker, not the verifier;
//! - a watchdog in the parent: a call not answered within the sandbox's call deadline plus a
//!   grace kills the worker, whatever it is doing;
//! - a CPU-time cap (`RLIMIT_CPU`) behind the watchdog, no core dumps, no file writes
//!   (`RLIMIT_FSIZE` 0), an empty environment and `/` as working directory;
//! - a crash of any kind (a stack overflow, an abort) ends the worker only, and becomes the
//!   method's error with the worker's last words on stderr, bounded.
//!
//! The teacher ablations and their secrets stay in the parent: the worker is handed the labels
//! a run trains with and nothing else, exactly as the in-process method is.

mod child;
mod wire;
mod worker;

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;

use aar_domain::{MethodError, StudentMethod};

pub use child::IsolatedMethod;
pub use wire::ProcessLimits;

use crate::host::{MethodEnv, RhaiMethod};
use crate::limits::SandboxLimits;

/// The argument that makes an executable a method worker ([`serve_if_worker`]).
pub const WORKER_ARG: &str = "--aar-review-method-worker";

impl Default for ProcessLimits {
    /// 2 GiB of memory and 15 minutes of CPU time: above the sandbox's own 512 MiB budget for
    /// values (plus the script thread's stack) and its 10-minute run time.
    fn default() -> Self {
        ProcessLimits { memory_bytes: 2 << 30, cpu_seconds: 15 * 60 }
    }
}

/// How to start a worker: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// This executable as a worker: for front ends whose `main` calls [`serve_if_worker`].
    pub fn this_executable() -> io::Result<WorkerCommand> {
        Ok(WorkerCommand { program: std::env::current_exe()?, args: vec![WORKER_ARG.into()] })
    }

    /// `program` as a worker (it must call [`serve_if_worker`] or [`serve_stdio`]).
    pub fn program(program: impl Into<PathBuf>) -> WorkerCommand {
        WorkerCommand { program: program.into(), args: vec![WORKER_ARG.into()] }
    }
}

/// Where methods run.
#[derive(Debug, Clone, PartialEq)]
pub enum Isolation {
    /// In the calling process, behind the sandbox's in-process limits only: for tests that
    /// drive the sandbox with a fake clock, and tools that run trusted methods.
    InProcess,
    /// Each method instance in a worker process of its own, under `limits`.
    Process { worker: WorkerCommand, limits: ProcessLimits },
}

impl Isolation {
    /// A worker process per method, with the default [`ProcessLimits`].
    pub fn process(worker: WorkerCommand) -> Isolation {
        Isolation::Process { worker, limits: ProcessLimits::default() }
    }

    /// Compiles (in process) or starts (in a worker) a method.
    pub fn start(
        &self,
        source: &str,
        name: String,
        limits: SandboxLimits,
        env: MethodEnv,
    ) -> Result<Box<dyn StudentMethod + Send>, StartError> {
        match self {
            Isolation::InProcess => RhaiMethod::with_env(source, name, limits, env)
                .map(|m| Box::new(m) as Box<dyn StudentMethod + Send>)
                .map_err(|e| StartError::Method(Box::new(e))),
            Isolation::Process { worker, limits: process } => {
                IsolatedMethod::start(worker, source, name, limits, env, *process)
                    .map(|m| Box::new(m) as Box<dyn StudentMethod + Send>)
            }
        }
    }
}

/// Why a method did not start.
#[derive(Debug)]
pub enum StartError {
    /// The method's own fault (it does not compile, or its worker died compiling it): a verdict
    /// on the method.
    Method(Box<MethodError>),
    /// The worker could not be started: the verifier's problem, not the method's.
    Worker(String),
}

/// Serves as a method worker and exits when this process was started as one (its first
/// argument is [`WORKER_ARG`]); returns otherwise. Call it first thing in `main`, before any
/// runtime, window or database is set up.
pub fn serve_if_worker() {
    if std::env::args_os().nth(1).is_some_and(|a| a == WORKER_ARG) {
        std::process::exit(serve_stdio());
    }
}

/// Serves one method over stdin and stdout; the process's exit code.
pub fn serve_stdio() -> i32 {
    match worker::serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("method worker: {e}");
            1
        }
    }
}
