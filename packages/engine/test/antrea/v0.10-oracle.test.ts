// The compiled seed-lab br-int, loaded into a real Open vSwitch: its
// dump-flows must equal ours line for line, order included.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/k8s/load.ts";
import { compileNode, dumpFlowLines, type CompiledNode } from "../../src/antrea/index.ts";
import { missingOvsTools, ovsAvailable, startOvs, OVS_INSTALL_HINT, type Ovs, type PortSpec } from "../oracle/ovs.ts";

const seedText = readFileSync(new URL("../../../../content/seed.yaml", import.meta.url), "utf8");

function scenario(text = seedText) {
  const r = loadScenario(text, { fileName: "seed.yaml" });
  if (!r.scenario) throw new Error(r.errors.map((e) => e.text).join("\n"));
  return r.scenario;
}

function portSpecs(c: CompiledNode): PortSpec[] {
  return c.bridge.ports.map((p) => p.type === "geneve"
    ? { name: p.name, ofport: p.ofport, type: "geneve", options: { csum: "true" } }
    : p.type === "internal" ? { name: p.name, ofport: p.ofport, type: "internal", ...(p.mac ? { mac: p.mac } : {}) }
      : { name: p.name, ofport: p.ofport });
}

const v0101 = seedText.replace("version: v0.10.0-dev-4ed2c67", "version: v0.10.1");

describe("compiled flows in a real OVS", () => {
  let ovs: Ovs;
  beforeAll(async () => {
    if (!ovsAvailable()) throw new Error(`Open vSwitch binaries missing (${missingOvsTools().join(", ")}). ${OVS_INSTALL_HINT}`);
    ovs = await startOvs({ dpid: "0000c6d974e83943" });
  }, 20_000);
  afterAll(async () => { await ovs?.stop(); }, 20_000);

  const cases: [string, string, string][] = [
    ["worker1", "4ed2c67 (seed build)", seedText],
    ["worker1", "v0.10.1", v0101],
    ["worker2", "v0.10.1", v0101],
  ];
  for (const [node, label, text] of cases) {
    it(`${node}, ${label}: dump-flows -O OpenFlow13 and plain (OpenFlow 1.0, names) equal ours`, async () => {
      const c = compileNode(scenario(text), node);
      await ovs.setPorts(portSpecs(c));
      // The TLV map stays once added (flows may use it); clear flows before replacing it.
      await ovs.ofctl(["del-flows", ovs.bridge]);
      await ovs.ofctl(["del-tlv-map", ovs.bridge]);
      for (const m of c.tlvMaps) {
        const r = await ovs.ofctl(["add-tlv-map", ovs.bridge, m]);
        expect(r.stderr).toBe("");
      }
      const load = await ovs.replaceFlows(c.flowsText, "OpenFlow13");
      expect(load.stderr).toBe("");
      expect(load.ok).toBe(true);
      const real13 = await ovs.dumpFlows(["--no-stats"], "OpenFlow13");
      expect(real13).toBe(dumpFlowLines(c, { version: 13 }).map((l) => `${l}\n`).join(""));
      const real10 = await ovs.dumpFlows(["--no-stats", "--names"], "OpenFlow10");
      expect(real10).toBe(dumpFlowLines(c, { version: 10, names: true }).map((l) => `${l}\n`).join(""));
    }, 30_000);
  }
});
