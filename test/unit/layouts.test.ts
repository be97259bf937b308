import { describe, expect, it } from "vitest";
import { Bridge, parseFlowFile } from "../../src/lib/engine.ts";
import { pipelineGraph } from "../../src/lib/pipeline-graph.ts";
import { layoutPipeline } from "../../src/lib/pipeline-layout.ts";
import { layoutTopology, type TopologyInput } from "../../src/lib/topology-layout.ts";
import { SMALL_FLOWS } from "./fixtures/world.ts";

function bridgeOf(flows: string): Bridge {
  const b = new Bridge({ ports: [{ name: "antrea-tun0", ofport: 1, type: "geneve" }, { name: "frontend-a3ba2f", ofport: 49, type: "system" }] });
  const parsed = parseFlowFile(flows, { ports: b.resolver(true), version: 13 });
  expect(parsed.errors).toEqual([]);
  b.addFlows(parsed.flows, 13);
  return b;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Box, outer: { width: number; height: number }): boolean =>
  a.x >= 0 && a.y >= 0 && a.x + a.w <= outer.width && a.y + a.h <= outer.height;

describe("pipelineGraph", () => {
  it("finds goto_table, resubmit and ct(table=N) edges by walking the actions", () => {
    const g = pipelineGraph(bridgeOf(SMALL_FLOWS));
    expect(g.tables.map((t) => t.id)).toEqual([0, 10, 30, 31, 40, 70, 80, 105, 110]);
    expect(g.tables.find((t) => t.id === 0)!.flows).toBe(3);
    const edges = g.edges.map((e) => `${e.from}>${e.to}:${e.kind}`);
    expect(edges).toContain("0>10:goto");
    expect(edges).toContain("0>30:goto");
    expect(edges).toContain("30>31:recirc");
    expect(edges).toContain("31>40:resubmit");
    expect(edges).toContain("105>110:recirc");
    expect(edges).toContain("105>110:goto");
    expect(g.edges.find((e) => e.from === 0 && e.to === 30)!.flows).toBe(1);
  });

  it("walks into ct's exec actions and adds tables that are only targets", () => {
    const g = pipelineGraph(bridgeOf("table=0,priority=1,ip actions=ct(commit,table=5,zone=1,exec(load:0x1->NXM_NX_CT_MARK[])),goto_table:7\n"));
    expect(g.tables).toEqual([
      { id: 0, flows: 1 },
      { id: 5, flows: 0 },
      { id: 7, flows: 0 },
    ]);
  });
});

describe("layoutPipeline", () => {
  const g = pipelineGraph(bridgeOf(SMALL_FLOWS));

  it("stacks the tables in order without overlapping, inside the drawing", () => {
    const l = layoutPipeline(g);
    expect(l.boxes.map((b) => b.id)).toEqual(g.tables.map((t) => t.id));
    for (let i = 1; i < l.boxes.length; i++) expect(l.boxes[i]!.y).toBeGreaterThan(l.boxes[i - 1]!.y + l.boxes[i - 1]!.h);
    for (const a of l.boxes) {
      expect(inside(a, l)).toBe(true);
      for (const b of l.boxes) if (a !== b) expect(overlaps(a, b)).toBe(false);
    }
  });

  it("draws recirculations on the left and other jumps on the right", () => {
    const l = layoutPipeline(g);
    expect(l.edges.filter((e) => e.kind === "recirc").every((e) => e.side === "left")).toBe(true);
    expect(l.edges.find((e) => e.from === 0 && e.to === 30)!.side).toBe("right");
    expect(l.edges.find((e) => e.from === 0 && e.to === 10)!.side).toBe("center");
  });

  it("is deterministic", () => {
    expect(JSON.stringify(layoutPipeline(g, { current: 70 }))).toBe(JSON.stringify(layoutPipeline(g, { current: 70 })));
  });

  it("marks the current table, the visited ones and the steps taken", () => {
    const l = layoutPipeline(g, { current: 70, visited: [0, 10, 30], steps: [{ from: 0, to: 10 }] });
    expect(l.boxes.filter((b) => b.current).map((b) => b.id)).toEqual([70]);
    expect(l.boxes.filter((b) => b.visited).map((b) => b.id)).toEqual([0, 10, 30]);
    expect(l.edges.filter((e) => e.lit).map((e) => `${e.from}>${e.to}`)).toEqual(["0>10"]);
    expect(l.summary).toContain("Table 70 is highlighted");
  });
});

describe("layoutTopology", () => {
  const input: TopologyInput = {
    nodes: ["worker1", "worker2", "master"].map((name, i) => ({
      name,
      ip: `10.79.1.${201 + i}`,
      uplink: "ens160",
      podCIDR: `10.222.${i + 1}.0/24`,
      gatewayIP: `10.222.${i + 1}.1`,
      gatewayOfport: 2,
      tunnelOfport: 1,
    })),
    pods: [
      { key: "default/frontend", name: "frontend", node: "worker1", ip: "10.222.1.48", ofport: 49, interfaceName: "frontend-a3ba2f" },
      { key: "default/backend1", name: "backend1", node: "worker1", ip: "10.222.1.47", ofport: 48, interfaceName: "backend1-bab86f" },
      { key: "kube-system/coredns-66bff467f8-bclzd", name: "coredns-66bff467f8-bclzd", node: "worker1", ip: "10.222.1.2", ofport: 3, interfaceName: "coredns--3e3abf" },
      { key: "default/backend2", name: "backend2", node: "worker2", ip: "10.222.2.34", ofport: 35, interfaceName: "backend2-202ff6" },
    ],
  };

  it("draws every Node, Pod and port without overlaps", () => {
    const l = layoutTopology(input);
    expect(l.nodes.map((n) => n.name)).toEqual(["worker1", "worker2", "master"]);
    const all: Box[] = [];
    for (const n of l.nodes) {
      expect(inside(n, l)).toBe(true);
      const parts = [...n.pods, n.gateway, n.tunnel, n.bridge];
      for (const p of parts) {
        expect(p.x >= n.x && p.y >= n.y && p.x + p.w <= n.x + n.w && p.y + p.h <= n.y + n.h).toBe(true);
      }
      for (const a of parts) for (const b of parts) if (a !== b) expect(overlaps(a, b)).toBe(false);
      all.push(n);
    }
    for (const a of all) for (const b of all) if (a !== b) expect(overlaps(a, b)).toBe(false);
    expect(l.tunnels).toHaveLength(3);
  });

  it("shortens names that would not fit and keeps the full name", () => {
    const pod = layoutTopology(input).nodes[0]!.pods[2]!;
    expect(pod.name).toBe("coredns-66bff467f8-bclzd");
    expect(pod.label).toBe("coredns-66bff46…");
  });

  it("lights up a walk's Pods, ports and tunnel", () => {
    const l = layoutTopology(input, {
      pods: ["default/frontend", "default/backend2"],
      ports: ["worker1:49", "worker1:1", "worker2:1", "worker2:35"],
      tunnels: ["worker2|worker1"],
    });
    expect(l.nodes[0]!.pods.filter((p) => p.lit).map((p) => p.name)).toEqual(["frontend"]);
    expect(l.nodes[0]!.pods[0]!.portLit).toBe(true);
    expect(l.nodes[0]!.tunnel.lit).toBe(true);
    expect(l.nodes[0]!.gateway.lit).toBe(false);
    expect(l.tunnels.filter((t) => t.lit).map((t) => `${t.a}|${t.b}`)).toEqual(["worker1|worker2"]);
  });
});
