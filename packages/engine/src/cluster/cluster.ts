/**
 * The simulated cluster: per Node, the br-int that Antrea programs (with a
 * stateful OVS conntrack) and the Linux host around it (iptables, routes,
 * neighbours, netfilter conntrack). State lives here, so packets of one
 * connection see the connection tracking of the packets before them.
 */
import { compileNode, type CompiledNode } from "../antrea/index.ts";
import type { Bridge } from "../bridge/bridge.ts";
import { Conntrack } from "../bridge/conntrack.ts";
import { ipToNum, isIpv4, parsePrefix, prefixContains } from "../host/addr.ts";
import { mulberry32, seedOf, type Host } from "../host/host.ts";
import { loadScenario } from "../k8s/load.ts";
import { keyOf } from "../k8s/query.ts";
import type { ClusterNode, Pod, Scenario, Service } from "../k8s/types.ts";
import { buildNodeHost } from "./hosts.ts";

export interface NodeRuntime {
  readonly name: string;
  readonly node: ClusterNode;
  readonly compiled: CompiledNode;
  readonly bridge: Bridge;
  /** OVS's connection tracker (the datapath's, zone 65520 for Antrea). */
  readonly ovsCt: Conntrack;
  readonly host: Host;
}

export interface ClusterOptions {
  /**
   * Seed of the random sources: kube-proxy's `statistic` draws on each Node
   * and the ephemeral source ports. The default reproduces the seed lab's
   * `curl backendsvc` answered by backend1, then backend2.
   */
  readonly seed?: string | number;
  /** /proc/net/arp order per Node (IPs), when the scenario pins none. */
  readonly neighborOrder?: Readonly<Record<string, readonly string[]>>;
}

/** The default random seed (see ClusterOptions.seed). */
export const DEFAULT_SEED = "10";

/** Node runtimes by name, built on first access. */
class LazyRuntimes implements ReadonlyMap<string, NodeRuntime> {
  private readonly names: readonly string[];
  private readonly make: (name: string) => NodeRuntime;
  private readonly made = new Map<string, NodeRuntime>();

