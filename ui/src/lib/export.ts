// Saving the review export (E): which file a format goes to.

import type { ExportFormat } from "./bindings";

export const EXPORT_FORMATS: { format: ExportFormat; name: string }[] = [
  { format: "md", name: "Markdown" },
  { format: "csv", name: "CSV" },
  { format: "json", name: "JSON" },
  { format: "html", name: "HTML" },
];

/** The file a first export goes to: the home folder, named for the day. */
export function defaultExportPath(format: ExportFormat, today: Date = new Date()): string {
  return `~/aar-review-${today.toISOString().slice(0, 10)}.${format}`;
}

/**
 * `path` with the extension of `format`: a path that ends in another format's extension has it
 * swapped (switching Markdown to CSV renames `review.md` to `review.csv`); any other name is the
 * reviewer's choice and is kept.
 */
export function withFormatExtension(path: string, format: ExportFormat): string {
  const known = EXPORT_FORMATS.map((f) => f.format).join("|");
  const match = new RegExp(`\\.(${known})$`, "i").exec(path);
  return match ? `${path.slice(0, match.index)}.${format}` : path;
}

/** Whether the app can save to `path` as typed: a full path or one from the home folder. */
export function isSavablePath(path: string): boolean {
  const p = path.trim();
  return (p.startsWith("/") && p.length > 1) || (p.startsWith("~/") && p.length > 2);
}

/** The last part of a typed path, offered as the file name in the save dialog (which knows no `~/`). */
export function fileNameOf(path: string): string {
  return path.trim().split("/").filter((p) => p !== "").pop() ?? "";
}
