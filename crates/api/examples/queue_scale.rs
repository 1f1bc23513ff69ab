//! How the submission queue loads at team scale (BENCHMARKS.md, "The queue at 10,000
//! submissions"): seeds a fresh store with N submissions (a claim each, a stored verification for
//! every other one, a vote on every tenth, lineages of three), then times `Api::list`, which the
//! app's queue asks for on every refresh, and the store queries behind it.
//!
//! `cargo run --release -p aar-api --example queue_scale -- [N] [DATABASE]` (N defaults to
//! 10,000; DATABASE to a fresh SQLite file, or a `postgres://` URL of an empty database).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aar_api::Api;
use aar_api::dto::ListQuery;
use aar_domain::{BundleContent, BundlePath, SubmissionId, Timestamp};
use aar_review_schemas::review::Label;
use aar_review_schemas::verification::VerificationReport;
use aar_store::{NewSubmission, NewVote, Store, WriteContext};

const REPEATS: usize = 5;

fn bundle(i: usize) -> BundleContent {
    // Every third submission revises the one before it, as agents' lineages do.
    let lineage = if i.is_multiple_of(3) {
        format!(r#""source_ref":"r{i}","#)
    } else {
        format!(r#""source_ref":"r{i}","parent":"r{}","revision":true,"#, i - 1)
    };
    let manifest_text = format!(
        r#"{{"schema_version":1,"title":"method {i}","author":"aar-{}","created_at":"2026-04-14T09:30:00Z",{lineage}
            "hypothesis":"h","description":"d","method":{{"path":"method.rhai","language":"rhai"}},
            "claims":[{{"task":"digits","pgr":0.{:02},"pgr_se":0.05,"seeds":[42,43,44,45,46]}}]}}"#,
        (i / 3) % 9,
        i % 100
    );
    let manifest = serde_json::from_str(&manifest_text).expect("a valid manifest");
    let mut files = BTreeMap::new();
    let method = format!("fn targets(ctx) {{ ctx.teacher }} // {i}\n");
    files.insert(BundlePath::parse("method.rhai").unwrap(), method.into_bytes());
    BundleContent::new(manifest, manifest_text.as_bytes(), &files).expect("a valid bundle")
}

fn as_(actor: &str) -> WriteContext {
    WriteContext { actor: actor.into(), at: Timestamp::parse("2026-12-07T10:00:00Z").unwrap() }
}

async fn seed(location: &str, n: usize) {
    let store = Store::open(location).await.expect("the database opens");
    let template: VerificationReport =
        serde_json::from_str(include_str!("../../../docs/verification/vanilla-baseline.json"))
            .expect("the sample report reads");
    let started = Instant::now();
    let contents: Vec<BundleContent> = (0..n).map(bundle).collect();
    for chunk in contents.chunks(500) {
        let new: Vec<NewSubmission> =
            chunk.iter().map(|c| NewSubmission { content: c, origin: "scale".into() }).collect();
        store.insert_submissions(&new, &as_("alice")).await.expect("imports");
    }
    let ids: Vec<SubmissionId> = contents.iter().map(|c| c.id.clone()).collect();
    for (i, id) in ids.iter().enumerate() {
        if i.is_multiple_of(2) {
            let mut report = template.clone();
            report.submission_id = id.to_string();
            report.finished_at = format!("2026-12-07T10:{:02}:{:02}Z", (i / 60) % 60, i % 60);
            store.insert_verification(report, &[], None, &as_("verifier")).await.expect("stores");
        }
        if i.is_multiple_of(10) {
            let vote = NewVote {
                submission: id,
                label: Label::Review,
                value: 1,
                rationale: "ok",
                verification_id: None,
            };
            let latest = store.latest_verifications(Some(id)).await.expect("reads");
            let vote = NewVote { verification_id: latest.first().map(|v| v.id.as_str()), ..vote };
            store.cast_vote(&vote, &as_("bob")).await.expect("votes");
        }
    }
    eprintln!("seeded {n} submissions in {:.1} s", started.elapsed().as_secs_f64());
    store.close().await;
}

fn time<T>(label: &str, mut f: impl FnMut() -> T) {
    let mut best = Duration::MAX;
    for _ in 0..REPEATS {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    println!("{label:<44} {:>9.1} ms", best.as_secs_f64() * 1e3);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|a| a.parse().expect("N is a number")).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let location = args.next().unwrap_or_else(|| dir.path().join("scale.db").display().to_string());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(seed(&location, n));
    let api = runtime
        .block_on(Api::open(&location, "carol".into(), aar_api::system_clock()))
        .expect("the API opens");
    let store = runtime.block_on(Store::open(&location)).unwrap();
    println!("{n} submissions, best of {REPEATS}:");
    time("Api::list (the app's queue)", || runtime.block_on(api.list(&ListQuery::default())).unwrap().len());
    time("  store: submissions", || runtime.block_on(store.list(&Default::default())).unwrap().len());
    time("  store: claims", || runtime.block_on(store.all_claims()).unwrap().len());
    time("  store: newest verifications", || {
        runtime.block_on(store.latest_verifications(None)).unwrap().len()
    });
    time("  store: review tallies", || runtime.block_on(store.review_tallies()).unwrap().len());
    time("  store: votes", || runtime.block_on(store.vote_briefs()).unwrap().len());
    time("  store: blind-review requests", || runtime.block_on(store.blind_requests()).unwrap().len());
}
