/**
 * The live layer recomputes in the browser what the build rendered: on the
 * authored scenario, the engine's state core (packages/engine/src/state)
 * gives the same flow listings and traces as the build's lab (src/lib/lab.ts)
 * for every ::flows and ::trace directive of the articles.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lab } from "../../src/lib/lab.ts";
import { LabDerivations } from "../../packages/engine/src/state/derive.ts";
import { createState, type TraceQuery } from "../../packages/engine/src/state/state.ts";

const CONTENT = path.resolve(import.meta.dirname, "../../content");
const derive = new LabDerivations(createState(readFileSync(path.join(CONTENT, "seed.yaml"), "utf8")), { fileName: "seed.yaml" });

function directives(kind: "flows" | "trace"): { file: string; attrs: Record<string, string> }[] {
  const out: { file: string; attrs: Record<string, string> }[] = [];
  for (const file of readdirSync(CONTENT).filter((f) => f.endsWith(".mdx"))) {
    const text = readFileSync(path.join(CONTENT, file), "utf8");
    for (const m of text.matchAll(new RegExp(`^::${kind}(?:\\[[^\\]]*\\])?\\{([^}]*)\\}`, "gm"))) {
      out.push({ file, attrs: Object.fromEntries([...m[1]!.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((a) => [a[1]!, a[2]!.replace(/^"|"$/g, "")])) });
    }
  }
  return out;
}

describe("live views equal the build's on the authored scenario", () => {
  const flows = directives("flows");
  it.each(flows.map((d) => [`${d.file} ${JSON.stringify(d.attrs)}`, d.attrs]))("::flows %s", (_name, a) => {
    const built = lab.flows(a as never);
    const live = derive.flows({
      node: a.node!,
      ...(a.table !== undefined ? { table: Number(a.table) } : {}),
      ...(a.version === "OpenFlow13" ? { version: 13 as const } : {}),
      ...(a.names !== undefined ? { names: a.names === "true" } : {}),
    });
    expect(live.text).toBe(built.text);
    expect(live.command).toBe(built.command);
    expect(live.prompt).toBe(built.prompt);
    expect(live.flowCount).toBe(built.flowCount);
    expect(live.added + live.removed).toBe(0);
  });

  const traces = directives("trace");
  it.each(traces.map((d) => [`${d.file} ${JSON.stringify(d.attrs)}`, d.attrs]))("::trace %s", (_name, a) => {
    const built = lab.trace(a as never);
    const q: TraceQuery = {
      from: a.from!,
      to: a.to!,
      ...(a.port !== undefined ? { port: Number(a.port) } : {}),
      ...(a.proto === "tcp" || a.proto === "udp" || a.proto === "icmp" ? { proto: a.proto } : {}),
      ...(a.reply === "true" ? { reply: true } : {}),
      ...(a.node !== undefined ? { node: a.node } : {}),
      ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}),
    };
    const live = derive.trace(q);
    expect(live.title).toBe(built.title);
    expect(live.packet).toBe(built.packet);
    expect(live.command).toBe(built.command);
    const strip = (p: { hops: unknown; verdict: string; delivered: boolean }) => ({ hops: p.hops, verdict: p.verdict, delivered: p.delivered });
    expect(strip(live.forward)).toEqual(strip(built.forward));
    expect(live.reply ? strip(live.reply) : undefined).toEqual(built.reply ? strip(built.reply) : undefined);
  });
});
