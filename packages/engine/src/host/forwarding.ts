/**
 * The kernel's IPv4 path through a host, for packets that enter on a device
 * (antrea-gw0 from OVS, the uplink ens160 from the underlay) or that a local
 * process sends:
 *
 *   receive:  conntrack → nat PREROUTING (new connections) → routing →
 *             INPUT (local) or FORWARD (TTL check and decrement) →
 *             nat POSTROUTING (new) → conntrack confirm → neighbour → out
 *   send:     routing → conntrack → nat OUTPUT (new) → re-route after DNAT →
 *             filter OUTPUT → nat POSTROUTING (new) → confirm → neighbour → out
 *
 * Established connections skip the nat table: the conntrack entry rewrites
 * the destination at PREROUTING/OUTPUT and the source at POSTROUTING, so a
 * reply is un-SNATed on the way in and un-DNATed on the way out.
 * Next hops are resolved through the neighbour cache; a miss asks the
 * `ArpResolver` (on antrea-gw0 the cluster answers through OVS: table 20's
 * responder for peer gateways, NORMAL for local Pods).
 */
import { HostConntrack, type CtEntry, type Tuple } from "./conntrack.ts";
import type { Host } from "./host.ts";
import { formatRoute } from "./routes.ts";
import type { CtState, EvalContext, EvalResult, IptPacket, RuleHit, TableName } from "./iptables.ts";

export interface TcpFlags {
  readonly syn?: boolean;
  readonly ack?: boolean;
  readonly fin?: boolean;
  readonly rst?: boolean;
}

export interface IpPacket {
  readonly srcMac: string;
  readonly dstMac: string;
  readonly src: string;
  readonly dst: string;
  readonly proto: "tcp" | "udp" | "icmp";
  /** For ICMP echo, the identifier (in both ports, so conntrack pairs request and reply). */
  readonly sport: number;
  readonly dport: number;
  readonly ttl: number;
  readonly length: number;
  readonly tcpFlags?: TcpFlags;
  /** ICMP type (8 echo request, 0 echo reply). */
  readonly icmpType?: number;
  /** skb->mark (not carried across devices). */
  readonly mark?: number;
}

export interface ArpAnswer {
  readonly mac: string;
  /** Who answered, for the trace (e.g. "OVS table 20 ARP responder"). */
  readonly by: string;
}

/** Resolves `target` on `dev` for a host that sends from `senderIp`/`senderMac`. */
export type ArpResolver = (dev: string, target: string, senderIp: string, senderMac: string) => ArpAnswer | undefined;

export interface NeighborUse {
  readonly ip: string;
  readonly mac?: string;
  readonly dev: string;
  /** True when the entry was missing and had to be resolved now. */
  readonly resolved: boolean;
  readonly by?: string;
}

export interface HostPass {
  readonly outcome: "forwarded" | "local" | "dropped";
  readonly inIface?: string;
  readonly outIface?: string;
  /** The packet as it leaves (or is delivered), after NAT, TTL and MAC rewrites. */
  readonly packet: IpPacket;
  /** Conntrack's view of the packet. */
  readonly conntrack: {
    readonly state: "new" | "established" | "reply";
    readonly entry: CtEntry;
    /** "DNAT 10.104.65.133:80 -> 10.222.2.34:80" and the like. */
    readonly nat: readonly string[];
  };
  /** Every iptables rule that matched, across tables, in order. */
  readonly iptables: readonly RuleHit[];
  /** `ip route` text of the route used. */
  readonly route?: string;
  readonly neighbor?: NeighborUse;
  /** Human-readable steps, in order. */
  readonly steps: readonly string[];
  readonly drop?: { readonly stage: string; readonly reason: string };
}

export interface HostPathOptions {
  readonly pinnedEndpoint?: string;
}

