/**
 * The antrea-agent's NetworkPolicy reconciler (pkg/agent/controller/
 * networkpolicy/reconciler.go, `computeOFRulesForAdd`, v0.10): the rules of
 * the policies that apply to local Pods become OpenFlow rules with From/To
 * addresses and services, each with a node-local conj ID.
 */
import { diffFromCidrs, parseCidr, type Cidr } from "../../k8s/ip.ts";
import type { ConjIdOrder, Scenario } from "../../k8s/types.ts";
import { processNetworkPolicy, type ControllerRule, type GroupMember, type InternalPolicy, type RuleService } from "./np-controller.ts";

export type Address =
  | { readonly type: "ip"; readonly ip: string }
  | { readonly type: "net"; readonly cidr: Cidr }
  | { readonly type: "ofport"; readonly port: number };

export interface OFService {
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port?: number;
}

/** types.PolicyRule: what the OpenFlow client turns into conjunctive flows. */
export interface OFPolicyRule {
  /** conj_id (FlowID). */
  readonly id: number;
  readonly direction: "In" | "Out";
  readonly from: readonly Address[];
  readonly to: readonly Address[];
  /** null: no port clause (all ports); []: a port clause that never matches. */
  readonly service: readonly OFService[] | null;
  /** `namespace/name` of the NetworkPolicy. */
  readonly policy: string;
  /** e.g. `default/frontendpolicy egress[0]`. */
  readonly rule: string;
}

interface Resolved {
  readonly key: string;
  readonly services: readonly RuleService[] | undefined;
  readonly members: GroupMember[];
  readonly original: boolean;
}

/** `resolveService`: a named port becomes the member's container port of that name and protocol. */
function resolveService(svc: RuleService, m: GroupMember): RuleService {
  if (typeof svc.port !== "string") return svc;
  const cp = m.ports.find((p) => p.name === svc.port && p.protocol === svc.protocol);
  return cp ? { protocol: svc.protocol, port: cp.containerPort } : svc;
}

const servicesKey = (svcs: readonly RuleService[] | undefined): string => (svcs ? JSON.stringify(svcs) : "nil");

/** `groupMembersByServices`: members grouped by their resolved services. */
function groupMembersByServices(services: readonly RuleService[] | undefined, members: readonly GroupMember[]): Map<string, Resolved> {
  const out = new Map<string, Resolved>();
  const origKey = servicesKey(services);
  for (const m of members) {
    const resolved = services?.map((s) => resolveService(s, m));
    const key = servicesKey(resolved);
    const g = out.get(key) ?? { key, services: resolved, members: [], original: key === origKey };
    g.members.push(m);
    out.set(key, g);
  }
  return out;
}

/** `filterUnresolvablePort`. */
function filterUnresolvablePort(services: readonly RuleService[] | undefined): OFService[] | null {
  if (!services || services.length === 0) return null;
  return services.filter((s) => typeof s.port !== "string").map((s) => ({ protocol: s.protocol, ...(typeof s.port === "number" ? { port: s.port } : {}) }));
}

function ipBlockAddresses(rule: ControllerRule): Address[] {
  const out: Address[] = [];
  for (const b of rule.peer.ipBlocks) {
    const c = parseCidr(b.cidr);
    if (!c) continue;
    const except = b.except.map((e) => parseCidr(e)).filter((e): e is NonNullable<typeof e> => !!e);
    for (const d of diffFromCidrs({ base: c.base, prefix: c.prefix }, except)) out.push({ type: "net", cidr: d });
  }
  return out;
}

const ipAddr = (m: GroupMember): Address => ({ type: "ip", ip: m.ip });

/** Group order for ID allocation: the group with the original services first, then by services. */
function orderedGroups(groups: Map<string, Resolved>): Resolved[] {
  return [...groups.values()].sort((a, b) => (a.original !== b.original ? (a.original ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

interface Draft {
  direction: "In" | "Out";
  from: Address[];
  to: Address[];
  service: OFService[] | null;
  policy: string;
  rule: string;
}

/** `computeOFRulesForAdd` for one rule on one Node (local applied-to members only). */
function computeOFRules(rule: ControllerRule, local: readonly GroupMember[]): Draft[] {
  const base = { direction: rule.direction, policy: rule.policy, rule: rule.name };
  if (rule.direction === "In") {
    const from = [...rule.peer.members.map(ipAddr), ...ipBlockAddresses(rule)];
    return orderedGroups(groupMembersByServices(rule.services, local)).map((g) => ({
      ...base, from,
      to: [...g.members].sort((a, b) => a.ofport! - b.ofport!).map((m): Address => ({ type: "ofport", port: m.ofport! })),
      service: filterUnresolvablePort(g.services),
    }));
  }
  const from = local.map(ipAddr);
  const groups = groupMembersByServices(rule.services, rule.peer.members);
  const origKey = servicesKey(rule.services);
  // The group with the original services always exists, so that the Pods are isolated.
  if (!groups.has(origKey)) groups.set(origKey, { key: origKey, services: rule.services, members: [], original: true });
  return orderedGroups(groups).map((g) => ({
    ...base, from,
    to: [...g.members.map(ipAddr), ...(g.original ? ipBlockAddresses(rule) : [])],
    service: filterUnresolvablePort(g.services),
  }));
}

export interface NodePolicies {
  /** Policies whose AppliedToGroup has members on the Node. */
  readonly policies: readonly InternalPolicy[];
  /** OpenFlow rules in conj-ID order. */
  readonly rules: readonly OFPolicyRule[];
}

/**
 * Every OpenFlow policy rule of `nodeName`: policies in manifest order,
 * rules in `order`, one conj ID per (rule, resolved-services group), IDs
 * from 1 upward (the agent's idAllocator on a fresh start).
 */
export function nodePolicyRules(s: Scenario, nodeName: string, order: ConjIdOrder = s.cluster.antrea.conjIdOrder): NodePolicies {
  const policies: InternalPolicy[] = [];
  const rules: OFPolicyRule[] = [];
  let id = 1;
  for (const np of s.networkPolicies) {
    const ip = processNetworkPolicy(s, np, order);
    const local = ip.appliedTo.filter((m) => m.node === nodeName);
    if (local.length === 0) continue;
    policies.push(ip);
    for (const r of ip.rules) {
      for (const d of computeOFRules(r, local)) rules.push({ id: id++, ...d });
    }
  }
  return { policies, rules };
}
