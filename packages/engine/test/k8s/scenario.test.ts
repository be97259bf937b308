// Scenario loading: the seed, derived identities, every error class with its
// kubectl-style message and its line and column, determinism.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario, antreaInterfaceName } from "../../src/k8s/load.ts";
import { ageOf, localPods, podByKey, serviceByKey, endpointsByKey, keyOf, formatSelector } from "../../src/k8s/query.ts";
import { humanDuration } from "../../src/k8s/time.ts";
import { sha1Hex } from "../../src/k8s/sha1.ts";
import type { Scenario, ScenarioError } from "../../src/k8s/types.ts";

const seedText = readFileSync(new URL("../../../../content/seed.yaml", import.meta.url), "utf8");

function seed(): Scenario {
  const r = loadScenario(seedText, { fileName: "seed.yaml" });
  if (!r.scenario) throw new Error(r.errors.map((e) => e.text).join("\n"));
  return r.scenario;
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k < nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${needle} not found`);
  }
  const before = text.slice(0, i).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const CLUSTER = `apiVersion: ovs-lab/v1alpha1
kind: Cluster
metadata: { name: t }
spec:
  clusterCIDR: 10.10.0.0/16
  serviceCIDR: 10.96.0.0/12
  clock: 2021-01-01T00:00:00Z
  antrea: { version: v0.10.1 }
  nodes:
  - { name: n1, ip: 192.168.0.1 }
  - { name: n2, ip: 192.168.0.2 }
`;

function errorsOf(text: string): ScenarioError[] {
  const r = loadScenario(text, { fileName: "lab.yaml" });
  expect(r.scenario).toBeUndefined();
  return [...r.errors];
}

/** The single error of `text`, checked against message and position. */
function expectError(text: string, message: string, needle: string, nth = 1): void {
  const errs = errorsOf(text);
  expect(errs.map((e) => e.message)).toEqual([message]);
  const pos = at(text, needle, nth);
  expect({ line: errs[0]!.line, column: errs[0]!.column }).toEqual(pos);
  expect(errs[0]!.file).toBe("lab.yaml");
  expect(errs[0]!.text).toBe(`lab.yaml:${pos.line}:${pos.column}: ${message}`);
}

describe("the seed scenario", () => {
  const s = seed();

  it("loads with no error", () => {
    expect(loadScenario(seedText, { fileName: "seed.yaml" }).errors).toEqual([]);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.pods[0]!.metadata.labels)).toBe(true);
  });

  it("derives the Node CIDRs (Node IPAM, in Node order) and gateways", () => {
    expect(s.nodes.map((n) => [n.name, n.podCIDR, n.gatewayIP, n.agentPod, n.kubeProxyPod])).toEqual([
      ["master", "10.222.0.0/24", "10.222.0.1", "antrea-agent-bpmx8", "kube-proxy-kg8rr"],
      ["worker1", "10.222.1.0/24", "10.222.1.1", "antrea-agent-f76q2", "kube-proxy-qj5bp"],
      ["worker2", "10.222.2.0/24", "10.222.2.1", "antrea-agent-fv5x9", "kube-proxy-dngwf"],
    ]);
    expect(s.nodes[1]!.gatewayMAC).toBe("4e:99:08:c1:53:be");
    expect(s.nodes[2]!.bridge).toMatchObject({ dpid: "0000729fba949641", tunnelMAC: "d2:6e:97:16:97:5d" });
    expect(s.nodes[0]!.gatewayMAC).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
  });

  it("derives the Pods' IPs, OF ports and interfaces as the seed shows them", () => {
    const w1 = localPods(s, "worker1").map((p) => [p.metadata.name, p.status.podIP, p.lab!.ofport, p.lab!.interfaceName, p.lab!.hostVethMAC]);
    expect(w1).toEqual([
      ["coredns-66bff467f8-bclzd", "10.222.1.2", 3, "coredns--3e3abf", "6a:88:6d:f3:d8:a4"],
      ["antrea-octant-f59b76dd9-dcvvl", "10.222.1.3", 4, "antrea-o-830766", "56:69:25:bb:46:ae"],
      ["backend1", "10.222.1.47", 48, "backend1-bab86f", "9e:bf:dd:84:e6:90"],
      ["frontend", "10.222.1.48", 49, "frontend-a3ba2f", "e6:88:e2:ed:64:82"],
    ]);
    const w2 = localPods(s, "worker2").map((p) => [p.metadata.name, p.status.podIP, p.lab!.ofport, p.lab!.interfaceName]);
    expect(w2).toEqual([["coredns-66bff467f8-f4nc4", "10.222.2.2", 3, "coredns--d8f62c"], ["backend2", "10.222.2.34", 35, "backend2-202ff6"]]);
    expect(localPods(s, "master")).toEqual([]);
    expect(podByKey(s, "default/frontend")!.lab).toMatchObject({ mac: "be:2c:bf:e4:ec:c5", hostIfindex: 53, peerIfindex: 3 });
    expect(podByKey(s, "kube-system/antrea-controller-655fcbc656-hrkwg")!.status.podIP).toBe("10.79.1.202");
    expect(podByKey(s, "kube-system/antrea-agent-f76q2")!.status).toMatchObject({ podIP: "10.79.1.201", ready: "2/2" });
    expect(s.pods).toHaveLength(17);
  });

  it("prints the seed's AGE and RESTARTS at both captures' clocks", () => {
    const pod = (k: string) => podByKey(s, k)!;
    expect(["default/backend1", "default/backend2", "default/frontend"].map((k) => ageOf(s, pod(k)))).toEqual(["7d17h", "7d17h", "7d17h"]);
    expect(["default/backend1", "default/frontend"].map((k) => ageOf(s, pod(k), "podsAll"))).toEqual(["41m", "41m"]);
    const system = s.pods.filter((p) => p.metadata.namespace === "kube-system");
    expect(new Set(system.map((p) => ageOf(s, p, "podsAll")))).toEqual(new Set(["18d"]));
    expect(system.map((p) => `${p.metadata.name}:${p.status.restartCount}`).filter((x) => !x.endsWith(":0")).sort()).toEqual([
      "etcd-master:1", "kube-apiserver-master:1", "kube-controller-manager-master:4", "kube-proxy-dngwf:1",
      "kube-proxy-kg8rr:1", "kube-proxy-qj5bp:1", "kube-scheduler-master:5",
    ]);
    expect(ageOf(s, serviceByKey(s, "default/backendsvc")!)).toBe("7d17h");
    expect(ageOf(s, serviceByKey(s, "default/kubernetes")!)).toBe("12d");
    expect(ageOf(s, endpointsByKey(s, "default/kubernetes")!)).toBe("12d");
    expect(s.networkPolicies.map((n) => `${n.metadata.name} ${formatSelector(n.spec.podSelector)} ${ageOf(s, n)}`))
      .toEqual(["frontendpolicy role=frontend 7d18h", "backendpolicy role=backend 7d18h"]);
    expect(s.nodes.map((n) => ageOf(s, n, "podsAll"))).toEqual(["20d", "20d", "20d"]);
  });

  it("has the Services and Endpoints of seed-lab §6", () => {
    expect(s.services.map((v) => `${keyOf(v)} ${v.spec.type} ${v.spec.clusterIP} ${v.spec.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol}`).join(",")}`).sort()).toEqual([
      "default/backendsvc ClusterIP 10.104.65.133 80/TCP",
      "default/frontend-nodeport NodePort 10.108.131.6 80:32422/TCP",
      "default/kubernetes ClusterIP 10.96.0.1 443/TCP",
      "kube-system/antrea ClusterIP 10.110.254.249 443/TCP",
      "kube-system/antrea-octant NodePort 10.109.110.219 80:31067/TCP",
      "kube-system/kube-dns ClusterIP 10.96.0.10 53/UDP,53/TCP,9153/TCP",
    ]);
    const ep = (k: string) => endpointsByKey(s, k)!.subsets.flatMap((ss) => ss.addresses.flatMap((a) => ss.ports.map((p) => `${a.ip}:${p.port}`)));
    expect(ep("default/backendsvc")).toEqual(["10.222.1.47:80", "10.222.2.34:80"]);
    expect(ep("default/kubernetes")).toEqual(["10.79.1.200:6443"]);
    expect(ep("kube-system/antrea")).toEqual(["10.79.1.202:10349"]);
    expect(ep("kube-system/antrea-octant")).toEqual(["10.222.1.3:80"]);
    expect(ep("default/frontend-nodeport")).toEqual(["10.222.1.48:80"]);
    expect(ep("kube-system/kube-dns")).toEqual(["10.222.1.2:53", "10.222.1.2:53", "10.222.1.2:9153", "10.222.2.2:53", "10.222.2.2:53", "10.222.2.2:9153"]);
  });

  it("keeps the policies' manifest section order and API defaults", () => {
    expect(s.networkPolicies.map((n) => n.sectionOrder)).toEqual([["egress", "ingress"], ["ingress", "egress"]]);
    expect(s.networkPolicies[0]!.spec.egress[1]).toEqual({ to: [], ports: [{ protocol: "UDP", port: 53 }] });
    expect(s.cluster.antrea).toMatchObject({ version: "v0.10.0-dev-4ed2c67", featureGates: { Traceflow: true }, roundNum: 1, conjIdOrder: "manifest" });
  });
});

