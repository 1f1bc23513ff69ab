// Progress arrives once per epoch, hundreds of times a second on a small task. Folding each event
// into reactive state redraws the progress line and the loss plots every time, and WebKit then
// competes with training for the CPU (a verification took 2–3× as long in the app as in the CLI).
// Events are folded as they come but handed to the view at most once per interval: every loss
// point is kept, and the screen changes no more often than anyone can read it.

/** Timers, passed in so tests can drive time. */
export interface Timers {
  set: (run: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How often a flight's progress reaches the screen, at most: ten times a second. */
export const PROGRESS_INTERVAL_MS = 100;

export interface Coalescer<E> {
  /** Takes one event; the batch it joins is delivered within the interval. */
  push: (event: E) => void;
  /** Delivers what is waiting now (call when the flight ends, so nothing it said is lost). */
  flush: () => void;
}

/**
 * Collects events and calls `deliver` with them in arrival order, at most once per `ms`: the
 * first event of a quiet spell starts the clock, and everything that arrives before it rings
 * goes out together.
 */
export function coalesce<E>(deliver: (events: E[]) => void, ms = PROGRESS_INTERVAL_MS, timers: Timers = realTimers): Coalescer<E> {
  let waiting: E[] = [];
  let handle: unknown = null;
  const send = () => {
    handle = null;
    if (waiting.length === 0) return;
    const events = waiting;
    waiting = [];
    deliver(events);
  };
  return {
    push(event) {
      waiting.push(event);
      if (handle === null) handle = timers.set(send, ms);
    },
    flush() {
      if (handle !== null) timers.clear(handle);
      send();
    },
  };
}
