// What a sandboxed method did during a run, as the run detail shows it: the access log's counts,
// its incidents (refused or failed calls) and the failure kinds. Pure functions over the report.

import type { AccessLog, EntryPoint, Incident, Limit, MethodErrorKind, SourceLocation, SourcePosition } from "./bindings";

export interface Counted {
  name: string;
  count: number;
}

/** A `{name: count}` map as rows, most used first, then by name. */
export function byUse(counts: { [key in string]?: number }): Counted[] {
  return Object.entries(counts)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const LIMITS: Record<Exclude<Limit, { config: unknown }>, string> = {
  operations: "operations",
  call_depth: "call depth",
  expression_depth: "expression depth",
  string_size: "string size",
  array_size: "array size",
  map_size: "map size",
  variables: "variables",
  value_depth: "value depth",
  memory: "memory",
  host_work: "host work",
  call_time: "time per call",
  run_time: "time per run",
};

export function limitLabel(limit: Limit): string {
  return typeof limit === "string" ? LIMITS[limit] : `config ${limit.config.key}`;
}

/** "syntax error", "limit exceeded: operations", "forbidden: eval", "bad output: NaN target". */
export function errorKindLabel(kind: MethodErrorKind): string {
  if (kind === "syntax") return "syntax error";
  if (kind === "runtime") return "runtime error";
  if ("limit_exceeded" in kind) return `limit exceeded: ${limitLabel(kind.limit_exceeded.which)}`;
  if ("forbidden" in kind) return `forbidden: ${kind.forbidden.what}`;
  return `bad output: ${kind.bad_output.what}`;
}

/** "12:5", the way editors and compilers write a position. */
export function positionLabel(position: SourcePosition | null): string | null {
  return position === null ? null : `${position.line}:${position.column}`;
}

/** "method.rhai:12:5". */
export function locationLabel(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** Where in the run it happened: "compile", "configure()", "targets(), ctx.epoch 3". */
export function entryLabel(entry: EntryPoint, epoch: number | null): string {
  if (entry === "compile") return "compile";
  const call = `${entry}()`;
  // The epoch as the method sees it (`ctx.epoch`, from 0), so it can be matched against the code.
  return epoch === null ? call : `${call}, ctx.epoch ${epoch}`;
}

export interface IncidentLine {
  /** "12:5", or null when the sandbox could not place it. */
  position: string | null;
  where: string;
  kind: string;
  message: string;
}

export function describeIncident(incident: Incident): IncidentLine {
  return {
    position: positionLabel(incident.position),
    where: entryLabel(incident.entry, incident.epoch),
    kind: errorKindLabel(incident.kind),
    message: incident.message,
  };
}

export interface AccessSummary {
  reads: Counted[];
  calls: Counted[];
  incidents: IncidentLine[];
  /** Lines the method printed (kept), and how many more were dropped at the cap. */
  printed: number;
  dropped: number;
}

export function summarizeAccess(log: AccessLog): AccessSummary {
  return {
    reads: byUse(log.reads),
    calls: byUse(log.calls),
    incidents: log.incidents.map(describeIncident),
    printed: log.output.length,
    dropped: log.output_dropped,
  };
}

/** "ctx.teacher ×100" lists, compact: counts over 9,999 as "12.3k". */
export function formatUse(count: number): string {
  if (count < 10_000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}
