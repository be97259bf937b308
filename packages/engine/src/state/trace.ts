/**
 * A cluster trace shaped for the live Trace component: the packet hop by hop
 * (each br-int hop with its tables per pass, the matched flows, and the
 * exact ofproto/trace command and text that reproduce it), the verdict, the
 * OVS conntrack entries after the request and after the reply, and the parts
 * of the topology the walk lights. The same shapes the site's build-time
 * walk (src/lib/lab-trace.ts) renders, computed on a given Cluster, so
 * traces follow the reader's edited bridges.
 */
import type { Bridge } from "../bridge/bridge.ts";
import { formatFlowLine } from "../ofp/flow.ts";
import { formatTrace, traceFlow, type TraceResult } from "../trace.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { traceCluster, type ClusterTraceResult, type Hop, type OvsHop, type PathResult } from "../cluster/trace.ts";
import type { Scenario } from "../k8s/types.ts";
import type { TraceQuery } from "./state.ts";
import type { TopologyHighlight, TraceHopView, TracePathView, TraceStepView, TraceView } from "./views.ts";

const CT_STATES = ["trk,new", "trk,est", "trk,est,rpl", "trk,rel"];

function ctCombos(n: number): string[][] {
  if (n === 0) return [[]];
  return ctCombos(n - 1).flatMap((rest) => CT_STATES.map((s) => [s, ...rest]));
}

interface Step {
  readonly table: number;
  readonly flow: string;
}

/** Tables of each pass (cheap: no flow formatting). */
function tablesOf(r: TraceResult): number[][] {
  return r.passes.map((p) => {
    const out: number[] = [];
    const visit = (nodes: typeof p.tree): void => {
      for (const n of nodes) {
        if (n.type === "table" && n.tableId !== undefined) out.push(n.tableId);
        visit(n.children);
      }
    };
    visit(p.tree);
    return out;
  });
}

function passesOf(bridge: Bridge, r: TraceResult): Step[][] {
  const ports = bridge.resolver(true);
  return r.passes.map((p) => {
    const out: Step[] = [];
    const visit = (nodes: typeof p.tree): void => {
      for (const n of nodes) {
        if (n.type === "table" && n.tableId !== undefined) {
          out.push({ table: n.tableId, flow: n.rule ? formatFlowLine(n.rule.flow, { version: 10, ports }).trim() : "" });
        }
        visit(n.children);
      }
    };
    visit(p.tree);
    return out;
  });
}

