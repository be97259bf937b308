/**
 * Property-based fuzzing of every input the engine takes from a reader.
 * Bounded here (FUZZ_RUNS, default 150 per property); `npm run fuzz` runs
 * the same properties much longer. Properties: nothing throws but the
 * engine's typed errors, every error carries a position (the URL-state
 * decoder's: a position in the token or the field at fault), printing then
 * parsing a flow gives the same flow, and any trace terminates.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OfpError } from "../../src/ofp/errors.ts";
import { parseFlow, parseFlowFile, formatFlowLine, installFlow } from "../../src/ofp/flow.ts";
import { Bridge } from "../../src/bridge/bridge.ts";
import { traceFlow } from "../../src/trace.ts";
import { loadScenario } from "../../src/k8s/index.ts";
import { ShellSession } from "../../src/shell/session.ts";
import { seedCluster, SEED_YAML } from "../cluster/helpers.ts";
import { createState, update } from "../../src/state/state.ts";
import { base64urlEncode, decodeState, encodeState, type UrlStateErrorCode } from "../../src/state/url.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

const corpusDir = fileURLToPath(new URL("../conformance/corpus/", import.meta.url));
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith(".flows") && f !== "rejects.flows")
  .flatMap((f) => readFileSync(corpusDir + f, "utf8").split("\n"))
  .map((l) => l.replace(/#.*/, "").trim())
  .filter(Boolean);
const valid = corpus.filter((l) => {
  try {
    parseFlow(l);
    return true;
  } catch {
    return false;
  }
});

/** Small edits of a string: deletions, insertions of syntax characters, duplications. */
function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const piece = fc.constantFrom(",", "=", ":", "(", ")", "[", "]", "->", "/", "0x", "..", " ", "actions=", "ip", "tcp", "reg0", "ct(", "\"", "#", "\u00e9", "0xffffffffffffffffffffffff", "-1", "999999999999");
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat(8), piece), { maxLength: 4 })).map(([s, edits]) => {
    let out = s;
    for (const [pos, del, ins] of edits) {
      const p = out.length ? pos % (out.length + 1) : 0;
      out = out.slice(0, p) + ins + out.slice(p + del);
    }
    return out;
  });
}

function onlyTyped(run: () => void, typed: (e: unknown) => boolean): void {
  try {
    run();
  } catch (e) {
    if (!typed(e)) throw e;
  }
}

describe("fuzz: flow parser", () => {
  it(`has a corpus (${valid.length} valid lines)`, () => {
    expect(valid.length).toBeGreaterThan(100);
  });

  it("throws only OfpError, always with a position inside the line", () => {
    fc.assert(
      fc.property(mutated(fc.constantFrom(...valid)), (line) => {
        onlyTyped(() => parseFlow(line), (e) => {
          if (!(e instanceof OfpError)) return false;
          expect(e.position, e.message).toBeDefined();
          expect(e.position!.line).toBe(1);
          expect(e.position!.column).toBeGreaterThanOrEqual(1);
          expect(e.position!.column).toBeLessThanOrEqual(line.length + 1);
          return true;
        });
      }),
      params,
    );
  });

  it("survives arbitrary text, and positions errors on their line in a file", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), mutated(fc.constantFrom(...valid))), { maxLength: 6 }), (rows) => {
        const text = rows.join("\n");
        const res = parseFlowFile(text);
        for (const e of res.errors) {
          expect(e).toBeInstanceOf(OfpError);
          expect(e.position!.line).toBeGreaterThanOrEqual(1);
          expect(e.position!.line).toBeLessThanOrEqual(text.split("\n").length);
        }
      }),
      params,
    );
  });

  it("prints then parses back to the same flow, at every OpenFlow version", () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.constantFrom(10 as const, 13 as const, 15 as const), (line, v) => {
        let flow;
        try {
          flow = parseFlow(line, { version: v });
        } catch {
          return; // not expressible at this OpenFlow version: real ovs-ofctl refuses it too
        }
        // Two forms OVS itself cannot read back, so they have no round trip in OVS either: a set-field
        // of a header-less field (dl_vlan) prints as `set_field:N->in_port`, and one with an all-zero
        // mask prints at OpenFlow 1.5 as `set_field:ANY->reg0`.
        if (flow.actions.some((a) => a.type === "set_field" && (a.field.headerless || a.mask === 0n))) return;
        const stored = installFlow(flow, v);
        const printed = formatFlowLine(stored, { version: v }).trim();
        const again = installFlow(parseFlow(printed, { version: v }), v);
        expect(formatFlowLine(again, { version: v })).toBe(formatFlowLine(stored, { version: v }));
      }),
      { ...params, numRuns: Math.max(RUNS, valid.length) },
    );
  });
});

