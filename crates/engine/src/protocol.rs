//! The weak-to-strong protocol, per seed:
//! 1. the weak teacher is trained on split A with gold labels (on the weak features);
//! 2. the strong ceiling is trained on split B with gold labels (on the strong features);
//! 3. the teacher labels split B (softmax probabilities);
//! 4. a fresh strong student is trained on split B towards targets its [`StudentMethod`] derives
//!    from those soft labels only;
//! 5. all three are evaluated on the evaluation split (test, or the reviewers' private split).

use std::time::Instant;

use aar_domain::pgr;
use aar_review_schemas::run::{
    Curves, DeviceRecord, LabelFollowing, MethodRecord, ModelRecord, PhaseSeconds, ProtocolConfigRecord,
    RUN_SCHEMA_VERSION, RunReport, RunTimings, SeedOutcome, encode_correct,
};
use aar_review_schemas::task::{ModelSpec, TaskPack, TrainDefaults};
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::data::{DeviceSplit, EvalSplit, TaskData};
use crate::device::ComputeDevice;
use crate::method::{
    EntryPoint, EpochContext, EpochTargets, LabelProbe, MethodError, MethodErrorKind, StudentMethod, TaskInfo,
};
use crate::model::{Mlp, MlpConfig};
use crate::progress::{CancelToken, Phase, ProgressEvent, ProgressSink};
use crate::references::{ReferenceCache, ReferenceKey, ReferenceModels};
use crate::training::{Session, StepClock, Targets, accuracy, correct, init_rng, probabilities, train};
use crate::{ENGINE_VERSION, EngineError, stats};

/// One run's inputs. Seeds, device, time and cancellation all come from the caller.
#[derive(Debug)]
pub struct ProtocolRequest<'a> {
    pub task: &'a TaskData,
    pub seeds: Vec<u64>,
    pub eval_split: EvalSplit,
    pub device: &'a ComputeDevice,
    /// Overrides of the student's training defaults (the ceiling keeps the pack's defaults).
    pub student_train: Option<TrainDefaults>,
    /// Recorded in the report; the caller's clock, RFC 3339.
    pub started_at: String,
    /// Where teachers and ceilings trained before are kept; `None` trains them every time.
    pub references: Option<&'a dyn ReferenceCache>,
}

impl std::fmt::Debug for dyn ReferenceCache + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReferenceCache")
    }
}

