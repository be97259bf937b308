// Table-by-table expectations for the seed lab's Nodes, written from the
// templates of the pipeline reference (§6, §7.3, §10), not from our output.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/k8s/load.ts";
import { compileNode, dumpFlowLines, type CompiledNode } from "../../src/antrea/index.ts";
import type { Scenario } from "../../src/k8s/types.ts";

const seedText = readFileSync(new URL("../../../../content/seed.yaml", import.meta.url), "utf8");
const v0101Text = seedText.replace("version: v0.10.0-dev-4ed2c67", "version: v0.10.1");

function load(text: string): Scenario {
  const r = loadScenario(text, { fileName: "seed.yaml" });
  if (!r.scenario) throw new Error(r.errors.map((e) => e.text).join("\n"));
  return r.scenario;
}

/** `kubectl exec -it … ovs-ofctl dump-flows br-int table=N --no-stats`: OpenFlow 1.0, port names. */
function of10(c: CompiledNode, table: number): string[] {
  return dumpFlowLines(c, { version: 10, names: true, table });
}
function of13(c: CompiledNode, table: number): string[] {
  return dumpFlowLines(c, { version: 13, table });
}
const sorted = (l: readonly string[]): string[] => [...l].sort();

const D = "cookie=0x1000000000000", N = "cookie=0x1020000000000", PD = "cookie=0x1030000000000";
const SV = "cookie=0x1040000000000", PL = "cookie=0x1050000000000";

