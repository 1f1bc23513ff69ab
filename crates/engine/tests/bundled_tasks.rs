//! The bundled task packs must stay meaningful W2S benchmarks: for every positive family the
//! ceiling beats the teacher by at least 0.10 and vanilla PGR lies strictly inside (0.1, 0.7);
//! the negative control's PGR stays near 0. The measured PGRs are pinned too, with a tolerance a
//! real change to the engine or the data would break (figures from
//! `aar-review run --task T --seeds 5 --device cpu`, 2026-11-22, after the engine stopped drawing
//! weights from burn's process-global RNG; `latent-5k` and `latent-5k-copyable` measured the same
//! way on 2026-12-01).

use std::path::PathBuf;

use aar_engine::progress::Quiet;
use aar_engine::{CancelToken, DeviceChoice, EvalSplit, ProtocolRequest, TaskData, Vanilla, run_protocol};
use aar_review_schemas::run::{MethodRecord, RunReport};

fn run_vanilla(task: &str) -> RunReport {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tasks").join(task);
    let task = TaskData::load(&dir).unwrap();
    let device = aar_engine::resolve_device(DeviceChoice::Cpu).unwrap();
    let request = ProtocolRequest {
        task: &task,
        seeds: (42..47).collect(),
        eval_split: EvalSplit::Test,
        device: &device,
        student_train: None,
        started_at: "2026-11-22T00:00:00Z".into(),
        references: None,
    };
    let record =
        MethodRecord { name: "vanilla".into(), code_sha256: None, submission_id: None, access_log: None };
    run_protocol(&request, &mut Vanilla, record, &mut Quiet, &CancelToken::new(), &|| String::new()).unwrap()
}

fn assert_positive_family(task: &str, pinned_pgr: f64) -> RunReport {
    let report = run_vanilla(task);
    let a = &report.aggregate;
    assert!(a.ceiling_acc - a.weak_acc >= 0.10, "{task}: the ceiling must beat the teacher by 0.10: {a:?}");
    let pgr = a.pgr.expect("a positive gap defines PGR");
    assert!(pgr > 0.1 && pgr < 0.7, "{task}: vanilla PGR {pgr:.3} must lie in (0.1, 0.7)");
    assert!((pgr - pinned_pgr).abs() < 0.06, "{task}: vanilla PGR moved from {pinned_pgr} to {pgr:.3}");
    assert!(a.seeds_without_gap.is_empty(), "{task}: every seed has a gap: {a:?}");
    report
}

#[test]
fn digits_is_a_meaningful_w2s_task() {
    assert_positive_family("digits", 0.403);
}

#[test]
fn wine_is_a_meaningful_w2s_task() {
    assert_positive_family("wine", 0.466);
}

#[test]
fn latent_is_a_meaningful_w2s_task() {
    assert_positive_family("latent", 0.407);
}

#[test]
fn latent_5k_is_a_meaningful_w2s_task() {
    // The pack sized for a verdict: its gap must stay large enough that 5,000 private examples
    // resolve PGR to about +-0.02 (SE(acc) / gap; see tasks/README.md).
    let report = assert_positive_family("latent-5k", 0.370);
    let a = &report.aggregate;
    assert!(a.ceiling_acc - a.weak_acc >= 0.20, "latent-5k: the gap stays >= 0.20: {a:?}");
}

fn assert_negative_control(task: &str) {
    let report = run_vanilla(task);
    let a = &report.aggregate;
    assert!(a.ceiling_acc - a.weak_acc >= 0.05, "{task}: the control still has a gap to recover: {a:?}");
    let pgr = a.pgr.unwrap();
    assert!(pgr.abs() < 0.1, "{task}: a student that can copy its teacher recovers nothing: PGR {pgr:.3}");
}

#[test]
fn copyable_teacher_is_a_negative_control() {
    assert_negative_control("digits-copyable");
}

#[test]
fn latent_5k_copyable_is_a_negative_control() {
    // Measured PGR 0.000 on test (seeds 42..46); its 5,000 private examples resolve +-0.02.
    assert_negative_control("latent-5k-copyable");
}
