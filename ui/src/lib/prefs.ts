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
