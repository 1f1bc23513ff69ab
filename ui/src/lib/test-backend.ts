// A backend command faked for unit tests: each call waits, as a real run would, until the test
// resolves or rejects it, and the test sends its progress events by hand.

export interface PendingCall<Args extends unknown[], Event, Result> {
  ticket: string;
  /** The arguments between the ticket and the progress callback. */
  args: Args;
  progress: (event: Event) => void;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/** A command `(ticket, ...args, onProgress) => Promise<Result>` and the calls waiting on it. */
export function pendingCommand<Args extends unknown[], Event, Result>() {
  const pending: PendingCall<Args, Event, Result>[] = [];
  const command = (ticket: string, ...rest: [...Args, (event: Event) => void]): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      const args = rest.slice(0, -1) as unknown as Args;
      const progress = rest[rest.length - 1] as (event: Event) => void;
      pending.push({ ticket, args, progress, resolve, reject });
    });
  return { pending, command };
}
