/**
 * Traces for the articles: turns `from`, `to`, `port` and `proto` into the
 * packet a Pod would send, runs the engine's ofproto/trace on the source
 * Node's br-int, and reshapes the engine's trace tree into views for the
 * Trace component and the lit paths of the Pipeline and Topology diagrams.
 *
 * This traces one Node's bridge, the one the packet enters first. Walks that
 * cross the tunnel or the host need the engine's end-to-end cluster trace.
 */
import { cidrContains, formatTrace, keyOf, parseCidr, parseIp, traceFlow } from "./engine.ts";
import type { Bridge, Pod, Scenario, TraceNode, TracePass, TraceResult } from "./engine.ts";
import type { TopologyHighlight } from "./topology-layout.ts";

export class WalkError extends Error {
  override name = "LabError";
}

export interface WalkRequest {
  readonly from: string;
  readonly to: string;
  readonly port?: string | undefined;
  readonly proto?: string | undefined;
  readonly node?: string | undefined;
  readonly reply?: string | undefined;
}

interface Endpoint {
  readonly label: string;
  readonly ip: string;
  readonly pod?: Pod;
  /** The Service's port when `to` names a Service with one port. */
  readonly servicePort?: number;
}

export interface TraceNoteData {
  readonly kind: "detail" | "warning" | "error";
  readonly text: string;
}

export interface TraceStepData {
  readonly table: number;
  readonly flow: string;
  readonly actions: string[];
  readonly notes: TraceNoteData[];
}

export interface TracePassData {
  readonly node: string;
  readonly label: string;
  readonly steps: readonly TraceStepData[];
  readonly datapathActions: string;
  readonly text: string;
}

export interface WalkResult {
  readonly node: string;
  readonly title: string;
  readonly command: string;
  readonly passes: readonly TracePassData[];
  readonly verdict: string;
  /** Tables visited on `node`, in order, without repeats. */
  readonly visited: readonly number[];
  /** Table-to-table moves: within a pass ("flow") and across a conntrack recirculation ("recirc"). */
  readonly steps: readonly { from: number; to: number; recirc: boolean }[];
  readonly topology: TopologyHighlight;
}

function findPod(s: Scenario, name: string): Pod | undefined {
  if (name.includes("/")) return s.pods.find((p) => keyOf(p) === name);
  const matches = s.pods.filter((p) => p.metadata.name === name);
  if (matches.length > 1) {
    throw new WalkError(`"${name}" names Pods in several namespaces (${matches.map(keyOf).join(", ")}); write namespace/name`);
  }
  return matches[0];
}

function resolve(s: Scenario, name: string, port: number | undefined, proto: string): Endpoint {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    const pod = s.pods.find((p) => p.lab && p.status.podIP === name);
    return { label: name, ip: name, ...(pod ? { pod } : {}) };
  }
  const pod = findPod(s, name);
  if (pod) return { label: name, ip: pod.status.podIP, pod };
  const svc = name.includes("/")
    ? s.services.find((x) => keyOf(x) === name)
    : s.services.find((x) => x.metadata.name === name && x.metadata.namespace === "default") ??
      s.services.find((x) => x.metadata.name === name);
  if (svc) {
    const ports = svc.spec.ports.filter((p) => p.protocol.toLowerCase() === proto);
    if (port !== undefined && ports.length && !ports.some((p) => p.port === port)) {
      throw new WalkError(`Service ${name} has no ${proto.toUpperCase()} port ${port} (it has ${svc.spec.ports.map((p) => `${p.port}/${p.protocol}`).join(", ")})`);
    }
    return { label: name, ip: svc.spec.clusterIP, ...(ports.length === 1 ? { servicePort: ports[0]!.port } : {}) };
  }
  throw new WalkError(`"${name}" is neither a Pod nor a Service of the scenario, nor an IPv4 address`);
}

