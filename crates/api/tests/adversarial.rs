//! The red team: attacks on a verification written the way a motivated author would write them,
//! each rebuilt as a bundle from an honest demo submission and verified for real (quick, on the
//! CPU). Each must be refuted: Verified −1, with the check that exposes it failing. The statistics'
//! and the sandbox's own attacks live beside their code (`crates/checks`, `crates/sandbox`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aar_api::dto::{RunProgress, VerifyRequest, VerifyStep};
use aar_api::progress::ProgressForwarder;
use aar_api::{Api, Isolation, ProcessLimits};
use aar_domain::Timestamp;
use aar_review_schemas::verification::{
    CheckId, CheckResult, CheckStatus, RunRole, SuggestedVote, VerificationReport,
};
use aar_review_schemas::vocab::DeviceChoice;
use serde_json::{Value, json};

fn demo_bundle(slug: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/bundles").join(slug)
}

/// A copy of a demo bundle in `dir`, its manifest and method edited by the attacker.
fn tampered(dir: &Path, slug: &str, edit: impl FnOnce(&mut Value), method: Option<&str>) -> PathBuf {
    let from = demo_bundle(slug);
    let to = dir.join(slug);
    std::fs::create_dir_all(&to).unwrap();
    for entry in walk(&from) {
        let target = to.join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    let path = to.join("submission.json");
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut manifest);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    if let Some(source) = method {
        std::fs::write(to.join("method.rhai"), source).unwrap();
    }
    to
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

async fn open(dir: &Path) -> Api {
    let clock: aar_api::Clock = Arc::new(|| Timestamp::parse("2026-11-22T12:00:00Z").unwrap());
    Api::open(dir.join("review.db").to_str().unwrap(), "red-team".into(), clock)
        .await
        .unwrap()
        .with_secrets(aar_api::seeded_secrets(2026))
        .with_isolation(common::method_workers())
}

/// Imports the bundle and verifies it as a reviewer triaging the queue would (quick, CPU).
async fn verify(bundle: &Path, dir: &Path) -> VerificationReport {
    verify_in(&open(dir).await, bundle, true).await
}

/// Imports the bundle into `api` and verifies it on the CPU, quick or full.
async fn verify_in(api: &Api, bundle: &Path, quick: bool) -> VerificationReport {
    let imported = api.import(&[bundle.to_path_buf()]).await.unwrap();
    let id = imported.items[0].id.clone();
    let request = VerifyRequest { task: None, seeds: None, device: DeviceChoice::Cpu, quick: Some(quick) };
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    let detail = api.verify(&id, request, &mut sinks, aar_api::CancelToken::new()).await.unwrap();
    // Stored, not only returned: the queue shows it.
    assert_eq!(api.verifications(&id).await.unwrap().len(), 1);
    detail.report
}

fn check(report: &VerificationReport, id: CheckId) -> &CheckResult {
    report.checks.iter().find(|c| c.id == id).unwrap()
}

/// The verdict an attack must get: −1, with `id` among the failing checks.
fn assert_refuted_by(report: &VerificationReport, id: CheckId) {
    let failed: Vec<CheckId> =
        report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect();
    assert!(failed.contains(&id), "expected {id} to fail; failed {failed:?}: {:#?}", check(report, id));
    assert_eq!(report.suggestion.vote, SuggestedVote::Refuted, "{}", report.suggestion.reason);
}

/// The claim on `task` from the bundle's manifest.
fn claim_on<'a>(manifest: &'a mut Value, task: &str) -> &'a mut Value {
    manifest["claims"].as_array_mut().unwrap().iter_mut().find(|c| c["task"] == task).unwrap()
}

