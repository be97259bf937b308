/**
 * Following a packet through the cluster, hop by hop: the source Pod, its
 * Node's br-int (every table visited and the flow that matched, per
 * conntrack pass), the host (iptables, routing, ARP), br-int again, the
 * Geneve tunnel, the peer's br-int, and the destination. Connection state
 * (OVS conntrack and netfilter conntrack on every Node) lives in the
 * Cluster, so a reply, or the next packet of a connection, sees it.
 *
 * A drop is reported with the Node, the table and the flow, and mapped back
 * to the NetworkPolicy responsible: a conjunction that allowed the packet
 * names its rule (conj_id), a default-drop flow in the egress/ingress
 * default tables names the policies isolating the Pod.
 */
import type { Bridge } from "../bridge/bridge.ts";
import { traceFlow, type TraceNode, type TracePass, type TraceResult } from "../bridge/xlate.ts";
import { ipToNum, isIpv4, parsePrefix, prefixContains } from "../host/addr.ts";
import { hostReceive, hostSend, type ArpResolver, type HostPass, type IpPacket } from "../host/forwarding.ts";
import { formatFlowLine } from "../ofp/flow.ts";
import type { Pod } from "../k8s/types.ts";
import { keyOf } from "../k8s/query.ts";
import type { Cluster, NodeRuntime } from "./cluster.ts";
import { arpRequestFlow, arpShaOf, defaultLength, frameFromOvs, ovsFlowString } from "./frames.ts";

export type Proto = "tcp" | "udp" | "icmp";

/** A packet as the JSON result shows it. */
export interface PacketView {
  readonly src_mac: string;
  readonly dst_mac: string;
  readonly src: string;
  readonly dst: string;
  readonly proto: Proto;
  readonly sport?: number;
  readonly dport?: number;
  readonly ttl: number;
}

export interface TableVisit {
  readonly table: number;
  /** The flow that matched, as `ovs-ofctl dump-flows` prints it (OF1.0, port names); "" for a miss without flow. */
  readonly flow: string;
}

export interface OvsHop {
  readonly node: string;
  readonly where: "ovs";
  readonly in_port: string;
  /** Tables visited in order, across conntrack recirculations. */
  readonly tables: readonly number[];
  /** One list per pass (the first lookup, then each ct recirculation). */
  readonly passes: readonly (readonly TableVisit[])[];
  /** The output port, when the packet left the bridge. */
  readonly out_port?: string;
  /** NetworkPolicy rules whose conjunction matched (allowed the packet). */
  readonly allowed_by?: readonly string[];
  /** The `ovs-appctl ofproto/trace br-int FLOW` argument of this hop. */
  readonly flow: string;
  readonly packet: PacketView;
}

export interface HostHop {
  readonly node: string;
  readonly where: "host";
  readonly in?: string;
  readonly out?: string;
  /** netfilter conntrack's view: a new connection, a later packet, or a reply. */
  readonly conntrack: "new" | "established" | "reply";
  readonly nat: readonly string[];
  /** Every iptables rule that matched, `iptables -S` style, with the table. */
  readonly iptables: readonly string[];
  readonly route?: string;
  readonly arp?: { readonly ip: string; readonly mac?: string; readonly dev: string; readonly resolved: boolean; readonly by?: string };
  readonly steps: readonly string[];
  readonly packet: PacketView;
}

export interface TunnelHop {
  readonly node: string;
  readonly where: "tunnel";
  readonly type: "geneve";
  readonly src: string;
  readonly dst: string;
  readonly to_node: string;
  readonly dport: 6081;
  readonly vni: number;
  readonly packet: PacketView;
}

export type Hop = OvsHop | HostHop | TunnelHop;

export interface PolicyCause {
  readonly direction: "egress" | "ingress";
  /** `namespace/name` of every NetworkPolicy isolating the Pod in that direction. */
  readonly policies: readonly string[];
  readonly rule: "default isolation";
  /** The isolated Pod. */
  readonly pod?: string;
}

