//! The worker side: a process that runs one method and nothing else, answering the verifying
//! process over its stdin and stdout ([`super::wire`]).

use std::io::{self, BufReader, BufWriter, Read, Write};

use aar_domain::{EpochTargets, MethodError, StudentMethod, TaskInfo};

use super::wire::{Outcome, PROTOCOL, ProcessLimits, Reply, Request, read_frame, write_frame};
use crate::host::{MethodEnv, RhaiMethod};

/// A request carries at most the teacher and the student.
const MAX_MATRICES: usize = 2;

/// Says it is ready, then serves requests from `input` until it ends. The first request must be
/// `Start`; the worker limits itself ([`ProcessLimits`]) before compiling the method.
pub(crate) fn serve(input: impl Read, output: impl Write) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut output = BufWriter::new(output);
    let ready = Reply { log: Default::default(), outcome: Outcome::Ready { protocol: PROTOCOL } };
    write_frame(&mut output, &ready, &[])?;
    let Some((Request::Start { source, name, file, withhold_teacher, limits, process }, _)) =
        read_frame::<Request>(&mut input, 0, || 0)?
    else {
        return Err(io::Error::other("the first request to a method worker must start a method"));
    };
    confine(process)?;
    let max_elements = limits.max_host_elements.min(usize::MAX as u64) as usize;
    let env = MethodEnv { file, withhold_teacher, ..MethodEnv::default() };
    let mut method = match RhaiMethod::with_env(&source, name, *limits, env) {
        Ok(method) => method,
        Err(e) => {
            // The compile error is in the log the parent reads with it.
            let reply = Reply { log: Default::default(), outcome: Outcome::Failed(Box::new(e)) };
            return write_frame(&mut output, &reply, &[]);
        }
    };
    let started = Outcome::Started { needs_student: method.needs_student_predictions() };
    write_frame(&mut output, &Reply { log: method.access_log().clone(), outcome: started }, &[])?;

    let mut teacher = Vec::new();
    while let Some((request, mut matrices)) =
        read_frame::<Request>(&mut input, MAX_MATRICES, || max_elements)?
    {
        let (outcome, custom) = match request {
            Request::Start { .. } => return Err(io::Error::other("a method worker runs one method")),
            Request::Configure { num_classes, num_examples } => {
                match method.configure(&TaskInfo { num_classes, num_examples }) {
                    Ok(config) => (Outcome::Configured(config), None),
                    Err(e) => (failed(e), None),
                }
            }
            Request::Targets { at, new_teacher, student } => {
                let mut matrices = matrices.drain(..);
                if new_teacher {
                    teacher = matrices.next().ok_or_else(|| io::Error::other("the teacher is missing"))?;
                }
                let student = if student {
                    Some(matrices.next().ok_or_else(|| io::Error::other("the student is missing"))?)
                } else {
                    None
                };
                let ctx = at.context(&teacher, student.as_deref());
                match method.targets(&ctx) {
                    Ok(EpochTargets::Teacher) => (Outcome::Teacher, None),
                    Ok(EpochTargets::Unchanged) => (Outcome::Unchanged, None),
                    Ok(EpochTargets::Custom { targets, weights }) => {
                        (Outcome::Custom { weights: weights.is_some() }, Some((targets, weights)))
                    }
                    Err(e) => (failed(e), None),
                }
            }
        };
        let reply = Reply { log: method.access_log().clone(), outcome };
        match &custom {
            Some((targets, Some(weights))) => write_frame(&mut output, &reply, &[targets, weights])?,
            Some((targets, None)) => write_frame(&mut output, &reply, &[targets])?,
            None => write_frame(&mut output, &reply, &[])?,
        }
    }
    Ok(())
}

fn failed(e: MethodError) -> Outcome {
    Outcome::Failed(Box::new(e))
}

/// Puts the worker under its operating-system limits: memory, CPU time, no core dumps, no files
/// written. (Not `PR_SET_PDEATHSIG`: it fires when the parent *thread* that spawned the worker
/// ends, and the API's blocking threads come and go. An orphaned worker reads the end of its
/// input once its call returns, which the sandbox's own deadlines bound, and exits.)
#[cfg(target_os = "linux")]
fn confine(limits: ProcessLimits) -> io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let cap = |n: u64| Rlimit { current: Some(n), maximum: Some(n) };
    setrlimit(Resource::Data, cap(limits.memory_bytes))?;
    setrlimit(Resource::Cpu, cap(limits.cpu_seconds))?;
    setrlimit(Resource::Core, cap(0))?;
    setrlimit(Resource::Fsize, cap(0))?;
    Ok(())
}

/// Elsewhere the worker still isolates crashes and deadlines (the parent's watchdog), without
/// operating-system limits.
#[cfg(not(target_os = "linux"))]
fn confine(_: ProcessLimits) -> io::Result<()> {
    Ok(())
}
