/**
 * The table graph of a bridge: which tables exist, how many flows each holds,
 * and where packets can go next. Edges are found by walking every flow's
 * actions: `goto_table:N` and `resubmit(,N)` continue the pipeline in table N;
 * `ct(table=N)` sends the packet through conntrack and recirculates it into
 * table N. Nested action lists (ct's exec, write_actions) are walked too.
 */
import type { Action, Bridge } from "./engine.ts";

export type EdgeKind = "goto" | "resubmit" | "recirc";

export interface PipelineEdge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  /** How many flows of `from` carry this action. */
  readonly flows: number;
}

export interface PipelineTable {
  readonly id: number;
  /** Number of flows installed; 0 for a table only named as a target. */
  readonly flows: number;
}

export interface PipelineGraph {
  readonly tables: readonly PipelineTable[];
  readonly edges: readonly PipelineEdge[];
}

/** OpenFlow's "no table": resubmit(port) without a table stays in the current one. */
const NO_TABLE = 255;

function targets(actions: readonly Action[], from: number, out: [number, EdgeKind][]): void {
  for (const a of actions) {
    switch (a.type) {
      case "goto_table":
        out.push([a.table, "goto"]);
        break;
      case "resubmit":
        out.push([a.table === NO_TABLE ? from : a.table, "resubmit"]);
        break;
      case "ct":
        if (a.table !== undefined && a.table !== NO_TABLE) out.push([a.table, "recirc"]);
        targets(a.exec, from, out);
        break;
      case "write_actions":
        targets(a.actions, from, out);
        break;
      default:
        break;
    }
  }
}

export function pipelineGraph(bridge: Bridge): PipelineGraph {
  const counts = new Map<number, number>();
  const edgeCounts = new Map<string, PipelineEdge>();
  for (const rule of bridge.rules()) {
    const from = rule.flow.table;
    counts.set(from, (counts.get(from) ?? 0) + 1);
    const found: [number, EdgeKind][] = [];
    targets(rule.flow.actions, from, found);
    // One flow counts once per distinct edge, even if it names a target twice.
    const seen = new Set<string>();
    for (const [to, kind] of found) {
      const key = `${from}>${to}:${kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const prev = edgeCounts.get(key);
      edgeCounts.set(key, { from, to, kind, flows: (prev?.flows ?? 0) + 1 });
    }
  }
  const ids = new Set<number>(counts.keys());
  for (const e of edgeCounts.values()) ids.add(e.to);
  const tables = [...ids].sort((a, b) => a - b).map((id) => ({ id, flows: counts.get(id) ?? 0 }));
  const kindRank: Record<EdgeKind, number> = { goto: 0, resubmit: 1, recirc: 2 };
  const edges = [...edgeCounts.values()].sort(
    (a, b) => a.from - b.from || a.to - b.to || kindRank[a.kind] - kindRank[b.kind],
  );
  return { tables, edges };
}
