import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LabDerivations } from "../../src/state/derive.ts";
import { createState, update, type LabState } from "../../src/state/state.ts";

const SEED = readFileSync(fileURLToPath(new URL("../../../../content/seed.yaml", import.meta.url)), "utf8");
const authored = createState(SEED);

/** The seed with backendpolicy's ingress rule deleted. */
const NO_BACKEND_INGRESS = SEED.replace(
  /(name: backendpolicy[\s\S]*?)  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: frontend\n    ports:\n    - protocol: TCP\n      port: 80\n/,
  "$1",
);

/** backend2 moved to worker1 (its pinned IP and port, which belong to worker2, unpinned). */
const MOVED_BACKEND2 = SEED.replace("nodeName: worker2\n---\napiVersion: v1\nkind: Service", "nodeName: worker1\n---\napiVersion: v1\nkind: Service")
  .replace(/      default\/backend2:\n.*\n.*\n/, "");

const NEW_POD = `---
apiVersion: v1
kind: Pod
metadata:
  name: newpod
  labels:
    role: db
spec:
  containers:
  - image: nginx
    name: web
  nodeName: worker2
`;

function edit(spec: Parameters<typeof update>[2]): LabState {
  return update(authored, authored, spec).state;
}

describe("LabDerivations on the seed lab", () => {
  it("lists flows as the engine dumps them, with nothing marked on the authored state", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const v = d.flows({ node: "worker1", table: 70 });
    expect(v.command).toBe("ovs-ofctl dump-flows br-int table=70 --no-stats");
    expect(v.prompt).toBe("root@worker1:/#");
    expect(v.tableName).toBe("l3Forwarding");
    expect(v.flowCount).toBe(8);
    expect(v.added + v.removed).toBe(0);
    expect(v.lines.every((l) => l.mark === "same")).toBe(true);
    expect(v.lines.map((l) => l.text).join("\n") + "\n").toBe(v.text);
  });

  it("dropping backendpolicy's ingress rule removes table 90's conjunction flows and drops frontend → backendsvc in table 100", () => {
    expect(NO_BACKEND_INGRESS).not.toBe(SEED);
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const before = d.trace({ from: "frontend", to: "backendsvc", port: 80 });
    expect(before.forward.delivered).toBe(true);
    d.setState(edit({ scenarioText: NO_BACKEND_INGRESS }));
    expect(d.status().scenarioOk).toBe(true);
    for (const node of ["worker1", "worker2"]) {
      const v = d.flows({ node, table: 90 });
      const removed = v.lines.filter((l) => l.mark === "removed").map((l) => l.text);
      expect(removed.some((t) => /nw_src=10\.222\.1\.48 actions=conjunction\(\d+,1\/3\)/.test(t)), node).toBe(true);
      expect(v.text).not.toMatch(/nw_src=10\.222\.1\.48 actions=conjunction/);
    }
    const after = d.trace({ from: "frontend", to: "backendsvc", port: 80 });
    expect(after.forward.delivered).toBe(false);
    expect(after.forward.droppedAt).toEqual({ node: "worker2", table: 100 });
    expect(after.forward.verdict).toMatch(/^Dropped on worker2, table 100/);
  });

  it("adding a Pod adds its Classifier, SpoofGuard, L3 and L2 flows on its Node only", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    d.setState(edit({ scenarioText: SEED + NEW_POD }));
    const st = d.status();
    expect(st.scenarioErrors).toEqual([]);
    const pod = st.pods.find((p) => p.name === "newpod")!;
    expect(pod.node).toBe("worker2");
    const added = (table: number) => d.flows({ node: "worker2", table }).lines.filter((l) => l.mark === "added").map((l) => l.text);
    expect(added(0).join("\n")).toMatch(/in_port="?newpod-/); // Classifier
    expect(added(10).join("\n")).toMatch(new RegExp(`nw_src=${pod.ip.replace(/\./g, "\\.")}`)); // SpoofGuard
    expect(added(70).join("\n")).toMatch(new RegExp(`nw_dst=${pod.ip.replace(/\./g, "\\.")}`)); // L3Forwarding
    expect(added(80).join("\n")).toMatch(/dl_dst=/); // L2ForwardingCalc
    expect(d.flows({ node: "worker1", table: 0 }).added).toBe(0);
    expect(d.topology().pods.some((p) => p.key === "default/newpod" && p.node === "worker2")).toBe(true);
  });

  it("malformed YAML reports the line and keeps the last good output", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    d.setState(edit({ scenarioText: SEED + NEW_POD }));
    const good = d.flows({ node: "worker2", table: 0 });
    const lines = (SEED + NEW_POD).split("\n");
    const at = lines.findIndex((l) => l === "  name: newpod");
    lines[at] = "  name: [newpod";
    d.setState(edit({ scenarioText: lines.join("\n") }));
    const st = d.status();
    expect(st.scenarioOk).toBe(false);
    expect(st.stale).toBe(true);
    expect(st.scenarioErrors.length).toBeGreaterThan(0);
    expect(st.scenarioErrors[0]!.line).toBeGreaterThanOrEqual(at + 1);
    expect(st.scenarioErrors[0]!.text).toMatch(/^seed\.yaml:\d+:\d+: /);
    const stale = d.flows({ node: "worker2", table: 0 });
    expect(stale.stale).toBe(true);
    expect(stale.text).toBe(good.text);
  });

  it("recompiles nothing for an edit that only moves text, and only the affected Node for a Pod edit", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const compiled: string[] = [];
    d.progress = (phase) => {
      if (phase.startsWith("Compiling")) compiled.push(phase.replace("Compiling br-int on ", ""));
    };
    for (const n of ["master", "worker1", "worker2"]) d.flows({ node: n });
    expect(compiled.sort()).toEqual(["master", "worker1", "worker2"]);
    compiled.length = 0;
    d.setState(edit({ scenarioText: "# a comment that moves every line\n" + SEED }));
    for (const n of ["master", "worker1", "worker2"]) d.flows({ node: n });
    expect(compiled).toEqual([]);
    // backend2's image is not seen by other Nodes.
    d.setState(edit({ scenarioText: SEED.replace("image: dumlutimuralp/networktest\n    name: backend2", "image: nginx\n    name: backend2") }));
    for (const n of ["master", "worker1", "worker2"]) d.flows({ node: n });
    expect(compiled).toEqual(["worker2"]);
  });

  it("memoized output equals a fresh derivation's after a sequence of edits", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const states = [
      edit({ scenarioText: NO_BACKEND_INGRESS }),
      edit({ scenarioText: SEED + NEW_POD }),
      edit({ scenarioText: MOVED_BACKEND2 }),
      authored,
    ];
    for (const s of states) {
      d.setState(s);
      expect(d.status().scenarioErrors).toEqual([]);
      const fresh = new LabDerivations(authored, { fileName: "seed.yaml" });
      fresh.setState(s);
      for (const node of ["worker1", "worker2"]) expect(d.flows({ node }).text).toBe(fresh.flows({ node }).text);
      const q = { from: "frontend", to: "backendsvc", port: 80, reply: true };
      expect(JSON.stringify(d.trace(q))).toBe(JSON.stringify(fresh.trace(q)));
    }
  });

  it("a table override replaces that table's flows; traces run against the edited bridge; errors are ovs-ofctl's", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const text = d.flowsText("worker2", 100);
    expect(text).toMatch(/table=100/);
    // Allow everything in table 100 on worker2.
    const allow = "table=100, priority=0 actions=resubmit(,105)\n";
    d.setState(edit({ scenarioText: NO_BACKEND_INGRESS, flows: { node: "worker2:100", text: allow } }));
    const v = d.flows({ node: "worker2", table: 100 });
    expect(v.edited).toBe(true);
    expect(v.flowCount).toBe(1);
    expect(d.flows({ node: "worker2", table: 90 }).edited).toBe(true);
    expect(d.trace({ from: "frontend", to: "backendsvc", port: 80 }).forward.delivered).toBe(true);
    d.setState(edit({ flows: { node: "worker2:100", text: "table=100,priority=0 actions=resubmit(,105)\ntable=100,frobnicate=1 actions=drop\n" } }));
    const st = d.status();
    expect(st.flowErrors["worker2:100"]).toHaveLength(1);
    const p = st.flowErrors["worker2:100"]![0]!;
    expect(p.line).toBe(2);
    expect(p.text).toMatch(/^ovs-ofctl: flows\.txt:2: /);
    expect(p.message).toMatch(/frobnicate/);
  });

  it("a whole-bridge override of its own dump text leaves the listing unchanged", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const all = d.flowsText("worker1");
    d.setState(edit({ flows: { node: "worker1", text: all } }));
    const v = d.flows({ node: "worker1" });
    expect(d.status().flowErrors).toEqual({});
    expect(v.edited).toBe(true);
    expect(v.added + v.removed).toBe(0);
  });

  it("shell blocks and terminal sessions run on the current state; a session is rebuilt after a change", () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const v = d.shell({ node: "master", commands: ["kubectl get pods -o wide"] });
    expect(v.steps[0]!.stdout).toMatch(/backend2 .* worker2/);
    expect(d.openShell("master", "t").prompt).toBe("vmware@master:~$");
    const r1 = d.runShell("master", "kubectl exec -n kube-system -it antrea-agent-fv5x9 -c antrea-ovs -- bash", "t");
    expect(r1.prompt).toBe("root@worker2:/#");
    expect(r1.rebuilt).toBe(false);
    d.setState(edit({ scenarioText: SEED + NEW_POD }));
    const r2 = d.runShell("master", "ovs-ofctl dump-flows br-int table=0 --no-stats", "t");
    expect(r2.rebuilt).toBe(true);
    expect(r2.prompt).toBe("root@worker2:/#");
    expect(r2.stdout).toMatch(/newpod-/);
    expect(d.shell({ node: "master", commands: ["kubectl get pods"] }).steps[0]!.stdout).toMatch(/newpod/);
  });

  it("parses a pasted dump in chunks and traces against it", async () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const dump = d.flowsText("worker1").replace(/^/, "NXST_FLOW reply (xid=0x4):\n");
    d.setState(edit({ addDump: { id: "d1", name: "mine", text: dump + "garbage line here\n" } }));
    let pauses = 0;
    const info = await d.parseDump("d1", async () => void pauses++, 20);
    expect(pauses).toBeGreaterThan(1);
    expect(info.flowCount).toBe(d.flows({ node: "worker1" }).flowCount);
    expect(info.ports.map((p) => p.name)).toContain("antrea-gw0");
    expect(info.errors).toHaveLength(1);
    expect(info.errors[0]!.line).toBe(dump.split("\n").length);
    const gw = info.ports.find((p) => p.name === "antrea-gw0")!.ofport;
    const t = d.traceDump({ dump: "d1", flow: `in_port=${gw},arp,arp_tpa=10.222.1.1` });
    expect(t.text).toMatch(/^Flow: /);
    expect(t.passes[0]!.steps[0]!.table).toBe(0);
    expect(t.verdict).toMatch(/^Datapath actions:/);
  });

  it("a pasted dump or a traced flow with a quoted port name that is not a JSON string gets an error on its line, not a crash", async () => {
    const d = new LabDerivations(authored, { fileName: "seed.yaml" });
    const dump = [
      "NXST_FLOW reply (xid=0x4):",
      ' cookie=0x0, table=0, priority=1,in_port="\\"><svg/onload=x>" actions=drop',
      ' cookie=0x0, table=0, priority=1,in_port="a\\q" actions=drop',
      ' cookie=0x0, table=0, priority=0,in_port="eth0" actions=output:"eth1"',
    ].join("\n");
    d.setState(edit({ addDump: { id: "d1", name: "mine", text: dump } }));
    const info = await d.parseDump("d1", async () => undefined);
    expect(info.flowCount).toBe(1);
    expect(info.errors.map((e) => [e.line, e.message])).toEqual([
      [2, expect.stringMatching(/invalid or unknown port for in_port/)],
      [3, expect.stringMatching(/invalid or unknown port for in_port/)],
    ]);
    expect(() => d.traceDump({ dump: "d1", flow: 'in_port="a\\q",tcp' })).toThrow(/invalid or unknown port for in_port/);
  });
});