describe("fuzz: traces terminate", () => {
  const ports = [1, 2, 3, 4].map((n) => ({ name: `p${n}`, ofport: n, type: "system" as const }));
  const action = fc.oneof(
    fc.nat(6).map((t) => `resubmit(,${t})`),
    fc.nat(6).map((t) => `goto_table:${t}`),
    fc.nat(4).map((p) => `output:${p + 1}`),
    fc.nat(6).map((t) => `ct(table=${t},zone=1)`),
    fc.constant("ct(commit,zone=1,exec(load:0x1->NXM_NX_CT_MARK[]))"),
    fc.nat(15).map((v) => `load:0x${v.toString(16)}->NXM_NX_REG0[0..3]`),
    fc.constant("move:NXM_NX_REG0[0..3]->NXM_NX_REG1[0..3]"),
    fc.constant("dec_ttl"),
    fc.constant("IN_PORT"),
    fc.constant("NORMAL"),
  );
  const flow = fc.record({
    table: fc.nat(6),
    priority: fc.nat(3),
    match: fc.constantFrom("ip", "tcp", "ip,reg0=0x1/0xf", "tcp,tp_dst=80", "ip,ct_state=+trk", "ip,ct_state=-trk", "in_port=1,ip"),
    actions: fc.array(action, { minLength: 1, maxLength: 4 }),
  });

  it("any packet's trace over random flow sets ends (loops stop at OVS's limits)", () => {
    fc.assert(
      fc.property(fc.array(flow, { minLength: 1, maxLength: 25 }), fc.nat(3), fc.nat(100), (flows, inPort, dport) => {
        const text = flows.map((f) => `table=${f.table},priority=${f.priority},${f.match},actions=${f.actions.join(",")}`).join("\n");
        const parsed = parseFlowFile(text);
        const bridge = new Bridge({ ports });
        bridge.addFlows(parsed.flows, 13);
        onlyTyped(() => {
          const r = traceFlow(bridge, `in_port=${inPort + 1},tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=3,tp_dst=${dport}`, {});
          expect(r.passes.length).toBeLessThanOrEqual(65);
        }, (e) => e instanceof OfpError);
      }),
      params,
    );
  });
});