export interface PathResult {
  readonly verdict: "delivered" | "dropped";
  /** Pod name (`NAME`, or `NAMESPACE/NAME` outside default), Node name, or external host. */
  readonly delivered_to?: string;
  readonly dropped_at?: { readonly node: string; readonly table: number | string; readonly flow: string };
  /** Why it was dropped, in words. */
  readonly reason?: string;
  readonly policy?: PolicyCause;
  readonly hops: readonly Hop[];
}

export interface ClusterTraceResult extends PathResult {
  readonly request: {
    readonly from: string;
    readonly to: string;
    readonly proto: Proto;
    readonly src: string;
    readonly dst: string;
    readonly sport?: number;
    readonly dport?: number;
    readonly service?: string;
    readonly endpoint?: string;
  };
  readonly reply?: PathResult;
}

export interface TraceRequest {
  /** A Pod (`NAME` in default, or `NAMESPACE/NAME`), a Node (host network) or an external host (name or IP). */
  readonly from: string;
  /** A Pod, a Pod IP, a Service (name or ClusterIP), a Node (name or IP, for NodePorts) or an external host; `:PORT` allowed. */
  readonly to: string;
  readonly port?: number;
  readonly proto?: Proto;
  /** A Pod: pins kube-proxy's choice of endpoint. */
  readonly endpoint?: string;
  readonly reply?: boolean;
  /** Reseeds the cluster's random sources first. */
  readonly seed?: string | number;
  readonly sport?: number;
}

export class TraceError extends Error {
  override name = "TraceError";
}

// ---------------------------------------------------------------------------
// Endpoints of a path

export type Source =
  | { readonly kind: "pod"; readonly pod: Pod }
  | { readonly kind: "node"; readonly node: string }
  | { readonly kind: "external"; readonly name: string; readonly ip: string; readonly mac?: string };

export type Sink =
  | { readonly kind: "pod"; readonly pod: Pod; readonly pkt: IpPacket }
  | { readonly kind: "node"; readonly node: string; readonly pkt: IpPacket }
  | { readonly kind: "external"; readonly name: string; readonly ip: string; readonly pkt: IpPacket };

function podLabel(p: Pod): string {
  return p.metadata.namespace === "default" ? p.metadata.name : keyOf(p);
}

function view(p: IpPacket): PacketView {
  return {
    src_mac: p.srcMac, dst_mac: p.dstMac, src: p.src, dst: p.dst, proto: p.proto,
    ...(p.proto !== "icmp" ? { sport: p.sport, dport: p.dport } : {}),
    ttl: p.ttl,
  };
}

function splitPort(text: string): { name: string; port?: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: text };
}

export function resolveSource(c: Cluster, from: string): Source {
  const pod = c.pod(from) ?? (isIpv4(from) ? c.podByIp(from) : undefined);
  if (pod) {
    if (!pod.lab) {
      return { kind: "node", node: pod.spec.nodeName };
    }
    return { kind: "pod", pod };
  }
  const node = c.nodeByName(from) ?? (isIpv4(from) ? c.nodeByIp(from) : undefined);
  if (node) return { kind: "node", node: node.name };
  const ext = c.externalHost(from);
  if (ext) return { kind: "external", name: ext.name, ip: ext.ip, ...(ext.mac ? { mac: ext.mac } : {}) };
  if (isIpv4(from)) return { kind: "external", name: from, ip: from };
  throw new TraceError(`--from ${from}: no Pod, Node or external host of that name (a Pod is NAME, in namespace default, or NAMESPACE/NAME)`);
}

interface Target {
  readonly ip: string;
  readonly port?: number;
  readonly service?: string;
}

