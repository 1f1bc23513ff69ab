// Errors from commands, shown as dismissible banners. Nothing that fails is swallowed: every
// caught rejection goes through `reportError`.

import type { ApiError } from "./bindings";
import { toApiError } from "./backend";

export interface ShownError extends ApiError {
  id: number;
  /** What the app was doing, e.g. "Loading the diff". */
  context: string;
}

let nextId = 1;

export const shownErrors: ShownError[] = $state([]);

export function reportError(context: string, e: unknown): void {
  const err = toApiError(e);
  // The same failure repeated (e.g. while holding j) shows once.
  if (shownErrors.some((s) => s.context === context && s.message === err.message)) return;
  shownErrors.push({ ...err, context, id: nextId++ });
}

export function dismissError(id: number): void {
  const i = shownErrors.findIndex((e) => e.id === id);
  if (i >= 0) shownErrors.splice(i, 1);
}
