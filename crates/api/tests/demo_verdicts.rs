//! The demo corpus is honest data with planted cases (demo/README.md has the answer key): each
//! planted submission's verification fails the check that exposes it, and no honest submission
//! fails any of the checks that judge the claim itself. Quick verifications (the claimed pack
//! only), on the CPU, as a reviewer would triage the queue.

use std::sync::Arc;

use aar_api::Api;
use aar_api::dto::{ListQuery, RunProgress, SubmissionSummary, VerifyRequest, VerifyStep};
use aar_api::progress::ProgressForwarder;
use aar_domain::Timestamp;
use aar_review_schemas::verification::{CheckId, CheckStatus, VerificationReport};
use aar_review_schemas::vocab::DeviceChoice;

/// Planted cases: a phrase of the title, and the check that must fail.
const PLANTED: [(&str, CheckId); 6] = [
    ("Class-balanced confident-label filter", CheckId::Seeds),
    ("Consistency elicitation", CheckId::Reproduction),
    ("Product-of-experts v2", CheckId::ClaimConsistency),
    ("Prior elicitation", CheckId::TeacherAblation),
    ("early teacher-agreement check", CheckId::Sandbox),
    ("c_max swept on dev", CheckId::DevVsPrivate),
];

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
    let api =
        Api::open(dir.path().join("review.db").to_str().unwrap(), "tester".into(), clock).await.unwrap();
    api.import_demo().await.unwrap();
    let list = api.list(&ListQuery::default()).await.unwrap().into_iter().filter(|s| s.rerunnable).collect();
    (dir, api, list)
}

async fn verify(api: &Api, id: &str) -> VerificationReport {
    let request = VerifyRequest { task: None, seeds: None, device: DeviceChoice::Cpu, quick: Some(true) };
    let mut sinks = |_: &VerifyStep| -> Box<dyn aar_api::ProgressSink + Send> {
        Box::new(ProgressForwarder::new(|_: RunProgress| {}))
    };
    api.verify(id, request, &mut sinks, aar_api::CancelToken::new()).await.unwrap().report
}

fn failed(report: &VerificationReport) -> Vec<CheckId> {
    report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect()
}

fn is_planted(s: &SubmissionSummary) -> bool {
    PLANTED.iter().any(|(phrase, _)| s.title.contains(phrase))
}

#[tokio::test]
async fn each_planted_case_fails_the_check_that_exposes_it() {
    let (_dir, api, list) = demo().await;
    for (phrase, check) in PLANTED {
        let s =
            list.iter().find(|s| s.title.contains(phrase)).unwrap_or_else(|| panic!("the demo has {phrase}"));
        let report = verify(&api, &s.id).await;
        assert!(
            failed(&report).contains(&check),
            "{}: expected {check} to fail; failed {:?}",
            s.title,
            failed(&report)
        );
        assert_eq!(
            report.suggestion.vote,
            aar_review_schemas::verification::SuggestedVote::Refuted,
            "{}",
            s.title
        );
    }
}

#[tokio::test]
async fn no_honest_submission_fails_a_check_on_its_claim() {
    let (_dir, api, list) = demo().await;
    let honest: Vec<&SubmissionSummary> = list.iter().filter(|s| !is_planted(s)).collect();
    assert!(honest.len() >= 12, "the demo's honest Rhai submissions: {}", honest.len());
    for s in honest {
        let report = verify(&api, &s.id).await;
        let wrongly: Vec<CheckId> =
            failed(&report).into_iter().filter(|c| HONEST_MUST_PASS.contains(c)).collect();
        let summaries: Vec<&str> =
            report.checks.iter().filter(|c| wrongly.contains(&c.id)).map(|c| c.summary.as_str()).collect();
        assert!(wrongly.is_empty(), "{}: {wrongly:?} failed: {summaries:#?}", s.title);
    }
}
