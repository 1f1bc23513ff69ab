//! Attacks on the host process itself, as a red team wrote them against a release build: each
//! once aborted the process, ran past its deadline or filled gigabytes, and each must now be an
//! ordinary method error that names the limit and where in the source it broke.

use std::time::Duration;

use aar_domain::{Limit, MethodError, MethodErrorKind, StudentMethod};
use aar_sandbox::{RhaiMethod, SandboxLimits};

use crate::support::{Data, method, method_with, targets};

fn limit(which: Limit) -> MethodErrorKind {
    MethodErrorKind::LimitExceeded { which }
}

/// Runs `targets`, which must fail with `kind` at `line` of method.rhai.
fn stopped_at(m: &mut RhaiMethod, kind: MethodErrorKind, line: u32) -> MethodError {
    let error = targets(m).expect_err("the method must be stopped");
    assert_eq!(error.kind, kind, "{error}");
    assert_eq!(error.position.map(|p| p.line), Some(line), "{error}");
    assert!(error.to_string().contains(&format!("method.rhai:{line}:")), "{error}");
    error
}

#[test]
fn deeply_nested_values_are_a_limit_error_not_a_crash() {
    // Before: Rhai cloned, measured and dropped these recursively, and 10,000 levels overflowed
    // the stack (SIGABRT, the whole process gone). Were that to come back, this test process
    // would abort here rather than fail.
    for depth in [10_000, 100_000, 1_000_000] {
        for (wrap, kind) in
            [("[a]", Limit::ValueDepth), ("#{x: a}", Limit::ValueDepth), ("[#{x: a}]", Limit::ValueDepth)]
        {
            let source = format!(
                "fn targets(ctx) {{\n  let a = [];\n  let i = 0;\n  while i < {depth} {{\n    a = {wrap};\n    i += 1;\n  }}\n  #{{ targets: ctx.teacher }}\n}}"
            );
            let error = stopped_at(&mut method(&source), limit(kind.clone()), 5);
            assert!(error.message.contains("deeper than 32 levels (max_value_depth)"), "{error}");
        }
    }
    // Through recursion, and returned rather than kept: the returned value is audited too.
    let mut m = method(
        "fn targets(ctx) {\n  wrap([], 60)\n}\nfn wrap(a, n) { if n == 0 { a } else { wrap([a], n - 1) } }",
    );
    let error = targets(&mut m).unwrap_err();
    assert_eq!(error.kind, limit(Limit::ValueDepth), "{error}");
    // A method may nest as deep as the limit allows.
    let mut m = method(
        "fn targets(ctx) {\n  let a = [];\n  for i in 0..30 { a = [a]; }\n  let b = a;\n  print(b == a);\n  #{ targets: ctx.teacher }\n}",
    );
    targets(&mut m).expect("30 levels are within the limit");
    assert_eq!(m.access_log().output.last().map(|l| l.text.as_str()), Some("true"));
}

#[test]
fn copies_of_host_matrices_are_charged_to_the_memory_budget() {
    // Before: every `t[0] = ...` on a shared matrix copied all of it, charged to nothing; a
    // loop keeping the copies reached 6.4 GB and the run "succeeded".
    let limits = SandboxLimits { max_memory_bytes: 4 << 20, ..SandboxLimits::default() };
    let source = "fn targets(ctx) {\n  let copies = [];\n  loop {\n    let t = ctx.teacher;\n    t[0] = t[1];\n    copies.push(t);\n  }\n}";
    let mut m = method_with(source, limits);
    let error = targets(&mut m).expect_err("stopped");
    assert_eq!(error.kind, limit(Limit::Memory), "{error}");
    assert!(error.message.contains("more than 4194304 bytes (max_memory_bytes)"), "{error}");
    assert!(error.message.contains("most of them in matrices"), "{error}");
    assert!(error.position.is_some(), "{error}");
}

