/**
 * Deterministic layout of a pipeline graph as a vertical column of table
 * boxes in table order. An edge to the next box down is a short arrow
 * between the two; every other goto_table/resubmit edge is an arc on the
 * right, every ct(table=N) recirculation an arc on the left. Arcs get lanes
 * by interval colouring (shorter spans nearer the boxes), and each box side
 * spreads its arc ends vertically, so no two arcs share a segment and no
 * boxes overlap.
 */
import type { EdgeKind, PipelineGraph } from "./pipeline-graph.ts";

export interface PipelineLayoutOptions {
  /** The table the article is about (drawn as current). */
  readonly current?: number;
  /** Tables a trace visited, in order (drawn lit). */
  readonly visited?: readonly number[];
  /** Table-to-table steps the trace took (edges drawn lit); `recirc` for a return from conntrack. */
  readonly steps?: readonly { from: number; to: number; recirc?: boolean }[];
  readonly tableName?: (id: number) => string | undefined;
}

export interface LaidBox {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly name?: string;
  readonly flows: number;
  readonly current: boolean;
  readonly visited: boolean;
}

export interface LaidEdge {
  readonly from: number;
  readonly to: number;
  readonly kind: EdgeKind;
  /** SVG path data. */
  readonly d: string;
  readonly lit: boolean;
  readonly side: "center" | "right" | "left";
}

export interface PipelineLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LaidBox[];
  readonly edges: readonly LaidEdge[];
  /** A one-sentence text equivalent of the diagram. */
  readonly summary: string;
}

const BOX_W = 252;
const BOX_H = 44;
const GAP = 26;
const LANE = 14;
const MARGIN = 12;
const RADIUS = 6;

interface Arc {
  readonly index: number;
  readonly lo: number;
  readonly hi: number;
  lane: number;
}

/** Lowest free lane per arc, shorter spans first: arcs sharing rows never share a lane. */
function assignLanes(arcs: Arc[]): number {
  const order = [...arcs].sort((a, b) => a.hi - a.lo - (b.hi - b.lo) || a.lo - b.lo || a.index - b.index);
  const lanes: Arc[][] = [];
  for (const arc of order) {
    let lane = 0;
    while (lanes[lane]?.some((o) => arc.lo <= o.hi && o.lo <= arc.hi)) lane++;
    (lanes[lane] ??= []).push(arc);
    arc.lane = lane;
  }
  return lanes.length;
}

