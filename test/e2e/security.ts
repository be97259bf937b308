/**
 * Helpers for the security tests: script-injection payloads, traps that record
 * any of them running (and any Content-Security-Policy violation), checks that
 * the page holds no injected markup, and the page's policy read back.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type Frame, type Page } from "@playwright/test";
import { createState, update, type TransactionSpec } from "../../packages/engine/src/state/state.ts";
import { base64urlEncode, encodeState } from "../../packages/engine/src/state/url.ts";
import { builtPages, DIST, readDist } from "./site.ts";

/** Markup and URLs that would run `window.__pwned=1` if any of them reached the page as HTML or a link. */
export const PAYLOADS = [
  "<img src=x onerror=window.__pwned=1>",
  "<svg onload=window.__pwned=1>",
  '"><script>window.__pwned=1</script>',
  "javascript:window.__pwned=1",
] as const;

/** Short labels for the report and test titles. */
export const PAYLOAD_NAMES = ["img-onerror", "svg-onload", "script-breakout", "javascript-url"] as const;

export const SEED = readFileSync(path.resolve(import.meta.dirname, "../../content/seed.yaml"), "utf8");

/** A YAML scalar holding `s` exactly (JSON strings are YAML). */
export const yamlString = (s: string): string => JSON.stringify(s);

/**
 * Traps, installed before any page script runs (every frame): `window.__pwned` records what set it, and every
 * `securitypolicyviolation` event is kept in `window.__cspViolations`, as are dialogs opened by script.
 */
export async function installTraps(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __pwnedLog: string[]; __cspViolations: unknown[] };
    w.__pwnedLog = [];
    w.__cspViolations = [];
    let value: unknown;
    Object.defineProperty(window, "__pwned", {
      configurable: false,
      get: () => value,
      set: (v) => {
        value = v;
        w.__pwnedLog.push(`${String(v)} at ${location.href}: ${new Error().stack ?? ""}`);
      },
    });
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__cspViolations.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: `${e.sourceFile}:${e.lineNumber}`,
        page: location.href,
      });
    });
  });
  page.on("dialog", (d) => {
    (page as unknown as { __dialogs?: string[] }).__dialogs ??= [];
    (page as unknown as { __dialogs: string[] }).__dialogs.push(d.message());
    void d.dismiss();
  });
}

/** What the traps recorded in one frame. */
async function trapsOf(frame: Frame): Promise<{ pwned: unknown; log: string[]; csp: unknown[]; markup: string[] }> {
  return frame.evaluate(() => {
    const w = window as unknown as { __pwned: unknown; __pwnedLog?: string[]; __cspViolations?: unknown[] };
    // Injected markup: handler attributes, javascript: URLs, scripts other than the site's.
    const markup: string[] = [];
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) markup.push(`${el.tagName} ${a.name}=${a.value}`);
        if (/^\s*javascript:/i.test(a.value) && /^(href|src|action|formaction|xlink:href|data)$/i.test(a.name)) markup.push(`${el.tagName} ${a.name}=${a.value}`);
      }
      if (el.tagName === "IMG" && el.getAttribute("src") === "x") markup.push("img src=x");
    }
    for (const s of document.querySelectorAll("script")) if (/__pwned/.test(s.textContent ?? "")) markup.push(`script: ${s.textContent}`);
    return { pwned: w.__pwned, log: w.__pwnedLog ?? [], csp: w.__cspViolations ?? [], markup };
  });
}

/** Nothing ran, nothing was blocked, and no payload became markup: in the page and each of its frames. */
export async function expectNothingRan(page: Page, where: string): Promise<void> {
  // Give an injected <img onerror> or <svg onload> time to fire.
  await page.waitForTimeout(50);
  for (const frame of page.frames()) {
    if (frame.url() === "about:blank" || frame.url().startsWith("data:")) continue;
    const t = await trapsOf(frame);
    expect(t.log, `${where}: a payload ran in ${frame.url()}`).toEqual([]);
    expect(t.pwned, `${where}: window.__pwned in ${frame.url()}`).toBeUndefined();
    expect(t.csp, `${where}: CSP violations in ${frame.url()}`).toEqual([]);
    expect(t.markup, `${where}: injected markup in ${frame.url()}`).toEqual([]);
  }
  expect((page as unknown as { __dialogs?: string[] }).__dialogs ?? [], `${where}: dialogs`).toEqual([]);
}

/** The CSP violations recorded so far in the page's main frame. */
export async function violations(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: unknown[] }).__cspViolations ?? []);
}

/** The Content-Security-Policy a built page carries in its <meta>, as directive → sources. */
export function policyOf(html: string): Map<string, string[]> | undefined {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/i.exec(html);
  if (!m) return undefined;
  const content = m[1]!.replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
  const out = new Map<string, string[]>();
  for (const part of content.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** Every page a reader can load (each built index.html, and the 404 page), with its HTML. */
export function everyBuiltPage(): { path: string; html: string }[] {
  const pages = builtPages().map((p) => ({ path: p, html: readDist(p).toString("utf8") }));
  try {
    if (statSync(path.join(DIST, "404.html")).isFile()) pages.push({ path: "/404.html", html: readDist("/404.html").toString("utf8") });
  } catch {
    // no 404 page built
  }
  return pages;
}

// ---------------------------------------------------------------- URL state tokens

export const AUTHORED = createState(SEED);

/** A share token of the seed with these edits, as the site makes them. */
export function tokenOf(...specs: TransactionSpec[]): Promise<string> {
  return encodeState(update(AUTHORED, AUTHORED, ...specs).state, AUTHORED);
}

/** A format-2 token (zlib) of any JSON text: for states the site would never write. */
export async function tokenOfJson(json: string): Promise<string> {
  const out = await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer();
  return `2.${base64urlEncode(new Uint8Array(out))}`;
}

/** The token with the base64 character at `at` replaced by another one. */
export function flipped(token: string, at: number): string {
  const c = token[at]!;
  return token.slice(0, at) + (c === "A" ? "B" : "A") + token.slice(at + 1);
}