function tupleOf(p: IpPacket): Tuple {
  return { proto: p.proto, src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
}

function ctStates(entry: CtEntry | undefined, dir: "original" | "reply" | undefined): CtState[] {
  if (!entry) return ["NEW"];
  const s: CtState[] = [dir === "reply" || entry.seenReply ? "ESTABLISHED" : "NEW"];
  if (HostConntrack.hasDnat(entry)) s.push("DNAT");
  if (HostConntrack.hasSnat(entry)) s.push("SNAT");
  return s;
}

class PathState {
  readonly steps: string[] = [];
  readonly hits: RuleHit[] = [];
  readonly nat: string[] = [];
  pkt: IpPacket;
  mark: number;
  readonly host: Host;
  readonly ctx: EvalContext;

  constructor(host: Host, pkt: IpPacket, opts: HostPathOptions) {
    this.host = host;
    this.pkt = pkt;
    this.mark = pkt.mark ?? 0;
    this.ctx = {
      isLocal: (ip) => host.isLocal(ip),
      inSet: (name, ip) => host.firewall.setContains(name, ip),
      random31: () => host.random31(),
      ...(opts.pinnedEndpoint !== undefined ? { pinnedEndpoint: opts.pinnedEndpoint } : {}),
    };
  }

  run(table: TableName, hook: string, inIface: string | undefined, outIface: string | undefined, ct: CtState[]): EvalResult {
    const ip: IptPacket = {
      src: this.pkt.src, dst: this.pkt.dst, proto: this.pkt.proto, sport: this.pkt.sport, dport: this.pkt.dport,
      ...(inIface ? { inIface } : {}), ...(outIface ? { outIface } : {}),
      mark: this.mark, ctstate: ct, length: this.pkt.length,
    };
    const r = this.host.firewall.evaluate(table, hook, ip, this.ctx);
    this.mark = r.mark;
    this.hits.push(...r.hits);
    const jumps = r.hits.filter((h) => h.num > 0).map((h) => h.text);
    if (jumps.length) this.steps.push(`iptables -t ${table} ${hook}: ${jumps.join(" | ")}`);
    return r;
  }
}

function dropped(s: PathState, entry: CtEntry | undefined, stage: string, reason: string, extra: Partial<HostPass> = {}): HostPass {
  s.steps.push(`dropped (${stage}): ${reason}`);
  return {
    outcome: "dropped",
    packet: s.pkt,
    conntrack: { state: "new", entry: entry ?? ({} as CtEntry), nat: s.nat },
    iptables: s.hits,
    steps: s.steps,
    drop: { stage, reason },
    ...extra,
  };
}

/** Route lookup, TTL, FORWARD/OUTPUT filter, POSTROUTING, confirm, neighbour: shared tail. */
function finish(
  s: PathState,
  opts: { inIface?: string; forward: boolean; isNew: boolean; orig: Tuple; found?: { entry: CtEntry; dir: "original" | "reply" } },
  resolver: ArpResolver,
): HostPass {
  const host = s.host;
  const ct = ctStates(opts.found?.entry, opts.found?.dir);
  const hit = host.routes.lookup(s.pkt.dst);
  if (!hit) return dropped(s, opts.found?.entry, "routing", `no route to ${s.pkt.dst} (Network is unreachable)`);
  const routeText = formatRoute(hit.route).trimEnd();
  s.steps.push(`route: ${routeText}`);
  const outIface = hit.route.dev;
  if (opts.forward) {
    if (s.pkt.ttl <= 1) return dropped(s, opts.found?.entry, "forward", "TTL exceeded (ICMP time exceeded sent back)");
    s.pkt = { ...s.pkt, ttl: s.pkt.ttl - 1 };
    s.steps.push(`forward: ttl ${s.pkt.ttl + 1} -> ${s.pkt.ttl}`);
    const f = s.run("filter", "FORWARD", opts.inIface, outIface, ct);
    if (f.verdict !== "ACCEPT") return dropped(s, opts.found?.entry, "filter FORWARD", `iptables ${f.verdict}`, { route: routeText });
  } else {
    const f = s.run("filter", "OUTPUT", undefined, outIface, ct);
    if (f.verdict !== "ACCEPT") return dropped(s, opts.found?.entry, "filter OUTPUT", `iptables ${f.verdict}`, { route: routeText });
  }
  // POSTROUTING: SNAT for new connections, the entry's source rewrite otherwise.
  let entry: CtEntry;
  let state: "new" | "established" | "reply";
  if (opts.isNew) {
    const r = s.run("nat", "POSTROUTING", undefined, outIface, ct);
    if (r.masquerade) {
      const addr = host.addressOf(outIface);
      if (addr) {
        s.nat.push(`MASQUERADE ${s.pkt.src}:${s.pkt.sport} -> ${addr}:${s.pkt.sport}`);
        s.pkt = { ...s.pkt, src: addr };
      }
    }
    entry = host.conntrack.confirm(opts.orig, tupleOf(s.pkt), 0);
    host.conntrack.see(entry, "original", s.pkt.tcpFlags);
    state = "new";
    s.steps.push(`conntrack: new ${entry.orig.proto} connection ${entry.orig.src}:${entry.orig.sport} -> ${entry.orig.dst}:${entry.orig.dport}${s.nat.length ? ` (${s.nat.join(", ")})` : ""}`);
  } else {
    entry = opts.found!.entry;
    const t = HostConntrack.translate(entry, opts.found!.dir);
    if (t.src !== s.pkt.src || t.sport !== s.pkt.sport) {
      const what = `${opts.found!.dir === "reply" ? "un-DNAT" : "SNAT"} source ${s.pkt.src}:${s.pkt.sport} -> ${t.src}:${t.sport}`;
      s.nat.push(what);
      s.steps.push(`conntrack: ${what}`);
      s.pkt = { ...s.pkt, src: t.src, sport: t.sport };
    }
    host.conntrack.see(entry, opts.found!.dir, s.pkt.tcpFlags);
    state = opts.found!.dir === "reply" ? "reply" : "established";
  }
  // Neighbour.
  const outLink = host.link(outIface);
  const nh = hit.nextHop;
  let n = host.neighbors.lookup(nh, outIface);
  let neighbor: NeighborUse;
  if (n?.mac) {
    neighbor = { ip: nh, mac: n.mac, dev: outIface, resolved: false };
    s.steps.push(`neighbour ${nh} dev ${outIface} lladdr ${n.mac}`);
  } else {
    const sender = host.addressOf(outIface) ?? s.pkt.src;
    const ans = resolver(outIface, nh, sender, outLink?.mac ?? "00:00:00:00:00:00");
    if (!ans) {
      host.neighbors.set({ ip: nh, dev: outIface, state: "INCOMPLETE" });
      s.steps.push(`ARP who-has ${nh} tell ${sender} on ${outIface}: no reply`);
      return dropped(s, entry, "neighbour", `no ARP reply for ${nh} on ${outIface}`, { route: routeText, outIface });
    }
    host.neighbors.set({ ip: nh, mac: ans.mac, dev: outIface, state: "REACHABLE" });
    n = host.neighbors.lookup(nh, outIface);
    neighbor = { ip: nh, mac: ans.mac, dev: outIface, resolved: true, by: ans.by };
    s.steps.push(`ARP who-has ${nh} tell ${sender} on ${outIface}: ${ans.mac} (${ans.by})`);
  }
  s.pkt = { ...s.pkt, srcMac: outLink?.mac ?? s.pkt.srcMac, dstMac: neighbor.mac! };
  s.steps.push(`out ${outIface}: ${s.pkt.srcMac} > ${s.pkt.dstMac}, ${s.pkt.src}:${s.pkt.sport} > ${s.pkt.dst}:${s.pkt.dport}, ttl ${s.pkt.ttl}`);
  return {
    outcome: "forwarded",
    ...(opts.inIface ? { inIface: opts.inIface } : {}),
    outIface,
    packet: s.pkt,
    conntrack: { state, entry, nat: s.nat },
    iptables: s.hits,
    route: routeText,
    neighbor,
    steps: s.steps,
  };
}

/** A packet arriving on `inIface`. */
export function hostReceive(host: Host, inIface: string, pkt: IpPacket, resolver: ArpResolver, opts: HostPathOptions = {}): HostPass {
  const s = new PathState(host, { ...pkt, mark: 0 }, opts);
  s.steps.push(`in ${inIface}: ${pkt.srcMac} > ${pkt.dstMac}, ${pkt.src}:${pkt.sport} > ${pkt.dst}:${pkt.dport}, ttl ${pkt.ttl}`);
  const orig = tupleOf(pkt);
  const found = host.conntrack.lookup(orig);
  const ct = ctStates(found?.entry, found?.dir);
  const isNew = !found;
  if (isNew) {
    const r = s.run("nat", "PREROUTING", inIface, undefined, ct);
    if (r.dnat) {
      const port = r.dnat.port ?? s.pkt.dport;
      s.nat.push(`DNAT ${s.pkt.dst}:${s.pkt.dport} -> ${r.dnat.ip}:${port}`);
      s.pkt = { ...s.pkt, dst: r.dnat.ip, dport: port };
    }
  } else {
    const t = HostConntrack.translate(found.entry, found.dir);
    s.steps.push(`conntrack: ${found.dir === "reply" ? "reply of" : "packet of"} ${found.entry.orig.proto} connection ${found.entry.orig.src}:${found.entry.orig.sport} -> ${found.entry.orig.dst}:${found.entry.orig.dport}`);
    if (t.dst !== s.pkt.dst || t.dport !== s.pkt.dport) {
      const what = `${found.dir === "reply" ? "un-SNAT" : "DNAT"} destination ${s.pkt.dst}:${s.pkt.dport} -> ${t.dst}:${t.dport}`;
      s.nat.push(what);
      s.steps.push(`conntrack: ${what}`);
      s.pkt = { ...s.pkt, dst: t.dst, dport: t.dport };
    }
  }
  if (host.isLocal(s.pkt.dst)) {
    const f = s.run("filter", "INPUT", inIface, undefined, ct);
    if (f.verdict !== "ACCEPT") return dropped(s, found?.entry, "filter INPUT", `iptables ${f.verdict}`);
    let entry: CtEntry;
    if (isNew) entry = host.conntrack.confirm(orig, tupleOf(s.pkt));
    else {
      entry = found.entry;
      // The source side of the NAT is undone at LOCAL_IN (nat INPUT hook) for local delivery.
      const t = HostConntrack.translate(entry, found.dir);
      if (t.src !== s.pkt.src || t.sport !== s.pkt.sport) {
        const what = `${found.dir === "reply" ? "un-DNAT" : "SNAT"} source ${s.pkt.src}:${s.pkt.sport} -> ${t.src}:${t.sport}`;
        s.nat.push(what);
        s.steps.push(`conntrack: ${what}`);
        s.pkt = { ...s.pkt, src: t.src, sport: t.sport };
      }
    }
    host.conntrack.see(entry, found?.dir ?? "original", pkt.tcpFlags);
    s.steps.push(`delivered locally to ${s.pkt.dst}`);
    return {
      outcome: "local", inIface, packet: s.pkt,
      conntrack: { state: isNew ? "new" : found.dir === "reply" ? "reply" : "established", entry, nat: s.nat },
      iptables: s.hits, steps: s.steps,
    };
  }
  return finish(s, { inIface, forward: true, isNew, orig, ...(found ? { found } : {}) }, resolver);
}

/**
 * A packet a local process sends (e.g. `curl` on the Node). `pkt.src` may be
 * "" to let the route pick the source address.
 */
export function hostSend(host: Host, pkt: IpPacket, resolver: ArpResolver, opts: HostPathOptions = {}): HostPass {
  let p = pkt;
  if (!p.src) {
    const hit = host.routes.lookup(p.dst);
    const src = hit?.route.src ?? (hit ? host.addressOf(hit.route.dev) : undefined);
    p = { ...p, src: src ?? "0.0.0.0" };
  }
  const s = new PathState(host, { ...p, mark: 0 }, opts);
  s.steps.push(`local process sends ${p.src}:${p.sport} > ${p.dst}:${p.dport}`);
  const orig = tupleOf(p);
  const found = host.conntrack.lookup(orig);
  const ct = ctStates(found?.entry, found?.dir);
  const isNew = !found;
  if (isNew) {
    const r = s.run("nat", "OUTPUT", undefined, undefined, ct);
    if (r.dnat) {
      const port = r.dnat.port ?? s.pkt.dport;
      s.nat.push(`DNAT ${s.pkt.dst}:${s.pkt.dport} -> ${r.dnat.ip}:${port}`);
      s.pkt = { ...s.pkt, dst: r.dnat.ip, dport: port };
    }
  } else {
    const t = HostConntrack.translate(found.entry, found.dir);
    if (t.dst !== s.pkt.dst || t.dport !== s.pkt.dport) s.pkt = { ...s.pkt, dst: t.dst, dport: t.dport };
  }
  return finish(s, { forward: false, isNew, orig, ...(found ? { found } : {}) }, resolver);
}