describe("worker1, seed build v0.10.0-dev-4ed2c67, Traceflow on (OpenFlow 1.0, names)", () => {
  const c = compileNode(load(seedText), "worker1");

  it("table 0: gateway, tunnel (Traceflow prefix), four Pods, miss", () => {
    expect(of10(c, 0)).toEqual([
      ` ${D}, priority=200,in_port="antrea-gw0" actions=load:0x1->NXM_NX_REG0[0..15],resubmit(,10)`,
      ` ${D}, priority=200,in_port="antrea-tun0" actions=move:NXM_NX_TUN_METADATA0[28..31]->NXM_NX_REG9[28..31],load:0->NXM_NX_REG0[0..15],load:0x1->NXM_NX_REG0[19],resubmit(,30)`,
      ` ${PD}, priority=190,in_port="coredns--3e3abf" actions=load:0x2->NXM_NX_REG0[0..15],resubmit(,10)`,
      ` ${PD}, priority=190,in_port="antrea-o-830766" actions=load:0x2->NXM_NX_REG0[0..15],resubmit(,10)`,
      ` ${PD}, priority=190,in_port="backend1-bab86f" actions=load:0x2->NXM_NX_REG0[0..15],resubmit(,10)`,
      ` ${PD}, priority=190,in_port="frontend-a3ba2f" actions=load:0x2->NXM_NX_REG0[0..15],resubmit(,10)`,
      ` ${D}, priority=0 actions=drop`,
    ]);
  });

  it("table 10: spoofguard for the gateway and each Pod", () => {
    expect(sorted(of10(c, 10))).toEqual(sorted([
      ` ${D}, table=10, priority=200,ip,in_port="antrea-gw0" actions=resubmit(,30)`,
      ` ${D}, table=10, priority=200,arp,in_port="antrea-gw0",arp_spa=10.222.1.1,arp_sha=4e:99:08:c1:53:be actions=resubmit(,20)`,
      ` ${PD}, table=10, priority=200,ip,in_port="coredns--3e3abf",dl_src=f2:82:cc:96:da:bd,nw_src=10.222.1.2 actions=resubmit(,30)`,
      ` ${PD}, table=10, priority=200,arp,in_port="coredns--3e3abf",arp_spa=10.222.1.2,arp_sha=f2:82:cc:96:da:bd actions=resubmit(,20)`,
      ` ${PD}, table=10, priority=200,ip,in_port="antrea-o-830766",dl_src=6e:9e:5a:3e:3f:e8,nw_src=10.222.1.3 actions=resubmit(,30)`,
      ` ${PD}, table=10, priority=200,arp,in_port="antrea-o-830766",arp_spa=10.222.1.3,arp_sha=6e:9e:5a:3e:3f:e8 actions=resubmit(,20)`,
      ` ${PD}, table=10, priority=200,ip,in_port="backend1-bab86f",dl_src=f2:32:d8:07:e2:a6,nw_src=10.222.1.47 actions=resubmit(,30)`,
      ` ${PD}, table=10, priority=200,arp,in_port="backend1-bab86f",arp_spa=10.222.1.47,arp_sha=f2:32:d8:07:e2:a6 actions=resubmit(,20)`,
      ` ${PD}, table=10, priority=200,ip,in_port="frontend-a3ba2f",dl_src=be:2c:bf:e4:ec:c5,nw_src=10.222.1.48 actions=resubmit(,30)`,
      ` ${PD}, table=10, priority=200,arp,in_port="frontend-a3ba2f",arp_spa=10.222.1.48,arp_sha=be:2c:bf:e4:ec:c5 actions=resubmit(,20)`,
      ` ${D}, table=10, priority=0 actions=drop`,
    ]));
  });

  it("table 20: ARP responders for master's and worker2's gateways, NORMAL, miss", () => {
    const arp = (ip: string, hex: string): string =>
      ` ${N}, table=20, priority=200,arp,arp_tpa=${ip},arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:aa:bb:cc:dd:ee:ff,load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],load:0xaabbccddeeff->NXM_NX_ARP_SHA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:${hex}->NXM_OF_ARP_SPA[],IN_PORT`;
    expect(of10(c, 20)).toEqual([
      arp("10.222.0.1", "0xade0001"),
      arp("10.222.2.1", "0xade0201"),
      ` ${D}, table=20, priority=190,arp actions=NORMAL`,
      ` ${D}, table=20, priority=0 actions=drop`,
    ]);
  });

  it("tables 30, 31: conntrack", () => {
    expect(of10(c, 30)).toEqual([` ${D}, table=30, priority=200,ip actions=ct(table=31,zone=65520)`]);
    expect(of10(c, 31)).toEqual([
      ` ${D}, table=31, priority=210,ct_state=-new+trk,ct_mark=0x20,ip,reg0=0x1/0xffff actions=resubmit(,40)`,
      ` ${D}, table=31, priority=200,ct_state=-new+trk,ct_mark=0x20,ip actions=load:0x4e9908c153be->NXM_OF_ETH_DST[],resubmit(,40)`,
      ` ${D}, table=31, priority=190,ct_state=+inv+trk,ip actions=drop`,
      ` ${D}, table=31, priority=0 actions=resubmit(,40)`,
    ]);
  });

  it("table 40: the Service CIDR goes to the gateway, with the 4ed2c67 MAC rewrite", () => {
    expect(of10(c, 40)).toEqual([
      ` ${SV}, table=40, priority=200,ip,nw_dst=10.96.0.0/12 actions=mod_dl_dst:4e:99:08:c1:53:be,load:0x2->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],resubmit(,105)`,
      ` ${D}, table=40, priority=0 actions=resubmit(,50)`,
    ]);
  });

  it("tables 50, 60: egress rules (4ed2c67: no metric tables, conj actions go to 70)", () => {
    expect(sorted(of10(c, 50))).toEqual(sorted([
      ` ${D}, table=50, priority=210,ct_state=-new+est,ip actions=resubmit(,70)`,
      ` ${PL}, table=50, priority=200,ip,nw_src=10.222.1.48 actions=conjunction(1,1/3),conjunction(2,1/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_dst=10.222.1.47 actions=conjunction(1,2/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_dst=10.222.2.34 actions=conjunction(1,2/3)`,
      ` ${PL}, table=50, priority=200,ip actions=conjunction(2,2/3)`,
      ` ${PL}, table=50, priority=200,tcp,tp_dst=80 actions=conjunction(1,3/3)`,
      ` ${PL}, table=50, priority=200,udp,tp_dst=53 actions=conjunction(2,3/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_src=10.222.1.47 actions=conjunction(5,1/2)`,
      ` ${PL}, table=50, priority=190,conj_id=1,ip actions=load:0x1->NXM_NX_REG5[],resubmit(,70)`,
      ` ${PL}, table=50, priority=190,conj_id=2,ip actions=load:0x2->NXM_NX_REG5[],resubmit(,70)`,
      ` ${PL}, table=50, priority=190,conj_id=5,ip actions=load:0x5->NXM_NX_REG5[],resubmit(,70)`,
      ` ${D}, table=50, priority=0 actions=resubmit(,60)`,
    ]));
    expect(sorted(of10(c, 60))).toEqual(sorted([
      ` ${D}, table=60, priority=200,ip,nw_src=10.222.1.48 actions=drop`,
      ` ${D}, table=60, priority=200,ip,nw_src=10.222.1.47 actions=drop`,
      ` ${D}, table=60, priority=0 actions=resubmit(,70)`,
    ]));
    expect(of10(c, 61)).toEqual([]);
    expect(of10(c, 101)).toEqual([]);
  });

  it("table 70: gateway, four Pods, two peers", () => {
    const pod = (ip: string, mac: string): string =>
      ` ${PD}, table=70, priority=200,ip,dl_dst=aa:bb:cc:dd:ee:ff,nw_dst=${ip} actions=mod_dl_src:4e:99:08:c1:53:be,mod_dl_dst:${mac},dec_ttl,resubmit(,80)`;
    const peer = (cidr: string, hex: string): string =>
      ` ${N}, table=70, priority=200,ip,nw_dst=${cidr} actions=dec_ttl,mod_dl_src:4e:99:08:c1:53:be,mod_dl_dst:aa:bb:cc:dd:ee:ff,load:0x1->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],load:${hex}->NXM_NX_TUN_IPV4_DST[],resubmit(,105)`;
    expect(sorted(of10(c, 70))).toEqual(sorted([
      ` ${D}, table=70, priority=200,ip,dl_dst=aa:bb:cc:dd:ee:ff,nw_dst=10.222.1.1 actions=mod_dl_dst:4e:99:08:c1:53:be,resubmit(,80)`,
      pod("10.222.1.2", "f2:82:cc:96:da:bd"),
      pod("10.222.1.3", "6e:9e:5a:3e:3f:e8"),
      pod("10.222.1.47", "f2:32:d8:07:e2:a6"),
      pod("10.222.1.48", "be:2c:bf:e4:ec:c5"),
      peer("10.222.0.0/24", "0xa4f01c8"),
      peer("10.222.2.0/24", "0xa4f01ca"),
      ` ${D}, table=70, priority=0 actions=resubmit(,80)`,
    ]));
  });

  it("table 80: dmac for the gateway and the Pods", () => {
    const l2 = (mac: string, port: string): string =>
      ` ${PD}, table=80, priority=200,dl_dst=${mac} actions=load:${port}->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],resubmit(,90)`;
    expect(of10(c, 80)).toEqual([
      ` ${D}, table=80, priority=200,dl_dst=4e:99:08:c1:53:be actions=load:0x2->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],resubmit(,90)`,
      l2("f2:82:cc:96:da:bd", "0x3"),
      l2("6e:9e:5a:3e:3f:e8", "0x4"),
      l2("f2:32:d8:07:e2:a6", "0x30"),
      l2("be:2c:bf:e4:ec:c5", "0x31"),
      ` ${D}, table=80, priority=0 actions=resubmit(,90)`,
    ]);
  });

  it("tables 90, 100: ingress rules, the shared tcp,tp_dst=80 flow, probe bypass", () => {
    expect(sorted(of10(c, 90))).toEqual(sorted([
      ` ${D}, table=90, priority=210,ct_state=-new+est,ip actions=resubmit(,105)`,
      ` ${D}, table=90, priority=210,ip,nw_src=10.222.1.1 actions=resubmit(,105)`,
      ` ${PL}, table=90, priority=200,ip,nw_src=10.222.1.48 actions=conjunction(4,1/3)`,
      ` ${PL}, table=90, priority=200,ip actions=conjunction(3,1/3)`,
      ` ${PL}, table=90, priority=200,ip,reg1=0x30 actions=conjunction(4,2/3)`,
      ` ${PL}, table=90, priority=200,ip,reg1=0x31 actions=conjunction(3,2/3)`,
      ` ${PL}, table=90, priority=200,tcp,tp_dst=80 actions=conjunction(3,3/3),conjunction(4,3/3)`,
      ` ${PL}, table=90, priority=190,conj_id=3,ip actions=load:0x3->NXM_NX_REG6[],resubmit(,105)`,
      ` ${PL}, table=90, priority=190,conj_id=4,ip actions=load:0x4->NXM_NX_REG6[],resubmit(,105)`,
      ` ${D}, table=90, priority=0 actions=resubmit(,100)`,
    ]));
    expect(sorted(of10(c, 100))).toEqual(sorted([
      ` ${D}, table=100, priority=200,ip,reg1=0x30 actions=drop`,
      ` ${D}, table=100, priority=200,ip,reg1=0x31 actions=drop`,
      ` ${D}, table=100, priority=0 actions=resubmit(,105)`,
    ]));
  });

  it("tables 105, 110: commit and output", () => {
    expect(of10(c, 105)).toEqual([
      ` ${D}, table=105, priority=200,ct_state=+new+trk,ip,reg0=0x1/0xffff actions=ct(commit,table=110,zone=65520,exec(load:0x20->NXM_NX_CT_MARK[]))`,
      ` ${D}, table=105, priority=190,ct_state=+new+trk,ip actions=ct(commit,table=110,zone=65520)`,
      ` ${D}, table=105, priority=0 actions=resubmit(,110)`,
    ]);
    expect(of10(c, 110)).toEqual([
      ` ${D}, table=110, priority=200,ip,reg0=0x10000/0x10000 actions=output:NXM_NX_REG1[]`,
      ` ${D}, table=110, priority=0 actions=drop`,
    ]);
  });

  it("has the ports, bridge identity and Traceflow TLV map of the seed", () => {
    expect(c.bridge.dpid).toBe("0000c6d974e83943");
    expect(c.bridge.uuid).toBe("6ee0af40-0b54-4667-ba35-0b9f3e80e32f");
    expect(c.bridge.ports.map((p) => `${p.ofport}(${p.name}): addr:${p.mac}`)).toEqual([
      "1(antrea-tun0): addr:f6:02:a1:20:ca:f3",
      "2(antrea-gw0): addr:4e:99:08:c1:53:be",
      "3(coredns--3e3abf): addr:6a:88:6d:f3:d8:a4",
      "4(antrea-o-830766): addr:56:69:25:bb:46:ae",
      "48(backend1-bab86f): addr:9e:bf:dd:84:e6:90",
      "49(frontend-a3ba2f): addr:e6:88:e2:ed:64:82",
    ]);
    expect(c.bridge.port(1)).toMatchObject({ type: "geneve", options: { csum: "true", key: "flow", remote_ip: "flow" } });
    expect(c.bridge.port(2)).toMatchObject({ type: "internal" });
    expect(c.bridge.port(49)).toMatchObject({ current: "10GB-FD COPPER", speedMbps: 10000 });
    expect(c.vsctlPortOrder).toEqual(["backend1-bab86f", "antrea-tun0", "antrea-o-830766", "coredns--3e3abf", "frontend-a3ba2f", "antrea-gw0"]);
    expect(c.tlvMaps).toEqual(["{class=0x104,type=0x80,len=4}->tun_metadata0"]);
  });

  it("installs in the agent's order: Initialize, gateway, tunnel, Service CIDR, peers, Pods, policies", () => {
    const features = c.installs.map((i) => i.feature).filter((f, i, a) => a[i - 1] !== f);
    expect(features).toEqual(["init", "gateway", "tunnel", "service", "node", "pod", "policy"]);
    expect(c.flowsText.split("\n")[0]).toBe("cookie=0x1000000000000,table=0,priority=0,actions=drop");
  });
});