#[test]
fn a_map_of_large_strings_is_stopped_near_the_memory_budget() {
    // Before: Rhai measures a map only when a method is called on it, so `m[key] = value` under
    // new keys grew without bound (4.6 GB of 512 KiB strings).
    let budget = 32 << 20;
    let limits = SandboxLimits { max_memory_bytes: budget, ..SandboxLimits::default() };
    let source = "fn targets(ctx) {\n  let s = \"x\";\n  while s.len() < 524288 { s += s; }\n  let m = #{};\n  let i = 0;\n  loop {\n    m[`k${i}`] = s + i;\n    i += 1;\n    print(i);\n  }\n}";
    let mut m = method_with(source, limits);
    let error = targets(&mut m).expect_err("stopped");
    assert_eq!(error.kind, limit(Limit::Memory), "{error}");
    assert!(error.message.contains("(max_memory_bytes)"), "{error}");
    assert!(error.message.contains("most of them in strings"), "{error}");
    // At whichever variable read of the loop the audit came due.
    assert!(matches!(error.position.map(|p| p.line), Some(7..=9)), "{error}");
    // How many strings it made before it was stopped: within the budget plus what the
    // operations between two audits can add (documented in docs/method-api.md).
    let made: usize = m.access_log().output.last().unwrap().text.parse().unwrap();
    assert!(made * 524_288 <= budget + (16 << 20), "{made} strings of 512 KiB");
}

#[test]
fn sleep_is_gone() {
    // Before: `sleep(25)` blocked for 25 s inside one operation, where no deadline looks.
    for call in ["sleep(25)", "sleep(0.5)"] {
        let mut m = method(&format!("fn targets(ctx) {{\n  {call};\n  #{{ targets: ctx.teacher }}\n}}"));
        let error = stopped_at(&mut m, MethodErrorKind::Forbidden { what: "sleep()".into() }, 2);
        assert!(error.message.contains("not available"), "{error}");
    }
    // Nothing else of Rhai's that reads a clock or waits is there either (`no_time`).
    for call in ["timestamp()", "elapsed(1)", "wait(1)", "now()", "instant()"] {
        let mut m = method(&format!("fn targets(ctx) {{\n  {call}\n}}"));
        let error = targets(&mut m).expect_err(call);
        assert!(matches!(error.kind, MethodErrorKind::Forbidden { .. }), "{error}");
    }
}

#[test]
fn expensive_host_calls_are_charged_and_stopped_at_the_deadline() {
    // Before: a host call counted as one operation however much it scanned, and the clock was
    // read every 1,024 operations, so a loop of `column_means` over a large matrix ran minutes
    // past a 10 s limit. The test clock advances 1 ms per reading: a call limit of 50 ms is 50
    // readings, and each call scanning 100,000 values now reads the clock after it.
    let limits = SandboxLimits { call_time: Duration::from_millis(50), ..SandboxLimits::default() };
    let source =
        "fn targets(ctx) {\n  let big = uniform(10000, 10);\n  loop {\n    column_means(big);\n  }\n}";
    let mut m = method_with(source, limits);
    let error = stopped_at(&mut m, limit(Limit::CallTime), 4);
    let calls = m.access_log().calls["column_means"];
    // Unchecked, the loop made about 1,024 / 4 calls per clock reading: some 12,000 calls.
    assert!(calls <= 60, "{calls} calls of column_means before the deadline stopped it: {error}");

    // What a call reads counts towards the host-work budget, not only what it produces.
    let limits = SandboxLimits { max_host_elements: 1_000_000, ..SandboxLimits::default() };
    let source =
        "fn targets(ctx) {\n  let big = uniform(10000, 10);\n  loop {\n    column_means(big);\n  }\n}";
    let mut m = method_with(source, limits);
    let error = stopped_at(&mut m, limit(Limit::HostWork), 4);
    assert!(m.access_log().calls["column_means"] < 10, "{error}");
}

