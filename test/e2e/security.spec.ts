/**
 * Hostile and broken input. Script-injection payloads go through every input a
 * reader has (the scenario editor's names, labels, annotations, Service and
 * NetworkPolicy names; the flows editor; pasted dumps and their names; the
 * ofproto/trace fields; the search box; the terminal; the URL's #lab= state
 * and the embed pages' query parameters) and nothing runs: traps installed
 * before any page script record any attempt, and any CSP violation. The pages
 * carry a policy with no inline script but the hashed theme script and no
 * other origin, and work under it. Damaged share links and saved edits get a
 * banner and the authored scenario, never a blank page; saved edits that no
 * longer read are kept aside. Main pages refuse to be framed; embeds do not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type FrameLocator, type Locator, type Page } from "@playwright/test";
import { LIMITS } from "../../packages/engine/src/limits.ts";
import { andSettle, flowsFigure, goLive, liveState, openScenarioEditor, replaceScenario, settled, traceFigure } from "./live.ts";
import { DIST } from "./site.ts";
import {
  everyBuiltPage,
  expectNothingRan,
  flipped,
  installTraps,
  PAYLOAD_NAMES,
  PAYLOADS,
  policyOf,
  SEED,
  tokenOf,
  tokenOfJson,
  violations,
  yamlString,
} from "./security.ts";

const ARTICLE = "/walk-denied/"; // flows, shell, topology and trace figures
const UNREADABLE_PREFIX = "ovs-lab:live:unreadable:";
const STORAGE_PREFIX = "ovs-lab:live:v1:";

/** Inputs × payloads tried, for the report at the end. */
const tried = new Map<string, number>();
function count(input: string, n = 1): void {
  tried.set(input, (tried.get(input) ?? 0) + n);
}
test.afterAll(() => {
  const rows = [...tried].map(([k, v]) => `  ${k}: ${v}`);
  console.log(`payload × input: ${[...tried.values()].reduce((a, b) => a + b, 0)} in total\n${rows.join("\n")}`);
});

test.beforeEach(async ({ page }) => {
  await installTraps(page);
});

/** The start of what the tools echo of each payload (they stop at the first character they refuse). */
const ECHO = ["<img", "<svg", '"><script>window.__pwned', "javascript"];

/** Scenario edits that carry a payload: where it goes, and whether the tools echo it in an error. */
const SCENARIO_FIELDS: { name: string; edit: (p: string) => string; echoed: boolean }[] = [
  { name: "Pod name", edit: (p) => SEED.replace("    role: frontend\n  name: frontend\n", `    role: frontend\n  name: ${yamlString(p)}\n`), echoed: true },
  { name: "Pod label value", edit: (p) => SEED.replace("    role: frontend\n  name: frontend\n", `    role: ${yamlString(p)}\n  name: frontend\n`), echoed: true },
  {
    name: "Pod annotation",
    edit: (p) => SEED.replace("    role: frontend\n  name: frontend\n", `    role: frontend\n  annotations:\n    note: ${yamlString(p)}\n  name: frontend\n`),
    echoed: false,
  },
  { name: "container name", edit: (p) => SEED.replace("    name: frontend\n  nodeName: worker1", `    name: ${yamlString(p)}\n  nodeName: worker1`), echoed: true },
  { name: "Service name", edit: (p) => SEED.replace("  name: backendsvc\nspec:", `  name: ${yamlString(p)}\nspec:`), echoed: true },
  { name: "NetworkPolicy name", edit: (p) => SEED.replace("  name: backendpolicy\n", `  name: ${yamlString(p)}\n`), echoed: true },
  { name: "YAML comment", edit: (p) => `# ${p}\n${SEED}`, echoed: false },
];

test("the scenario edits are real edits (each payload lands in the scenario)", () => {
  for (const f of SCENARIO_FIELDS) expect(f.edit("PAYLOAD"), f.name).toContain("PAYLOAD");
});

