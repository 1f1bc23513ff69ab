// Markdown written by agents is untrusted: it is rendered with marked and always sanitised with
// DOMPurify before it reaches the DOM.

import DOMPurify from "dompurify";
import { Marked } from "marked";

const marked = new Marked({ gfm: true, breaks: false, async: false });

const FORBID_TAGS = ["style", "script", "iframe", "object", "embed", "form", "input", "button", "textarea", "select"];

/** Markdown → sanitised HTML, safe for `{@html}`. Links open nowhere (no navigation in the app). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ["style", "srcset"],
  });
}
