/**
 * The build's outputs, read from dist/ on disk (no browser): every directive of
 * every article rendered its component, and every flow listing and shell
 * session on a page is exactly what the engine prints.
 *
 * A Playwright spec rather than a vitest test because script/test runs vitest
 * before it builds the site; Playwright runs after the build (or builds first).
 *
 * - Directives are found with the parser the site uses (remark-parse +
 *   remark-directive), so code fences and inline code never count.
 * - Components are counted by their roots in the HTML (`figure.lab-flows`, …).
 * - ::flows listings are recomputed from the engine alone (loadScenario →
 *   compileNode → dumpFlows), not through src/lib/lab.ts, and the command
 *   shown above each listing is run in the engine's shell at the prompt shown,
 *   which must print the same listing again.
 * - :::shell blocks are replayed in a fresh engine ShellSession, as remark-lab
 *   extracts their commands.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkDirective from "remark-directive";
import { visit } from "unist-util-visit";
import {
  Cluster, compileNode, dumpFlows, loadScenario, parseDumpFilter, ShellSession, type Bridge, type Scenario,
} from "../../packages/engine/src/index.ts";
import { DIST } from "./site.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONTENT = path.join(ROOT, "content");

// ------------------------------------------------------------ the articles' directives

type Kind = "shell" | "flows" | "trace" | "topology" | "pipeline" | "terminal";
const KINDS: readonly Kind[] = ["shell", "flows", "trace", "topology", "pipeline", "terminal"];

interface Directive {
  readonly kind: Kind;
  readonly attrs: Record<string, string>;
  readonly line: number;
  /** :::shell only: its commands, as remark-lab reads them. */
  readonly commands?: string[];
}

interface Article {
  readonly file: string;
  readonly href: string;
  readonly directives: Directive[];
}

/** The same slug rule as src/lib/navigation.ts (`03-classifier.mdx` → `/classifier/`). */
function hrefOf(file: string): string {
  return `/${file.replace(/\.mdx$/, "").replace(/^\d+[-_]/, "")}/`;
}

function parseArticle(file: string): Article {
  const raw = readFileSync(path.join(CONTENT, file), "utf8");
  // Frontmatter blanked (same length, same lines) so positions stay those of the file.
  const source = raw.replace(/^---\n[\s\S]*?\n---\n/, (fm) => fm.replace(/[^\n]/g, " "));
  const tree = unified().use(remarkParse).use(remarkDirective).parse(source);
  unified().use(remarkDirective).runSync(tree);
  const directives: Directive[] = [];
  visit(tree, (node) => {
    const n = node as unknown as {
      type: string; name?: string; attributes?: Record<string, string | null>;
      children?: { type: string; value?: string; data?: { directiveLabel?: boolean }; position?: { start: { offset?: number }; end: { offset?: number } } }[];
      position?: { start: { line: number } };
    };
    if (n.type !== "leafDirective" && n.type !== "containerDirective") return;
    if (!KINDS.includes(n.name as Kind)) return;
    const attrs = Object.fromEntries(Object.entries(n.attributes ?? {}).map(([k, v]) => [k, v ?? ""]));
    let commands: string[] | undefined;
    if (n.name === "shell") {
      const body = (n.children ?? []).filter((c, i) => !(i === 0 && c.type === "paragraph" && c.data?.directiveLabel));
      const lines =
        body.length === 1 && body[0]!.type === "code"
          ? body[0]!.value!.split("\n")
          : source.slice(body[0]!.position!.start.offset, body[body.length - 1]!.position!.end.offset).split("\n");
      commands = lines.map((l) => l.trim()).filter((l) => l !== "");
    }
    directives.push({ kind: n.name as Kind, attrs, line: n.position!.start.line, ...(commands ? { commands } : {}) });
  });
  return { file, href: hrefOf(file), directives };
}

const ARTICLES: Article[] = readdirSync(CONTENT)
  .filter((f) => f.endsWith(".mdx"))
  .sort()
  .map(parseArticle);

// ------------------------------------------------------------ the built HTML

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith("#x")) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith("#")) return String.fromCodePoint(Number(k.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" }[k]!;
  });
}

