// The batch verification in flight, and the table of the last one. Module state rather than a
// component's: a batch takes minutes, and goes on while the reviewer reads submissions (the sheet
// that started it may be closed and opened again). One batch at a time.

import type { BatchProgress, BatchVerification, VerifyRequest } from "./bindings";
import { backend, isApiError } from "./backend";
import { foldBatchProgress, initialLiveBatch, type LiveBatch } from "./batch";
import { cancelByTicket } from "./cancel";
import { coalesce } from "./coalesce";
import { reportError } from "./errors.svelte";
import type { BatchMember } from "./marks";
import { newTicket } from "./runs";
import { verifying, type VerifyStatus } from "./verifying.svelte";

export interface BatchFlight {
  ticket: string;
  members: BatchMember[];
  request: VerifyRequest;
  /** `Date.now()` when it was asked for. */
  startedAt: number;
  endedAt: number | null;
  /** `cancelled`: stopped on request; what was stored before stays. Listed until dismissed. */
  status: VerifyStatus;
  live: LiveBatch;
}

export interface BatchLaunchOptions {
  now?: () => number;
}

class BatchingState {
  /** The batch running, or the cancelled one until dismissed. Replaced, never mutated. */
  flight: BatchFlight | null = $state.raw(null);
  /** The table of the last batch that finished. */
  result: BatchVerification | null = $state.raw(null);

  /** Whether a batch runs (or is being cancelled): another cannot start. */
  get running(): boolean {
    return this.flight !== null && this.flight.status !== "cancelled";
  }

  private update(ticket: string, change: (f: BatchFlight) => BatchFlight): void {
    if (this.flight?.ticket === ticket) this.flight = change(this.flight);
  }

  /**
   * Verifies `members` one after another and follows the batch to the end: its table (kept in
   * `result`), cancelled (kept listed, dismissible), or failed (reported in the error banner,
   * which says where it stopped). Each verification stored on the way is announced through
   * `verifying`, so the queue's badges and an open page update at once. Resolves with the table
   * when there is one.
   */
  async launch(members: BatchMember[], request: VerifyRequest, options: BatchLaunchOptions = {}): Promise<BatchVerification | null> {
    if (this.running || members.length === 0) return null;
    const now = options.now ?? Date.now;
    const ticket = newTicket();
    this.result = null;
    this.flight = { ticket, members, request, startedAt: now(), endedAt: null, status: "running", live: initialLiveBatch() };
    try {
      const ids = members.map((m) => m.id);
      const progress = coalesce<BatchProgress>((events) =>
        this.update(ticket, (f) => (f.status === "cancelled" ? f : { ...f, live: events.reduce(foldBatchProgress, f.live) })),
      );
      const result = await backend
        .startVerifyBatch(ticket, ids, request, (event) => {
          // A stored verification shows in the queue at once; only the live progress is paced.
          if (event.kind === "verified") verifying.recordStored(event.verification);
          progress.push(event);
        })
        .finally(progress.flush);
      this.flight = null;
      this.result = result;
      return result;
    } catch (e) {
      if (isApiError(e) && e.code === "cancelled") {
        this.update(ticket, (f) => ({ ...f, status: "cancelled", endedAt: now() }));
      } else {
        this.flight = null;
        reportError(`Verifying a batch of ${members.length}`, e);
      }
      return null;
    }
  }

  async cancel(wait?: (ms: number) => Promise<void>): Promise<void> {
    const flight = this.flight;
    if (flight?.status !== "running") return;
    const ticket = flight.ticket;
    this.update(ticket, (f) => ({ ...f, status: "cancelling" }));
    const hooks = {
      stillCancelling: () => this.flight?.ticket === ticket && this.flight.status === "cancelling",
      resume: () => this.update(ticket, (f) => ({ ...f, status: "running" as const })),
      context: "Cancelling the batch verification",
    };
    await cancelByTicket(ticket, hooks, wait);
  }

  /** Takes a cancelled batch off the screen. */
  dismiss(): void {
    if (this.flight?.status === "cancelled") this.flight = null;
  }
}

export const batching = new BatchingState();
