//! Engine behaviour on small packs made here: determinism, cancellation, method validation,
//! pack validation, and the wgpu path (on lavapipe where there is no GPU).

use std::collections::HashMap;
use std::path::PathBuf;

use aar_engine::progress::{Quiet, Recorder};
use aar_engine::{
    CancelToken, DeviceChoice, EngineError, EntryPoint, EpochContext, EpochTargets, EvalSplit, MethodError,
    MethodErrorKind, ProgressEvent, ProgressSink, ProtocolRequest, StudentMethod, TaskData, Vanilla,
    run_protocol,
};
use aar_review_schemas::run::{MethodRecord, RunReport};
use aar_review_schemas::task::{ModelSpec, SplitSizes, TASK_SCHEMA_VERSION, TaskPack, TrainDefaults};
use rand::{RngExt, SeedableRng};
use safetensors::{Dtype, tensor::TensorView};

/// A small synthetic W2S pack: a 4-class label from a random linear map of a latent; the strong
/// view is a clean embedding of the latent, the weak view a noisy half of it.
fn tiny_pack(epochs: u32) -> TaskData {
    let (meta, data) = tiny_pack_parts(epochs);
    TaskData::from_parts(meta, &data, PathBuf::from("tiny")).unwrap()
}

/// The metadata and data bytes of [`tiny_pack`].
fn tiny_pack_parts(epochs: u32) -> (TaskPack, Vec<u8>) {
    let sizes = SplitSizes { a: 96, b: 192, dev: 32, test: 128, private: 64 };
    let (latent, weak_dim, strong_dim, classes) = (6usize, 4usize, 12usize, 4usize);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut normal = move || -> f32 {
        // Box-Muller from two uniforms.
        let (u, v): (f32, f32) = (rng.random_range(1e-6..1.0), rng.random_range(0.0..1.0));
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    };
    let labeller: Vec<f32> = (0..latent * classes).map(|_| normal()).collect();
    let embed: Vec<f32> = (0..latent * strong_dim).map(|_| normal()).collect();
    let mut buffers: Vec<(String, Vec<u8>, Vec<usize>, Dtype)> = Vec::new();
    for (split, n) in
        [("a", sizes.a), ("b", sizes.b), ("dev", sizes.dev), ("test", sizes.test), ("private", sizes.private)]
    {
        let n = n as usize;
        let (mut xw, mut xs, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let z: Vec<f32> = (0..latent).map(|_| normal()).collect();
            let scores: Vec<f32> =
                (0..classes).map(|c| (0..latent).map(|i| z[i] * labeller[i * classes + c]).sum()).collect();
            let label = scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0 as i32;
            y.push(label);
            for j in 0..strong_dim {
                xs.push((0..latent).map(|i| z[i] * embed[i * strong_dim + j]).sum::<f32>() + 0.05 * normal());
            }
            for z_i in z.iter().take(weak_dim) {
                xw.push(z_i + 0.8 * normal());
            }
        }
        let f32_bytes = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        buffers.push((format!("{split}.x_weak"), f32_bytes(&xw), vec![n, weak_dim], Dtype::F32));
        buffers.push((format!("{split}.x_strong"), f32_bytes(&xs), vec![n, strong_dim], Dtype::F32));
        buffers.push((
            format!("{split}.y"),
            y.iter().flat_map(|x| x.to_le_bytes()).collect(),
            vec![n],
            Dtype::I32,
        ));
    }
    let views: Vec<(String, TensorView<'_>)> = buffers
        .iter()
        .map(|(name, bytes, shape, dtype)| {
            (name.clone(), TensorView::new(*dtype, shape.clone(), bytes).unwrap())
        })
        .collect();
    let data = safetensors::serialize(views, None::<HashMap<String, String>>).unwrap();
    let train = |lr: f64| TrainDefaults { epochs, batch_size: 32, learning_rate: lr, weight_decay: 1e-4 };
    let meta = TaskPack {
        schema_version: TASK_SCHEMA_VERSION,
        name: "tiny".into(),
        title: "tiny synthetic".into(),
        description: "test pack".into(),
        num_classes: classes as u32,
        class_names: Vec::new(),
        negative_control: false,
        weak: ModelSpec { input_dim: weak_dim as u32, hidden: vec![], train: train(0.02) },
        strong: ModelSpec { input_dim: strong_dim as u32, hidden: vec![16], train: train(0.01) },
        splits: sizes,
        data_file: "data.safetensors".into(),
        data_sha256: aar_domain::Digest::of(&data).to_string(),
        family: None,
    };
    (meta, data)
}

fn run(
    task: &TaskData,
    choice: DeviceChoice,
    seeds: Vec<u64>,
    method: &mut dyn StudentMethod,
    sink: &mut dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<RunReport, EngineError> {
    let device = aar_engine::resolve_device(choice).unwrap();
    let request = ProtocolRequest {
        task,
        seeds,
        eval_split: EvalSplit::Test,
        device: &device,
        student_train: None,
        started_at: "2026-11-22T00:00:00Z".into(),
        references: None,
    };
    let record =
        MethodRecord { name: method.name(), code_sha256: None, submission_id: None, access_log: None };
    run_protocol(&request, method, record, sink, cancel, &|| "2026-11-22T00:01:00Z".to_owned())
}

#[test]
fn same_seed_same_device_gives_identical_numbers() {
    let task = tiny_pack(8);
    let a =
        run(&task, DeviceChoice::Cpu, vec![42, 43], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    let b =
        run(&task, DeviceChoice::Cpu, vec![42, 43], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    for (x, y) in a.per_seed.iter().zip(&b.per_seed) {
        assert_eq!((x.weak_acc, x.ceiling_acc, x.student_acc), (y.weak_acc, y.ceiling_acc, y.student_acc));
        assert_eq!(x.curves, y.curves, "loss curves must repeat bit for bit on the same device");
    }
    assert_eq!(a.aggregate, b.aggregate);
    // Different seeds must actually change something, or the seed is not reaching the engine.
    assert_ne!(a.per_seed[0].curves.student, a.per_seed[1].curves.student);
}

/// Runs in parallel must not disturb each other: the app can re-run two methods at once, and the
/// test harness runs tests on several threads. (burn's own backend RNG is process-global; the
/// engine must not draw from it.)
#[test]
fn parallel_runs_give_the_same_numbers_as_a_lone_run() {
    let task = tiny_pack(6);
    let lone =
        run(&task, DeviceChoice::Cpu, vec![5, 6], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    let parallel: Vec<RunReport> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    run(&task, DeviceChoice::Cpu, vec![5, 6], &mut Vanilla, &mut Quiet, &CancelToken::new())
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for report in &parallel {
        for (x, y) in lone.per_seed.iter().zip(&report.per_seed) {
            assert_eq!(x.curves, y.curves, "seed {}: a parallel run drew different numbers", x.seed);
            assert_eq!(
                (x.weak_acc, x.ceiling_acc, x.student_acc),
                (y.weak_acc, y.ceiling_acc, y.student_acc)
            );
        }
    }
}

#[test]
fn the_protocol_learns_and_reports_everything() {
    let task = tiny_pack(25);
    let mut recorder = Recorder::default();
    let report =
        run(&task, DeviceChoice::Cpu, vec![42, 43, 44], &mut Vanilla, &mut recorder, &CancelToken::new())
            .unwrap();
    let a = &report.aggregate;
    assert!(a.weak_acc > 0.3, "the teacher beats chance (0.25): {a:?}");
    assert!(a.ceiling_acc > a.weak_acc + 0.1, "the strong view is much better: {a:?}");
    assert!(a.student_acc > a.weak_acc, "a noisy teacher's student generalises past it: {a:?}");
    let [lo, hi] = a.pgr_ci95.expect("three seeds give an interval");
    assert!(lo <= a.pgr.unwrap() && a.pgr.unwrap() <= hi, "{a:?}");
    assert_eq!(report.config.student.trained_on, "b (teacher's soft labels, through the method)");
    for seed in &report.per_seed {
        assert_eq!(seed.curves.student.len(), 25);
        assert!(seed.curves.ceiling.last() < seed.curves.ceiling.first(), "training lowers the loss");
    }
    assert!(report.timings.steps > 0 && report.timings.first_step_seconds > 0.0);
    let epochs = recorder.0.iter().filter(|e| matches!(e, ProgressEvent::EpochFinished { .. })).count();
    assert_eq!(epochs, 3 * 3 * 25, "one event per epoch of every phase of every seed");
    assert!(matches!(recorder.0[0], ProgressEvent::Started { total_epochs: 225, seeds: 3 }));
}

#[test]
fn cancelling_stops_the_run() {
    struct CancelAfter(CancelToken, usize);
    impl ProgressSink for CancelAfter {
        fn event(&mut self, event: &ProgressEvent) {
            if matches!(event, ProgressEvent::EpochFinished { .. }) {
                self.1 -= 1;
                if self.1 == 0 {
                    self.0.cancel();
                }
            }
        }
    }
    let task = tiny_pack(50);
    let cancel = CancelToken::new();
    let mut sink = CancelAfter(cancel.clone(), 3);
    let result = run(&task, DeviceChoice::Cpu, vec![42], &mut Vanilla, &mut sink, &cancel);
    assert!(matches!(result, Err(EngineError::Cancelled)), "{result:?}");
}

/// A method that breaks the rules in a configurable way.
struct Broken(&'static str);

impl StudentMethod for Broken {
    fn name(&self) -> String {
        "broken".into()
    }
    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        let n = ctx.num_examples * ctx.num_classes;
        match self.0 {
            "short" => Ok(EpochTargets::Custom { targets: vec![0.25; n - 1], weights: None }),
            "not-probabilities" => Ok(EpochTargets::Custom { targets: vec![0.5; n], weights: None }),
            "unchanged-first" => Ok(EpochTargets::Unchanged),
            _ => Err(MethodError::new(EntryPoint::Targets, MethodErrorKind::Runtime, "the script threw")),
        }
    }
}

#[test]
fn bad_method_output_is_a_clear_error() {
    let task = tiny_pack(3);
    for (kind, expected) in [
        ("short", "targets have"),
        ("not-probabilities", "is not a probability distribution"),
        ("unchanged-first", "first epoch must choose"),
        ("throws", "the script threw"),
    ] {
        let err = run(&task, DeviceChoice::Cpu, vec![42], &mut Broken(kind), &mut Quiet, &CancelToken::new())
            .unwrap_err();
        assert!(err.to_string().contains(expected), "{kind}: {err}");
    }
}

/// Filters to confident teacher labels: exercises weights and student predictions.
struct ConfidentOnly;

impl StudentMethod for ConfidentOnly {
    fn name(&self) -> String {
        "confident-only".into()
    }
    fn needs_student_predictions(&self) -> bool {
        true
    }
    fn targets(&mut self, ctx: &EpochContext<'_>) -> Result<EpochTargets, MethodError> {
        let student = ctx.student.ok_or_else(|| {
            MethodError::new(
                EntryPoint::Targets,
                MethodErrorKind::Runtime,
                "student predictions were asked for",
            )
        })?;
        assert_eq!(student.len(), ctx.num_examples * ctx.num_classes);
        let weights = ctx
            .teacher
            .chunks(ctx.num_classes)
            .map(|row| if row.iter().cloned().fold(0.0, f32::max) > 0.5 { 1.0 } else { 0.0 })
            .collect();
        Ok(EpochTargets::Custom { targets: ctx.teacher.to_vec(), weights: Some(weights) })
    }
}

#[test]
fn methods_can_weight_examples_and_see_the_student() {
    let task = tiny_pack(5);
    let report =
        run(&task, DeviceChoice::Cpu, vec![42], &mut ConfidentOnly, &mut Quiet, &CancelToken::new()).unwrap();
    assert_eq!(report.method.name, "confident-only");
    assert!(report.per_seed[0].student_acc > 0.25);
}

#[test]
fn corrupted_pack_data_is_refused() {
    let task = tiny_pack(1);
    let mut meta = task.meta.clone();
    meta.data_sha256 = "0".repeat(64);
    let err = TaskData::from_parts(meta, b"not safetensors", PathBuf::from("broken")).unwrap_err();
    assert!(err.to_string().contains("does not match its data_sha256"), "{err}");
}

/// Issue 6: a pack's task.json is checked before anything is allocated for it, so an absurd size
/// is a clear refusal, not an aborted process or a panicked training thread.
#[test]
fn absurd_pack_metadata_is_refused_before_allocation() {
    type Edit = fn(&mut TaskPack);
    let cases: [(Edit, &str); 8] = [
        (|m| m.num_classes = u32::MAX, "num_classes is 4294967295"),
        (|m| m.strong.hidden = vec![200_000, 200_000], "strong.hidden holds a layer of width 200000"),
        (|m| m.strong.hidden = vec![16_000, 16_000, 16_000], "would have"),
        (|m| m.weak.hidden = vec![0], "weak.hidden holds a layer of width 0"),
        (|m| m.weak.input_dim = 0, "weak.input_dim is 0"),
        (|m| m.strong.train.batch_size = 0, "strong.train.batch_size is 0"),
        (|m| m.weak.train.epochs = 0, "weak.train.epochs is 0"),
        (|m| m.splits.private = 0, "split private is empty"),
    ];
    for (edit, expected) in cases {
        let (mut meta, data) = tiny_pack_parts(1);
        edit(&mut meta);
        let err = TaskData::from_parts(meta, &data, PathBuf::from("bad")).unwrap_err();
        assert!(err.to_string().contains(expected), "expected `{expected}` in: {err}");
    }
    let (mut meta, data) = tiny_pack_parts(1);
    meta.strong.train.learning_rate = f64::NAN;
    assert!(TaskData::from_parts(meta, &data, PathBuf::from("bad")).is_err(), "a NaN learning rate");
}

#[test]
fn a_run_refuses_student_overrides_out_of_bounds() {
    let task = tiny_pack(1);
    let device = aar_engine::resolve_device(DeviceChoice::Cpu).unwrap();
    let request = ProtocolRequest {
        task: &task,
        seeds: vec![42],
        eval_split: EvalSplit::Test,
        device: &device,
        student_train: Some(TrainDefaults {
            epochs: 0,
            batch_size: 32,
            learning_rate: 0.01,
            weight_decay: 0.0,
        }),
        started_at: "2026-11-22T10:00:00Z".into(),
        references: None,
    };
    let method =
        MethodRecord { name: "vanilla".into(), code_sha256: None, submission_id: None, access_log: None };
    let err =
        run_protocol(&request, &mut Vanilla, method, &mut Quiet, &CancelToken::new(), &|| String::new())
            .unwrap_err();
    assert!(matches!(err, EngineError::InvalidConfig(_)), "{err}");
    assert!(err.to_string().contains("student.epochs is 0"), "{err}");
}

/// The wgpu backend, on whatever adapter wgpu finds: a real GPU where there is one, Mesa's
/// lavapipe on CI. Requires a Vulkan driver; `./dev test` installs mesa-vulkan-drivers.
#[test]
fn wgpu_backend_trains_a_tiny_task() {
    let task = tiny_pack(4);
    let device = aar_engine::resolve_device(DeviceChoice::Gpu)
        .expect("a wgpu adapter (install mesa-vulkan-drivers for lavapipe)");
    assert_eq!(device.backend, aar_engine::Backend::Wgpu);
    let report =
        run(&task, DeviceChoice::Gpu, vec![42], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    eprintln!(
        "wgpu adapter: {}; first step {:.2} s",
        report.device.adapter, report.timings.first_step_seconds
    );
    let s = &report.per_seed[0];
    assert!(s.weak_acc > 0.3 && s.ceiling_acc > 0.3, "wgpu training learns something: {s:?}");
    assert!(s.curves.ceiling.iter().all(|l| l.is_finite()));
}

/// Counts every event, so a test can see that the cached phases were not trained.
#[derive(Default)]
struct Epochs {
    total: u64,
    counted: u64,
}

impl ProgressSink for Epochs {
    fn event(&mut self, event: &aar_engine::ProgressEvent) {
        match event {
            aar_engine::ProgressEvent::Started { total_epochs, .. } => self.total = *total_epochs,
            aar_engine::ProgressEvent::EpochFinished { .. } => self.counted += 1,
            _ => {}
        }
    }
}

#[test]
fn a_reused_teacher_and_ceiling_give_bit_identical_numbers_and_train_only_the_student() {
    use aar_engine::references::{FolderReferences, ReferenceCache};
    let task = tiny_pack(6);
    let dir = tempfile::tempdir().unwrap();
    let cache = FolderReferences::new(dir.path().join("refs"));
    let device = aar_engine::resolve_device(DeviceChoice::Cpu).unwrap();
    let run_with = |references: Option<&dyn ReferenceCache>, sink: &mut Epochs| {
        let request = ProtocolRequest {
            task: &task,
            seeds: vec![42, 43],
            eval_split: EvalSplit::Test,
            device: &device,
            student_train: None,
            started_at: "2026-11-22T00:00:00Z".into(),
            references,
        };
        let record =
            MethodRecord { name: "vanilla".into(), code_sha256: None, submission_id: None, access_log: None };
        run_protocol(&request, &mut Vanilla, record, sink, &CancelToken::new(), &|| String::new()).unwrap()
    };
    let (mut plain_sink, mut first_sink, mut second_sink) =
        (Epochs::default(), Epochs::default(), Epochs::default());
    let plain = run_with(None, &mut plain_sink);
    let first = run_with(Some(&cache), &mut first_sink);
    let second = run_with(Some(&cache), &mut second_sink);
    assert!(first.per_seed.iter().all(|s| !s.references_cached), "the first run fills the cache");
    assert!(second.per_seed.iter().all(|s| s.references_cached), "the second reuses it");
    for ((p, f), s) in plain.per_seed.iter().zip(&first.per_seed).zip(&second.per_seed) {
        for o in [f, s] {
            assert_eq!(
                (o.weak_acc.to_bits(), o.ceiling_acc.to_bits(), o.student_acc.to_bits()),
                (p.weak_acc.to_bits(), p.ceiling_acc.to_bits(), p.student_acc.to_bits()),
                "seed {}: identical to the last bit",
                p.seed
            );
            assert_eq!(o.curves, p.curves);
        }
        assert_eq!((s.seconds.weak, s.seconds.ceiling), (0.0, 0.0), "nothing was trained for them");
    }
    assert_eq!(plain.aggregate, second.aggregate);
    // The progress bar counts only what is trained, and reaches its end.
    assert_eq!(plain_sink.counted, plain_sink.total);
    assert_eq!(second_sink.counted, second_sink.total);
    assert_eq!(second_sink.total, 2 * 6, "two seeds' students, six epochs each");
}

/// A disguised pack is the same task under a secret relabelling and order: a method's view of
/// split B (the teacher's probabilities, row by row) changes, the task does not.
#[test]
fn a_disguised_pack_is_the_same_task_in_an_order_no_one_has_seen() {
    let task = tiny_pack(8);
    let a = task.disguised(7);
    assert_eq!(a.disguised(0).split("b").n, task.split("b").n);
    assert_ne!(a.meta.data_sha256, task.meta.data_sha256, "references are never shared with the original");
    assert_eq!(task.disguised(7).split("b").y, a.split("b").y, "the same secret gives the same copy");
    assert_ne!(task.disguised(8).split("b").y, a.split("b").y, "another secret another copy");
    // Every split keeps its class counts up to the relabelling, and B holds the same rows.
    for split in ["a", "b", "dev", "test", "private"] {
        let count = |t: &TaskData| {
            let mut counts = vec![0usize; t.num_classes()];
            for &y in &t.split(split).y {
                counts[y as usize] += 1;
            }
            counts.sort_unstable();
            counts
        };
        assert_eq!(count(&task), count(&a), "{split}");
    }
    let dim = task.meta.strong.input_dim as usize;
    let row = |t: &TaskData, i: usize| t.split("b").x_strong[i * dim..(i + 1) * dim].to_vec();
    let mut original: Vec<Vec<f32>> = (0..task.split("b").n).map(|i| row(&task, i)).collect();
    let mut moved: Vec<Vec<f32>> = (0..a.split("b").n).map(|i| row(&a, i)).collect();
    assert_ne!(original, moved, "the rows are reordered");
    original.sort_by(|x, y| x.partial_cmp(y).unwrap());
    moved.sort_by(|x, y| x.partial_cmp(y).unwrap());
    assert_eq!(original, moved, "and none is lost or made up");
    // Vanilla learns the disguised task as well as the original (same seeds, same budget).
    let plain =
        run(&task, DeviceChoice::Cpu, vec![42, 43], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    let hidden =
        run(&a, DeviceChoice::Cpu, vec![42, 43], &mut Vanilla, &mut Quiet, &CancelToken::new()).unwrap();
    assert!(
        (plain.aggregate.ceiling_acc - hidden.aggregate.ceiling_acc).abs() < 0.15,
        "{plain:?} {hidden:?}"
    );
    assert_eq!(hidden.data_sha256, a.meta.data_sha256);
}

/// A bundled pack as shipped in `tasks/`.
fn shipped(name: &str) -> TaskData {
    TaskData::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tasks").join(name)).unwrap()
}

/// Fresh examples are a synthetic pack's own world with new draws in B and private only; a pack
/// without a generator, or one edited on disk, gets none.
#[test]
fn a_fresh_pack_keeps_the_teachers_data_and_draws_b_and_private_anew() {
    let pack = shipped("latent-5k");
    let fresh = pack.fresh(11).expect("latent-5k has a generator");
    assert_ne!(fresh.meta.data_sha256, pack.meta.data_sha256, "references are never shared");
    for split in ["a", "dev", "test"] {
        assert_eq!(fresh.split(split).x_strong, pack.split(split).x_strong, "{split} is the pack's own");
        assert_eq!(fresh.split(split).y, pack.split(split).y);
    }
    for split in ["b", "private"] {
        let (old, new) = (pack.split(split), fresh.split(split));
        assert_eq!(old.n, new.n);
        let dim = pack.meta.strong.input_dim as usize;
        let rows = |s: &aar_engine::data::SplitData| -> std::collections::HashSet<Vec<u32>> {
            s.x_strong.chunks(dim).map(|r| r.iter().map(|v| v.to_bits()).collect()).collect()
        };
        assert!(rows(old).is_disjoint(&rows(new)), "{split}: no shipped example comes back");
    }
    assert_eq!(pack.fresh(11).unwrap().split("b").y, fresh.split("b").y, "the secret decides the draw");
    assert!(shipped("digits").fresh(11).is_none(), "a fixed dataset has no generator");
    let mut edited = pack.clone();
    edited.meta.data_sha256 = "0".repeat(64);
    assert!(edited.fresh(11).is_none(), "a pack that is not the generator's own gets no draws from it");
}

/// A fixed dataset gets a secret re-partition of split B and the private split: the same
/// examples, a split no one has seen, and the rest of the pack untouched.
#[test]
fn a_resampled_pack_repartitions_b_and_private_in_secret() {
    let pack = shipped("digits");
    let resampled = pack.resampled(11);
    assert_ne!(resampled.meta.data_sha256, pack.meta.data_sha256, "references are never shared");
    for split in ["a", "dev", "test"] {
        assert_eq!(resampled.split(split).x_strong, pack.split(split).x_strong, "{split} is the pack's own");
        assert_eq!(resampled.split(split).y, pack.split(split).y);
    }
    let dim = pack.meta.strong.input_dim as usize;
    // Each example with its label, as a multiset of rows.
    let rows = |splits: &[&aar_engine::data::SplitData]| -> Vec<(Vec<u32>, i32)> {
        let mut rows: Vec<(Vec<u32>, i32)> = splits
            .iter()
            .flat_map(|s| {
                s.x_strong.chunks(dim).zip(&s.y).map(|(r, &y)| (r.iter().map(|v| v.to_bits()).collect(), y))
            })
            .collect();
        rows.sort();
        rows
    };
    let (b, private) = (pack.split("b"), pack.split("private"));
    let (new_b, new_private) = (resampled.split("b"), resampled.split("private"));
    assert_eq!((new_b.n, new_private.n), (b.n, private.n), "the splits keep their sizes");
    assert_eq!(rows(&[new_b, new_private]), rows(&[b, private]), "the same examples, with their labels");
    let was_private = rows(&[private]);
    let moved = rows(&[new_b]).iter().filter(|r| was_private.binary_search(r).is_ok()).count();
    assert!(moved > 0, "some of the private split now trains the student");
    assert_eq!(pack.resampled(11).split("b").y, new_b.y, "the secret decides the split");
    assert_ne!(pack.resampled(12).split("b").y, new_b.y);
}