/** Replaces the playground editor's text as a reader would (select all, paste). */
async function replacePlaygroundScenario(page: Page, text: string): Promise<void> {
  const editor = page.getByRole("textbox", { name: "Scenario YAML" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

async function livePlayground(page: Page, url = "/playground/"): Promise<void> {
  await page.goto(url);
  await expect(page.locator(".playground-grid")).toHaveAttribute("data-live", "on", { timeout: 20_000 });
}

/** Types a line in a terminal, presses Enter and waits for it to be idle again. */
async function typeLine(term: Locator, line: string): Promise<void> {
  const input = term.getByRole("textbox");
  const before = await term.locator(".term-cmd").count();
  await input.fill(line);
  await input.press("Enter");
  await expect(term.locator(".term-cmd")).toHaveCount(before + 1);
  await expect(term).not.toHaveAttribute("data-busy", { timeout: 20_000 });
}

/** Terminal lines with each payload: as arguments, quoted, as the command, in a container. */
const TERMINAL_LINES = (p: string): string[] => [
  `kubectl get pods ${p}`,
  `echo '${p}'`,
  p,
  `kubectl exec -it frontend -- curl '${p}'`,
  `kubectl get pods -n '${p}'`,
];

async function terminalPayloads(page: Page, term: Locator, where: string): Promise<void> {
  await term.getByRole("textbox").click();
  await expect(term).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  for (const [i, p] of PAYLOADS.entries()) {
    for (const line of TERMINAL_LINES(p)) {
      await typeLine(term, line);
      count(`${where}: terminal input`);
      // The line echoes as typed, as text.
      await expect(term.locator(".term-cmd").last()).toContainText(line);
    }
    // echo prints it back whole.
    await expect(term.locator(".term-log")).toContainText(p);
    await expectNothingRan(page, `${where} terminal ${PAYLOAD_NAMES[i]}`);
  }
}

// ---------------------------------------------------------------- (1) payloads through every input

test("the traps catch a payload that does reach the page as markup (the policy blocks it, and says so)", async ({ page }) => {
  await page.goto(ARTICLE);
  await page.evaluate((p) => {
    const div = document.createElement("div");
    div.innerHTML = p;
    document.body.append(div);
  }, PAYLOADS[0]);
  await expect.poll(() => violations(page)).toEqual([expect.objectContaining({ directive: "script-src-attr" })]);
  await expect(expectNothingRan(page, "self-test")).rejects.toThrow(/CSP violations/);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  // And a script that does run (here, Playwright's own) is recorded by the __pwned trap.
  await page.evaluate(() => ((window as unknown as { __pwned: unknown }).__pwned = 1));
  expect(await page.evaluate(() => (window as unknown as { __pwnedLog: string[] }).__pwnedLog.length)).toBe(1);
});

test.describe("payloads run nothing and show as text", () => {
  test("article: the scenario editor's names, labels, annotations, Service and NetworkPolicy names", async ({ page }) => {
    test.setTimeout(120_000);
    await goLive(page, ARTICLE);
    await openScenarioEditor(page);
    for (const f of SCENARIO_FIELDS) {
      for (const [i, p] of PAYLOADS.entries()) {
        await replaceScenario(page, f.edit(p));
        count(`article: scenario ${f.name}`);
        if (f.echoed) await expect(page.locator(".live-scenario-host").locator("..").locator(".live-problems"), f.name).toContainText(ECHO[i]!);
        expect(((await liveState(page)) as { scenarioText: string }).scenarioText).toContain(p);
        await expectNothingRan(page, `article scenario ${f.name} ${PAYLOAD_NAMES[i]}`);
      }
    }
    // The page still works: back to the seed, the trace is computed again.
    await replaceScenario(page, SEED);
    await expect(page.locator(".live-problems li")).toHaveCount(0);
    await expect(traceFigure(page, "backend1", "frontend").locator(".lab-trace-verdict").first()).toHaveText(/^(Delivered|Dropped)/);
  });

  test("article: the flows editor, a pasted dump, its name, and the ofproto/trace fields", async ({ page }) => {
    test.setTimeout(90_000);
    await goLive(page, ARTICLE);
    // The flows editor.
    const fig = page.locator("figure[data-live=flows]").first();
    await fig.getByRole("button", { name: "Edit flows" }).click();
    const editor = fig.locator(".live-flows-editor .cm-content");
    await expect(editor).toBeVisible();
    for (const [i, p] of PAYLOADS.entries()) {
      await andSettle(page, async () => {
        await editor.click();
        await page.keyboard.press("ControlOrMeta+a");
        await page.keyboard.insertText(`table=70,priority=5,${p} actions=drop\ntable=70,priority=6,ip actions=${p}\n`);
      });
      count("article: flows editor (match, action)", 2);
      await expect(fig.locator(".live-problems")).toContainText(ECHO[i]!);
      await expectNothingRan(page, `flows editor ${PAYLOAD_NAMES[i]}`);
    }
    await andSettle(page, () => fig.getByRole("button", { name: "Back to the compiled flows" }).click());

    // A pasted dump named with the payload, with the payload in its lines; then traced with the payload.
    await page.getByRole("button", { name: "Your flow dump" }).click();
    for (const [i, p] of PAYLOADS.entries()) {
      const dump = [
        "NXST_FLOW reply (xid=0x4):",
        ` cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0, priority=100,${p} actions=drop`,
        ` cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0, priority=0 actions=${p}`,
        ` cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0, priority=1,in_port="${p}" actions=drop`,
      ].join("\n");
      await page.getByRole("textbox", { name: "Your ovs-ofctl dump-flows output" }).fill(dump);
      await page.getByRole("textbox", { name: "A name for this dump" }).fill(p);
      await page.getByRole("button", { name: "Add the dump" }).click();
      count("article: pasted dump lines (match, action, port name)", 3);
      count("article: dump name");
      const item = page.locator(".live-dump-list li").last();
      await expect(item.locator("strong")).toHaveText(p);
      await expect(item.locator(".live-dump-info")).toContainText("lines do not parse");
      await page.getByRole("combobox", { name: "Dump to trace against" }).selectOption({ index: i });
      await page.getByRole("textbox", { name: "ofproto/trace flow" }).fill(p);
      await page.getByRole("textbox", { name: "--ct-next states" }).fill(p);
      await page.getByRole("button", { name: "Trace", exact: true }).click();
      count("article: ofproto/trace flow");
      count("article: --ct-next");
      await expect(page.locator(".live-dump-out")).not.toHaveText(/Tracing…/);
      await expect(page.locator(".live-dump-out .live-error")).toContainText(ECHO[i]!.slice(0, 4));
      await expectNothingRan(page, `dump ${PAYLOAD_NAMES[i]}`);
    }
    await expect(page.getByRole("combobox", { name: "Dump to trace against" }).locator("option")).toHaveText([...PAYLOADS]);
  });

  test("article: the search box", async ({ page }) => {
    await page.goto(ARTICLE);
    const box = page.getByRole("searchbox");
    await box.focus();
    for (const [i, p] of PAYLOADS.entries()) {
      await box.fill(p);
      count("article: search box");
      await expect(page.locator("#search-results")).toBeVisible();
      await expectNothingRan(page, `search ${PAYLOAD_NAMES[i]}`);
    }
    // Where nothing matches, the box's text is echoed back, as text.
    const none = "<qqqzzzxxx>";
    await box.fill(none);
    await expect(page.locator("#search-results .search-empty")).toHaveText(`Nothing found for “${none}”.`);
    await expectNothingRan(page, "search echo");
  });

  test("article: a #lab= state carrying payloads (scenario, dump, trace picks, options) and payloads in the query and fragment", async ({ page }) => {
    for (const [i, p] of PAYLOADS.entries()) {
      const token = await tokenOf(
        { scenarioText: SCENARIO_FIELDS[0]!.edit(p) },
        { addDump: { id: "dump1", name: p, text: ` cookie=0x0, table=0, priority=1,${p} actions=drop\n` } },
        { trace: { id: "trace-0", query: { from: p, to: p, node: p, endpoint: p } } },
        { options: { [p]: p, view: p } },
      );
      count("article: #lab= scenario, dump name and text, trace from/to/node/endpoint, option name and value", 8);
      await page.goto(`${ARTICLE}?${encodeURIComponent(p)}=${encodeURIComponent(p)}&q=${p}#lab=${token}&${p}`);
      count("article: query and fragment", 2);
      await settled(page, 0);
      await expect(page.locator(".live-trace .live-error, figure[data-live=trace] .live-error").first()).toContainText(ECHO[i]!.slice(0, 4));
      await page.getByRole("button", { name: "Edit the scenario" }).click();
      await expect(page.locator(".live-problems")).toContainText(ECHO[i]!);
      await page.getByRole("button", { name: "Your flow dump" }).click();
      await expect(page.locator(".live-dump-list strong")).toHaveText(p);
      await expectNothingRan(page, `article #lab= ${PAYLOAD_NAMES[i]}`);
      await page.evaluate(() => localStorage.clear());
    }
  });

  test("playground: the scenario editor, the terminal and a #lab= state", async ({ page }) => {
    test.setTimeout(180_000);
    await livePlayground(page);
    for (const f of SCENARIO_FIELDS) {
      for (const [i, p] of PAYLOADS.entries()) {
        await replacePlaygroundScenario(page, f.edit(p));
        count(`playground: scenario ${f.name}`);
        if (f.echoed) {
          // The dock's list of the scenario's problems (the editor marks the line, out of view).
          await expect(page.locator(".live-dock .live-problems")).toContainText(ECHO[i]!);
        } else {
          await expect(page.locator(".live-dock .live-problems li")).toHaveCount(0);
        }
        await expectNothingRan(page, `playground scenario ${f.name} ${PAYLOAD_NAMES[i]}`);
      }
    }
    await replacePlaygroundScenario(page, SEED);
    await terminalPayloads(page, page.locator(".pg-terminal [data-terminal]"), "playground");

    for (const [i, p] of PAYLOADS.entries()) {
      await page.evaluate(() => localStorage.clear());
      // The payload in a comment on the scenario's first line, so the editor shows it.
      const token = await tokenOf(
        { scenarioText: SCENARIO_FIELDS[6]!.edit(p) },
        { trace: { id: "trace-0", query: { from: p, to: p } } },
        { options: { [p]: p } },
      );
      count("playground: #lab= scenario, trace from/to, option", 4);
      await livePlayground(page, `/playground/?${encodeURIComponent(p)}#lab=${token}`);
      await expect(page.locator(".pg-editor .cm-content")).toContainText(p);
      await expectNothingRan(page, `playground #lab= ${PAYLOAD_NAMES[i]}`);
    }
  });

  test("embed pages: payloads in every query parameter and in #lab=", async ({ page }) => {
    test.setTimeout(180_000);
    for (const [i, p] of PAYLOADS.entries()) {
      const q = encodeURIComponent(p);
      const cases: [string, (p: Page) => Promise<void>][] = [
        [`/embed/flows?node=${q}&table=${q}&version=${q}&names=${q}&theme=${q}`, async (pg) => {
          await expect(pg.locator(".embed-error")).toContainText(`unknown Node "${p}"`);
        }],
        [`/embed/flows?node=worker1&table=${q}`, async (pg) => {
          await expect(pg.locator(".embed-host")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
        }],
        [`/embed/trace?from=${q}&to=${q}&port=${q}&proto=${q}&reply=${q}&theme=${q}`, async (pg) => {
          await expect(pg.locator(".live-error").first()).toContainText(ECHO[i]!.slice(0, 4), { timeout: 20_000 });
        }],
        [`/embed/topology?from=${q}&to=${q}&port=${q}&proto=${q}`, async (pg) => {
          await expect(pg.locator(".embed-host")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
        }],
        [`/embed/terminal?node=${q}&cmd=${q}&cmd=${encodeURIComponent(`echo '${p}'`)}&cmd=${encodeURIComponent(`kubectl get pods ${p}`)}`, async (pg) => {
          await expect(pg.locator(".embed-host")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
          // An unknown Node is named in the error; the terminal stays, on the default Node, and runs the commands.
          await expect(pg.locator(".embed-error")).toContainText(`unknown Node "${p}"`);
          await expect(pg.locator(".term-log")).toContainText(p);
          await expect(pg.locator(".term-prompt")).toContainText("master");
        }],
        [`/embed/scenario?x=${q}#lab=${await tokenOf({ scenarioText: SCENARIO_FIELDS[0]!.edit(p) })}`, async (pg) => {
          await expect(pg.locator(".scenario-yaml")).toContainText(p);
        }],
        [`/embed/trace?from=frontend&to=backendsvc#lab=${await tokenOf({ scenarioText: SCENARIO_FIELDS[4]!.edit(p) })}&${q}`, async (pg) => {
          await expect(pg.locator(".embed-host")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
        }],
      ];
      for (const [url, check] of cases) {
        count(`embed: ${url.split("?")[0]!.split("#")[0]} parameters`, url.split(/[?&#]/).length - 1);
        await page.goto(url);
        await check(page);
        await expectNothingRan(page, `${url} ${PAYLOAD_NAMES[i]}`);
      }
    }
  });

  test("embed terminal: payloads typed at its prompt", async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto("/embed/terminal");
    await terminalPayloads(page, page.locator("[data-terminal]").first(), "embed");
  });

  test("embed pages framed on a stranger's page, with payloads in their parameters", async ({ page, baseURL }) => {
    for (const p of PAYLOADS) {
      const q = encodeURIComponent(p);
      const src = new URL(`/embed/trace?from=${q}&to=${q}`, baseURL).href;
      await page.setContent(`<!doctype html><title>A course</title><iframe src="${src.replace(/&/g, "&amp;")}" title="lab" width="900" height="700"></iframe>`);
      count("embed: framed trace parameters", 2);
      const f = page.frameLocator("iframe");
      await expect(f.locator(".embed-host")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
      await expectNothingRan(page, `framed embed ${p}`);
    }
  });
});

// ---------------------------------------------------------------- (2) the policy, and the pages under it

/** Sources a directive may name: this origin, nothing, a hash, WebAssembly compilation; inline styles and data: images only. */
const ALLOWED: Record<string, RegExp> = {
  "script-src": /^('self'|'none'|'sha256-[A-Za-z0-9+/=]+'|'wasm-unsafe-eval')$/,
  "style-src": /^('self'|'none'|'unsafe-inline')$/,
  "img-src": /^('self'|'none'|data:)$/,
};

test("every page's policy allows no inline script but by hash, no eval, and no other origin", () => {
  const pages = everyBuiltPage();
  expect(pages.length).toBeGreaterThan(30);
  for (const { path, html } of pages) {
    const csp = policyOf(html);
    expect(csp, `${path} has a Content-Security-Policy meta`).toBeDefined();
    for (const d of ["default-src", "script-src", "object-src", "base-uri"]) expect(csp!.has(d), `${path} ${d}`).toBe(true);
    expect(csp!.get("object-src"), path).toEqual(["'none'"]);
    expect(csp!.get("default-src"), path).toEqual(["'self'"]);
    for (const [d, sources] of csp!) {
      const ok = ALLOWED[d] ?? /^('self'|'none')$/;
      for (const s of sources) expect(s, `${path}: ${d} ${s}`).toMatch(ok);
    }
    // Every inline script is allowed by one of the policy's hashes; no inline event handler attributes.
    const hashes = csp!.get("script-src")!.filter((s) => s.startsWith("'sha256-"));
    for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      expect(hashes, `${path}: an inline script without a hash`).toContain(`'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
    }
    expect(html.match(/<[a-z][^>]*\son[a-z]+\s*=/gi) ?? [], `${path}: inline handlers`).toEqual([]);
    expect(html.match(/\b(href|src|action)\s*=\s*["']?\s*javascript:/gi) ?? [], `${path}: javascript: URLs`).toEqual([]);
    expect(html.match(/<(script|link|img|iframe)[^>]*\b(src|href)="(https?:)?\/\/[^"]*"/gi) ?? [], `${path}: remote resources`).toEqual([]);
  }
});

test("every page loads under its policy with no violation", async ({ page }) => {
  test.setTimeout(120_000);
  for (const { path } of everyBuiltPage()) {
    await page.goto(path, { waitUntil: "load" });
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]'), path).toHaveCount(1);
    await expect(page.locator("main"), path).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
});

test("the pages work under their policy: no violation while using the live layer, the editor, a trace, the terminal and embeds", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  // An article: go live, open the editor, edit, step a trace, open the exact view, share, paste a dump.
  await goLive(page, ARTICLE);
  await openScenarioEditor(page);
  await replaceScenario(page, SEED.replace("      port: 80\n---\n# A NodePort", "      port: 8080\n---\n# A NodePort"));
  const trace = traceFigure(page, "backend1", "frontend");
  await trace.locator(".live-stepper button").last().click();
  await trace.getByRole("button", { name: "Exact ofproto/trace" }).click();
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.locator(".live-share-url")).toHaveValue(/#lab=2\./);
  await flowsFigure(page, "worker1", 100).getByRole("button", { name: "Edit flows" }).click();
  await expect(flowsFigure(page, "worker1", 100).locator(".live-flows-editor .cm-content")).toBeVisible();
  await page.getByRole("searchbox").fill("conntrack");
  await expect(page.locator("#search-results li").first()).toBeVisible();
  expect(await violations(page)).toEqual([]);

  // The playground: the editor, the trace picker, the terminal.
  await livePlayground(page);
  await page.locator(".pg-trace .live-trace-picker select").nth(1).selectOption("backend1");
  await expect(page.locator(".pg-trace .lab-trace-verdict").first()).toContainText("backend1", { timeout: 20_000 });
  const term = page.locator(".pg-terminal [data-terminal]");
  await term.getByRole("textbox").click();
  await expect(term).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  await typeLine(term, "kubectl get pods -o wide");
  await expect(term.locator(".term-out").last()).toContainText("frontend");
  expect(await violations(page)).toEqual([]);

  // Each embed, alone and framed, computing for other parameters.
  for (const path of ["/embed/flows?node=worker2&table=10", "/embed/trace?from=frontend&to=backend2&port=80", "/embed/topology?from=frontend&to=backendsvc&port=80", "/embed/terminal?cmd=ip%20route", "/embed/scenario"]) {
    await page.goto(path);
    await expect(page.locator(".embed-host")).toHaveAttribute("data-state", path.endsWith("scenario") ? "static" : "live", { timeout: 20_000 });
    expect(await violations(page), path).toEqual([]);
    await page.setContent(`<iframe src="${new URL(path, baseURL).href}" title="lab" width="900" height="700"></iframe>`);
    await expect(page.frameLocator("iframe").locator("main")).toBeVisible();
    await expectNothingRan(page, `framed ${path}`);
  }
  await expectNothingRan(page, "normal use");
});

// ---------------------------------------------------------------- (3) broken URL state

/** Broken #lab= tokens: each with the words its banner must say. */
async function brokenTokens(): Promise<[string, string, RegExp][]> {
  const good = await tokenOf({ scenarioText: SEED + "\n# an edit long enough to need a few hundred characters of link " + "x".repeat(400) });
  const newerState = await tokenOfJson(JSON.stringify({ v: 2, s: "apiVersion: v9\n" }));
  return [
    ["truncated", good.slice(0, Math.floor(good.length / 2)), /damaged: it does not decompress, or fails its checksum/],
    ["tampered", flipped(flipped(good, Math.floor(good.length / 2)), Math.floor(good.length / 3)), /damaged: it does not decompress, or fails its checksum/],
    ["newer link format", "3." + good.slice(2), /made by a newer version of the lab \(link format 3\)/],
    ["newer state version", newerState, /made by a newer version of the lab: its lab state has version 2/],
    ["huge", "2." + "A".repeat(LIMITS.urlStateChars), /too large: \d+ characters, over the limit of 1 MiB/],
    ["not base64", good.slice(0, 40) + "!*~" + good.slice(43), /damaged: it is not base64url text \(at character 41\)/],
  ];
}

/** The text of a figure's listing (or diagram), trimmed. */
async function textOf(loc: Locator): Promise<string> {
  return ((await loc.textContent()) ?? "").trim();
}

test.describe("broken URL state: a banner and the authored scenario, never a blank page", () => {
  test("article", async ({ page }) => {
    test.setTimeout(120_000);
    await goLive(page, ARTICLE);
    const listing = page.locator("figure[data-live=flows] pre").first();
    const authored = await textOf(listing);
    const verdict = await textOf(traceFigure(page, "backend1", "frontend").locator(".lab-trace-verdict").first());
    for (const [name, token, words] of await brokenTokens()) {
      await page.evaluate(() => localStorage.clear());
      await page.goto("about:blank");
      await page.goto(`${ARTICLE}#lab=${token}`);
      await settled(page, 0);
      await expect(page.locator('.live-banner[data-notice="share"]'), name).toContainText(words);
      await expect(page.locator('.live-banner[data-notice="share"]'), name).toContainText("The page shows its own scenario instead.");
      await expect(page.locator(".live-status"), name).toContainText(words);
      await expect(page.locator("h1"), name).toBeVisible();
      expect(await textOf(listing), name).toBe(authored);
      expect(await textOf(traceFigure(page, "backend1", "frontend").locator(".lab-trace-verdict").first()), name).toBe(verdict);
      expect(await page.evaluate(() => (window as unknown as { __ovsLabLive: { store: { edited: boolean } } }).__ovsLabLive.store.edited), name).toBe(false);
      // The link stays in the address bar (nothing is lost); the banner goes when dismissed.
      expect(page.url(), name).toContain("#lab=");
      await page.locator('.live-banner[data-notice="share"]').getByRole("button", { name: "Dismiss this notice" }).click();
      await expect(page.locator(".live-banner"), name).toHaveCount(0);
      await expectNothingRan(page, `article ${name}`);
    }
  });

  test("playground", async ({ page }) => {
    test.setTimeout(120_000);
    for (const [name, token, words] of await brokenTokens()) {
      await page.goto("about:blank");
      await livePlayground(page, `/playground/#lab=${token}`);
      await expect(page.locator('.live-banner[data-notice="share"]'), name).toContainText(words);
      await expect(page.getByRole("textbox", { name: "Scenario YAML" }), name).toContainText("kind: Cluster");
      expect(await page.getByRole("textbox", { name: "Scenario YAML" }).innerText(), name).not.toContain("apiVersion: v9");
      await expect(page.locator(".pg-trace .lab-trace-verdict").first(), name).toContainText(/^(Delivered|Dropped)/);
      await expectNothingRan(page, `playground ${name}`);
    }
  });

  test("embed pages", async ({ page }) => {
    test.setTimeout(180_000);
    const staticText: Record<string, string> = {};
    for (const path of ["/embed/flows", "/embed/trace", "/embed/scenario"]) {
      await page.goto(path);
      staticText[path] = await textOf(page.locator(".embed-host pre, .embed-host .lab-trace-verdict").first());
    }
    for (const [name, token, words] of await brokenTokens()) {
      for (const path of ["/embed/flows", "/embed/trace", "/embed/topology", "/embed/terminal", "/embed/scenario"]) {
        await page.goto("about:blank");
        await page.goto(`${path}#lab=${token}`);
        const where = `${path} ${name}`;
        await expect(page.locator('.live-banner[data-notice="share"]'), where).toContainText(words, { timeout: 20_000 });
        await expect(page.locator(".embed-host"), where).toHaveAttribute("data-state", "live", { timeout: 20_000 });
        if (staticText[path]) expect(await textOf(page.locator(".embed-host pre, .embed-host .lab-trace-verdict").first()), where).toBe(staticText[path]);
        if (path === "/embed/topology") await expect(page.locator(".lab-topology svg"), where).toContainText("antrea-tun0");
        if (path === "/embed/terminal") {
          const term = page.locator("[data-terminal]").first();
          await typeLine(term, "kubectl get pods");
          await expect(term.locator(".term-out").last(), where).toContainText("frontend");
        }
        await expect(page.locator(".embed-custom"), where).toBeHidden();
        await expectNothingRan(page, where);
      }
    }
  });
});

// ---------------------------------------------------------------- (4) saved edits that no longer read

test.describe("saved edits that no longer read are kept aside, and the page says so", () => {
  const BROKEN: [string, string, RegExp][] = [
    ["not JSON", '{"v":1,"s":"apiVersion: v1\\nkind: Po', /the saved state is not JSON/],
    ["newer version", JSON.stringify({ v: 2, s: "kind: Pod\n" }), /the saved state has version 2; this page reads version 1/],
    ["wrong shape", JSON.stringify({ v: 1, d: [{ id: "dump1", name: 7, text: "" }] }), /the saved state is not valid: .*\(at d\[0\]\.name\)/],
  ];

  for (const path of [ARTICLE, "/playground/"]) {
    test(`${path}`, async ({ page }) => {
      test.setTimeout(90_000);
      const key = STORAGE_PREFIX + path;
      const aside = UNREADABLE_PREFIX + path;
      await page.goto(path);
      const firstListing = path === ARTICLE ? page.locator("figure[data-live=flows] pre").first() : page.locator(".pg-topology svg");
      const authored = await textOf(firstListing);
      for (const [n, [name, raw, words]] of BROKEN.entries()) {
        await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, raw]);
        await page.reload();
        // A page with saved edits goes live by itself.
        const banner = page.locator('.live-banner[data-notice="saved"]');
        await expect(banner, name).toContainText(words, { timeout: 20_000 });
        const movedTo = n === 0 ? aside : `${aside}#${n + 1}`;
        await expect(banner, name).toContainText(`They were not deleted: they are kept in this browser's storage under “${movedTo}”`);
        const stored = await page.evaluate(([k, a]) => ({ saved: localStorage.getItem(k!), aside: localStorage.getItem(a!) }), [key, movedTo]);
        expect(stored, name).toEqual({ saved: null, aside: raw });
        if (path === ARTICLE) await settled(page, 0);
        else await expect(page.locator(".playground-grid")).toHaveAttribute("data-live", "on", { timeout: 20_000 });
        expect(await textOf(firstListing), name).toBe(authored);
        await expectNothingRan(page, `${path} ${name}`);
      }
      // Edits made now are saved as usual, and leave what was kept aside alone.
      if (path === ARTICLE) {
        await openScenarioEditor(page);
        await replaceScenario(page, SEED + "\n# mine\n");
      } else {
        await replacePlaygroundScenario(page, SEED + "\n# mine\n");
      }
      await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), key)).toContain("# mine");
      const kept = await page.evaluate((p) => Object.keys(localStorage).filter((k) => k.startsWith(p)).sort(), UNREADABLE_PREFIX + path);
      expect(kept).toEqual([aside, `${aside}#2`, `${aside}#3`]);
      await page.reload();
      await expect(page.locator(".live-banner")).toHaveCount(0);
    });
  }
});

test("a share link opened on a page with saved edits keeps those edits aside", async ({ page }) => {
  const key = STORAGE_PREFIX + ARTICLE;
  const mine = JSON.stringify({ v: 1, s: SEED + "\n# my own edit\n" });
  await page.goto(ARTICLE);
  await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, mine]);
  await page.goto("about:blank");
  await page.goto(`${ARTICLE}#lab=${await tokenOf({ scenarioText: SEED + "\n# the link's edit\n" })}`);
  await settled(page, 0);
  const banner = page.locator('.live-banner[data-notice="replaced"]');
  await expect(banner).toContainText(`Your own earlier edits on this page were not deleted: they are kept in this browser's storage under “ovs-lab:live:replaced:${ARTICLE}”`);
  const stored = await page.evaluate((k) => ({ now: localStorage.getItem(k), kept: localStorage.getItem(`ovs-lab:live:replaced:${location.pathname}`) }), key);
  expect(stored.kept).toBe(mine);
  expect(stored.now).toContain("the link's edit");
  // Opening the same link again replaces nothing new: no banner.
  await page.goto("about:blank");
  await page.goto(`${ARTICLE}#lab=${await tokenOf({ scenarioText: SEED + "\n# the link's edit\n" })}`);
  await settled(page, 0);
  await expect(page.locator(".live-banner")).toHaveCount(0);
});

// ---------------------------------------------------------------- (5) framing

async function framed(page: Page, baseURL: string | undefined, path: string): Promise<FrameLocator> {
  await page.setContent(`<!doctype html><title>Framing</title><iframe src="${new URL(path, baseURL).href}" title="x" width="900" height="700"></iframe>`);
  return page.frameLocator("iframe");
}

test("main pages refuse to show inside a frame; embed pages show framed", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const pages = everyBuiltPage().map((p) => p.path);
  const main = pages.filter((p) => !p.startsWith("/embed/"));
  const embeds = pages.filter((p) => p.startsWith("/embed/"));
  expect(embeds.length).toBe(5);
  for (const path of main) {
    const f = await framed(page, baseURL, path);
    await expect(f.locator("html"), path).toHaveAttribute("data-framed", "");
    await expect(f.locator("body"), path).toBeHidden();
  }
  for (const path of embeds) {
    const f = await framed(page, baseURL, path);
    await expect(f.locator("main"), path).toBeVisible();
    await expect(f.locator("html"), path).not.toHaveAttribute("data-framed", "");
  }
  await expectNothingRan(page, "framing");
});

test("the deployment headers forbid framing the main pages and allow it for /embed/*", () => {
  const headers = readFileSync(path.join(DIST, "_headers"), "utf8");
  const blocks = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of headers.split("\n")) {
    if (/^\S/.test(line) && !line.startsWith("#")) blocks.set((current = line.trim()), []);
    else if (current && line.trim() && !line.trim().startsWith("#")) blocks.get(current)!.push(line.trim());
  }
  expect(blocks.get("/*")).toEqual(expect.arrayContaining(["X-Frame-Options: DENY", "Content-Security-Policy: frame-ancestors 'none'"]));
  expect(blocks.get("/embed/*")).toEqual(expect.arrayContaining(["! X-Frame-Options", "! Content-Security-Policy"]));
  expect(blocks.get("/embed/*")!.join("\n")).not.toMatch(/X-Frame-Options: DENY|frame-ancestors 'none'/);
});
