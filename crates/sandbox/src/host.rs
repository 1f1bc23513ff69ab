//! [`RhaiMethod`]: a compiled `method.rhai` behind the [`StudentMethod`] boundary, and
//! [`check_method`], which validates a source without running it.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use aar_domain::{
    AccessLog, EntryPoint, EpochContext, EpochTargets, Incident, Limit, MethodError, MethodErrorKind,
    SourcePosition, StudentConfig, StudentMethod, TaskInfo,
};
use rhai::{
    AST, Dynamic, Engine, EvalAltResult, NativeCallContext, ParseError, ParseErrorType, Position, Scope,
};

use crate::audit::{bounded, describe};
use crate::context::{EpochView, TaskView};
use crate::limits::{Clock, SandboxLimits};
use crate::matrix::Matrix;
use crate::output::{Refused, read_config, read_targets};
use crate::state::{AUDIT_EVERY_MAX, FUNCTIONS, HostError, HostState, Phase};

/// Bytes kept of an error message, and of a name inside an error kind (a forbidden property, an
/// output key): a script controls both, and every failed run stores them several times.
const MAX_MESSAGE_BYTES: usize = 4096;
const MAX_NAME_BYTES: usize = 256;

/// The deepest a value can nest while the script runs: an audit refuses anything deeper than
/// `max_value_depth` (at most [`SandboxLimits::MAX_VALUE_DEPTH`]), audits come at most
/// [`AUDIT_EVERY_MAX`] operations apart, one level costs at least one operation, and one
/// expression or chain of script calls without a variable read adds at most `64 x 64` levels.
pub(crate) const MAX_REACHABLE_DEPTH: usize =
    SandboxLimits::MAX_VALUE_DEPTH + AUDIT_EVERY_MAX as usize + 64 * 64;

/// The stack of the thread a script runs on: room for Rhai's recursion over a value
/// [`MAX_REACHABLE_DEPTH`] deep (cloning, dropping, measuring, comparing or printing it), at
/// 24 KiB a level, many times what a level takes; a test builds such a value and runs all of
/// these on it. About 500 MiB of address space, committed only as a script touches it.
const SCRIPT_STACK: usize = MAX_REACHABLE_DEPTH * 24 * 1024;

/// The file name errors report when the caller does not give one.
pub const DEFAULT_FILE: &str = "method.rhai";

/// Language features a method may not use. `eval` would run code the reviewer never read;
/// `import`/`export` would reach modules (and the module resolver reads files); without `try`,
/// every refused access stops the method, so probing cannot be caught and retried.
const DISABLED: [&str; 4] = ["eval", "import", "export", "try"];

/// Functions of Rhai's standard library a method may not call (see `base_engine`).
pub(crate) const REMOVED: [&str; 1] = ["sleep"];

/// What [`check_method`] learns from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    /// Whether the method defines `fn configure(task)`.
    pub has_configure: bool,
    /// Whether the engine must compute the student's predictions every epoch: the source
    /// mentions `student` (a method that never names it cannot read `ctx.student`).
    pub needs_student: bool,
    /// The functions the source defines, as `name/arity`, sorted.
    pub functions: Vec<String>,
}

/// Where a method comes from and what it is measured against: the file its errors name, and
/// the clock its deadlines run on.
#[derive(Debug, Clone)]
pub struct MethodEnv {
    pub file: String,
    pub clock: Clock,
    /// Withholds `ctx.teacher`: reading it is a `Forbidden` error. For methods declared
    /// `unsupervised`, so that a family is what the method does, not what its author says.
    pub withhold_teacher: bool,
}

impl Default for MethodEnv {
    fn default() -> Self {
        MethodEnv { file: DEFAULT_FILE.into(), clock: Clock::system(), withhold_teacher: false }
    }
}

/// Parses and checks a method without running it: syntax (with line and column), forbidden
/// language features, a `fn targets(ctx)` with one parameter, and `fn configure(task)`, when
/// present, with one parameter.
pub fn check_method(source: &str) -> Result<MethodInfo, MethodError> {
    let engine = base_engine(&SandboxLimits::default());
    compile(&engine, source).map(|(_, info)| info)
}