describe("derivation", () => {
  it("SHA-1 and Antrea's interface names", () => {
    expect(sha1Hex("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1Hex("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1Hex("a".repeat(1000))).toBe("291e9a6c66994949b57ba5e650361e98fc36b1ba");
    expect(antreaInterfaceName("coredns-66bff467f8-bclzd", "abc")).toBe("coredns--a9993e");
    expect(antreaInterfaceName("web", "abc")).toBe("web-a9993e");
    expect(antreaInterfaceName("-abcdefghij", "abc")).toBe("abcdefg-a9993e");
  });

  it("kubectl's HumanDuration", () => {
    const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
    expect([119 * s, 5 * m, 5 * m + 3 * s, 41 * m, 3 * h + 5 * m, 47 * h, 7 * d + 17 * h + 20 * m, 18 * d + 4 * h, 800 * d].map(humanDuration))
      .toEqual(["119s", "5m", "5m3s", "41m", "3h5m", "47h", "7d17h", "18d", "2y70d"]);
  });

  const pods = (names: string[], pins = ""): string => CLUSTER + (pins ? `  pins:\n    pods:\n${pins}` : "") +
    names.map((n) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: ${n} }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`).join("");

  it("allocates IPs from .2 and OF ports from 3 in creation order, skipping pinned ones", () => {
    const r = loadScenario(pods(["a", "b", "c"], "      default/b: { ip: 10.10.0.2, ofport: 3 }\n"));
    expect(r.errors).toEqual([]);
    expect(r.scenario!.pods.filter((p) => p.lab).map((p) => `${p.metadata.name} ${p.status.podIP} ${p.lab!.ofport}`))
      .toEqual(["a 10.10.0.3 4", "b 10.10.0.2 3", "c 10.10.0.4 5"]);
    const name = r.scenario!.pods.find((p) => p.metadata.name === "a")!.lab!;
    expect(name.interfaceName).toBe(antreaInterfaceName("a", name.containerID));
    expect(name.containerID).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is deterministic, and deleting a Pod leaves pinned Pods alone", () => {
    const text = pods(["a", "b", "c"], "      default/c: { ip: 10.10.0.9, ofport: 7 }\n");
    const one = loadScenario(text).scenario!;
    expect(loadScenario(text).scenario).toEqual(one);
    const fewer = loadScenario(text.replace(/---\napiVersion: v1\nkind: Pod\nmetadata: \{ name: a \}[^\n]*\n[^\n]*\n/, "")).scenario!;
    const c1 = one.pods.find((p) => p.metadata.name === "c")!, c2 = fewer.pods.find((p) => p.metadata.name === "c")!;
    expect(c2.status.podIP).toBe(c1.status.podIP);
    const { hostIfindex: _i1, ...l1 } = c1.lab!;
    const { hostIfindex: _i2, ...l2 } = c2.lab!;
    expect(l2).toEqual(l1);
    expect(fewer.pods.find((p) => p.metadata.name === "b")!.lab!.mac).toBe(one.pods.find((p) => p.metadata.name === "b")!.lab!.mac);
  });

  it("schedules Pods without nodeName on the least loaded worker and derives Service IPs in the CIDR", () => {
    const text = CLUSTER + ["x", "y", "z"].map((n) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: ${n}, labels: { app: x } }\nspec: { containers: [{ name: c, image: i }] }\n`).join("") +
      "---\napiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { selector: { app: x }, ports: [{ port: 80 }] }\n";
    const s = loadScenario(text).scenario!;
    expect(s.pods.filter((p) => p.lab).map((p) => p.spec.nodeName)).toEqual(["n1", "n2", "n1"]);
    const svc = serviceByKey(s, "default/s")!;
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(endpointsByKey(s, "default/s")!.subsets[0]!.addresses.map((a) => a.targetRef)).toHaveLength(3);
  });
});