/// Keeps only the manifest's latent-5k claim: one replay, on the pack the red team attacks.
fn only_latent_5k(manifest: &mut Value) {
    let latent = claim_on(manifest, "latent-5k").clone();
    manifest["claims"] = json!([latent]);
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Adds `by` PGR to a claim's headline and every seed, moving the student accuracies to match
/// (student = weak + PGR × gap), so that the claim stays internally consistent.
fn inflate(claim: &mut Value, by: f64) {
    let gap = claim["ceiling_acc"].as_f64().unwrap() - claim["weak_acc"].as_f64().unwrap();
    claim["pgr"] = json!(round3(claim["pgr"].as_f64().unwrap() + by));
    claim["student_acc"] = json!(round3(claim["student_acc"].as_f64().unwrap() + by * gap));
    for seed in claim["per_seed"].as_array_mut().unwrap() {
        seed["pgr"] = json!(round3(seed["pgr"].as_f64().unwrap() + by));
        seed["student_acc"] = json!(round3(seed["student_acc"].as_f64().unwrap() + by * gap));
    }
}

#[tokio::test]
async fn claims_an_author_can_write_are_each_refuted_by_the_replay() {
    // One bundle, several claims on latent-5k's dev split (one shared replay): the honest one,
    // and each way of writing a number the method does not give.
    let dir = tempfile::tempdir().unwrap();
    let bundle = tampered(
        dir.path(),
        "self-train-anchored",
        |m| {
            let honest = claim_on(m, "latent-5k").clone();
            // +0.062 on the headline and every seed: inside the old 1.96-seed-SE tolerance.
            let mut inflated = honest.clone();
            inflate(&mut inflated, 0.062);
            // The real 0.273 written as "0.3", with no per-seed values: once ±0.05 of rounding.
            let mut coarse = honest.clone();
            coarse["pgr"] = json!(0.3);
            for key in ["per_seed", "weak_acc", "ceiling_acc", "student_acc"] {
                coarse.as_object_mut().unwrap().remove(key);
            }
            // No split: once never replayed, and compared with the author's own SE.
            let mut unsplit = coarse.clone();
            unsplit.as_object_mut().unwrap().remove("split");
            unsplit["pgr"] = json!(0.793);
            unsplit["pgr_se"] = json!(0.3);
            // A split the author cannot have scored on.
            let mut private = coarse.clone();
            private["split"] = json!("private");
            private["pgr"] = json!(0.5);
            // No recorded conditions and a huge SE: compared statistically on measured noise.
            let mut unrecorded = unsplit.clone();
            unrecorded["split"] = json!("dev");
            unrecorded.as_object_mut().unwrap().remove("measured");
            m["claims"] = json!([honest, inflated, coarse, unsplit, private, unrecorded]);
        },
        None,
    );
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::Reproduction);
    let summary = &check(&report, CheckId::Reproduction).summary;
    for sentence in [
        "The claim of PGR 0.273 on latent-5k replays exactly",
        "The claim of PGR 0.335 on latent-5k does not replay",
        "The claim of PGR 0.3 on latent-5k does not replay",
        "The claim of PGR 0.793 on latent-5k names no split",
        "The claim of PGR 0.5 on latent-5k is on the private split, which an author cannot have scored on",
        "The claim of PGR 0.793 on latent-5k does not reproduce",
    ] {
        assert!(summary.contains(sentence), "missing {sentence:?} in {summary}");
    }
    // Six claims, one replay: claims on the same pack, split and seeds share it.
    let replays =
        report.runs.iter().filter(|r| r.role == aar_review_schemas::verification::RunRole::Replay).count();
    assert_eq!(replays, 1, "{:?}", report.runs);
}

#[tokio::test]
async fn a_weak_first_claim_does_not_shield_an_inflated_second_one() {
    // Wine's private split is tiny, so a claim there can barely be refuted on private data; the
    // author puts it first (the pack a verification once picked) and inflates latent-5k behind it.
    let dir = tempfile::tempdir().unwrap();
    let bundle = tampered(
        dir.path(),
        "self-train-anchored",
        |m| {
            let wine = claim_on(m, "wine").clone();
            let mut latent = claim_on(m, "latent-5k").clone();
            inflate(&mut latent, 0.062);
            m["claims"] = json!([wine, latent]);
        },
        None,
    );
    let report = verify(&bundle, dir.path()).await;
    assert_eq!(report.task, "wine", "the first claim picks the verified pack");
    assert_refuted_by(&report, CheckId::Reproduction);
    let summary = &check(&report, CheckId::Reproduction).summary;
    assert!(summary.starts_with("The claim of PGR 0.335 on latent-5k does not replay"), "{summary}");
}

#[tokio::test]
async fn a_declared_family_is_enforced_not_trusted() {
    // The majority-answer hack declares itself `unsupervised`, so that a student that ignores
    // shuffled teacher labels passes the ablation "as declared". It reads ctx.teacher, which an
    // unsupervised method is never handed.
    let dir = tempfile::tempdir().unwrap();
    let bundle = tampered(dir.path(), "majority-answer", |m| m["family"] = json!("unsupervised"), None);
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::Sandbox);
    let sandbox = check(&report, CheckId::Sandbox);
    assert!(sandbox.summary.contains("ctx.teacher"), "{}", sandbox.summary);
    assert!(sandbox.summary.contains("method.rhai:7:"), "the error names its position: {}", sandbox.summary);
}

