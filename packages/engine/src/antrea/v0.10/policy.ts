/**
 * NetworkPolicy flows (pkg/agent/openflow/network_policy.go,
 * `InstallPolicyRuleFlows`, v0.10): per rule a conj_id action flow (and, from
 * v0.10.0, two metric flows), then the conjunctive match flows of its
 * clauses, shared between rules by match (one flow, several `conjunction()`
 * actions), and a default drop flow per isolated address.
 */
import { formatIp, type Cidr } from "../../k8s/ip.ts";
import type { ConjActionOrder } from "../../k8s/types.ts";
import { hex, type FlowInstaller, type FlowSpec } from "./client.ts";
import type { Address, OFPolicyRule, OFService } from "./np-reconciler.ts";
import { CT_ZONE, P, R, T, afterEgressDefault, afterIngressDefault, type Variant } from "./pipeline.ts";

type ClauseKind = "from" | "to" | "service";

interface ConjAction {
  readonly id: number;
  readonly clause: number;
  readonly n: number;
}

interface MatchContext {
  readonly table: number;
  readonly match: string;
  /** Actions in the order the flow carries them. */
  actions: ConjAction[];
  /** Default drop flow (60/100) installed for this address. */
  drop?: FlowSpec;
}

function netMatch(c: Cidr): string | undefined {
  if (c.prefix === 0) return undefined;
  return c.prefix === 32 ? formatIp(c.base) : `${formatIp(c.base)}/${c.prefix}`;
}

/** `addFlowMatch`: the match of one address in a clause. */
export function addressMatch(a: Address, kind: "from" | "to"): string {
  const field = kind === "from" ? "nw_src" : "nw_dst";
  switch (a.type) {
    case "ip": return `ip,${field}=${a.ip}`;
    case "net": {
      const m = netMatch(a.cidr);
      return m === undefined ? "ip" : `ip,${field}=${m}`;
    }
    case "ofport": return kind === "to" ? `ip,reg1=${hex(a.port)}` : `ip,in_port=${a.port}`;
  }
}

export function serviceMatch(s: OFService): string {
  const proto = s.protocol.toLowerCase();
  return s.port === undefined ? proto : `${proto},tp_dst=${s.port}`;
}

/** The conj_id action flow (`conjunctionActionFlow`). */
export function conjunctionActionFlow(v: Variant, rule: OFPolicyRule): FlowSpec {
  const egress = rule.direction === "Out";
  const table = egress ? T.EgressRule : T.IngressRule;
  const next = egress ? afterEgressDefault(v) : afterIngressDefault(v);
  const reg = egress ? R.egressConj : R.ingressConj;
  const label = egress ? R.ctLabelEgress : R.ctLabelIngress;
  const id = hex(rule.id);
  const actions = v.metricTables
    ? `load:${id}->${reg},ct(commit,table=${next},zone=${CT_ZONE},exec(load:${id}->${label}))`
    : `load:${id}->${reg},goto_table:${next}`;
  return { cookie: "Policy", table, priority: P.Low, match: `conj_id=${rule.id},ip`, actions };
}

/** The two per-rule metric flows of tables 61/101 (v0.10.0+). */
export function metricFlows(v: Variant, rule: OFPolicyRule): FlowSpec[] {
  if (!v.metricTables) return [];
  const egress = rule.direction === "Out";
  const label = egress
    ? `ct_label=${hex(BigInt(rule.id) << 32n)}/0xffffffff00000000`
    : `ct_label=${hex(rule.id)}/0xffffffff`;
  const table = egress ? T.EgressMetric : T.IngressMetric;
  const next = egress ? T.L3Forwarding : T.ConntrackCommit;
  return ["+new", "-new"].map((st) => ({ cookie: "Policy", table, priority: P.Normal, match: `ct_state=${st},${label},ip`, actions: `goto_table:${next}` }));
}

/** Clause numbering (`calculateClauses`): From, To, Service, counting only non-nil ones. */
function clauses(rule: OFPolicyRule): { from: number; to: number; service: number; n: number } {
  // The reconciler always passes non-nil From and To for K8s NetworkPolicy.
  const n = rule.service === null ? 2 : 3;
  return { from: 1, to: 2, service: rule.service === null ? 0 : 3, n };
}

/** Installs the policy flows of a Node, rule by rule in conj-ID order. */
export class PolicyFlows {
  private readonly v: Variant;
  private readonly out: FlowInstaller;
  private readonly order: ConjActionOrder;
  readonly contexts = new Map<string, MatchContext>();

  constructor(v: Variant, out: FlowInstaller, order: ConjActionOrder) {
    this.v = v;
    this.out = out;
    this.order = order;
  }

  private matchSpec(ctx: MatchContext): FlowSpec {
    const acts = ctx.actions.map((a) => `conjunction(${a.id},${a.clause}/${a.n})`).join(",");
    return { cookie: "Policy", table: ctx.table, priority: P.Normal, match: ctx.match, actions: acts };
  }

  /** `InstallPolicyRuleFlows(rule)`. */
  install(rule: OFPolicyRule): void {
    const name = `${rule.rule} (conj ${rule.id})`;
    this.out.install("policy", [conjunctionActionFlow(this.v, rule), ...metricFlows(this.v, rule)], "add", name);

    const egress = rule.direction === "Out";
    const table = egress ? T.EgressRule : T.IngressRule;
    const c = clauses(rule);
    const items: { kind: ClauseKind; match: string }[] = [];
    const seen = new Set<string>();
    const push = (kind: ClauseKind, match: string): void => {
      const k = `${kind}|${match}`;
      if (seen.has(k)) return;
      seen.add(k);
      items.push({ kind, match });
    };
    for (const a of rule.from) push("from", addressMatch(a, "from"));
    for (const a of rule.to) push("to", addressMatch(a, "to"));
    for (const s of rule.service ?? []) push("service", serviceMatch(s));

    const adds: FlowSpec[] = [];
    const modifies: FlowSpec[] = [];
    for (const it of items) {
      const clause = it.kind === "from" ? c.from : it.kind === "to" ? c.to : c.service;
      const action: ConjAction = { id: rule.id, clause, n: c.n };
      const key = `${table}|${P.Normal}|${it.match}`;
      let ctx = this.contexts.get(key);
      // Only the From clause of egress rules and the To clause of ingress rules isolate Pods.
      const dropTable = egress ? (it.kind === "from" ? T.EgressDefaultRule : undefined) : (it.kind === "to" ? T.IngressDefaultRule : undefined);
      if (!ctx) {
        ctx = { table, match: it.match, actions: [action] };
        this.contexts.set(key, ctx);
        adds.push(this.matchSpec(ctx));
        if (dropTable !== undefined) {
          ctx.drop = { cookie: "Default", table: dropTable, priority: P.Normal, match: it.match, actions: "drop" };
          adds.push(ctx.drop);
        }
        continue;
      }
      if (ctx.actions.some((a) => a.id === rule.id)) continue;
      ctx.actions = this.order === "ascending"
        ? [...ctx.actions, action].sort((a, b) => a.id - b.id)
        : [action, ...ctx.actions];
      if (dropTable !== undefined && !ctx.drop) {
        ctx.drop = { cookie: "Default", table: dropTable, priority: P.Normal, match: it.match, actions: "drop" };
        adds.push(ctx.drop);
      }
      modifies.push(this.matchSpec(ctx));
    }
    // One bundle: additions first, then modifications (ofctrl AddFlowsInBundle).
    this.out.install("policy", adds, "add", name);
    this.out.install("policy", modifies, "modify", name);
  }
}
