// Choices remembered across starts (localStorage), read defensively: storage may be unavailable.

export type Theme = "light" | "dark";

const THEME_KEY = "aar-review.theme";
const WHITESPACE_KEY = "aar-review.diff.ignoreWhitespace";

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Private mode or a full disk: the choice lasts for this session only.
  }
}

/** The saved theme, or null to follow the system. */
export function savedTheme(): Theme | null {
  const t = read(THEME_KEY);
  return t === "light" || t === "dark" ? t : null;
}

export function saveTheme(theme: Theme): void {
  write(THEME_KEY, theme);
}

export function systemTheme(): Theme {
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function savedIgnoreWhitespace(): boolean {
  return read(WHITESPACE_KEY) === "true";
}

export function saveIgnoreWhitespace(on: boolean): void {
  write(WHITESPACE_KEY, String(on));
}

const DIFF_MODE_KEY = "aar-review.diff.mode";
const VIEWED_KEY = "aar-review.diff.viewed";
/** Viewed marks kept; the oldest go first. Each is a path and two digests, about 150 bytes. */
const MAX_VIEWED = 5000;

/** Unified (one column, deletions above insertions) or side by side (old left, new right). */
export type DiffMode = "unified" | "split";

export function savedDiffMode(): DiffMode {
  return read(DIFF_MODE_KEY) === "split" ? "split" : "unified";
}

export function saveDiffMode(mode: DiffMode): void {
  write(DIFF_MODE_KEY, mode);
}

/** The files marked viewed, by `viewedKey` (lib/diff.ts), oldest first. */
export function savedViewed(): string[] {
  try {
    const list: unknown = JSON.parse(read(VIEWED_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

export function saveViewed(keys: readonly string[]): void {
  write(VIEWED_KEY, JSON.stringify(keys.slice(-MAX_VIEWED)));
}

const EXPORT_PATH_KEY = "aar-review.export.path";

/** Where the last review export was saved (as typed: `~/` or absolute), or null. */
export function savedExportPath(): string | null {
  return read(EXPORT_PATH_KEY);
}

export function saveExportPath(path: string): void {
  write(EXPORT_PATH_KEY, path);
}

/** Forgets the theme choice: the app follows the system's again. */
export function clearTheme(): void {
  try {
    globalThis.localStorage?.removeItem(THEME_KEY);
  } catch {
    // As in `write`: nothing to forget.
  }
}
