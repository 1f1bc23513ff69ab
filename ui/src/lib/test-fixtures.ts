// Builders for the transport types in unit tests.

import type { ComponentProps } from "svelte";
import type { ClaimView, RunSummary, SeedOutcome, SubmissionSummary } from "./bindings";
import type Queue from "../components/Queue.svelte";

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
    flags: [],
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
    verification: null,
    review: { status: "new", needsMyVote: true, needsLead: false, blind: false },
    ...overrides,
  };
}

/** One seed of a run report; its loss curves hold the seed (+1, +2) so tests can tell them apart. */
export function reportSeed(seed: number, overrides: Partial<SeedOutcome> = {}): SeedOutcome {
  return {
    seed,
    weak_acc: 0.5,
    ceiling_acc: 0.9,
    student_acc: 0.7,
    pgr: 0.5,
    curves: { weak: [seed], ceiling: [seed + 1], student: [seed + 2] },
    seconds: { weak: 0.25, ceiling: 0.5, student: 1 },
    references_cached: false,
    ...overrides,
  };
}

export function runSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: "9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
    shortId: "9a1b2c3d4e5f",
    task: "digits",
    method: "logconf v2: hardening at the teacher's class balance",
    evalSplit: "test",
    backend: "flex",
    adapter: "CPU (flex)",
    seeds: [42, 43, 44, 45, 46],
    pgr: 0.42,
    pgrSe: 0.04,
    totalSeconds: 31.5,
    finishedAt: "2026-05-02T10:00:00Z",
    createdBy: "reviewer",
    submissionId: "3f9e0c12ab45cd67ef890123456789abcdef0123456789abcdef0123456789ab",
    ...overrides,
  };
}

/** The queue's props around `rows`: nothing filtered, selected or marked, every callback a no-op. */
export function queueProps(rows: SubmissionSummary[], overrides: Partial<ComponentProps<typeof Queue>> = {}): ComponentProps<typeof Queue> {
  const noop = () => {};
  return {
    rows,
    total: rows.length,
    everything: rows,
    authors: [],
    tasks: [],
    selectedId: null,
    active: true,
    loading: false,
    theme: "light",
    filterText: "",
    sort: "created",
    author: null,
    task: null,
    onselect: noop,
    onopen: noop,
    ontoggletheme: noop,
    onhelp: noop,
    onimport: noop,
    onswitchview: noop,
    marked: [],
    ontogglemark: noop,
    onclearmarks: noop,
    onverifymarked: noop,
    ...overrides,
  };
}