/// A submission's method, compiled and ready to run in the sandbox. See the crate docs for what
/// it can and cannot reach.
#[derive(Debug)]
pub struct RhaiMethod {
    name: String,
    file: String,
    engine: Engine,
    ast: AST,
    host: Arc<HostState>,
    limits: SandboxLimits,
    info: MethodInfo,
    /// The source, to name a definition's line where Rhai gives no position.
    source: String,
    withhold_teacher: bool,
    /// The memory budget of the current task (`limits.memory_bytes_for`).
    memory_bytes: usize,
    /// Time spent inside the method so far (against `limits.run_time`).
    spent: Duration,
    log: AccessLog,
}

impl RhaiMethod {
    /// Compiles `source` (reported as `method.rhai`, timed with the system clock).
    pub fn new(source: &str, name: String, limits: SandboxLimits) -> Result<RhaiMethod, MethodError> {
        RhaiMethod::with_env(source, name, limits, MethodEnv::default())
    }

    pub fn with_env(
        source: &str,
        name: String,
        limits: SandboxLimits,
        env: MethodEnv,
    ) -> Result<RhaiMethod, MethodError> {
        let host = Arc::new(HostState::new(env.clock, &limits));
        let mut engine = base_engine(&limits);
        let progress = host.clone();
        // Stops a call that broke its operation or time limit and read no variable since.
        engine.on_progress(move |ops| progress.tick(ops).then_some(Dynamic::UNIT));
        // The variable resolver sees the whole scope: when an audit is due, the values alive are
        // measured there (crate::audit). It never resolves anything itself.
        let auditor = host.clone();
        #[allow(deprecated)] // Rhai marks `on_var` volatile, not deprecated.
        engine.on_var(move |_, _, context| {
            if auditor.audit_due() {
                if let Some(stop) = auditor.stopped() {
                    return Err(stop.into_eval(Position::NONE));
                }
                let values = context.scope().iter_raw().map(|(_, _, value)| value);
                auditor.audit(values).map_err(|e| e.into_eval(Position::NONE))?;
            }
            Ok(None)
        });
        let printer = host.clone();
        engine.on_print(move |text| printer.print(text, false));
        let debugger = host.clone();
        engine.on_debug(move |text, _, _| debugger.print(text, true));
        crate::api::register(&mut engine, &host);
        crate::context::register(&mut engine, &host);

        let mut method = RhaiMethod {
            name,
            file: env.file,
            engine,
            ast: AST::empty(),
            host,
            limits: limits.clone(),
            info: MethodInfo { has_configure: false, needs_student: false, functions: Vec::new() },
            source: source.to_string(),
            withhold_teacher: env.withhold_teacher,
            memory_bytes: limits.max_memory_bytes,
            spent: Duration::ZERO,
            log: AccessLog::default(),
        };
        let (ast, info) = compile(&method.engine, source).map_err(|e| {
            let phase = Phase { entry: EntryPoint::Compile, epoch: None };
            method.record(phase, e.kind, e.message, e.position)
        })?;
        method.ast = ast;
        method.info = info;
        Ok(method)
    }

    pub fn info(&self) -> &MethodInfo {
        &self.info
    }

    /// What the method read and called so far, what it printed, and every refusal.
    pub fn access_log(&self) -> &AccessLog {
        &self.log
    }

