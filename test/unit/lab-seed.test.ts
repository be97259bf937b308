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
    expect(v.prompt).toBe("root@worker1:/#");
    expect(v.tableName).toBe("Classification");
    expect(v.text).toContain('in_port="antrea-tun0"');
    expect(v.text).toContain('in_port="frontend-a3ba2f"');
  });

  it("traces frontend to backendsvc across the cluster, hop by hop", () => {
    const t = lab.trace({ from: "frontend", to: "backendsvc", port: "80" });
    expect(t.packet).toMatch(/^tcp 10\.222\.1\.48:\d+ > 10\.104\.65\.133:80, Service default\/backendsvc$/);
    expect(t.command).toBe("ovs-lab trace --from frontend --to backendsvc:80");
    expect(t.forward.hops.map((h) => `${h.kind}:${h.node}`)).toEqual([
      "ovs:worker1",
      "host:worker1",
      "ovs:worker1",
      "tunnel:worker1",
      "ovs:worker2",
    ]);
    expect(t.forward.verdict).toBe("Delivered to backend2.");
    const first = t.forward.hops[0]!;
    if (first.kind !== "ovs") throw new Error("expected a br-int hop");
    expect(first.command).toMatch(
      /^ovs-appctl ofproto\/trace br-int in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5,dl_dst=4e:99:08:c1:53:be,nw_src=10\.222\.1\.48,nw_dst=10\.104\.65\.133,/,
    );
    expect(first.passes.map((p) => p.steps.map((s) => s.table))).toEqual([[0, 10, 30], [31, 40, 105], [110]]);
    expect(first.passes[0]!.steps[0]!.tableName).toBe("Classification");
    expect(first.passes[0]!.text.startsWith("Flow: tcp,in_port=49,")).toBe(true);
    expect(first.passes[1]!.text).toMatch(/^=+\nrecirc\(0x1\) - resume conntrack/);
    expect(first.out).toBe("antrea-gw0");
    expect(t.reply).toBeUndefined();
  });

  it("pins kube-proxy's backend when the directive names an endpoint", () => {
    const t = lab.trace({ from: "frontend", to: "backendsvc", port: "80", endpoint: "backend1" });
    expect(t.command).toBe("ovs-lab trace --from frontend --to backendsvc:80 --endpoint backend1");
    expect(t.forward.verdict).toBe("Delivered to backend1.");
    const other = lab.trace({ from: "frontend", to: "backendsvc", port: "80", endpoint: "backend2" });
    expect(other.forward.verdict).toBe("Delivered to backend2.");
  });

  it("follows the reply, finding the --ct-next states that reproduce each br-int hop", () => {
    const t = lab.trace({ from: "frontend", to: "backendsvc", port: "80", reply: "true" });
    expect(t.reply?.verdict).toBe("Delivered to frontend.");
    const back = t.reply!.hops[0]!;
    if (back.kind !== "ovs") throw new Error("expected a br-int hop");
    expect(back.command).toContain("--ct-next trk,est");
    expect(back.textNote).toBeUndefined();
  });

  it("shows only one Node's hops when asked", () => {
    const t = lab.trace({ from: "frontend", to: "backendsvc", port: "80", node: "worker2" });
    expect(t.forward.hops.map((h) => h.node)).toEqual(["worker2"]);
    expect(t.title).toContain("on worker2");
  });

  it("lights the traced tables and recirculations on the pipeline", () => {
    const p = lab.pipeline({ node: "worker1", from: "frontend", to: "backendsvc", port: "80" });
    expect(p.layout.boxes.filter((b) => b.visited).map((b) => b.id)).toEqual([0, 10, 30, 31, 40, 50, 70, 105, 110]);
    const lit = p.layout.edges.filter((e) => e.lit).map((e) => `${e.from}>${e.to}:${e.kind}`);
    expect(lit).toContain("30>31:recirc");
    expect(lit).toContain("105>110:recirc");
    expect(lit).not.toContain("105>110:goto");
    expect(() => lab.pipeline({ node: "master", from: "frontend", to: "backendsvc", port: "80" })).toThrow(/does not cross br-int on master/);
  });

  it("draws the cluster and lights a walk across the tunnel", () => {
    const v = lab.topology({ from: "frontend", to: "backend2", port: "80" });
    const w1 = v.layout.nodes.find((n) => n.name === "worker1")!;
    const w2 = v.layout.nodes.find((n) => n.name === "worker2")!;
    expect(w1.pods.find((p) => p.name === "frontend")!.lit).toBe(true);
    expect(w1.tunnel.lit).toBe(true);
    expect(w2.tunnel.lit).toBe(true);
    expect(w2.pods.find((p) => p.name === "backend2")!.lit).toBe(true);
    expect(v.layout.tunnels.filter((t) => t.lit).map((t) => [t.a, t.b].sort().join("|"))).toEqual(["worker1|worker2"]);
  });

  it("runs a session in the engine's simulated shell, prompts and all", () => {
    const v = lab.shell("master", [
      "kubectl get pods -o wide",
      "kubectl exec -n kube-system -it antrea-agent-f76q2 -c antrea-ovs -- bash",
      "ovs-appctl ofproto/trace br-int in_port=49,tcp,nw_dst=10.96.0.10,tp_dst=53",
      "exit",
    ]);
    expect(v.steps.map((s) => s.prompt)).toEqual(["vmware@master:~$", "vmware@master:~$", "root@worker1:/#", "root@worker1:/#"]);
    expect(v.steps[0]!.stdout).toContain("frontend");
    expect(v.steps[2]!.lang).toBe("ovs-trace");
    expect(v.steps[2]!.stdout).toMatch(/^Flow: tcp,in_port=49,/);
  });

  it("fails on a command the Node's shell rejects, with its message", () => {
    expect(() => lab.shell("worker1", ["ovs-ofctl show br-int"])).toThrow(/failed at vmware@worker1:~\$ \(exit status 127\): Command 'ovs-ofctl' not found/);
    expect(() => lab.shell("worker9", ["ls"])).toThrow(/unknown Node "worker9"/);
  });

  it("reports what it cannot trace in the author's terms", () => {
    expect(() => lab.trace({ from: "nobody", to: "backendsvc", port: "80" })).toThrow(/^from=nobody: no Pod/);
    expect(() => lab.trace({ from: "frontend", to: "backend2" })).toThrow(/give a port/);
    expect(() => lab.trace({ from: "frontend", to: "backend2", port: "80", node: "worker9" })).toThrow(/unknown Node "worker9"/);
  });
});