/** The text a reader sees in a `<code>` element: tags stripped, entities decoded. */
function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ""));
}

function attributesOf(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g)) out[m[1]!] = decodeEntities(m[2] ?? "");
  return out;
}

interface Figure {
  readonly kind: Kind;
  readonly attrs: Record<string, string>;
  /** The text of the figure's first `<pre><code>` (listing or session), when it has one. */
  readonly code?: string;
}

/** The lab components' roots on a page, in document order. */
function figures(html: string): Figure[] {
  const out: Figure[] = [];
  const opens = [...html.matchAll(/<figure\b[^>]*>/g)];
  for (const [i, m] of opens.entries()) {
    const attrs = attributesOf(m[0].slice("<figure".length));
    const classes = (attrs.class ?? "").split(/\s+/);
    const kind: Kind | undefined =
      "data-terminal" in attrs
        ? "terminal"
        : classes.includes("lab-figure")
          ? (["shell", "flows", "trace", "topology", "pipeline"] as const).find((k) => classes.includes(`lab-${k}`))
          : undefined;
    if (!kind) continue;
    const rest = html.slice(m.index + m[0].length, opens[i + 1]?.index ?? html.length);
    const code = /<pre\b[^>]*><code>([\s\S]*?)<\/code><\/pre>/.exec(rest)?.[1];
    out.push({ kind, attrs, ...(code !== undefined ? { code: textOf(code) } : {}) });
  }
  return out;
}

function page(href: string): string {
  return readFileSync(path.join(DIST, href, "index.html"), "utf8");
}

// ------------------------------------------------------------ the engine, on its own

const SEED = readFileSync(path.join(CONTENT, "seed.yaml"), "utf8");
let scenarioCache: Scenario | undefined;
function scenario(): Scenario {
  if (!scenarioCache) {
    const loaded = loadScenario(SEED, { fileName: "content/seed.yaml" });
    if (!loaded.scenario) throw new Error(`seed.yaml does not load: ${loaded.errors.map((e) => e.text).join("; ")}`);
    scenarioCache = loaded.scenario;
  }
  return scenarioCache;
}
const bridges = new Map<string, Bridge>();
function bridgeOf(node: string): Bridge {
  let b = bridges.get(node);
  if (!b) bridges.set(node, (b = compileNode(scenario(), node).bridge));
  return b;
}

/** dump-flows of a ::flows directive, straight from the engine. */
function expectedDump(a: Record<string, string>): string {
  const bridge = bridgeOf(a.node!);
  const filter = a.table === undefined ? undefined : parseDumpFilter(`table=${a.table}`, bridge.resolver(true));
  return dumpFlows(bridge, {
    version: a.version === "OpenFlow13" ? 13 : 10,
    stats: false,
    names: a.names !== "false",
    ...(filter ? { filter } : {}),
    ovs214: scenario().cluster.ovs.version.startsWith("2."),
  });
}

/** A shell at the antrea-ovs container of the Node's antrea-agent, where ::flows listings are typed. */
const ovsShells = new Map<string, ShellSession>();
function ovsShell(node: string): ShellSession {
  let s = ovsShells.get(node);
  if (!s) {
    const agent = scenario().nodes.find((n) => n.name === node)!.agentPod;
    s = new ShellSession(new Cluster(scenario()), "master");
    const r = s.run(`kubectl exec -n kube-system -it ${agent} -c antrea-ovs -- bash`);
    expect(r.code, r.stderr).toBe(0);
    ovsShells.set(node, s);
  }
  return s;
}

/** Text of a highlighted block made of parts (src/lib/highlight.ts highlightParts): empty parts dropped, trailing newlines cut. */
function joinParts(parts: readonly string[]): string {
  return parts.map((p) => p.replace(/\n+$/, "")).filter((p) => p !== "").join("\n");
}

// ------------------------------------------------------------ the tests

test("the articles have directives and the site was built", () => {
  expect(ARTICLES.length).toBeGreaterThan(0);
  expect(ARTICLES.flatMap((a) => a.directives).filter((d) => d.kind === "flows").length).toBeGreaterThan(0);
  for (const a of ARTICLES) expect(() => page(a.href), `${a.file} → dist${a.href}index.html`).not.toThrow();
});

