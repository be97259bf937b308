/**
 * Walks for the articles, on the engine's end-to-end cluster trace: the
 * packet from a Pod to a Pod, a Service or a host, hop by hop (each Node's
 * br-int with the tables per pass, the host's iptables/routing/ARP, the
 * Geneve tunnel), and optionally its reply. This module reshapes the
 * engine's result into plain views for the Trace component and into the
 * lit parts of the Pipeline and Topology diagrams.
 *
 * For each br-int hop it also finds the exact `ovs-appctl ofproto/trace`
 * command that shows the same path, and that command's output: the
 * cluster trace follows connection state, so a later packet of a connection
 * needs `--ct-next` to take the same path through conntrack.
 */
import { Cluster, exactTrace, packetLine, REJECTED_NOTE, traceCluster, verdictOf } from "./engine.ts";
import type { Bridge, ClusterHop, ClusterOvsHop, ClusterPathResult, Scenario } from "./engine.ts";
import type { TopologyHighlight } from "./topology-layout.ts";

export class WalkError extends Error {
  override name = "LabError";
}

export interface WalkRequest {
  readonly from: string;
  readonly to: string;
  readonly port?: string | undefined;
  readonly proto?: string | undefined;
  /** Show only this Node's hops (the walk is still traced end to end). */
  readonly node?: string | undefined;
  readonly reply?: string | undefined;
  /** A Pod: pins kube-proxy's choice of Service endpoint. */
  readonly endpoint?: string | undefined;
}

export interface TableStepData {
  readonly table: number;
  /** The matched flow as dump-flows prints it (OpenFlow 1.0, port names), or "" for a miss. */
  readonly flow: string;
}

export interface OvsHopData {
  readonly kind: "ovs";
  readonly node: string;
  readonly inPort: string;
  readonly outPort?: string;
  readonly passes: readonly (readonly TableStepData[])[];
  readonly allowedBy?: readonly string[];
  /** The packet as it leaves the bridge (or as it came in, when dropped). */
  readonly packet: string;
  /** `ovs-appctl ofproto/trace br-int FLOW [--ct-next …]` showing this hop's path. */
  readonly command: string;
  /** That command's exact output, one string per OVS pass. */
  readonly passTexts: readonly string[];
  /** Set when no ofproto/trace command reproduces the stateful path exactly. */
  readonly textNote?: string;
}

export interface HostHopData {
  readonly kind: "host";
  readonly node: string;
  readonly summary: string;
  readonly lines: readonly string[];
}

export interface TunnelHopData {
  readonly kind: "tunnel";
  readonly node: string;
  readonly summary: string;
}

export type HopData = OvsHopData | HostHopData | TunnelHopData;

export interface PathData {
  readonly hops: readonly HopData[];
  readonly verdict: string;
  readonly delivered: boolean;
}

export interface WalkResult {
  readonly title: string;
  /** One line: the packet as sent, and the Service it targets. */
  readonly packet: string;
  /** The `ovs-lab trace` command line that prints the same walk. */
  readonly command: string;
  readonly forward: PathData;
  readonly reply?: PathData;
  /** Per Node: tables visited on its br-int (all hops, in order, without repeats). */
  visitedOn(node: string): number[];
  /** Per Node: table-to-table moves, within passes ("flow") and across recirculations. */
  stepsOn(node: string): { from: number; to: number; recirc: boolean }[];
  readonly topology: TopologyHighlight;
}

/**
 * The engine's exact-trace search (shared with the live layer); a flow that
 * ofproto/trace refuses outright fails the build, naming the hop.
 */
function exactTraceOf(bridge: Bridge, hop: ClusterOvsHop, ovs: "2.14" | "3.1"): Pick<OvsHopData, "command" | "passTexts" | "textNote"> {
  const r = exactTrace(bridge, hop, ovs);
  if (r.textNote?.startsWith(REJECTED_NOTE)) throw new WalkError(`ofproto/trace rejects the flow of the hop on ${hop.node}: ${hop.flow}`);
  return r;
}

function hopData(bridgeOf: (node: string) => Bridge, h: ClusterHop, ovs: "2.14" | "3.1"): HopData {
  if (h.where === "ovs") {
    return {
      kind: "ovs",
      node: h.node,
      inPort: h.in_port,
      ...(h.out_port ? { outPort: h.out_port } : {}),
      passes: h.passes,
      ...(h.allowed_by ? { allowedBy: h.allowed_by } : {}),
      packet: packetLine(h.packet),
      ...exactTraceOf(bridgeOf(h.node), h, ovs),
    };
  }
  if (h.where === "host") {
    return {
      kind: "host",
      node: h.node,
      summary: `${h.in ? `in ${h.in}` : "from a local process"}${h.out ? `, out ${h.out}` : ""}; netfilter conntrack: ${h.conntrack}`,
      lines: h.steps,
    };
  }
  return {
    kind: "tunnel",
    node: h.node,
    summary: `Geneve from ${h.src} to ${h.dst} port ${h.dport} (${h.to_node}), VNI ${h.vni}; inside: ${packetLine(h.packet)}`,
  };
}


