// Syntax highlighting with highlight.js core and only the grammars the corpus needs (bundled: no
// CDN), plus a small Rhai grammar. Highlighted HTML is split into lines for the numbered view.

import hljs from "highlight.js/lib/core";
import type { HLJSApi, Language } from "highlight.js";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import yaml from "highlight.js/lib/languages/yaml";

/** Rhai (https://rhai.rs): Rust-like syntax, dynamic typing, `#{}` object maps. */
export function rhai(api: HLJSApi): Language {
  const KEYWORDS = {
    keyword: [
      "let", "const", "fn", "if", "else", "switch", "while", "loop", "for", "in", "do", "until",
      "break", "continue", "return", "throw", "try", "catch", "import", "export", "as", "private",
      "global",
    ],
    literal: ["true", "false", "()"],
    built_in: [
      "this", "print", "debug", "type_of", "is_def_var", "is_def_fn", "is_shared", "Fn", "call",
      "curry", "len", "push", "to_float", "to_int", "to_string", "abs", "sqrt", "exp", "ln", "min",
      "max", "floor", "ceiling", "round", "range",
    ],
  };
  const INTERPOLATION = { className: "subst", begin: /\$\{/, end: /\}/, keywords: KEYWORDS };
  return {
    name: "Rhai",
    aliases: ["rhai"],
    keywords: KEYWORDS,
    illegal: "</",
    contains: [
      api.C_LINE_COMMENT_MODE,
      api.COMMENT(/\/\*/, /\*\//, { contains: ["self"] }),
      { className: "string", begin: /"/, end: /"/, contains: [api.BACKSLASH_ESCAPE] },
      { className: "string", begin: /`/, end: /`/, contains: [api.BACKSLASH_ESCAPE, INTERPOLATION] },
      { className: "string", begin: /'(\\.|[^\\'])'/ },
      {
        className: "number",
        variants: [
          { begin: /\b0x[0-9a-fA-F_]+\b/ },
          { begin: /\b0o[0-7_]+\b/ },
          { begin: /\b0b[01_]+\b/ },
          { begin: /\b\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?\b/ },
        ],
        relevance: 0,
      },
      { className: "punctuation", begin: /#\{/ },
      {
        // `fn name(`: the function being defined.
        begin: [/\bfn/, /\s+/, /[a-zA-Z_]\w*/],
        beginScope: { 1: "keyword", 3: "title.function" },
      },
      { className: "title.function.invoke", begin: /\b[a-zA-Z_]\w*(?=\s*\()/, relevance: 0 },
      { className: "operator", begin: /[-+*\/%=!<>&|^]+|\.\.=?|\?\.|\?\?/, relevance: 0 },
    ],
  };
}

hljs.registerLanguage("rhai", rhai);
hljs.registerLanguage("python", python);
hljs.registerLanguage("json", json);
hljs.registerLanguage("markdown", markdown);
hljs.registerLanguage("yaml", yaml);
hljs.registerLanguage("plaintext", plaintext);

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The highlighter's name for a file language; unknown ones read as plain text. */
export function highlighterLanguage(language: string): string {
  const ALIASES: Record<string, string> = { yml: "yaml", md: "markdown", py: "python", txt: "plaintext", text: "plaintext" };
  const lang = language.toLowerCase();
  const name = ALIASES[lang] ?? lang;
  return hljs.getLanguage(name) ? name : "plaintext";
}

/**
 * Splits highlight.js HTML into lines, closing the spans still open at each newline and reopening
 * them on the next line, so every line is well-formed HTML on its own.
 */
export function splitHighlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let current = "";
  const tag = /<span[^>]*>|<\/span>|\n/g;
  let last = 0;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    current += html.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === "\n") {
      lines.push(current + "</span>".repeat(open.length));
      current = open.join("");
    } else if (m[0] === "</span>") {
      open.pop();
      current += m[0];
    } else {
      open.push(m[0]);
      current += m[0];
    }
  }
  current += html.slice(last);
  lines.push(current);
  return lines;
}

/** One HTML string per line of `text`, highlighted as `language`. */
export function highlightLines(text: string, language: string): string[] {
  const lang = highlighterLanguage(language);
  const html = lang === "plaintext" ? escapeHtml(text) : hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
  const lines = splitHighlightedLines(html);
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines.length > 1 && text.endsWith("\n")) lines.pop();
  return lines;
}
