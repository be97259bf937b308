// ofproto/trace conformance: the engine's trace text against a real
// ovs-vswitchd 3.1 (the oracle, test/oracle/ovs.ts) for thousands of
// generated packets, on the ovs-formats.md §4.2 flow set and on random small
// flow sets (resubmit loops, conjunctions, ct recirculation and NAT, groups,
// action sets, tunnels, NORMAL). Every line must be identical after
// renumbering recirculation ids, except `Megaflow:` and `Datapath actions:`
// (and the slow-path explanation after them), which the engine only
// approximates; datapath actions are compared loosely (counted, not failed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { missingOvsTools, OVS_INSTALL_HINT, startOvs, type Ovs } from "../oracle/ovs.ts";
import { traceFlow } from "../../src/bridge/xlate.ts";
import { formatTrace } from "../../src/render/trace.ts";
import { parseGroup } from "../../src/bridge/group.ts";
import { OfpError } from "../../src/ofp/errors.ts";
import type { Bridge } from "../../src/bridge/bridge.ts";
import { comparable, datapathLines, fixture, labBridge } from "../trace/helpers.ts";
import { flowSet, labPacket, packetsFor, type TraceCase } from "../trace/gen.ts";
import { readFileSync } from "node:fs";
import { loadScenario } from "../../src/k8s/load.ts";
import { compileNode } from "../../src/antrea/index.ts";

const SEED = 20240601;
const LAB_PACKETS = 1500;
const RANDOM_SETS = 60;
const PACKETS_PER_SET = 20;
const ANTREA_PACKETS = 300;

interface Tally {
  compared: number;
  mismatches: number;
  firstDiff: string | undefined;
  dpLoose: number;
  dpCompared: number;
  oursMs: number;
  realMs: number;
}

function newTally(): Tally {
  return { compared: 0, mismatches: 0, firstDiff: undefined, dpLoose: 0, dpCompared: 0, oursMs: 0, realMs: 0 };
}

/** First differing line with a little context. */
function diff(label: string, expected: string, actual: string): string {
  const e = expected.split("\n"), a = actual.split("\n");
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - 3);
  return [
    label,
    `first difference at line ${i + 1}`,
    "--- real ovs-vswitchd",
    ...e.slice(from, i + 3),
    "--- engine",
    ...a.slice(from, i + 3),
  ].join("\n");
}

/** Output ports and recirculations of each Datapath actions line (the loose comparison). */
function looseDatapath(text: string): string {
  return datapathLines(text)
    .map((l) => l.replace(/^Datapath actions: /, "").split(",")
      .filter((x) => /^(\d+|drop)$/.test(x) || x.startsWith("recirc("))
      .map((x) => (x.startsWith("recirc(") ? "R" : x)).sort().join(","))
    .join("|");
}

async function compare(ovs: Ovs, bridge: Bridge, c: TraceCase, label: string, t: Tally): Promise<void> {
  const extra = [...c.ctNext.flatMap((s) => ["--ct-next", s]), ...(c.names ? ["--names"] : [])];
  let t0 = performance.now();
  const real = await ovs.traceResult(c.flow, extra);
  t.realMs += performance.now() - t0;
  let ours = "";
  let oursErr = "";
  t0 = performance.now();
  try {
    ours = formatTrace(traceFlow(bridge, c.flow, { ctNext: c.ctNext, names: c.names }));
  } catch (e) {
    if (!(e instanceof OfpError)) throw e;
    oursErr = e.message;
  }
  t.oursMs += performance.now() - t0;
  t.compared++;
  // ovs-appctl prints the server's error and then its own line.
  const expected = real.exitCode === 0 ? comparable(real.stdout) : `error: ${real.stderr.replace(/\novs-appctl: .*\n$/, "")}`;
  const actual = oursErr ? `error: ${oursErr}` : comparable(ours);
  if (expected !== actual) {
    t.mismatches++;
    t.firstDiff ??= diff(`${label}: ofproto/trace br-int '${c.flow}' ${extra.join(" ")}`, expected, actual);
  } else if (real.exitCode === 0) {
    t.dpCompared++;
    if (looseDatapath(real.stdout) === looseDatapath(ours)) t.dpLoose++;
  }
}

