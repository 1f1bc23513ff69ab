//! The process boundary (`Isolation::Process`): a method in a worker gives exactly what it gives
//! in process, and whatever kills or hangs the worker becomes the method's error while the
//! verifying process (this test) goes on.

use std::time::{Duration, Instant};

use aar_domain::{EntryPoint, EpochTargets, Limit, MethodErrorKind, StudentMethod};
use aar_sandbox::{Isolation, MethodEnv, ProcessLimits, SandboxLimits, StartError, WorkerCommand};

use crate::support::{Data, method, task};

fn worker() -> WorkerCommand {
    WorkerCommand::program(env!("CARGO_BIN_EXE_aar-method-worker"))
}

fn isolated(source: &str, limits: SandboxLimits, process: ProcessLimits) -> Box<dyn StudentMethod + Send> {
    let isolation = Isolation::Process { worker: worker(), limits: process };
    match isolation.start(source, "test".into(), limits, MethodEnv::default()) {
        Ok(method) => method,
        Err(StartError::Method(e)) => panic!("{e}"),
        Err(StartError::Worker(e)) => panic!("{e}"),
    }
}

/// A demo method that reads the student, so that both matrices cross the pipe.
const SELF_TRAINING: &str = include_str!("../../../../demo/bundles/self-train-anchored/method.rhai");

#[test]
fn a_method_in_a_worker_returns_exactly_what_it_returns_in_process() {
    let data = Data::new();
    let mut here = method(SELF_TRAINING);
    let mut there = isolated(SELF_TRAINING, SandboxLimits::default(), ProcessLimits::default());
    assert_eq!(there.needs_student_predictions(), here.needs_student_predictions());
    assert!(there.needs_student_predictions());
    let config = here.configure(&task()).unwrap();
    assert_eq!(there.configure(&task()).unwrap(), config);
    let epochs = config.epochs.unwrap_or(20);
    let bits = |t: &EpochTargets| match t {
        EpochTargets::Custom { targets, weights } => {
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            Some((bits(targets), weights.as_deref().map(bits)))
        }
        _ => None,
    };
    for epoch in 0..epochs {
        let ctx = data.ctx(epoch, epochs);
        let (a, b) = (here.targets(&ctx).unwrap(), there.targets(&ctx).unwrap());
        assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&b), "epoch {epoch}");
        assert_eq!(bits(&a), bits(&b), "epoch {epoch}");
    }
    assert_eq!(there.access_log(), Some(here.access_log()), "the worker's access log comes back whole");
}

#[test]
fn a_method_that_does_not_compile_is_the_methods_error_with_its_position() {
    let isolation = Isolation::process(worker());
    let source = "fn targets(ctx) {\n  let x = ;\n}";
    let Err(StartError::Method(error)) =
        isolation.start(source, "test".into(), SandboxLimits::default(), MethodEnv::default())
    else {
        panic!("a syntax error must be the method's");
    };
    assert_eq!(error.kind, MethodErrorKind::Syntax);
    assert_eq!(error.entry, EntryPoint::Compile);
    assert_eq!(error.position.map(|p| p.line), Some(2), "{error}");
}

#[test]
fn memory_past_the_process_cap_stops_the_worker_not_the_verifier() {
    // Six copies of an array of 3.9 million numbers (62 MiB each): within the sandbox's own 512 MiB budget for values, past what a
    // 768 MiB worker has left beside the script thread's ~500 MiB stack reservation. In process
    // it runs; in the worker the allocation fails and the worker aborts.
    let source = "fn targets(ctx) {\n  let a = [];\n  a.pad(3900000, 0.5);\n  let b = a; let c = a; let d = a; let e = a; let f = a;\n  #{ targets: ctx.teacher }\n}";
    let data = Data::new();
    method(source).targets(&data.ctx(0, 10)).expect("in process, the sandbox's own budget allows it");
    let process = ProcessLimits { memory_bytes: 768 << 20, ..ProcessLimits::default() };
    let mut m = isolated(source, SandboxLimits::default(), process);
    let error = m.targets(&data.ctx(0, 10)).expect_err("the worker must run out of memory");
    assert_eq!(error.kind, MethodErrorKind::LimitExceeded { which: Limit::Memory }, "{error}");
    assert!(error.message.contains("ran out of its 0.8 GiB of memory"), "{error}");
    assert_eq!(error.entry, EntryPoint::Targets);
    let log = m.access_log().unwrap().clone();
    assert_eq!(log.incidents.last().map(|i| &i.kind), Some(&error.kind), "the crash is in the access log");
    // A dead worker stays dead: the next call gives the same error without a new incident.
    let again = m.targets(&data.ctx(1, 10)).unwrap_err();
    assert_eq!(again, error);
    assert_eq!(m.access_log().unwrap().incidents.len(), log.incidents.len());
}