/// Runs the protocol for every seed. `finished_at` is asked for at the end (the caller's clock).
pub fn run_protocol(
    request: &ProtocolRequest<'_>,
    method: &mut dyn StudentMethod,
    method_record: MethodRecord,
    sink: &mut dyn ProgressSink,
    cancel: &CancelToken,
    finished_at: &dyn Fn() -> String,
) -> Result<RunReport, EngineError> {
    if request.seeds.is_empty() {
        return Err(EngineError::NoSeeds);
    }
    let task = request.task;
    let meta = &task.meta;
    let began = Instant::now();
    let mut method_time = MethodTime::default();

    // The method's own training settings come first: they decide how long the run is.
    let info = TaskInfo { num_classes: task.num_classes(), num_examples: task.split("b").n };
    let chosen = method_time
        .time(|| method.configure(&info))
        .map_err(|source| EngineError::Method { epoch: None, source: Box::new(source) })?;
    let base = request.student_train.clone().unwrap_or_else(|| meta.strong.train.clone());
    let student_train = TrainDefaults {
        epochs: chosen.epochs.unwrap_or(base.epochs),
        batch_size: chosen.batch_size.unwrap_or(base.batch_size),
        learning_rate: chosen.learning_rate.unwrap_or(base.learning_rate),
        weight_decay: chosen.weight_decay.unwrap_or(base.weight_decay),
    };
    crate::data::validate_train("student", &student_train).map_err(EngineError::InvalidConfig)?;
    if chosen.rounds > MAX_ROUNDS {
        return Err(EngineError::InvalidConfig(format!(
            "the method asks for {} extra rounds; at most {MAX_ROUNDS}",
            chosen.rounds
        )));
    }
    let rounds = chosen.rounds;
    // Which seeds' teacher and ceiling are kept already: those are not trained again, and the
    // progress bar does not wait for their epochs.
    let (n_b, classes) = (task.split("b").n, task.num_classes());
    let references: Vec<(ReferenceKey, Option<ReferenceModels>)> = request
        .seeds
        .iter()
        .map(|&seed| {
            let key = ReferenceKey::new(
                &meta.data_sha256,
                &meta.weak,
                &meta.strong,
                seed,
                request.eval_split,
                request.device.backend,
                &request.device.adapter,
            );
            let found = request
                .references
                .and_then(|cache| cache.get(&key))
                .filter(|m| m.fits(n_b, classes, meta.weak.train.epochs, meta.strong.train.epochs));
            (key, found)
        })
        .collect();
    let reference_epochs = u64::from(meta.weak.train.epochs) + u64::from(meta.strong.train.epochs);
    let total_epochs =
        references.iter().map(|(_, hit)| if hit.is_some() { 0 } else { reference_epochs }).sum::<u64>()
            + request.seeds.len() as u64 * u64::from(student_train.epochs) * u64::from(1 + rounds);
    sink.event(&ProgressEvent::Started { total_epochs, seeds: request.seeds.len() });

    let train_device = request.device.device.clone().autodiff();
    let eval_device = request.device.device.clone();
    let classes = task.num_classes();
    let (wd, sd) = (meta.weak.input_dim as usize, meta.strong.input_dim as usize);
    // Every split is uploaded once; training splits on the autodiff device, evaluation without.
    let split_a = task.split("a").upload(wd, sd, classes, &train_device);
    let split_b = task.split("b").upload(wd, sd, classes, &train_device);
    let split_b_eval = task.split("b").upload(wd, sd, classes, &eval_device);
    let eval = task.split(request.eval_split.as_str()).upload(wd, sd, classes, &eval_device);

    let mut clock = StepClock::default();
    let mut per_seed = Vec::with_capacity(request.seeds.len());
    for (&seed, (key, cached)) in request.seeds.iter().zip(references) {
        let mut session = Session { sink: &mut *sink, cancel, clock: &mut clock, seed, epoch_offset: 0 };
        let student =
            StudentPlan { train: &student_train, rounds, method: &mut *method, time: &mut method_time };
        let outcome = run_seed(
            request,
            (key, cached),
            student,
            &split_a,
            &split_b,
            &split_b_eval,
            &eval,
            &mut session,
            &train_device,
        )?;
        sink.event(&ProgressEvent::SeedFinished {
            seed,
            weak_acc: outcome.weak_acc,
            ceiling_acc: outcome.ceiling_acc,
            student_acc: outcome.student_acc,
            pgr: outcome.pgr,
        });
        per_seed.push(outcome);
    }

    let total_seconds = began.elapsed().as_secs_f64();
    let first = clock.first_step_seconds.unwrap_or(0.0);
    let training_seconds: f64 =
        per_seed.iter().map(|s| s.seconds.weak + s.seconds.ceiling + s.seconds.student).sum();
    let mean_step_ms =
        if clock.steps > 1 { (training_seconds - first) / (clock.steps - 1) as f64 * 1e3 } else { 0.0 };
    let record = |spec: &ModelSpec, train: &TrainDefaults, trained_on: &str| ModelRecord {
        input_dim: spec.input_dim,
        hidden: spec.hidden.clone(),
        num_classes: meta.num_classes,
        trained_on: trained_on.to_owned(),
        epochs: train.epochs,
        batch_size: train.batch_size,
        learning_rate: train.learning_rate,
        weight_decay: train.weight_decay,
    };
    Ok(RunReport {
        schema_version: RUN_SCHEMA_VERSION,
        task: meta.name.clone(),
        data_sha256: meta.data_sha256.clone(),
        method: MethodRecord { access_log: method.access_log().cloned(), ..method_record },
        eval_split: request.eval_split,
        device: DeviceRecord {
            requested: request.device.requested,
            backend: request.device.backend,
            adapter: request.device.adapter.clone(),
        },
        engine_version: ENGINE_VERSION.to_owned(),
        seeds: request.seeds.clone(),
        config: ProtocolConfigRecord {
            weak: record(&meta.weak, &meta.weak.train, "a (gold labels)"),
            ceiling: record(&meta.strong, &meta.strong.train, "b (gold labels)"),
            student: record(&meta.strong, &student_train, "b (teacher's soft labels, through the method)"),
            student_rounds: rounds,
        },
        aggregate: stats::aggregate(&per_seed),
        per_seed,
        timings: RunTimings {
            total_seconds,
            first_step_seconds: first,
            steps: clock.steps,
            mean_step_ms,
            method_seconds: method_time.seconds,
        },
        started_at: request.started_at.clone(),
        finished_at: finished_at(),
    })
}

