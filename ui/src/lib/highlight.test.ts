import { describe, expect, it } from "vitest";
import { escapeHtml, highlightLines, highlighterLanguage, splitHighlightedLines } from "./highlight";

describe("splitHighlightedLines", () => {
  it("closes spans at a newline and reopens them on the next line, so each line is valid HTML", () => {
    const html = '<span class="hljs-comment">/* a\nb */</span> x';
    expect(splitHighlightedLines(html)).toEqual(['<span class="hljs-comment">/* a</span>', '<span class="hljs-comment">b */</span> x']);
  });
  it("handles nested spans", () => {
    const html = '<span class="a"><span class="b">1\n2</span>3</span>';
    expect(splitHighlightedLines(html)).toEqual(['<span class="a"><span class="b">1</span></span>', '<span class="a"><span class="b">2</span>3</span>']);
  });
});

describe("highlightLines", () => {
  it("highlights Rhai with the custom grammar", () => {
    const lines = highlightLines("// targets\nfn targets(batch) {\n    let c = 0.75;\n}\n", "rhai");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain("hljs-comment");
    expect(lines[1]).toContain('<span class="hljs-keyword">fn</span>');
    expect(lines[1]).toContain("hljs-title function_");
    expect(lines[2]).toContain('<span class="hljs-number">0.75</span>');
  });
  it("highlights Python", () => {
    expect(highlightLines("def run():\n    return 1", "python")[0]).toContain("hljs-keyword");
  });
  it("escapes plain text (agent-written files must not inject markup)", () => {
    expect(highlightLines("<script>x</script>", "plaintext")[0]).toBe("&lt;script&gt;x&lt;/script&gt;");
    expect(highlightLines("<b>", "unknown-lang")[0]).toBe("&lt;b&gt;");
    expect(escapeHtml('"&')).toBe("&quot;&amp;");
  });
  it("maps unknown languages to plain text", () => {
    expect(highlighterLanguage("yml")).toBe("yaml");
    expect(highlighterLanguage("cobol")).toBe("plaintext");
  });
});
