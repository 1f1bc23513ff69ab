//! Hostile methods: each is stopped with the right kind of error, naming the file, line and
//! column where there is one, and leaves an incident in the access log.

use std::time::Duration;

use aar_domain::{EntryPoint, Limit, MethodError, MethodErrorKind, StudentMethod};
use aar_sandbox::{RhaiMethod, SandboxLimits, check_method};

use crate::support::{Data, assert_valid, method, method_with, targets, task};

fn forbidden(what: &str) -> MethodErrorKind {
    MethodErrorKind::Forbidden { what: what.into() }
}

fn limit(which: Limit) -> MethodErrorKind {
    MethodErrorKind::LimitExceeded { which }
}

fn bad(what: &str) -> MethodErrorKind {
    MethodErrorKind::BadOutput { what: what.into() }
}

/// Runs `targets` and checks the error's kind, that it is the access log's last incident, and
/// that it is displayed with the method's name and file.
fn refused(method: &mut RhaiMethod, kind: MethodErrorKind) -> MethodError {
    let error = targets(method).expect_err("the method must be stopped");
    assert_eq!(error.kind, kind, "{error}");
    let incident = method.access_log().incidents.last().expect("an incident is logged");
    assert_eq!((&incident.kind, incident.position), (&error.kind, error.position));
    assert_eq!(incident.entry, EntryPoint::Targets);
    assert!(error.to_string().starts_with("method `test` (method.rhai"), "{error}");
    error
}

/// Compiling fails with `kind` at `line:column`.
fn refused_at_compile(source: &str, kind: MethodErrorKind, line: u32) {
    let error = RhaiMethod::new(source, "test".into(), SandboxLimits::default()).expect_err("refused");
    assert_eq!(error.kind, kind, "{error}");
    assert_eq!(error.position.map(|p| p.line), Some(line), "{error}");
    assert_eq!(check_method(source).unwrap_err().kind, kind);
}

#[test]
fn no_files_modules_eval_or_clocks() {
    refused_at_compile(
        "import \"/etc/passwd\" as p;\nfn targets(ctx) { ctx.teacher }",
        forbidden("import"),
        1,
    );
    refused_at_compile("fn targets(ctx) {\n  eval(\"ctx.teacher\")\n}", forbidden("eval"), 2);
    refused_at_compile("fn targets(ctx) {\n  try { ctx.gold } catch { }\n}", forbidden("try"), 2);

    let mut m = method("fn targets(ctx) {\n  let f = Fn(\"eval\");\n  f.call(\"1\")\n}");
    refused(&mut m, forbidden("eval"));
    for (call, what) in [
        ("open(\"/etc/passwd\")", "open()"),
        ("read_file(\"method.rhai\")", "read_file()"),
        ("timestamp()", "timestamp()"),
        ("env(\"HOME\")", "env()"),
        ("system(\"ls\")", "system()"),
        ("http_get(\"http://example.com\")", "http_get()"),
    ] {
        let mut m = method(&format!("fn targets(ctx) {{\n    {call}\n}}"));
        let error = refused(&mut m, forbidden(what));
        assert_eq!(error.position.map(|p| (p.line, p.column)), Some((2, 5)), "{error}");
    }
}

#[test]
fn probing_for_labels_or_held_out_splits_is_forbidden_and_logged() {
    for (expression, what) in [
        ("ctx.gold", "ctx.gold"),
        ("ctx.labels", "ctx.labels"),
        ("ctx.test", "ctx.test"),
        ("ctx[\"private\"]", "ctx.private"),
        ("ctx[\"gold\"]", "ctx.gold"),
        ("ctx[\"y\"]", "ctx.y"),
        ("ctx[0]", "ctx[0]"),
        ("ctx.inputs", "ctx.inputs"),
    ] {
        let mut m = method(&format!(
            "fn targets(ctx) {{\n  let x = {expression};\n  #{{ targets: ctx.teacher }}\n}}"
        ));
        let error = refused(&mut m, forbidden(what));
        assert_eq!(error.position.map(|p| p.line), Some(2), "{error}");
    }
    for call in ["gold()", "labels(ctx)", "ctx.gold()", "test_split()", "private_split(ctx)"] {
        let mut m = method(&format!("fn targets(ctx) {{\n  {call}\n}}"));
        let error = refused(&mut m, MethodErrorKind::Forbidden { what: format!("{}()", name_of(call)) });
        assert!(error.message.contains("not a function of the method API"), "{error}");
    }
    // Reached through a helper: the error names the helper and the line inside it.
    let mut m = method("fn targets(ctx) {\n  peek(ctx)\n}\nfn peek(c) {\n  c.gold_labels\n}");
    let error = refused(&mut m, forbidden("ctx.gold_labels"));
    assert_eq!(error.position.map(|p| p.line), Some(5));
    assert!(error.message.contains("(in fn peek)"), "{error}");

    // `task` in configure: same rules.
    let mut m = method("fn configure(task) {\n  task.test\n}\nfn targets(ctx) { ctx.teacher }");
    let error = m.configure(&task()).unwrap_err();
    assert_eq!(error.kind, forbidden("task.test"));
    assert_eq!(error.entry, EntryPoint::Configure);
    assert_eq!(m.access_log().incidents.len(), 1);
}

