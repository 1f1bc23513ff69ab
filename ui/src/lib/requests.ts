// The verification queue's words, pure: what the status bar and the queue sheet say of it.

import type { QueuedVerification } from "./bindings";

/** Waiting or being made. */
export function isOpen(r: QueuedVerification): boolean {
  return r.state === "queued" || r.state === "running";
}

/** The status bar's summary, open requests first: "2 queued · 1 running", or "3 done" when none is open. */
export function describeRequests(all: readonly QueuedVerification[]): string {
  const count = (state: QueuedVerification["state"]) => all.filter((r) => r.state === state).length;
  const open = [`${count("queued")} queued`, `${count("running")} running`].filter((s) => !s.startsWith("0 "));
  if (open.length > 0) return open.join(" · ");
  const closed = [`${count("done")} done`, `${count("failed")} failed`].filter((s) => !s.startsWith("0 "));
  return closed.join(" · ");
}

/** What became of a request, in a table cell. */
export function requestResult(r: QueuedVerification): string {
  if (r.verificationId) return `verification ${r.verificationId.slice(0, 12)}`;
  if (r.error) return r.error;
  if (r.leaseUntil) return `held until ${r.leaseUntil}`;
  return "";
}
