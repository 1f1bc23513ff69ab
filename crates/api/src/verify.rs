//! Verification: every run the integrity checks need, made on the engine from the submission's
//! verified method bytes, then the checks (`aar-checks`, pure) and one stored report.
//!
//! The runs are kept in memory until the last one ends: a verification that is cancelled or
//! whose method fails stores nothing but its audit entry.

use std::sync::Arc;
use std::time::Instant;

use aar_domain::{AblatedTeacher, Ablation, SubmissionId, Vanilla};
use aar_engine::{CancelToken, ProgressSink, TaskData};
use aar_review_schemas::bundle::Claim;
use aar_review_schemas::method::MethodErrorKind;
use aar_review_schemas::run::{DeviceRecord, RunReport};
use aar_review_schemas::verification::{
    PREREGISTERED_SEEDS, RunRef, RunRole, VERIFICATION_SCHEMA_VERSION, VerificationReport,
};
use aar_review_schemas::vocab::{Backend, DeviceChoice, EvalSplit, Split};
use aar_sandbox::Isolation;
use aar_store::{Lease, Store, VerificationRow, WriteContext};

use crate::dto::{VerificationDetail, VerifyRequest, VerifyStep};
use crate::methods::{self, MethodCode, ResolvedMethod};
use crate::runs::{self, MAX_SEEDS, RunPlan, TaskCatalog};
use crate::{ApiError, ApiResult, Clock, ErrorCode, Secrets, views};

/// Fewer seeds than the AAR convention cannot support a verdict.
const MIN_SEEDS: u32 = PREREGISTERED_SEEDS.len() as u32;

/// Builds each run's progress sink as the run starts (the CLI's bar, the app's channel).
pub type StepSinks<'a> = dyn FnMut(&VerifyStep) -> Box<dyn ProgressSink + Send> + Send + 'a;

/// One run a verification makes.
struct Step {
    role: RunRole,
    task: Arc<TaskData>,
    eval_split: EvalSplit,
    seeds: Vec<u64>,
    device: DeviceChoice,
    /// `None` trains vanilla; else the submission's method, with the teacher ablated or not.
    method: Option<Option<Ablation>>,
    /// For a replay: the claims (by index in the manifest) it replays.
    claims: Vec<usize>,
}

/// Why a step of the method ended without a report, when the verification goes on without it.
struct StepFailure {
    error: String,
    access_log: Option<aar_review_schemas::method::AccessLog>,
}

/// What a verification draws on besides the store: the time, its secrets, and where the
/// method runs.
pub(crate) struct Context {
    pub clock: Clock,
    pub secrets: Secrets,
    pub isolation: Isolation,
    /// The queue request this verification makes, held by this worker: finished with it.
    pub lease: Option<Lease>,
}

/// A verification's number of seeds: the pre-registered five at least.
pub(crate) fn check_seeds(seeds: Option<u32>) -> ApiResult<u32> {
    let n = seeds.unwrap_or(MIN_SEEDS);
    if !(MIN_SEEDS..=MAX_SEEDS).contains(&n) {
        return Err(ApiError::invalid(format!(
            "a verification needs {MIN_SEEDS} to {MAX_SEEDS} seeds (the pre-registered 42–46 at least)"
        )));
    }
    Ok(n)
}

