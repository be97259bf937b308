/**
 * Flows in `ovs-ofctl add-flow(s)` / `dump-flows` syntax: parsing with
 * positions and ovs-ofctl's error messages, and printing of a flow line.
 */
import { OfpError, type Position } from "./errors.ts";
import { allOnes, fieldByName, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLSM, ETH_TYPE_RARP } from "./fields.ts";
import { keyValues } from "./kv.ts";
import { emptyMatch, formatMatch, normalizeMatch, setMatchField, type Match } from "./match.ts";
import { checkActions, parseActionList } from "./action-parse.ts";
import { encodeActionsFor, formatActions } from "./action-format.ts";
import { parseFieldValue, parseUint, type PortResolver } from "./values.ts";
import type { Action, OfVersion } from "./actions.ts";

export interface FlowFlags {
  readonly sendFlowRem?: boolean;
  readonly checkOverlap?: boolean;
  readonly resetCounts?: boolean;
  readonly noPacketCounts?: boolean;
  readonly noByteCounts?: boolean;
}

export interface Flow {
  readonly cookie: bigint;
  readonly table: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  readonly flags: FlowFlags;
  readonly match: Match;
  readonly actions: readonly Action[];
}

export interface FlowParseContext {
  readonly ports?: PortResolver;
  /** OpenFlow version the flow will be installed with (decides "no usable protocol"). */
  readonly version?: OfVersion;
}

const PROTOCOLS: Readonly<Record<string, readonly [bigint, bigint | undefined]>> = {
  ip: [ETH_TYPE_IP, undefined],
  ipv6: [ETH_TYPE_IPV6, undefined],
  icmp: [ETH_TYPE_IP, 1n],
  icmp6: [ETH_TYPE_IPV6, 58n],
  tcp: [ETH_TYPE_IP, 6n],
  tcp6: [ETH_TYPE_IPV6, 6n],
  udp: [ETH_TYPE_IP, 17n],
  udp6: [ETH_TYPE_IPV6, 17n],
  sctp: [ETH_TYPE_IP, 132n],
  sctp6: [ETH_TYPE_IPV6, 132n],
  igmp: [ETH_TYPE_IP, 2n],
  arp: [ETH_TYPE_ARP, undefined],
  rarp: [ETH_TYPE_RARP, undefined],
  mpls: [ETH_TYPE_MPLS, undefined],
  mplsm: [ETH_TYPE_MPLSM, undefined],
};

/** Keys that dump-flows prints and that ovs-ofctl accepts and ignores on input. */
const STATS_KEYS = new Set(["duration", "n_packets", "n_bytes", "idle_age", "hard_age"]);

function u16(key: string, value: string): number {
  const n = parseUint(value);
  if (n === undefined || n > 0xffffn) throw new OfpError(`invalid ${key} "${value}"`);
  return Number(n);
}

/**
 * Parses one flow (`ovs-ofctl add-flow` syntax). Columns in errors are
 * relative to `text`, shifted by `columnOffset`, on line `line`.
 */
