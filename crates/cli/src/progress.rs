//! The CLI's progress sink: an indicatif bar over every epoch of the run, on stderr.

use aar_api::{ProgressEvent, ProgressSink};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Cheap to clone: every clone draws the same bar.
#[derive(Debug, Clone)]
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar on stderr, or a hidden one (for `--json`, whose stdout must stay clean JSON).
    pub fn new(visible: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise:.dim} {bar:32.cyan/blue} {percent:>3}% eta {eta:<4} {msg}",
            )
            .expect("a valid template")
            .progress_chars("━━╌"),
        );
        Bar(bar)
    }

    /// A verification's step sinks: each run says which it is and draws on this bar.
    pub fn step_sinks(
        &self,
    ) -> impl FnMut(&aar_api::dto::VerifyStep) -> Box<dyn ProgressSink + Send> + Send + 'static {
        let bar = self.clone();
        move |step| {
            bar.start_step(step);
            Box::new(bar.clone())
        }
    }

    /// A new run of a verification: says which, and restarts the bar for it.
    pub fn start_step(&self, step: &aar_api::dto::VerifyStep) {
        self.0.println(format!(
            "run {}/{}: {} on {} ({} split, {} seeds)",
            step.index,
            step.total,
            step.role.as_str().replace('_', " "),
            step.task,
            step.eval_split,
            step.seeds.len()
        ));
        self.0.reset();
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl ProgressSink for Bar {
    fn event(&mut self, event: &ProgressEvent) {
        match event {
            ProgressEvent::Started { total_epochs, .. } => self.0.set_length(*total_epochs),
            ProgressEvent::PhaseStarted { seed, phase, .. } => {
                self.0.set_message(format!("seed {seed} · {}", phase.as_str()));
            }
            ProgressEvent::EpochFinished { seed, phase, epoch, loss } => {
                self.0.inc(1);
                if epoch % 5 == 0 {
                    self.0.set_message(format!(
                        "seed {seed} · {} · epoch {} · loss {loss:.3}",
                        phase.as_str(),
                        epoch + 1
                    ));
                }
            }
            ProgressEvent::PhaseFinished { .. } => {}
            ProgressEvent::SeedFinished { seed, weak_acc, ceiling_acc, student_acc, pgr } => {
                let pgr = pgr.map_or("undefined".to_owned(), |p| format!("{p:.3}"));
                self.0.println(format!(
                    "seed {seed}: weak {weak_acc:.3}  ceiling {ceiling_acc:.3}  student {student_acc:.3}  PGR {pgr}"
                ));
            }
        }
    }
}

/// What `aar-review worker` shows on stderr: each request as it is taken and as it ends, and the
/// bar over its runs.
pub struct WorkerOutput {
    bar: Bar,
    steps: Box<aar_api::StepSinks<'static>>,
}

impl WorkerOutput {
    pub fn new(visible: bool) -> WorkerOutput {
        let bar = Bar::new(visible);
        let steps = Box::new(bar.step_sinks());
        WorkerOutput { bar, steps }
    }

    pub fn finish(&self) {
        self.bar.finish();
    }
}

impl std::fmt::Debug for WorkerOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerOutput").finish_non_exhaustive()
    }
}

impl aar_api::WorkSinks for WorkerOutput {
    fn taken(&mut self, request: &aar_api::dto::QueuedVerification) {
        self.bar.0.println(format!(
            "request #{}: verifying {} for {} (attempt {})",
            request.id,
            request.short_id,
            crate::render::terminal_safe(&request.requested_by),
            request.attempts
        ));
        self.bar.0.reset();
    }

    fn steps(&mut self) -> &mut aar_api::StepSinks<'static> {
        &mut *self.steps
    }

    fn ended(
        &mut self,
        request: &aar_api::dto::QueuedVerification,
        outcome: &Result<aar_api::dto::VerificationDetail, aar_api::ApiError>,
    ) {
        let line = match outcome {
            Ok(detail) => format!(
                "request #{}: stored verification {}",
                request.id,
                &detail.id[..12.min(detail.id.len())]
            ),
            Err(e) => {
                format!("request #{}: not done: {}", request.id, crate::render::terminal_safe(&e.message))
            }
        };
        self.bar.0.println(line);
    }
}