function resolveTarget(c: Cluster, to: string, port: number | undefined, proto: Proto): Target {
  const sp = splitPort(to);
  const name = sp.name;
  const wantPort = port ?? sp.port;
  const svcPort = (svc: { spec: { ports: readonly { protocol: string; port: number }[] } }): number | undefined =>
    wantPort ?? svc.spec.ports.find((p) => p.protocol.toLowerCase() === proto)?.port ?? svc.spec.ports[0]?.port;
  const pod = c.pod(name);
  if (pod) return { ip: pod.status.podIP, ...(wantPort !== undefined ? { port: wantPort } : {}) };
  const svc = c.service(name) ?? (isIpv4(name) ? c.serviceByClusterIP(name) : undefined);
  if (svc) {
    const p = svcPort(svc);
    return { ip: svc.spec.clusterIP, ...(p !== undefined ? { port: p } : {}), service: keyOf(svc) };
  }
  const node = c.nodeByName(name);
  if (node) return { ip: node.ip, ...(wantPort !== undefined ? { port: wantPort } : {}) };
  const ext = c.externalHost(name);
  if (ext) return { ip: ext.ip, ...(wantPort !== undefined ? { port: wantPort } : {}) };
  if (isIpv4(name)) return { ip: name, ...(wantPort !== undefined ? { port: wantPort } : {}) };
  throw new TraceError(`--to ${to}: no Pod, Service, Node or host of that name`);
}

// ---------------------------------------------------------------------------
// OVS hops

function tableVisits(pass: TracePass): TraceNode[] {
  const out: TraceNode[] = [];
  const walk = (nodes: readonly TraceNode[]): void => {
    for (const n of nodes) {
      if (n.type === "table" && n.tableId !== undefined) out.push(n);
      walk(n.children);
    }
  };
  walk(pass.tree);
  return out;
}

function flowText(bridge: Bridge, n: TraceNode): string {
  if (!n.rule) return "";
  return formatFlowLine(n.rule.flow, { version: 10, ports: bridge.resolver(true) }).trim();
}

function portName(bridge: Bridge, ofport: number): string {
  return bridge.port(ofport)?.name ?? String(ofport);
}

interface OvsRun {
  readonly hop: OvsHop;
  readonly result: TraceResult;
  readonly outputs: readonly { port: number; packet: readonly bigint[]; tunnel?: { dst: string; src: string } }[];
}

function runOvs(c: Cluster, rt: NodeRuntime, pkt: IpPacket, inPort: number, tunnel?: { src: string; dst: string }): OvsRun {
  const flow = ovsFlowString(pkt, inPort, tunnel);
  const result = traceFlow(rt.bridge, flow, { conntrack: rt.ovsCt, ovs: rt.bridge.ovsVersion.startsWith("2.") ? "2.14" : "3.1" });
  const passes = result.passes.map((p) => tableVisits(p).map((n) => ({ table: n.tableId!, flow: flowText(rt.bridge, n) })));
  const outputs = result.passes.flatMap((p) => p.outputs).map((o) => ({
    port: o.port, packet: o.packet, ...(o.tunnel ? { tunnel: { dst: o.tunnel.dst, src: o.tunnel.src } } : {}),
  }));
  const allowed: string[] = [];
  for (const pass of passes) {
    for (const v of pass) {
      const m = /conj_id=(\d+)/.exec(v.flow);
      if (!m) continue;
      const id = Number(m[1]);
      const rule = rt.compiled.policyRules.find((r) => r.id === id);
      allowed.push(rule ? `${rule.rule} (conj_id=${id})` : `conj_id=${id}`);
    }
  }
  const out = outputs[0];
  const hop: OvsHop = {
    node: rt.name,
    where: "ovs",
    in_port: portName(rt.bridge, inPort),
    tables: passes.flat().map((v) => v.table),
    passes,
    ...(out ? { out_port: portName(rt.bridge, out.port) } : {}),
    ...(allowed.length ? { allowed_by: allowed } : {}),
    flow,
    packet: view(out ? frameFromOvs(out.packet, pkt) : pkt),
  };
  void c;
  return { hop, result, outputs };
}