fn name_of(call: &str) -> &str {
    let name = call.split('(').next().unwrap();
    name.rsplit('.').next().unwrap()
}

#[test]
fn loops_recursion_and_growth_hit_their_limits() {
    let small = SandboxLimits { max_operations: 100_000, ..SandboxLimits::default() };
    refused(&mut method_with("fn targets(ctx) { loop { } }", small), limit(Limit::Operations));

    // With a large operation budget the wall-clock deadline stops it (1 ms per clock reading).
    let timed = SandboxLimits { call_time: Duration::from_millis(50), ..SandboxLimits::default() };
    refused(&mut method_with("fn targets(ctx) { while true { } }", timed), limit(Limit::CallTime));
    // The run budget counts the time of all calls together.
    let run = SandboxLimits {
        call_time: Duration::from_millis(100),
        run_time: Duration::from_millis(150),
        ..SandboxLimits::default()
    };
    let mut m =
        method_with("fn targets(ctx) { if ctx.epoch > 0 { loop { } } #{ targets: ctx.teacher } }", run);
    let data = Data::new();
    m.targets(&data.ctx(0, 10)).expect("a quick first call");
    let kinds: Vec<_> = (1..4).map(|epoch| m.targets(&data.ctx(epoch, 10)).unwrap_err().kind).collect();
    assert_eq!(kinds, [limit(Limit::CallTime), limit(Limit::RunTime), limit(Limit::RunTime)]);
    assert_eq!(
        m.access_log().incidents.iter().map(|i| i.epoch).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)]
    );

    refused(&mut method("fn targets(ctx) { down(0) }\nfn down(i) { down(i + 1) }"), limit(Limit::CallDepth));
    refused(&mut method("fn targets(ctx) { let s = \"ab\"; loop { s += s; } }"), limit(Limit::StringSize));
    refused(&mut method("fn targets(ctx) { let a = [0]; loop { a += a; } }"), limit(Limit::ArraySize));
    refused(&mut method("fn targets(ctx) { let a = [0]; loop { a = [a, a]; } }"), limit(Limit::ArraySize));
    refused(&mut method("fn targets(ctx) { let a = []; a.pad(100000000, 0); }"), limit(Limit::ArraySize));
    let maps = SandboxLimits { max_map_entries: 1000, ..SandboxLimits::default() };
    let mut m = method_with(
        "fn targets(ctx) { let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += m.len(); } }",
        maps,
    );
    refused(&mut m, limit(Limit::MapSize));
    // Host functions allocate outside Rhai's view: their output is budgeted per call.
    let host = SandboxLimits { max_host_elements: 100_000, ..SandboxLimits::default() };
    let mut m =
        method_with("fn targets(ctx) { let all = []; loop { all.push(harden(ctx.teacher)); } }", host);
    refused(&mut m, limit(Limit::HostWork));
    refused(&mut method("fn targets(ctx) { uniform(1000000000, 1000) }"), limit(Limit::HostWork));
}

#[test]
fn throwing_and_bad_arguments_are_runtime_errors() {
    let mut m = method("fn targets(ctx) {\n  throw \"giving up\";\n}");
    let error = refused(&mut m, MethodErrorKind::Runtime);
    assert!(error.message.contains("giving up"), "{error}");
    assert_eq!(error.position.map(|p| p.line), Some(2));

    let mut m = method("fn targets(ctx) {\n  harden_balanced(ctx.teacher, [1.0])\n}");
    let error = refused(&mut m, MethodErrorKind::Runtime);
    assert!(error.message.contains("harden_balanced: balance has 1 values for 10 classes"), "{error}");
    let mut m = method("fn targets(ctx) { ctx.teacher[300] }");
    refused(&mut m, MethodErrorKind::Runtime);
    let mut m = method("fn targets(ctx) { argmax(\"teacher\") }");
    refused(&mut m, MethodErrorKind::Runtime);
}