export function parseFlow(text: string, ctx: FlowParseContext = {}, line = 1, columnOffset = 0): Flow {
  const at = (offset: number, length?: number): Position => ({
    line,
    column: columnOffset + offset + 1,
    ...(length !== undefined ? { length } : {}),
  });
  const actionIdx = text.indexOf("action");
  if (actionIdx < 0) throw new OfpError("must specify an action", at(0, text.length));
  const eq = text.indexOf("=", actionIdx);
  if (eq < 0) throw new OfpError("must specify an action", at(actionIdx, text.length - actionIdx));
  const matchText = text.slice(0, actionIdx);
  const actionsText = text.slice(eq + 1);
  const actionsOffset = eq + 1;

  const m = emptyMatch();
  let cookie = 0n, table = 0, priority = 32768, idleTimeout = 0, hardTimeout = 0, importance = 0;
  const flags: { -readonly [K in keyof FlowFlags]: FlowFlags[K] } = {};
  for (const kv of keyValues(matchText)) {
    try {
      const proto = PROTOCOLS[kv.key];
      if (proto && kv.value === "") {
        setMatchField(m, fieldByName("dl_type")!, proto[0], 0xffffn);
        if (proto[1] !== undefined) setMatchField(m, fieldByName("nw_proto")!, proto[1], 0xffn);
        continue;
      }
      switch (kv.key) {
        case "table": {
          const n = parseUint(kv.value);
          if (n === undefined || n > 254n) throw new OfpError(`unknown table "${kv.value}"`);
          table = Number(n);
          continue;
        }
        case "priority": {
          const n = parseUint(kv.value);
          if (n === undefined || n > 0xffffn) throw new OfpError(`invalid priority "${kv.value}"`);
          priority = Number(n);
          continue;
        }
        case "cookie": {
          const [v, mk] = kv.value.split("/") as [string, string | undefined];
          const n = parseUint(v);
          if (n === undefined || n > allOnes(64)) throw new OfpError(`invalid numeric format ${v}`);
          if (mk !== undefined) throw new OfpError("cannot set cookie mask for flow add");
          cookie = n;
          continue;
        }
        case "idle_timeout": idleTimeout = u16(kv.key, kv.value); continue;
        case "hard_timeout": hardTimeout = u16(kv.key, kv.value); continue;
        case "importance": importance = u16(kv.key, kv.value); continue;
        case "send_flow_rem": flags.sendFlowRem = true; continue;
        case "check_overlap": flags.checkOverlap = true; continue;
        case "reset_counts": flags.resetCounts = true; continue;
        case "no_packet_counts": flags.noPacketCounts = true; continue;
        case "no_byte_counts": flags.noByteCounts = true; continue;
        case "out_port": case "out_group": continue;
      }
      if (STATS_KEYS.has(kv.key)) continue;
      const f = fieldByName(kv.key);
      if (!f) throw new OfpError(`unknown keyword ${kv.key}`);
      if (kv.value === "" && text[kv.start + kv.key.length] !== "=") {
        throw new OfpError(`field ${kv.key} missing value`);
      }
      const { value, mask } = parseFieldValue(f, kv.value, ctx.ports);
      if (mask !== allOnes(f.bits) && !f.maskable) {
        throw new OfpError(`${kv.key}: field does not support masking`);
      }
      setMatchField(m, f, value, mask);
    } catch (e) {
      if (e instanceof OfpError && !e.position) throw e.withPosition(at(kv.start, kv.end - kv.start), text);
      throw e;
    }
  }
  normalizeMatch(m);

  let actions: Action[];
  try {
    actions = parseActionList(actionsText, ctx).actions;
  } catch (e) {
    if (e instanceof OfpError) {
      const p = e.position;
      throw new OfpError(e.message, p ? at(actionsOffset + p.column - 1, p.length) : at(actionsOffset, actionsText.length), text);
    }
    throw e;
  }
  const check = checkActions(actions, m);
  if (check === "OF10_ONLY") {
    if ((ctx.version ?? 13) !== 10) throw new OfpError("no usable protocol", at(actionsOffset, actionsText.length), text);
  } else if (check) {
    throw new OfpError(check, at(actionsOffset, actionsText.length), text);
  }
  return {
    cookie, table, priority, idleTimeout, hardTimeout, importance, flags, match: m, actions,
  };
}

export interface FlowFileResult {
  readonly flows: Flow[];
  /** Source line of each flow (1-based). */
  readonly lines: number[];
  readonly errors: OfpError[];
}

/**
 * Parses an `ovs-ofctl add-flows` file: one flow per line, `#` comments and
 * blank lines ignored. Also accepts pasted `dump-flows` output (its reply
 * header lines are skipped). Collects every error instead of stopping.
 */
