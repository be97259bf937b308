import { describe, expect, it } from "vitest";
import {
  buildNodeIptables, formatIptablesL, formatIptablesS, formatIptablesSave, NodeFirewall, type EvalContext, type IptPacket,
} from "../../src/host/iptables.ts";
import { mulberry32 } from "../../src/host/host.ts";

function worker1(): NodeFirewall {
  const fw = new NodeFirewall(buildNodeIptables({
    clusterCIDR: "10.222.0.0/16",
    podCIDR: "10.222.1.0/24",
    gateway: "antrea-gw0",
    docker: { bridge: "docker0", subnet: "172.17.0.0/16" },
    services: [
      { namespace: "default", name: "backendsvc", clusterIP: "10.104.65.133", ports: [{ name: "", protocol: "TCP", port: 80, endpoints: [{ ip: "10.222.1.47", port: 80 }, { ip: "10.222.2.34", port: 80 }] }] },
      { namespace: "default", name: "frontend-nodeport", clusterIP: "10.108.131.6", ports: [{ name: "", protocol: "TCP", port: 80, nodePort: 32422, endpoints: [{ ip: "10.222.1.48", port: 80 }] }] },
      { namespace: "kube-system", name: "kube-dns", clusterIP: "10.96.0.10", ports: [{ name: "dns", protocol: "UDP", port: 53, endpoints: [{ ip: "10.222.1.2", port: 53 }, { ip: "10.222.2.2", port: 53 }, { ip: "10.222.2.3", port: 53 }] }] },
    ],
  }));
  fw.ipsets.set("ANTREA-POD-IP", ["10.222.0.0/24", "10.222.1.0/24", "10.222.2.0/24"]);
  return fw;
}

const local = new Set(["10.79.1.201", "10.222.1.1", "172.17.0.1"]);
function ctx(fw: NodeFirewall, rand: () => number, pinnedEndpoint?: string): EvalContext {
  return {
    isLocal: (ip) => local.has(ip),
    inSet: (n, ip) => fw.setContains(n, ip),
    random31: () => rand() & 0x7fffffff,
    ...(pinnedEndpoint ? { pinnedEndpoint } : {}),
  };
}
const syn = (over: Partial<IptPacket> = {}): IptPacket => ({
  src: "10.222.1.48", dst: "10.104.65.133", proto: "tcp", sport: 40000, dport: 80, inIface: "antrea-gw0",
  mark: 0, ctstate: ["NEW"], length: 60, ...over,
});

describe("kube-proxy v1.18 rules", () => {
  it("writes the Service, endpoint and nodeport chains (iptables -S)", () => {
    const s = formatIptablesS(worker1().table("nat"));
    expect(s).toContain('-A KUBE-SERVICES ! -s 10.222.0.0/16 -d 10.104.65.133/32 -p tcp -m comment --comment "default/backendsvc: cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ\n');
    expect(s).toContain('-A KUBE-SERVICES -d 10.104.65.133/32 -p tcp -m comment --comment "default/backendsvc: cluster IP" -m tcp --dport 80 -j KUBE-SVC-EKL7ZEFK3VFJKKGJ\n');
    expect(s).toContain('-A KUBE-SVC-EKL7ZEFK3VFJKKGJ -m comment --comment "default/backendsvc:" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-6PRWOLZVS5LKSHLK\n' +
      '-A KUBE-SVC-EKL7ZEFK3VFJKKGJ -m comment --comment "default/backendsvc:" -j KUBE-SEP-R5BOSGFC7D2XSIZA\n');
    expect(s).toContain('-A KUBE-SEP-R5BOSGFC7D2XSIZA -p tcp -m comment --comment "default/backendsvc:" -m tcp -j DNAT --to-destination 10.222.2.34:80\n');
    expect(s).toContain('-A KUBE-NODEPORTS -p tcp -m comment --comment "default/frontend-nodeport:" -m tcp --dport 32422 -j KUBE-MARK-MASQ\n');
    expect(s).toContain('-A ANTREA-POSTROUTING -s 10.222.1.0/24 -m comment --comment "Antrea: masquerade pod to external packets" -m set ! --match-set ANTREA-POD-IP dst -j MASQUERADE\n');
    expect(s).toMatch(/-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n(?!-A KUBE-SERVICES)/);
    // kube-proxy's three-endpoint probabilities as the kernel stores them.
    expect(s).toContain("--probability 0.33332999982 -j KUBE-SEP-");
  });

  it("lists with -L -n -v in iptables 1.6.1 columns", () => {
    const l = formatIptablesL(worker1().table("nat"), "KUBE-SVC-EKL7ZEFK3VFJKKGJ", { numeric: true, verbose: true, exact: false, lineNumbers: false });
    expect(l).toBe(
      "Chain KUBE-SVC-EKL7ZEFK3VFJKKGJ (1 references)\n" +
        " pkts bytes target     prot opt in     out     source               destination         \n" +
        "    0     0 KUBE-SEP-6PRWOLZVS5LKSHLK  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/backendsvc: */ statistic mode random probability 0.50000000000\n" +
        "    0     0 KUBE-SEP-R5BOSGFC7D2XSIZA  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/backendsvc: */\n",
    );
    const pre = formatIptablesL(worker1().table("nat"), "PREROUTING", { numeric: true, verbose: false, exact: false, lineNumbers: false });
    expect(pre).toBe(
      "Chain PREROUTING (policy ACCEPT)\n" +
        "target     prot opt source               destination         \n" +
        "KUBE-SERVICES  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */\n" +
        "DOCKER     all  --  0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL\n",
    );
  });

  it("iptables-save groups each table between *name and COMMIT", () => {
    const s = formatIptablesSave(worker1(), { table: "nat", now: "2020-09-16T02:38:40Z" });
    expect(s.split("\n").slice(0, 7)).toEqual([
      "# Generated by iptables-save v1.6.1 on Wed Sep 16 02:38:40 2020",
      "*nat",
      ":PREROUTING ACCEPT [0:0]",
      ":INPUT ACCEPT [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      ":POSTROUTING ACCEPT [0:0]",
      ":ANTREA-POSTROUTING - [0:0]",
    ]);
    expect(s.endsWith("COMMIT\n# Completed on Wed Sep 16 02:38:40 2020\n")).toBe(true);
  });
});

