//! Task packs and independent re-runs of the W2S protocol.

use std::path::PathBuf;

use aar_domain::Digest;
use aar_engine::data::list_packs;
use aar_engine::{CancelToken, DeviceChoice, EvalSplit, ProgressSink, ProtocolRequest, TaskData, Vanilla};
use aar_review_schemas::run::{MethodRecord, RunReport};
use aar_review_schemas::task::{TASK_FILE_NAME, TaskPack};
use aar_store::{RunRow, Store, WriteContext};
use include_dir::{Dir, include_dir};

use crate::dto::{
    ModelView, RunAggregateView, RunDetail, RunModelView, RunRequest, RunSeedView, RunSummary,
    RunTimingsView, TaskSummary,
};
use crate::{ApiError, ApiResult, Clock, ErrorCode};

/// The bundled task packs, embedded so every install can re-run without the source tree.
static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../tasks");

/// An extra folder of task packs (one sub-folder each), e.g. packs exported from real models.
pub const TASKS_ENV: &str = "AAR_REVIEW_TASKS";

/// The first of the pre-registered seeds: the AAR system scored students on seeds 42..46.
pub const FIRST_SEED: u64 = 42;

/// Every available pack: the bundled ones, then those under `$AAR_REVIEW_TASKS`.
pub(crate) fn load_tasks() -> ApiResult<Vec<TaskData>> {
    let mut tasks = Vec::new();
    for dir in BUNDLED.dirs() {
        let Some(meta) = dir.get_file(dir.path().join(TASK_FILE_NAME)) else { continue };
        let meta: TaskPack = serde_json::from_slice(meta.contents())
            .map_err(|e| storage(format!("bundled task {}: {e}", dir.path().display())))?;
        let data = dir
            .get_file(dir.path().join(&meta.data_file))
            .ok_or_else(|| storage(format!("bundled task {} has no {}", meta.name, meta.data_file)))?;
        let origin = PathBuf::from("bundled").join(dir.path());
        tasks.push(TaskData::from_parts(meta, data.contents(), origin).map_err(engine_error)?);
    }
    if let Some(extra) = std::env::var_os(TASKS_ENV) {
        tasks.extend(list_packs(&PathBuf::from(extra)).map_err(engine_error)?);
    }
    tasks.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    Ok(tasks)
}

pub(crate) fn summary(task: &TaskData) -> TaskSummary {
    let m = &task.meta;
    let model = |spec: &aar_review_schemas::task::ModelSpec| ModelView {
        input_dim: spec.input_dim,
        hidden: spec.hidden.clone(),
        epochs: spec.train.epochs,
        batch_size: spec.train.batch_size,
        learning_rate: spec.train.learning_rate,
        weight_decay: spec.train.weight_decay,
    };
    TaskSummary {
        name: m.name.clone(),
        title: m.title.clone(),
        description: m.description.clone(),
        num_classes: m.num_classes,
        negative_control: m.negative_control,
        split_sizes: vec![m.splits.a, m.splits.b, m.splits.dev, m.splits.test, m.splits.private],
        weak: model(&m.weak),
        strong: model(&m.strong),
        data_sha256: m.data_sha256.clone(),
        origin: task.origin.display().to_string(),
    }
}

/// Runs the protocol with the built-in vanilla method on a blocking thread, then stores the
/// report. Progress goes to `sink`; `cancel` stops the run between two optimiser steps.
pub(crate) async fn run(
    store: &Store,
    ctx: WriteContext,
    clock: Clock,
    request: RunRequest,
    mut sink: Box<dyn ProgressSink + Send>,
    cancel: CancelToken,
) -> ApiResult<(RunSummary, RunReport)> {
    let device = DeviceChoice::parse(&request.device).ok_or_else(|| {
        ApiError::invalid(format!("unknown device `{}`: use auto, gpu or cpu", request.device))
    })?;
    let eval_split = match request.eval_split.as_str() {
        "test" => EvalSplit::Test,
        "private" => EvalSplit::Private,
        other => return Err(ApiError::invalid(format!("unknown split `{other}`: use test or private"))),
    };
    if request.seeds == 0 {
        return Err(ApiError::invalid("--seeds must be at least 1"));
    }
    let tasks = load_tasks()?;
    let known: Vec<String> = tasks.iter().map(|t| t.meta.name.clone()).collect();
    let task = tasks.into_iter().find(|t| t.meta.name == request.task).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("no task named `{}`; known tasks: {}", request.task, known.join(", ")),
        )
    })?;
    let first = request.first_seed.unwrap_or(FIRST_SEED);
    let seeds: Vec<u64> = (first..first + u64::from(request.seeds)).collect();
    let started_at = clock().to_string();

    let report = tokio::task::spawn_blocking(move || -> ApiResult<RunReport> {
        let device = device.resolve().map_err(engine_error)?;
        let protocol = ProtocolRequest {
            task: &task,
            seeds,
            eval_split,
            device: &device,
            student_train: None,
            started_at,
        };
        let method = MethodRecord { name: "vanilla".into(), code_sha256: None, submission_id: None };
        let finished = move || clock().to_string();
        aar_engine::run_protocol(&protocol, &mut Vanilla, method, sink.as_mut(), &cancel, &finished)
            .map_err(engine_error)
    })
    .await
    .map_err(|e| storage(format!("the training thread failed: {e}")))??;

    let json = serde_json::to_string(&report).expect("a run report always serialises");
    let row = RunRow {
        id: Digest::of(json.as_bytes()).to_string(),
        task: report.task.clone(),
        method: report.method.name.clone(),
        submission_id: report.method.submission_id.clone(),
        eval_split: report.eval_split.clone(),
        backend: report.device.backend.clone(),
        adapter: report.device.adapter.clone(),
        seeds: serde_json::to_string(&report.seeds).expect("seeds serialise"),
        data_sha256: report.data_sha256.clone(),
        code_sha256: report.method.code_sha256.clone(),
        pgr: report.aggregate.pgr,
        pgr_se: report.aggregate.pgr_se,
        total_seconds: report.timings.total_seconds,
        started_at: report.started_at.clone(),
        finished_at: report.finished_at.clone(),
        created_by: ctx.actor.clone(),
        report: json,
    };
    store.insert_run(&row, &ctx).await?;
    Ok((run_summary(&row), report))
}