pub(crate) async fn verify(
    store: &Store,
    ctx: WriteContext,
    Context { clock, secrets, isolation, lease }: Context,
    id: &SubmissionId,
    request: VerifyRequest,
    sinks: &mut StepSinks<'_>,
    cancel: CancelToken,
) -> ApiResult<VerificationDetail> {
    let began = Instant::now();
    let started_at = clock().to_string();
    let row = store.submission(id).await?;
    let manifest = views::manifest(store, id).await?;
    let code = methods::submission_code(store, id).await?;
    let n = check_seeds(request.seeds)?;
    // Fresh seeds for every run the verification makes on the private split: the teachers the
    // method sees there are ones no author has seen. (The replays use the claims' own seeds.)
    let seeds: Vec<u64> = (0..n).map(|_| u64::from(secrets() as u32)).collect();

    let catalog = TaskCatalog::load();
    let packs: Vec<Arc<TaskData>> = catalog.packs.into_iter().map(Arc::new).collect();
    let primary_name = match &request.task {
        Some(task) => task.clone(),
        None => manifest.claims.iter().map(|c| c.task.clone()).find(|t| packs.iter().any(|p| &p.meta.name == t)).ok_or_else(|| {
            ApiError::invalid(format!(
                "no claim of {} names a task pack this install has; choose one with --task (see `aar-review tasks`)",
                id.short()
            ))
        })?,
    };
    let primary = packs.iter().find(|p| p.meta.name == primary_name).cloned().ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("no task named `{primary_name}` (see `aar-review tasks`)"))
    })?;
    if primary.meta.negative_control {
        return Err(ApiError::invalid(format!(
            "`{primary_name}` is a negative control; verify on the pack the claim is about"
        )));
    }
    let primary_claim = manifest.claims.iter().position(|c| c.task == primary_name);
    let claim: Option<&Claim> = primary_claim.map(|i| &manifest.claims[i]);
    // The private-split runs train on disguised copies of the packs (classes and split B's rows
    // in a secret order), the replays on the packs as shipped, as their claims were measured.
    // Every pack's secrets are drawn, but a quick verification trains on the primary pack alone,
    // so only it is copied.
    let quick = request.quick.unwrap_or(false);
    // Synthetic packs also get split B and the private split drawn afresh from their generator
    // with a secret seed: examples no author can have seen. The fixed datasets get the two
    // re-partitioned in secret instead: examples the author has, in a split no one has seen.
    // Drawing and copying take a while on large packs: off the async runtime.
    let drawn: Vec<(Arc<TaskData>, u64, u64)> = packs
        .iter()
        .map(|p| (p.clone(), secrets(), secrets()))
        .filter(|(p, _, _)| !quick || p.meta.name == primary_name)
        .collect();
    let prepared: Vec<(Arc<TaskData>, bool)> = tokio::task::spawn_blocking(move || {
        drawn
            .into_iter()
            .map(|(p, secret, draw)| match p.fresh(draw) {
                Some(fresh) => (Arc::new(fresh.disguised(secret)), true),
                None => (Arc::new(p.resampled(draw).disguised(secret)), false),
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Storage, format!("preparing the packs failed: {e}")))?;
    let (fresh, resampled): (Vec<_>, Vec<_>) = prepared.iter().partition(|(_, fresh)| *fresh);
    let names = |packs: Vec<&(Arc<TaskData>, bool)>| -> Vec<String> {
        packs.into_iter().map(|(p, _)| p.meta.name.clone()).collect()
    };
    let (fresh_packs, resampled_packs) = (names(fresh), names(resampled));
    let disguised: Vec<Arc<TaskData>> = prepared.into_iter().map(|(p, _)| p).collect();
    let main = disguised.iter().find(|p| p.meta.name == primary_name).expect("the primary pack is disguised");
    let plan = plan(&packs, &disguised, main, &manifest.claims, &seeds, request.device, quick);
    // The shuffled-teacher runs' permutations (and the partly shuffled run's share of rows):
    // never shown to the method either.
    let shuffle_seed = secrets();

    // The method's runs on one pack share their teachers and ceilings: memory for this
    // verification, in front of the folder that keeps the shipped packs' for the next one. The
    // disguised packs' are never used again, so they stay in memory.
    let shipped_references: Arc<dyn aar_engine::references::ReferenceCache> =
        Arc::new(aar_engine::references::Layered { folder: runs::reference_folder(), ..Default::default() });
    let fresh_references: Arc<dyn aar_engine::references::ReferenceCache> =
        Arc::new(aar_engine::references::Layered::default());
    // What each step produced: an index into `made`, or why the method did not finish it.
    let mut outcomes: Vec<Option<Result<usize, StepFailure>>> = Vec::with_capacity(plan.len());
    let mut made: Vec<(RunRole, RunReport)> = Vec::with_capacity(plan.len());
    let mut stop = None;
    let total = plan.len() as u32;
    for (i, step) in plan.iter().enumerate() {
        let info = VerifyStep {
            index: i as u32 + 1,
            total,
            role: step.role,
            task: step.task.meta.name.clone(),
            eval_split: step.eval_split,
            seeds: step.seeds.clone(),
        };
        let run = run_label(step.role, &info.task, info.eval_split);
        let ResolvedMethod { method, record } =
            match instantiate(&code, step.method, shuffle_seed, &isolation)? {
                Ok(instance) => instance,
                // A method that does not compile cannot run anywhere: every check that needs a run
                // is not applicable, and `sandbox` fails with the error and its position.
                Err(error) => {
                    stop = Some(aar_checks::stopped(&run, &methods::method_failure(*error).message, None));
                    break;
                }
            };
        let sink = sinks(&info);
        let run_plan = RunPlan {
            task: step.task.clone(),
            seeds: step.seeds.clone(),
            eval_split: step.eval_split,
            device: step.device,
            references: Some(
                if step.role == RunRole::Replay { &shipped_references } else { &fresh_references }.clone(),
            ),
        };
        let (outcome, access_log) =
            runs::execute(run_plan, method, record, sink, cancel.clone(), clock.clone()).await?;
        match outcome {
            Ok(report) => {
                made.push((step.role, report));
                outcomes.push(Some(Ok(made.len() - 1)));
            }
            // Uniform labels carry no information, so a method that keeps only the examples it
            // trusts (a confidence filter) keeps none of them: the student would learn nothing
            // from the teacher either way. That run is left out, not counted as a refusal; the
            // shuffled-teacher run, where every row keeps its confidence, judges such a method.
            Err(aar_engine::EngineError::Method { source, .. })
                if step.role == RunRole::UniformTeacher
                    && matches!(&source.kind, MethodErrorKind::BadOutput { what } if what == "weights") =>
            {
                outcomes.push(None);
            }
            // A method that fails a replay or an ablation has refused the run that tests it:
            // that is evidence against the claim (reproduction, teacher_ablation), and its
            // access log still reaches `sandbox`. The verification goes on.
            Err(aar_engine::EngineError::Method { source, .. })
                if matches!(
                    step.role,
                    RunRole::Replay
                        | RunRole::ShuffledTeacher
                        | RunRole::PartlyShuffledTeacher
                        | RunRole::UniformTeacher
                ) =>
            {
                let error = methods::method_failure(*source).message;
                outcomes.push(Some(Err(StepFailure { error, access_log })));
            }
            // The method stopped in a run every check needs: that is a finding, and the report
            // says so.
            Err(aar_engine::EngineError::Method { source, .. }) => {
                let error = methods::method_failure(*source).message;
                stop = Some(aar_checks::stopped(&run, &error, access_log.as_ref()));
                break;
            }
            Err(e) => return Err(stopped(store, &ctx, id, &info, access_log, e).await),
        }
    }
    // A method that stopped the verification leaves the checks `stopped` wrote; otherwise every
    // check runs on the evidence.
    let checks = match stop {
        Some(checks) => checks,
        None => {
            let report_of = |role: RunRole, task: &str| report_of(&made, role, task);
            let pack_evidence = |pack, method, vanilla| pack_evidence(&made, pack, method, vanilla);
            // What the replay of a claim gave, when the claim was replayed.
            let replay_of = |claim: usize| -> Option<&Option<Result<usize, StepFailure>>> {
                plan.iter().zip(&outcomes).find(|(s, _)| s.claims.contains(&claim)).map(|(_, o)| o)
            };
            let mut primary_evidence = pack_evidence(main, RunRole::Method, RunRole::Vanilla)
                .expect("the method and vanilla always run on the primary pack");
            primary_evidence.replay = primary_claim.and_then(|i| match replay_of(i) {
                Some(Some(Ok(index))) => Some(&made[*index].1),
                _ => None,
            });
            primary_evidence.shuffled = report_of(RunRole::ShuffledTeacher, &primary_name);
            primary_evidence.uniform = report_of(RunRole::UniformTeacher, &primary_name);
            primary_evidence.partly_shuffled = report_of(RunRole::PartlyShuffledTeacher, &primary_name);
            let others = disguised
                .iter()
                .filter(|p| !p.meta.negative_control && p.meta.name != primary_name)
                .filter_map(|p| pack_evidence(p, RunRole::OtherPackMethod, RunRole::OtherPackVanilla))
                .collect();
            let negative_control = control_pack(main, &disguised)
                .and_then(|p| pack_evidence(p, RunRole::NegativeControl, RunRole::NegativeControlVanilla));
            let replays = manifest
                .claims
                .iter()
                .enumerate()
                .map(|(i, claim)| {
                    let pack = packs.iter().find(|p| p.meta.name == claim.task).map(|p| &p.meta);
                    let (run, refusal) = match replay_of(i) {
                        Some(Some(Ok(index))) => (Some(&made[*index].1), None),
                        Some(Some(Err(failure))) => (None, Some(failure.error.clone())),
                        _ => (None, None),
                    };
                    aar_checks::ClaimReplay { claim, pack, run, refusal }
                })
                .collect();
            let failed_runs: Vec<aar_checks::FailedRun> = plan
                .iter()
                .zip(&outcomes)
                .filter_map(|(step, outcome)| match outcome {
                    Some(Err(failure)) => Some(aar_checks::FailedRun {
                        role: step.role,
                        label: run_label(step.role, &step.task.meta.name, step.eval_split),
                        error: failure.error.clone(),
                        access_log: failure.access_log.clone(),
                    }),
                    _ => None,
                })
                .collect();
            aar_checks::run_all(&aar_checks::Evidence {
                manifest: &manifest,
                preregistered_seeds: &PREREGISTERED_SEEDS,
                claim,
                replays,
                primary: primary_evidence,
                others,
                negative_control,
                failed_runs,
            })
        }
    };
    let report = VerificationReport {
        schema_version: VERIFICATION_SCHEMA_VERSION,
        submission_id: id.to_string(),
        title: row.title.clone(),
        method_sha256: code.record.code_sha256.clone(),
        family: manifest.family,
        seeds,
        task: primary_name,
        eval_split: EvalSplit::Private,
        device: made.first().map_or_else(
            || DeviceRecord {
                requested: request.device,
                backend: aar_review_schemas::vocab::Backend::Flex,
                adapter: "none (no run finished)".into(),
            },
            |(_, r)| r.device.clone(),
        ),
        engine_version: made
            .first()
            .map_or(aar_engine::ENGINE_VERSION, |(_, r)| &r.engine_version)
            .to_owned(),
        suggestion: aar_checks::suggest(&checks),
        checks,
        runs: made
            .iter()
            .map(|(role, rep)| RunRef {
                role: *role,
                task: rep.task.clone(),
                eval_split: rep.eval_split,
                run_id: String::new(),
                fresh_data: *role != RunRole::Replay && fresh_packs.contains(&rep.task),
                resampled: *role != RunRole::Replay && resampled_packs.contains(&rep.task),
            })
            .collect(),
        started_at,
        finished_at: clock().to_string(),
        total_seconds: began.elapsed().as_secs_f64(),
    };
    let (stored, _runs) = store.insert_verification(report, &made, lease.as_ref(), &ctx).await?;
    Ok(detail(stored))
}

/// How a report names a run: "replay run on digits (dev split)".
fn run_label(role: RunRole, task: &str, split: EvalSplit) -> String {
    format!("{} run on {task} ({split} split)", role.as_str().replace('_', " "))
}

fn report_of<'a>(made: &'a [(RunRole, RunReport)], role: RunRole, task: &str) -> Option<&'a RunReport> {
    made.iter().find(|(r, rep)| *r == role && rep.task == task).map(|(_, rep)| rep)
}