describe("evaluation", () => {
  it("DNATs a ClusterIP connection to the endpoint the statistic match picks", () => {
    const fw = worker1();
    // A source whose first draw is below 0.5 goes to backend1, otherwise to backend2.
    const low = ctx(fw, () => 0x10000000);
    const high = ctx(fw, () => 0x70000000);
    expect(fw.evaluate("nat", "PREROUTING", syn(), low).dnat).toEqual({ ip: "10.222.1.47", port: 80 });
    expect(fw.evaluate("nat", "PREROUTING", syn(), high).dnat).toEqual({ ip: "10.222.2.34", port: 80 });
    const r = fw.evaluate("nat", "PREROUTING", syn(), high);
    expect(r.mark).toBe(0); // Pod source: no KUBE-MARK-MASQ
    expect(r.hits.map((h) => h.chain)).toEqual(["PREROUTING", "KUBE-SERVICES", "KUBE-SVC-EKL7ZEFK3VFJKKGJ", "KUBE-SEP-R5BOSGFC7D2XSIZA"]);
  });

  it("pins the endpoint regardless of the random source", () => {
    const fw = worker1();
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = ctx(fw, mulberry32(seed), "10.222.2.34");
      expect(fw.evaluate("nat", "PREROUTING", syn(), c).dnat?.ip).toBe("10.222.2.34");
      const c1 = ctx(fw, mulberry32(seed), "10.222.1.47");
      expect(fw.evaluate("nat", "PREROUTING", syn(), c1).dnat?.ip).toBe("10.222.1.47");
    }
  });

  it("NodePort: marks for masquerade and DNATs; POSTROUTING masquerades the marked packet", () => {
    const fw = worker1();
    const c = ctx(fw, mulberry32(1));
    const pkt = syn({ src: "172.16.100.2", dst: "10.79.1.201", dport: 32422, inIface: "ens160" });
    const pre = fw.evaluate("nat", "PREROUTING", pkt, c);
    expect(pre.dnat).toEqual({ ip: "10.222.1.48", port: 80 });
    expect(pre.mark).toBe(0x4000);
    const post = fw.evaluate("nat", "POSTROUTING", { ...pkt, dst: "10.222.1.48", dport: 80, inIface: undefined, outIface: "antrea-gw0", mark: pre.mark }, c);
    expect(post.masquerade).toBe(true);
    expect(post.hits.at(-1)!.chain).toBe("KUBE-POSTROUTING");
  });

  it("ANTREA-POSTROUTING masquerades Pod traffic leaving the cluster only", () => {
    const fw = worker1();
    const c = ctx(fw, mulberry32(1));
    const out = (dst: string) => fw.evaluate("nat", "POSTROUTING", syn({ dst, inIface: undefined, outIface: "ens160" }), c);
    expect(out("10.79.1.5").masquerade).toBe(true);
    expect(out("10.222.2.34").masquerade).toBeUndefined();
  });

  it("FORWARD accepts Pod traffic through ANTREA-FORWARD behind docker's DROP policy", () => {
    const fw = worker1();
    const c = ctx(fw, mulberry32(1));
    const r = fw.evaluate("filter", "FORWARD", syn({ dst: "10.222.2.34", outIface: "antrea-gw0" }), c);
    expect(r.verdict).toBe("ACCEPT");
    expect(r.hits.at(-1)!.text).toBe('-A ANTREA-FORWARD -i antrea-gw0 -m comment --comment "Antrea: accept packets from local pods" -j ACCEPT');
    const other = fw.evaluate("filter", "FORWARD", syn({ inIface: "ens160", outIface: "ens160", dst: "8.8.8.8" }), c);
    expect(other.verdict).toBe("DROP");
    expect(other.hits.at(-1)!.text).toBe("-P FORWARD DROP");
  });

  it("counts packets and bytes per rule", () => {
    const fw = worker1();
    const c = ctx(fw, () => 0);
    fw.evaluate("nat", "PREROUTING", syn(), c);
    fw.evaluate("nat", "PREROUTING", syn({ sport: 40001 }), c);
    const l = formatIptablesL(fw.table("nat"), "KUBE-SEP-6PRWOLZVS5LKSHLK", { numeric: true, verbose: true, exact: false, lineNumbers: false });
    expect(l).toContain("    2   120 DNAT       tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/backendsvc: */ tcp to:10.222.1.47:80\n");
  });
});
