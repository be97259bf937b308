/**
 * The iptables rules of a simulated Node, as kube-proxy v1.18 (iptables
 * mode), the kubelet, Antrea v0.10 and docker 19.03 install them, their
 * evaluation for a packet, and the text of iptables 1.6.1 (Ubuntu 18.04):
 * `iptables -L [-n] [-v] [-x] [--line-numbers]`, `iptables -S` and
 * `iptables-save [-c]`.
 *
 * Rules are structured values; every printing is generated from them the
 * way iptables prints a kernel rule (addresses and interfaces first, then
 * the matches in order, then the target).
 */
import { ipToNum, numToIp, parsePrefix, prefixContains } from "./addr.ts";
import { endpointChainName, serviceChainName, servicePortName } from "./sha256.ts";

export type TableName = "filter" | "nat" | "mangle" | "raw";

export const TABLE_NAMES: readonly TableName[] = ["filter", "nat", "mangle", "raw"];

const BUILTIN: Readonly<Record<TableName, readonly string[]>> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  raw: ["PREROUTING", "OUTPUT"],
};

export interface AddrSpec {
  /** "a.b.c.d/len". */
  readonly cidr: string;
  readonly invert?: boolean;
}

export interface IfaceSpec {
  /** A trailing "+" matches any suffix. */
  readonly name: string;
  readonly invert?: boolean;
}

export type CtState = "INVALID" | "NEW" | "RELATED" | "ESTABLISHED" | "UNTRACKED" | "SNAT" | "DNAT";
const CTSTATE_ORDER: readonly CtState[] = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];

export type Match =
  | { readonly m: "comment"; readonly comment: string }
  | { readonly m: "tcp" | "udp"; readonly dport?: number; readonly sport?: number }
  | { readonly m: "addrtype"; readonly srcType?: string; readonly dstType?: string }
  | { readonly m: "mark"; readonly value: number; readonly mask: number; readonly invert?: boolean }
  /** `--probability` as kube-proxy writes it, e.g. "0.50000". */
  | { readonly m: "statistic"; readonly probability: string }
  | { readonly m: "set"; readonly name: string; readonly dirs: readonly ("src" | "dst")[]; readonly invert?: boolean }
  | { readonly m: "conntrack"; readonly ctstate: readonly CtState[]; readonly invert?: boolean };

export type Target =
  | { readonly t: "jump"; readonly chain: string }
  | { readonly t: "ACCEPT" | "DROP" | "RETURN" }
  | { readonly t: "REJECT"; readonly with: string }
  | { readonly t: "DNAT"; readonly to: string }
  | { readonly t: "MASQUERADE"; readonly randomFully?: boolean }
  | { readonly t: "MARK"; readonly value: number; readonly mask: number };

export interface Counters {
  packets: number;
  bytes: number;
}

export interface Rule {
  readonly src?: AddrSpec;
  readonly dst?: AddrSpec;
  readonly in?: IfaceSpec;
  readonly out?: IfaceSpec;
  readonly proto?: "tcp" | "udp" | "icmp" | "sctp";
  readonly matches: readonly Match[];
  readonly target: Target;
  readonly counters: Counters;
}

export interface Chain {
  readonly name: string;
  /** Built-in chains only. */
  readonly policy?: "ACCEPT" | "DROP";
  readonly counters: Counters;
  readonly rules: Rule[];
}

export type RuleSpec = Omit<Rule, "counters" | "matches"> & { readonly matches?: readonly Match[] };

/** One table: its chains, built-ins first (in kernel order), then user chains sorted by name (libiptc). */
export class IptTable {
  readonly name: TableName;
  private readonly chains = new Map<string, Chain>();

  constructor(name: TableName, policies: Readonly<Record<string, "ACCEPT" | "DROP">> = {}) {
    this.name = name;
    for (const c of BUILTIN[name]) this.chains.set(c, { name: c, policy: policies[c] ?? "ACCEPT", counters: { packets: 0, bytes: 0 }, rules: [] });
  }

  isBuiltin(chain: string): boolean {
    return BUILTIN[this.name].includes(chain);
  }

  chain(name: string): Chain | undefined {
    return this.chains.get(name);
  }

  ensureChain(name: string): Chain {
    let c = this.chains.get(name);
    if (!c) {
      c = { name, counters: { packets: 0, bytes: 0 }, rules: [] };
      this.chains.set(name, c);
    }
    return c;
  }

  append(chain: string, spec: RuleSpec): void {
    this.ensureChain(chain).rules.push({ matches: [], ...spec, counters: { packets: 0, bytes: 0 } });
  }