export function parseFlowFile(text: string, ctx: FlowParseContext = {}): FlowFileResult {
  const flows: Flow[] = [];
  const lines: number[] = [];
  const errors: OfpError[] = [];
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    let row = rows[i]!;
    if (row.endsWith("\r")) row = row.slice(0, -1);
    const hash = row.indexOf("#");
    if (hash >= 0) row = row.slice(0, hash);
    const lead = row.length - row.trimStart().length;
    const body = row.trim();
    if (!body) continue;
    if (/^(NXST|OFPST)_FLOW reply\b/.test(body)) continue;
    try {
      flows.push(parseFlow(body, ctx, i + 1, lead));
      lines.push(i + 1);
    } catch (e) {
      if (e instanceof OfpError) errors.push(e.position ? e : e.withPosition({ line: i + 1, column: lead + 1 }, body));
      else throw e;
    }
  }
  return { flows, lines, errors };
}

/** The flow as stored by a switch that received it over OpenFlow `v`. */
export function installFlow(flow: Flow, v: OfVersion): Flow {
  return {
    ...flow,
    actions: encodeActionsFor(flow.actions, v),
    // OpenFlow 1.0 flow_mods always reset counters; OVS records that as a flag.
    flags: v === 10 ? { ...flow.flags, resetCounts: true } : flow.flags,
    importance: v >= 14 ? flow.importance : 0,
  };
}

export interface FlowStats {
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly packets: bigint;
  readonly bytes: bigint;
  readonly idleAge?: number;
  readonly hardAge?: number;
}

export interface FlowFormatOptions {
  readonly ports?: PortResolver;
  /** OpenFlow version of the dump. */
  readonly version?: OfVersion;
  /** Statistics to print (omit for --no-stats). */
  readonly stats?: FlowStats;
  readonly ovs214?: boolean;
}

function formatDuration(sec: number, nsec: number): string {
  if (nsec === 0) return `${sec}s`;
  if (nsec % 1_000_000 === 0) return `${sec}.${String(nsec / 1_000_000).padStart(3, "0")}s`;
  return `${sec}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}s`;
}

/** One line of `ovs-ofctl dump-flows` (`ofputil_flow_stats_format`), with its leading space. */
export function formatFlowLine(stored: Flow, opts: FlowFormatOptions = {}): string {
  const v = opts.version ?? 13;
  const st = opts.stats;
  let s = " ";
  if (st || stored.cookie !== 0n) s += `cookie=0x${stored.cookie.toString(16)}, `;
  if (st) s += `duration=${formatDuration(st.durationSec, st.durationNsec)}, `;
  if (st || stored.table !== 0) s += `table=${stored.table}, `;
  if (st) s += `n_packets=${st.packets}, n_bytes=${st.bytes}, `;
  if (stored.idleTimeout) s += `idle_timeout=${stored.idleTimeout}, `;
  if (stored.hardTimeout) s += `hard_timeout=${stored.hardTimeout}, `;
  if (v >= 13) {
    const f = stored.flags;
    if (f.sendFlowRem) s += "send_flow_rem ";
    if (f.checkOverlap) s += "check_overlap ";
    if (f.resetCounts) s += "reset_counts ";
    if (f.noPacketCounts) s += "no_packet_counts ";
    if (f.noByteCounts) s += "no_byte_counts ";
  }
  if (v >= 14 && stored.importance) s += `importance=${stored.importance}, `;
  if (st && (v === 10 || v >= 15) && st.idleAge !== undefined) s += `idle_age=${st.idleAge}, `;
  if (st && (v === 10 || v >= 15) && st.hardAge !== undefined && st.hardAge !== st.durationSec) s += `hard_age=${st.hardAge}, `;
  const match = formatMatch(stored.match, { priority: stored.priority, ...(opts.ports ? { ports: opts.ports } : {}), ...(opts.ovs214 ? { ovs214: true } : {}) });
  if (match) s += match + " ";
  const actions = encodeActionsFor(stored.actions, v);
  s += "actions=" + formatActions(actions, opts.ports ? { ports: opts.ports } : {});
  return s;
}
