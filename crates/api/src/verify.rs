//! Verification: every run the integrity checks need, made on the engine from the submission's
//! verified method bytes, then the checks (`aar-checks`, pure) and one stored report.
//!
//! The runs are kept in memory until the last one ends: a verification that is cancelled or
//! whose method fails stores nothing but its audit entry.

use std::sync::Arc;
use std::time::Instant;

use aar_domain::{AblatedTeacher, Ablation, StudentMethod, SubmissionId, Vanilla};
use aar_engine::{CancelToken, ProgressSink, TaskData};
use aar_review_schemas::bundle::Claim;
use aar_review_schemas::method::MethodErrorKind;
use aar_review_schemas::run::{DeviceRecord, MethodRecord, RunReport};
use aar_review_schemas::verification::{
    PREREGISTERED_SEEDS, RunRef, RunRole, VERIFICATION_SCHEMA_VERSION, VerificationReport,
};
use aar_review_schemas::vocab::{EvalSplit, Split};
use aar_store::{Store, VerificationRow, WriteContext};

use crate::dto::{VerificationDetail, VerifyRequest, VerifyStep};
use crate::methods::{self, MethodCode};
use crate::runs::{self, MAX_SEEDS, RunPlan, TaskCatalog};
use crate::{ApiError, ApiResult, Clock, ErrorCode, views};

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
    /// `None` trains vanilla; else the submission's method, with the teacher ablated or not.
    method: Option<Option<Ablation>>,
}

pub(crate) async fn verify(
    store: &Store,
    ctx: WriteContext,
    clock: Clock,
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
    let n = request.seeds.unwrap_or(MIN_SEEDS);
    if !(MIN_SEEDS..=MAX_SEEDS).contains(&n) {
        return Err(ApiError::invalid(format!(
            "a verification needs {MIN_SEEDS} to {MAX_SEEDS} seeds (the pre-registered 42–46 at least)"
        )));
    }
    let seeds: Vec<u64> = (PREREGISTERED_SEEDS[0]..PREREGISTERED_SEEDS[0] + u64::from(n)).collect();

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
    let claim: Option<&Claim> = manifest.claims.iter().find(|c| c.task == primary_name);
    let plan = plan(&primary, &packs, claim, &seeds, request.quick.unwrap_or(false));

    // The method's runs on one pack share their teachers and ceilings: memory for this
    // verification, in front of the folder that keeps them for the next one.
    let references: Arc<dyn aar_engine::references::ReferenceCache> =
        Arc::new(aar_engine::references::Layered { folder: runs::reference_folder(), ..Default::default() });
    let mut made: Vec<(RunRole, RunReport)> = Vec::with_capacity(plan.len());
    let mut stop = None;
    let mut ablation_refusals = Vec::new();
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
        let sink = sinks(&info);
        let (method, record) = instantiate(&code, step.method)?;
        let run_plan = RunPlan {
            task: step.task.clone(),
            seeds: step.seeds.clone(),
            eval_split: step.eval_split,
            device: request.device,
            references: Some(references.clone()),
        };
        let (outcome, access_log) =
            runs::execute(run_plan, method, record, sink, cancel.clone(), clock.clone()).await?;
        match outcome {
            Ok(report) => made.push((step.role, report)),
            // A method that cannot train on ablated labels (every weight 0, a runtime error on
            // labels it was never meant to see) shows that it needs the teacher: evidence for
            // `teacher_ablation`, not a sandbox breach.
            Err(aar_engine::EngineError::Method { source, .. })
                if matches!(step.role, RunRole::ShuffledTeacher | RunRole::UniformTeacher)
                    && matches!(
                        source.kind,
                        MethodErrorKind::BadOutput { .. } | MethodErrorKind::Runtime
                    ) =>
            {
                let what = if step.role == RunRole::ShuffledTeacher { "shuffled" } else { "uniform" };
                ablation_refusals.push(format!(
                    "The method refused the {what}-teacher run on {}: {}",
                    info.task,
                    methods::method_failure(*source).message
                ));
            }
            // The method itself stopped: that is a finding, and the report says so.
            Err(aar_engine::EngineError::Method { source, .. }) => {
                let run = format!(
                    "{} run on {} ({} split)",
                    step.role.as_str().replace('_', " "),
                    info.task,
                    info.eval_split
                );
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
            let mut primary_evidence = pack_evidence(&primary, RunRole::Method, RunRole::Vanilla)
                .expect("the method and vanilla always run on the primary pack");
            primary_evidence.replay = report_of(RunRole::Replay, &primary_name);
            primary_evidence.shuffled = report_of(RunRole::ShuffledTeacher, &primary_name);
            primary_evidence.uniform = report_of(RunRole::UniformTeacher, &primary_name);
            let others = packs
                .iter()
                .filter(|p| !p.meta.negative_control && p.meta.name != primary_name)
                .filter_map(|p| pack_evidence(p, RunRole::OtherPackMethod, RunRole::OtherPackVanilla))
                .collect();
            let negative_control = control_pack(&primary, &packs)
                .and_then(|p| pack_evidence(p, RunRole::NegativeControl, RunRole::NegativeControlVanilla));
            aar_checks::run_all(&aar_checks::Evidence {
                manifest: &manifest,
                preregistered_seeds: &PREREGISTERED_SEEDS,
                claim,
                primary: primary_evidence,
                others,
                negative_control,
                ablation_refusals,
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
            })
            .collect(),
        started_at,
        finished_at: clock().to_string(),
        total_seconds: began.elapsed().as_secs_f64(),
    };
    let (stored, _runs) = store.insert_verification(report, &made, &ctx).await?;
    Ok(detail(stored))
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
    })
}