for (const article of ARTICLES) {
  test.describe(article.file, () => {
    test("every directive rendered its component, in order", () => {
      const figs = figures(page(article.href));
      const want = (k: Kind) => article.directives.filter((d) => d.kind === k).length;
      const have = (k: Kind) => figs.filter((f) => f.kind === k).length;
      expect(Object.fromEntries(KINDS.map((k) => [k, have(k)])), `${article.file}: components in dist${article.href}`).toEqual(
        Object.fromEntries(KINDS.map((k) => [k, want(k)])),
      );
      // Same kinds in the same order as the directives.
      expect(figs.map((f) => f.kind)).toEqual(article.directives.map((d) => d.kind));
      // Each component was rendered from its directive's attributes.
      for (const [i, d] of article.directives.entries()) {
        const f = figs[i]!;
        const where = `${article.file}:${d.line} ::${d.kind}`;
        if (d.kind === "terminal") {
          expect(f.attrs["data-node"], where).toBe(d.attrs.on);
          continue;
        }
        if (d.kind === "pipeline") continue; // no data attributes to compare
        const args = JSON.parse(f.attrs["data-live-args"] ?? "{}") as Record<string, string | undefined>;
        if (d.kind === "shell") {
          expect(args.on, where).toBe(d.attrs.on);
          expect(JSON.parse(args.commands!), where).toEqual(d.commands);
        } else {
          const defined = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
          expect(defined, where).toEqual(d.attrs);
        }
      }
    });

    const flows = article.directives.filter((d) => d.kind === "flows");
    if (flows.length) {
      test(`its ${flows.length} flow listing(s) equal the engine's dump-flows`, () => {
        const listings = figures(page(article.href)).filter((f) => f.kind === "flows");
        expect(listings.length).toBe(flows.length);
        for (const [i, d] of flows.entries()) {
          const where = `${article.file}:${d.line} ::flows${JSON.stringify(d.attrs)}`;
          const shown = listings[i]!.code;
          expect(shown, `${where}: no listing`).toBeDefined();
          const [first, ...rest] = shown!.split("\n");
          const dump = expectedDump(d.attrs);
          expect(dump.trim(), `${where}: the engine prints no flow`).not.toBe("");
          // The listing under the command line is exactly the engine's dump.
          expect(rest.join("\n"), where).toBe(dump.replace(/\n+$/, ""));
          // The command line is the one that prints it, at the prompt it is typed at.
          const shell = ovsShell(d.attrs.node!);
          const prompt = `${shell.prompt} `;
          expect(first!.startsWith(prompt), `${where}: "${first}" starts with "${prompt}"`).toBe(true);
          const command = first!.slice(prompt.length);
          expect(command, where).toMatch(/^ovs-ofctl (-O OpenFlow13 )?dump-flows br-int\b/);
          if (d.attrs.table !== undefined) expect(command, where).toContain(` table=${d.attrs.table}`);
          const r = shell.run(command);
          expect(r.code, `${where}: ${r.stderr}`).toBe(0);
          expect(r.stdout, `${where}: "${command}" in the engine's shell`).toBe(dump);
        }
      });
    }

    const shells = article.directives.filter((d) => d.kind === "shell");
    if (shells.length) {
      test(`its ${shells.length} shell session(s) equal the engine's shell`, () => {
        const sessions = figures(page(article.href)).filter((f) => f.kind === "shell");
        expect(sessions.length).toBe(shells.length);
        for (const [i, d] of shells.entries()) {
          const where = `${article.file}:${d.line} :::shell{on=${d.attrs.on}}`;
          const session = new ShellSession(new Cluster(scenario()), d.attrs.on!);
          const parts: string[] = [];
          for (const line of d.commands!) {
            const prompt = session.prompt;
            const r = session.run(line);
            expect(r.code, `${where}: "${line}" fails in the engine: ${r.stderr}`).toBe(0);
            parts.push(`${prompt} ${line}`, r.stdout, r.stderr);
          }
          expect(sessions[i]!.code, where).toBe(joinParts(parts));
        }
      });
    }
  });
}
