//! What a method can tell about the run it is in: not the pack (`task.name` is the same opaque
//! word everywhere), and, for a method declared `unsupervised`, not the teacher.

use aar_domain::{MethodErrorKind, StudentMethod, TaskInfo};
use aar_sandbox::{MethodEnv, RhaiMethod, SandboxLimits};

use crate::support::{targets, task, ticking};

fn method_in(source: &str, withhold_teacher: bool) -> RhaiMethod {
    let env = MethodEnv { file: "method.rhai".into(), clock: ticking(), withhold_teacher };
    RhaiMethod::with_env(source, "test".into(), SandboxLimits::default(), env)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_method_cannot_learn_which_pack_it_runs_on() {
    // The author's tell for the negative control: a pack name ending in -copyable.
    let source = r#"
        fn configure(task) {
            if task.name != "task" { throw `told the pack: ${task.name}`; }
            if `${task}`.contains("copyable") || `${task}`.contains("digits") { throw "told the pack"; }
            #{ epochs: 3 }
        }
        fn targets(ctx) { #{ targets: ctx.teacher } }
    "#;
    for shape in [task(), TaskInfo { num_classes: 4, num_examples: 3000 }] {
        let mut m = method_in(source, false);
        assert_eq!(m.configure(&shape).unwrap().epochs, Some(3));
    }
}

#[test]
fn an_unsupervised_method_is_never_handed_the_teacher() {
    let mut m = method_in("fn targets(ctx) { let t = ctx.teacher; #{ targets: t } }", true);
    let e = targets(&mut m).unwrap_err();
    assert!(matches!(&e.kind, MethodErrorKind::Forbidden { what } if what == "ctx.teacher"), "{e}");
    assert!(e.message.contains("declared `unsupervised`"), "{e}");
    assert_eq!(e.position.map(|p| p.line), Some(1), "{e}");
    assert_eq!(m.access_log().incidents.len(), 1);
    // Nor through the string indexer.
    let mut m = method_in(r#"fn targets(ctx) { #{ targets: ctx["teacher"] } }"#, true);
    assert!(matches!(targets(&mut m).unwrap_err().kind, MethodErrorKind::Forbidden { .. }));
    // What an unsupervised method may read still works: its own predictions.
    let mut m = method_in("fn targets(ctx) { #{ targets: harden(ctx.student) } }", true);
    let out = targets(&mut m).unwrap();
    crate::support::assert_valid(&out);
    // The same teacher read is fine for a teacher method.
    let mut m = method_in("fn targets(ctx) { let t = ctx.teacher; #{ targets: t } }", false);
    assert!(targets(&mut m).is_ok());
}