/// The most extra self-training rounds a method may ask for.
pub const MAX_ROUNDS: u32 = 10;

/// Wall time spent inside the method: the script's share of a run.
#[derive(Debug, Default)]
struct MethodTime {
    seconds: f64,
}

impl MethodTime {
    fn time<T>(&mut self, call: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = call();
        self.seconds += started.elapsed().as_secs_f64();
        result
    }
}

/// How the student is trained: its config, the method's extra rounds, and the method itself.
struct StudentPlan<'a> {
    train: &'a TrainDefaults,
    rounds: u32,
    method: &'a mut dyn StudentMethod,
    time: &'a mut MethodTime,
}

#[allow(clippy::too_many_arguments)]
fn run_seed(
    request: &ProtocolRequest<'_>,
    (key, cached): (ReferenceKey, Option<ReferenceModels>),
    plan: StudentPlan<'_>,
    split_a: &DeviceSplit,
    split_b: &DeviceSplit,
    split_b_eval: &DeviceSplit,
    eval: &DeviceSplit,
    session: &mut Session<'_>,
    device: &Device,
) -> Result<SeedOutcome, EngineError> {
    let StudentPlan { train: student_train, rounds, method, time: method_time } = plan;
    let meta = &request.task.meta;
    let classes = request.task.num_classes();
    let n_b = split_b.y.dims()[0];
    let seed = session.seed;

    // 1-3. The teacher and the ceiling, kept from an earlier run or trained now.
    let references_cached = cached.is_some();
    let (references, seconds) = match cached {
        Some(kept) => {
            for (phase, accuracy) in [(Phase::Weak, kept.weak_acc), (Phase::Ceiling, kept.ceiling_acc)] {
                session.sink.event(&ProgressEvent::PhaseFinished { seed, phase, accuracy, seconds: 0.0 });
            }
            (kept, (0.0, 0.0))
        }
        None => {
            let (trained, seconds) =
                train_references(meta, split_a, split_b, split_b_eval, eval, session, device)?;
            if let Some(cache) = request.references {
                cache.put(&key, &trained);
            }
            (trained, seconds)
        }
    };
    let ReferenceModels { weak_acc, ceiling_acc, teacher_probs: teacher_host, weak_curve, ceiling_curve } =
        references;
    let (weak_seconds, ceiling_seconds) = seconds;
    // Training uses a device copy of the teacher's labels: the same f32 values the method sees.
    let teacher_on_train_device: Tensor<2> =
        Tensor::from_data(TensorData::new(teacher_host.clone(), [n_b, classes]), device);

    // 4. Student on B, towards what the method makes of the teacher's labels; then, for each
    //    extra round the method asked for, a fresh student towards what it makes of the previous
    //    round's predictions.
    let started = Instant::now();
    session.sink.event(&ProgressEvent::PhaseStarted {
        seed,
        phase: Phase::Student,
        epochs: student_train.epochs * (1 + rounds),
    });
    let needs_student = method.needs_student_predictions();
    let predict = |model: &Mlp| -> Vec<f32> {
        probabilities(&model.valid(), &split_b_eval.x_strong)
            .to_data()
            .try_to_vec::<f32>()
            .expect("probabilities are f32")
    };
    let mut student_curve = Vec::with_capacity((student_train.epochs * (1 + rounds)) as usize);
    let mut previous_round: Option<Vec<f32>> = None;
    let mut final_student = None;
    for round in 0..=rounds {
        // Every round starts from the same fresh initialisation: only the targets differ.
        let student = model_config(&meta.strong, classes).init(device, &mut init_rng(seed, Phase::Student));
        let mut next_targets = |epoch: u32, model: &Mlp| -> Result<Option<Targets>, EngineError> {
            let student_host: Option<Vec<f32>> = match (needs_student, epoch, previous_round.take()) {
                (false, _, _) => None,
                // A new round sees what the previous one ended with, not its own initialisation.
                (true, 0, Some(previous)) => Some(previous),
                (true, _, _) => Some(predict(model)),
            };
            let ctx = EpochContext {
                epoch,
                epochs: student_train.epochs,
                round,
                rounds,
                num_classes: classes,
                num_examples: n_b,
                teacher: &teacher_host,
                student: student_host.as_deref(),
            };
            let chosen = method_time
                .time(|| method.targets(&ctx))
                .map_err(|source| EngineError::Method { epoch: Some(epoch), source: Box::new(source) })?;
            custom_targets(chosen, epoch, n_b, classes, &teacher_on_train_device, device)
        };
        session.epoch_offset = round * student_train.epochs;
        let (student, curve) =
            train(student, &split_b.x_strong, student_train, Phase::Student, session, &mut next_targets)?;
        student_curve.extend(curve);
        if needs_student && round < rounds {
            previous_round = Some(predict(&student));
        }
        final_student = Some(student);
    }
    session.epoch_offset = 0;
    let student = final_student.expect("at least one round is trained");
    // Per example, not only the mean: two runs on the same split can then be paired example by
    // example (which answers changed), the exact split noise of their difference.
    let student_correct = correct(&student.valid(), &eval.x_strong, &eval.y);
    let student_acc =
        student_correct.iter().filter(|c| **c).count() as f64 / student_correct.len().max(1) as f64;
    let label_following =
        method.label_probe().and_then(|probe| label_following(probe, &predict(&student), classes));
    let student_seconds = finish_phase(session, Phase::Student, student_acc, started);

    Ok(SeedOutcome {
        seed,
        weak_acc,
        ceiling_acc,
        student_acc,
        pgr: pgr(weak_acc, ceiling_acc, student_acc),
        curves: Curves { weak: weak_curve, ceiling: ceiling_curve, student: student_curve },
        seconds: PhaseSeconds { weak: weak_seconds, ceiling: ceiling_seconds, student: student_seconds },
        references_cached,
        student_correct: Some(encode_correct(&student_correct)),
        label_following,
    })
}

