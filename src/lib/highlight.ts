/**
 * Build-time syntax highlighting with shiki and the site's grammars. Both
 * themes are rendered at once as CSS variables (`--shiki-light`,
 * `--shiki-dark`); global.css picks one per theme, so no script is needed.
 */
import { createHighlighter, type Highlighter } from "shiki";
import { LAB_GRAMMARS, type LabLang } from "./grammars/index.ts";
import { SHIKI_THEMES } from "./shiki-themes.ts";

export { SHIKI_THEMES };

let highlighter: Promise<Highlighter> | undefined;

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({
    themes: Object.values(SHIKI_THEMES),
    langs: [...LAB_GRAMMARS, "shellscript", "yaml"],
  });
  return highlighter;
}

/** A whole `<pre class="shiki …"><code>…</code></pre>` block. */
export async function highlight(code: string, lang: LabLang | "shellscript" | "yaml"): Promise<string> {
  const h = await getHighlighter();
  return h.codeToHtml(code, { lang, themes: SHIKI_THEMES, defaultColor: false });
}

/** Only the highlighted lines (the `<span class="line">` elements), for embedding in custom markup. */
export async function highlightLines(code: string, lang: LabLang | "shellscript" | "yaml"): Promise<string> {
  const html = await highlight(code, lang);
  const start = html.indexOf("<code>");
  const end = html.lastIndexOf("</code>");
  return start < 0 || end < 0 ? html : html.slice(start + "<code>".length, end);
}

/** Token scopes per line, for tests: `[[text, scopes[]]…]`. */
export async function tokenScopes(code: string, lang: LabLang): Promise<{ content: string; scopes: string[] }[][]> {
  const h = await getHighlighter();
  const { tokens } = h.codeToTokens(code, { lang, theme: SHIKI_THEMES.light, includeExplanation: true });
  return tokens.map((line) =>
    line.flatMap((t) => (t.explanation ?? []).map((e) => ({ content: e.content, scopes: e.scopes.map((s) => s.scopeName) }))),
  );
}

export interface CodePart {
  readonly code: string;
  readonly lang: LabLang | "shellscript" | "yaml";
  /** Extra class on each of the part's lines (e.g. "prompt", "stderr"). */
  readonly lineClass?: string;
}

/**
 * One `<pre class="shiki">` block made of parts highlighted with different
 * grammars, such as a prompt line (shell-session) followed by its output
 * (ovs-flows). Trailing newlines of a part are dropped.
 */
export async function highlightParts(parts: readonly CodePart[], extraClass = ""): Promise<string> {
  const h = await getHighlighter();
  let preStyle = "";
  const lines: string[] = [];
  for (const part of parts) {
    const code = part.code.replace(/\n+$/, "");
    if (code === "") continue;
    const html = h.codeToHtml(code, { lang: part.lang, themes: SHIKI_THEMES, defaultColor: false });
    preStyle ||= /<pre[^>]*style="([^"]*)"/.exec(html)?.[1] ?? "";
    const inner = html.slice(html.indexOf("<code>") + "<code>".length, html.lastIndexOf("</code>"));
    const withClass = part.lineClass ? inner.replaceAll('<span class="line">', `<span class="line ${part.lineClass}">`) : inner;
    lines.push(withClass);
  }
  const cls = `shiki shiki-themes ${SHIKI_THEMES.light.name} ${SHIKI_THEMES.dark.name}${extraClass ? ` ${extraClass}` : ""}`;
  return `<pre class="${cls}" style="${preStyle}" tabindex="0"><code>${lines.join("\n")}</code></pre>`;
}
