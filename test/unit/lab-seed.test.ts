/** The lab wired to the engine: the seed scenario in content/seed.yaml, compiled per Node. */
import { describe, expect, it } from "vitest";
import { createLab, seedWorld } from "../../src/lib/lab.ts";

const lab = createLab(seedWorld);

describe("seed lab", () => {
  it("compiles every Node of the scenario", () => {
    expect(lab.world.nodes).toEqual(["master", "worker1", "worker2"]);
    expect(lab.world.tableName?.(70)).toBe("l3Forwarding");
  });

  it("dumps a table of a compiled Node with port names, as the seed's command does", () => {
    const v = lab.flows({ node: "worker1", table: "0" });
    expect(v.command).toBe("ovs-ofctl dump-flows br-int table=0 --no-stats");
    expect(v.tableName).toBe("Classification");
    expect(v.text).toContain('in_port="antrea-tun0"');
    expect(v.text).toContain('in_port="frontend-a3ba2f"');
  });

  it("traces frontend to backendsvc through conntrack to the gateway", () => {
    const t = lab.trace({ from: "frontend", to: "backendsvc", port: "80" });
    expect(t.command).toBe(
      "ovs-appctl ofproto/trace br-int in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5,dl_dst=4e:99:08:c1:53:be,nw_src=10.222.1.48,nw_dst=10.104.65.133,nw_ttl=64,tp_dst=80,tcp_flags=syn",
    );
    expect(t.passes.map((p) => p.steps.map((s) => s.table))).toEqual([[0, 10, 30], [31, 40, 105], [110]]);
    expect(t.passes[1]!.label).toMatch(/^recirc\(0x1\) - resume conntrack/);
    expect(t.passes[0]!.text.startsWith("Flow: tcp,in_port=49,")).toBe(true);
    expect(t.passes[1]!.text.startsWith("=====")).toBe(true);
    expect(t.verdict).toBe("The packet leaves br-int on worker1 through antrea-gw0 (port 2).");
    expect(t.passes[0]!.steps[0]!.tableName).toBe("Classification");
  });

  it("lights the traced tables and recirculations on the pipeline", () => {
    const p = lab.pipeline({ node: "worker1", from: "frontend", to: "backendsvc", port: "80" });
    expect(p.layout.boxes.filter((b) => b.visited).map((b) => b.id)).toEqual([0, 10, 30, 31, 40, 105, 110]);
    const lit = p.layout.edges.filter((e) => e.lit).map((e) => `${e.from}>${e.to}:${e.kind}`);
    expect(lit).toContain("30>31:recirc");
    expect(lit).toContain("105>110:recirc");
    expect(lit).not.toContain("105>110:goto");
  });

  it("draws the cluster and lights a walk across the tunnel", () => {
    const v = lab.topology({ from: "frontend", to: "backend2", port: "80" });
    const w1 = v.layout.nodes.find((n) => n.name === "worker1")!;
    expect(w1.pods.find((p) => p.name === "frontend")!.lit).toBe(true);
    expect(w1.tunnel.lit).toBe(true);
    expect(v.layout.tunnels.filter((t) => t.lit).map((t) => [t.a, t.b].sort().join("|"))).toEqual(["worker1|worker2"]);
  });

  it("runs ofproto/trace in the simulated shell", () => {
    const v = lab.shell("worker1", ["ovs-appctl ofproto/trace br-int in_port=49,tcp,nw_dst=10.96.0.10,tp_dst=53"]);
    expect(v.steps[0]!.lang).toBe("ovs-trace");
    expect(v.steps[0]!.stdout).toMatch(/^Flow: tcp,in_port=49,/);
  });

  it("explains what it cannot trace yet", () => {
    expect(() => lab.trace({ from: "frontend", to: "backendsvc", port: "80", node: "worker2" })).toThrow(/cluster trace/);
    expect(() => lab.trace({ from: "nobody", to: "backendsvc", port: "80" })).toThrow(/not a Pod/);
    expect(() => lab.trace({ from: "frontend", to: "backend2" })).toThrow(/needs port=/);
  });
});