/// The final student's probabilities (`probs`, split B row-major) of the class each probed row
/// was handed by a teacher ablation and of its counterfactual class. `None` when the probe names
/// a row or class split B does not have.
fn label_following(probe: &LabelProbe, probs: &[f32], classes: usize) -> Option<LabelFollowing> {
    let probability = |row: usize, class: usize| -> Option<f32> {
        if class >= classes {
            return None;
        }
        probs.get(row.checked_mul(classes)?.checked_add(class)?).copied()
    };
    let mut handed = Vec::with_capacity(probe.rows.len());
    let mut counterfactual = Vec::with_capacity(probe.rows.len());
    for ((&row, &h), &c) in probe.rows.iter().zip(&probe.handed).zip(&probe.counterfactual) {
        handed.push(probability(row, h)?);
        counterfactual.push(probability(row, c)?);
    }
    Some(LabelFollowing::new(&handed, &counterfactual))
}

/// Trains the weak teacher on A and the strong ceiling on B (gold labels both), and labels B with
/// the teacher. Returns them with the seconds each took.
#[allow(clippy::too_many_arguments)]
fn train_references(
    meta: &TaskPack,
    split_a: &DeviceSplit,
    split_b: &DeviceSplit,
    split_b_eval: &DeviceSplit,
    eval: &DeviceSplit,
    session: &mut Session<'_>,
    device: &Device,
) -> Result<(ReferenceModels, (f64, f64)), EngineError> {
    let started = Instant::now();
    let gold_a = Targets { probs: split_a.one_hot.clone(), weights: None };
    let (teacher, weak_curve) =
        fit(&meta.weak, &meta.weak.train, Phase::Weak, &split_a.x_weak, gold_a, session, device)?;
    let teacher = teacher.valid();
    let weak_acc = accuracy(&teacher, &eval.x_weak, &eval.y);
    let weak_seconds = finish_phase(session, Phase::Weak, weak_acc, started);

    let started = Instant::now();
    let gold_b = Targets { probs: split_b.one_hot.clone(), weights: None };
    let (ceiling, ceiling_curve) =
        fit(&meta.strong, &meta.strong.train, Phase::Ceiling, &split_b.x_strong, gold_b, session, device)?;
    let ceiling_acc = accuracy(&ceiling.valid(), &eval.x_strong, &eval.y);
    let ceiling_seconds = finish_phase(session, Phase::Ceiling, ceiling_acc, started);

    let teacher_probs = probabilities(&teacher, &split_b_eval.x_weak)
        .to_data()
        .try_to_vec::<f32>()
        .expect("probabilities are f32");
    let models = ReferenceModels { weak_acc, ceiling_acc, teacher_probs, weak_curve, ceiling_curve };
    Ok((models, (weak_seconds, ceiling_seconds)))
}

