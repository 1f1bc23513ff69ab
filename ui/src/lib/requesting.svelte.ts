// The verification queue as every reviewer sees it, read again every few seconds while the app
// is open: a request made here or anywhere on the team shows as it is queued, taken, done or
// failed.

import type { QueuedVerification, VerifyRequest } from "./bindings";
import { backend } from "./backend";
import { reportError } from "./errors.svelte";

/** How often the queue is read again. */
export const QUEUE_POLL_MS = 5_000;

class RequestingState {
  /** Every request, newest first. */
  all: QueuedVerification[] = $state.raw([]);
  private timer: ReturnType<typeof setInterval> | null = null;

  async refresh(): Promise<void> {
    try {
      this.all = await backend.verificationQueue(true);
    } catch (e) {
      reportError("Reading the verification queue", e);
    }
  }

  /** Starts reading the queue (once). */
  start(): void {
    if (this.timer !== null) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), QUEUE_POLL_MS);
  }

  /** Queues a verification; resolves with the request, or null when it was refused (reported). */
  async request(submissionId: string, request: VerifyRequest): Promise<QueuedVerification | null> {
    try {
      const queued = await backend.requestVerification(submissionId, request);
      await this.refresh();
      return queued;
    } catch (e) {
      reportError("Requesting a verification", e);
      return null;
    }
  }
}

export const requesting = new RequestingState();