#[test]
fn every_limit_error_names_where_it_happened() {
    let small = SandboxLimits { max_operations: 10_000, ..SandboxLimits::default() };
    // Rhai gives no position for these: the sandbox raises them at the next variable read it
    // sees, or names the entry point's definition.
    let counting = "fn targets(ctx) {\n  let a = [0];\n  loop { a = [a[0]]; }\n}";
    stopped_at(&mut method_with(counting, small.clone()), limit(Limit::Operations), 3);
    let timed = SandboxLimits { call_time: Duration::from_millis(20), ..SandboxLimits::default() };
    stopped_at(&mut method_with(counting, timed.clone()), limit(Limit::CallTime), 3);
    stopped_at(&mut method_with("\nfn targets(ctx) {\n  loop { }\n}", small), limit(Limit::Operations), 2);
    stopped_at(&mut method_with("\nfn targets(ctx) {\n  loop { }\n}", timed), limit(Limit::CallTime), 2);
    // Rhai drops the position of its own size and depth errors on their way out of a script
    // function: these name the entry point's definition (line 2 here), never nothing.
    let sized =
        |body: &str| method(&format!("\nfn targets(ctx) {{\n  {body}\n}}\nfn down(i) {{ down(i + 1) }}"));
    stopped_at(&mut sized("let s = \"ab\"; loop { s += s; }"), limit(Limit::StringSize), 2);
    stopped_at(&mut sized("let a = [0]; loop { a += a; }"), limit(Limit::ArraySize), 2);
    stopped_at(&mut sized("down(0)"), limit(Limit::CallDepth), 2);
    let maps = SandboxLimits { max_map_entries: 100, ..SandboxLimits::default() };
    stopped_at(
        &mut method_with(
            "fn targets(ctx) {\n  let m = #{};\n  for i in 0..1000 { m[`k${i}`] = i; m.len(); }\n}",
            maps,
        ),
        limit(Limit::MapSize),
        1,
    );
    let host = SandboxLimits { max_host_elements: 10_000, ..SandboxLimits::default() };
    stopped_at(
        &mut method_with("fn targets(ctx) {\n  uniform(1000, 1000)\n}", host),
        limit(Limit::HostWork),
        2,
    );
}

#[test]
fn error_texts_are_bounded() {
    // Before: a 0.9 MB property name came back in the error's kind and message, and again in the
    // incident: 5.2 MB stored per failed run.
    let grow = "let s = \"x\";\n  while s.len() < 900000 { s += s; }";
    let mut m = method(&format!("fn targets(ctx) {{\n  {grow}\n  ctx[s]\n}}"));
    let error = targets(&mut m).unwrap_err();
    let MethodErrorKind::Forbidden { what } = &error.kind else { panic!("{error}") };
    assert!(what.len() < 400 && what.contains("more bytes cut]"), "{what}");
    assert!(
        error.message.len() < 5000 && error.message.contains("more bytes cut]"),
        "{}",
        error.message.len()
    );
    let incident = m.access_log().incidents.last().unwrap();
    assert_eq!((&incident.kind, &incident.message), (&error.kind, &error.message));

    let mut m = method(&format!("fn targets(ctx) {{\n  {grow}\n  throw s;\n}}"));
    let error = targets(&mut m).unwrap_err();
    assert!(error.message.len() < 1000, "{}", error.message.len());
    // A thrown value is described, not printed whole.
    let mut m = method("fn targets(ctx) {\n  throw to_array(ctx.teacher);\n}");
    let error = targets(&mut m).unwrap_err();
    assert!(error.message.len() < 1000, "{}", error.message);
}

#[test]
fn honest_methods_still_run_and_agree_with_themselves() {
    let source = include_str!("../../../../demo/bundles/logconf-v1/method.rhai");
    let data = Data::new();
    let run = || {
        let mut m = method(source);
        (0..5).map(|epoch| m.targets(&data.ctx(epoch, 5)).unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
