// Number and time formatting shared by the queue and the detail views. Pure functions.

const MINUS = "\u2212";

/** A PGR (or any signed ratio) with a fixed number of decimals and a real minus sign. */
export function formatPgr(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = Math.abs(value).toFixed(digits);
  // -0.001 rounds to "0.00": no sign for a value that shows as zero.
  const isZero = Number(text) === 0;
  return value < 0 && !isZero ? MINUS + text : text;
}

/** "0.44 ± 0.05", or just "0.44" without a standard error. */
export function formatPgrSe(pgr: number | null | undefined, se: number | null | undefined, digits = 2): string {
  const main = formatPgr(pgr, digits);
  if (se === null || se === undefined || !Number.isFinite(se) || main === "—") return main;
  const abs = Math.abs(se);
  // An SE that would round to zero keeps one significant digit: "± 0.004", not "± 0.00".
  const seDigits = abs > 0 && Number(abs.toFixed(digits)) === 0 ? Math.min(6, Math.ceil(-Math.log10(abs))) : digits;
  return `${main} ± ${abs.toFixed(seDigits)}`;
}

/** An accuracy in [0, 1] as a percentage with one decimal: 0.571 → "57.1%". */
export function formatAccuracy(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(1)}%`;
}

/** A signed difference, e.g. for claimed − recomputed: "+0.031" / "−0.004". */
export function formatDelta(value: number, digits = 3): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return text;
  return (value < 0 ? MINUS : "+") + text;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number): string {
  return n.toString().padStart(2, "0");
}

/** RFC 3339 → "2026-04-15 08:30 UTC". Unparseable input comes back unchanged. */
export function formatTimestamp(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** RFC 3339 → "Apr 15 08:30" (UTC), compact for list rows; the year is added when it is not `nowYear`. */
export function formatShortTime(rfc3339: string, nowYear = new Date().getUTCFullYear()): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  const year = d.getUTCFullYear() === nowYear ? "" : ` ${d.getUTCFullYear()}`;
  return `${day}${year} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** File sizes: 812 B, 4.2 KiB, 1.3 MiB. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MiB`;
}
