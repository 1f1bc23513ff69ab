//! Progress of a run for front ends that cannot take engine types: [`ProgressForwarder`] turns
//! the engine's events into [`RunProgress`] and hands each to a callback (the desktop app sends
//! it over a Tauri channel). Runs in flight are tracked by [`ActiveRuns`] so they can be cancelled
//! by a ticket the front end chose. [`verify_forwarder`] and [`batch_forwarder`] do the same for
//! a verification's runs and for a batch of verifications, each over one callback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aar_engine::{CancelToken, ProgressEvent, ProgressSink};

use crate::BatchSinks;
use crate::dto::{BatchPosition, BatchProgress, RunProgress, VerificationDetail, VerifyProgress, VerifyStep};

/// A [`ProgressSink`] that forwards [`RunProgress`] to a callback, counting finished epochs so
/// every epoch event carries the run's overall fraction.
pub struct ProgressForwarder<F: FnMut(RunProgress)> {
    send: F,
    done: u64,
    total: u64,
    epochs_in_phase: u32,
}

impl<F: FnMut(RunProgress)> ProgressForwarder<F> {
    pub fn new(send: F) -> ProgressForwarder<F> {
        ProgressForwarder { send, done: 0, total: 0, epochs_in_phase: 0 }
    }
}

impl<F: FnMut(RunProgress)> std::fmt::Debug for ProgressForwarder<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressForwarder").field("done", &self.done).field("total", &self.total).finish()
    }
}

impl<F: FnMut(RunProgress)> ProgressSink for ProgressForwarder<F> {
    fn event(&mut self, event: &ProgressEvent) {
        let progress = match *event {
            ProgressEvent::Started { total_epochs, seeds } => {
                self.total = total_epochs;
                RunProgress::Started { total_epochs, seeds: seeds as u32 }
            }
            // The next epoch events say the same, with a count.
            ProgressEvent::PhaseStarted { epochs, .. } => {
                self.epochs_in_phase = epochs;
                return;
            }
            ProgressEvent::EpochFinished { seed, phase, epoch, loss } => {
                self.done += 1;
                RunProgress::Epoch {
                    seed,
                    phase,
                    epoch,
                    epochs: self.epochs_in_phase,
                    loss,
                    done: self.done,
                    total: self.total,
                }
            }
            ProgressEvent::PhaseFinished { seed, phase, accuracy, seconds } => {
                RunProgress::PhaseFinished { seed, phase, accuracy, seconds }
            }
            ProgressEvent::SeedFinished { seed, weak_acc, ceiling_acc, student_acc, pgr } => {
                RunProgress::SeedFinished { seed, weak_acc, ceiling_acc, student_acc, pgr }
            }
        };
        (self.send)(progress);
    }
}

/// Cancel tokens of the runs in flight, by the ticket their front end gave them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActiveRuns(Arc<Mutex<HashMap<String, CancelToken>>>);

impl ActiveRuns {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancelToken>> {
        // A panic elsewhere cannot leave a map of tokens inconsistent: keep going.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers `ticket`; `None` when a run with that ticket is already in flight.
    pub(crate) fn register(&self, ticket: &str) -> Option<ActiveRun> {
        let mut runs = self.lock();
        if runs.contains_key(ticket) {
            return None;
        }
        let token = CancelToken::new();
        runs.insert(ticket.to_owned(), token.clone());
        Some(ActiveRun { runs: self.clone(), ticket: ticket.to_owned(), token })
    }

