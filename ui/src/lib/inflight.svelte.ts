// Runs in flight, and what the Runs screen remembers. Module state rather than a component's: a
// run keeps going, and its progress keeps arriving, while the reviewer is on the review screen.

import type { ApiError, RunDetail, RunProgress, RunRequest, SourceLocation, TaskSummary } from "./bindings";
import { backend, isApiError } from "./backend";
import { cancelByTicket } from "./cancel";
import { coalesce } from "./coalesce";
import { reportError } from "./errors.svelte";
import {
  DEFAULT_FIRST_SEED,
  DEFAULT_SEEDS,
  foldProgress,
  initialLiveRun,
  newTicket,
  type LiveRun,
  type RunDraft,
} from "./runs";
import { methodSubmission, type RerunPrefs } from "./rerun";

/** `failed`: the method failed or training diverged (`runFailed`); the run stays listed with its error. */
export type FlightStatus = "running" | "cancelling" | "cancelled" | "failed";

export interface InFlightRun {
  ticket: string;
  request: RunRequest;
  /** `Date.now()` when it was asked for. */
  startedAt: number;
  /** When a cancelled or failed run stopped, so its elapsed time stops too. */
  endedAt: number | null;
  status: FlightStatus;
  live: LiveRun;
  /** What runs, for people: a submission's title; null for the vanilla student. */
  label: string | null;
  /** Why a `failed` run failed. */
  error: ApiError | null;
}

/** A line of a submission's file to point at: where its method failed. */
export interface CodeMark extends SourceLocation {
  message: string;
}

export interface LaunchOptions {
  /** What runs, for people (see `InFlightRun.label`). */
  label?: string;
  now?: () => number;
}

class RunsState {
  /** Newest first. Replaced, never mutated: progress comes many times a second. */
  inFlight: InFlightRun[] = $state.raw([]);
  selectedId: string | null = $state(null);
  /** Bumped whenever a run is stored, so the stored-runs list reloads. */
  storedCount = $state(0);
  /** The run stored last: shown at once, without asking the backend for it again. */
  lastStored: RunDetail | null = $state.raw(null);
  /** The task packs; they do not change while the app runs. */
  tasks: TaskSummary[] | null = $state.raw(null);
  /** The new-run form, kept while the reviewer looks at the review screen. */
  draft: RunDraft = $state({ task: "", seeds: DEFAULT_SEEDS, firstSeed: DEFAULT_FIRST_SEED, device: "cpu", evalSplit: "test" });
  /** Device and split of the last re-run of a submission, offered again for the next one. */
  rerunPrefs: RerunPrefs = $state({ device: "cpu", evalSplit: "test" });

  /** Runs not yet finished, cancelled or failed. */
  get active(): InFlightRun[] {
    return this.inFlight.filter((r) => r.status === "running" || r.status === "cancelling");
  }

  /** Runs of one submission's method still listed (running, cancelled or failed), newest first. */
  flightsOf(submissionId: string): InFlightRun[] {
    return this.inFlight.filter((r) => methodSubmission(r.request) === submissionId);
  }

  /** Where the submission's method failed in its newest failed run, when the error says. */
  failureMark(submissionId: string): CodeMark | null {
    const failed = this.flightsOf(submissionId).find((r) => r.status === "failed");
    const location = failed?.error?.location;
    return failed && location ? { ...location, message: failed.error!.message } : null;
  }

  /** Loads the task packs once; they do not change while the app runs. */
  async ensureTasks(): Promise<void> {
    if (this.tasks) return;
    try {
      this.tasks = await backend.listTasks();
    } catch (e) {
      reportError("Loading the task packs", e);
    }
  }

  private update(ticket: string, change: (run: InFlightRun) => InFlightRun): void {
    this.inFlight = this.inFlight.map((r) => (r.ticket === ticket ? change(r) : r));
  }

  private find(ticket: string): InFlightRun | undefined {
    return this.inFlight.find((r) => r.ticket === ticket);
  }

  private remove(ticket: string): void {
    this.inFlight = this.inFlight.filter((r) => r.ticket !== ticket);
  }

  /**
   * Starts a run and follows it to the end: stored (then selected), cancelled, or failed. A run
   * that failed as a run (`runFailed`: its method, or diverged training) stays listed with its
   * error, next to the progress it made; any other failure is reported and the run dropped.
   */
  async launch(request: RunRequest, options: LaunchOptions = {}): Promise<void> {
    const now = options.now ?? Date.now;
    const ticket = newTicket();
    const run: InFlightRun = {
      ticket,
      request,
      startedAt: now(),
      endedAt: null,
      status: "running",
      live: initialLiveRun(),
      label: options.label ?? null,
      error: null,
    };
    this.inFlight = [run, ...this.inFlight];
    const progress = coalesce<RunProgress>((events) =>
      this.update(ticket, (r) => (r.status === "cancelled" ? r : { ...r, live: events.reduce(foldProgress, r.live) })),
    );
    try {
      const detail = await backend.startRun(ticket, request, progress.push).finally(progress.flush);
      this.remove(ticket);
      this.lastStored = detail;
      this.selectedId = detail.summary.id;
      this.storedCount += 1;
    } catch (e) {
      if (isApiError(e) && e.code === "cancelled") {
        // Asked for: not an error. The run stays listed, calmly, until dismissed.
        this.update(ticket, (r) => ({ ...r, status: "cancelled", endedAt: now() }));
      } else if (isApiError(e) && e.code === "runFailed") {
        this.update(ticket, (r) => ({ ...r, status: "failed", endedAt: now(), error: e }));
      } else {
        this.remove(ticket);
        reportError(`Running ${request.task}`, e);
      }
    }
  }

  async cancel(ticket: string, wait?: (ms: number) => Promise<void>): Promise<void> {
    if (this.find(ticket)?.status !== "running") return;
    this.update(ticket, (r) => ({ ...r, status: "cancelling" }));
    const hooks = {
      stillCancelling: () => this.find(ticket)?.status === "cancelling",
      resume: () => this.update(ticket, (r) => ({ ...r, status: "running" as const })),
      context: "Cancelling the run",
    };
    await cancelByTicket(ticket, hooks, wait);
  }

  /** The `x` key: cancels the run started last that is still running. */
  cancelNewest(): void {
    const newest = this.inFlight.find((r) => r.status === "running");
    if (newest) void this.cancel(newest.ticket);
  }

  /** Takes a cancelled or failed run off the lists. */
  dismiss(ticket: string): void {
    const status = this.find(ticket)?.status;
    if (status === "cancelled" || status === "failed") this.remove(ticket);
  }
}

export const runs = new RunsState();