export function walk(s: Scenario, bridgeOf: (node: string) => Bridge, req: WalkRequest, ovsVersion: string): WalkResult {
  const proto = req.proto ?? "tcp";
  if (proto !== "tcp" && proto !== "udp" && proto !== "icmp") throw new WalkError(`proto must be tcp, udp or icmp`);
  if (req.node !== undefined && !s.nodes.some((n) => n.name === req.node)) {
    throw new WalkError(`unknown Node "${req.node}"; the Nodes are ${s.nodes.map((n) => n.name).join(", ")}`);
  }
  // A fresh cluster per walk: connection state never leaks between articles.
  const cluster = new Cluster(s);
  let r;
  try {
    r = traceCluster(cluster, {
      from: req.from,
      to: req.to,
      proto,
      ...(req.port !== undefined ? { port: Number(req.port) } : {}),
      reply: req.reply === "true",
      ...(req.endpoint !== undefined ? { endpoint: req.endpoint } : {}),
    });
  } catch (e) {
    if (e instanceof Error && e.name === "TraceError") throw new WalkError(e.message.replace(/^--(from|to) /, "$1="));
    throw e;
  }
  const ovs = ovsVersion.startsWith("2.") ? "2.14" : "3.1";
  const only = (hops: readonly ClusterHop[]): readonly ClusterHop[] => (req.node ? hops.filter((h) => h.node === req.node) : hops);
  const pathOf = (p: ClusterPathResult): PathData => ({
    hops: only(p.hops).map((h) => hopData(bridgeOf, h, ovs)),
    verdict: verdictOf(p),
    delivered: p.verdict === "delivered",
  });
  const q = r.request;
  const ports = q.sport !== undefined ? `${q.src}:${q.sport} > ${q.dst}:${q.dport}` : `${q.src} > ${q.dst}`;

  const fwdOvs = r.hops.filter((h): h is ClusterOvsHop => h.where === "ovs");
  const visitedOn = (node: string): number[] => {
    const seen: number[] = [];
    for (const h of fwdOvs) if (h.node === node) for (const t of h.tables) if (!seen.includes(t)) seen.push(t);
    return seen;
  };
  const stepsOn = (node: string): { from: number; to: number; recirc: boolean }[] => {
    const moves: { from: number; to: number; recirc: boolean }[] = [];
    const add = (from: number, to: number, recirc: boolean): void => {
      if (!moves.some((m) => m.from === from && m.to === to && m.recirc === recirc)) moves.push({ from, to, recirc });
    };
    for (const h of fwdOvs) {
      if (h.node !== node) continue;
      h.passes.forEach((pass, i) => {
        pass.forEach((v, k) => {
          if (k > 0) add(pass[k - 1]!.table, v.table, false);
        });
        const first = pass[0];
        if (i > 0 && first) {
          // The table whose ct(table=N) queued this pass.
          const issuer = h.passes[i - 1]!.find((v) => new RegExp(`ct\\([^)]*table=${first.table}\\b`).test(v.flow));
          if (issuer) add(issuer.table, first.table, true);
        }
      });
    }
    return moves;
  };

  // The diagram lights the forward path: ports used on each bridge, tunnels, and the two ends.
  const portKeys = new Set<string>();
  const tunnels: string[] = [];
  for (const h of r.hops) {
    if (h.where === "ovs") {
      const b = bridgeOf(h.node);
      for (const name of [h.in_port, h.out_port]) {
        const p = name ? b.portByName(name) : undefined;
        if (p) portKeys.add(`${h.node}:${p.ofport}`);
      }
    } else if (h.where === "tunnel") {
      tunnels.push(`${h.node}|${h.to_node}`);
    }
  }
  const podKey = (name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const key = name.includes("/") ? name : `default/${name}`;
    return s.pods.some((p) => `${p.metadata.namespace}/${p.metadata.name}` === key) ? key : undefined;
  };
  const pods = [podKey(req.from), r.verdict === "delivered" ? podKey(r.delivered_to) : undefined].filter((k): k is string => !!k);

  const protoName = proto.toUpperCase();
  const cli = `ovs-lab trace --from ${req.from} --to ${req.to}${req.port ? `:${req.port}` : ""}${proto !== "tcp" ? ` --proto ${proto}` : ""}${req.reply === "true" ? " --reply" : ""}${req.endpoint ? ` --endpoint ${req.endpoint}` : ""}`;
  return {
    title: `${req.from} → ${req.to}${q.dport !== undefined ? ` port ${q.dport}` : ""} (${protoName})${req.node ? `, on ${req.node}` : ""}`,
    packet: `${proto} ${ports}${q.service ? `, Service ${q.service}` : ""}`,
    command: cli,
    forward: pathOf(r),
    ...(r.reply ? { reply: pathOf(r.reply) } : {}),
    visitedOn,
    stepsOn,
    topology: { pods, ports: [...portKeys], tunnels },
  };
}
