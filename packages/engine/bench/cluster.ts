/**
 * Cluster benchmarks: scenario loading, compiling one Node's flows and
 * memory for clusters of 3, 100 and 1,000 Nodes (30 Pods each, 1,000
 * NetworkPolicies), and end-to-end trace time across Nodes.
 */
import { loadScenario } from "../src/k8s/index.ts";
import { compileNode } from "../src/antrea/index.ts";
import { Cluster } from "../src/cluster/cluster.ts";
import { traceCluster } from "../src/cluster/trace.ts";

const PODS_PER_NODE = 30;
const POLICIES = 1000;

/** A scenario of `nodes` workers behind one master, 30 Pods per worker and 1,000 policies. */
export function clusterScenario(nodes: number): string {
  const docs: string[] = [];
  const nodeList: string[] = [`  - { name: master, ip: 172.20.0.1, role: master }`];
  for (let n = 0; n < nodes; n++) {
    nodeList.push(`  - { name: node${n}, ip: 172.20.${1 + (n >> 8)}.${n & 255} }`);
  }
  docs.push(`apiVersion: ovs-lab/v1alpha1
kind: Cluster
metadata: { name: bench }
spec:
  clusterCIDR: 10.128.0.0/9
  nodeCIDRMaskSize: 24
  serviceCIDR: 10.96.0.0/12
  nodeNetwork: 172.20.0.0/16
  antrea: { version: v0.10.1 }
  ovs: { version: 2.14.0 }
  nodes:
${nodeList.join("\n")}`);
  const apps = Math.max(POLICIES, 1);
  let i = 0;
  for (let n = 0; n < nodes; n++) {
    for (let p = 0; p < PODS_PER_NODE; p++, i++) {
      docs.push(`apiVersion: v1
kind: Pod
metadata: { name: pod-${i}, labels: { app: app-${i % apps} } }
spec: { nodeName: node${n}, containers: [{ name: c, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }`);
    }
  }
  for (let k = 0; k < POLICIES; k++) {
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: policy-${k} }
spec:
  podSelector: { matchLabels: { app: app-${k} } }
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ podSelector: { matchLabels: { app: app-${(k + POLICIES - 2) % POLICIES} } } }]
    ports: [{ protocol: TCP, port: http }]
  egress:
  - to: [{ podSelector: { matchLabels: { app: app-${(k + 2) % POLICIES} } } }, { ipBlock: { cidr: 10.96.0.0/12 } }]
    ports: [{ protocol: TCP, port: 80 }, { protocol: UDP, port: 53 }]`);
  }
  docs.push(`apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: app-1 }, ports: [{ port: 80, targetPort: 80 }] }`);
  return docs.join("\n---\n") + "\n";
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function benchClusters(log: (s: string) => void): void {
  log("\n## Clusters: 30 Pods per Node, 1,000 NetworkPolicies");
  log("| Nodes | scenario | load | compile one Node | its flows | heap after compile | cross-Node trace (median) |");
  log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const nodes of [3, 100, 1000]) {
    const text = clusterScenario(nodes);
    (globalThis as { gc?: () => void }).gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let t0 = performance.now();
    const r = loadScenario(text, { fileName: "bench.yaml" });
    const load = performance.now() - t0;
    if (!r.scenario) throw new Error(r.errors.slice(0, 3).map((e) => e.text).join("\n"));
    t0 = performance.now();
    const compiled = compileNode(r.scenario, "node1");
    const compile = performance.now() - t0;
    const heap = process.memoryUsage().heapUsed - heap0;
    // pod-29 (app-29, last Pod of node0) → pod-31 (app-31, on node1): policy-29 lets app-29 send to
    // app-31, and policy-31 lets app-31 receive from app-29.
    const cluster = new Cluster(r.scenario);
    const from = "pod-29";
    const to = `${r.scenario.pods.find((p) => p.metadata.name === "pod-31")!.status.podIP}:80`;
    const samples: number[] = [];
    let verdict = "";
    for (let k = 0; k < 60; k++) {
      const t = performance.now();
      const res = traceCluster(cluster, { from, to, sport: 40000 + k });
      samples.push(performance.now() - t);
      verdict = res.verdict;
    }
    samples.sort((a, b) => a - b);
    const trace = samples[Math.floor(samples.length / 2)]!;
    log(`| ${nodes} | ${mib(text.length)} | ${(load / 1000).toFixed(2)} s | ${compile.toFixed(0)} ms | ${compiled.bridge.flowCount} | ${mib(heap)} | ${(trace * 1000).toFixed(0)} µs (${verdict}) |`);
  }
}