/// The method's and vanilla's runs on one pack, when both were made.
fn pack_evidence<'a>(
    made: &'a [(RunRole, RunReport)],
    pack: &'a TaskData,
    method: RunRole,
    vanilla: RunRole,
) -> Option<aar_checks::PackEvidence<'a>> {
    let name = &pack.meta.name;
    Some(aar_checks::PackEvidence {
        pack: &pack.meta,
        method: report_of(made, method, name)?,
        vanilla: report_of(made, vanilla, name)?,
        replay: None,
        shuffled: None,
        uniform: None,
        partly_shuffled: None,
    })
}

/// The split a claim can be replayed on: the ones an author could score on.
fn replayable_split(claim: &Claim) -> Option<EvalSplit> {
    match claim.split {
        Some(Split::Dev) => Some(EvalSplit::Dev),
        Some(Split::Test) => Some(EvalSplit::Test),
        _ => None,
    }
}

/// Every run, in the order they are made: the claims' replays first (the sharpest test; one run
/// per distinct pack, split and seeds, whatever order the claims come in), then the
/// private-split runs on the claimed pack, then the other packs and the negative control.
/// Quick and full verifications replay the same claims, so they judge them alike. The replays
/// train on `shipped` packs, everything else on the `disguised` ones (`main` the primary's).
fn plan(
    shipped: &[Arc<TaskData>],
    disguised: &[Arc<TaskData>],
    main: &Arc<TaskData>,
    claims: &[Claim],
    seeds: &[u64],
    device: DeviceChoice,
    quick: bool,
) -> Vec<Step> {
    let step = |role, task: &Arc<TaskData>, eval_split, seeds: &[u64], method| Step {
        role,
        task: task.clone(),
        eval_split,
        seeds: seeds.to_vec(),
        device,
        method,
        claims: Vec::new(),
    };
    let mut steps: Vec<Step> = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        let Some(split) = replayable_split(claim) else { continue };
        let Some(pack) = shipped.iter().find(|p| p.meta.name == claim.task) else { continue };
        let claimed_seeds: Vec<u64> = claim.seeds.iter().copied().take(MAX_SEEDS as usize).collect();
        if claimed_seeds.is_empty() {
            continue;
        }
        // A claim measured on the CPU backend is replayed there, whatever device the reviewer
        // chose for the rest, so that the replay can be exact.
        let device = match &claim.measured {
            Some(m) if m.backend == Backend::Flex => DeviceChoice::Cpu,
            _ => device,
        };
        if let Some(same) = steps.iter_mut().find(|s| {
            s.task.meta.name == claim.task
                && s.eval_split == split
                && s.seeds == claimed_seeds
                && s.device == device
        }) {
            same.claims.push(i);
            continue;
        }
        let mut replay = step(RunRole::Replay, pack, split, &claimed_seeds, Some(None));
        replay.device = device;
        replay.claims.push(i);
        steps.push(replay);
    }
    let private = EvalSplit::Private;
    steps.push(step(RunRole::Method, main, private, seeds, Some(None)));
    steps.push(step(RunRole::Vanilla, main, private, seeds, None));
    steps.push(step(RunRole::ShuffledTeacher, main, private, seeds, Some(Some(Ablation::Shuffled))));
    steps.push(step(
        RunRole::PartlyShuffledTeacher,
        main,
        private,
        seeds,
        Some(Some(Ablation::PartlyShuffled)),
    ));
    steps.push(step(RunRole::UniformTeacher, main, private, seeds, Some(Some(Ablation::Uniform))));
    if quick {
        return steps;
    }
    for pack in disguised.iter().filter(|p| !p.meta.negative_control && p.meta.name != main.meta.name) {
        steps.push(step(RunRole::OtherPackMethod, pack, private, seeds, Some(None)));
        steps.push(step(RunRole::OtherPackVanilla, pack, private, seeds, None));
    }
    if let Some(control) = control_pack(main, disguised) {
        steps.push(step(RunRole::NegativeControl, control, private, seeds, Some(None)));
        steps.push(step(RunRole::NegativeControlVanilla, control, private, seeds, None));
    }
    steps
}