function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = parseIp(ip);
  return c !== undefined && n !== undefined && cidrContains(c, n);
}

/** The packet the source Pod puts on its veth, in ofproto/trace's flow syntax. */
function packetFlow(s: Scenario, src: Pod, dst: Endpoint, proto: string, port: number | undefined): string {
  const node = s.nodes.find((n) => n.name === src.spec.nodeName)!;
  // A Pod reaches its own subnet directly (ARP) and everything else through its gateway.
  const local = inCidr(dst.ip, node.podCIDR);
  let dmac = node.gatewayMAC;
  if (local) {
    if (!dst.pod?.lab) throw new WalkError(`no Pod has the address ${dst.ip} on ${node.name}, so ${src.metadata.name} cannot resolve its MAC`);
    dmac = dst.pod.lab.mac;
  }
  // Linux sends with TTL 64; ofproto/trace would otherwise start from 0 and
  // stop at the first dec_ttl.
  const head = `in_port=${src.lab!.ofport},${proto},dl_src=${src.lab!.mac},dl_dst=${dmac},nw_src=${src.status.podIP},nw_dst=${dst.ip},nw_ttl=64`;
  if (proto === "tcp") return `${head},tp_dst=${port},tcp_flags=syn`;
  if (proto === "udp") return `${head},udp_dst=${port}`;
  return `${head},icmp_type=8,icmp_code=0`;
}

/** The engine's trace tree as steps: one per table, with its actions and notes. */
function stepsOf(nodes: readonly TraceNode[], out: TraceStepData[] = []): TraceStepData[] {
  for (const n of nodes) {
    const current = out[out.length - 1];
    switch (n.type) {
      case "table":
        out.push({ table: n.tableId ?? Number(/^\s*(\d+)\./.exec(n.text)?.[1] ?? -1), flow: n.text.trim(), actions: [], notes: [] });
        break;
      case "action":
        current?.actions.push(n.text);
        break;
      case "detail":
        current?.notes.push({ kind: "detail", text: n.text });
        break;
      case "warn":
        current?.notes.push({ kind: "warning", text: n.text });
        break;
      case "error":
        current?.notes.push({ kind: "error", text: n.text });
        break;
      default:
        break;
    }
    stepsOf(n.children, out);
  }
  return out;
}