#[tokio::test]
async fn a_method_that_does_not_compile_gets_a_stored_refutation() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = tampered(
        dir.path(),
        "vanilla-soft-labels",
        |_| {},
        Some("fn targets(ctx) {\n    let x = ;\n    #{ targets: ctx.teacher }\n}\n"),
    );
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::Sandbox);
    assert!(report.runs.is_empty(), "nothing ran");
    let sandbox = check(&report, CheckId::Sandbox);
    assert!(sandbox.summary.contains("method.rhai:2:"), "{}", sandbox.summary);
    assert!(
        report
            .checks
            .iter()
            .filter(|c| c.id != CheckId::Sandbox)
            .all(|c| c.status == CheckStatus::NotApplicable),
        "{:#?}",
        report.checks
    );
}

#[tokio::test]
async fn a_method_that_refuses_the_ablated_teacher_fails_the_ablation() {
    // "It cannot train on labels without information: so it depends on the teacher." An author
    // who makes the method throw when every row of the teacher is the same must not pass the
    // teacher ablation by refusing it, and the refused run's access log is audited.
    let dir = tempfile::tempdir().unwrap();
    let vanilla = std::fs::read_to_string(demo_bundle("vanilla-soft-labels").join("method.rhai")).unwrap();
    let refusal = "    let spread = confidence(teacher);\n    \
                   if quantile(spread, 0.0) == quantile(spread, 1.0) { throw \"no information in the teacher\"; }\n\n    \
                   // Soft labels as given";
    let method = vanilla.replacen("    // Soft labels as given", refusal, 1);
    assert_ne!(method, vanilla);
    let bundle = tampered(
        dir.path(),
        "vanilla-soft-labels",
        // The method trains as vanilla but for the refusal, so the honest claim replays exactly.
        only_latent_5k,
        Some(&method),
    );
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::TeacherAblation);
    let ablation = check(&report, CheckId::TeacherAblation);
    assert!(ablation.summary.contains("uniform"), "{}", ablation.summary);
    assert_eq!(check(&report, CheckId::Reproduction).status, CheckStatus::Pass, "the claim itself is real");
}

/// The majority answer, staged to look teacher-dependent: one warm-up epoch on the teacher, then
/// a look at how far the student agrees with it. A real teacher agrees (≈ 0.6 on latent-5k), a
/// shuffled one does not (≈ 0.4): then the method trains towards a wrong answer everywhere, so
/// that the shuffled-teacher run collapses and "the student uses the teacher".
const STAGED_MAJORITY: &str = r#"
fn targets(ctx) {
    if ctx.epoch == 0 {
        return #{ targets: ctx.teacher };
    }
    if ctx.epoch > 1 {
        return #{ targets: () };
    }
    let answer = argmax(to_matrix([class_balance(ctx.teacher)]))[0];
    let agree = mean(eq(argmax(ctx.student), argmax(ctx.teacher)));
    print(`agreement ${agree}`);
    if agree < 0.5 {
        answer = (answer + 1) % ctx.num_classes;
    }
    let everywhere = one_hot(answer, ctx.num_classes);
    #{ targets: scale_columns(uniform(ctx.num_examples, ctx.num_classes), everywhere) }
}
"#;

#[tokio::test]
async fn a_method_that_stages_its_collapse_under_the_shuffled_teacher_fails_the_ablation() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = tampered(dir.path(), "majority-answer", |_| {}, Some(STAGED_MAJORITY));
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::TeacherAblation);
    let ablation = check(&report, CheckId::TeacherAblation);
    assert!(ablation.summary.contains("does not read the teacher's labels"), "{}", ablation.summary);
    // The staging worked: the fully shuffled teacher lowered the student significantly (measured:
    // 0.325 → 0.283, CI of the drop +0.020..+0.063, beyond the 0.0375 margin), which passed the
    // check before the partly shuffled run existed.
    assert!(
        ablation.summary.contains("it reacts only to a teacher wrong everywhere"),
        "{}",
        ablation.summary
    );
    let collapse = &ablation.summary[ablation.summary.find("drop +").unwrap()..];
    assert!(!collapse.starts_with("drop +0.000"), "{}", ablation.summary);
}