describe("v0.10.1 rendering of the seed lab (the worked example of §7.3), OpenFlow 1.3", () => {
  const s = load(v0101Text);
  const w1 = compileNode(s, "worker1");
  const w2 = compileNode(s, "worker2");

  it("numbers the rules as the worked example does", () => {
    expect(w1.policyRules.map((r) => `${r.id} ${r.rule}`)).toEqual([
      "1 default/frontendpolicy egress[0]",
      "2 default/frontendpolicy egress[1]",
      "3 default/frontendpolicy ingress[0]",
      "4 default/backendpolicy ingress[0]",
      "5 default/backendpolicy egress deny-all",
    ]);
    expect(w2.policyRules.map((r) => `${r.id} ${r.rule}`)).toEqual([
      "1 default/backendpolicy ingress[0]",
      "2 default/backendpolicy egress deny-all",
    ]);
  });

  it("worker1 tables 50, 60, 61", () => {
    expect(sorted(of13(w1, 50))).toEqual(sorted([
      ` ${D}, table=50, priority=210,ct_state=-new+est,ip actions=goto_table:61`,
      ` ${PL}, table=50, priority=200,ip,nw_src=10.222.1.48 actions=conjunction(1,1/3),conjunction(2,1/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_dst=10.222.1.47 actions=conjunction(1,2/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_dst=10.222.2.34 actions=conjunction(1,2/3)`,
      ` ${PL}, table=50, priority=200,ip actions=conjunction(2,2/3)`,
      ` ${PL}, table=50, priority=200,tcp,tp_dst=80 actions=conjunction(1,3/3)`,
      ` ${PL}, table=50, priority=200,udp,tp_dst=53 actions=conjunction(2,3/3)`,
      ` ${PL}, table=50, priority=200,ip,nw_src=10.222.1.47 actions=conjunction(5,1/2)`,
      ` ${PL}, table=50, priority=190,conj_id=1,ip actions=load:0x1->NXM_NX_REG5[],ct(commit,table=61,zone=65520,exec(load:0x1->NXM_NX_CT_LABEL[32..63]))`,
      ` ${PL}, table=50, priority=190,conj_id=2,ip actions=load:0x2->NXM_NX_REG5[],ct(commit,table=61,zone=65520,exec(load:0x2->NXM_NX_CT_LABEL[32..63]))`,
      ` ${PL}, table=50, priority=190,conj_id=5,ip actions=load:0x5->NXM_NX_REG5[],ct(commit,table=61,zone=65520,exec(load:0x5->NXM_NX_CT_LABEL[32..63]))`,
      ` ${D}, table=50, priority=0 actions=goto_table:60`,
    ]));
    expect(sorted(of13(w1, 60))).toEqual(sorted([
      ` ${D}, table=60, priority=200,ip,nw_src=10.222.1.48 actions=drop`,
      ` ${D}, table=60, priority=200,ip,nw_src=10.222.1.47 actions=drop`,
      ` ${D}, table=60, priority=0 actions=goto_table:61`,
    ]));
    const m = (st: string, label: string): string => ` ${PL}, table=61, priority=200,ct_state=${st},ct_label=${label}/0xffffffff00000000,ip actions=goto_table:70`;
    expect(sorted(of13(w1, 61))).toEqual(sorted([
      m("+new", "0x100000000"), m("-new", "0x100000000"),
      m("+new", "0x200000000"), m("-new", "0x200000000"),
      m("+new", "0x500000000"), m("-new", "0x500000000"),
      ` ${D}, table=61, priority=0 actions=goto_table:70`,
    ]));
  });

  it("worker1 tables 90, 100, 101", () => {
    expect(sorted(of13(w1, 90))).toEqual(sorted([
      ` ${D}, table=90, priority=210,ct_state=-new+est,ip actions=goto_table:101`,
      ` ${D}, table=90, priority=210,ip,nw_src=10.222.1.1 actions=goto_table:105`,
      ` ${PL}, table=90, priority=200,ip,nw_src=10.222.1.48 actions=conjunction(4,1/3)`,
      ` ${PL}, table=90, priority=200,ip actions=conjunction(3,1/3)`,
      ` ${PL}, table=90, priority=200,ip,reg1=0x30 actions=conjunction(4,2/3)`,
      ` ${PL}, table=90, priority=200,ip,reg1=0x31 actions=conjunction(3,2/3)`,
      ` ${PL}, table=90, priority=200,tcp,tp_dst=80 actions=conjunction(3,3/3),conjunction(4,3/3)`,
      ` ${PL}, table=90, priority=190,conj_id=3,ip actions=load:0x3->NXM_NX_REG6[],ct(commit,table=101,zone=65520,exec(load:0x3->NXM_NX_CT_LABEL[0..31]))`,
      ` ${PL}, table=90, priority=190,conj_id=4,ip actions=load:0x4->NXM_NX_REG6[],ct(commit,table=101,zone=65520,exec(load:0x4->NXM_NX_CT_LABEL[0..31]))`,
      ` ${D}, table=90, priority=0 actions=goto_table:100`,
    ]));
    expect(sorted(of13(w1, 100))).toEqual(sorted([
      ` ${D}, table=100, priority=200,ip,reg1=0x30 actions=drop`,
      ` ${D}, table=100, priority=200,ip,reg1=0x31 actions=drop`,
      ` ${D}, table=100, priority=0 actions=goto_table:101`,
    ]));
    const m = (st: string, n: number): string => ` ${PL}, table=101, priority=200,ct_state=${st},ct_label=0x${n}/0xffffffff,ip actions=goto_table:105`;
    expect(sorted(of13(w1, 101))).toEqual(sorted([m("+new", 3), m("-new", 3), m("+new", 4), m("-new", 4), ` ${D}, table=101, priority=0 actions=goto_table:105`]));
  });

  it("table 40 has no MAC rewrite in the releases; 60/100 misses go to the metric tables", () => {
    expect(of13(w1, 40)).toEqual([
      ` ${SV}, table=40, priority=200,ip,nw_dst=10.96.0.0/12 actions=load:0x2->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],goto_table:105`,
      ` ${D}, table=40, priority=0 actions=goto_table:50`,
    ]);
  });

  it("worker2: backendpolicy only (frontendpolicy selects no local Pod)", () => {
    expect(sorted(of13(w2, 50))).toEqual(sorted([
      ` ${D}, table=50, priority=210,ct_state=-new+est,ip actions=goto_table:61`,
      ` ${PL}, table=50, priority=200,ip,nw_src=10.222.2.34 actions=conjunction(2,1/2)`,
      ` ${PL}, table=50, priority=190,conj_id=2,ip actions=load:0x2->NXM_NX_REG5[],ct(commit,table=61,zone=65520,exec(load:0x2->NXM_NX_CT_LABEL[32..63]))`,
      ` ${D}, table=50, priority=0 actions=goto_table:60`,
    ]));
    expect(sorted(of13(w2, 90))).toEqual(sorted([
      ` ${D}, table=90, priority=210,ct_state=-new+est,ip actions=goto_table:101`,
      ` ${D}, table=90, priority=210,ip,nw_src=10.222.2.1 actions=goto_table:105`,
      ` ${PL}, table=90, priority=200,ip,nw_src=10.222.1.48 actions=conjunction(1,1/3)`,
      ` ${PL}, table=90, priority=200,ip,reg1=0x23 actions=conjunction(1,2/3)`,
      ` ${PL}, table=90, priority=200,tcp,tp_dst=80 actions=conjunction(1,3/3)`,
      ` ${PL}, table=90, priority=190,conj_id=1,ip actions=load:0x1->NXM_NX_REG6[],ct(commit,table=101,zone=65520,exec(load:0x1->NXM_NX_CT_LABEL[0..31]))`,
      ` ${D}, table=90, priority=0 actions=goto_table:100`,
    ]));
    expect(of13(w2, 60)).toEqual([` ${D}, table=60, priority=200,ip,nw_src=10.222.2.34 actions=drop`, ` ${D}, table=60, priority=0 actions=goto_table:61`]);
    expect(of13(w2, 100)).toEqual([` ${D}, table=100, priority=200,ip,reg1=0x23 actions=drop`, ` ${D}, table=100, priority=0 actions=goto_table:101`]);
    expect(of13(w2, 70)).toContain(` ${PD}, table=70, priority=200,ip,dl_dst=aa:bb:cc:dd:ee:ff,nw_dst=10.222.2.34 actions=set_field:02:d8:4e:3f:92:1d->eth_src,set_field:c6:f4:b5:76:10:38->eth_dst,dec_ttl,goto_table:80`);
    expect(of13(w2, 70)).toContain(` ${N}, table=70, priority=200,ip,nw_dst=10.222.1.0/24 actions=dec_ttl,set_field:02:d8:4e:3f:92:1d->eth_src,set_field:aa:bb:cc:dd:ee:ff->eth_dst,load:0x1->NXM_NX_REG1[],load:0x1->NXM_NX_REG0[16],set_field:10.79.1.201->tun_dst,goto_table:105`);
    expect(of13(w2, 20)).toContain(` ${N}, table=20, priority=200,arp,arp_tpa=10.222.1.1,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:aa:bb:cc:dd:ee:ff->eth_src,load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:aa:bb:cc:dd:ee:ff->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:10.222.1.1->arp_spa,IN_PORT`);
  });

  it("the flow counts per table follow §6.9", () => {
    for (const [c, P, K] of [[w1, 4, 2], [w2, 2, 2]] as const) {
      const n = (t: number): number => of13(c, t).length;
      const egressIds = c.policyRules.filter((r) => r.direction === "Out").length;
      const ingressIds = c.policyRules.filter((r) => r.direction === "In").length;
      expect(n(0)).toBe(1 + 1 + P + 1);
      expect(n(10)).toBe(2 + 2 * P + 1);
      expect(n(20)).toBe(K + 1 + 1);
      expect(n(30)).toBe(1);
      expect(n(31)).toBe(4);
      expect(n(40)).toBe(2);
      expect(n(61)).toBe(2 * egressIds + 1);
      expect(n(70)).toBe(1 + P + K + 1);
      expect(n(80)).toBe(1 + P + 1);
      expect(n(101)).toBe(2 * ingressIds + 1);
      expect(n(105)).toBe(3);
      expect(n(110)).toBe(2);
    }
  });

  it("the tunnel flow has no Traceflow prefix when the gate is off", () => {
    const off = compileNode(load(v0101Text.replace("Traceflow: true", "Traceflow: false")), "worker1");
    expect(of13(off, 0)[1]).toBe(` ${D}, priority=200,in_port=1 actions=load:0->NXM_NX_REG0[0..15],load:0x1->NXM_NX_REG0[19],goto_table:30`);
    expect(off.tlvMaps).toEqual([]);
  });

  it("master: only ports 1 and 2, two peers, no policy", () => {
    const m = compileNode(s, "master");
    expect(m.bridge.ports.map((p) => p.ofport)).toEqual([1, 2]);
    expect(of13(m, 20)).toHaveLength(4);
    expect(m.policyRules).toEqual([]);
  });

  it("is deterministic", () => {
    expect(compileNode(load(v0101Text), "worker1").flowsText).toBe(w1.flowsText);
  });
});
