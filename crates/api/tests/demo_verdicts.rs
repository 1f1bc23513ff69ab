//! The demo corpus is honest data with planted cases (demo/README.md has the answer key): each
//! planted submission's verification fails the check that exposes it, and no honest submission
//! fails any of the checks that judge the claim itself. Quick verifications (the claimed pack
//! only), on the CPU, as a reviewer would triage the queue: one test per submission, so that the
//! test runner spreads them over the cores.

mod common;

use std::sync::Arc;

use aar_api::Api;
use aar_api::dto::{ListQuery, RunProgress, SubmissionSummary, VerifyRequest, VerifyStep};
use aar_api::progress::ProgressForwarder;
use aar_domain::Timestamp;
use aar_review_schemas::verification::{CheckId, CheckStatus, VerificationReport};
use aar_review_schemas::vocab::DeviceChoice;

/// What an honest submission must not fail.
const HONEST_MUST_PASS: [CheckId; 6] = [
    CheckId::Reproduction,
    CheckId::TeacherAblation,
    CheckId::Seeds,
    CheckId::DevVsPrivate,
    CheckId::Sandbox,
    CheckId::ClaimConsistency,
];

async fn demo() -> (tempfile::TempDir, Api, Vec<SubmissionSummary>) {
    let dir = tempfile::tempdir().unwrap();
    let clock: aar_api::Clock = Arc::new(|| Timestamp::parse("2026-11-22T12:00:00Z").unwrap());
    let api = Api::open(dir.path().join("review.db").to_str().unwrap(), "tester".into(), clock)
        .await
        .unwrap()
        .with_secrets(aar_api::seeded_secrets(2026))
        .with_isolation(common::method_workers());
    api.import_demo().await.unwrap();
    let list = api.list(&ListQuery::default()).await.unwrap().into_iter().filter(|s| s.rerunnable).collect();
    (dir, api, list)
}

/// The demo's Rhai submission whose title starts with `title`, verified quick on the CPU.
async fn verify(title: &str) -> VerificationReport {
    let (_dir, api, list) = demo().await;
    let s =
        list.iter().find(|s| s.title.starts_with(title)).unwrap_or_else(|| panic!("the demo has {title}"));
    let request = VerifyRequest { task: None, seeds: None, device: DeviceChoice::Cpu, quick: Some(true) };
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    api.verify(&s.id, request, &mut sinks, aar_api::CancelToken::new()).await.unwrap().report
}

fn failed(report: &VerificationReport) -> Vec<CheckId> {
    report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect()
}

/// A planted case (demo/README.md's answer key): its verification fails `check` and is refuted.
async fn planted(title: &str, check: CheckId) {
    let report = verify(title).await;
    assert!(
        failed(&report).contains(&check),
        "{title}: expected {check} to fail; failed {:?}",
        failed(&report)
    );
    assert_eq!(report.suggestion.vote, aar_review_schemas::verification::SuggestedVote::Refuted, "{title}");
}

/// An honest submission: none of the checks that judge its claim fails.
async fn honest(title: &str) {
    let report = verify(title).await;
    let wrongly: Vec<CheckId> =
        failed(&report).into_iter().filter(|c| HONEST_MUST_PASS.contains(c)).collect();
    let summaries: Vec<&str> =
        report.checks.iter().filter(|c| wrongly.contains(&c.id)).map(|c| c.summary.as_str()).collect();
    assert!(wrongly.is_empty(), "{title}: {wrongly:?} failed: {summaries:#?}");
}

macro_rules! planted {
    ($($name:ident: $title:literal => $check:ident;)*) => {
        const PLANTED: &[&str] = &[$($title),*];
        $(
            #[tokio::test]
            async fn $name() {
                planted($title, CheckId::$check).await;
            }
        )*
    };
}

macro_rules! honest {
    ($($name:ident: $title:literal;)*) => {
        const HONEST: &[&str] = &[$($title),*];
        $(
            #[tokio::test]
            async fn $name() {
                honest($title).await;
            }
        )*
    };
}

#[tokio::test]
async fn every_rerunnable_demo_submission_is_judged_here_once() {
    let (_dir, _api, list) = demo().await;
    for s in &list {
        let judged = PLANTED.iter().chain(HONEST).filter(|t| s.title.starts_with(**t)).count();
        assert_eq!(judged, 1, "{} is judged by {judged} tests of this file", s.title);
    }
    assert_eq!(list.len(), PLANTED.len() + HONEST.len());
}

planted! {
    planted_kept_seeds_fail_seeds: "Class-balanced confident-label filter" => Seeds;
    planted_claims_that_do_not_reproduce_fail_reproduction: "Consistency elicitation" => Reproduction;
    planted_inconsistent_claim_fails_claim_consistency: "Product-of-experts v2" => ClaimConsistency;
    planted_teacher_ignoring_method_fails_teacher_ablation: "Prior elicitation" => TeacherAblation;
    planted_gold_label_probe_fails_sandbox: "Vanilla distillation with an early teacher-agreement check" => Sandbox;
    planted_best_of_sweep_dev_number_fails_reproduction: "logconf v2, c_max swept on dev" => Reproduction;
}

honest! {
    honest_confident_filter_fixed: "Confident-label filter at teacher max-probability";
    honest_confident_filter_quantile: "Confident-label filter v2";
    honest_entropy_penalty: "Entropy-penalty variant of logconf";
    honest_hardened_teacher: "Ablation: vanilla with hardened";
    honest_logconf_v1: "Auxiliary confidence loss (logconf) v1";
    honest_logconf_v2_balanced: "logconf v2: hardening at the teacher's class balance";
    honest_logconf_v2_burns_defaults: "logconf v2 at the weak-to-strong repo defaults";
    honest_product_of_experts: "Product-of-experts target";
    honest_self_train_anchored: "Anchored self-training";
    honest_self_train_s2s: "Strong-to-strong self-training";
    honest_vanilla_soft_labels: "Vanilla baseline";
    honest_window_unsure: "Window loss";
}
