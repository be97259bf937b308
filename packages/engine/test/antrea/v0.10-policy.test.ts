// NetworkPolicy variants on a small two-worker cluster (v0.10.1, OpenFlow 1.3),
// expectations written from §7 of the pipeline reference.
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/k8s/load.ts";
import { compileNode, dumpFlowLines, type CompiledNode } from "../../src/antrea/index.ts";

const CLUSTER = `apiVersion: ovs-lab/v1alpha1
kind: Cluster
metadata: { name: t }
spec:
  clusterCIDR: 10.10.0.0/16
  serviceCIDR: 10.96.0.0/12
  clock: 2021-01-01T00:00:00Z
  antrea: { version: v0.10.1 }
  nodes:
  - { name: n1, ip: 192.168.0.1, gatewayMAC: 02:00:00:00:01:01 }
  - { name: n2, ip: 192.168.0.2, gatewayMAC: 02:00:00:00:02:01 }
  pins:
    pods:
      default/web: { mac: 02:00:00:00:0a:01 }
      default/db: { mac: 02:00:00:00:0a:02 }
      other/client: { mac: 02:00:00:00:0b:01 }
---
apiVersion: v1
kind: Namespace
metadata: { name: other, labels: { team: blue } }
---
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec:
  nodeName: n1
  containers:
  - name: web
    image: nginx
    ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: db, labels: { app: db } }
spec:
  nodeName: n1
  containers:
  - name: db
    image: postgres
    ports: [{ name: http, containerPort: 9090 }]
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: other, labels: { app: client } }
spec:
  nodeName: n2
  containers: [{ name: c, image: busybox }]
`;

// n1: 10.10.0.0/24 (web .2 ofport 3, db .3 ofport 4); n2: 10.10.1.0/24 (client .2).
function compile(policy: string, node = "n1"): CompiledNode {
  const r = loadScenario(`${CLUSTER}---\n${policy}`, { fileName: "t.yaml" });
  if (!r.scenario) throw new Error(r.errors.map((e) => e.text).join("\n"));
  return compileNode(r.scenario, node);
}
const t = (c: CompiledNode, table: number): string[] =>
  dumpFlowLines(c, { version: 13, table }).map((l) => l.replace(/^ cookie=0x10[05]0000000000, table=\d+, /, ""));

