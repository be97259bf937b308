/**
 * The antrea-controller's side of Kubernetes NetworkPolicy
 * (pkg/controller/networkpolicy/networkpolicy_controller.go,
 * `processNetworkPolicy`, v0.10): each policy becomes an AppliedToGroup and
 * a list of rules whose peers are AddressGroups (Pods, cluster-wide) and
 * IPBlocks; isolation without rules becomes a deny-all rule.
 */
import { matchSelector, keyOf } from "../../k8s/query.ts";
import type {
  ContainerPort, IPBlock, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Pod, Protocol, Scenario,
} from "../../k8s/types.ts";
import type { ConjIdOrder } from "../../k8s/types.ts";

/** A Pod as a group member: its IP and container ports (for named ports). */
export interface GroupMember {
  readonly pod: string;
  readonly ip: string;
  readonly node: string;
  readonly ofport?: number;
  readonly ports: readonly ContainerPort[];
}

export interface RuleService {
  readonly protocol: Protocol;
  /** A number, a named port, or absent (all ports). */
  readonly port?: number | string;
}

export interface RulePeer {
  /** Members of the rule's AddressGroups (deduplicated, by IP). */
  readonly members: readonly GroupMember[];
  readonly ipBlocks: readonly IPBlock[];
}

export interface ControllerRule {
  readonly policy: string;
  readonly direction: "In" | "Out";
  /** Index in spec.ingress / spec.egress; -1 for an implicit deny-all rule. */
  readonly index: number;
  /** From (ingress) or To (egress). */
  readonly peer: RulePeer;
  /** undefined: no ports (all ports). */
  readonly services?: readonly RuleService[];
  /** A human name: `default/frontendpolicy egress[0]`, `… ingress deny-all`. */
  readonly name: string;
}

export interface InternalPolicy {
  readonly key: string;
  readonly policy: NetworkPolicy;
  /** The AppliedToGroup: Pods selected by spec.podSelector in the policy's namespace. */
  readonly appliedTo: readonly GroupMember[];
  /** Rules in the order conj IDs are allocated (see `conjIdOrder`). */
  readonly rules: readonly ControllerRule[];
}

/** `matchAllPeer`: the IPBlock 0.0.0.0/0. */
const MATCH_ALL: IPBlock = { cidr: "0.0.0.0/0", except: [] };
const ALL_NAMESPACES: LabelSelector = { matchLabels: {}, matchExpressions: [] };

export function memberOf(p: Pod): GroupMember {
  return {
    pod: keyOf(p), ip: p.status.podIP, node: p.spec.nodeName,
    ...(p.lab ? { ofport: p.lab.ofport } : {}),
    ports: p.spec.containers.flatMap((c) => c.ports),
  };
}

/** Non-host-network Pods of a scenario by namespace and by `namespace/key=value` label. */
interface PodIndex {
  readonly byNamespace: ReadonlyMap<string, readonly Pod[]>;
  readonly byLabel: ReadonlyMap<string, readonly Pod[]>;
}

const podIndexes = new WeakMap<Scenario, PodIndex>();

function podIndex(s: Scenario): PodIndex {
  let idx = podIndexes.get(s);
  if (idx) return idx;
  const byNamespace = new Map<string, Pod[]>();
  const byLabel = new Map<string, Pod[]>();
  const push = (m: Map<string, Pod[]>, k: string, p: Pod) => {
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  };
  for (const p of s.pods) {
    if (p.spec.hostNetwork) continue;
    const ns = p.metadata.namespace;
    push(byNamespace, ns, p);
    for (const [k, v] of Object.entries(p.metadata.labels)) push(byLabel, `${ns}\u0000${k}\u0000${v}`, p);
  }
  idx = { byNamespace, byLabel };
  podIndexes.set(s, idx);
  return idx;
}

/**
 * Pods of `namespaces` that `sel` selects, without host-network Pods (Antrea
 * cannot enforce policy on them, and their IP is the Node's). A selector's
 * matchLabels narrow the candidates through the index first.
 */
function selectIndexed(s: Scenario, namespaces: ReadonlySet<string>, sel: LabelSelector): Pod[] {
  const idx = podIndex(s);
  const out: Pod[] = [];
  const labels = Object.entries(sel.matchLabels);
  for (const ns of namespaces) {
    let candidates = idx.byNamespace.get(ns) ?? [];
    for (const [k, v] of labels) {
      const bucket = idx.byLabel.get(`${ns}\u0000${k}\u0000${v}`) ?? [];
      if (bucket.length < candidates.length) candidates = bucket;
    }
    for (const p of candidates) if (matchSelector(sel, p.metadata.labels)) out.push(p);
  }
  return out;
}

