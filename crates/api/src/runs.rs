//! Task packs and independent re-runs of the W2S protocol.

use std::path::PathBuf;
use std::sync::Arc;

use aar_domain::StudentMethod;
use aar_engine::data::list_packs;
use aar_engine::references::{FolderReferences, ReferenceCache};
use aar_engine::{CancelToken, ProgressSink, ProtocolRequest, TaskData};
use aar_review_schemas::method::AccessLog;
use aar_review_schemas::run::{MethodRecord, RunReport};
use aar_review_schemas::task::{TASK_FILE_NAME, TaskPack};
use aar_review_schemas::vocab::{DeviceChoice, EvalSplit};
use aar_sandbox::Isolation;
use aar_store::{RunRow, Store, WriteContext};
use include_dir::{Dir, include_dir};

use crate::dto::{
    MethodSource, ModelView, RunComparison, RunRequest, RunSummary, SeedPair, TaskProblem, TaskSummary,
};
use crate::{ApiError, ApiResult, Clock, ErrorCode, methods};

/// The bundled task packs, embedded so every install can re-run without the source tree.
static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../tasks");

/// An extra folder of task packs (one sub-folder each), e.g. packs exported from real models.
pub const TASKS_ENV: &str = "AAR_REVIEW_TASKS";

/// Where teachers and ceilings are kept between runs: a folder path, or `off` to train them
/// every time. Default: the OS cache directory (e.g. `~/.cache/aar-review/references`).
pub const REFERENCES_ENV: &str = "AAR_REVIEW_REFERENCES";

/// The reference-model cache this process uses, if any.
pub(crate) fn reference_folder() -> Option<Arc<dyn ReferenceCache>> {
    let dir = match std::env::var_os(REFERENCES_ENV) {
        Some(v) if v == "off" => return None,
        Some(v) => PathBuf::from(v),
        None => directories::ProjectDirs::from("", "", "aar-review")?.cache_dir().join("references"),
    };
    Some(Arc::new(FolderReferences::new(dir)))
}

/// The first of the pre-registered seeds: the AAR system scored students on seeds 42..46.
pub const FIRST_SEED: u64 = 42;

/// The most seeds one run may ask for (each seed trains three models).
pub(crate) const MAX_SEEDS: u32 = 1000;

/// The task packs a run can use, and the packs that could not be loaded, each with its problem.
pub(crate) struct TaskCatalog {
    pub packs: Vec<TaskData>,
    pub problems: Vec<TaskProblem>,
}

impl TaskCatalog {
    /// The bundled packs, then those under `$AAR_REVIEW_TASKS`. One bad pack is reported by
    /// name and leaves the others usable; a pack named like one already loaded (a bundled pack
    /// above all: verification relies on them) is refused rather than listed twice or shadowed.
    pub(crate) fn load() -> TaskCatalog {
        let mut catalog = TaskCatalog { packs: Vec::new(), problems: Vec::new() };
        for dir in BUNDLED.dirs() {
            let origin = PathBuf::from("bundled").join(dir.path());
            let loaded = bundled_pack(dir, &origin);
            catalog.add(origin, loaded);
        }
        if let Some(extra) = std::env::var_os(TASKS_ENV) {
            let root = PathBuf::from(extra);
            match list_packs(&root) {
                Ok(packs) => packs.into_iter().for_each(|(dir, loaded)| catalog.add(dir, loaded)),
                Err(e) => catalog.problems.push(TaskProblem {
                    pack: root.display().to_string(),
                    origin: format!("${TASKS_ENV}"),
                    problem: e.to_string(),
                }),
            }
        }
        catalog.packs.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        catalog
    }

    fn add(&mut self, origin: PathBuf, loaded: Result<TaskData, aar_engine::EngineError>) {
        let folder = origin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match loaded {
            Ok(pack) => match self.packs.iter().find(|p| p.meta.name == pack.meta.name) {
                Some(first) => self.problems.push(TaskProblem {
                    pack: pack.meta.name.clone(),
                    origin: origin.display().to_string(),
                    problem: format!(
                        "its name is taken by the pack at {}; rename it in its task.json",
                        first.origin.display()
                    ),
                }),
                None => self.packs.push(pack),
            },
            Err(e) => self.problems.push(TaskProblem {
                pack: folder,
                origin: origin.display().to_string(),
                problem: e.to_string(),
            }),
        }
    }

    /// The pack named `name`; a pack that failed to load under that name says why.
    pub(crate) fn take(self, name: &str) -> ApiResult<TaskData> {
        let known: Vec<String> = self.packs.iter().map(|t| t.meta.name.clone()).collect();
        if let Some(pack) = self.packs.into_iter().find(|t| t.meta.name == name) {
            return Ok(pack);
        }
        if let Some(problem) = self.problems.iter().find(|p| p.pack == name) {
            return Err(ApiError::invalid(format!(
                "task pack `{name}` ({}) cannot be used: {}",
                problem.origin, problem.problem
            )));
        }
        Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no task named `{name}`; known tasks: {}", known.join(", ")),
        ))
    }
}

