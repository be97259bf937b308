// The end-to-end walks of antrea-v0.10-pipeline.md §9.2, table by table.
import { describe, expect, it } from "vitest";
import { traceCluster, type HostHop, type OvsHop, type TunnelHop } from "../../src/cluster/trace.ts";
import { releaseCluster, route, seedCluster } from "./helpers.ts";

const W1_PASS1 = "worker1/ovs[0,10,30,31,40,105,110]";

describe("§9.2 frontend → backendsvc, DNAT'd to backend2 (cross-node), v0.10.1", () => {
  const c = releaseCluster();
  const r = traceCluster(c, { from: "frontend", to: "backendsvc", endpoint: "backend2", reply: true });

  it("follows worker1 pass 1, the host, pass 2, the tunnel and worker2", () => {
    expect(r.verdict).toBe("delivered");
    expect(r.delivered_to).toBe("backend2");
    expect(route(r)).toEqual([
      W1_PASS1,
      "worker1/host",
      "worker1/ovs[0,10,30,31,40,50,61,70,105,110]",
      "worker1/tunnel",
      "worker2/ovs[0,30,31,40,50,60,61,70,80,90,101,105,110]",
    ]);
  });

  it("pass 1 goes from the Service-CIDR flow straight to commit and out to the gateway", () => {
    const p1 = r.hops[0] as OvsHop;
    expect(p1.in_port).toBe("frontend-a3ba2f");
    expect(p1.out_port).toBe("antrea-gw0");
    expect(p1.passes.flat().find((v) => v.table === 40)!.flow).toContain("priority=200,ip,nw_dst=10.96.0.0/12");
    expect(p1.passes.flat().find((v) => v.table === 105)!.flow).toContain("priority=190,ct_state=+new+trk,ip actions=ct(commit,table=110,zone=65520)");
  });

  it("the host DNATs to backend2 through KUBE-SVC-EKL7ZEFK3VFJKKGJ / KUBE-SEP-R5BOSGFC7D2XSIZA and ARPs the peer gateway from OVS table 20", () => {
    const h = r.hops[1] as HostHop;
    expect(h.in).toBe("antrea-gw0");
    expect(h.out).toBe("antrea-gw0");
    expect(h.nat).toEqual(["DNAT 10.104.65.133:80 -> 10.222.2.34:80"]);
    expect(h.iptables).toContain('-t nat -A KUBE-SERVICES -d 10.104.65.133/32 -p tcp -m comment --comment "default/backendsvc: cluster IP" -m tcp --dport 80 -j KUBE-SVC-EKL7ZEFK3VFJKKGJ');
    expect(h.iptables).toContain('-t nat -A KUBE-SEP-R5BOSGFC7D2XSIZA -p tcp -m comment --comment "default/backendsvc:" -m tcp -j DNAT --to-destination 10.222.2.34:80');
    expect(h.iptables.some((t) => t.includes("KUBE-MARK-MASQ"))).toBe(false);
    expect(h.route).toBe("10.222.2.0/24 via 10.222.2.1 dev antrea-gw0 onlink");
    expect(h.arp).toMatchObject({ ip: "10.222.2.1", mac: "aa:bb:cc:dd:ee:ff", resolved: true });
    expect(h.arp!.by).toContain("tables 0, 10, 20");
    expect(h.packet).toMatchObject({ src_mac: "4e:99:08:c1:53:be", dst_mac: "aa:bb:cc:dd:ee:ff", src: "10.222.1.48", dst: "10.222.2.34", ttl: 63 });
  });

  it("pass 2 is allowed by frontendpolicy's egress rule, committed with ct_mark 0x20 and tunnelled to worker2", () => {
    const p2 = r.hops[2] as OvsHop;
    expect(p2.allowed_by).toEqual(["default/frontendpolicy egress[0] (conj_id=1)"]);
    expect(p2.passes.flat().find((v) => v.table === 105)!.flow).toContain("load:0x20->NXM_NX_CT_MARK[]");
    const t = r.hops[3] as TunnelHop;
    expect(t).toMatchObject({ src: "10.79.1.201", dst: "10.79.1.202", to_node: "worker2", type: "geneve" });
    const w2 = r.hops[4] as OvsHop;
    expect(w2.allowed_by).toEqual(["default/backendpolicy ingress[0] (conj_id=1)"]);
    expect(w2.packet).toMatchObject({ src_mac: "02:d8:4e:3f:92:1d", dst_mac: "c6:f4:b5:76:10:38", ttl: 61 });
  });

  it("the reply returns through the tunnel, is steered to the gateway by ct_mark 0x20, un-DNATed, and reaches frontend", () => {
    const rep = r.reply!;
    expect(rep.verdict).toBe("delivered");
    expect(rep.delivered_to).toBe("frontend");
    expect(route(rep)).toEqual([
      "worker2/ovs[0,10,30,31,40,50,61,70,105,110]",
      "worker2/tunnel",
      "worker1/ovs[0,30,31,40,50,61,70,80,90,101,105,110]",
      "worker1/host",
      "worker1/ovs[0,10,30,31,40,50,61,70,80,90,101,105,110]",
    ]);
    const w1 = rep.hops[2] as OvsHop;
    expect(w1.passes.flat().find((v) => v.table === 31)!.flow).toContain("priority=200,ct_state=-new+trk,ct_mark=0x20,ip actions=load:0x4e9908c153be->NXM_OF_ETH_DST[]");
    expect(w1.out_port).toBe("antrea-gw0");
    const h = rep.hops[3] as HostHop;
    expect(h.conntrack).toBe("reply");
    expect(h.nat).toEqual(["un-DNAT source 10.222.2.34:80 -> 10.104.65.133:80"]);
    const last = rep.hops[4] as OvsHop;
    expect(last.out_port).toBe("frontend-a3ba2f");
    expect(last.packet).toMatchObject({ src: "10.104.65.133", sport: 80, dst: "10.222.1.48", dst_mac: "be:2c:bf:e4:ec:c5" });
  });
});