/** The exact text of each pass: the whole trace cut before each recirculation banner. */
function passTexts(result: TraceResult): string[] {
  const text = formatTrace(result);
  return text.split(/\n\n(?==+\nrecirc\()/);
}

function verdictOf(bridge: Bridge, node: string, passes: readonly TracePass[]): string {
  const outs = passes.flatMap((p) => p.outputs);
  if (outs.length) {
    const where = outs.map((o) => {
      const name = o.portName ?? bridge.port(o.port)?.name ?? `port ${o.port}`;
      return o.tunnel ? `${name} (port ${o.port}), tunnelled to ${o.tunnel.dst}` : `${name} (port ${o.port})`;
    });
    let s = `The packet leaves br-int on ${node} through ${where.join(" and ")}.`;
    if (outs.some((o) => o.traceOnly === "not-tunneling-to-own-address")) {
      s +=
        " (ofproto/trace prints “Not tunneling to our own address” for this output because it resumes the" +
        " recirculated packet with the tunnel destination already set; a real packet is sent.)";
    }
    return s;
  }
  const last = passes[passes.length - 1];
  return `The packet is dropped on ${node}${last?.drop ? `: ${last.drop}` : ""}.`;
}

export function walk(s: Scenario, bridgeOf: (node: string) => Bridge, req: WalkRequest, ovsVersion: string): WalkResult {
  if (req.reply === "true") {
    throw new WalkError("reply=true needs the engine's end-to-end cluster trace, which the engine does not export yet");
  }
  const proto = req.proto ?? "tcp";
  const port = req.port === undefined ? undefined : Number(req.port);
  const src = findPod(s, req.from);
  if (!src) throw new WalkError(`from="${req.from}" is not a Pod of the scenario (a trace starts at a Pod)`);
  if (!src.lab) throw new WalkError(`${req.from} runs in the host network and has no OVS port to start a trace from`);
  const node = src.spec.nodeName;
  if (req.node !== undefined && req.node !== node) {
    throw new WalkError(
      `${req.from} runs on ${node}; tracing on ${req.node} needs the engine's end-to-end cluster trace, which the engine does not export yet`,
    );
  }
  const dst = resolve(s, req.to, port, proto);
  const dport = port ?? dst.servicePort;
  if (proto !== "icmp" && dport === undefined) throw new WalkError(`a ${proto} trace needs port= (the destination port)`);

  const bridge = bridgeOf(node);
  const flow = packetFlow(s, src, dst, proto, dport);
  const ovs = ovsVersion.startsWith("2.") ? "2.14" : "3.1";
  const result = traceFlow(bridge, flow, { ovs });
  const texts = passTexts(result);

  const passes: TracePassData[] = result.passes.map((p, i) => {
    const text = texts[i] ?? "";
    const banner = /^recirc\(0x[0-9a-f]+\).*$/m.exec(text)?.[0];
    return {
      node,
      label: i === 0 ? "First pass" : banner ?? `Pass ${i + 1}`,
      steps: stepsOf(p.tree),
      datapathActions: p.datapathActions,
      text: text.replace(/^\n+/, "").replace(/\n+$/, ""),
    };
  });

  const visited: number[] = [];
  const moves: { from: number; to: number; recirc: boolean }[] = [];
  const addMove = (a: number, b: number, recirc: boolean): void => {
    if (!moves.some((m) => m.from === a && m.to === b && m.recirc === recirc)) moves.push({ from: a, to: b, recirc });
  };
  passes.forEach((p, i) => {
    p.steps.forEach((st, k) => {
      if (!visited.includes(st.table)) visited.push(st.table);
      if (k > 0) addMove(p.steps[k - 1]!.table, st.table, false);
    });
    const resumed = result.passes[i]!.recircId;
    if (i > 0 && p.steps.length) {
      // The table whose ct(table=N) queued this recirculation.
      const parent = result.passes.findIndex((q) => q.recirculations.some((r) => r.id === resumed));
      const target = p.steps[0]!.table;
      const issuer = passes[parent]?.steps.find((st) => st.actions.some((a) => a.startsWith("ct(") && a.includes(`table=${target}`)));
      if (issuer) addMove(issuer.table, target, true);
    }
  });

  const outs = result.passes.flatMap((p) => p.outputs);
  const portKeys = new Set<string>([`${node}:${src.lab.ofport}`, ...outs.map((o) => `${node}:${o.port}`)]);
  const tunnels: string[] = [];
  for (const o of outs) {
    if (!o.tunnel) continue;
    const peer = s.nodes.find((n) => n.ip === o.tunnel!.dst);
    if (peer) {
      tunnels.push(`${node}|${peer.name}`);
      const peerTun = bridgeOf(peer.name).portByName("antrea-tun0");
      if (peerTun) portKeys.add(`${peer.name}:${peerTun.ofport}`);
    }
  }
  const litPods = [keyOf(src)];
  if (dst.pod?.lab && dst.pod.spec.nodeName === node && outs.some((o) => o.port === dst.pod!.lab!.ofport)) litPods.push(keyOf(dst.pod));

  const protoName = proto.toUpperCase();
  return {
    node,
    title: `${req.from} → ${req.to}${dport !== undefined ? ` port ${dport}` : ""} (${protoName}), traced on ${node}`,
    command: `ovs-appctl ofproto/trace br-int ${flow}`,
    passes,
    verdict: verdictOf(bridge, node, result.passes),
    visited,
    steps: moves,
    topology: { pods: litPods, ports: [...portKeys], tunnels },
  };
}