fn bundled_pack(dir: &Dir<'_>, origin: &std::path::Path) -> Result<TaskData, aar_engine::EngineError> {
    let bad = |problem: String| aar_engine::EngineError::BadPack { path: origin.to_owned(), problem };
    let meta =
        dir.get_file(dir.path().join(TASK_FILE_NAME)).ok_or_else(|| bad(format!("no {TASK_FILE_NAME}")))?;
    let meta: TaskPack =
        serde_json::from_slice(meta.contents()).map_err(|e| bad(format!("{TASK_FILE_NAME}: {e}")))?;
    let data = dir
        .get_file(dir.path().join(&meta.data_file))
        .ok_or_else(|| bad(format!("no {}", meta.data_file)))?;
    TaskData::from_parts(meta, data.contents(), origin.to_owned())
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

/// Runs the protocol with the requested method on a blocking thread, then stores the report.
/// Progress goes to `sink`; `cancel` stops the run between two optimiser steps. A run whose
/// method fails (or whose training diverges) stores nothing but an audit entry with the error
/// and the method's access log.
pub(crate) async fn run(
    store: &Store,
    ctx: WriteContext,
    clock: Clock,
    isolation: &Isolation,
    request: RunRequest,
    sink: Box<dyn ProgressSink + Send>,
    cancel: CancelToken,
) -> ApiResult<(RunSummary, RunReport)> {
    let (device, eval_split) = (request.device, request.eval_split);
    if !(1..=MAX_SEEDS).contains(&request.seeds) {
        return Err(ApiError::invalid(format!("--seeds must be between 1 and {MAX_SEEDS}")));
    }
    let first = request.first_seed.unwrap_or(FIRST_SEED);
    let last = first.checked_add(u64::from(request.seeds) - 1).ok_or_else(|| {
        ApiError::invalid(format!(
            "{} seeds from {first} run past the largest seed, {}; choose a smaller --first-seed",
            request.seeds,
            u64::MAX
        ))
    })?;
    let seeds: Vec<u64> = (first..=last).collect();
    let task = Arc::new(TaskCatalog::load().take(&request.task)?);
    let method = request.method.as_ref().unwrap_or(&MethodSource::Vanilla);
    let resolved = methods::resolve(store, method, isolation).await?;
    let record = resolved.record.clone();
    let plan = RunPlan { task, seeds, eval_split, device, references: reference_folder() };
    let (outcome, access_log) = execute(plan, resolved.method, record, sink, cancel, clock).await?;
    let report = match outcome {
        Ok(report) => report,
        Err(e) => return Err(failed(store, &ctx, &request, &resolved.record, access_log, e).await),
    };
    let row = store.insert_run(&report, &ctx).await?;
    Ok((run_summary(&row), report))
}

/// What one run trains on: a pack, seeds, the split it is evaluated on, and where.
#[derive(Clone)]
pub(crate) struct RunPlan {
    pub task: Arc<TaskData>,
    pub seeds: Vec<u64>,
    pub eval_split: EvalSplit,
    pub device: DeviceChoice,
    /// Teachers and ceilings trained before (see `aar_engine::references`).
    pub references: Option<Arc<dyn ReferenceCache>>,
}

/// Runs the protocol on a blocking thread and hands back its outcome, with what the method read
/// and called (kept even when the run fails, as evidence). Stores nothing.
pub(crate) async fn execute(
    plan: RunPlan,
    mut method: Box<dyn StudentMethod + Send>,
    record: MethodRecord,
    mut sink: Box<dyn ProgressSink + Send>,
    cancel: CancelToken,
    clock: Clock,
) -> ApiResult<(Result<RunReport, aar_engine::EngineError>, Option<AccessLog>)> {
    let started_at = clock().to_string();
    let (outcome, method) = tokio::task::spawn_blocking(move || {
        let outcome = aar_engine::resolve_device(plan.device).and_then(|device| {
            let protocol = ProtocolRequest {
                task: &plan.task,
                seeds: plan.seeds,
                eval_split: plan.eval_split,
                device: &device,
                student_train: None,
                started_at,
                references: plan.references.as_deref(),
            };
            let finished = move || clock().to_string();
            aar_engine::run_protocol(&protocol, method.as_mut(), record, sink.as_mut(), &cancel, &finished)
        });
        (outcome, method)
    })
    .await
    .map_err(|e| storage(format!("the training thread failed: {e}")))?;
    // Taken before any await: the method itself need not be shareable across threads.
    let access_log = method.access_log().cloned();
    Ok((outcome, access_log))
}

/// Turns a failed run into its error. A method failure or a divergence is recorded in the audit
/// log (the error, and what the method read and called up to then); a cancelled or refused run
/// leaves nothing.
async fn failed(
    store: &Store,
    ctx: &WriteContext,
    request: &RunRequest,
    record: &aar_review_schemas::run::MethodRecord,
    access_log: Option<aar_review_schemas::method::AccessLog>,
    e: aar_engine::EngineError,
) -> ApiError {
    use aar_engine::EngineError as E;
    let message = e.to_string();
    // What failed and with which method; a method failure adds its typed error and access log.
    let mut detail = serde_json::json!({
        "task": request.task, "method": record.name, "submission": record.submission_id,
        "code_sha256": record.code_sha256, "error": message,
    });
    let error = match e {
        E::Method { epoch, source } => {
            detail["epoch"] = serde_json::json!(epoch);
            detail["error"] = serde_json::json!(source);
            detail["access_log"] = serde_json::json!(access_log);
            ApiError { message, ..methods::method_failure(*source) }
        }
        E::Diverged { .. } => ApiError::new(ErrorCode::RunFailed, message),
        other => return engine_error(other),
    };
    match store.record_failed_run(&audit_subject(record), &detail, ctx).await {
        Ok(()) => error,
        Err(e) => e.into(),
    }
}

/// What a failed run's audit entry is about: the submission, else the method's bytes.
fn audit_subject(record: &aar_review_schemas::run::MethodRecord) -> String {
    record.submission_id.clone().or_else(|| record.code_sha256.clone()).unwrap_or_else(|| record.name.clone())
}

pub(crate) fn run_summary(row: &RunRow) -> RunSummary {
    RunSummary {
        id: row.id.clone(),
        short_id: row.id[..12].to_owned(),
        task: row.task.clone(),
        method: row.method.clone(),
        eval_split: row.eval_split,
        backend: row.backend,
        adapter: row.adapter.clone(),
        seeds: row.seeds.clone(),
        pgr: row.pgr,
        pgr_se: row.pgr_se,
        total_seconds: row.total_seconds,
        finished_at: row.finished_at.clone(),
        created_by: row.created_by.clone(),
        submission_id: row.submission_id.clone(),
    }
}

pub(crate) fn parse_report(row: &RunRow) -> ApiResult<RunReport> {
    Ok(row.report()?)
}

pub(crate) fn engine_error(e: aar_engine::EngineError) -> ApiError {
    use aar_engine::EngineError as E;
    let code = match &e {
        E::Io { .. } => ErrorCode::Storage,
        E::Cancelled => ErrorCode::Cancelled,
        E::Method { .. } | E::Diverged { .. } => ErrorCode::RunFailed,
        E::BadPack { .. } | E::NoGpu(_) | E::NoSeeds | E::InvalidConfig(_) => ErrorCode::InvalidInput,
    };
    ApiError::new(code, e.to_string())
}

fn storage(message: String) -> ApiError {
    ApiError::new(ErrorCode::Storage, message)
}

/// Pairs two runs seed by seed. They must have run on the same pack data and split; only the
/// seeds both ran are compared.
pub(crate) fn compare(
    method: (RunSummary, RunReport),
    baseline: (RunSummary, RunReport),
) -> ApiResult<RunComparison> {
    let (m, b) = (&method.1, &baseline.1);
    if m.data_sha256 != b.data_sha256 || m.eval_split != b.eval_split {
        return Err(ApiError::invalid(format!(
            "runs {} and {} are not comparable: {} on {} ({}) against {} on {} ({})",
            method.0.short_id,
            baseline.0.short_id,
            m.task,
            m.eval_split,
            &m.data_sha256[..12],
            b.task,
            b.eval_split,
            &b.data_sha256[..12]
        )));
    }
    let seeds: Vec<SeedPair> = m
        .per_seed
        .iter()
        .filter_map(|x| {
            let y = b.per_seed.iter().find(|y| y.seed == x.seed)?;
            Some(SeedPair {
                seed: x.seed,
                method_pgr: x.pgr,
                baseline_pgr: y.pgr,
                method_student_acc: x.student_acc,
                baseline_student_acc: y.student_acc,
            })
        })
        .collect();
    if seeds.is_empty() {
        return Err(ApiError::invalid(format!(
            "runs {} and {} share no seed: re-run one of them with the other's seeds",
            method.0.short_id, baseline.0.short_id
        )));
    }
    let pgr_diffs: Vec<f64> = seeds.iter().filter_map(|s| Some(s.method_pgr? - s.baseline_pgr?)).collect();
    let acc_diffs: Vec<f64> = seeds.iter().map(|s| s.method_student_acc - s.baseline_student_acc).collect();
    Ok(RunComparison {
        pgr: aar_domain::PairedTest::of(&pgr_diffs),
        student_acc: aar_domain::PairedTest::of(&acc_diffs),
        seeds,
        method: method.0,
        baseline: baseline.0,
    })
}