describe("§9.2 same-node variant: DNAT'd to backend1", () => {
  const c = releaseCluster();
  const r = traceCluster(c, { from: "frontend", to: "backendsvc", endpoint: "backend1", reply: true });

  it("pass 2 reaches backend1 through L2 forwarding and both policies' conjunctions", () => {
    expect(r.delivered_to).toBe("backend1");
    expect(route(r)).toEqual([W1_PASS1, "worker1/host", "worker1/ovs[0,10,30,31,40,50,61,70,80,90,101,105,110]"]);
    const h = r.hops[1] as HostHop;
    expect(h.arp).toMatchObject({ ip: "10.222.1.47", mac: "f2:32:d8:07:e2:a6", resolved: true });
    const p2 = r.hops[2] as OvsHop;
    expect(p2.allowed_by).toEqual(["default/frontendpolicy egress[0] (conj_id=1)", "default/backendpolicy ingress[0] (conj_id=4)"]);
    // No dec_ttl in OVS: the dst MAC is not the virtual MAC (only the host decremented).
    expect(p2.packet.ttl).toBe(63);
    expect(p2.out_port).toBe("backend1-bab86f");
  });

  it("the reply from backend1 goes back through the host (ct_mark 0x20) to be un-DNATed", () => {
    expect(route(r.reply!)).toEqual([
      "worker1/ovs[0,10,30,31,40,50,61,70,80,90,101,105,110]",
      "worker1/host",
      "worker1/ovs[0,10,30,31,40,50,61,70,80,90,101,105,110]",
    ]);
    const back = r.reply!.hops[0] as OvsHop;
    expect(back.out_port).toBe("antrea-gw0");
    expect((r.reply!.hops[1] as HostHop).nat).toEqual(["un-DNAT source 10.222.1.47:80 -> 10.104.65.133:80"]);
    expect(r.reply!.delivered_to).toBe("frontend");
  });
});

