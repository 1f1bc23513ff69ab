// Builders for the transport types in unit tests.

import type { ClaimView, SubmissionSummary } from "./bindings";

export function claim(overrides: Partial<ClaimView> = {}): ClaimView {
  return {
    task: "digits",
    split: "dev",
    pgr: 0.436,
    pgrSe: 0.053,
    weakAcc: 0.571,
    ceilingAcc: 0.964,
    studentAcc: 0.742,
    seeds: [42, 43, 44, 45, 46],
    perSeed: [],
    recomputedPgr: 0.435,
    ...overrides,
  };
}

export function summary(overrides: Partial<SubmissionSummary> = {}): SubmissionSummary {
  return {
    id: "3f9e0c12ab45cd67ef890123456789abcdef0123456789abcdef0123456789ab",
    shortId: "3f9e0c12ab45",
    title: "logconf v2: hardening at the teacher's class balance",
    author: "aar-3",
    createdAt: "2026-04-15T08:30:00Z",
    language: "rhai",
    rerunnable: true,
    parentId: null,
    missingParent: null,
    claims: [claim()],
    ...overrides,
  };
}