/** The exact text of each pass: the whole trace cut before each recirculation banner. */
export function splitPasses(text: string): string[] {
  return text
    .replace(/\n+$/, "")
    .split(/\n\n(?==+\nrecirc\()/)
    .map((t) => t.replace(/^\n+/, ""));
}

/** The start of the note when ofproto/trace refuses the hop's flow outright. */
export const REJECTED_NOTE = "ofproto/trace rejects the flow of this hop: ";

/** The note shown when no --ct-next states reproduce a hop's path. */
export const TEXT_NOTE =
  "ofproto/trace cannot set every conntrack field (only ct_state, with --ct-next), so on its own it takes a " +
  "different path from the tracked connection above. This is its output for a new connection.";

/**
 * The ofproto/trace command (with the fewest --ct-next states) whose path
 * equals the hop's, and its passes' texts. Shared by the site's build-time
 * traces and the live layer, so both show the same command.
 */
export function exactTrace(bridge: Bridge, hop: OvsHop, ovs: "2.14" | "3.1"): { command: string; passTexts: string[]; textNote?: string } {
  const recircs = Math.max(0, hop.passes.length - 1);
  const base = `ovs-appctl ofproto/trace br-int ${hop.flow}`;
  const want = JSON.stringify(hop.passes);
  const wantTables = JSON.stringify(hop.passes.map((p) => p.map((v) => v.table)));
  let fallback: { command: string; result: TraceResult } | undefined;
  // Past 4 recirculations the search (4^n ofproto/traces) is not worth it.
  const combos = recircs <= 4 ? ctCombos(recircs) : [];
  for (const ctNext of [[], ...combos]) {
    if (ctNext.length && ctNext[ctNext.length - 1] === "trk,new") continue;
    let result: TraceResult;
    try {
      result = traceFlow(bridge, hop.flow, { ctNext, ovs });
    } catch {
      continue;
    }
    const command = base + ctNext.map((s) => ` --ct-next ${s}`).join("");
    fallback ??= { command, result };
    // Tables first (cheap); the matched flows only when the tables agree.
    if (JSON.stringify(tablesOf(result)) !== wantTables) continue;
    if (JSON.stringify(passesOf(bridge, result)) === want) return { command, passTexts: splitPasses(formatTrace(result)) };
  }
  if (!fallback) return { command: base, passTexts: [], textNote: `${REJECTED_NOTE}${hop.flow}` };
  return { command: fallback.command, passTexts: splitPasses(formatTrace(fallback.result)), textNote: TEXT_NOTE };
}

/** A hop's packet in one line: protocol, addresses and ports, MACs, TTL. */
export function packetLine(p: OvsHop["packet"]): string {
  const ports = p.sport !== undefined ? `${p.src}:${p.sport} > ${p.dst}:${p.dport}` : `${p.src} > ${p.dst}`;
  return `${p.proto} ${ports}, ${p.src_mac} > ${p.dst_mac}, ttl ${p.ttl}`;
}

/** "Delivered to POD." or "Dropped on NODE, table N: reason." */
export function verdictOf(r: PathResult): string {
  if (r.verdict === "delivered") return `Delivered to ${r.delivered_to}.`;
  const d = r.dropped_at!;
  const where = typeof d.table === "number" ? `table ${d.table}` : d.table;
  return `Dropped on ${d.node}, ${where}${r.reason ? `: ${r.reason}` : ""}.`;
}

export interface LiveTraceOptions {
  readonly tableName?: (table: number) => string | undefined;
  /** OVS version of the Nodes ("2.14.0"). */
  readonly ovsVersion: string;
}

/** OVS conntrack entries per Node (dpctl/dump-conntrack lines), Nodes without entries left out. */
export function conntrackOf(cluster: Cluster): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, rt] of cluster.nodes) {
    const lines = rt.ovsCt.dump().split("\n").filter((l) => l !== "");
    if (lines.length) out[name] = lines;
  }
  return out;
}

function hopView(cluster: Cluster, h: Hop, ovs: "2.14" | "3.1", tableName: LiveTraceOptions["tableName"]): TraceHopView {
  if (h.where === "host") {
    const summary = `${h.in ? `in ${h.in}` : "from a local process"}${h.out ? `, out ${h.out}` : ""}; netfilter conntrack: ${h.conntrack}`;
    return { kind: "host", node: h.node, title: `${h.node}, host network stack: ${summary}`, lines: h.steps };
  }
  if (h.where === "tunnel") {
    const summary = `Geneve from ${h.src} to ${h.dst} port ${h.dport} (${h.to_node}), VNI ${h.vni}; inside: ${packetLine(h.packet)}`;
    return { kind: "tunnel", node: h.node, title: `${h.node}, tunnel: ${summary}` };
  }
  const bridge = cluster.runtime(h.node)!.bridge;
  const exact = exactTrace(bridge, h, ovs);
  return {
    kind: "ovs",
    node: h.node,
    title: `${h.node}, br-int: in through ${h.in_port}, ${h.out_port ? `out through ${h.out_port}` : "dropped"}`,
    passes: h.passes.map((steps, i) => ({
      label: i === 0 ? "First pass" : `Pass ${i + 1}, back from conntrack`,
      steps: steps.map((st): TraceStepView => {
        const name = tableName?.(st.table);
        return { table: st.table, flow: st.flow, ...(name ? { tableName: name } : {}) };
      }),
      text: exact.passTexts[i] ?? "",
    })),
    ...(h.allowed_by ? { allowedBy: h.allowed_by } : {}),
    ...(h.out_port ? { out: h.out_port } : {}),
    packet: packetLine(h.packet),
    command: exact.command,
    ...(exact.textNote ? { textNote: exact.textNote } : {}),
  };
}

function highlightOf(cluster: Cluster, s: Scenario, p: PathResult, from: string | undefined): TopologyHighlight {
  const ports = new Set<string>();
  const tunnels: string[] = [];
  for (const h of p.hops) {
    if (h.where === "ovs") {
      const b = cluster.runtime(h.node)!.bridge;
      for (const name of [h.in_port, h.out_port]) {
        const port = name ? b.portByName(name) : undefined;
        if (port) ports.add(`${h.node}:${port.ofport}`);
      }
    } else if (h.where === "tunnel") {
      tunnels.push(`${h.node}|${h.to_node}`);
    }
  }
  const podKey = (name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const key = name.includes("/") ? name : `default/${name}`;
    return s.pods.some((x) => `${x.metadata.namespace}/${x.metadata.name}` === key) ? key : undefined;
  };
  const pods = [podKey(from), p.verdict === "delivered" ? podKey(p.delivered_to) : undefined].filter((k): k is string => !!k);
  return { pods, ports: [...ports], tunnels };
}