describe("errors: kubectl-style messages with file, line and column", () => {
  it("YAML syntax errors", () => {
    const text = `${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a\n`;
    const errs = errorsOf(text);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/^error converting YAML to JSON: yaml: line \d+: /);
    expect(errs[0]!.line).toBeGreaterThanOrEqual(at(text, "metadata: { name: a").line);
  });

  it("unknown kind and unknown apiVersion", () => {
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Deploymnt\nmetadata: { name: a }\n`,
      'unable to recognize "lab.yaml": no matches for kind "Deploymnt" in version "v1"', "Deploymnt");
    expectError(`${CLUSTER}---\napiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: { name: a }\nspec: { podSelector: {} }\n`,
      'unable to recognize "lab.yaml": no matches for kind "NetworkPolicy" in version "networking.k8s.io/v1beta1"', "networking.k8s.io/v1beta1");
    expectError(`${CLUSTER}---\nmetadata: { name: a }\n`, "error validating data: [apiVersion not set, kind not set]", "metadata: { name: a }");
  });

  it("wrong types, unknown fields, missing required fields", () => {
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  nodeName: 5\n  containers: [{ name: c, image: i }]\n`,
      'error validating data: ValidationError(Pod.spec.nodeName): invalid type for io.k8s.api.core.v1.PodSpec.nodeName: got "integer", expected "string"', "5\n");
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  nodename: n1\n  containers: [{ name: c, image: i }]\n`,
      'error validating data: ValidationError(Pod.spec): unknown field "nodename" in io.k8s.api.core.v1.PodSpec', "nodename");
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  nodeName: n1\n`,
      'error validating data: ValidationError(Pod.spec): missing required field "containers" in io.k8s.api.core.v1.PodSpec', "spec:", 2);
    expectError(`${CLUSTER}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: TCP\n      port: [80]\n`,
      'error validating data: ValidationError(NetworkPolicy.spec.ingress[0].ports[0].port): invalid type for io.k8s.api.networking.v1.NetworkPolicyPort.port: got "array", expected "string"', "[80]");
  });

  it("invalid names and label values", () => {
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: Web_1 }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`,
      `The Pod "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`, "Web_1");
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a, labels: { role: "front end" } }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`,
      `The Pod "a" is invalid: metadata.labels: Invalid value: "front end": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`, '"front end"');
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Service\nmetadata: { name: 9svc }\nspec: { ports: [{ port: 80 }] }\n`,
      `The Service "9svc" is invalid: metadata.name: Invalid value: "9svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`, "9svc");
  });

  const np = (spec: string): string => `${CLUSTER}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec:\n  podSelector: {}\n${spec}`;

  it("invalid NetworkPolicies, as the API server validates them", () => {
    expectError(np("  ingress:\n  - ports: [{ port: 70000 }]\n"),
      'The NetworkPolicy "p" is invalid: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', "70000");
    expectError(np("  ingress:\n  - ports: [{ protocol: ICMP }]\n"),
      'The NetworkPolicy "p" is invalid: spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"', "ICMP");
    expectError(np("  egress:\n  - ports: [{ port: WebPort }]\n"),
      'The NetworkPolicy "p" is invalid: spec.egress[0].ports[0].port: Invalid value: "WebPort": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', "WebPort");
    expect(errorsOf(np("  egress:\n  - ports: [{ port: -web--port }]\n")).map((e) => e.message.replace(/^.*"-web--port": /, ""))).toEqual([
      "must not contain consecutive hyphens", "must not begin or end with a hyphen",
    ]);
    expectError(np("  ingress:\n  - from:\n    - ipBlock: { cidr: 10.0.0.0/33 }\n"),
      'The NetworkPolicy "p" is invalid: spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": not a valid CIDR', "10.0.0.0/33");
    expectError(np("  egress:\n  - to:\n    - ipBlock: { cidr: 10.0.0.0/16, except: [10.1.0.0/24] }\n"),
      'The NetworkPolicy "p" is invalid: spec.egress[0].to[0].ipBlock.except[0]: Invalid value: 10.1.0.0: not within CIDR range', "10.1.0.0/24");
    expectError(np("  ingress:\n  - from:\n    - ipBlock: { cidr: 10.0.0.0/16 }\n      podSelector: {}\n"),
      'The NetworkPolicy "p" is invalid: spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer', "ipBlock");
    expectError(np("  ingress:\n  - from:\n    - {}\n"),
      'The NetworkPolicy "p" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer', "{}\n", 2);
    expectError(np("  policyTypes: [Ingress, Outbound]\n"),
      'The NetworkPolicy "p" is invalid: spec.policyTypes[1]: Unsupported value: "Outbound": supported values: "Ingress", "Egress"', "Outbound");
    expectError(np("  ingress:\n  - from:\n    - podSelector: { matchExpressions: [{ key: app, operator: In }] }\n"),
      "The NetworkPolicy \"p\" is invalid: spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'", "{ key: app");
  });

  it("a Pod whose nodeName is not a Node, a missing Namespace", () => {
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { nodeName: n9, containers: [{ name: c, image: i }] }\n`,
      'The Pod "a" is invalid: spec.nodeName: Invalid value: "n9": no Node named "n9" in the Cluster document (Nodes: n1, n2)', "n9");
    expectError(`${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: a, namespace: shop }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`,
      'Error from server (NotFound): namespaces "shop" not found', "shop");
  });

  it("duplicate objects", () => {
    const pod = "---\napiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n";
    const text = CLUSTER + pod + pod;
    expectError(text, `Error from server (AlreadyExists): pods "a" already exists (first defined at line ${at(text, "kind: Pod").line - 1})`, "a }", 2);
  });

  const withPins = (pins: string, podsOn = ["a", "b"]): string => `${CLUSTER}  pins:\n    pods:\n${pins}` +
    podsOn.map((n) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: ${n} }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`).join("");

  it("duplicate pinned IPs, pinned IPs outside the Node's podCIDR, pins of nothing", () => {
    const dup = withPins("      default/a: { ip: 10.10.0.7 }\n      default/b: { ip: 10.10.0.7 }\n");
    expectError(dup, 'The Cluster "t" is invalid: spec.pins.pods["default/b"].ip: Duplicate value: "10.10.0.7": already pinned for Pod default/a', "10.10.0.7", 2);
    expectError(withPins("      default/a: { ip: 10.10.1.7 }\n"),
      'The Cluster "t" is invalid: spec.pins.pods["default/a"].ip: Invalid value: "10.10.1.7": not within the podCIDR 10.10.0.0/24 of Node "n1"', "10.10.1.7");
    expectError(withPins("      default/zz: { ip: 10.10.0.7 }\n"),
      'The Cluster "t" is invalid: spec.pins.pods["default/zz"]: Not found: no Pod "zz" in namespace "default"', "default/zz");
  });

  it("Pod CIDR exhaustion and Node CIDR exhaustion", () => {
    const small = CLUSTER.replace("clusterCIDR: 10.10.0.0/16", "clusterCIDR: 10.10.0.0/16\n  nodeCIDRMaskSize: 30");
    const text = small + ["a", "b"].map((n) => `---\napiVersion: v1\nkind: Pod\nmetadata: { name: ${n} }\nspec: { nodeName: n1, containers: [{ name: c, image: i }] }\n`).join("");
    expectError(text, 'The Pod "b" cannot start on Node "n1": failed to allocate for range 0: no IP addresses available in range set: 10.10.0.2-10.10.0.2', "b }");
    const errs = errorsOf(text);
    expect(errs).toHaveLength(1);
    const nodes = CLUSTER.replace("clusterCIDR: 10.10.0.0/16", "clusterCIDR: 10.10.0.0/24");
    expectError(nodes, 'Node "n2": failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range', "n2");
  });

  it("CIDR overlaps: cluster vs Service vs Node network", () => {
    expectError(CLUSTER.replace("serviceCIDR: 10.96.0.0/12", "serviceCIDR: 10.0.0.0/8"),
      'The Cluster "t" is invalid: spec.serviceCIDR: Invalid value: "10.0.0.0/8": overlaps with spec.clusterCIDR 10.10.0.0/16', "10.0.0.0/8");
    expectError(CLUSTER.replace("ip: 192.168.0.2", "ip: 10.10.9.9"),
      'The Cluster "t" is invalid: spec.nodes[1].ip: Invalid value: "10.10.9.9": is inside the clusterCIDR 10.10.0.0/16', "10.10.9.9");
    const text = CLUSTER.replace("clock:", "nodeNetwork: 10.96.0.0/24\n  clock:");
    const errs = errorsOf(text);
    expect(errs.map((e) => e.message)).toEqual([
      'The Cluster "t" is invalid: spec.nodeNetwork: Invalid value: "10.96.0.0/24": overlaps with spec.serviceCIDR 10.96.0.0/12',
      'The Cluster "t" is invalid: spec.nodes[0].ip: Invalid value: "192.168.0.1": is not inside spec.nodeNetwork 10.96.0.0/24',
      'The Cluster "t" is invalid: spec.nodes[1].ip: Invalid value: "192.168.0.2": is not inside spec.nodeNetwork 10.96.0.0/24',
    ]);
    expect([errs[0]!.line, errs[0]!.column]).toEqual([at(text, "10.96.0.0/24").line, at(text, "10.96.0.0/24").column]);
  });

  it("Cluster document: unsupported Antrea version, missing document", () => {
    expectError(CLUSTER.replace("version: v0.10.1", "version: v2.7.0"),
      'The Cluster "t" is invalid: spec.antrea.version: Unsupported value: "v2.7.0": supported values: "v0.10.0-dev-4ed2c67", "v0.10.0", "v0.10.1"', "v2.7.0");
    const errs = errorsOf("apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n");
    expect(errs.map((e) => [e.message, e.line, e.column])).toEqual([
      ["no Cluster document found: add one document with apiVersion: ovs-lab/v1alpha1 and kind: Cluster", 1, 1],
    ]);
  });

  it("collects every problem instead of stopping at the first", () => {
    const text = `${CLUSTER}---\napiVersion: v1\nkind: Pod\nmetadata: { name: A }\nspec: { nodeName: n9, containers: [{ name: c, image: i }] }\n` +
      `---\napiVersion: v1\nkind: Foo\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec:\n  podSelector: {}\n  ingress: [{ ports: [{ port: 0 }] }]\n`;
    const errs = errorsOf(text);
    expect(errs.map((e) => e.line)).toEqual([at(text, "Foo").line, at(text, "A }").line, at(text, "n9").line, at(text, "port: 0").line]);
    expect(errs.map((e) => e.message.slice(0, 20))).toEqual(['unable to recognize ', 'The Pod "A" is inval', 'The Pod "A" is inval', 'The NetworkPolicy "p']);
  });
});