/// Below this many private examples a negative control cannot resolve the gains claims are
/// about (digits-copyable's 150 examples and gap of about 0.07 detect nothing under 0.7 PGR), and
/// the verification uses the control that resolves best instead.
const MIN_CONTROL_EXAMPLES: u32 = 1000;

/// The negative control for a pack: the control built from the same data (`digits-copyable` for
/// `digits`), else one of the same family (`latent-5k-copyable` for `latent`), when its private
/// split can resolve a verdict; otherwise the control with the largest private split. The method
/// cannot tell which it is given: it never sees a pack's name.
fn control_pack<'a>(primary: &TaskData, packs: &'a [Arc<TaskData>]) -> Option<&'a Arc<TaskData>> {
    let name = &primary.meta.name;
    let controls = || packs.iter().filter(|p| p.meta.negative_control);
    let family = primary.meta.family();
    let resolves = |p: &&Arc<TaskData>| p.meta.splits.private >= MIN_CONTROL_EXAMPLES;
    controls()
        .find(|p| p.meta.name == format!("{name}-copyable"))
        .or_else(|| controls().find(|p| p.meta.family() == family))
        .filter(resolves)
        .or_else(|| controls().max_by_key(|p| p.meta.splits.private))
}

/// A fresh instance of the step's method: each run starts from the script's initial state. A
/// method that does not compile gives its error (with its position).
/// The outer error is the verifier's own (a method worker that would not start).
fn instantiate(
    code: &MethodCode,
    method: Option<Option<Ablation>>,
    shuffle_seed: u64,
    isolation: &Isolation,
) -> ApiResult<Result<ResolvedMethod, Box<aar_domain::MethodError>>> {
    let Some(ablation) = method else {
        return Ok(Ok(ResolvedMethod { method: Box::new(Vanilla), record: methods::vanilla_record() }));
    };
    let resolved = match code.compile_method(isolation)? {
        Ok(resolved) => resolved,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(match ablation {
        None => resolved,
        Some(ablation) => {
            let mut record = resolved.record;
            record.name = format!("{} ({})", record.name, ablation.as_str());
            // The ablation wraps the method here, in the verifying process: its secrets never
            // reach a method worker, which sees only the labels it is handed.
            let method = Box::new(AblatedTeacher::new(resolved.method, ablation, shuffle_seed));
            ResolvedMethod { method, record }
        }
    }))
}

/// Turns a stopped verification into its error, keeping its audit entry: which run it stopped
/// in, why, and what the method had read and called by then.
async fn stopped(
    store: &Store,
    ctx: &WriteContext,
    id: &SubmissionId,
    step: &VerifyStep,
    access_log: Option<aar_review_schemas::method::AccessLog>,
    e: aar_engine::EngineError,
) -> ApiError {
    let error = match e {
        aar_engine::EngineError::Method { source, .. } => methods::method_failure(*source),
        other => runs::engine_error(other),
    };
    let detail = serde_json::json!({
        "step": step.index, "of": step.total, "role": step.role, "task": step.task,
        "error": error.message, "cancelled": error.code == ErrorCode::Cancelled, "access_log": access_log,
    });
    match store.record_stopped_verification(id, &detail, ctx).await {
        Ok(()) => error,
        Err(e) => e.into(),
    }
}

pub(crate) fn detail(row: VerificationRow) -> VerificationDetail {
    VerificationDetail {
        short_id: row.id[..12].to_owned(),
        id: row.id,
        created_by: row.created_by,
        report: row.report,
    }
}