export class LiveTraceError extends Error {
  override name = "LiveTraceError";
}

/**
 * Traces `q` through clusters made by `makeCluster` (a fresh one per call:
 * connection state never leaks between traces). With `reply`, a second
 * cluster replays the request then sends the reply, so the conntrack
 * entries between the two can be shown.
 */
export function liveTrace(makeCluster: () => Cluster, q: TraceQuery, opts: LiveTraceOptions, stale = false): TraceView {
  const proto = q.proto ?? "tcp";
  if (proto !== "tcp" && proto !== "udp" && proto !== "icmp") throw new LiveTraceError("proto must be tcp, udp or icmp");
  const cluster = makeCluster();
  const s = cluster.scenario;
  if (q.node !== undefined && !s.nodes.some((n) => n.name === q.node)) {
    throw new LiveTraceError(`unknown Node "${q.node}"; the Nodes are ${s.nodes.map((n) => n.name).join(", ")}`);
  }
  const run = (c: Cluster, reply: boolean): ClusterTraceResult => {
    try {
      return traceCluster(c, {
        from: q.from, to: q.to, proto, reply,
        ...(q.port !== undefined ? { port: q.port } : {}),
        ...(q.endpoint !== undefined ? { endpoint: q.endpoint } : {}),
      });
    } catch (e) {
      if (e instanceof Error && e.name === "TraceError") throw new LiveTraceError(e.message.replace(/^--(from|to) /, "$1="));
      throw e;
    }
  };
  const fwd = run(cluster, false);
  const fwdConntrack = conntrackOf(cluster);
  const ovs = opts.ovsVersion.startsWith("2.") ? "2.14" : "3.1";
  const only = (hops: readonly Hop[]): readonly Hop[] => (q.node ? hops.filter((h) => h.node === q.node) : hops);
  let replyView: TracePathView | undefined;
  let replyTopology: TopologyHighlight | undefined;
  if (q.reply) {
    const c2 = makeCluster();
    const both = run(c2, true);
    if (both.reply) {
      replyView = {
        hops: only(both.reply.hops).map((h) => hopView(c2, h, ovs, opts.tableName)),
        verdict: verdictOf(both.reply),
        delivered: both.reply.verdict === "delivered",
        ...(both.reply.dropped_at ? { droppedAt: { node: both.reply.dropped_at.node, table: both.reply.dropped_at.table } } : {}),
        conntrack: conntrackOf(c2),
      };
      replyTopology = highlightOf(c2, s, both.reply, undefined);
    }
  }
  const forward: TracePathView = {
    hops: only(fwd.hops).map((h) => hopView(cluster, h, ovs, opts.tableName)),
    verdict: verdictOf(fwd),
    delivered: fwd.verdict === "delivered",
    ...(fwd.dropped_at ? { droppedAt: { node: fwd.dropped_at.node, table: fwd.dropped_at.table } } : {}),
    conntrack: fwdConntrack,
  };
  const r = fwd.request;
  const ports = r.sport !== undefined ? `${r.src}:${r.sport} > ${r.dst}:${r.dport}` : `${r.src} > ${r.dst}`;
  const cli =
    `ovs-lab trace --from ${q.from} --to ${q.to}${q.port !== undefined ? `:${q.port}` : ""}` +
    `${proto !== "tcp" ? ` --proto ${proto}` : ""}${q.reply ? " --reply" : ""}${q.endpoint !== undefined ? ` --endpoint ${q.endpoint}` : ""}`;
  return {
    title: `${q.from} → ${q.to}${r.dport !== undefined ? ` port ${r.dport}` : ""} (${proto.toUpperCase()})${q.node ? `, on ${q.node}` : ""}`,
    packet: `${proto} ${ports}${r.service ? `, Service ${r.service}` : ""}`,
    command: cli,
    forward,
    ...(replyView ? { reply: replyView } : {}),
    topology: highlightOf(cluster, s, fwd, q.from),
    ...(replyTopology ? { replyTopology } : {}),
    stale,
  };
}