  /** Chains in the order iptables lists them. */
  get list(): Chain[] {
    const builtins = BUILTIN[this.name].map((n) => this.chains.get(n)!);
    const user = [...this.chains.values()].filter((c) => !this.isBuiltin(c.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...builtins, ...user];
  }

  /** Rules of this table that jump to `chain`. */
  references(chain: string): number {
    let n = 0;
    for (const c of this.chains.values()) for (const r of c.rules) if (r.target.t === "jump" && r.target.chain === chain) n++;
    return n;
  }

  resetCounters(): void {
    for (const c of this.chains.values()) {
      c.counters.packets = 0;
      c.counters.bytes = 0;
      for (const r of c.rules) {
        r.counters.packets = 0;
        r.counters.bytes = 0;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Building the rules of a Node

export interface ServiceEndpoint {
  readonly ip: string;
  readonly port: number;
}

export interface KubeProxyServicePort {
  /** "" for an unnamed port. */
  readonly name: string;
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port: number;
  readonly nodePort?: number;
  /** In Endpoints order. */
  readonly endpoints: readonly ServiceEndpoint[];
}

export interface KubeProxyService {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string;
  readonly ports: readonly KubeProxyServicePort[];
}

export interface NodeIptablesConfig {
  /** kube-proxy's --cluster-cidr (kubeadm's --pod-network-cidr). */
  readonly clusterCIDR: string;
  /** This Node's PodCIDR (ANTREA-POSTROUTING's source). */
  readonly podCIDR: string;
  /** The antrea-gw0 device name. */
  readonly gateway: string;
  /** docker0 and its subnet, when docker runs on the Node. */
  readonly docker?: { readonly bridge: string; readonly subnet: string };
  /** Services in the order kube-proxy writes them (Go map order; the caller fixes one). */
  readonly services: readonly KubeProxyService[];
}

const MASQ_MARK = { value: 0x4000, mask: 0x4000 };
const DROP_MARK = { value: 0x8000, mask: 0x8000 };
const comment = (text: string): Match => ({ m: "comment", comment: text });

/** `fmt.Sprintf("%0.5f", 1/n)`, kube-proxy's probability strings. */
export function kubeProxyProbability(n: number): string {
  return (1 / n).toFixed(5);
}

export interface NodeIptables {
  readonly tables: ReadonlyMap<TableName, IptTable>;
  /** ipset name -> member CIDRs. */
  readonly ipsets: Map<string, string[]>;
}

export function buildNodeIptables(cfg: NodeIptablesConfig): NodeIptables {
  const filter = new IptTable("filter", { FORWARD: cfg.docker ? "DROP" : "ACCEPT" });
  const nat = new IptTable("nat");
  const mangle = new IptTable("mangle");
  const raw = new IptTable("raw");

  // kubelet / kube-proxy canaries (v1.17+), in mangle, nat and filter.
  for (const t of [mangle, nat, filter]) {
    t.ensureChain("KUBE-KUBELET-CANARY");
    t.ensureChain("KUBE-PROXY-CANARY");
  }

  // ---- filter
  filter.append("INPUT", { matches: [{ m: "conntrack", ctstate: ["NEW"] }, comment("kubernetes externally-visible service portals")], target: { t: "jump", chain: "KUBE-EXTERNAL-SERVICES" } });
  filter.append("INPUT", { target: { t: "jump", chain: "KUBE-FIREWALL" } });
  filter.append("FORWARD", { matches: [comment("kubernetes forwarding rules")], target: { t: "jump", chain: "KUBE-FORWARD" } });
  filter.append("FORWARD", { matches: [{ m: "conntrack", ctstate: ["NEW"] }, comment("kubernetes service portals")], target: { t: "jump", chain: "KUBE-SERVICES" } });
  if (cfg.docker) {
    const br = cfg.docker.bridge;
    filter.append("FORWARD", { target: { t: "jump", chain: "DOCKER-USER" } });
    filter.append("FORWARD", { target: { t: "jump", chain: "DOCKER-ISOLATION-STAGE-1" } });
    filter.append("FORWARD", { out: { name: br }, matches: [{ m: "conntrack", ctstate: ["RELATED", "ESTABLISHED"] }], target: { t: "ACCEPT" } });
    filter.append("FORWARD", { out: { name: br }, target: { t: "jump", chain: "DOCKER" } });
    filter.append("FORWARD", { in: { name: br }, out: { name: br, invert: true }, target: { t: "ACCEPT" } });
    filter.append("FORWARD", { in: { name: br }, out: { name: br }, target: { t: "ACCEPT" } });
  }
  filter.append("FORWARD", { matches: [comment("Antrea: jump to Antrea forwarding rules")], target: { t: "jump", chain: "ANTREA-FORWARD" } });
  filter.append("OUTPUT", { matches: [{ m: "conntrack", ctstate: ["NEW"] }, comment("kubernetes service portals")], target: { t: "jump", chain: "KUBE-SERVICES" } });
  filter.append("OUTPUT", { target: { t: "jump", chain: "KUBE-FIREWALL" } });
  filter.append("ANTREA-FORWARD", { in: { name: cfg.gateway }, matches: [comment("Antrea: accept packets from local pods")], target: { t: "ACCEPT" } });
  filter.append("ANTREA-FORWARD", { out: { name: cfg.gateway }, matches: [comment("Antrea: accept packets to local pods")], target: { t: "ACCEPT" } });
  if (cfg.docker) {
    const br = cfg.docker.bridge;
    filter.ensureChain("DOCKER");
    filter.append("DOCKER-ISOLATION-STAGE-1", { in: { name: br }, out: { name: br, invert: true }, target: { t: "jump", chain: "DOCKER-ISOLATION-STAGE-2" } });
    filter.append("DOCKER-ISOLATION-STAGE-1", { target: { t: "RETURN" } });
    filter.append("DOCKER-ISOLATION-STAGE-2", { out: { name: br }, target: { t: "DROP" } });
    filter.append("DOCKER-ISOLATION-STAGE-2", { target: { t: "RETURN" } });
    filter.append("DOCKER-USER", { target: { t: "RETURN" } });
  }
  filter.ensureChain("KUBE-EXTERNAL-SERVICES");
  filter.append("KUBE-FIREWALL", { matches: [comment("kubernetes firewall for dropping marked packets"), { m: "mark", ...DROP_MARK }], target: { t: "DROP" } });
  filter.append("KUBE-FIREWALL", {
    src: { cidr: "127.0.0.0/8", invert: true },
    dst: { cidr: "127.0.0.0/8" },
    matches: [comment("block incoming localnet connections"), { m: "conntrack", ctstate: ["RELATED", "ESTABLISHED", "DNAT"], invert: true }],
    target: { t: "DROP" },
  });
  filter.append("KUBE-FORWARD", { matches: [{ m: "conntrack", ctstate: ["INVALID"] }], target: { t: "DROP" } });
  filter.append("KUBE-FORWARD", { matches: [comment("kubernetes forwarding rules"), { m: "mark", ...MASQ_MARK }], target: { t: "ACCEPT" } });
  filter.append("KUBE-FORWARD", { src: { cidr: cfg.clusterCIDR }, matches: [comment("kubernetes forwarding conntrack pod source rule"), { m: "conntrack", ctstate: ["RELATED", "ESTABLISHED"] }], target: { t: "ACCEPT" } });
  filter.append("KUBE-FORWARD", { dst: { cidr: cfg.clusterCIDR }, matches: [comment("kubernetes forwarding conntrack pod destination rule"), { m: "conntrack", ctstate: ["RELATED", "ESTABLISHED"] }], target: { t: "ACCEPT" } });
  filter.ensureChain("KUBE-SERVICES");

  // ---- nat
  nat.append("PREROUTING", { matches: [comment("kubernetes service portals")], target: { t: "jump", chain: "KUBE-SERVICES" } });
  if (cfg.docker) nat.append("PREROUTING", { matches: [{ m: "addrtype", dstType: "LOCAL" }], target: { t: "jump", chain: "DOCKER" } });
  nat.append("OUTPUT", { matches: [comment("kubernetes service portals")], target: { t: "jump", chain: "KUBE-SERVICES" } });
  if (cfg.docker) nat.append("OUTPUT", { dst: { cidr: "127.0.0.0/8", invert: true }, matches: [{ m: "addrtype", dstType: "LOCAL" }], target: { t: "jump", chain: "DOCKER" } });
  nat.append("POSTROUTING", { matches: [comment("kubernetes postrouting rules")], target: { t: "jump", chain: "KUBE-POSTROUTING" } });
  if (cfg.docker) nat.append("POSTROUTING", { src: { cidr: cfg.docker.subnet }, out: { name: cfg.docker.bridge, invert: true }, target: { t: "MASQUERADE" } });
  nat.append("POSTROUTING", { matches: [comment("Antrea: jump to Antrea postrouting rules")], target: { t: "jump", chain: "ANTREA-POSTROUTING" } });
  nat.append("ANTREA-POSTROUTING", {
    src: { cidr: cfg.podCIDR },
    matches: [comment("Antrea: masquerade pod to external packets"), { m: "set", name: "ANTREA-POD-IP", dirs: ["dst"], invert: true }],
    target: { t: "MASQUERADE" },
  });
  if (cfg.docker) nat.append("DOCKER", { in: { name: cfg.docker.bridge }, target: { t: "RETURN" } });
  nat.append("KUBE-MARK-DROP", { target: { t: "MARK", ...DROP_MARK } });
  nat.append("KUBE-MARK-MASQ", { target: { t: "MARK", ...MASQ_MARK } });
  nat.append("KUBE-POSTROUTING", { matches: [comment("kubernetes service traffic requiring SNAT"), { m: "mark", ...MASQ_MARK }], target: { t: "MASQUERADE", randomFully: true } });
  nat.ensureChain("KUBE-NODEPORTS");
  nat.ensureChain("KUBE-SERVICES");

  // kube-proxy syncProxyRules, per service port.
  for (const svc of cfg.services) {
    for (const sp of svc.ports) {
      const proto = sp.protocol.toLowerCase() as "tcp" | "udp" | "sctp";
      const spName = servicePortName(svc.namespace, svc.name, sp.name);
      const svcChain = serviceChainName(spName, proto);
      if (proto === "sctp") continue; // kube-proxy v1.18 handles SCTP, this model does not
      const l4: Match = { m: proto, dport: sp.port };
      if (sp.endpoints.length === 0) {
        filter.append("KUBE-SERVICES", {
          dst: { cidr: `${svc.clusterIP}/32` }, proto,
          matches: [comment(`${spName} has no endpoints`), l4],
          target: { t: "REJECT", with: "icmp-port-unreachable" },
        });
        continue;
      }
      nat.ensureChain(svcChain);
      const clusterMatch = [comment(`${spName} cluster IP`), l4];
      nat.append("KUBE-SERVICES", { src: { cidr: cfg.clusterCIDR, invert: true }, dst: { cidr: `${svc.clusterIP}/32` }, proto, matches: clusterMatch, target: { t: "jump", chain: "KUBE-MARK-MASQ" } });
      nat.append("KUBE-SERVICES", { dst: { cidr: `${svc.clusterIP}/32` }, proto, matches: clusterMatch, target: { t: "jump", chain: svcChain } });
      if (sp.nodePort) {
        const np: Match[] = [comment(spName), { m: proto === "udp" ? "udp" : "tcp", dport: sp.nodePort }];
        nat.append("KUBE-NODEPORTS", { proto, matches: np, target: { t: "jump", chain: "KUBE-MARK-MASQ" } });
        nat.append("KUBE-NODEPORTS", { proto, matches: np, target: { t: "jump", chain: svcChain } });
      }
      const n = sp.endpoints.length;
      sp.endpoints.forEach((ep, i) => {
        const epText = `${ep.ip}:${ep.port}`;
        const sepChain = endpointChainName(spName, proto, epText);
        nat.append(svcChain, {
          matches: [comment(spName), ...(i < n - 1 ? [{ m: "statistic", probability: kubeProxyProbability(n - i) } as Match] : [])],
          target: { t: "jump", chain: sepChain },
        });
        nat.append(sepChain, { src: { cidr: `${ep.ip}/32` }, matches: [comment(spName)], target: { t: "jump", chain: "KUBE-MARK-MASQ" } });
        nat.append(sepChain, { proto, matches: [comment(spName), { m: proto === "udp" ? "udp" : "tcp" }], target: { t: "DNAT", to: epText } });
      });
    }
  }
  nat.append("KUBE-SERVICES", {
    matches: [comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"), { m: "addrtype", dstType: "LOCAL" }],
    target: { t: "jump", chain: "KUBE-NODEPORTS" },
  });

  const tables = new Map<TableName, IptTable>([["filter", filter], ["nat", nat], ["mangle", mangle], ["raw", raw]]);
  return { tables, ipsets: new Map([["ANTREA-POD-IP", []]]) };
}

// ---------------------------------------------------------------------------
// Evaluation

export interface IptPacket {
  readonly src: string;
  readonly dst: string;
  readonly proto: "tcp" | "udp" | "icmp";
  readonly sport?: number;
  readonly dport?: number;
  readonly inIface?: string;
  readonly outIface?: string;
  /** skb->mark. */
  readonly mark: number;
  /** Conntrack states the packet has (for -m conntrack). */
  readonly ctstate: readonly CtState[];
  readonly length: number;
}

export interface EvalContext {
  /** addrtype LOCAL. */
  isLocal(ip: string): boolean;
  /** ipset membership (hash:net). */
  inSet(name: string, ip: string): boolean;
  /** A 31-bit random number, as the kernel's `prandom_u32() & 0x7fffffff`. */
  random31(): number;
  /** Pins kube-proxy's choice: statistic rules jumping to a KUBE-SEP chain whose DNAT goes to this IP match exactly when it is that one. */
  readonly pinnedEndpoint?: string;
}

export interface RuleHit {
  readonly table: TableName;
  readonly chain: string;
  /** 1-based position in the chain (`--line-numbers`); 0 for the chain policy. */
  readonly num: number;
  /** The rule in `iptables -S` form, or `-P CHAIN POLICY`. */
  readonly text: string;
}

export interface EvalResult {
  readonly verdict: "ACCEPT" | "DROP" | "REJECT";
  /** NAT decided in this table (nat only). */
  readonly dnat?: { readonly ip: string; readonly port?: number };
  readonly masquerade?: boolean;
  readonly mark: number;
  /** Every rule that matched, in order, then the policy if it applied. */
  readonly hits: readonly RuleHit[];
}

function ifaceMatches(spec: IfaceSpec | undefined, iface: string | undefined): boolean {
  if (!spec) return true;
  const name = spec.name;
  const hit = iface !== undefined && (name.endsWith("+") ? iface.startsWith(name.slice(0, -1)) : iface === name);
  return spec.invert ? !hit : hit;
}

function addrMatches(spec: AddrSpec | undefined, ip: string): boolean {
  if (!spec) return true;
  const hit = prefixContains(parsePrefix(spec.cidr), ipToNum(ip));
  return spec.invert ? !hit : hit;
}

/** The `--probability` value as the kernel stores it (lround(2^31 * p)). */
export function statisticThreshold(probability: string): number {
  return Math.round(0x80000000 * Number(probability));
}

export class NodeFirewall {
  readonly tables: ReadonlyMap<TableName, IptTable>;
  readonly ipsets: Map<string, string[]>;

  constructor(built: NodeIptables) {
    this.tables = built.tables;
    this.ipsets = built.ipsets;
  }

  table(name: TableName): IptTable {
    return this.tables.get(name)!;
  }

  /** Runs `packet` through a built-in chain of a table. Updates counters. */
  evaluate(tableName: TableName, hook: string, packet: IptPacket, ctx: EvalContext): EvalResult {
    const table = this.table(tableName);
    const hits: RuleHit[] = [];
    let mark = packet.mark;
    const stack: { chain: Chain; index: number }[] = [{ chain: table.chain(hook)!, index: 0 }];
    const bump = (c: Counters): void => {
      c.packets++;
      c.bytes += packet.length;
    };
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      if (frame.index >= frame.chain.rules.length) {
        stack.pop();
        if (stack.length === 0) {
          const policy = frame.chain.policy ?? "ACCEPT";
          bump(frame.chain.counters);
          hits.push({ table: tableName, chain: frame.chain.name, num: 0, text: `-P ${frame.chain.name} ${policy}` });
          return { verdict: policy, mark, hits };
        }
        continue;
      }
      const rule = frame.chain.rules[frame.index++]!;
      if (!this.ruleMatches(table, rule, { ...packet, mark }, ctx)) continue;
      bump(rule.counters);
      hits.push({ table: tableName, chain: frame.chain.name, num: frame.index, text: ruleToSave(frame.chain.name, rule) });
      const t = rule.target;
      switch (t.t) {
        case "jump": {
          const next = table.chain(t.chain);
          if (next) stack.push({ chain: next, index: 0 });
          break;
        }
        case "RETURN":
          stack.pop();
          if (stack.length === 0) {
            const policy = frame.chain.policy ?? "ACCEPT";
            bump(frame.chain.counters);
            hits.push({ table: tableName, chain: frame.chain.name, num: 0, text: `-P ${frame.chain.name} ${policy}` });
            return { verdict: policy, mark, hits };
          }
          break;
        case "ACCEPT":
        case "DROP":
          return { verdict: t.t, mark, hits };
        case "REJECT":
          return { verdict: "REJECT", mark, hits };
        case "MARK":
          mark = (mark & ~t.mask) ^ t.value;
          break;
        case "DNAT": {
          const [ip, port] = t.to.split(":");
          return { verdict: "ACCEPT", mark, hits, dnat: { ip: ip!, ...(port ? { port: Number(port) } : {}) } };
        }
        case "MASQUERADE":
          return { verdict: "ACCEPT", mark, hits, masquerade: true };
      }
    }
    return { verdict: "ACCEPT", mark, hits };
  }

  /** IP of the DNAT target of a KUBE-SEP chain. */
  private dnatIpOf(table: IptTable, chain: string): string | undefined {
    for (const r of table.chain(chain)?.rules ?? []) if (r.target.t === "DNAT") return r.target.to.split(":")[0];
    return undefined;
  }

  private ruleMatches(table: IptTable, rule: Rule, p: IptPacket, ctx: EvalContext): boolean {
    if (!addrMatches(rule.src, p.src) || !addrMatches(rule.dst, p.dst)) return false;
    if (!ifaceMatches(rule.in, p.inIface) || !ifaceMatches(rule.out, p.outIface)) return false;
    if (rule.proto && rule.proto !== p.proto) return false;
    for (const m of rule.matches) {
      switch (m.m) {
        case "comment":
          break;
        case "tcp":
        case "udp":
          if (p.proto !== m.m) return false;
          if (m.dport !== undefined && p.dport !== m.dport) return false;
          if (m.sport !== undefined && p.sport !== m.sport) return false;
          break;
        case "addrtype":
          if (m.dstType === "LOCAL" && !ctx.isLocal(p.dst)) return false;
          if (m.srcType === "LOCAL" && !ctx.isLocal(p.src)) return false;
          break;
        case "mark": {
          const hit = (p.mark & m.mask) === m.value;
          if (hit === !!m.invert) return false;
          break;
        }
        case "statistic": {
          const target = rule.target.t === "jump" ? this.dnatIpOf(table, rule.target.chain) : undefined;
          if (ctx.pinnedEndpoint !== undefined && target !== undefined && this.chainHasEndpoint(table, rule, ctx.pinnedEndpoint)) {
            if (target !== ctx.pinnedEndpoint) return false;
            break;
          }
          if (!(ctx.random31() < statisticThreshold(m.probability))) return false;
          break;
        }
        case "set": {
          let hit = true;
          for (const d of m.dirs) if (!ctx.inSet(m.name, d === "src" ? p.src : p.dst)) hit = false;
          if (hit === !!m.invert) return false;
          break;
        }
        case "conntrack": {
          const hit = m.ctstate.some((s) => p.ctstate.includes(s));
          if (hit === !!m.invert) return false;
          break;
        }
      }
    }
    return true;
  }

  /** Whether the pinned endpoint is one of the endpoints of the service chain `rule` sits in. */
  private chainHasEndpoint(table: IptTable, rule: Rule, ip: string): boolean {
    for (const c of table.list) {
      if (!c.rules.includes(rule)) continue;
      return c.rules.some((r) => r.target.t === "jump" && this.dnatIpOf(table, r.target.chain) === ip);
    }
    return false;
  }

  /** hash:net membership of an ipset. */
  setContains(name: string, ip: string): boolean {
    const n = ipToNum(ip);
    return (this.ipsets.get(name) ?? []).some((c) => prefixContains(parsePrefix(c), n));
  }
}

// ---------------------------------------------------------------------------
// Printing

/** iptables' xtables_save_string: quote unless [A-Za-z0-9_-]+. */
function saveString(s: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(s)) return s;
  return `"${s.replace(/(["\\'])/g, "\\$1")}"`;
}

function ctstateText(states: readonly CtState[]): string {
  return CTSTATE_ORDER.filter((s) => states.includes(s)).join(",");
}

function matchSave(m: Match): string {
  switch (m.m) {
    case "comment":
      return ` -m comment --comment ${saveString(m.comment)}`;
    case "tcp":
    case "udp":
      return ` -m ${m.m}${m.sport !== undefined ? ` --sport ${m.sport}` : ""}${m.dport !== undefined ? ` --dport ${m.dport}` : ""}`;
    case "addrtype":
      return ` -m addrtype${m.srcType ? ` --src-type ${m.srcType}` : ""}${m.dstType ? ` --dst-type ${m.dstType}` : ""}`;
    case "mark":
      return ` -m mark${m.invert ? " !" : ""} --mark 0x${m.value.toString(16)}/0x${m.mask.toString(16)}`;
    case "statistic":
      return ` -m statistic --mode random --probability ${(statisticThreshold(m.probability) / 0x80000000).toFixed(11)}`;
    case "set":
      return ` -m set${m.invert ? " !" : ""} --match-set ${m.name} ${m.dirs.join(",")}`;
    case "conntrack":
      return ` -m conntrack${m.invert ? " !" : ""} --ctstate ${ctstateText(m.ctstate)}`;
  }
}

function targetSave(t: Target): string {
  switch (t.t) {
    case "jump":
      return ` -j ${t.chain}`;
    case "ACCEPT":
    case "DROP":
    case "RETURN":
      return ` -j ${t.t}`;
    case "REJECT":
      return ` -j REJECT --reject-with ${t.with}`;
    case "DNAT":
      return ` -j DNAT --to-destination ${t.to}`;
    case "MASQUERADE":
      return ` -j MASQUERADE${t.randomFully ? " --random-fully" : ""}`;
    case "MARK":
      return ` -j MARK --set-xmark 0x${t.value.toString(16)}/0x${t.mask.toString(16)}`;
  }
}

function cidrSave(c: string): string {
  return c.includes("/") ? c : `${c}/32`;
}

/** One rule in `iptables -S` / `iptables-save` form. */
export function ruleToSave(chain: string, r: Rule, counters = false): string {
  let s = counters ? `[${r.counters.packets}:${r.counters.bytes}] -A ${chain}` : `-A ${chain}`;
  if (r.src) s += `${r.src.invert ? " !" : ""} -s ${cidrSave(r.src.cidr)}`;
  if (r.dst) s += `${r.dst.invert ? " !" : ""} -d ${cidrSave(r.dst.cidr)}`;
  if (r.in) s += `${r.in.invert ? " !" : ""} -i ${r.in.name}`;
  if (r.out) s += `${r.out.invert ? " !" : ""} -o ${r.out.name}`;
  if (r.proto) s += ` -p ${r.proto}`;
  for (const m of r.matches) s += matchSave(m);
  return s + targetSave(r.target);
}

/** `iptables -t TABLE -S [CHAIN] [-v]`. */
export function formatIptablesS(table: IptTable, chain?: string, counters = false): string {
  let out = "";
  const chains = table.list.filter((c) => chain === undefined || c.name === chain);
  for (const c of chains) {
    if (c.policy) out += `-P ${c.name} ${c.policy}${counters ? ` -c ${c.counters.packets} ${c.counters.bytes}` : ""}\n`;
    else out += `-N ${c.name}\n`;
  }
  for (const c of chains) {
    for (const r of c.rules) {
      out += ruleToSave(c.name, r) + (counters ? ` -c ${r.counters.packets} ${r.counters.bytes}` : "") + "\n";
    }
  }
  return out;
}

/** ctime(3) text of an RFC 3339 instant, as iptables-save prints it ("Mon Sep 14 17:31:44 2020"). */
export function ctime(iso: string): string {
  const d = new Date(iso);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The order iptables-save lists tables in (/proc/net/ip_tables_names: most recently loaded first). */
export const SAVE_TABLE_ORDER: readonly TableName[] = ["mangle", "filter", "nat"];

/** `iptables-save [-c] [-t TABLE]`. */
export function formatIptablesSave(fw: NodeFirewall, opts: { table?: TableName; counters?: boolean; now: string; version?: string }): string {
  const stamp = ctime(opts.now);
  const version = opts.version ?? "1.6.1";
  let out = "";
  const tables = opts.table ? [opts.table] : SAVE_TABLE_ORDER;
  for (const name of tables) {
    const t = fw.table(name);
    out += `# Generated by iptables-save v${version} on ${stamp}\n*${name}\n`;
    for (const c of t.list) {
      const cnt = opts.counters || c.policy ? `[${opts.counters ? c.counters.packets : 0}:${opts.counters ? c.counters.bytes : 0}]` : "[0:0]";
      out += `:${c.name} ${c.policy ?? "-"} ${cnt}\n`;
    }
    for (const c of t.list) for (const r of c.rules) out += ruleToSave(c.name, r, opts.counters) + "\n";
    out += `COMMIT\n# Completed on ${stamp}\n`;
  }
  return out;
}

export interface ListOptions {
  readonly numeric: boolean;
  readonly verbose: boolean;
  readonly exact: boolean;
  readonly lineNumbers: boolean;
  /** Reverse name lookup for addresses when not numeric (e.g. /etc/hosts). */
  readonly hostName?: (ip: string) => string | undefined;
}

/** xtables_print_num with FMT_KILOMEGAGIGA unless exact. */
function printNum(n: number, exact: boolean, width: number): string {
  if (exact) return String(n).padStart(width) + " ";
  if (n <= 99999) return String(n).padStart(5) + " ";
  const units = ["K", "M", "G", "T"];
  let v = n;
  for (let i = 0; i < units.length; i++) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || i === units.length - 1) return String(v).padStart(4) + units[i] + " ";
  }
  return String(v) + " ";
}

function policyNum(n: number, exact: boolean): string {
  if (exact || n <= 99999) return `${n} `;
  const units = ["K", "M", "G", "T"];
  let v = n;
  for (let i = 0; i < units.length; i++) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || i === units.length - 1) return `${v}${units[i]} `;
  }
  return `${v} `;
}

const PORT_NAMES: Readonly<Record<number, string>> = { 22: "ssh", 53: "domain", 80: "http", 443: "https", 6443: "6443" };

function portText(port: number, numeric: boolean, proto: string): string {
  if (numeric) return String(port);
  if (port === 53 || port === 80 || port === 443 || port === 22) return PORT_NAMES[port]!;
  void proto;
  return String(port);
}

function matchPrint(m: Match, numeric: boolean): string {
  switch (m.m) {
    case "comment":
      return ` /* ${m.comment} */`;
    case "tcp":
    case "udp":
      return ` ${m.m}${m.sport !== undefined ? ` spt:${portText(m.sport, numeric, m.m)}` : ""}${m.dport !== undefined ? ` dpt:${portText(m.dport, numeric, m.m)}` : ""}`;
    case "addrtype":
      return ` ADDRTYPE match${m.srcType ? ` src-type ${m.srcType}` : ""}${m.dstType ? ` dst-type ${m.dstType}` : ""}`;
    case "mark":
      return ` mark match${m.invert ? " !" : ""} 0x${m.value.toString(16)}/0x${m.mask.toString(16)}`;
    case "statistic":
      return ` statistic mode random probability ${(statisticThreshold(m.probability) / 0x80000000).toFixed(11)}`;
    case "set":
      return ` ${m.invert ? "! " : ""}match-set ${m.name} ${m.dirs.join(",")}`;
    case "conntrack":
      return ` ${m.invert ? "! " : ""}ctstate ${ctstateText(m.ctstate)}`;
  }
}

function targetPrint(t: Target): string {
  switch (t.t) {
    case "REJECT":
      return ` reject-with ${t.with}`;
    case "DNAT":
      return ` to:${t.to}`;
    case "MASQUERADE":
      return t.randomFully ? " random-fully" : "";
    case "MARK":
      return t.mask === 0xffffffff ? ` MARK set 0x${t.value.toString(16)}` : t.value === t.mask ? ` MARK or 0x${t.value.toString(16)}` : t.value === 0 ? ` MARK and 0x${(~t.mask >>> 0).toString(16)}` : ` MARK xset 0x${t.value.toString(16)}/0x${t.mask.toString(16)}`;
    default:
      return "";
  }
}

function addrColumn(spec: AddrSpec | undefined, opts: ListOptions): string {
  if (!spec) return opts.numeric ? "0.0.0.0/0" : "anywhere";
  const [ip, len] = spec.cidr.split("/");
  const l = len === undefined ? 32 : Number(len);
  if (l === 0) return opts.numeric ? "0.0.0.0/0" : "anywhere";
  const name = !opts.numeric && l === 32 ? opts.hostName?.(ip!) : undefined;
  const base = name ?? numToIp(parsePrefix(spec.cidr).base);
  return l === 32 ? base : `${base}/${l}`;
}

/** `iptables -t TABLE -L [CHAIN] [-n] [-v] [-x] [--line-numbers]`. */
export function formatIptablesL(table: IptTable, chain: string | undefined, opts: ListOptions): string {
  const blocks: string[] = [];
  for (const c of table.list) {
    if (chain !== undefined && c.name !== chain) continue;
    let s = `Chain ${c.name}`;
    if (c.policy) {
      s += ` (policy ${c.policy}`;
      if (opts.verbose) s += ` ${policyNum(c.counters.packets, opts.exact)}packets, ${policyNum(c.counters.bytes, opts.exact)}bytes`;
      s += ")\n";
    } else {
      s += ` (${table.references(c.name)} references)\n`;
    }
    // Header.
    if (opts.lineNumbers) s += "num  ";
    if (opts.verbose) s += opts.exact ? `${"pkts".padStart(8)} ${"bytes".padStart(10)} ` : " pkts bytes ";
    s += "target     prot opt";
    if (opts.verbose) s += " in     out    ";
    s += " source               destination         \n";
    c.rules.forEach((r, i) => {
      let line = "";
      if (opts.lineNumbers) line += String(i + 1).padEnd(4) + " ";
      if (opts.verbose) line += printNum(r.counters.packets, opts.exact, 8) + printNum(r.counters.bytes, opts.exact, 8);
      const target = r.target.t === "jump" ? r.target.chain : r.target.t;
      line += target.padEnd(9) + " ";
      line += " " + (r.proto ?? "all").padEnd(5) + "-- ";
      if (opts.verbose) {
        const iface = (spec: IfaceSpec | undefined): string => (spec ? `${spec.invert ? "!" : ""}${spec.name}` : opts.numeric ? "*" : "any");
        line += " " + iface(r.in).padEnd(6) + " " + iface(r.out).padEnd(6) + " ";
      }
      line += (r.src?.invert ? "!" : " ") + addrColumn(r.src, opts).padEnd(19) + " ";
      line += (r.dst?.invert ? "!" : " ") + addrColumn(r.dst, opts).padEnd(19) + " ";
      for (const m of r.matches) line += matchPrint(m, opts.numeric);
      line += targetPrint(r.target);
      s += line + "\n";
    });
    blocks.push(s);
  }
  return blocks.join("\n");
}