    /// Runs `function(arg)` under the call's deadline and budgets, and reads what it returned
    /// with `read`; errors come back recorded.
    ///
    /// The script runs on a thread of its own with a [`SCRIPT_STACK`] stack, and everything that
    /// touches its values (reading the result, describing an error, dropping them) happens there
    /// too: Rhai clones, drops and measures values recursively, and a value can nest up to
    /// [`MAX_REACHABLE_DEPTH`] levels before an audit stops it.
    fn call<T: Send>(
        &mut self,
        phase: Phase,
        function: &str,
        arg: Dynamic,
        read: impl FnOnce(Dynamic) -> Result<T, Refused> + Send,
    ) -> Result<T, MethodError> {
        let clock = self.host.clock().clone();
        let started = clock.now();
        let left = self.limits.run_time.saturating_sub(self.spent);
        if left.is_zero() {
            let message = format!("the method has used its {:?} of run time", self.limits.run_time);
            return Err(self.record(phase, limit(Limit::RunTime), message, None));
        }
        let deadline = if left < self.limits.call_time { Limit::RunTime } else { Limit::CallTime };
        self.host.begin(phase, started + left.min(self.limits.call_time), self.memory_bytes as u64);
        let this = &*self;
        let run = move || -> Result<T, Failure> {
            // Rhai and the host functions should never panic; if one does, the method fails
            // instead of the engine's thread.
            let result = panic::catch_unwind(AssertUnwindSafe(|| {
                this.engine.call_fn::<Dynamic>(&mut Scope::new(), &this.ast, function, (arg,))
            }));
            match result {
                Ok(Ok(value)) => {
                    // The value is the method's: as deep and as large as its variables may be.
                    if let Err(e) = this.host.audit_value(&value) {
                        return Err(this.classify(*e.into_eval(Position::NONE), deadline));
                    }
                    read(value).map_err(|(kind, message)| Failure { kind, message, position: None })
                }
                Ok(Err(error)) => {
                    let mut failure = this.classify(*error, deadline);
                    // Rhai gives no position for a limit hit in an empty loop body: name the
                    // entry point's definition.
                    failure.position = failure.position.or_else(|| this.definition(function));
                    Err(failure)
                }
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let message = format!("the sandbox failed: {what}");
                    Err(Failure { kind: MethodErrorKind::Runtime, message, position: None })
                }
            }
        };
        let outcome = std::thread::scope(|scope| {
            let thread = std::thread::Builder::new().name("method".into()).stack_size(SCRIPT_STACK);
            match thread.spawn_scoped(scope, run) {
                Ok(handle) => handle.join().map_err(|_| "the method's thread panicked".to_string()),
                Err(e) => Err(format!("the method's thread could not start: {e}")),
            }
        });
        self.spent += clock.now().saturating_sub(started);
        self.collect_log();
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(failure)) => Err(self.record(phase, failure.kind, failure.message, failure.position)),
            Err(message) => Err(self.record(phase, MethodErrorKind::Runtime, message, None)),
        }
    }

    /// Refreshes the counters and moves new output into the log.
    fn collect_log(&mut self) {
        let (reads, calls) = self.host.counts();
        let (lines, dropped) = self.host.take_output();
        self.log.reads = reads;
        self.log.calls = calls;
        self.log.output.extend(lines);
        self.log.output_dropped = dropped;
    }

    /// Logs a failure as an incident and returns it as this method's error. Texts that can
    /// carry script data (the message, a forbidden name, an output key) are cut to a few KiB.
    fn record(
        &mut self,
        phase: Phase,
        kind: MethodErrorKind,
        message: String,
        position: Option<SourcePosition>,
    ) -> MethodError {
        let message = bounded(&message, MAX_MESSAGE_BYTES);
        let kind = match kind {
            MethodErrorKind::Forbidden { what } => {
                MethodErrorKind::Forbidden { what: bounded(&what, MAX_NAME_BYTES) }
            }
            MethodErrorKind::BadOutput { what } => {
                MethodErrorKind::BadOutput { what: bounded(&what, MAX_NAME_BYTES) }
            }
            MethodErrorKind::LimitExceeded { which: Limit::Config { key } } => {
                limit(Limit::Config { key: bounded(&key, MAX_NAME_BYTES) })
            }
            other => other,
        };
        if self.log.incidents.len() < AccessLog::MAX_INCIDENTS {
            self.log.incidents.push(Incident {
                entry: phase.entry,
                epoch: phase.epoch,
                kind: kind.clone(),
                message: message.clone(),
                position,
            });
        }
        MethodError {
            method: self.name.clone(),
            file: Some(self.file.clone()),
            entry: phase.entry,
            kind,
            message,
            position,
        }
    }

    /// Turns Rhai's error into the sandbox's terms. `deadline` says which limit a timeout was.
    fn classify(&self, error: EvalAltResult, deadline: Limit) -> Failure {
        // Errors inside script functions arrive wrapped once per call level; the innermost one
        // is what happened, the innermost function where.
        let (mut error, mut inside, mut position) = (error, None, Position::NONE);
        while let EvalAltResult::ErrorInFunctionCall(name, _, inner, pos) = error {
            if !pos.is_none() {
                position = pos;
            }
            inside = Some(name);
            error = *inner;
        }
        if !error.position().is_none() {
            position = error.position();
        }
        error.clear_position();
        let limits = &self.limits;
        let (kind, message) = match error {
            EvalAltResult::ErrorRuntime(value, _) if value.is::<HostError>() => {
                match value.cast::<HostError>() {
                    HostError::BadArgument(message) => (MethodErrorKind::Runtime, message),
                    HostError::Forbidden { what, message } => (MethodErrorKind::Forbidden { what }, message),
                    HostError::Limit(which, message) => (limit(which), message),
                    HostError::Deadline if deadline == Limit::RunTime => (
                        limit(Limit::RunTime),
                        format!(
                            "the method used up its {:?} of run time (all calls together)",
                            limits.run_time
                        ),
                    ),
                    HostError::Deadline => (
                        limit(deadline.clone()),
                        format!("the call ran past its {:?} wall-clock limit", limits.call_time),
                    ),
                }
            }
            EvalAltResult::ErrorRuntime(thrown, _) => {
                (MethodErrorKind::Runtime, format!("the method threw: {}", describe(&thrown, 500)))
            }
            // The progress callback stops a loop that reads no variable after it broke a limit.
            EvalAltResult::ErrorTerminated(..)
                if matches!(self.host.stopped(), Some(HostError::Limit(Limit::Operations, _))) =>
            {
                (
                    limit(Limit::Operations),
                    format!("more than {} operations in one call", limits.max_operations),
                )
            }
            EvalAltResult::ErrorTerminated(..) if deadline == Limit::RunTime => (
                limit(Limit::RunTime),
                format!("the method used up its {:?} of run time (all calls together)", limits.run_time),
            ),
            EvalAltResult::ErrorTerminated(..) => (
                limit(Limit::CallTime),
                format!("the call ran past its {:?} wall-clock limit", limits.call_time),
            ),
            EvalAltResult::ErrorTooManyOperations(_) => (
                limit(Limit::Operations),
                format!("more than {} operations in one call", limits.max_operations),
            ),
            EvalAltResult::ErrorTooManyVariables(_) => {
                (limit(Limit::Variables), format!("more than {} variables", limits.max_variables))
            }
            EvalAltResult::ErrorStackOverflow(_) => (
                limit(Limit::CallDepth),
                format!("function calls nested deeper than {}", limits.max_call_depth),
            ),
            EvalAltResult::ErrorDataTooLarge(what, _) => {
                let which = match what.as_str() {
                    "Length of string" => Limit::StringSize,
                    "Size of object map" => Limit::MapSize,
                    _ => Limit::ArraySize,
                };
                (limit(which), format!("{what} is over the limit"))
            }
            // `Fn("eval")` reaches the parser at run time.
            EvalAltResult::ErrorParsing(ParseErrorType::Reserved(symbol), _)
                if DISABLED.contains(&symbol.as_str()) =>
            {
                (
                    MethodErrorKind::Forbidden { what: symbol.clone() },
                    format!("`{symbol}` is not available to methods"),
                )
            }
            EvalAltResult::ErrorTooManyModules(_) | EvalAltResult::ErrorModuleNotFound(..) => {
                (MethodErrorKind::Forbidden { what: "import".into() }, "modules are not available".into())
            }
            EvalAltResult::ErrorFunctionNotFound(signature, _) => {
                let name = signature.split([' ', '(']).next().unwrap_or_default().to_string();
                if self.is_known_function(&name) {
                    (
                        MethodErrorKind::Runtime,
                        format!("no version of `{name}` takes these arguments: {signature}"),
                    )
                } else {
                    (
                        MethodErrorKind::Forbidden { what: format!("{name}()") },
                        format!("`{signature}` is not a function of the method API or of this method"),
                    )
                }
            }
            other => (MethodErrorKind::Runtime, other.to_string()),
        };
        let message = match inside {
            Some(function) => format!("{message} (in fn {function})"),
            None => message,
        };
        // Some of Rhai's limit errors carry no position: name the last host call's instead.
        let position = source_position(position)
            .or_else(|| self.host.last_position().map(|(line, column)| SourcePosition { line, column }));
        Failure { kind, message, position }
    }

    /// Where `fn name(` is defined in the source (its first definition).
    fn definition(&self, name: &str) -> Option<SourcePosition> {
        let needle = format!("fn {name}(");
        self.source.lines().enumerate().find_map(|(i, line)| {
            let column = line.find(&needle)?;
            Some(SourcePosition { line: i as u32 + 1, column: column as u32 + 1 })
        })
    }

    fn is_known_function(&self, name: &str) -> bool {
        FUNCTIONS.contains(&name)
            || self.ast.iter_functions().any(|f| f.name == name)
            || STANDARD.contains(&name)
    }
}