/// Every run, in the order they are made: the claim's replay first (the sharpest test), then
/// the private-split runs on the claimed pack, then the other packs and the negative control.
fn plan(
    primary: &Arc<TaskData>,
    packs: &[Arc<TaskData>],
    claim: Option<&Claim>,
    seeds: &[u64],
    quick: bool,
) -> Vec<Step> {
    let step = |role, task: &Arc<TaskData>, eval_split, seeds: &[u64], method| Step {
        role,
        task: task.clone(),
        eval_split,
        seeds: seeds.to_vec(),
        method,
    };
    let mut steps = Vec::new();
    if let Some(claim) = claim {
        let split = match claim.split {
            Some(Split::Dev) => Some(EvalSplit::Dev),
            Some(Split::Test) => Some(EvalSplit::Test),
            _ => None,
        };
        let claimed_seeds: Vec<u64> = claim.seeds.iter().copied().take(MAX_SEEDS as usize).collect();
        if let Some(split) = split.filter(|_| !claimed_seeds.is_empty()) {
            steps.push(step(RunRole::Replay, primary, split, &claimed_seeds, Some(None)));
        }
    }
    let private = EvalSplit::Private;
    steps.push(step(RunRole::Method, primary, private, seeds, Some(None)));
    steps.push(step(RunRole::Vanilla, primary, private, seeds, None));
    steps.push(step(RunRole::ShuffledTeacher, primary, private, seeds, Some(Some(Ablation::Shuffled))));
    steps.push(step(RunRole::UniformTeacher, primary, private, seeds, Some(Some(Ablation::Uniform))));
    if quick {
        return steps;
    }
    for pack in packs.iter().filter(|p| !p.meta.negative_control && p.meta.name != primary.meta.name) {
        steps.push(step(RunRole::OtherPackMethod, pack, private, seeds, Some(None)));
        steps.push(step(RunRole::OtherPackVanilla, pack, private, seeds, None));
    }
    if let Some(control) = control_pack(primary, packs) {
        steps.push(step(RunRole::NegativeControl, control, private, seeds, Some(None)));
        steps.push(step(RunRole::NegativeControlVanilla, control, private, seeds, None));
    }
    steps
}

/// The negative control for a pack: the control built from the same data (`digits-copyable`
/// for `digits`) when there is one, else one of the same family (`latent-5k-copyable` for
/// `latent`), else the first control pack.
fn control_pack<'a>(primary: &TaskData, packs: &'a [Arc<TaskData>]) -> Option<&'a Arc<TaskData>> {
    let name = &primary.meta.name;
    let controls = || packs.iter().filter(|p| p.meta.negative_control);
    let family = name.split('-').next().unwrap_or(name);
    controls()
        .find(|p| p.meta.name == format!("{name}-copyable"))
        .or_else(|| controls().find(|p| p.meta.name.starts_with(family)))
        .or_else(|| controls().next())
}

/// A fresh instance of the step's method: each run starts from the script's initial state.
fn instantiate(
    code: &MethodCode,
    method: Option<Option<Ablation>>,
) -> ApiResult<(Box<dyn StudentMethod + Send>, MethodRecord)> {
    Ok(match method {
        None => (Box::new(Vanilla), methods::vanilla_record()),
        Some(None) => {
            let resolved = code.compile()?;
            (resolved.method, resolved.record)
        }
        Some(Some(ablation)) => {
            let resolved = code.compile()?;
            let mut record = resolved.record;
            record.name = format!("{} ({})", record.name, ablation.as_str());
            (Box::new(AblatedTeacher::new(resolved.method, ablation)), record)
        }
    })
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
