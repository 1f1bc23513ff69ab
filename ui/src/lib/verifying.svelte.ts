// Verifications in flight. Module state rather than a component's: a verification takes a minute
// or more, and goes on while the reviewer reads other submissions. One per submission at a time.

import type { VerificationDetail, VerifyProgress, VerifyRequest } from "./bindings";
import { backend, isApiError } from "./backend";
import { cancelByTicket } from "./cancel";
import { coalesce } from "./coalesce";
import { reportError } from "./errors.svelte";
import { newTicket } from "./runs";
import { foldVerifyProgress, initialLiveVerify, type LiveVerify } from "./verify";

/** `cancelled`: stopped on request; nothing was stored. It stays listed, calmly, until dismissed. */
export type VerifyStatus = "running" | "cancelling" | "cancelled";

export interface VerifyFlight {
  ticket: string;
  submissionId: string;
  /** The submission's title, for the status bar. */
  title: string;
  request: VerifyRequest;
  /** `Date.now()` when it was asked for. */
  startedAt: number;
  endedAt: number | null;
  status: VerifyStatus;
  live: LiveVerify;
}

export interface VerifyLaunchOptions {
  now?: () => number;
}

class VerifyingState {
  /** Newest first. Replaced, never mutated: progress comes many times a second. */
  inFlight: VerifyFlight[] = $state.raw([]);
  /** Bumped whenever a verification is stored, so pages and the queue reload. */
  storedCount = $state(0);
  /** The verification stored last (shown at once on its submission's page). */
  lastStored: VerificationDetail | null = $state.raw(null);

  /** A verification was stored (by this module, or by a batch): pages and the queue reload. */
  recordStored(detail: VerificationDetail): void {
    this.lastStored = detail;
    this.storedCount += 1;
  }

  /** The submission's verification still listed (running, cancelling or cancelled), if any. */
  of(submissionId: string): VerifyFlight | null {
    return this.inFlight.find((f) => f.submissionId === submissionId) ?? null;
  }

  /** Whether the submission has a verification running (or being cancelled). */
  isRunning(submissionId: string): boolean {
    const f = this.of(submissionId);
    return f !== null && f.status !== "cancelled";
  }

  get active(): VerifyFlight[] {
    return this.inFlight.filter((f) => f.status !== "cancelled");
  }

  private update(ticket: string, change: (f: VerifyFlight) => VerifyFlight): void {
    this.inFlight = this.inFlight.map((f) => (f.ticket === ticket ? change(f) : f));
  }

  private find(ticket: string): VerifyFlight | undefined {
    return this.inFlight.find((f) => f.ticket === ticket);
  }

  private remove(ticket: string): void {
    this.inFlight = this.inFlight.filter((f) => f.ticket !== ticket);
  }

  /**
   * Starts verifying and follows it to the end: stored, cancelled (kept listed, dismissible), or
   * failed (reported in the error banner, and dropped). Does nothing while the submission already
   * has one running.
   */
  async launch(submissionId: string, title: string, request: VerifyRequest, options: VerifyLaunchOptions = {}): Promise<void> {
    if (this.isRunning(submissionId)) return;
    const now = options.now ?? Date.now;
    const ticket = newTicket();
    const flight: VerifyFlight = {
      ticket,
      submissionId,
      title,
      request,
      startedAt: now(),
      endedAt: null,
      status: "running",
      live: initialLiveVerify(),
    };
    // A cancelled one of the same submission gives way to the new one.
    this.inFlight = [flight, ...this.inFlight.filter((f) => f.submissionId !== submissionId)];
    const progress = coalesce<VerifyProgress>((events) =>
      this.update(ticket, (f) => (f.status === "cancelled" ? f : { ...f, live: events.reduce(foldVerifyProgress, f.live) })),
    );
    try {
      const detail = await backend.startVerify(ticket, submissionId, request, progress.push).finally(progress.flush);
      this.remove(ticket);
      this.recordStored(detail);
    } catch (e) {
      if (isApiError(e) && e.code === "cancelled") {
        this.update(ticket, (f) => ({ ...f, status: "cancelled", endedAt: now() }));
      } else {
        this.remove(ticket);
        reportError(`Verifying “${title}”`, e);
      }
    }
  }

  async cancel(ticket: string, wait?: (ms: number) => Promise<void>): Promise<void> {
    if (this.find(ticket)?.status !== "running") return;
    this.update(ticket, (f) => ({ ...f, status: "cancelling" }));
    const hooks = {
      stillCancelling: () => this.find(ticket)?.status === "cancelling",
      resume: () => this.update(ticket, (f) => ({ ...f, status: "running" as const })),
      context: "Cancelling the verification",
    };
    await cancelByTicket(ticket, hooks, wait);
  }

  /** Cancels the submission's running verification, if it has one. */
  cancelOf(submissionId: string): void {
    const f = this.of(submissionId);
    if (f?.status === "running") void this.cancel(f.ticket);
  }

  /** Takes a cancelled verification off the page. */
  dismiss(ticket: string): void {
    if (this.find(ticket)?.status === "cancelled") this.remove(ticket);
  }
}

export const verifying = new VerifyingState();