describe("the seed lab's own build (4ed2c67: no metric tables 61/101)", () => {
  it("walks the same hops without tables 61 and 101", () => {
    const c = seedCluster();
    const r = traceCluster(c, { from: "frontend", to: "backendsvc", endpoint: "backend2", reply: true });
    expect(route(r)).toEqual([
      W1_PASS1,
      "worker1/host",
      "worker1/ovs[0,10,30,31,40,50,70,105,110]",
      "worker1/tunnel",
      "worker2/ovs[0,30,31,40,50,60,70,80,90,105,110]",
    ]);
    expect(route(r.reply!)).toEqual([
      "worker2/ovs[0,10,30,31,40,50,70,105,110]",
      "worker2/tunnel",
      "worker1/ovs[0,30,31,40,50,70,80,90,105,110]",
      "worker1/host",
      "worker1/ovs[0,10,30,31,40,50,70,80,90,105,110]",
    ]);
  });
});

describe("frontend → backend2 by Pod IP", () => {
  it("goes straight from the Pod to the tunnel, without the host", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "frontend", to: "10.222.2.34:80", reply: true });
    expect(r.delivered_to).toBe("backend2");
    expect(route(r)).toEqual([
      "worker1/ovs[0,10,30,31,40,50,61,70,105,110]",
      "worker1/tunnel",
      "worker2/ovs[0,30,31,40,50,60,61,70,80,90,101,105,110]",
    ]);
    // Committed without ct_mark (it came from a Pod), so the reply is not steered to the gateway.
    expect(route(r.reply!)).toEqual([
      "worker2/ovs[0,10,30,31,40,50,61,70,105,110]",
      "worker2/tunnel",
      "worker1/ovs[0,30,31,40,50,61,70,80,90,101,105,110]",
    ]);
    expect(r.reply!.delivered_to).toBe("frontend");
    expect((r.reply!.hops[2] as OvsHop).packet).toMatchObject({ src: "10.222.2.34", dst_mac: "be:2c:bf:e4:ec:c5", ttl: 62 });
  });
});

describe("NodePort: external client 172.16.100.2 → worker2:32422", () => {
  const c = releaseCluster();
  const r = traceCluster(c, { from: "client", to: "worker2:32422", reply: true });

  it("is DNAT'd to frontend and masqueraded to worker2's gateway address", () => {
    expect(r.request).toMatchObject({ src: "172.16.100.2", dst: "10.79.1.202", dport: 32422 });
    expect(route(r)).toEqual([
      "worker2/host",
      "worker2/ovs[0,10,30,31,40,50,60,61,70,105,110]",
      "worker2/tunnel",
      "worker1/ovs[0,30,31,40,50,60,61,70,80,90,101,105,110]",
    ]);
    const h = r.hops[0] as HostHop;
    expect(h.in).toBe("ens160");
    expect(h.nat).toEqual([expect.stringMatching(/^DNAT 10\.79\.1\.202:32422 -> 10\.222\.1\.48:80$/), expect.stringMatching(/^MASQUERADE 172\.16\.100\.2:\d+ -> 10\.222\.2\.1:\d+$/)]);
    expect(h.iptables.some((t) => t.includes("-A KUBE-NODEPORTS") && t.endsWith("-j KUBE-MARK-MASQ"))).toBe(true);
    expect(h.iptables.some((t) => t.includes("-A KUBE-POSTROUTING") && t.includes("MASQUERADE"))).toBe(true);
    expect((r.hops[3] as OvsHop).allowed_by).toEqual(["default/frontendpolicy ingress[0] (conj_id=3)"]);
    expect(r.delivered_to).toBe("frontend");
  });

  it("the reply is steered to worker2's gateway (ct_mark 0x20 on worker2), un-NATed and sent to the client", () => {
    const rep = r.reply!;
    expect(route(rep)).toEqual([
      "worker1/ovs[0,10,30,31,40,50,61,70,105,110]",
      "worker1/tunnel",
      "worker2/ovs[0,30,31,40,50,61,70,80,90,101,105,110]",
      "worker2/host",
    ]);
    const h = rep.hops[3] as HostHop;
    expect(h.out).toBe("ens160");
    expect(h.packet).toMatchObject({ src: "10.79.1.202", sport: 32422, dst: "172.16.100.2", dst_mac: "00:0c:29:fa:d8:a8" });
    expect(rep.delivered_to).toBe("client");
  });
});