pub(crate) fn run_summary(row: &RunRow) -> RunSummary {
    RunSummary {
        id: row.id.clone(),
        short_id: row.id[..12].to_owned(),
        task: row.task.clone(),
        method: row.method.clone(),
        eval_split: row.eval_split.clone(),
        backend: row.backend.clone(),
        adapter: row.adapter.clone(),
        seeds: serde_json::from_str(&row.seeds).unwrap_or_default(),
        pgr: row.pgr,
        pgr_se: row.pgr_se,
        total_seconds: row.total_seconds,
        finished_at: row.finished_at.clone(),
        created_by: row.created_by.clone(),
    }
}

pub(crate) fn parse_report(row: &RunRow) -> ApiResult<RunReport> {
    serde_json::from_str(&row.report)
        .map_err(|e| storage(format!("stored run {} does not parse: {e}", &row.id[..12])))
}

/// The run view of a stored run: its summary with the report's config, seeds, curves and timings.
pub(crate) fn detail(summary: RunSummary, report: &RunReport) -> RunDetail {
    let c = &report.config;
    let model = |role: &str, m: &aar_review_schemas::run::ModelRecord| RunModelView {
        role: role.to_owned(),
        trained_on: m.trained_on.clone(),
        input_dim: m.input_dim,
        hidden: m.hidden.clone(),
        epochs: m.epochs,
        batch_size: m.batch_size,
        learning_rate: m.learning_rate,
        weight_decay: m.weight_decay,
    };
    let a = &report.aggregate;
    let t = &report.timings;
    RunDetail {
        summary,
        requested_device: report.device.requested.clone(),
        data_sha256: report.data_sha256.clone(),
        code_sha256: report.method.code_sha256.clone(),
        submission_id: report.method.submission_id.clone(),
        engine_version: report.engine_version.clone(),
        models: vec![model("weak", &c.weak), model("ceiling", &c.ceiling), model("student", &c.student)],
        per_seed: report
            .per_seed
            .iter()
            .map(|s| RunSeedView {
                seed: s.seed,
                weak_acc: s.weak_acc,
                ceiling_acc: s.ceiling_acc,
                student_acc: s.student_acc,
                pgr: s.pgr,
                weak_loss: s.curves.weak.clone(),
                ceiling_loss: s.curves.ceiling.clone(),
                student_loss: s.curves.student.clone(),
                seconds: s.seconds.weak + s.seconds.ceiling + s.seconds.student,
            })
            .collect(),
        aggregate: RunAggregateView {
            weak_acc: a.weak_acc,
            ceiling_acc: a.ceiling_acc,
            student_acc: a.student_acc,
            pgr: a.pgr,
            pgr_se: a.pgr_se,
            pgr_ci95: a.pgr_ci95.map(|ci| ci.to_vec()),
            seeds_without_gap: a.seeds_without_gap.clone(),
        },
        timings: RunTimingsView {
            total_seconds: t.total_seconds,
            first_step_seconds: t.first_step_seconds,
            steps: t.steps,
            mean_step_ms: t.mean_step_ms,
        },
        started_at: report.started_at.clone(),
    }
}

pub(crate) fn engine_error(e: aar_engine::EngineError) -> ApiError {
    use aar_engine::EngineError as E;
    let code = match &e {
        E::BadPack { .. } | E::Io { .. } => ErrorCode::Storage,
        E::UnknownTask { .. } => ErrorCode::NotFound,
        E::Cancelled => ErrorCode::Cancelled,
        E::NoGpu(_) | E::Method { .. } | E::Diverged { .. } | E::NoSeeds => ErrorCode::InvalidInput,
    };
    ApiError::new(code, e.to_string())
}

fn storage(message: String) -> ApiError {
    ApiError::new(ErrorCode::Storage, message)
}