/** Where and why the bridge dropped the packet, mapped back to NetworkPolicy when it was a default-drop flow. */
function ovsDrop(rt: NodeRuntime, run: OvsRun): Pick<PathResult, "dropped_at" | "reason" | "policy"> {
  const passes = run.hop.passes;
  const last = [...passes].reverse().find((p) => p.length > 0) ?? [];
  const visit = last[last.length - 1];
  const table = visit?.table ?? 0;
  const flow = visit?.flow ?? "";
  const name = rt.compiled.tables.find((t) => t.id === table)?.name ?? "";
  const dropped_at = { node: rt.name, table, flow: flow || `table=${table} (no flow matched: the packet is dropped)` };
  if (/EgressDefault/.test(name) || /IngressDefault/.test(name)) {
    const egress = /Egress/.test(name);
    let podKey: string | undefined;
    let policies: string[] = [];
    if (egress) {
      const ip = /nw_src=([\d.]+)/.exec(flow)?.[1];
      policies = [...new Set(rt.compiled.policyRules.filter((r) => r.direction === "Out" && r.from.some((a) => a.type === "ip" && a.ip === ip)).map((r) => r.policy))];
      const pod = ip ? rt.compiled.policies.flatMap((p) => p.appliedTo).find((m) => m.ip === ip) : undefined;
      podKey = pod?.pod;
    } else {
      const port = Number.parseInt(/reg1=0x([0-9a-f]+)/.exec(flow)?.[1] ?? "", 16);
      policies = [...new Set(rt.compiled.policyRules.filter((r) => r.direction === "In" && r.to.some((a) => a.type === "ofport" && a.port === port)).map((r) => r.policy))];
      const pod = rt.compiled.policies.flatMap((p) => p.appliedTo).find((m) => m.ofport === port && m.node === rt.name);
      podKey = pod?.pod;
    }
    const dir = egress ? "egress" : "ingress";
    const policy: PolicyCause = { direction: dir, policies, rule: "default isolation", ...(podKey ? { pod: podKey } : {}) };
    const reason = `${dir} of ${podKey ?? "the Pod"} is isolated by NetworkPolicy ${policies.join(", ") || "(unknown)"} ` +
      `(default isolation: no ${dir} rule of ${policies.length > 1 ? "these policies" : "the policy"} allows this packet); ` +
      `dropped by the default-drop flow of table ${table} (${name})`;
    return { dropped_at, reason, policy };
  }
  let reason: string;
  if (!flow) reason = `no flow of table ${table}${name ? ` (${name})` : ""} matched, and the table has no miss flow`;
  else if (/ct_state=\+inv\+trk/.test(flow)) reason = `conntrack marked the packet invalid (table ${table}, ${name})`;
  else if (table === 0 || /SpoofGuard/.test(name)) reason = `${name || `table ${table}`} does not accept this packet from its port (table-miss drop)`;
  else reason = `dropped by table ${table}${name ? ` (${name})` : ""}`;
  return { dropped_at, reason };
}

// ---------------------------------------------------------------------------
// ARP