describe("NetworkPolicy → conjunctive flows", () => {
  it("ipBlock with except: the CIDR minus the excepts, largest blocks first", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
  - from:
    - ipBlock: { cidr: 172.16.0.0/16, except: [172.16.1.0/24] }
`);
    expect(t(c, 90)).toEqual(expect.arrayContaining([
      "priority=200,ip,nw_src=172.16.128.0/17 actions=conjunction(1,1/2)",
      "priority=200,ip,nw_src=172.16.64.0/18 actions=conjunction(1,1/2)",
      "priority=200,ip,nw_src=172.16.0.0/24 actions=conjunction(1,1/2)",
      "priority=200,ip,reg1=0x3 actions=conjunction(1,2/2)",
      "priority=190,conj_id=1,ip actions=load:0x1->NXM_NX_REG6[],ct(commit,table=101,zone=65520,exec(load:0x1->NXM_NX_CT_LABEL[0..31]))",
    ]));
    const srcs = t(c, 90).filter((l) => l.includes("nw_src=172.16.")).map((l) => /nw_src=(\S+) /.exec(l)![1]);
    expect(srcs).toEqual(["172.16.128.0/17", "172.16.64.0/18", "172.16.32.0/19", "172.16.16.0/20", "172.16.8.0/21",
      "172.16.4.0/22", "172.16.2.0/23", "172.16.0.0/24"]);
    expect(t(c, 90).some((l) => l.includes("172.16.1.0"))).toBe(false);
    expect(t(c, 100)).toContain("priority=200,ip,reg1=0x3 actions=drop");
    // Ingress-only policy: web is not isolated for egress.
    expect(t(c, 60)).toEqual(["priority=0 actions=goto_table:61"]);
  });

  it("namespaceSelector peers select Pods of the matching Namespaces", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
  - from:
    - namespaceSelector: { matchLabels: { team: blue } }
    ports: [{ port: 5432 }]
`);
    expect(t(c, 90)).toEqual(expect.arrayContaining([
      "priority=200,ip,nw_src=10.10.1.2 actions=conjunction(1,1/3)",
      "priority=200,ip,reg1=0x4 actions=conjunction(1,2/3)",
      "priority=200,tcp,tp_dst=5432 actions=conjunction(1,3/3)",
    ]));
  });

  it("named ports are resolved per applied-to Pod, one conj ID per resolved port", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: {}
  ingress:
  - ports: [{ port: http }]
`);
    expect(t(c, 90).filter((l) => l.includes("conjunction"))).toEqual(expect.arrayContaining([
      "priority=200,ip actions=conjunction(1,1/3),conjunction(2,1/3)",
      "priority=200,ip,reg1=0x3 actions=conjunction(1,2/3)",
      "priority=200,tcp,tp_dst=8080 actions=conjunction(1,3/3)",
      "priority=200,ip,reg1=0x4 actions=conjunction(2,2/3)",
      "priority=200,tcp,tp_dst=9090 actions=conjunction(2,3/3)",
    ]));
    expect(c.policyRules.map((r) => r.service)).toEqual([[{ protocol: "TCP", port: 8080 }], [{ protocol: "TCP", port: 9090 }]]);
  });

  it("an egress named port no member resolves gives a port clause with no flows", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: { matchLabels: { app: web } }
  egress:
  - ports: [{ port: nope }]
`);
    // policyTypes defaults to [Ingress, Egress], so an ingress deny-all comes too.
    expect(c.policyRules.map((r) => r.rule)).toEqual(["default/p egress[0]", "default/p ingress deny-all"]);
    expect(c.policyRules[0]!.service).toEqual([]);
    expect(t(c, 50)).toEqual(expect.arrayContaining([
      "priority=200,ip,nw_src=10.10.0.2 actions=conjunction(1,1/3)",
      "priority=200,ip actions=conjunction(1,2/3)",
    ]));
    expect(t(c, 50).some((l) => l.includes("tp_dst"))).toBe(false);
  });

  it("egress deny-all: From clause only, a conj action flow and the drop flow", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
`);
    expect(t(c, 50)).toEqual([
      "priority=210,ct_state=-new+est,ip actions=goto_table:61",
      "priority=200,ip,nw_src=10.10.0.2 actions=conjunction(1,1/2)",
      "priority=190,conj_id=1,ip actions=load:0x1->NXM_NX_REG5[],ct(commit,table=61,zone=65520,exec(load:0x1->NXM_NX_CT_LABEL[32..63]))",
      "priority=0 actions=goto_table:60",
    ]);
    expect(t(c, 60)).toEqual(["priority=200,ip,nw_src=10.10.0.2 actions=drop", "priority=0 actions=goto_table:61"]);
    // No ingress rule: ingress is not isolated.
    expect(t(c, 100)).toEqual(["priority=0 actions=goto_table:101"]);
  });

  it("a policy that selects no Pod on the Node installs nothing there", () => {
    const c = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: other }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`, "n1");
    expect(c.policyRules).toEqual([]);
    expect(c.installs.some((i) => i.feature === "policy")).toBe(false);
    const n2 = compile(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: other }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`, "n2");
    expect(n2.policyRules.map((r) => r.rule)).toEqual(["other/p ingress deny-all", "other/p egress deny-all"]);
    expect(t(n2, 90)).toContain("priority=200,ip,reg1=0x3 actions=conjunction(1,2/2)");
  });

  it("conjIDOrder controller numbers ingress rules before egress rules", () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: { matchLabels: { app: web } }
  egress: [{ ports: [{ port: 53, protocol: UDP }] }]
  ingress: [{}]
`;
    expect(compile(text).policyRules.map((r) => r.rule)).toEqual(["default/p egress[0]", "default/p ingress[0]"]);
    const r = loadScenario(`${CLUSTER.replace("antrea: { version: v0.10.1 }", "antrea: { version: v0.10.1, conjIDOrder: controller }")}---\n${text}`);
    expect(compileNode(r.scenario!, "n1").policyRules.map((x) => x.rule)).toEqual(["default/p ingress[0]", "default/p egress[0]"]);
  });

  it("newest-first conjActionOrder puts the newest conjunction first on a shared flow", () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ ports: [{ port: 80 }] }, { from: [{ podSelector: {} }], ports: [{ port: 80 }] }]
`;
    expect(t(compile(text), 90)).toContain("priority=200,tcp,tp_dst=80 actions=conjunction(1,3/3),conjunction(2,3/3)");
    const r = loadScenario(`${CLUSTER.replace("antrea: { version: v0.10.1 }", "antrea: { version: v0.10.1, conjActionOrder: newest-first }")}---\n${text}`);
    expect(t(compileNode(r.scenario!, "n1"), 90)).toContain("priority=200,tcp,tp_dst=80 actions=conjunction(2,3/3),conjunction(1,3/3)");
  });
});