/// Rhai's standard functions a method may call with wrong arguments (then a runtime error, not a
/// refused reach outside the API).
const STANDARD: [&str; 24] = [
    "push",
    "pop",
    "len",
    "insert",
    "remove",
    "append",
    "extend",
    "clear",
    "contains",
    "index_of",
    "map",
    "filter",
    "reduce",
    "sort",
    "reverse",
    "to_float",
    "to_int",
    "to_string",
    "abs",
    "sqrt",
    "exp",
    "ln",
    "floor",
    "round",
];

struct Failure {
    kind: MethodErrorKind,
    message: String,
    position: Option<SourcePosition>,
}

fn limit(which: Limit) -> MethodErrorKind {
    MethodErrorKind::LimitExceeded { which }
}

fn source_position(position: Position) -> Option<SourcePosition> {
    let line = position.line()?;
    Some(SourcePosition { line: line as u32, column: position.position().unwrap_or(0) as u32 })
}

impl StudentMethod for RhaiMethod {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn needs_student_predictions(&self) -> bool {
        self.info.needs_student
    }

    fn access_log(&self) -> Option<&AccessLog> {
        Some(&self.log)
    }

    fn configure(&mut self, task: &TaskInfo) -> Result<StudentConfig, MethodError> {
        let phase = Phase { entry: EntryPoint::Configure, epoch: None };
        if !self.info.has_configure {
            return Ok(StudentConfig::default());
        }
        let view = TaskView { num_classes: task.num_classes, num_examples: task.num_examples };
        let bounds = self.limits.config.clone();
        self.call(phase, "configure", Dynamic::from(view), move |value| read_config(value, &bounds))
    }

    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        let phase = Phase { entry: EntryPoint::Targets, epoch: Some(ctx.epoch) };
        let (n, k) = (ctx.num_examples, ctx.num_classes);
        let sized = |data: &[f32], what: &str| -> Result<Matrix, Refused> {
            if data.len() == n * k {
                Ok(Matrix::new(n, k, data.to_vec()))
            } else {
                let message = format!("the engine passed {} {what} values for {n} x {k}", data.len());
                Err((MethodErrorKind::Runtime, message))
            }
        };
        let matrices = sized(ctx.teacher, "teacher")
            .and_then(|teacher| Ok((teacher, ctx.student.map(|s| sized(s, "student")).transpose()?)));
        let (teacher, student) =
            matrices.map_err(|(kind, message)| self.record(phase, kind, message, None))?;
        let view = EpochView {
            epoch: ctx.epoch,
            epochs: ctx.epochs,
            round: ctx.round,
            rounds: ctx.rounds,
            num_classes: k,
            num_examples: n,
            teacher: (!self.withhold_teacher).then_some(teacher),
            student,
        };
        self.engine.set_max_array_size(self.limits.array_elements_for(n, k));
        self.memory_bytes = self.limits.memory_bytes_for(n, k);
        let arg = Dynamic::from(view.clone());
        self.call(phase, "targets", arg, move |value| read_targets(value, &view))
    }
}

