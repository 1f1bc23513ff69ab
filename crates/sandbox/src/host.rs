//! [`RhaiMethod`]: a compiled `method.rhai` behind the [`StudentMethod`] boundary, and
//! [`check_method`], which validates a source without running it.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use aar_domain::{
    AccessLog, EntryPoint, EpochContext, EpochTargets, Incident, Limit, MethodError, MethodErrorKind,
    SourcePosition, StudentConfig, StudentMethod, TaskInfo,
};
use rhai::{AST, Dynamic, Engine, EvalAltResult, ParseError, ParseErrorType, Position, Scope};

use crate::context::{EpochView, TaskView};
use crate::limits::{Clock, SandboxLimits};
use crate::matrix::Matrix;
use crate::output::{Refused, read_config, read_targets};
use crate::state::{FUNCTIONS, HostError, HostState, Phase};

/// The file name errors report when the caller does not give one.
pub const DEFAULT_FILE: &str = "method.rhai";

/// Language features a method may not use. `eval` would run code the reviewer never read;
/// `import`/`export` would reach modules (and the module resolver reads files); without `try`,
/// every refused access stops the method, so probing cannot be caught and retried.
const DISABLED: [&str; 4] = ["eval", "import", "export", "try"];

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
}

impl Default for MethodEnv {
    fn default() -> Self {
        MethodEnv { file: DEFAULT_FILE.into(), clock: Clock::system() }
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
        let host = Arc::new(HostState::new(
            env.clock,
            limits.max_host_elements,
            limits.max_output_lines,
            limits.max_output_line_bytes,
        ));
        let mut engine = base_engine(&limits);
        let progress = host.clone();
        // Reading the clock costs about as much as an operation: look every 1024.
        engine.on_progress(move |ops| (ops % 1024 == 0 && progress.past_deadline()).then_some(Dynamic::UNIT));
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
            limits,
            info: MethodInfo { has_configure: false, needs_student: false, functions: Vec::new() },
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

    /// Runs `function(arg)` under the call's deadline and budgets; errors come back recorded.
    fn call(&mut self, phase: Phase, function: &str, arg: Dynamic) -> Result<Dynamic, MethodError> {
        let clock = self.host.clock().clone();
        let started = clock.now();
        let left = self.limits.run_time.saturating_sub(self.spent);
        if left.is_zero() {
            let message = format!("the method has used its {:?} of run time", self.limits.run_time);
            return Err(self.record(phase, limit(Limit::RunTime), message, None));
        }
        let deadline = if left < self.limits.call_time { Limit::RunTime } else { Limit::CallTime };
        self.host.begin(phase, started + left.min(self.limits.call_time));
        let (engine, ast) = (&self.engine, &self.ast);
        // Rhai and the host functions should never panic; if one does, the method fails
        // instead of the engine's thread.
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            engine.call_fn::<Dynamic>(&mut Scope::new(), ast, function, (arg,))
        }));
        self.spent += clock.now().saturating_sub(started);
        self.collect_log();
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                let failure = self.classify(*error, deadline);
                Err(self.record(phase, failure.kind, failure.message, failure.position))
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(self.record(phase, MethodErrorKind::Runtime, format!("the sandbox failed: {what}"), None))
            }
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

    /// Logs a failure as an incident and returns it as this method's error.
    fn record(
        &mut self,
        phase: Phase,
        kind: MethodErrorKind,
        message: String,
        position: Option<SourcePosition>,
    ) -> MethodError {
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
                }
            }
            EvalAltResult::ErrorRuntime(thrown, _) => (
                MethodErrorKind::Runtime,
                format!("the method threw: {}", truncate(&thrown.to_string(), 500)),
            ),
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
        Failure { kind, message, position: source_position(position) }
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

fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

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
        let view = TaskView {
            name: task.name.clone(),
            num_classes: task.num_classes,
            num_examples: task.num_examples,
        };
        let value = self.call(phase, "configure", Dynamic::from(view))?;
        read_config(value, &self.limits.config)
            .map_err(|(kind, message)| self.record(phase, kind, message, None))
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
            teacher,
            student,
        };
        self.engine.set_max_array_size(self.limits.array_elements_for(n, k));
        let value = self.call(phase, "targets", Dynamic::from(view.clone()))?;
        read_targets(value, &view).map_err(|(kind, message)| self.record(phase, kind, message, None))
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
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_depth);
    engine.set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth);
    engine.set_max_string_size(limits.max_string_bytes);
    engine.set_max_array_size(limits.max_array_elements);
    engine.set_max_map_size(limits.max_map_entries);
    engine.set_max_variables(limits.max_variables);
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
