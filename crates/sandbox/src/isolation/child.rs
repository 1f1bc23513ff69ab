//! The verifying side: [`IsolatedMethod`], a method whose script runs in a worker process.

use std::io::{self, BufReader, BufWriter, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use aar_domain::{
    AccessLog, EntryPoint, EpochContext, EpochTargets, Incident, Limit, MethodError, MethodErrorKind,
    StudentConfig, StudentMethod, TaskInfo,
};

use super::wire::{Epoch, Outcome, PROTOCOL, ProcessLimits, Reply, Request, read_frame, write_frame};
use super::{StartError, WorkerCommand};
use crate::host::MethodEnv;
use crate::limits::SandboxLimits;

/// How long past the sandbox's own deadline the parent waits before it kills a worker: the
/// sandbox stops a call at its deadline by itself, so the watchdog fires only for what the
/// sandbox could not stop (a host function that never returns, a hang), and the grace covers
/// starting the process and moving the matrices on a loaded machine.
const WATCHDOG_GRACE: Duration = Duration::from_secs(5);

/// Bytes kept of what a worker writes to stderr (the last ones: a crash prints its reason
/// last).
const STDERR_TAIL_BYTES: usize = 4096;

type Frame = io::Result<(Reply, Vec<Vec<f32>>)>;

/// A method run by a worker process ([`crate::Isolation::Process`]). To the engine it is any
/// other [`StudentMethod`]; underneath, each call is a request to the worker, answered within
/// the call's deadline plus [`WATCHDOG_GRACE`] or the worker is killed. A worker that dies (out
/// of memory, a crash, killed) becomes the method's error, recorded in its access log as the
/// sandbox records its own; the log otherwise is the one the worker kept.
#[derive(Debug)]
pub struct IsolatedMethod {
    name: String,
    file: String,
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    replies: Receiver<Frame>,
    stderr: Arc<Mutex<StderrTail>>,
    /// The most values a reply's matrix may hold: the task's `n x k` once known.
    max_elements: Arc<AtomicUsize>,
    log: AccessLog,
    needs_student: bool,
    call_time: Duration,
    process: ProcessLimits,
    /// The teacher the worker holds, so that it is sent once per run, not every epoch.
    sent_teacher: Option<Vec<f32>>,
    /// Why the method can no longer run: a worker that died stays dead.
    stopped: Option<MethodError>,
}

impl IsolatedMethod {
    pub(crate) fn start(
        command: &WorkerCommand,
        source: &str,
        name: String,
        limits: SandboxLimits,
        env: MethodEnv,
        process: ProcessLimits,
    ) -> Result<IsolatedMethod, StartError> {
        let worker_error = |e: io::Error| StartError::Worker(format!("{}: {e}", command.program.display()));
        // An empty environment and `/` as the working directory: the worker needs neither, and
        // the verifier's environment holds the database URL and may hold the secrets' seed.
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .env_clear()
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(worker_error)?;
        let (stdin, stdout, stderr) = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => return Err(StartError::Worker("the worker's pipes were not opened".into())),
        };
        let max_elements = Arc::new(AtomicUsize::new(0));
        let replies = spawn_reader(stdout, max_elements.clone()).map_err(worker_error)?;
        let tail = Arc::new(Mutex::new(StderrTail::default()));
        spawn_stderr_tail(stderr, tail.clone()).map_err(worker_error)?;
        let mut method = IsolatedMethod {
            name: name.clone(),
            file: env.file.clone(),
            child,
            stdin: Some(BufWriter::new(stdin)),
            replies,
            stderr: tail,
            max_elements,
            log: AccessLog::default(),
            needs_student: false,
            call_time: limits.call_time,
            process,
            sent_teacher: None,
            stopped: None,
        };
        let start = Request::Start {
            source: source.to_owned(),
            name,
            file: env.file,
            withhold_teacher: env.withhold_teacher,
            limits: Box::new(limits),
            process,
        };
        // Until the worker says it is ready, whatever goes wrong is the verifier's (a wrong
        // program, a broken install); from then on, it is the method's.
        let program = command.program.display();
        match method.receive(EntryPoint::Compile, None) {
            Ok((Outcome::Ready { protocol: PROTOCOL }, _)) => {}
            Ok((Outcome::Ready { protocol }, _)) => {
                return Err(StartError::Worker(format!(
                    "{program} speaks worker protocol {protocol}, this build {PROTOCOL}"
                )));
            }
            Ok(_) => return Err(StartError::Worker(format!("{program} did not start as a method worker"))),
            Err(e) => return Err(StartError::Worker(format!("{program} did not start: {}", e.message))),
        }
        let reply = method.exchange(EntryPoint::Compile, None, &start, &[]);
        match reply {
            Ok((Outcome::Started { needs_student }, _)) => {
                method.needs_student = needs_student;
                Ok(method)
            }
            Ok((Outcome::Failed(e), _)) => Err(StartError::Method(e)),
            Ok(_) => Err(StartError::Worker("the worker answered its start out of turn".into())),
            Err(e) => Err(StartError::Method(Box::new(e))),
        }
    }

    /// Sends `request` with `matrices`, and waits for the answer within the watchdog's deadline.
    fn exchange(
        &mut self,
        entry: EntryPoint,
        epoch: Option<u32>,
        request: &Request,
        matrices: &[&[f32]],
    ) -> Result<(Outcome, Vec<Vec<f32>>), MethodError> {
        if let Some(stopped) = &self.stopped {
            return Err(stopped.clone());
        }
        let sent = match self.stdin.as_mut() {
            Some(stdin) => write_frame(stdin, request, matrices).is_ok(),
            None => false,
        };
        if !sent {
            return Err(self.stop(entry, epoch, Cause::Ended));
        }
        self.receive(entry, epoch)
    }

    /// Waits for the worker's next frame within the watchdog's deadline.
    fn receive(
        &mut self,
        entry: EntryPoint,
        epoch: Option<u32>,
    ) -> Result<(Outcome, Vec<Vec<f32>>), MethodError> {
        let waited = self.call_time + WATCHDOG_GRACE;
        match self.replies.recv_timeout(waited) {
            Ok(Ok((reply, matrices))) => {
                self.log = reply.log;
                Ok((reply.outcome, matrices))
            }
            Ok(Err(e)) if e.kind() != io::ErrorKind::UnexpectedEof => {
                Err(self.stop(entry, epoch, Cause::Garbled(e.to_string())))
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(self.stop(entry, epoch, Cause::Ended)),
            Err(RecvTimeoutError::Timeout) => Err(self.stop(entry, epoch, Cause::Hung(waited))),
        }
    }

    /// Ends the worker, and turns why it ended into the method's error: out of memory, out of
    /// CPU time, past the watchdog's deadline, an answer outside the protocol, or a crash.
    fn stop(&mut self, entry: EntryPoint, epoch: Option<u32>, cause: Cause) -> MethodError {
        self.stdin = None;
        // A worker that ended on its own keeps its exit status, which says why: give it a moment
        // to be reaped before it is killed.
        if matches!(cause, Cause::Ended) {
            for _ in 0..100 {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = self.child.kill();
        let status = self.child.wait();
        // The stderr reader ends with the worker; give it a moment to take the last bytes.
        for _ in 0..50 {
            if self.stderr.lock().is_ok_and(|t| t.closed) {
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let stderr =
            self.stderr.lock().map(|t| String::from_utf8_lossy(&t.bytes).into_owned()).unwrap_or_default();
        let last_line = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        let (kind, message) = if let Cause::Hung(waited) = cause {
            (
                limit(Limit::CallTime),
                format!("the method's process did not answer within {waited:?} and was stopped"),
            )
        } else if let Cause::Garbled(what) = cause {
            (
                MethodErrorKind::Runtime,
                format!("the method's process answered outside the protocol ({what}) and was stopped"),
            )
        } else if stderr.contains("memory allocation of") {
            let gib = self.process.memory_bytes as f64 / f64::from(1u32 << 30);
            (
                limit(Limit::Memory),
                format!("the method's process ran out of its {gib:.1} GiB of memory and was stopped"),
            )
        } else if signal(&status) == Some(XCPU) {
            let seconds = self.process.cpu_seconds;
            (
                limit(Limit::RunTime),
                format!("the method's process used its {seconds} s of CPU time and was stopped"),
            )
        } else {
            let how = match &status {
                Ok(status) => status.to_string(),
                Err(e) => e.to_string(),
            };
            let why = if last_line.is_empty() { String::new() } else { format!(": {last_line}") };
            (MethodErrorKind::Runtime, format!("the method's process died ({how}){why}"))
        };
        if self.log.incidents.len() < AccessLog::MAX_INCIDENTS {
            let incident =
                Incident { entry, epoch, kind: kind.clone(), message: message.clone(), position: None };
            self.log.incidents.push(incident);
        }
        let error = MethodError {
            method: self.name.clone(),
            file: Some(self.file.clone()),
            entry,
            kind,
            message,
            position: None,
        };
        self.stopped = Some(error.clone());
        error
    }

    /// The worker's error for an answer that does not fit the question.
    fn out_of_turn(&mut self, entry: EntryPoint, epoch: Option<u32>) -> MethodError {
        self.stop(entry, epoch, Cause::Garbled("an answer to another question".into()))
    }
}

impl StudentMethod for IsolatedMethod {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn needs_student_predictions(&self) -> bool {
        self.needs_student
    }

    fn configure(&mut self, task: &TaskInfo) -> Result<StudentConfig, MethodError> {
        let request = Request::Configure { num_classes: task.num_classes, num_examples: task.num_examples };
        match self.exchange(EntryPoint::Configure, None, &request, &[])? {
            (Outcome::Configured(config), _) => Ok(config),
            (Outcome::Failed(e), _) => Err(*e),
            _ => Err(self.out_of_turn(EntryPoint::Configure, None)),
        }
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        let (entry, epoch) = (EntryPoint::Targets, Some(ctx.epoch));
        let cells = ctx.num_examples.saturating_mul(ctx.num_classes);
        self.max_elements.store(cells, Ordering::Relaxed);
        let new_teacher = self.sent_teacher.as_deref() != Some(ctx.teacher);
        let request = Request::Targets { at: Epoch::of(ctx), new_teacher, student: ctx.student.is_some() };
        let mut matrices: Vec<&[f32]> = Vec::with_capacity(2);
        if new_teacher {
            matrices.push(ctx.teacher);
        }
        matrices.extend(ctx.student);
        let answer = self.exchange(entry, epoch, &request, &matrices);
        if new_teacher {
            self.sent_teacher = Some(ctx.teacher.to_vec());
        }
        match answer? {
            (Outcome::Teacher, _) => Ok(EpochTargets::Teacher),
            (Outcome::Unchanged, _) => Ok(EpochTargets::Unchanged),
            (Outcome::Custom { weights }, matrices) if matrices.len() == 1 + usize::from(weights) => {
                let mut matrices = matrices.into_iter();
                let targets = matrices.next().unwrap_or_default();
                Ok(EpochTargets::Custom { targets, weights: matrices.next() })
            }
            (Outcome::Failed(e), _) => Err(*e),
            _ => Err(self.out_of_turn(entry, epoch)),
        }
    }

    fn access_log(&self) -> Option<&AccessLog> {
        Some(&self.log)
    }
}

impl Drop for IsolatedMethod {
    fn drop(&mut self) {
        // Closing its input ends an idle worker; the kill ends one that is not, and the wait
        // leaves no zombie.
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why the parent stops a worker.
#[derive(Debug)]
enum Cause {
    /// Its pipes closed: it ended, or was ended, on its own.
    Ended,
    /// It did not answer within this long.
    Hung(Duration),
    /// It answered something the protocol does not allow.
    Garbled(String),
}

fn limit(which: Limit) -> MethodErrorKind {
    MethodErrorKind::LimitExceeded { which }
}

/// `SIGXCPU`, which the kernel sends a process past its `RLIMIT_CPU`.
const XCPU: i32 = 24;

#[cfg(unix)]
fn signal(status: &io::Result<std::process::ExitStatus>) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.as_ref().ok().and_then(|s| s.signal())
}

#[cfg(not(unix))]
fn signal(_: &io::Result<std::process::ExitStatus>) -> Option<i32> {
    None
}

/// Reads the worker's replies on a thread of its own, so that waiting for one can time out.
fn spawn_reader(
    stdout: impl Read + Send + 'static,
    max_elements: Arc<AtomicUsize>,
) -> io::Result<Receiver<Frame>> {
    let (send, receive) = mpsc::channel();
    thread::Builder::new().name("method-worker-replies".into()).spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let frame = read_frame::<Reply>(&mut stdout, 2, || max_elements.load(Ordering::Relaxed));
            let (message, last) = match frame {
                Ok(Some(frame)) => (Ok(frame), false),
                Ok(None) => (Err(io::ErrorKind::UnexpectedEof.into()), true),
                Err(e) => (Err(e), true),
            };
            if send.send(message).is_err() || last {
                break;
            }
        }
    })?;
    Ok(receive)
}

/// The last [`STDERR_TAIL_BYTES`] a worker wrote to stderr.
#[derive(Debug, Default)]
struct StderrTail {
    bytes: Vec<u8>,
    /// The worker closed its stderr (it ended): nothing more will come.
    closed: bool,
}

fn spawn_stderr_tail(stderr: impl Read + Send + 'static, tail: Arc<Mutex<StderrTail>>) -> io::Result<()> {
    thread::Builder::new().name("method-worker-stderr".into()).spawn(move || {
        let mut stderr = stderr;
        let mut buffer = [0u8; 1024];
        loop {
            let n = stderr.read(&mut buffer).unwrap_or(0);
            let Ok(mut tail) = tail.lock() else { return };
            if n == 0 {
                tail.closed = true;
                return;
            }
            tail.bytes.extend_from_slice(&buffer[..n]);
            let excess = tail.bytes.len().saturating_sub(STDERR_TAIL_BYTES);
            tail.bytes.drain(..excess);
        }
    })?;
    Ok(())
}