function resolverFor(c: Cluster, rt: NodeRuntime): ArpResolver {
  return (dev, target, senderIp, senderMac) => {
    if (dev === "antrea-gw0") {
      const gw = rt.bridge.portByName("antrea-gw0");
      if (!gw) return undefined;
      const result = traceFlow(rt.bridge, arpRequestFlow(gw.ofport, senderMac, senderIp, target), {
        conntrack: rt.ovsCt, ovs: rt.bridge.ovsVersion.startsWith("2.") ? "2.14" : "3.1",
      });
      const tables = result.passes.flatMap((p) => tableVisits(p).map((n) => n.tableId!));
      const outs = result.passes.flatMap((p) => p.outputs);
      const back = outs.find((o) => o.port === gw.ofport);
      if (back) return { mac: arpShaOf(back.packet), by: `br-int ARP responder (tables ${tables.join(", ")})` };
      const pod = c.podByIp(target);
      if (pod && pod.spec.nodeName === rt.name && outs.some((o) => o.port === pod.lab!.ofport)) {
        return { mac: pod.lab!.mac, by: `${podLabel(pod)} answered; br-int NORMAL (tables ${tables.join(", ")})` };
      }
      return undefined;
    }
    if (dev === rt.node.uplink) {
      const n = c.nodeByIp(target);
      if (n) return { mac: n.mac, by: `${n.name} on the underlay` };
      const h = c.externalHost(target);
      if (h?.mac) return { mac: h.mac, by: `${h.name} on the underlay` };
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------
// The walk

type Loc =
  | { readonly k: "pod"; readonly pod: Pod }
  | { readonly k: "ovs"; readonly node: string; readonly inPort: number; readonly tunnel?: { readonly src: string; readonly dst: string } }
  | { readonly k: "host-rx"; readonly node: string; readonly iface: string }
  | { readonly k: "host-tx"; readonly node: string }
  | { readonly k: "wire" }
  | { readonly k: "external-tx"; readonly name: string; readonly ip: string; readonly mac?: string };

export interface Walk {
  readonly result: PathResult;
  readonly sink?: Sink;
}

function podNextHopMac(c: Cluster, pod: Pod, dst: string): string | undefined {
  const node = c.nodeByName(pod.spec.nodeName)!;
  const subnet = parsePrefix(node.podCIDR);
  if (isIpv4(dst) && prefixContains(subnet, ipToNum(dst))) {
    if (dst === node.gatewayIP) return node.gatewayMAC;
    const peer = c.podByIp(dst);
    // The Pod ARPs for an on-link address; br-int's NORMAL flow carries the exchange.
    return peer && peer.spec.nodeName === node.name ? peer.lab!.mac : undefined;
  }
  return node.gatewayMAC;
}

function walk(c: Cluster, start: Loc, first: IpPacket, opts: { pinnedEndpoint?: string }): Walk {
  const hops: Hop[] = [];
  let pkt = first;
  let loc: Loc = start;
  const drop = (d: Pick<PathResult, "dropped_at" | "reason" | "policy">): Walk => ({ result: { verdict: "dropped", ...d, hops } });
  for (let step = 0; step < 48; step++) {
    switch (loc.k) {
      case "pod": {
        const mac = podNextHopMac(c, loc.pod, pkt.dst);
        if (!mac) {
          return drop({
            dropped_at: { node: loc.pod.spec.nodeName, table: "pod", flow: `ARP for ${pkt.dst} from ${podLabel(loc.pod)}: no reply` },
            reason: `${pkt.dst} is on ${podLabel(loc.pod)}'s subnet but nothing answers ARP for it`,
          });
        }
        pkt = { ...pkt, srcMac: loc.pod.lab!.mac, dstMac: mac };
        loc = { k: "ovs", node: loc.pod.spec.nodeName, inPort: loc.pod.lab!.ofport };
        break;
      }
      case "ovs": {
        const rt = c.runtime(loc.node)!;
        const run = runOvs(c, rt, pkt, loc.inPort, loc.tunnel);
        hops.push(run.hop);
        const out = run.outputs[0];
        if (!out) return drop(ovsDrop(rt, run));
        const port = rt.bridge.port(out.port);
        const next = frameFromOvs(out.packet, pkt);
        pkt = next;
        if (port?.type === "geneve" || out.tunnel) {
          const dst = out.tunnel?.dst ?? "";
          const peer = c.nodeByIp(dst);
          const src = out.tunnel?.src && out.tunnel.src !== "0.0.0.0" ? out.tunnel.src : rt.node.ip;
          hops.push({ node: rt.name, where: "tunnel", type: "geneve", src, dst, to_node: peer?.name ?? dst, dport: 6081, vni: 0, packet: view(pkt) });
          if (!peer) {
            return drop({ dropped_at: { node: rt.name, table: "tunnel", flow: `geneve to ${dst}` }, reason: `no Node has the tunnel destination ${dst}` });
          }
          const peerRt = c.runtime(peer.name)!;
          const tun = peerRt.bridge.ports.find((p) => p.type === "geneve");
          loc = { k: "ovs", node: peer.name, inPort: tun?.ofport ?? 1, tunnel: { src, dst } };
        } else if (port?.type === "internal") {
          loc = { k: "host-rx", node: rt.name, iface: port.name };
        } else {
          const pod = c.scenario.pods.find((p) => p.lab && p.spec.nodeName === rt.name && p.lab.ofport === out.port);
          if (!pod) {
            return drop({ dropped_at: { node: rt.name, table: "output", flow: `output:${out.port}` }, reason: `port ${out.port} has no Pod` });
          }
          if (pod.status.podIP !== pkt.dst) {
            return drop({
              dropped_at: { node: rt.name, table: "pod", flow: `${podLabel(pod)} eth0` },
              reason: `${podLabel(pod)} received a packet for ${pkt.dst}, which is not its address, and discarded it`,
            });
          }
          return { result: { verdict: "delivered", delivered_to: podLabel(pod), hops }, sink: { kind: "pod", pod, pkt } };
        }
        break;
      }
      case "host-rx":
      case "host-tx": {
        const rt = c.runtime(loc.node)!;
        const resolver = resolverFor(c, rt);
        const pass: HostPass = loc.k === "host-rx"
          ? hostReceive(rt.host, loc.iface, pkt, resolver, opts)
          : hostSend(rt.host, pkt, resolver, opts);
        hops.push(hostHop(rt.name, pass));
        pkt = pass.packet;
        if (pass.outcome === "dropped") {
          const hit = pass.iptables[pass.iptables.length - 1];
          return drop({
            dropped_at: { node: rt.name, table: pass.drop!.stage, flow: pass.drop!.stage.startsWith("filter") && hit ? hit.text : pass.drop!.reason },
            reason: `${rt.name}'s kernel dropped it: ${pass.drop!.reason}`,
          });
        }
        if (pass.outcome === "local") {
          return { result: { verdict: "delivered", delivered_to: rt.name, hops }, sink: { kind: "node", node: rt.name, pkt } };
        }
        const out = pass.outIface!;
        const link = rt.host.link(out);
        if (out === "antrea-gw0") {
          loc = { k: "ovs", node: rt.name, inPort: rt.bridge.portByName("antrea-gw0")!.ofport };
        } else if (out === rt.node.uplink) {
          loc = { k: "wire" };
        } else {
          return drop({
            dropped_at: { node: rt.name, table: "route", flow: pass.route ?? out },
            reason: `${rt.name} routed it to ${out}${link && !link.flags.includes("LOWER_UP") ? ", which has no carrier" : ""}`,
          });
        }
        break;
      }
      case "wire": {
        const node = c.nodeByUplinkMac(pkt.dstMac);
        if (node) {
          loc = { k: "host-rx", node: node.name, iface: node.uplink };
          break;
        }
        const ext = c.scenario.cluster.externalHosts.find((h) => h.mac === pkt.dstMac);
        if (ext) {
          const gw = c.scenario.cluster.defaultGateway;
          if (pkt.dst === ext.ip || (ext.ip === gw && !c.nodeByIp(pkt.dst))) {
            const final = c.externalHost(pkt.dst);
            const name = final?.name ?? pkt.dst;
            return { result: { verdict: "delivered", delivered_to: name, hops }, sink: { kind: "external", name, ip: pkt.dst, pkt } };
          }
        }
        return drop({ dropped_at: { node: "underlay", table: "wire", flow: `to ${pkt.dstMac}` }, reason: `nothing on the underlay has ${pkt.dstMac}` });
      }
      case "external-tx": {
        const gw = c.externalHost(c.scenario.cluster.defaultGateway ?? "");
        const node = c.nodeByIp(pkt.dst);
        if (!node) {
          return drop({
            dropped_at: { node: "underlay", table: "route", flow: `${pkt.src} -> ${pkt.dst}` },
            reason: `${pkt.dst} is not reachable from outside the cluster (only the Nodes' addresses are routed to the cluster)`,
          });
        }
        const net = c.scenario.cluster.nodeNetwork ? parsePrefix(c.scenario.cluster.nodeNetwork) : undefined;
        const onLink = net !== undefined && prefixContains(net, ipToNum(loc.ip));
        const mac = loc.mac ?? c.externalHost(loc.ip)?.mac;
        // Off-link clients reach the Nodes through the underlay's router, which decrements the TTL.
        pkt = { ...pkt, srcMac: onLink && mac ? mac : gw?.mac ?? "00:00:00:00:00:01", dstMac: node.mac, ttl: onLink ? pkt.ttl : pkt.ttl - 1 };
        loc = { k: "wire" };
        break;
      }
    }
  }
  return drop({ dropped_at: { node: "?", table: "loop", flow: "" }, reason: "the packet loops (more than 48 hops)" });
}

function hostHop(node: string, pass: HostPass): HostHop {
  return {
    node,
    where: "host",
    ...(pass.inIface ? { in: pass.inIface } : {}),
    ...(pass.outIface ? { out: pass.outIface } : {}),
    conntrack: pass.conntrack.state,
    nat: pass.conntrack.nat,
    iptables: pass.iptables.filter((h) => h.num > 0).map((h) => `-t ${h.table} ${h.text}`),
    ...(pass.route ? { route: pass.route } : {}),
    ...(pass.neighbor ? { arp: { ip: pass.neighbor.ip, ...(pass.neighbor.mac ? { mac: pass.neighbor.mac } : {}), dev: pass.neighbor.dev, resolved: pass.neighbor.resolved, ...(pass.neighbor.by ? { by: pass.neighbor.by } : {}) } } : {}),
    steps: pass.steps,
    packet: view(pass.packet),
  };
}

function startOf(src: Source): Loc {
  switch (src.kind) {
    case "pod": return { k: "pod", pod: src.pod };
    case "node": return { k: "host-tx", node: src.node };
    case "external": return { k: "external-tx", name: src.name, ip: src.ip, ...(src.mac ? { mac: src.mac } : {}) };
  }
}

/** The source address a sender uses towards `dst` (a Node: the route's preferred source, chosen before NAT). */
export function sourceIp(c: Cluster, src: Source, dst: string): string {
  switch (src.kind) {
    case "pod": return src.pod.status.podIP;
    case "node": {
      const host = c.runtime(src.node)!.host;
      const hit = host.routes.lookup(dst);
      return hit?.route.src ?? (hit ? host.addressOf(hit.route.dev) : undefined) ?? c.nodeByName(src.node)!.ip;
    }
    case "external": return src.ip;
  }
}

/** The answer of the receiving end: addresses and ports swapped; a SYN is answered with SYN+ACK. */
export function replyTo(pkt: IpPacket): IpPacket {
  return {
    srcMac: pkt.dstMac, dstMac: pkt.srcMac,
    src: pkt.dst, dst: pkt.src, proto: pkt.proto, sport: pkt.dport, dport: pkt.sport, ttl: 64, length: pkt.length,
    ...(pkt.proto === "tcp" ? { tcpFlags: pkt.tcpFlags?.syn ? { syn: true, ack: true } : { ack: true } } : {}),
    ...(pkt.proto === "icmp" ? { icmpType: 0 } : {}),
  };
}

function sinkAsSource(sink: Sink): Loc {
  switch (sink.kind) {
    case "pod": return { k: "pod", pod: sink.pod };
    case "node": return { k: "host-tx", node: sink.node };
    case "external": {
      return { k: "external-tx", name: sink.name, ip: sink.ip };
    }
  }
}

export interface SendOptions {
  readonly pinnedEndpoint?: string;
}

/** Sends one packet from `src` and follows it to its end. */
export function sendPacket(c: Cluster, from: Source | Loc, pkt: IpPacket, opts: SendOptions = {}): Walk {
  const loc: Loc = "k" in from ? from : startOf(from);
  return walk(c, loc, pkt, opts);
}

/** Sends the answer of a delivered packet back from where it arrived. */
export function sendReply(c: Cluster, sink: Sink, pkt?: IpPacket): Walk {
  return walk(c, sinkAsSource(sink), pkt ?? replyTo(sink.pkt), {});
}

/** `ovs-lab trace`: one packet (and with `reply`, its answer) through the cluster. */
export function traceCluster(c: Cluster, req: TraceRequest): ClusterTraceResult {
  if (req.seed !== undefined) c.reseed(req.seed);
  const proto: Proto = req.proto ?? "tcp";
  const src = resolveSource(c, req.from);
  const target = resolveTarget(c, req.to, req.port, proto);
  if (proto !== "icmp" && target.port === undefined) throw new TraceError(`--to ${req.to}: give a port (TARGET:PORT or --port) for ${proto}`);
  let pinned: string | undefined;
  if (req.endpoint !== undefined) {
    const ep = c.pod(req.endpoint) ?? (isIpv4(req.endpoint) ? c.podByIp(req.endpoint) : undefined);
    if (!ep) throw new TraceError(`--endpoint ${req.endpoint}: no such Pod`);
    pinned = ep.status.podIP;
  }
  const sport = req.sport ?? (proto === "icmp" ? 1 : c.ephemeralPort());
  const pkt: IpPacket = {
    srcMac: "", dstMac: "", src: sourceIp(c, src, target.ip), dst: target.ip, proto,
    sport, dport: proto === "icmp" ? sport : target.port!, ttl: 64, length: defaultLength(proto),
    ...(proto === "tcp" ? { tcpFlags: { syn: true } } : {}),
    ...(proto === "icmp" ? { icmpType: 8 } : {}),
  };
  const fwd = walk(c, startOf(src), pkt, pinned ? { pinnedEndpoint: pinned } : {});
  const request = {
    from: req.from, to: req.to, proto,
    src: pkt.src,
    dst: target.ip,
    ...(proto !== "icmp" ? { sport, dport: target.port! } : {}),
    ...(target.service ? { service: target.service } : {}),
    ...(req.endpoint ? { endpoint: req.endpoint } : {}),
  };
  let reply: PathResult | undefined;
  if (req.reply && fwd.sink) reply = sendReply(c, fwd.sink).result;
  return { request, ...fwd.result, ...(reply ? { reply } : {}) };
}

/** The result as the `--json` output shows it (plain data). */
export function traceJson(r: ClusterTraceResult): unknown {
  return JSON.parse(JSON.stringify(r));
}

// ---------------------------------------------------------------------------
// Text

function packetLine(p: PacketView): string {
  const ports = p.sport !== undefined ? `${p.src}:${p.sport} > ${p.dst}:${p.dport}` : `${p.src} > ${p.dst}`;
  return `${p.src_mac} > ${p.dst_mac}, ${p.proto} ${ports}, ttl ${p.ttl}`;
}

function formatPath(title: string, r: PathResult): string[] {
  const lines = [title];
  for (const h of r.hops) {
    if (h.where === "ovs") {
      lines.push(`  ${h.node} br-int: in_port ${h.in_port}${h.out_port ? ` -> ${h.out_port}` : " -> (dropped)"}; tables ${h.tables.join(" ")}`);
      h.passes.forEach((pass, i) => {
        if (h.passes.length > 1) lines.push(`    pass ${i + 1}:`);
        for (const v of pass) lines.push(`      ${String(v.table).padStart(3)}  ${v.flow || "(no flow matched)"}`);
      });
      if (h.allowed_by) lines.push(`    allowed by ${h.allowed_by.join("; ")}`);
      if (h.out_port) lines.push(`    out: ${packetLine(h.packet)}`);
    } else if (h.where === "host") {
      lines.push(`  ${h.node} host: ${h.in ? `in ${h.in}` : "local process"}${h.out ? ` -> out ${h.out}` : ""}; conntrack ${h.conntrack}`);
      for (const s of h.steps) lines.push(`    ${s}`);
    } else {
      lines.push(`  ${h.node} tunnel: geneve ${h.src} -> ${h.dst}:6081 (${h.to_node}), vni ${h.vni}; inner ${packetLine(h.packet)}`);
    }
  }
  if (r.verdict === "delivered") lines.push(`  verdict: delivered to ${r.delivered_to}`);
  else {
    const d = r.dropped_at!;
    lines.push(`  verdict: dropped on ${d.node}, ${typeof d.table === "number" ? `table ${d.table}` : d.table}: ${d.flow}`);
    if (r.reason) lines.push(`  reason: ${r.reason}`);
  }
  return lines;
}

/** The human-readable text of a cluster trace. */
export function formatClusterTrace(r: ClusterTraceResult): string {
  const q = r.request;
  const ports = q.sport !== undefined ? `${q.src}:${q.sport} > ${q.dst}:${q.dport}` : `${q.src} > ${q.dst}`;
  const head = `${q.proto} ${ports} (${q.from} -> ${q.to}${q.service ? `, Service ${q.service}` : ""}${q.endpoint ? `, endpoint pinned to ${q.endpoint}` : ""})`;
  const lines = formatPath(head, r);
  if (r.reply) lines.push("", ...formatPath("reply:", r.reply));
  return lines.join("\n") + "\n";
}