function report(name: string, t: Tally): void {
  console.log(
    `${name}: ${t.compared} packets compared, ${t.mismatches} mismatches; datapath actions agree loosely ` +
      `(same output ports/recirculations) for ${t.dpLoose}/${t.dpCompared}; ` +
      `engine ${((t.oursMs * 1000) / Math.max(1, t.compared)).toFixed(0)} µs/trace, ` +
      `real ovs-vswitchd ${((t.realMs * 1000) / Math.max(1, t.compared)).toFixed(0)} µs/trace (socket)`,
  );
}

it("has the Open vSwitch binaries (run script/test to install them)", () => {
  expect(missingOvsTools(), `Open vSwitch binaries missing. ${OVS_INSTALL_HINT}`).toEqual([]);
});

describe("ofproto/trace conformance (real ovs-vswitchd 3.1)", () => {
  let ovs: Ovs;

  beforeAll(async () => {
    if (missingOvsTools().length) throw new Error(`Open vSwitch binaries missing. ${OVS_INSTALL_HINT}`);
    ovs = await startOvs();
    await ovs.setPorts([
      { name: "antrea-tun0", ofport: 1, type: "geneve", options: { csum: "true" } },
      { name: "antrea-gw0", ofport: 2, type: "internal", mac: "4e:99:08:c1:53:be" },
      { name: "coredns--3e3abf", ofport: 3 },
      { name: "backend1-bab86f", ofport: 48 },
      { name: "frontend-a3ba2f", ofport: 49 },
    ]);
  }, 60_000);

  afterAll(async () => {
    await ovs?.stop();
  });

  // Loaded first, on a fresh daemon: its overlapping equal-priority flows are
  // then looked up in dump order (see gen.ts uniquePriorities for why later
  // sets avoid such flows).
  it("the §4.2 flow set, generated packets", async () => {
    const text = fixture("flows-4.2.txt");
    const r = await ovs.replaceFlows(text, "OpenFlow13");
    expect(r.ok, r.stderr).toBe(true);
    const bridge = labBridge(text);
    const t = newTally();
    for (const c of fc.sample(labPacket(), { seed: SEED, numRuns: LAB_PACKETS })) await compare(ovs, bridge, c, "§4.2", t);
    report("§4.2 flow set", t);
    expect(t.mismatches, t.firstDiff).toBe(0);
    expect(t.compared).toBe(LAB_PACKETS);
  }, 60_000);

  it("error messages of bad trace arguments", async () => {
    const bridge = labBridge(fixture("flows-4.2.txt"));
    await ovs.replaceFlows(fixture("flows-4.2.txt"), "OpenFlow13");
    const cases: TraceCase[] = [
      { flow: "udp,tp_dst=53", ctNext: [], names: false },
      { flow: "in_port=49,bogus=1", ctNext: [], names: false },
      { flow: "tcp,tp_dst=80,tp_dst=81", ctNext: [], names: false },
      { flow: "ip,tcp", ctNext: [], names: false },
      { flow: "ip,nw_ttl=300", ctNext: [], names: false },
      { flow: "arp,nw_ttl=3", ctNext: [], names: false },
      { flow: "in_port=49,ip", ctNext: ["new"], names: false },
      { flow: "in_port=49,ip", ctNext: ["trk,new,est"], names: false },
      { flow: "in_port=49,ip", ctNext: ["inv,est,new"], names: false },
      { flow: "in_port=49,ip", ctNext: ["trk,bogus"], names: false },
      { flow: "in_port=49,ip", ctNext: ["est|trk"], names: false },
      { flow: "in_port=49,ip", ctNext: ["trk est", "trk,new,rpl"], names: false },
      { flow: 'in_port="frontend-a3ba2f",tcp,tp_dst=80', ctNext: [], names: true },
    ];
    const t = newTally();
    for (const c of cases) await compare(ovs, bridge, c, "errors", t);
    report("error cases", t);
    expect(t.mismatches, t.firstDiff).toBe(0);
  });

  it("random flow sets (loops, conjunctions, ct, groups, action sets)", async () => {
    const t = newTally();
    let sets = 0, skipped = 0;
    for (const set of fc.sample(flowSet(), { seed: SEED, numRuns: RANDOM_SETS })) {
      // Flows first: deleting groups that flows still reference can crash OVS 3.1
      // (ofproto_rule_remove__: assertion rule->state == RULE_INSERTED).
      await ovs.ofctl(["-O", "OpenFlow13", "del-flows", ovs.bridge]);
      await ovs.ofctl(["-O", "OpenFlow15", "del-groups", ovs.bridge]);
      writeFileSync(join(ovs.dir, "groups.txt"), set.groups);
      const g = await ovs.ofctl(["-O", "OpenFlow15", "add-groups", ovs.bridge, "groups.txt"]);
      const r = g.exitCode === 0 ? await ovs.replaceFlows(set.text, "OpenFlow13") : { ok: false };
      if (!r.ok) {
        skipped++;
        continue;
      }
      const bridge = labBridge(set.text);
      for (const line of set.groups.trim().split("\n")) {
        const grp = parseGroup(line, bridge.resolver(false), 15);
        bridge.groups.set(grp.id, grp);
      }
      sets++;
      for (const c of fc.sample(labPacket(), { seed: SEED + sets, numRuns: PACKETS_PER_SET })) {
        await compare(ovs, bridge, c, `random set ${sets}:\n${set.groups}${set.text}`, t);
      }
    }
    console.log(`random flow sets: ${sets} loaded, ${skipped} skipped (rejected by real ovs-ofctl)`);
    report("random flow sets", t);
    expect(t.mismatches, t.firstDiff).toBe(0);
    expect(sets).toBeGreaterThan(RANDOM_SETS / 2);
  }, 60_000);
  // Last: it replaces the ports with the seed lab Node's.
  it("Antrea v0.10 seed lab (worker1, worker2 as the engine compiles them)", async () => {
    const text = readFileSync(new URL("../../../../content/seed.yaml", import.meta.url), "utf8");
    const loaded = loadScenario(text, { fileName: "seed.yaml" });
    if (!loaded.scenario) throw new Error(loaded.errors.map((e) => e.text).join("\n"));
    const t = newTally();
    for (const node of ["worker1", "worker2"]) {
      const c = compileNode(loaded.scenario, node);
      await ovs.setPorts(c.bridge.ports.map((p) => p.type === "geneve"
        ? { name: p.name, ofport: p.ofport, type: "geneve" as const, options: { csum: "true" } }
        : p.type === "internal" ? { name: p.name, ofport: p.ofport, type: "internal" as const, ...(p.mac ? { mac: p.mac } : {}) }
          : { name: p.name, ofport: p.ofport }));
      await ovs.ofctl(["del-flows", ovs.bridge]);
      await ovs.ofctl(["-O", "OpenFlow15", "del-groups", ovs.bridge]);
      await ovs.ofctl(["del-tlv-map", ovs.bridge]);
      for (const m of c.tlvMaps) await ovs.ofctl(["add-tlv-map", ovs.bridge, m]);
      const r = await ovs.replaceFlows(c.flowsText, "OpenFlow13");
      expect(r.ok, r.stderr).toBe(true);
      const ports = c.bridge.ports.map((p) => p.ofport);
      for (const k of fc.sample(packetsFor(c.flowsText, ports), { seed: SEED, numRuns: ANTREA_PACKETS })) {
        await compare(ovs, c.bridge, k, `seed lab ${node}`, t);
      }
    }
    report("Antrea seed lab", t);
    expect(t.mismatches, t.firstDiff).toBe(0);
  }, 60_000);
});