#[test]
fn configure_cannot_ask_for_absurd_budgets() {
    for (overrides, kind) in [
        ("epochs: 1000000", limit(Limit::Config { key: "epochs".into() })),
        ("epochs: 0", limit(Limit::Config { key: "epochs".into() })),
        ("lr: 1e9", limit(Limit::Config { key: "lr".into() })),
        ("lr: 0.0", limit(Limit::Config { key: "lr".into() })),
        ("batch_size: 0", limit(Limit::Config { key: "batch_size".into() })),
        ("batch_size: 100000000", limit(Limit::Config { key: "batch_size".into() })),
        ("weight_decay: -1.0", limit(Limit::Config { key: "weight_decay".into() })),
        ("rounds: 99", limit(Limit::Config { key: "rounds".into() })),
        ("epochs: \"ten\"", bad("epochs")),
        ("seeds: [1, 2]", bad("seeds")),
        ("eval_split: \"test\"", bad("eval_split")),
    ] {
        let mut m = method(&format!(
            "fn configure(task) {{ #{{ {overrides} }} }}\nfn targets(ctx) {{ ctx.teacher }}"
        ));
        let error = m.configure(&task()).expect_err(overrides);
        assert_eq!(error.kind, kind, "{overrides}: {error}");
        assert_eq!(m.access_log().incidents.last().unwrap().kind, kind);
    }
    let mut m = method(
        "fn configure(task) { #{ epochs: 40, lr: 0.5, batch_size: 32, weight_decay: 0, rounds: 2 } }\nfn targets(ctx) { ctx.teacher }",
    );
    let config = m.configure(&task()).unwrap();
    assert_eq!((config.epochs, config.learning_rate, config.batch_size), (Some(40), Some(0.5), Some(32)));
    assert_eq!((config.weight_decay, config.rounds), (Some(0.0), 2));
}

#[test]
fn poisoned_outputs_never_reach_the_engine() {
    let row_fix = "let t = to_array(ctx.teacher);";
    for (body, kind, message) in [
        ("let t = to_array(ctx.teacher); t[3][0] = 0.0 / 0.0;", bad("targets"), "targets row 3 holds NaN"),
        ("let t = to_array(ctx.teacher); t[4][1] = 1.0 / 0.0;", bad("targets"), "targets row 4 holds inf"),
        ("let t = to_array(ctx.teacher); t.pop();", bad("targets"), "targets have 299 rows"),
        ("let t = to_array(ctx.teacher); t[0].pop();", bad("targets"), "row 1 has 10 values, row 0 has 9"),
        (
            "let t = to_array(ctx.teacher); for r in 0..300 { t[r].pop(); }",
            bad("targets"),
            "targets rows have 9 values",
        ),
        ("let t = to_array(ctx.teacher); t[17][0] += 0.5;", bad("targets"), "targets row 17 sums to"),
        ("let t = to_array(ctx.teacher); t[5][0] = -t[5][0];", bad("targets"), "negative value"),
        ("let t = to_array(ctx.teacher); t[6][0] = \"x\";", bad("targets"), "row 6 column 0 is string"),
    ] {
        let mut m = method(&format!("fn targets(ctx) {{ {body} #{{ targets: t }} }}"));
        let error = refused(&mut m, kind);
        assert!(error.message.contains(message), "{body}: {error}");
    }
    for (weights, message) in [
        ("gt(confidence(ctx.teacher), 2.0)", "every weight is 0"),
        ("[1.0, 2.0]", "weights has 2 values"),
        (&format!("{{ {row_fix} let w = confidence(t); w[9] = -1.0; w }}"), "weights[9] is -1"),
        ("{ let w = confidence(ctx.teacher); w[2] = 1.0 / 0.0; w }", "weights[2] is inf"),
        ("\"all\"", "weights is string"),
    ] {
        let mut m = method(&format!("fn targets(ctx) {{ #{{ targets: ctx.teacher, weights: {weights} }} }}"));
        let error = refused(&mut m, bad("weights"));
        assert!(error.message.contains(message), "{weights}: {error}");
    }
    refused(&mut method("fn targets(ctx) { ctx.teacher }"), bad("output"));
    refused(&mut method("fn targets(ctx) { #{ weights: () } }"), bad("targets"));
    refused(&mut method("fn targets(ctx) { #{ targets: ctx.teacher, labels: 1 } }"), bad("labels"));
    refused(&mut method("fn targets(ctx) { #{ targets: 0.1 } }"), bad("targets"));
}

#[test]
fn a_hostile_method_does_not_disturb_an_honest_one_on_another_thread() {
    let hostile = std::thread::spawn(|| {
        let limits = SandboxLimits { call_time: Duration::from_millis(500), ..SandboxLimits::default() };
        let mut m = RhaiMethod::new("fn targets(ctx) { loop { } }", "hostile".into(), limits).unwrap();
        m.targets(&Data::new().ctx(0, 10)).unwrap_err()
    });
    let honest = std::thread::spawn(|| {
        let source = include_str!("../../../../demo/bundles/logconf-v1/method.rhai");
        let mut m = RhaiMethod::new(source, "honest".into(), SandboxLimits::default()).unwrap();
        let data = Data::new();
        (0..10).map(|epoch| m.targets(&data.ctx(epoch, 10)).unwrap()).collect::<Vec<_>>()
    });
    let honest = honest.join().unwrap();
    honest.iter().for_each(assert_valid);
    let expected = {
        let source = include_str!("../../../../demo/bundles/logconf-v1/method.rhai");
        let mut m = method(source);
        let data = Data::new();
        (0..10).map(|epoch| m.targets(&data.ctx(epoch, 10)).unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(honest, expected);
    assert_eq!(hostile.join().unwrap().kind, limit(Limit::CallTime));
}