fn model_config(spec: &ModelSpec, classes: usize) -> MlpConfig {
    MlpConfig::new(spec.input_dim as usize, spec.hidden.iter().map(|&h| h as usize).collect(), classes)
}

/// Trains a fresh model of `spec` on fixed targets (gold labels).
fn fit(
    spec: &ModelSpec,
    train_spec: &TrainDefaults,
    phase: Phase,
    x: &Tensor<2>,
    targets: Targets,
    session: &mut Session<'_>,
    device: &Device,
) -> Result<(Mlp, Vec<f64>), EngineError> {
    let classes = targets.probs.dims()[1];
    session.sink.event(&ProgressEvent::PhaseStarted { seed: session.seed, phase, epochs: train_spec.epochs });
    let model = model_config(spec, classes).init(device, &mut init_rng(session.seed, phase));
    let mut targets = Some(targets);
    train(model, x, train_spec, phase, session, &mut |_, _| Ok(targets.take()))
}

fn finish_phase(session: &mut Session<'_>, phase: Phase, accuracy: f64, started: Instant) -> f64 {
    let seconds = started.elapsed().as_secs_f64();
    session.sink.event(&ProgressEvent::PhaseFinished { seed: session.seed, phase, accuracy, seconds });
    seconds
}

/// Checks a method's answer and puts it on the device.
fn custom_targets(
    chosen: EpochTargets,
    epoch: u32,
    n: usize,
    classes: usize,
    teacher: &Tensor<2>,
    device: &Device,
) -> Result<Option<Targets>, EngineError> {
    let invalid = |message: String| EngineError::Method {
        epoch: Some(epoch),
        source: Box::new(MethodError::new(
            EntryPoint::Targets,
            MethodErrorKind::BadOutput { what: "output".into() },
            message,
        )),
    };
    match chosen {
        EpochTargets::Teacher => Ok(Some(Targets { probs: teacher.clone(), weights: None })),
        EpochTargets::Unchanged if epoch == 0 => {
            Err(invalid("the first epoch must choose its targets".into()))
        }
        EpochTargets::Unchanged => Ok(None),
        EpochTargets::Custom { targets, weights } => {
            if targets.len() != n * classes {
                return Err(invalid(format!(
                    "targets have {} values, expected {n} x {classes}",
                    targets.len()
                )));
            }
            if let Some((row, _)) = targets.chunks(classes).enumerate().find(|(_, row)| {
                row.iter().any(|p| !p.is_finite() || *p < 0.0) || (row.iter().sum::<f32>() - 1.0).abs() > 1e-3
            }) {
                return Err(invalid(format!("target row {row} is not a probability distribution")));
            }
            let weights = match weights {
                None => None,
                Some(w) if w.len() != n => {
                    return Err(invalid(format!("{} weights for {n} examples", w.len())));
                }
                Some(w) if w.iter().any(|v| !v.is_finite() || *v < 0.0) => {
                    return Err(invalid("weights must be finite and non-negative".into()));
                }
                Some(w) => Some(Tensor::from_data(TensorData::new(w, [n]), device)),
            };
            Ok(Some(Targets {
                probs: Tensor::from_data(TensorData::new(targets, [n, classes]), device),
                weights,
            }))
        }
    }
}
