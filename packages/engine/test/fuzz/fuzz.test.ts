/**
 * Property-based fuzzing of every input the engine takes from a reader.
 * Bounded here (FUZZ_RUNS, default 150 per property); `npm run fuzz` runs
 * the same properties much longer. Properties: nothing throws but the
 * engine's typed errors, every error carries a position, printing then
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