describe("fuzz: scenario loader", () => {
  const lines = SEED_YAML.split("\n");
  it("never throws; every error names file, line and column inside the text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom("delete", "dup", "indent", "dedent", "garble", "colon")), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const rows = [...lines];
          for (const [i, kind] of edits) {
            const at = i % rows.length;
            const row = rows[at]!;
            if (kind === "delete") rows.splice(at, 1);
            else if (kind === "dup") rows.splice(at, 0, row);
            else if (kind === "indent") rows[at] = "  " + row;
            else if (kind === "dedent") rows[at] = row.replace(/^ {1,2}/, "");
            else if (kind === "garble") rows[at] = row.replace(/[a-z0-9]/, "#{");
            else rows[at] = row.replace(":", "");
          }
          const text = rows.join("\n");
          const { scenario, errors } = loadScenario(text, { fileName: "fuzz.yaml" });
          if (!scenario) expect(errors.length).toBeGreaterThan(0);
          const nLines = text.split("\n").length;
          for (const e of errors) {
            expect(e.file).toBe("fuzz.yaml");
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(nLines + 1);
            expect(e.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });
});

describe("fuzz: shell", () => {
  const cluster = seedCluster();
  const words = fc.constantFrom(
    "kubectl", "get", "pods", "-o", "wide", "exec", "-it", "frontend", "--", "curl", "backendsvc", "ip", "route", "arp", "-a",
    "ovs-ofctl", "dump-flows", "br-int", "table=70", "-n", "kube-system", "antrea-agent-f76q2", "-c", "antrea-ovs",
    "'", "\"", "|", "&&", ";", "$(", ")", "`", "\\", "*", ">", "<", "grep", "x", "exit", "sh", "{", "}",
  );
  it("runs any command line without throwing, with an exit status", () => {
    fc.assert(
      fc.property(fc.constantFrom("master", "worker1", "worker2"), fc.array(words, { maxLength: 10 }), (node, ws) => {
        const session = new ShellSession(cluster, node);
        const r = session.run(ws.join(" "));
        expect(Number.isInteger(r.code)).toBe(true);
      }),
      { ...params, numRuns: Math.max(30, Math.floor(RUNS / 2)) },
    );
  });
});

describe("fuzz: URL-state decoder", () => {
  const authored = createState(SEED_YAML);
  const CODES: UrlStateErrorCode[] = ["unsupported-version", "too-large", "bad-base64", "bad-compression", "bad-json", "bad-state", "unsupported-platform"];
  const deflate = async (text: string): Promise<string> => {
    const out = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
    return `1.${base64urlEncode(new Uint8Array(out))}`;
  };
  const edited = fc
    .record({
      scenario: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      dump: fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 40 })), { nil: undefined }),
      trace: fc.option(fc.record({ from: fc.string({ maxLength: 8 }), to: fc.string({ maxLength: 8 }), port: fc.nat(65535) }), { nil: undefined }),
      option: fc.option(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { nil: undefined }),
    })
    .map((e) =>
      update(
        authored,
        authored,
        e.scenario !== undefined ? { scenarioText: SEED_YAML + e.scenario } : {},
        e.dump ? { addDump: { id: "dump1", name: e.dump[0], text: e.dump[1] } } : {},
        e.trace ? { trace: { id: "trace-0", query: e.trace } } : {},
        e.option ? { options: { [e.option[0]]: e.option[1] } } : {},
      ).state,
    );
  /** Edits of a token as a link gets damaged: cut short, characters flipped, inserted or deleted. */
  const damage = fc.array(
    fc.tuple(fc.constantFrom("cut", "flip", "insert", "delete"), fc.nat(), fc.constantFrom("A", "z", "_", "-", "0", "=", "%", " ", ".", "é", "+", "/")),
    { minLength: 1, maxLength: 3 },
  );
  /** JSON values that are almost packed states: wrong types, versions and shapes in every field. */
  const junk = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 2 }));
  const almost = fc.record(
    {
      v: fc.oneof(fc.constant(1), fc.constant(2), fc.constant(0), junk),
      s: fc.oneof(fc.string(), junk),
      f: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), junk), { maxKeys: 2 }), junk),
      d: fc.oneof(fc.array(fc.record({ id: fc.oneof(fc.string(), junk), name: fc.oneof(fc.string(), junk), text: fc.oneof(fc.string(), junk) }, { requiredKeys: [] }), { maxLength: 2 }), junk),
      t: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.record({ from: fc.oneof(fc.string(), junk), to: fc.string(), port: fc.oneof(fc.integer(), junk), proto: fc.oneof(fc.constantFrom("tcp", "udp", "icmp"), junk), reply: fc.oneof(fc.boolean(), junk) }, { requiredKeys: [] }), junk), { maxKeys: 2 }), junk),
      o: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), junk), { maxKeys: 2 }), junk),
    },
    { requiredKeys: [] },
  );
  const token = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 60 }).map((s) => `1.${s}`),
    fc.tuple(edited, damage).map(async ([state, edits]) => {
      let t = await encodeState(state, authored);
      for (const [kind, pos, ch] of edits) {
        const p = pos % (t.length + 1);
        if (kind === "cut") t = t.slice(0, p);
        else if (kind === "flip") t = t.slice(0, p) + ch + t.slice(p + 1);
        else if (kind === "insert") t = t.slice(0, p) + ch + t.slice(p);
        else t = t.slice(0, p) + t.slice(p + 1);
      }
      return t;
    }),
    almost.map((p) => deflate(JSON.stringify(p))),
    fc.oneof(fc.string(), junk.map((j) => JSON.stringify(j))).map((s) => deflate(s)),
    fc.uint8Array({ maxLength: 64 }).map((b) => `1.${base64urlEncode(b)}`),
  );

  it("never throws; every error is typed and carries a position in the token or the field at fault", async () => {
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const tok = await t;
        const r = await decodeState(tok, authored);
        if (r.ok) {
          expect(r.state.version).toBe(1);
          expect(typeof r.state.scenarioText).toBe("string");
          return;
        }
        expect(CODES, r.error.code).toContain(r.error.code);
        expect(r.error.message).toMatch(/^This (link|browser)/);
        if (r.error.position !== undefined) {
          expect(Number.isInteger(r.error.position)).toBe(true);
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.position).toBeLessThanOrEqual(tok.length);
        } else {
          expect(r.error.field, r.error.message).toMatch(/^(\$|v|[sfdto]\b.*)$/);
        }
      }),
      params,
    );
  });
});