  constructor(names: readonly string[], make: (name: string) => NodeRuntime) {
    this.names = names;
    this.make = make;
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  get(name: string): NodeRuntime | undefined {
    let rt = this.made.get(name);
    if (!rt && this.names.includes(name)) {
      rt = this.make(name);
      this.made.set(name, rt);
    }
    return rt;
  }

  /** The runtimes built so far. */
  created(): IterableIterator<NodeRuntime> {
    return this.made.values();
  }

  *entries(): MapIterator<[string, NodeRuntime]> {
    for (const n of this.names) yield [n, this.get(n)!];
  }

  keys(): MapIterator<string> {
    return this.names[Symbol.iterator]() as MapIterator<string>;
  }

  *values(): MapIterator<NodeRuntime> {
    for (const n of this.names) yield this.get(n)!;
  }

  forEach(cb: (value: NodeRuntime, key: string, map: ReadonlyMap<string, NodeRuntime>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, NodeRuntime]> {
    return this.entries();
  }
}

export class Cluster {
  readonly scenario: Scenario;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  private readonly runtimes: LazyRuntimes;
  private seedText: string;
  private portRng: () => number;

  constructor(scenario: Scenario, opts: ClusterOptions = {}) {
    this.scenario = scenario;
    this.seedText = String(opts.seed ?? DEFAULT_SEED);
    // Each Node is compiled the first time something looks at it, so a
    // 1,000-Node cluster costs only the Nodes a packet actually crosses.
    this.runtimes = new LazyRuntimes(scenario.nodes.map((n) => n.name), (name) => {
      const node = scenario.nodes.find((n) => n.name === name)!;
      const compiled = compileNode(scenario, node.name);
      const pinned = (node as { readonly neighborOrder?: readonly string[] }).neighborOrder ?? opts.neighborOrder?.[node.name];
      const host = buildNodeHost(scenario, node, {
        rngSeed: `${this.seedText}/${node.name}`,
        ...(pinned ? { neighborOrder: pinned } : {}),
      });
      return { name: node.name, node, compiled, bridge: compiled.bridge, ovsCt: new Conntrack(), host };
    });
    this.nodes = this.runtimes;
    this.portRng = mulberry32(seedOf(`${this.seedText}/ports`));
  }

  /** Loads a scenario file's text; throws with the loader's messages on errors. */
  static fromYaml(text: string, fileName = "scenario.yaml", opts: ClusterOptions = {}): Cluster {
    const r = loadScenario(text, { fileName });
    if (!r.scenario) throw new Error(r.errors.map((e) => e.text).join("\n"));
    return new Cluster(r.scenario, opts);
  }

  get seed(): string {
    return this.seedText;
  }

  /** Restarts every random source from `seed`. */
  reseed(seed: string | number): void {
    this.seedText = String(seed);
    for (const rt of this.runtimes.created()) rt.host.reseed(seedOf(`${this.seedText}/${rt.name}`));
    this.portRng = mulberry32(seedOf(`${this.seedText}/ports`));
  }

  runtime(node: string): NodeRuntime | undefined {
    return this.nodes.get(node);
  }

  /** A Linux ephemeral port (net.ipv4.ip_local_port_range 32768–60999). */
  ephemeralPort(): number {
    return 32768 + (this.portRng() % (60999 - 32768 + 1));
  }

  /** `NAME` (namespace `defaultNamespace`) or `NAMESPACE/NAME`. */
  pod(ref: string, defaultNamespace = "default"): Pod | undefined {
    const key = ref.includes("/") ? ref : `${defaultNamespace}/${ref}`;
    return this.podIndex().byKey.get(key);
  }

  /** The Pod (with its own network namespace) that has `ip`. */
  podByIp(ip: string): Pod | undefined {
    return this.podIndex().byIp.get(ip);
  }

  private podLookup: { byKey: Map<string, Pod>; byIp: Map<string, Pod> } | undefined;

  private podIndex(): { byKey: Map<string, Pod>; byIp: Map<string, Pod> } {
    if (!this.podLookup) {
      const byKey = new Map<string, Pod>();
      const byIp = new Map<string, Pod>();
      for (const p of this.scenario.pods) {
        const k = keyOf(p);
        if (!byKey.has(k)) byKey.set(k, p);
        if (p.lab && !byIp.has(p.status.podIP)) byIp.set(p.status.podIP, p);
      }
      this.podLookup = { byKey, byIp };
    }
    return this.podLookup;
  }

  service(ref: string, defaultNamespace = "default"): Service | undefined {
    const key = ref.includes("/") ? ref : `${defaultNamespace}/${ref}`;
    return this.scenario.services.find((s) => keyOf(s) === key);
  }

  serviceByClusterIP(ip: string): Service | undefined {
    return this.scenario.services.find((s) => s.spec.clusterIP === ip);
  }

  nodeByName(name: string): ClusterNode | undefined {
    return this.scenario.nodes.find((n) => n.name === name);
  }

  nodeByIp(ip: string): ClusterNode | undefined {
    return this.scenario.nodes.find((n) => n.ip === ip);
  }

  /** The Node whose uplink has `mac`. */
  nodeByUplinkMac(mac: string): ClusterNode | undefined {
    return this.scenario.nodes.find((n) => n.mac === mac);
  }

  externalHost(nameOrIp: string): { readonly name: string; readonly ip: string; readonly mac?: string } | undefined {
    return this.scenario.cluster.externalHosts.find((h) => h.name === nameOrIp || h.ip === nameOrIp);
  }

  /** The Node whose PodCIDR contains `ip`. */
  nodeOfPodIp(ip: string): ClusterNode | undefined {
    if (!isIpv4(ip)) return undefined;
    return this.scenario.nodes.find((n) => n.podCIDR && prefixContains(parsePrefix(n.podCIDR), ipToNum(ip)));
  }

  inServiceCIDR(ip: string): boolean {
    return isIpv4(ip) && prefixContains(parsePrefix(this.scenario.cluster.serviceCIDR), ipToNum(ip));
  }

  /**
   * Cluster DNS (CoreDNS `kubernetes` plugin) for a client in `namespace`:
   * `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`, with the
   * search path `ns.svc.cluster.local svc.cluster.local cluster.local`.
   * Returns the ClusterIP, or undefined (NXDOMAIN).
   */
  resolveServiceName(name: string, namespace: string): string | undefined {
    const n = name.replace(/\.$/, "");
    const candidates: string[] = [];
    const labels = n.split(".");
    if (n.endsWith(".svc.cluster.local")) candidates.push(n);
    else if (labels.length === 1) candidates.push(`${n}.${namespace}.svc.cluster.local`);
    else if (labels.length === 2) candidates.push(`${n}.svc.cluster.local`);
    else if (labels.length === 3 && labels[2] === "svc") candidates.push(`${n}.cluster.local`);
    for (const c of candidates) {
      const [svc, ns] = c.split(".");
      const s = this.scenario.services.find((x) => x.metadata.name === svc && x.metadata.namespace === ns);
      if (s && s.spec.clusterIP && s.spec.clusterIP !== "None") return s.spec.clusterIP;
    }
    return undefined;
  }
}