/** Pods a peer selects. */
function selectPeerPods(s: Scenario, np: NetworkPolicy, peer: NetworkPolicyPeer): Pod[] {
  const nsSel = peer.namespaceSelector;
  const podSel = peer.podSelector ?? ALL_NAMESPACES;
  const namespaces = nsSel
    ? new Set(s.namespaces.filter((n) => matchSelector(nsSel, n.metadata.labels)).map((n) => n.metadata.name))
    : new Set([np.metadata.namespace]);
  return selectIndexed(s, namespaces, podSel);
}

function byIp(a: GroupMember, b: GroupMember): number {
  const n = (ip: string): number => ip.split(".").reduce((acc, x) => acc * 256 + Number(x), 0);
  return n(a.ip) - n(b.ip);
}

function uniqueMembers(pods: Pod[]): GroupMember[] {
  const seen = new Map<string, GroupMember>();
  for (const p of pods) if (!seen.has(p.status.podIP)) seen.set(p.status.podIP, memberOf(p));
  return [...seen.values()].sort(byIp);
}

/** `toAntreaPeer`. */
function toAntreaPeer(s: Scenario, np: NetworkPolicy, peers: readonly NetworkPolicyPeer[], dir: "In" | "Out", namedPortExists: boolean): RulePeer {
  if (peers.length === 0) {
    if (!namedPortExists || dir === "In") return { members: [], ipBlocks: [MATCH_ALL] };
    // Egress with named ports: also every Pod of every Namespace, to resolve the ports.
    const all = s.pods.filter((p) => !p.spec.hostNetwork);
    return { members: uniqueMembers(all), ipBlocks: [MATCH_ALL] };
  }
  const ipBlocks: IPBlock[] = [];
  const pods: Pod[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) ipBlocks.push(peer.ipBlock);
    else pods.push(...selectPeerPods(s, np, peer));
  }
  return { members: uniqueMembers(pods), ipBlocks };
}

function toServices(ports: readonly NetworkPolicyPort[]): RuleService[] | undefined {
  if (ports.length === 0) return undefined;
  return ports.map((p) => ({ protocol: p.protocol, ...(p.port !== undefined ? { port: p.port } : {}) }));
}

/**
 * `processNetworkPolicy` for one policy. `order` decides the rule order:
 * - "manifest": rules in the order the manifest writes them (its `ingress:`
 *   and `egress:` sections in textual order), implicit deny-all rules last;
 *   the order of the pipeline reference's worked example (§7.3).
 * - "controller": the controller's own order: ingress rules, egress rules,
 *   deny-all ingress, deny-all egress.
 */
export function processNetworkPolicy(s: Scenario, np: NetworkPolicy, order: ConjIdOrder = "manifest"): InternalPolicy {
  // The controller's result depends only on the scenario: every Node's agent shares it.
  let byOrder = processed.get(np);
  if (!byOrder || byOrder.scenario !== s) {
    byOrder = { scenario: s, results: new Map() };
    processed.set(np, byOrder);
  }
  let result = byOrder.results.get(order);
  if (!result) {
    result = processUncached(s, np, order);
    byOrder.results.set(order, result);
  }
  return result;
}

const processed = new WeakMap<NetworkPolicy, { scenario: Scenario; results: Map<ConjIdOrder, InternalPolicy> }>();

function processUncached(s: Scenario, np: NetworkPolicy, order: ConjIdOrder): InternalPolicy {
  const key = keyOf(np);
  const appliedTo = uniqueMembers(selectIndexed(s, new Set([np.metadata.namespace]), np.spec.podSelector));
  const ingress: ControllerRule[] = np.spec.ingress.map((r, i) => {
    const named = r.ports.some((p) => typeof p.port === "string");
    const services = toServices(r.ports);
    return { policy: key, direction: "In", index: i, name: `${key} ingress[${i}]`, peer: toAntreaPeer(s, np, r.from, "In", named), ...(services ? { services } : {}) };
  });
  const egress: ControllerRule[] = np.spec.egress.map((r, i) => {
    const named = r.ports.some((p) => typeof p.port === "string");
    const services = toServices(r.ports);
    return { policy: key, direction: "Out", index: i, name: `${key} egress[${i}]`, peer: toAntreaPeer(s, np, r.to, "Out", named), ...(services ? { services } : {}) };
  });
  const denyAll: ControllerRule[] = [];
  if (np.spec.policyTypes.includes("Ingress") && np.spec.ingress.length === 0) {
    denyAll.push({ policy: key, direction: "In", index: -1, name: `${key} ingress deny-all`, peer: { members: [], ipBlocks: [] } });
  }
  if (np.spec.policyTypes.includes("Egress") && np.spec.egress.length === 0) {
    denyAll.push({ policy: key, direction: "Out", index: -1, name: `${key} egress deny-all`, peer: { members: [], ipBlocks: [] } });
  }
  let rules: ControllerRule[];
  if (order === "controller") rules = [...ingress, ...egress, ...denyAll];
  else {
    const sections = np.sectionOrder.map((sct) => (sct === "ingress" ? ingress : egress));
    rules = [...sections.flat(), ...denyAll];
  }
  return { key, policy: np, appliedTo, rules };
}