/// An engine with the sandbox's language restrictions and limits, and nothing registered.
fn base_engine(limits: &SandboxLimits) -> Engine {
    let mut engine = Engine::new();
    for symbol in DISABLED {
        engine.disable_symbol(symbol);
    }
    // The default resolver reads scripts from disk; this one finds nothing.
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    engine.set_max_modules(0);
    // An undefined variable is a compile error, not a runtime surprise.
    engine.set_strict_variables(true);
    // The sandbox counts operations itself (HostState::tick), to stop at a variable read that
    // has a position; Rhai's own count is the backstop.
    engine.set_max_operations(limits.max_operations.saturating_add(2 * crate::state::STOP_GRACE));
    engine.set_max_call_levels(limits.max_call_depth);
    engine.set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth);
    engine.set_max_string_size(limits.max_string_bytes);
    engine.set_max_array_size(limits.max_array_elements);
    engine.set_max_map_size(limits.max_map_entries);
    engine.set_max_variables(limits.max_variables);
    // Rhai's standard library has one function that blocks: `sleep`, which no deadline can
    // interrupt (the progress callback runs between operations, and a sleep is one). Functions
    // registered on the engine are found before the standard library's, so these refuse it.
    for name in REMOVED {
        let refuse = move |ctx: NativeCallContext| -> Result<(), Box<EvalAltResult>> {
            let message = format!("`{name}` is not available to methods");
            Err(HostError::Forbidden { what: format!("{name}()"), message }.into_eval(ctx.call_position()))
        };
        engine.register_fn(name, move |ctx: NativeCallContext, _: rhai::INT| refuse(ctx));
        engine.register_fn(name, move |ctx: NativeCallContext, _: rhai::FLOAT| refuse(ctx));
    }
    // Until a method is configured, printing goes nowhere (never to the terminal).
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine
}

