// Cancelling what runs under a ticket (a run, a verification, a batch). The backend learns a
// ticket as the command carrying it begins, so a cancel sent in the same instant can find nothing:
// ask again, backing off, while the flight is still being cancelled. Once it has ended, the code
// that launched it hears how.

import { backend } from "./backend";
import { reportError } from "./errors.svelte";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface CancelHooks {
  /** Whether the flight still waits for its cancel to land. */
  stillCancelling: () => boolean;
  /** Puts the flight back to running: the cancel could not be asked for. */
  resume: () => void;
  /** What the error banner says was being done: "Cancelling the run". */
  context: string;
}

export async function cancelByTicket(ticket: string, hooks: CancelHooks, wait: (ms: number) => Promise<void> = sleep): Promise<void> {
  try {
    for (let delay = 50; hooks.stillCancelling(); delay = Math.min(2 * delay, 500)) {
      if (await backend.cancelRun(ticket)) return;
      await wait(delay);
    }
  } catch (e) {
    if (hooks.stillCancelling()) hooks.resume();
    reportError(hooks.context, e);
  }
}