export function layoutPipeline(graph: PipelineGraph, opts: PipelineLayoutOptions = {}): PipelineLayout {
  const row = new Map(graph.tables.map((t, i) => [t.id, i]));
  const visited = new Set(opts.visited ?? []);
  const litSteps = new Set((opts.steps ?? []).map((s) => `${s.from}>${s.to}:${s.recirc ? "recirc" : "flow"}`));

  const centre: number[] = [];
  const right: Arc[] = [];
  const left: Arc[] = [];
  graph.edges.forEach((e, index) => {
    const a = row.get(e.from)!;
    const b = row.get(e.to)!;
    if (e.kind !== "recirc" && b === a + 1) centre.push(index);
    else (e.kind === "recirc" ? left : right).push({ index, lo: Math.min(a, b), hi: Math.max(a, b), lane: 0 });
  });
  const rightLanes = assignLanes(right);
  const leftLanes = assignLanes(left);

  const boxX = MARGIN + leftLanes * LANE + (leftLanes ? LANE : 0);
  const width = boxX + BOX_W + (rightLanes ? LANE : 0) + rightLanes * LANE + MARGIN;
  const height = MARGIN * 2 + graph.tables.length * BOX_H + Math.max(0, graph.tables.length - 1) * GAP;
  const top = (i: number): number => MARGIN + i * (BOX_H + GAP);

  // Where arcs meet a box side: spread evenly, ordered by lane so they don't cross.
  const ends = new Map<string, { arc: Arc; end: "lo" | "hi" }[]>();
  const addEnd = (side: string, arc: Arc): void => {
    for (const end of ["lo", "hi"] as const) {
      const key = `${side}:${arc[end]}`;
      (ends.get(key) ?? ends.set(key, []).get(key)!).push({ arc, end });
    }
  };
  right.forEach((a) => addEnd("right", a));
  left.forEach((a) => addEnd("left", a));
  const endY = (side: string, arc: Arc, end: "lo" | "hi"): number => {
    const list = ends.get(`${side}:${arc[end]}`)!;
    // Arcs coming from above sit high, arcs going below sit low; wider lanes outside.
    const sorted = [...list].sort((p, q) => {
      const pu = p.end === "hi" ? 0 : 1;
      const qu = q.end === "hi" ? 0 : 1;
      if (pu !== qu) return pu - qu;
      return pu === 0 ? q.arc.lane - p.arc.lane : p.arc.lane - q.arc.lane;
    });
    const k = sorted.findIndex((x) => x.arc === arc && x.end === end);
    return top(arc[end]) + (BOX_H * (k + 1)) / (sorted.length + 1);
  };

  const edges: LaidEdge[] = graph.edges.map((e, index) => {
    const lit = litSteps.has(`${e.from}>${e.to}:${e.kind === "recirc" ? "recirc" : "flow"}`);
    const base = { from: e.from, to: e.to, kind: e.kind, lit };
    if (centre.includes(index)) {
      const x = boxX + BOX_W / 2;
      const y1 = top(row.get(e.from)!) + BOX_H;
      return { ...base, side: "center", d: `M${x} ${y1}V${y1 + GAP - 2}` };
    }
    const onRight = e.kind !== "recirc";
    const arc = (onRight ? right : left).find((a) => a.index === index)!;
    const side = onRight ? "right" : "left";
    const fromEnd: "lo" | "hi" = row.get(e.from)! === arc.lo ? "lo" : "hi";
    const toEnd: "lo" | "hi" = fromEnd === "lo" ? "hi" : "lo";
    if (arc.lo === arc.hi) {
      // A table resubmitting to itself: a small loop on the right.
      const x = boxX + BOX_W;
      const y = top(arc.lo);
      const lx = x + LANE * (arc.lane + 1);
      return { ...base, side, d: `M${x} ${y + BOX_H * 0.3}H${lx}V${y + BOX_H * 0.7}H${x + 2}` };
    }
    const y1 = endY(side, arc, fromEnd);
    const y2 = endY(side, arc, toEnd);
    const down = y2 > y1 ? 1 : -1;
    if (onRight) {
      const x = boxX + BOX_W;
      const lx = x + LANE * (arc.lane + 1);
      return {
        ...base,
        side,
        d: `M${x} ${y1}H${lx - RADIUS}Q${lx} ${y1} ${lx} ${y1 + down * RADIUS}V${y2 - down * RADIUS}Q${lx} ${y2} ${lx - RADIUS} ${y2}H${x + 2}`,
      };
    }
    const x = boxX;
    const lx = x - LANE * (arc.lane + 1);
    return {
      ...base,
      side,
      d: `M${x} ${y1}H${lx + RADIUS}Q${lx} ${y1} ${lx} ${y1 + down * RADIUS}V${y2 - down * RADIUS}Q${lx} ${y2} ${lx + RADIUS} ${y2}H${x - 2}`,
    };
  });

  const boxes: LaidBox[] = graph.tables.map((t, i) => {
    const name = opts.tableName?.(t.id);
    return {
      id: t.id,
      x: boxX,
      y: top(i),
      w: BOX_W,
      h: BOX_H,
      ...(name ? { name } : {}),
      flows: t.flows,
      current: t.id === opts.current,
      visited: visited.has(t.id),
    };
  });

  const tableList = graph.tables.map((t) => t.id).join(", ");
  const recircs = graph.edges.filter((e) => e.kind === "recirc").map((e) => `${e.from} to ${e.to}`);
  const summary =
    `Tables ${tableList}.` +
    (recircs.length ? ` Conntrack recirculates from table ${recircs.join(", from table ")}.` : "") +
    (opts.current !== undefined ? ` Table ${opts.current} is highlighted.` : "") +
    (opts.visited?.length ? ` The traced packet visits tables ${opts.visited.join(", ")}.` : "");

  return { width, height, boxes, edges, summary };
}