    pub(crate) fn cancel(&self, ticket: &str) -> bool {
        self.lock().get(ticket).map(CancelToken::cancel).is_some()
    }
}

/// A registered run; unregisters itself when dropped, however the run ended.
pub(crate) struct ActiveRun {
    runs: ActiveRuns,
    ticket: String,
    pub(crate) token: CancelToken,
}

impl Drop for ActiveRun {
    fn drop(&mut self) {
        self.runs.lock().remove(&self.ticket);
    }
}

/// Progress sinks for a verification that forward everything to one callback: each run's start
/// as [`VerifyProgress::Step`], then its events as [`VerifyProgress::Run`] (the desktop app
/// sends them over one Tauri channel).
pub fn verify_forwarder<F>(send: F) -> impl FnMut(&VerifyStep) -> Box<dyn ProgressSink + Send> + Send
where
    F: FnMut(VerifyProgress) + Send + 'static,
{
    let send = Arc::new(Mutex::new(send));
    move |step: &VerifyStep| {
        let each = send.clone();
        (send.lock().unwrap_or_else(|p| p.into_inner()))(VerifyProgress::Step { step: step.clone() });
        Box::new(ProgressForwarder::new(move |progress| {
            (each.lock().unwrap_or_else(|p| p.into_inner()))(VerifyProgress::Run { progress })
        })) as Box<dyn ProgressSink + Send>
    }
}

/// Progress sinks for a batch that forward everything to one callback: each submission's start
/// as [`BatchProgress::Submission`], its verification's progress as [`BatchProgress::Verify`]
/// (as [`verify_forwarder`] sends it), and the stored verification as
/// [`BatchProgress::Verified`] (the desktop app sends them over one Tauri channel).
pub fn batch_forwarder<F>(send: F) -> impl BatchSinks
where
    F: FnMut(BatchProgress) + Send + 'static,
{
    let send = Arc::new(Mutex::new(send));
    let each = send.clone();
    let steps = verify_forwarder(move |progress| {
        (each.lock().unwrap_or_else(|p| p.into_inner()))(BatchProgress::Verify { progress })
    });
    BatchForwarder { send, steps }
}

struct BatchForwarder<F, S> {
    send: Arc<Mutex<F>>,
    steps: S,
}

impl<F, S> BatchForwarder<F, S>
where
    F: FnMut(BatchProgress),
{
    fn send(&self, progress: BatchProgress) {
        (self.send.lock().unwrap_or_else(|p| p.into_inner()))(progress)
    }
}

impl<F, S> BatchSinks for BatchForwarder<F, S>
where
    F: FnMut(BatchProgress) + Send,
    S: FnMut(&VerifyStep) -> Box<dyn ProgressSink + Send> + Send,
{
    fn submission(&mut self, position: &BatchPosition) {
        self.send(BatchProgress::Submission { position: position.clone() });
    }

    fn step(&mut self, step: &VerifyStep) -> Box<dyn ProgressSink + Send> {
        (self.steps)(step)
    }

    fn verified(&mut self, detail: &VerificationDetail) {
        self.send(BatchProgress::Verified { verification: Box::new(detail.clone()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aar_engine::Phase;

    #[test]
    fn epochs_are_counted_across_phases_and_seeds() {
        let mut seen = Vec::new();
        {
            let mut sink = ProgressForwarder::new(|p| seen.push(p));
            sink.event(&ProgressEvent::Started { total_epochs: 4, seeds: 1 });
            sink.event(&ProgressEvent::PhaseStarted { seed: 1, phase: Phase::Weak, epochs: 2 });
            sink.event(&ProgressEvent::EpochFinished { seed: 1, phase: Phase::Weak, epoch: 0, loss: 0.9 });
            sink.event(&ProgressEvent::EpochFinished { seed: 1, phase: Phase::Weak, epoch: 1, loss: 0.5 });
            sink.event(&ProgressEvent::PhaseFinished {
                seed: 1,
                phase: Phase::Weak,
                accuracy: 0.7,
                seconds: 0.1,
            });
            sink.event(&ProgressEvent::PhaseStarted { seed: 1, phase: Phase::Student, epochs: 2 });
            sink.event(&ProgressEvent::EpochFinished { seed: 1, phase: Phase::Student, epoch: 0, loss: 0.4 });
        }
        assert_eq!(seen.len(), 5, "phase starts are folded into the epoch events: {seen:?}");
        assert_eq!(seen[0], RunProgress::Started { total_epochs: 4, seeds: 1 });
        assert_eq!(
            seen[4],
            RunProgress::Epoch {
                seed: 1,
                phase: Phase::Student,
                epoch: 0,
                epochs: 2,
                loss: 0.4,
                done: 3,
                total: 4
            }
        );
    }

    #[test]
    fn a_ticket_is_cancellable_while_registered_and_forgotten_after() {
        let runs = ActiveRuns::default();
        let run = runs.register("t1").unwrap();
        assert!(runs.register("t1").is_none(), "one run per ticket");
        assert!(runs.cancel("t1"));
        assert!(run.token.is_cancelled());
        drop(run);
        assert!(!runs.cancel("t1"), "a finished run is no longer known");
        assert!(runs.register("t1").is_some(), "the ticket is free again");
    }
}