#[tokio::test]
async fn a_method_cannot_tell_its_runs_apart_by_anything_but_the_labels() {
    // Everything a method can read besides the labels, printed in every run: the author's own
    // conditions (the replay on dev with seeds 42–46), the private runs, the three ablations and
    // the negative control must all print the same, so no run can behave differently for being
    // a verification, an ablation or a control.
    let dir = tempfile::tempdir().unwrap();
    let observer = r#"
fn configure(task) {
    print(`task ${task.name} ${task.num_classes} ${task.num_examples}`);
    #{ epochs: 100, lr: 0.01, batch_size: 64, weight_decay: 0.0001 }
}

fn targets(ctx) {
    if ctx.epoch == 0 {
        print(`epoch ${ctx.epochs} ${ctx.round} ${ctx.rounds} ${ctx.num_classes} ${ctx.num_examples}`);
    }
    #{ targets: ctx.teacher }
}
"#;
    let bundle = tampered(dir.path(), "vanilla-soft-labels", only_latent_5k, Some(observer));
    let api = open(dir.path()).await;
    let report = verify_in(&api, &bundle, false).await;
    let mut seen: Vec<(RunRole, Vec<String>)> = Vec::new();
    for run in report.runs.iter().filter(|r| r.task.starts_with("latent-5k")) {
        if matches!(run.role, RunRole::Vanilla | RunRole::NegativeControlVanilla) {
            continue;
        }
        let stored = api.run_report(&run.run_id).await.unwrap();
        let log = stored.method.access_log.expect("a submission's run keeps its access log");
        let mut lines: Vec<String> = log.output.iter().map(|l| l.text.clone()).collect();
        lines.sort();
        lines.dedup();
        seen.push((run.role, lines));
    }
    let roles: Vec<RunRole> = seen.iter().map(|(role, _)| *role).collect();
    for role in [
        RunRole::Replay,
        RunRole::Method,
        RunRole::ShuffledTeacher,
        RunRole::PartlyShuffledTeacher,
        RunRole::UniformTeacher,
        RunRole::NegativeControl,
    ] {
        assert!(roles.contains(&role), "{role} ran: {roles:?}");
    }
    let (_, first) = &seen[0];
    assert_eq!(first, &["epoch 100 0 0 4 3000", "task task 4 3000"], "{seen:?}");
    for (role, lines) in &seen {
        assert_eq!(lines, first, "{role} printed something else");
    }
}

#[tokio::test]
async fn a_method_that_once_crashed_the_verifier_gets_a_stored_refutation() {
    // 10,000 nested arrays once overflowed the stack when Rhai dropped them: the process aborted
    // (exit 134) with neither a report nor an audit entry, and `verify --all` died with it. Now
    // the sandbox stops the method, and the verification stores its −1.
    let dir = tempfile::tempdir().unwrap();
    let nesting = "fn targets(ctx) {\n  let a = [];\n  let i = 0;\n  while i < 10000 {\n    a = [a];\n    \
                   i += 1;\n  }\n  #{ targets: ctx.teacher }\n}\n";
    let bundle = tampered(dir.path(), "vanilla-soft-labels", only_latent_5k, Some(nesting));
    let report = verify(&bundle, dir.path()).await;
    assert_refuted_by(&report, CheckId::Sandbox);
    let sandbox = check(&report, CheckId::Sandbox);
    assert!(sandbox.summary.contains("method.rhai:5:"), "{}", sandbox.summary);
    assert!(sandbox.summary.contains("max_value_depth"), "{}", sandbox.summary);
}

#[tokio::test]
async fn a_method_past_its_workers_memory_cap_gets_a_stored_refutation() {
    // What the sandbox's own audits miss must still not reach the verifier: the method runs in a
    // worker process under a memory cap. Six copies of a 62 MiB array are within the sandbox's
    // 512 MiB budget for values, and past a 768 MiB worker (whose script stack takes ~500 MiB):
    // the worker dies, this process goes on, and the verification stores its −1.
    let dir = tempfile::tempdir().unwrap();
    let hog = "fn targets(ctx) {\n  let a = [];\n  a.pad(3900000, 0.5);\n  \
               let b = a; let c = a; let d = a; let e = a; let f = a;\n  #{ targets: ctx.teacher }\n}\n";
    let bundle = tampered(dir.path(), "vanilla-soft-labels", only_latent_5k, Some(hog));
    let Isolation::Process { worker, .. } = common::method_workers() else { unreachable!() };
    let limits = ProcessLimits { memory_bytes: 768 << 20, ..ProcessLimits::default() };
    let api = open(dir.path()).await.with_isolation(Isolation::Process { worker, limits });
    let report = verify_in(&api, &bundle, true).await;
    assert_refuted_by(&report, CheckId::Sandbox);
    let sandbox = check(&report, CheckId::Sandbox);
    assert!(sandbox.summary.contains("ran out of its 0.8 GiB of memory"), "{}", sandbox.summary);
}