/// A worker that says it is ready (the real one, with no request to serve), then does what
/// `then` says in its place: a crash or a hang after the handshake, as a method could cause.
fn ready_then(then: &str) -> WorkerCommand {
    let script = format!("\"$0\" {} </dev/null 2>/dev/null; {then}", aar_sandbox::WORKER_ARG);
    WorkerCommand {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), script.into(), env!("CARGO_BIN_EXE_aar-method-worker").into()],
    }
}

#[test]
fn a_worker_that_crashes_is_the_methods_error_naming_its_last_words() {
    // Whatever takes a worker down once it is running (here it segfaults instead of compiling
    // the method) ends the worker only.
    let crashing = ready_then("echo 'fatal runtime error: stack overflow' >&2; kill -SEGV $$");
    let isolation = Isolation::Process { worker: crashing, limits: ProcessLimits::default() };
    let Err(StartError::Method(error)) = isolation.start(
        "fn targets(ctx) { 1 }",
        "test".into(),
        SandboxLimits::default(),
        MethodEnv::default(),
    ) else {
        panic!("a crashed worker must be the method's error");
    };
    assert_eq!(error.kind, MethodErrorKind::Runtime, "{error}");
    assert!(error.message.contains("the method's process died"), "{error}");
    assert!(error.message.contains("SIGSEGV"), "{error}");
    assert!(error.message.ends_with(": fatal runtime error: stack overflow"), "{error}");
}

#[test]
fn a_worker_that_stops_answering_is_killed_by_the_watchdog() {
    let isolation =
        Isolation::Process { worker: ready_then("exec sleep 600"), limits: ProcessLimits::default() };
    let limits = SandboxLimits { call_time: Duration::from_millis(500), ..SandboxLimits::default() };
    let began = Instant::now();
    let Err(StartError::Method(error)) =
        isolation.start("fn targets(ctx) { 1 }", "test".into(), limits, MethodEnv::default())
    else {
        panic!("a hung worker must be the method's error");
    };
    assert_eq!(error.kind, MethodErrorKind::LimitExceeded { which: Limit::CallTime }, "{error}");
    assert!(error.message.contains("did not answer within 5.5s"), "{error}");
    assert!(began.elapsed() < Duration::from_secs(60), "the watchdog fired after {:?}", began.elapsed());
}

#[test]
fn a_worker_that_never_says_it_is_ready_is_the_verifiers_problem_not_the_methods() {
    // A wrong program or a broken install must not become a −1 for every method verified.
    for (program, args, says) in [
        ("/bin/sh", vec!["-c", "echo 'no such thing' >&2; exit 3"], "no such thing"),
        ("/bin/true", vec![], "exit status: 0"),
        ("/nonexistent/aar-method-worker", vec![], "/nonexistent/aar-method-worker"),
    ] {
        let worker =
            WorkerCommand { program: program.into(), args: args.into_iter().map(Into::into).collect() };
        let Err(StartError::Worker(why)) = Isolation::process(worker).start(
            "fn targets(ctx) { 1 }",
            "test".into(),
            SandboxLimits::default(),
            MethodEnv::default(),
        ) else {
            panic!("{program}: a worker that never started is no verdict on the method");
        };
        assert!(why.contains(says), "{program}: {why}");
    }
}
