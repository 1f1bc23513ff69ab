//! The host API: the functions and the `Matrix` type behave as docs/method-api.md says, and
//! `check_method` reports what it finds.

use aar_domain::{EpochTargets, MethodErrorKind, StudentMethod};
use aar_sandbox::check_method;

use crate::support::{Data, K, N, method, targets};

/// Runs `body` (the inside of `targets`, which must evaluate to the returned map) at epoch 1.
fn run(body: &str) -> EpochTargets {
    let mut m = method(&format!("fn targets(ctx) {{ {body} }}"));
    targets(&mut m).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn custom(body: &str) -> (Vec<f32>, Option<Vec<f32>>) {
    match run(body) {
        EpochTargets::Custom { targets, weights } => (targets, weights),
        other => panic!("{body}: {other:?}"),
    }
}

fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |best, (j, &x)| if x > row[best] { j } else { best })
}

#[test]
fn the_teacher_returned_unchanged_stays_on_the_device() {
    assert_eq!(run("#{ targets: ctx.teacher }"), EpochTargets::Teacher);
    assert_eq!(run("let t = ctx.teacher; let u = t; #{ targets: u, weights: () }"), EpochTargets::Teacher);
    // Weighted, or edited (copy on write): a copy goes to the engine, and ctx.teacher is intact.
    let (targets, weights) = custom("#{ targets: ctx.teacher, weights: gt(confidence(ctx.teacher), 0.3) }");
    assert_eq!(targets, Data::new().teacher);
    assert!(weights.is_some());
    let (targets, _) = custom("let t = ctx.teacher; t[0] = one_hot(2, ctx.num_classes); #{ targets: t }");
    assert_eq!(&targets[..K], &[0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(&targets[K..], &Data::new().teacher[K..]);
}

#[test]
fn matrices_behave_like_arrays_of_rows() {
    let (targets, _) = custom(
        "let t = ctx.teacher;
         let rows = [];
         for row in t { rows.push(row); }
         if rows.len() != t.len() || t.rows != 300 || t.cols != 10 || t[-1] != rows[299] { throw \"shape\"; }
         if t[3][4] != rows[3][4] || type_of(t[0]) != \"array\" { throw \"index\"; }
         #{ targets: rows }",
    );
    assert_eq!(targets, Data::new().teacher);
}

#[test]
fn host_functions_accept_matrices_arrays_of_rows_and_rows() {
    let (a, _) = custom("#{ targets: harden(ctx.teacher) }");
    let (b, _) = custom("#{ targets: harden(to_array(ctx.teacher)) }");
    let (c, _) = custom("let out = []; for row in ctx.teacher { out.push(harden(row)); } #{ targets: out }");
    assert_eq!(a, b);
    assert_eq!(a, c);
    for (row, hard) in Data::new().teacher.chunks(K).zip(a.chunks(K)) {
        assert_eq!(hard[argmax(row)], 1.0);
    }
    let (m, _) = custom(
        "let t = ctx.teacher;
         let x = [argmax(t[0]), confidence(t[0]), entropy(t[0]), margin(t[0])];
         let y = [argmax(t)[0], confidence(t)[0], entropy(t)[0], margin(t)[0]];
         if x != y { throw `${x} != ${y}`; }
         #{ targets: mix(t, harden(t), 0.25) }",
    );
    let teacher = Data::new().teacher;
    for ((m, t), h) in m.iter().zip(&teacher).zip(&a) {
        assert!((m - (0.75 * t + 0.25 * h)).abs() < 1e-6);
    }
}

#[test]
fn mix_takes_one_weight_per_row() {
    let (m, _) =
        custom("let s = ctx.student; #{ targets: mix(ctx.teacher, harden(s), ge(confidence(s), 0.5)) }");
    let data = Data::new();
    for ((out, t), s) in m.chunks(K).zip(data.teacher.chunks(K)).zip(data.student.chunks(K)) {
        let confident = s.iter().cloned().fold(0.0, f32::max) >= 0.5;
        if confident {
            assert_eq!(out[argmax(s)], 1.0);
        } else {
            assert_eq!(out, t);
        }
    }
}

#[test]
fn harden_balanced_matches_the_balance() {
    // The teacher's balance imposed on the student: the hardened student has it exactly.
    let (hard, _) = custom(
        "let b = class_balance(ctx.teacher);
         let h = harden_balanced(ctx.student, b);
         let got = class_balance(h);
         for j in 0..10 { if (got[j] - b[j]).abs() > 0.5 / 300.0 { throw `${got} vs ${b}`; } }
         #{ targets: h }",
    );
    assert!(hard.chunks(K).all(|row| row.iter().sum::<f32>() == 1.0));
    // A uniform balance over 300 rows and 10 classes: 30 each.
    let (hard, _) = custom("#{ targets: harden_balanced(ctx.student, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) }");
    let mut counts = [0; K];
    hard.chunks(K).for_each(|row| counts[argmax(row)] += 1);
    assert_eq!(counts, [N / K; K]);
}

#[test]
fn masks_quantiles_and_per_class_selection() {
    let (_, w) = custom(
        "let c = confidence(ctx.teacher);
         let q = quantile(c, 0.5);
         if quantile([3, 1, 2], 0.5) != 2.0 || quantile([0.0, 1.0], 0.25) != 0.25 { throw \"quantile\"; }
         if mean(ge(c, q)) < 0.5 || sum(lt(c, q)) + sum(ge(c, q)) != 300.0 { throw \"masks\"; }
         #{ targets: ctx.teacher, weights: top_k_per_class(c, ctx.teacher, 3) }",
    );
    let w = w.unwrap();
    let teacher = Data::new().teacher;
    let mut kept = [0; K];
    for (row, w) in teacher.chunks(K).zip(&w) {
        if *w == 1.0 {
            kept[argmax(row)] += 1;
        }
    }
    assert!(kept.iter().all(|&k| k == 3), "{kept:?}");
    let (_, w) = custom(
        "#{ targets: ctx.teacher, weights: top_k_per_class(confidence(ctx.teacher), ctx.teacher, 0.5) }",
    );
    let kept = w.unwrap().iter().sum::<f32>();
    assert!((150.0..=160.0).contains(&kept), "{kept}");
}

#[test]
fn class_quantiles_and_take() {
    // Per-class cut-offs without a per-row loop: the median confidence of each teacher class,
    // then each row's own class's cut-off.
    let (_, w) = custom(
        "let t = ctx.teacher;
         let c = confidence(t);
         let labels = argmax(t);
         if take([10, 20, 30], [2, 0, 0]) != [30.0, 10.0, 10.0] || take([1.5], []) != [] { throw \"take\"; }
         let m = [[0.9, 0.1, 0.0], [0.2, 0.8, 0.0], [0.6, 0.4, 0.0]];
         if class_quantiles([1, 5, 3], m, 0.5) != [2.0, 5.0, ()] { throw `${class_quantiles([1, 5, 3], m, 0.5)}`; }
         let cuts = class_quantiles(c, t, 0.5);
         #{ targets: t, weights: ge(c, take(cuts, labels)) }",
    );
    let teacher = Data::new().teacher;
    let w = w.unwrap();
    for j in 0..K {
        let mut confs: Vec<f32> = Vec::new();
        let mut kept = Vec::new();
        for (row, w) in teacher.chunks(K).zip(&w) {
            if argmax(row) == j {
                confs.push(row.iter().cloned().fold(0.0, f32::max));
                kept.push((confs[confs.len() - 1], *w));
            }
        }
        confs.sort_by(f32::total_cmp);
        let pos = (confs.len() - 1) as f64 * 0.5;
        let (lo, hi) = (f64::from(confs[pos.floor() as usize]), f64::from(confs[pos.ceil() as usize]));
        let median = lo + (hi - lo) * (pos - pos.floor());
        for (c, w) in kept {
            assert_eq!(w == 1.0, f64::from(c) >= median, "class {j}: {c} vs {median}");
        }
    }
    for (body, message) in [
        ("class_quantiles([1, 2], [[1, 0]], 0.5)", "class_quantiles: xs has 2 values for 1 rows"),
        ("take([1, 2], [2])", "take: indices[0] is 2"),
        ("take([1, 2], [0.5])", "take: indices[0] is 0.5"),
    ] {
        let mut m = method(&format!("fn targets(ctx) {{ {body}; #{{ targets: ctx.teacher }} }}"));
        let error = targets(&mut m).unwrap_err();
        assert_eq!(error.kind, MethodErrorKind::Runtime, "{body}");
        assert!(error.message.contains(message), "{body}: {error}");
    }
}

#[test]
fn products_powers_and_normalisation() {
    let (p, _) = custom("#{ targets: product(ctx.teacher, ctx.student) }");
    let data = Data::new();
    for ((p, t), s) in p.chunks(K).zip(data.teacher.chunks(K)).zip(data.student.chunks(K)) {
        let z: f32 = t.iter().zip(s).map(|(a, b)| a * b).sum();
        for j in 0..K {
            assert!((p[j] - t[j] * s[j] / z).abs() < 1e-5);
        }
    }
    // power_normalise works in logs: huge powers of small probabilities do not underflow.
    let (h, _) = custom("#{ targets: power_normalise(ctx.student, 1000.0) }");
    let (hard, _) = custom("#{ targets: harden(ctx.student) }");
    assert_eq!(h, hard);
    let (s, _) = custom(
        "let m = scale_columns(ctx.teacher, [2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
         let u = normalise(mix(uniform(300, 10), m, 0.5));
         if column_means(uniform(2, 4)) != [0.25, 0.25, 0.25, 0.25] { throw \"means\"; }
         #{ targets: u }",
    );
    assert!(s.chunks(K).all(|row| (row.iter().sum::<f32>() - 1.0).abs() < 1e-5));
}

#[test]
fn reads_and_calls_are_counted() {
    let mut m = method(
        "fn configure(task) { if task.name == \"\" { throw \"name\"; } #{ epochs: task.num_classes * 2 } }
         fn targets(ctx) { for i in 0..3 { harden(ctx.teacher); } #{ targets: ctx.teacher } }",
    );
    assert_eq!(m.configure(&crate::support::task()).unwrap().epochs, Some(20));
    targets(&mut m).unwrap();
    let log = m.access_log();
    assert_eq!(log.reads["ctx.teacher"], 4);
    assert_eq!(log.reads["task.name"], 1);
    assert_eq!(log.reads["task.num_classes"], 1);
    assert_eq!(log.calls["harden"], 3);
    assert!(!log.reads.contains_key("ctx.student"));
    let json = serde_json_like(log);
    assert!(json.contains("ctx.teacher"), "{json}");
}

/// The access log is plain data for the report (serde); Debug stands in for JSON here.
fn serde_json_like(log: &aar_domain::AccessLog) -> String {
    format!("{log:?}")
}

#[test]
fn print_is_captured_and_capped() {
    let limits =
        aar_sandbox::SandboxLimits { max_output_lines: 3, max_output_line_bytes: 5, ..Default::default() };
    let mut m = crate::support::method_with(
        "fn targets(ctx) { for i in 0..10 { print(`line ${i} is long`); } debug(1); #{ targets: ctx.teacher } }",
        limits,
    );
    targets(&mut m).unwrap();
    let log = m.access_log();
    assert_eq!(log.output.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["line ", "line ", "line "]);
    assert_eq!(log.output_dropped, 8);
}

#[test]
fn check_method_finds_problems_without_running_anything() {
    let info =
        check_method("fn configure(task) { #{} }\nfn targets(ctx) { loop { } }\nfn helper(a, b) { a }")
            .unwrap();
    assert!(info.has_configure);
    assert!(!info.needs_student);
    assert_eq!(info.functions, ["configure/1", "helper/2", "targets/1"]);
    assert!(check_method("fn targets(ctx) { ctx.student }").unwrap().needs_student);

    let error = check_method("fn targets(ctx) {\n  let x = ;\n}").unwrap_err();
    assert_eq!(error.kind, MethodErrorKind::Syntax);
    assert_eq!(error.position.map(|p| (p.line, p.column)), Some((2, 11)), "{error}");
    for (source, message) in [
        ("fn target(ctx) { ctx.teacher }", "defines no `fn targets(ctx)`"),
        ("fn targets() { 1 }", "exactly one parameter (ctx)"),
        ("fn targets(ctx, extra) { 1 }", "exactly one parameter (ctx)"),
        ("fn configure() { 1 }\nfn targets(ctx) { 1 }", "exactly one parameter (task)"),
        ("fn targets(ctx) { gold }", "Undefined variable: gold"),
    ] {
        let error = check_method(source).unwrap_err();
        assert_eq!(error.kind, MethodErrorKind::Syntax, "{source}");
        assert!(error.to_string().contains(message), "{source}: {error}");
    }
}

#[test]
fn a_method_is_send() {
    fn send<T: Send>() {}
    send::<aar_sandbox::RhaiMethod>();
}

#[test]
fn the_student_is_only_computed_for_methods_that_use_it() {
    let m = method("fn targets(ctx) { #{ targets: ctx.teacher } }");
    assert!(!m.needs_student_predictions());
    let mut m = method("fn targets(ctx) { #{ targets: ctx[\"stu\" + \"dent\"] } }");
    let data = Data::new();
    let mut ctx = data.ctx(0, 10);
    ctx.student = None;
    // The source never names `student`, so it is not computed, and reading it says why.
    assert!(!m.needs_student_predictions());
    let error = m.targets(&ctx).unwrap_err();
    assert!(error.message.contains("ctx.student is not provided"), "{error}");
}

#[test]
fn unit_targets_keep_the_previous_epochs() {
    let source = "fn targets(ctx) { if ctx.epoch == 0 { #{ targets: harden(ctx.student) } } else { #{ targets: () } } }";
    let data = Data::new();
    let mut m = method(source);
    assert!(matches!(m.targets(&data.ctx(0, 5)).unwrap(), EpochTargets::Custom { .. }));
    assert_eq!(m.targets(&data.ctx(1, 5)).unwrap(), EpochTargets::Unchanged);
    // Epoch 0 of a round has nothing to keep; new weights cannot go with old targets.
    let mut m = method("fn targets(ctx) { #{ targets: () } }");
    let error = m.targets(&data.ctx(0, 5)).unwrap_err();
    assert!(error.message.contains("epoch 0 of a round has none"), "{error}");
    let mut m = method("fn targets(ctx) { #{ targets: (), weights: confidence(ctx.teacher) } }");
    let error = m.targets(&data.ctx(1, 5)).unwrap_err();
    assert_eq!(error.kind, MethodErrorKind::BadOutput { what: "weights".into() });
}

#[test]
fn rounds_are_visible_to_the_method() {
    let mut m = method(
        "fn targets(ctx) { if ctx.round != 2 || ctx.rounds != 3 { throw `round ${ctx.round}`; } #{ targets: ctx.teacher } }",
    );
    let data = Data::new();
    let mut ctx = data.ctx(0, 5);
    (ctx.round, ctx.rounds) = (2, 3);
    assert_eq!(m.targets(&ctx).unwrap(), EpochTargets::Teacher);
}