describe("NetworkPolicy drops", () => {
  it("backend1 → frontend:80 is dropped in table 60 on worker1 by backendpolicy's default egress isolation", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "backend1", to: "frontend:80", reply: true });
    expect(r.verdict).toBe("dropped");
    expect(r.dropped_at).toEqual({
      node: "worker1", table: 60, flow: "cookie=0x1000000000000, table=60, priority=200,ip,nw_src=10.222.1.47 actions=drop",
    });
    expect(r.policy).toEqual({ direction: "egress", policies: ["default/backendpolicy"], rule: "default isolation", pod: "default/backend1" });
    expect(r.reason).toContain("default/backendpolicy");
    expect(r.reply).toBeUndefined();
    expect(route(r)).toEqual(["worker1/ovs[0,10,30,31,40,50,60]"]);
  });

  it("backend1 → backendsvc is dropped after DNAT, on its way back in from the gateway", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "backend1", to: "backendsvc", endpoint: "backend2" });
    expect(route(r)).toEqual([W1_PASS1, "worker1/host", "worker1/ovs[0,10,30,31,40,50,60]"]);
    expect(r.dropped_at?.table).toBe(60);
    expect(r.policy?.policies).toEqual(["default/backendpolicy"]);
  });

  it("frontend → backend2:8080 is dropped by frontendpolicy (only TCP 80 to the backends is allowed)", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "frontend", to: "backend2:8080" });
    expect(r.dropped_at).toMatchObject({ node: "worker1", table: 60 });
    expect(r.policy?.policies).toEqual(["default/frontendpolicy"]);
  });

  it("an ingress-isolated Pod drops in table 100 (coredns → backend2:80)", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "kube-system/coredns-66bff467f8-bclzd", to: "backend2:80" });
    expect(r.dropped_at).toMatchObject({ node: "worker2", table: 100, flow: expect.stringContaining("reg1=0x23 actions=drop") });
    expect(r.policy).toEqual({ direction: "ingress", policies: ["default/backendpolicy"], rule: "default isolation", pod: "default/backend2" });
  });
});

describe("connection state carries over", () => {
  it("a later packet of the connection keeps its DNAT and takes the established fast path", () => {
    const c = releaseCluster();
    const first = traceCluster(c, { from: "frontend", to: "backendsvc", endpoint: "backend2", reply: true, sport: 40000 });
    expect(first.delivered_to).toBe("backend2");
    // Same 5-tuple; the pin now says backend1, but conntrack already decided.
    const again = traceCluster(c, { from: "frontend", to: "backendsvc", endpoint: "backend1", sport: 40000 });
    expect(again.delivered_to).toBe("backend2");
    const h = again.hops[1] as HostHop;
    expect(h.conntrack).toBe("established");
    expect(h.iptables.some((t) => t.startsWith("-t nat"))).toBe(false);
    const p2 = again.hops[2] as OvsHop;
    expect(p2.passes.flat().find((v) => v.table === 50)!.flow).toContain("priority=210,ct_state=-new+est,ip");
    expect(p2.allowed_by).toBeUndefined();
  });

  it("the host-network bypass: worker2 itself reaches backend2 (table 90's gateway-source flow)", () => {
    const c = releaseCluster();
    const r = traceCluster(c, { from: "worker2", to: "backend2:80", reply: true });
    expect(r.delivered_to).toBe("backend2");
    const ovs = r.hops[1] as OvsHop;
    expect(ovs.passes.flat().find((v) => v.table === 90)!.flow).toContain("priority=210,ip,nw_src=10.222.2.1 actions=resubmit(,105)");
    expect(r.reply!.delivered_to).toBe("worker2");
  });
});

describe("kube-proxy's random endpoint choice", () => {
  it("is reproducible for a seed and can be pinned", () => {
    const pick = (seed: number) => {
      const c = releaseCluster({ seed });
      return [1, 2, 3, 4].map(() => traceCluster(c, { from: "frontend", to: "backendsvc" }).delivered_to);
    };
    expect(pick(7)).toEqual(pick(7));
    const all = new Set([1, 2, 3, 4, 5, 6].flatMap((s) => pick(s)));
    expect(all).toEqual(new Set(["backend1", "backend2"]));
  });
});