fn compile(engine: &Engine, source: &str) -> Result<(AST, MethodInfo), MethodError> {
    let ast = engine.compile(source).map_err(parse_error)?;
    let arities = |name: &str| {
        ast.iter_functions().filter(|f| f.name == name).map(|f| f.params.len()).collect::<Vec<_>>()
    };
    let syntax = |message: String| MethodError::new(EntryPoint::Compile, MethodErrorKind::Syntax, message);
    match arities("targets").as_slice() {
        [] => return Err(syntax("the method defines no `fn targets(ctx)`".into())),
        [1] => {}
        other => {
            return Err(syntax(format!("`fn targets` must take exactly one parameter (ctx), not {other:?}")));
        }
    }
    let has_configure = match arities("configure").as_slice() {
        [] => false,
        [1] => true,
        other => {
            return Err(syntax(format!(
                "`fn configure` must take exactly one parameter (task), not {other:?}"
            )));
        }
    };
    let mut functions: Vec<String> =
        ast.iter_functions().map(|f| format!("{}/{}", f.name, f.params.len())).collect();
    functions.sort();
    Ok((ast, MethodInfo { has_configure, needs_student: source.contains("student"), functions }))
}

fn parse_error(error: ParseError) -> MethodError {
    let ParseError(kind, position) = error;
    let disabled = |symbol: &str| DISABLED.contains(&symbol);
    let (kind, message) = match *kind {
        ParseErrorType::BadInput(rhai::LexError::ImproperSymbol(symbol, _)) if disabled(&symbol) => (
            MethodErrorKind::Forbidden { what: symbol.clone() },
            format!("`{symbol}` is not available to methods"),
        ),
        ParseErrorType::Reserved(symbol) if disabled(&symbol) => (
            MethodErrorKind::Forbidden { what: symbol.clone() },
            format!("`{symbol}` is not available to methods"),
        ),
        other => (MethodErrorKind::Syntax, other.to_string()),
    };
    MethodError {
        position: source_position(position),
        ..MethodError::new(EntryPoint::Compile, kind, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script thread's stack holds Rhai's recursion over the deepest value a script can
    /// build before an audit stops it: cloning, measuring, comparing, printing and dropping it,
    /// on an engine with no audit at all. Were the stack too small, this test process would
    /// abort.
    #[test]
    fn the_script_stack_holds_the_deepest_reachable_value() {
        let run = || {
            let mut engine = base_engine(&SandboxLimits::default());
            engine.set_max_array_size(0);
            let mut deep = Dynamic::from_array(rhai::Array::new());
            for _ in 0..MAX_REACHABLE_DEPTH {
                deep = Dynamic::from_array(vec![deep]);
            }
            let source =
                "fn f(a) { let b = a; let c = [b]; let s = `${a}`; debug(b); [a == b, s.len() > 0, c != b] }";
            let ast = engine.compile(source).unwrap();
            let result = engine.call_fn::<Dynamic>(&mut Scope::new(), &ast, "f", (deep,)).unwrap();
            result.to_string()
        };
        let thread = std::thread::Builder::new().stack_size(SCRIPT_STACK).spawn(run).unwrap();
        assert_eq!(thread.join().unwrap(), "[true, true, true]");
    }
}
