/**
 * Packet execution and tracing: what `ovs-appctl ofproto/trace` does
 * (ofproto/ofproto-dpif-trace.c, ofproto/ofproto-dpif-xlate.c), producing a
 * structured trace that render/trace.ts prints byte for byte as OVS does.
 *
 * A trace is a list of passes. The first pass translates the packet from
 * table 0; every `ct(table=N)` forks a clone that is queued for
 * recirculation (breadth first, like OVS's recirculation queue) and traced
 * as a further pass resuming at table N. Each pass has a tree of nodes
 * (bridge / table / action / detail / warn / error / thaw / bucket), whose
 * nesting is exactly OVS's, so that OVS's indentation rule applies.
 *
 * Conntrack: by default the trace mimics `ofproto/trace`: each conntrack
 * recirculation takes the next `--ct-next` state or `trk|new`, with the
 * frozen packet's ct_mark/ct_label. With `conntrack` given, a stateful
 * tracker decides the state, mark, label and NAT as for a real packet.
 *
 * Limits: resubmit depth 64 (`over max translation depth 64`, "Recursion too
 * deep") and 4096 resubmits (`over 4096 resubmit actions`, "Too many
 * resubmits"), counted as OVS counts them (only resubmits to the same or an
 * earlier table deepen).
 *
 * `Megaflow:` and `Datapath actions:` are best-effort: the megaflow depends on
 * OVS's classifier internals (staged lookup, prefix tries) and is only
 * approximated; datapath actions follow OVS's commit rules for the common
 * actions (set(eth/ipv4/tcp/udp/arp), vlan, ct, recirc, tunnel, output) but
 * the conformance test compares them only loosely and skips the megaflow.
 */
import { OfpError } from "../ofp/errors.ts";
import {
  allOnes, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_RARP, field, IPPROTO_TCP, IPPROTO_UDP,
  type FieldDef,
} from "../ofp/fields.ts";
import { formatMatch } from "../ofp/match.ts";
import { formatAction, formatActions, formatNat } from "../ofp/action-format.ts";
import { formatSubfield, subfieldMask } from "../ofp/subfield.ts";
import {
  formatFieldValue, formatIpv4, formatMac, formatPort, hex, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_LOCAL,
  OFPP_NORMAL, OFPP_TABLE, type PortResolver,
} from "../ofp/values.ts";
import { NO_TABLE, type Action, type LearnSpec, type NatSpec, type Subfield } from "../ofp/actions.ts";
import type { Bridge, Port } from "./bridge.ts";
import type { Rule } from "./classifier.ts";
import type { Bucket, Group } from "./group.ts";
import { Conntrack, CtNextStates, applyTuple, type CtResult } from "./conntrack.ts";
import {
  clearConntrack, CS_INV, CS_TRK, emptyPacket, fixVlanTpid, FLOW_TNL_F_CSUM, FLOW_TNL_F_DONT_FRAGMENT,
  FLOW_TNL_F_KEY, flowEqual, formatCtState, formatFlow, getField, OFPP_NONE, OFPP_UNSET, P, packetPrereqsOk,
  parseTraceFlow, setField, VLAN_CFI, type Packet,
} from "./packet.ts";
import { parseFlow } from "../ofp/flow.ts";

export const MAX_DEPTH = 64;
export const MAX_RESUBMITS = MAX_DEPTH * MAX_DEPTH;

export type TraceNodeType = "bridge" | "table" | "action" | "detail" | "warn" | "error" | "thaw" | "bucket";

/** One node of the trace tree (`struct oftrace_node`). */
export interface TraceNode {
  readonly type: TraceNodeType;
  readonly text: string;
  readonly children: TraceNode[];
  /** Table nodes: the table looked up and the rule found (undefined for a miss). */
  readonly tableId?: number;
  readonly rule?: Rule;
}

/** An output of the packet to a port. */
export interface OutputRecord {
  readonly port: number;
  readonly portName?: string;
  /** Tunnel ports: where the encapsulated packet goes. */
  readonly tunnel?: { readonly dst: string; readonly src: string; readonly id: bigint };
  /**
   * Set when `ofproto/trace` refuses this output with `Not tunneling to our
   * own address` although a real packet would be sent (section 9 quirk 1:
   * the trace resumes a recirculation from a flow that already carries the
   * frozen tun_dst, a real packet's upcall does not).
   */
  readonly traceOnly?: "not-tunneling-to-own-address";
  /** The packet as it leaves (headers after all modifications). */
  readonly packet: readonly bigint[];
}

export type XlateError =
  | "Recursion too deep" | "Too many resubmits" | "Stack too deep" | "No recirculation context"
  | "Recirculation conflict" | "Too many MPLS labels" | "Invalid tunnel metadata" | "Unsupported packet type";

/** A conntrack recirculation queued by a pass. */
export interface Recirculation {
  readonly id: number;
  /** Pass index (in TraceResult.passes) that queued it. */
  readonly from: number;
  /** Table where the forked pipeline resumes. */
  readonly table: number;
  readonly zone: number;
  readonly nat?: NatSpec;
}

export interface TracePass {
  /** 0 for the first pass, else the recirculation id. */
  readonly recircId: number;
  /** For recirculated passes: the ct_state it resumes with, and whether it is the default trk|new. */
  readonly ctState?: bigint;
  readonly ctStateDefault?: boolean;
  /** The `Replacing src/dst IP/ports to simulate NAT:` lines' flows (after the colon). */
  readonly nat?: { readonly initial: string; readonly modified: string };
  readonly flow: readonly bigint[];
  readonly finalFlow: readonly bigint[];
  /** `[bridge node]`. */
  readonly tree: TraceNode[];
  readonly outputs: OutputRecord[];
  /** Why nothing left the switch in this pass (undefined when something did or a recirculation continues it). */
  readonly drop?: string;
  readonly megaflow: string;
  readonly datapathActions: string;
  readonly slowPath: readonly string[];
  readonly error?: XlateError;
  /** Recirculations queued by this pass, in queue order. */
  readonly recirculations: readonly Recirculation[];
}

export interface TraceResult {
  readonly bridge: string;
  readonly flowText: string;
  readonly passes: TracePass[];
  readonly names: boolean;
  readonly ovs: "2.14" | "3.1";
  /** Flows installed by `learn` (only when side effects are allowed). */
  readonly learned: readonly string[];
  /** Port names to print (set when `names` is on). */
  readonly ports?: PortResolver;
  /**
   * Set when recirculations were left in the queue after `maxPasses` passes.
   * Real ofproto/trace has no such limit: a ct(table=N) loop makes it run forever.
   */
  readonly truncated?: boolean;
}

export interface TraceOptions {
  /** `--ct-next` states, e.g. `["trk,est"]` (trace mode). */
  readonly ctNext?: readonly string[];
  /** A stateful connection tracker: conntrack then behaves as for a real packet. */
  readonly conntrack?: Conntrack;
  /** `--names` (OVS 3.1 only): port names in flows, tables, actions and datapath actions. */
  readonly names?: boolean;
  readonly ovs?: "2.14" | "3.1";
  /**
   * Side effects as for a real packet: `learn` installs flows. Defaults to
   * true when `conntrack` is given, false otherwise (`ofproto/trace` then
   * prints `suppressing side effects, so learn action ignored`).
   */
  readonly sideEffects?: boolean;
  /** Stop after this many passes (safety net against endless recirculation). Default 64. */
  readonly maxPasses?: number;
  /**
   * `ofproto/trace-packet-out`: run these actions instead of looking the
   * packet up in table 0 (as stored by a switch, i.e. already encoded).
   */
  readonly actions?: readonly Action[];
}

// ---------------------------------------------------------------------------
// Per-trace and per-pass state

interface RecircNode {
  readonly id: number;
  readonly from: number;
  readonly flow: Packet;
  readonly table: number;
  readonly zone: number;
  readonly nat?: NatSpec;
  readonly actionSet: Action[];
  readonly ct?: CtResult;
}

interface TraceState {
  readonly bridge: Bridge;
  readonly opts: TraceOptions;
  readonly ports: PortResolver | undefined;
  readonly ovs214: boolean;
  readonly queue: RecircNode[];
  readonly recircIds: Map<string, number>;
  nextRecirc: number;
  readonly ctNext: CtNextStates;
  readonly sideEffects: boolean;
  readonly learned: string[];
  /** Tunnel destination of the packet as it entered the switch (what a real packet's upcall keeps). */
  readonly realOrigTunnelDst: bigint;
  passIndex: number;
}

interface Ctx {
  readonly st: TraceState;
  readonly flow: Packet;
  trace: TraceNode[];
  tableId: number;
  depth: number;
  resubmits: number;
  error: XlateError | undefined;
  exit: boolean;
  conntracked: boolean;
  ctNat: NatSpec | undefined;
  actionSet: Action[];
  actionSetHasGroup: boolean;
  inActionSet: boolean;
  /** Freezing for a select group's dp_hash: remaining actions are not traced. */
  freezing: boolean;
  readonly origTunnelDst: bigint;
  readonly outputs: OutputRecord[];
  readonly recircs: Recirculation[];
  readonly odp: Odp;
  readonly wcCtMark: { set: boolean; mark: bigint; label: bigint; labelSet: boolean };
  rule: Rule | undefined;
  lastMissTable: number | undefined;
}

function node(list: TraceNode[], type: TraceNodeType, text: string, extra: Partial<TraceNode> = {}): TraceNode {
  const n: TraceNode = { type, text, children: [], ...extra };
  list.push(n);
  return n;
}

function report(ctx: Ctx, type: TraceNodeType, text: string): TraceNode {
  return node(ctx.trace, type, text);
}

// ---------------------------------------------------------------------------
// Datapath actions (best effort; see the file comment)

class Odp {
  readonly parts: string[] = [];
  readonly base: Packet;
  slowArp = false;
  private readonly names: PortResolver | undefined;
  private readonly bridge: Bridge;
  constructor(flow: Packet, bridge: Bridge, names: PortResolver | undefined) {
    this.base = flow.slice();
    // The datapath does not keep tunnel metadata for output.
    for (const i of [P.tun_id, P.tun_src, P.tun_dst, P.tun_flags, P.tun_tos, P.tun_ttl, P.tun_tp_src, P.tun_tp_dst]) this.base[i] = 0n;
    this.bridge = bridge;
    this.names = names;
  }

  commit(flow: Packet): void {
    const b = this.base;
    if (flow[P.pkt_mark] !== b[P.pkt_mark]) this.parts.push(`set(skb_mark(${hex(flow[P.pkt_mark]!)}))`);
    const eth: string[] = [];
    if (flow[P.dl_src] !== b[P.dl_src]) eth.push(`src=${formatMac(flow[P.dl_src]!)}`);
    if (flow[P.dl_dst] !== b[P.dl_dst]) eth.push(`dst=${formatMac(flow[P.dl_dst]!)}`);
    if (eth.length) this.parts.push(`set(eth(${eth.join(",")}))`);
    if (flow[P.vlan_tci] !== b[P.vlan_tci]) {
      if (b[P.vlan_tci]! & VLAN_CFI) this.parts.push("pop_vlan");
      const t = flow[P.vlan_tci]!;
      if (t & VLAN_CFI) this.parts.push(`push_vlan(vid=${t & 0xfffn},pcp=${(t >> 13n) & 7n})`);
    }
    const dl = flow[P.dl_type];
    if (dl === ETH_TYPE_IP) {
      const ip: string[] = [];
      if (flow[P.nw_src] !== b[P.nw_src]) ip.push(`src=${formatIpv4(flow[P.nw_src]!)}`);
      if (flow[P.nw_dst] !== b[P.nw_dst]) ip.push(`dst=${formatIpv4(flow[P.nw_dst]!)}`);
      if (flow[P.nw_tos] !== b[P.nw_tos]) ip.push(`tos=${hex(flow[P.nw_tos]!)}`);
      if (flow[P.nw_ttl] !== b[P.nw_ttl]) ip.push(`ttl=${flow[P.nw_ttl]}`);
      if (ip.length) this.parts.push(`set(ipv4(${ip.join(",")}))`);
      const proto = flow[P.nw_proto];
      if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) {
        const l4: string[] = [];
        if (flow[P.tp_src] !== b[P.tp_src]) l4.push(`src=${flow[P.tp_src]}`);
        if (flow[P.tp_dst] !== b[P.tp_dst]) l4.push(`dst=${flow[P.tp_dst]}`);
        if (l4.length) this.parts.push(`set(${proto === IPPROTO_TCP ? "tcp" : "udp"}(${l4.join(",")}))`);
      }
    } else if (dl === ETH_TYPE_ARP || dl === ETH_TYPE_RARP) {
      const changed = [P.nw_src, P.nw_dst, P.nw_proto, P.arp_sha, P.arp_tha].some((i) => flow[i] !== b[i]);
      if (changed) {
        this.parts.push(
          `set(arp(sip=${formatIpv4(flow[P.nw_src]!)},tip=${formatIpv4(flow[P.nw_dst]!)},op=${flow[P.nw_proto]},` +
            `sha=${formatMac(flow[P.arp_sha]!)},tha=${formatMac(flow[P.arp_tha]!)}))`,
        );
        this.slowArp = true;
      }
    }
    for (let i = 0; i < b.length; i++) {
      if (i === P.tun_id || i === P.tun_src || i === P.tun_dst || i === P.tun_flags || i === P.tun_tos || i === P.tun_ttl || i === P.tun_tp_src || i === P.tun_tp_dst) continue;
      b[i] = flow[i]!;
    }
  }

  portName(port: Port | undefined, ofport: number): string {
    if (port && isTunnel(port)) return this.names ? tunnelVport(port) : String(tunnelDpPort(port));
    const n = this.names?.name(ofport);
    return n ?? String(ofport);
  }

  output(ofport: number): void {
    this.parts.push(this.portName(this.bridge.port(ofport), ofport));
  }

  text(): string {
    return this.parts.length ? this.parts.join(",") : "drop";
  }
}

function isTunnel(p: Port): boolean {
  return p.type === "geneve" || p.type === "vxlan" || p.type === "gre";
}

function tunnelDpPort(p: Port): number {
  const custom = p.options?.dst_port;
  if (custom) return Number(custom);
  return p.type === "geneve" ? 6081 : p.type === "vxlan" ? 4789 : 0;
}

function tunnelVport(p: Port): string {
  return p.type === "geneve" ? `genev_sys_${tunnelDpPort(p)}` : p.type === "vxlan" ? `vxlan_sys_${tunnelDpPort(p)}` : "gre_sys";
}

// ---------------------------------------------------------------------------
// Helpers

function pad2(n: number): string {
  return n < 10 ? ` ${n}` : String(n);
}

function isIpAny(p: readonly bigint[]): boolean {
  return p[P.dl_type] === ETH_TYPE_IP || p[P.dl_type] === ETH_TYPE_IPV6;
}

function readSubfield(p: readonly bigint[], sf: Subfield): bigint {
  return (getField(p, sf.field) >> BigInt(sf.ofs)) & allOnes(sf.nBits);
}

function writeSubfield(p: Packet, sf: Subfield, value: bigint): void {
  setField(p, sf.field, value << BigInt(sf.ofs), subfieldMask(sf));
}

/** `mf_format` of a whole field's value, as the `-> FIELD is now VALUE` detail prints it. */
function formatWholeField(f: FieldDef, v: bigint): string {
  return formatFieldValue(f, v, allOnes(f.bits));
}

const FIELD_CT_MARK = field("ct_mark");
const FIELD_CT_LABEL = field("ct_label");

/** The frozen state that decides whether two freezes share a recirculation id. */
function frozenKey(ctx: Ctx, table: number): string {
  const f = ctx.flow;
  const parts: string[] = [String(table), ctx.conntracked ? "c" : "-"];
  for (const i of [P.tun_id, P.tun_src, P.tun_dst, P.tun_flags, P.tun_tos, P.tun_ttl, P.tun_gbp_id, P.tun_gbp_flags,
    P.tun_tp_src, P.tun_tp_dst, P.tun_ipv6_src, P.tun_ipv6_dst, P.metadata, P.in_port]) {
    parts.push(f[i]!.toString(16));
  }
  for (let r = 0; r < 16; r++) parts.push(f[P.reg0 + r]!.toString(16));
  parts.push(formatActions(ctx.actionSet));
  return parts.join("/");
}

function allocRecirc(ctx: Ctx, table: number): number {
  const k = frozenKey(ctx, table);
  let id = ctx.st.recircIds.get(k);
  if (id === undefined) {
    id = ctx.st.nextRecirc++;
    ctx.st.recircIds.set(k, id);
  }
  return id;
}

// ---------------------------------------------------------------------------
// Table lookups

/** `rule_dpif_lookup_from_table`: the rule, or undefined for a miss ("No match."). */
function lookup(ctx: Ctx, tableId: number, inPort: bigint): Rule | undefined {
  const old = ctx.flow[P.in_port]!;
  ctx.flow[P.in_port] = inPort;
  const table = ctx.st.bridge.table(tableId);
  const r = table?.lookup(ctx.flow).rule;
  ctx.flow[P.in_port] = old;
  return r;
}

function countRule(ctx: Ctx, rule: Rule | undefined): void {
  if (!rule || !ctx.st.sideEffects) return;
  const c = ctx.st.bridge.counters.get(rule);
  if (c) {
    c.packets += 1n;
  }
}

/** `xlate_report_table`: adds the table node and makes its children the current list. */
function reportTable(ctx: Ctx, rule: Rule | undefined, tableId: number): void {
  let text = `${pad2(tableId)}. `;
  if (!rule) {
    text += "No match.";
    ctx.lastMissTable = tableId;
  } else {
    const m = formatMatch(rule.flow.match, { ...(ctx.st.ports ? { ports: ctx.st.ports } : {}), ovs214: ctx.st.ovs214 });
    text += m;
    if (m) text += ", ";
    text += `priority ${rule.flow.priority}`;
    if (rule.flow.cookie) text += `, cookie 0x${rule.flow.cookie.toString(16)}`;
    ctx.lastMissTable = undefined;
  }
  const n = node(ctx.trace, "table", text, { tableId, ...(rule ? { rule } : {}) });
  ctx.trace = n.children;
}

function resourceCheck(ctx: Ctx): boolean {
  if (ctx.depth >= MAX_DEPTH) {
    report(ctx, "error", `over max translation depth ${MAX_DEPTH}`);
    ctx.error = "Recursion too deep";
    return false;
  }
  if (ctx.resubmits >= MAX_RESUBMITS) {
    report(ctx, "error", `over ${MAX_RESUBMITS} resubmit actions`);
    ctx.error = "Too many resubmits";
    return false;
  }
  return true;
}

function tupleSwap(f: Packet): void {
  const sw = (a: number, b: number) => {
    const t = f[a]!;
    f[a] = f[b]!;
    f[b] = t;
  };
  sw(P.nw_proto, P.ct_nw_proto);
  sw(P.nw_src, P.ct_nw_src);
  sw(P.nw_dst, P.ct_nw_dst);
  sw(P.tp_src, P.ct_tp_src);
  sw(P.tp_dst, P.ct_tp_dst);
}

/** `xlate_table_action`. */
function xlateTable(ctx: Ctx, inPort: bigint, tableId: number, withCtOrig: boolean, isLast: boolean): void {
  if (!resourceCheck(ctx)) return;
  const oldTable = ctx.tableId;
  ctx.tableId = tableId;
  if (withCtOrig) tupleSwap(ctx.flow);
  const rule = lookup(ctx, tableId, inPort);
  if (withCtOrig) tupleSwap(ctx.flow);
  countRule(ctx, rule);
  const oldTrace = ctx.trace;
  reportTable(ctx, rule, tableId);
  // xlate_recursively
  const deepens = tableId <= oldTable;
  const oldRule = ctx.rule;
  ctx.resubmits++;
  if (deepens) ctx.depth++;
  ctx.rule = rule;
  doActions(ctx, rule ? rule.flow.actions : [], isLast, false);
  ctx.rule = oldRule;
  if (deepens) ctx.depth--;
  ctx.trace = oldTrace;
  ctx.tableId = oldTable;
}

// ---------------------------------------------------------------------------
// Action execution

/** `do_xlate_actions`. */
function doActions(ctx: Ctx, actions: readonly Action[], isLast: boolean, bucket: boolean): void {
  if (actions.length === 0) {
    report(ctx, "action", "drop");
    return;
  }
  const opts = ctx.st.ports ? { ports: ctx.st.ports } : {};
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const last = isLast && i === actions.length - 1;
    if (ctx.error) break;
    if (ctx.exit) break;
    report(ctx, "action", formatAction(a, opts));
    if (a.type === "dec_ttl") {
      if (decTtl(ctx, a.ids ?? [0])) return;
      continue;
    }
    if (a.type === "group") {
      if (groupAction(ctx, a.group, last)) return;
      continue;
    }
    execute(ctx, a, last, bucket);
    if (!ctx.error && ctx.exit && ctx.freezing) break;
  }
}

function execute(ctx: Ctx, a: Action, last: boolean, bucket: boolean): void {
  const f = ctx.flow;
  switch (a.type) {
    case "output":
      outputAction(ctx, BigInt(a.port), last, bucket);
      return;
    case "output_reg": {
      const port = readSubfield(f, a.src);
      if (port <= 0xffffn) {
        report(ctx, "detail", `output port is ${port}`);
        outputAction(ctx, port, last, bucket);
      } else {
        report(ctx, "warn", `output port ${port} is out of range`);
      }
      return;
    }
    case "controller":
      controllerAction(ctx, a.maxLen, a.reason ?? "action");
      return;
    case "resubmit": {
      const inPort = a.port === OFPP_IN_PORT ? f[P.in_port]! : BigInt(a.port);
      const table = a.table === NO_TABLE ? ctx.tableId : a.table;
      if (a.ct && ((f[P.ct_state]! & CS_TRK) === 0n || f[P.ct_nw_proto] === 0n || !isIpAny(f))) {
        report(ctx, "error", "resubmit(ct) with non-tracked or non-IP packet!");
        return;
      }
      xlateTable(ctx, inPort, table, a.ct, last);
      return;
    }
    case "goto_table":
      xlateTable(ctx, f[P.in_port]!, a.table, false, last);
      return;
    case "set_field":
      if (packetPrereqsOk(a.field.prereq, f)) {
        setField(f, a.field, a.value, a.mask);
        if (a.field === FIELD_CT_MARK) {
          ctx.wcCtMark.set = true;
          ctx.wcCtMark.mark |= a.mask;
        }
        if (a.field === FIELD_CT_LABEL) {
          ctx.wcCtMark.labelSet = true;
          ctx.wcCtMark.label |= a.mask;
        }
      } else {
        report(ctx, "warn", `unmet prerequisites for ${a.field.name}, set_field ignored`);
      }
      return;
    case "move": {
      if (packetPrereqsOk(a.dst.field.prereq, f) && packetPrereqsOk(a.src.field.prereq, f)) {
        writeSubfield(f, a.dst, readSubfield(f, a.src));
      }
      const whole = a.dst.ofs === 0 && a.dst.nBits >= a.dst.field.bits;
      const value = whole ? formatWholeField(a.dst.field, getField(f, a.dst.field)) : hex(readSubfield(f, a.dst));
      report(ctx, "detail", `${formatSubfield(a.dst)} is now ${value}`);
      return;
    }
    case "ct":
      conntrackAction(ctx, a, last);
      return;
    case "ct_clear":
      if (ctx.conntracked) {
        ctx.conntracked = false;
        clearConntrack(f);
        ctx.odp.parts.push("ct_clear");
      }
      return;
    case "conjunction":
      report(ctx, "error", "executing no-op conjunction action");
      return;
    case "learn":
      learnAction(ctx, a.spec);
      return;
    case "meter":
    case "note":
      return;
    case "push_vlan":
      f[P.vlan1_tci] = f[P.vlan_tci]!;
      f[P.vlan1_tpid] = f[P.vlan0_tpid]!;
      f[P.vlan0_tpid] = BigInt(a.ethertype);
      f[P.vlan_tci] = VLAN_CFI;
      return;
    case "pop_vlan":
      f[P.vlan_tci] = f[P.vlan1_tci]!;
      f[P.vlan0_tpid] = f[P.vlan1_tpid]!;
      f[P.vlan1_tci] = 0n;
      f[P.vlan1_tpid] = 0n;
      return;
    case "clear_actions":
      reportActionSet(ctx, "was");
      ctx.actionSet = [];
      f[P.actset_output] = OFPP_UNSET;
      ctx.actionSetHasGroup = false;
      return;
    case "write_actions":
      writeActions(ctx, a.actions);
      reportActionSet(ctx, "is");
      return;
    case "write_metadata":
      f[P.metadata] = (f[P.metadata]! & ~a.mask) | (a.value & a.mask);
      return;
    case "dec_ttl":
    case "group":
      return; // handled by doActions
  }
}

/** `compose_dec_ttl`: true when translation of the current action list stops. */
function decTtl(ctx: Ctx, ids: readonly number[]): boolean {
  const f = ctx.flow;
  if (!isIpAny(f)) return false;
  if (f[P.nw_ttl]! > 1n) {
    f[P.nw_ttl] = f[P.nw_ttl]! - 1n;
    return false;
  }
  for (const _id of ids) controllerAction(ctx, 0xffff, "invalid_ttl");
  report(ctx, "warn", `IPv${f[P.dl_type] === ETH_TYPE_IP ? 4 : 6} decrement TTL exception`);
  return true;
}

const REASONS: Readonly<Record<string, number>> = {
  no_match: 0, action: 1, invalid_ttl: 2, action_set: 3, group: 4, packet_out: 5,
};

function controllerAction(ctx: Ctx, maxLen: number, reason: string): void {
  ctx.odp.commit(ctx.flow);
  const cookie = ctx.rule?.flow.cookie ?? 0n;
  ctx.odp.parts.push(
    `userspace(pid=0,controller(reason=${REASONS[reason] ?? 1},dont_send=1,continuation=0,recirc_id=0,` +
      `rule_cookie=${hex(cookie)},controller_id=0,max_len=${maxLen}))`,
  );
}

// ---------------------------------------------------------------------------
// Output

/** `xlate_output_action`. */
function outputAction(ctx: Ctx, port: bigint, last: boolean, bucket: boolean): void {
  const f = ctx.flow;
  switch (Number(port)) {
    case OFPP_IN_PORT:
      composeOutput(ctx, f[P.in_port]!);
      return;
    case OFPP_TABLE:
      xlateTable(ctx, f[P.in_port]!, 0, false, false);
      return;
    case OFPP_NORMAL:
      xlateNormal(ctx);
      return;
    case 0xfffb: // FLOOD
    case 0xfffc: // ALL
      flood(ctx, Number(port) === 0xfffc);
      return;
    case OFPP_CONTROLLER:
      controllerAction(ctx, 0xffff, bucket ? "group" : ctx.inActionSet ? "action_set" : "action");
      return;
    case 0xffff:
      return;
    default:
      if (port !== f[P.in_port]) composeOutput(ctx, port);
      else report(ctx, "warn", "skipping output to input port");
  }
  void last;
}

/** `compose_output_action__`. */
function composeOutput(ctx: Ctx, ofport: bigint): void {
  const f = ctx.flow;
  const port = ctx.st.bridge.port(Number(ofport));
  if (!port) {
    report(ctx, "warn", "Nonexistent output port");
    return;
  }
  if (isTunnel(port)) {
    const saved = f.slice(P.tun_id, P.tun_id + 1); // placeholder to keep types simple
    void saved;
    const tnl = [P.tun_id, P.tun_src, P.tun_dst, P.tun_flags, P.tun_tos, P.tun_ttl, P.tun_tp_src, P.tun_tp_dst, P.tun_ipv6_src, P.tun_ipv6_dst]
      .map((i) => [i, f[i]!] as const);
    tnlPortSend(port, f);
    const dst = f[P.tun_dst]!;
    const dst6 = f[P.tun_ipv6_dst]!;
    const dstKey = dst ? `4:${dst}` : `6:${dst6}`;
    const origKey = ctx.origTunnelDst;
    const realKey = ctx.st.realOrigTunnelDst;
    const keyOf = (v: bigint) => (v ? `4:${v}` : `6:0`);
    if (dstKey === keyOf(origKey)) {
      report(ctx, "warn", "Not tunneling to our own address");
      if (dstKey !== keyOf(realKey)) {
        ctx.outputs.push({
          port: Number(ofport), portName: port.name,
          tunnel: { dst: formatIpv4(dst), src: formatIpv4(f[P.tun_src]!), id: f[P.tun_id]! },
          traceOnly: "not-tunneling-to-own-address", packet: f.slice(),
        });
      }
      return;
    }
    report(ctx, "detail", "output to kernel tunnel");
    ctx.odp.commit(f);
    const flags: string[] = [];
    const tf = f[P.tun_flags]!;
    if (tf & FLOW_TNL_F_DONT_FRAGMENT) flags.push("df");
    if (tf & FLOW_TNL_F_CSUM) flags.push("csum");
    if (tf & FLOW_TNL_F_KEY) flags.push("key");
    const tun: string[] = [`tun_id=0x${f[P.tun_id]!.toString(16)}`];
    if (f[P.tun_src]) tun.push(`src=${formatIpv4(f[P.tun_src]!)}`);
    tun.push(`dst=${formatIpv4(dst)}`);
    if (f[P.tun_tos]) tun.push(`tos=${hex(f[P.tun_tos]!)}`);
    tun.push(`ttl=${f[P.tun_ttl]}`);
    if (f[P.tun_tp_dst]) tun.push(`tp_dst=${f[P.tun_tp_dst]}`);
    tun.push(`flags(${flags.join("|")})`);
    ctx.odp.parts.push(`set(tunnel(${tun.join(",")}))`);
    ctx.odp.output(Number(ofport));
    ctx.outputs.push({
      port: Number(ofport), portName: port.name,
      tunnel: { dst: formatIpv4(dst), src: formatIpv4(f[P.tun_src]!), id: f[P.tun_id]! }, packet: f.slice(),
    });
    for (const [i, v] of tnl) f[i] = v;
    return;
  }
  ctx.odp.commit(f);
  ctx.odp.output(Number(ofport));
  ctx.outputs.push({ port: Number(ofport), portName: port.name, packet: f.slice() });
}

/** `tnl_port_send`: fills in the tunnel metadata from the port's configuration. */
function tnlPortSend(port: Port, f: Packet): void {
  const o = port.options ?? {};
  const ipOf = (text: string | undefined): bigint => {
    const m = text ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text) : null;
    return m ? (BigInt(+m[1]!) << 24n) | (BigInt(+m[2]!) << 16n) | (BigInt(+m[3]!) << 8n) | BigInt(+m[4]!) : 0n;
  };
  // Addresses not taken from the flow come from the port's configuration (unset: 0).
  if (o.local_ip !== "flow") {
    f[P.tun_src] = ipOf(o.local_ip);
    f[P.tun_ipv6_src] = 0n;
  }
  // A tunnel port needs remote_ip; a port model without one is taken as remote_ip=flow (what Antrea configures).
  if (o.remote_ip !== undefined && o.remote_ip !== "flow") {
    f[P.tun_dst] = ipOf(o.remote_ip);
    f[P.tun_ipv6_dst] = 0n;
  }
  f[P.tun_tp_src] = 0n;
  f[P.tun_tp_dst] = BigInt(tunnelDpPort(port));
  const keyFlow = o.key === "flow" || o.out_key === "flow" || o.key === undefined;
  if (!keyFlow && o.key !== undefined) f[P.tun_id] = BigInt(o.key);
  f[P.tun_ttl] = o.ttl && o.ttl !== "inherit" ? BigInt(o.ttl) : 64n;
  f[P.tun_tos] = o.tos && o.tos !== "inherit" ? BigInt(o.tos) : 0n;
  if (isIpAny(f)) {
    const ecn = f[P.nw_tos]! & 3n;
    f[P.tun_tos] = f[P.tun_tos]! | (ecn === 3n ? 2n : ecn);
  }
  const df = o.df_default === undefined ? true : o.df_default === "true";
  const csum = o.csum === "true";
  const key = port.type !== "gre" || o.key !== undefined;
  f[P.tun_flags] = (f[P.tun_flags]! & 0x1n) | (df ? FLOW_TNL_F_DONT_FRAGMENT : 0n) | (csum ? FLOW_TNL_F_CSUM : 0n) |
    (key ? FLOW_TNL_F_KEY : 0n);
}

function isReservedMac(mac: bigint): boolean {
  // 01:80:c2:00:00:00 - 01:80:c2:00:00:0f (IEEE 802.1D/802.1Q reserved).
  return mac >> 4n === 0x0180c200000n;
}

/** `xlate_normal` as a trace sees it: nothing has been learned, so it floods. */
function xlateNormal(ctx: Ctx): void {
  const f = ctx.flow;
  const inPort = f[P.in_port]!;
  const port = ctx.st.bridge.port(Number(inPort));
  if (!port && inPort !== BigInt(OFPP_CONTROLLER) && inPort !== OFPP_NONE) {
    report(ctx, "error", `received packet on unknown port ${inPort}`);
    report(ctx, "warn", "no input bundle, dropping");
    return;
  }
  // is_admissible() runs only for a real input port (not for in_port=NONE/CONTROLLER).
  if (port && isReservedMac(f[P.dl_dst]!)) {
    report(ctx, "detail", "packet has reserved destination MAC, dropping");
    return;
  }
  report(ctx, "detail", "no learned MAC for destination, flooding");
  floodPorts(ctx, port ? Number(inPort) : -1);
}

function flood(ctx: Ctx, all: boolean): void {
  const inPort = Number(ctx.flow[P.in_port]!);
  for (const p of [...ctx.st.bridge.ports].sort((a, b) => a.ofport - b.ofport)) {
    if (p.ofport === inPort && !all) continue;
    if (p.ofport === inPort) continue;
    composeOutput(ctx, BigInt(p.ofport));
  }
}

function floodPorts(ctx: Ctx, inPort: number): void {
  for (const p of [...ctx.st.bridge.ports].sort((a, b) => a.ofport - b.ofport)) {
    if (p.ofport === inPort) continue;
    composeOutput(ctx, BigInt(p.ofport));
  }
}

// ---------------------------------------------------------------------------
// Conntrack

/** `compose_conntrack_action`. */
function conntrackAction(ctx: Ctx, a: Extract<Action, { type: "ct" }>, last: boolean): void {
  const f = ctx.flow;
  const zone = typeof a.zone === "number" ? a.zone : Number(readSubfield(f, a.zone));
  const nested: Action[] = [];
  ctx.ctNat = undefined;
  const markBefore = f[P.ct_mark]!, labelBefore = f[P.ct_label]!;
  ctx.wcCtMark.set = false;
  ctx.wcCtMark.labelSet = false;
  ctx.wcCtMark.mark = 0n;
  ctx.wcCtMark.label = 0n;
  // The nested actions are one list: a leading nat, then exec()'s actions.
  if (a.nat) {
    report(ctx, "action", formatNat(a.nat));
    ctx.ctNat = a.nat;
  }
  for (const x of a.exec) nested.push(x);
  if (!a.nat) doActions(ctx, nested, last, false);
  else if (nested.length) {
    // The nat node was printed above; print and run the exec actions after it.
    const opts = ctx.st.ports ? { ports: ctx.st.ports } : {};
    for (const x of nested) {
      if (ctx.error || ctx.exit) break;
      report(ctx, "action", formatAction(x, opts));
      execute(ctx, x, false, false);
    }
  }
  const markSet = ctx.wcCtMark.set, labelSet = ctx.wcCtMark.labelSet;
  // Datapath action.
  ctx.odp.commit(f);
  const dp: string[] = [];
  if (a.commit) dp.push(a.force ? "commit,force" : "commit");
  if (zone) dp.push(`zone=${zone}`);
  if (markSet) dp.push(`mark=${hex(f[P.ct_mark]! & ctx.wcCtMark.mark)}/${hex(ctx.wcCtMark.mark)}`);
  if (labelSet) dp.push(`label=${hex(f[P.ct_label]! & ctx.wcCtMark.label)}/${hex(ctx.wcCtMark.label)}`);
  if (ctx.ctNat) dp.push(formatNat(ctx.ctNat));
  ctx.odp.parts.push(dp.length ? `ct(${dp.join(",")})` : "ct");
  // Stateful conntrack: the packet goes through the tracker now.
  let ctRes: CtResult | undefined;
  const tracker = ctx.st.opts.conntrack;
  if (tracker) {
    ctRes = tracker.execute(f, {
      zone, commit: a.commit, force: a.force, ...(ctx.ctNat ? { nat: ctx.ctNat } : {}),
      ...(markSet ? { mark: { value: f[P.ct_mark]!, mask: ctx.wcCtMark.mark } } : {}),
      ...(labelSet ? { label: { value: f[P.ct_label]!, mask: ctx.wcCtMark.label } } : {}),
    });
  }
  void markBefore;
  void labelBefore;
  if (a.table !== undefined && a.table !== NO_TABLE) {
    ctx.conntracked = true;
    const id = allocRecirc(ctx, a.table);
    ctx.odp.parts.push(`recirc(${hex(BigInt(id))})`);
    const nflow = f.slice();
    nflow[P.recirc_id] = BigInt(id);
    nflow[P.ct_zone] = BigInt(zone);
    const rn: RecircNode = {
      id, from: ctx.st.passIndex, flow: nflow, table: a.table, zone, actionSet: ctx.actionSet.slice(),
      ...(ctx.ctNat ? { nat: ctx.ctNat } : {}), ...(ctRes ? { ct: ctRes } : {}),
    };
    ctx.st.queue.push(rn);
    ctx.recircs.push({ id, from: ctx.st.passIndex, table: a.table, zone, ...(ctx.ctNat ? { nat: ctx.ctNat } : {}) });
    report(ctx, "detail", `A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table ${a.table}.`);
  }
  ctx.ctNat = undefined;
  clearConntrack(f);
  report(ctx, "detail", "Sets the packet to an untracked state, and clears all the conntrack fields.");
  ctx.conntracked = false;
}

// ---------------------------------------------------------------------------
// Action sets

/** `ofpacts_execute_action_set`: the action set's actions in OpenFlow's order. */
export function actionSetToList(set: readonly Action[]): Action[] {
  const out: Action[] = [];
  const lastOf = (pred: (a: Action) => boolean): boolean => {
    for (let i = set.length - 1; i >= 0; i--) {
      if (pred(set[i]!)) {
        out.push(set[i]!);
        return true;
      }
    }
    return false;
  };
  lastOf((a) => a.type === "pop_vlan");
  lastOf((a) => a.type === "push_vlan");
  lastOf((a) => a.type === "dec_ttl");
  for (const a of set) if (a.type === "set_field" || a.type === "move") out.push(a);
  const terminal = lastOf((a) => a.type === "group") || lastOf((a) => a.type === "output" || (a.type === "controller" && isPlainController(a))) ||
    lastOf((a) => a.type === "resubmit") || lastOf((a) => a.type === "ct");
  if (!terminal) return [];
  return out;
}

function isPlainController(a: Extract<Action, { type: "controller" }>): boolean {
  return !a.reason && !a.controllerId && !a.userdata?.length && !a.pause && a.meterId === undefined;
}

function writeActions(ctx: Ctx, actions: readonly Action[]): void {
  if (!ctx.actionSetHasGroup) {
    for (const a of actions) {
      if (a.type === "output") ctx.flow[P.actset_output] = BigInt(a.port);
      else if (a.type === "controller" && isPlainController(a)) ctx.flow[P.actset_output] = BigInt(OFPP_CONTROLLER);
      else if (a.type === "group") {
        ctx.flow[P.actset_output] = OFPP_UNSET;
        ctx.actionSetHasGroup = true;
        break;
      }
    }
  }
  ctx.actionSet.push(...actions);
}

function reportActionSet(ctx: Ctx, verb: string): void {
  // xlate_report_action_set formats without a port map: numbers even with --names.
  const list = actionSetToList(ctx.actionSet);
  report(ctx, "detail", list.length ? `action set ${verb}: ${formatActions(list)}` : `action set ${verb} empty`);
}

/** `xlate_action_set`. */
function executeActionSet(ctx: Ctx): void {
  const list = actionSetToList(ctx.actionSet);
  ctx.actionSet = [];
  if (!list.length) return;
  ctx.inActionSet = true;
  const old = ctx.trace;
  const n = report(ctx, "table", "--. Executing action set:");
  ctx.trace = n.children;
  doActions(ctx, list, true, false);
  ctx.trace = old;
  ctx.inActionSet = false;
}

// ---------------------------------------------------------------------------
// Groups

function bucketAlive(ctx: Ctx, b: Bucket, depth = 0): boolean {
  if (b.watchPort !== undefined && b.watchPort !== 0xffff && !ctx.st.bridge.port(b.watchPort)) {
    report(ctx, "detail", `bucket ${b.id}: not live due to port ${formatPort(b.watchPort, ctx.st.ports)}`);
    return false;
  }
  if (b.watchGroup !== undefined && b.watchGroup !== 0xffffffff) {
    const g = ctx.st.bridge.groups.get(b.watchGroup);
    if (!g || depth >= 32 || !g.buckets.some((x) => bucketAlive(ctx, x, depth + 1))) {
      report(ctx, "detail", `bucket ${b.id}: not live due to group ${b.watchGroup}`);
      return false;
    }
  }
  return true;
}

/** `xlate_group_action`: true when the action list must stop (nonexistent group). */
function groupAction(ctx: Ctx, id: number, last: boolean): boolean {
  if (!resourceCheck(ctx)) return false;
  const g = ctx.st.bridge.groups.get(id);
  if (!g) {
    report(ctx, "warn", `output to nonexistent group ${id}`);
    return true;
  }
  if (g.type === "all" || g.type === "indirect") {
    for (let i = 0; i < g.buckets.length; i++) groupBucket(ctx, g.buckets[i]!, last && i === g.buckets.length - 1);
    return false;
  }
  let b: Bucket | undefined;
  if (g.type === "select") b = pickSelect(ctx, g);
  else for (const x of g.buckets) if (bucketAlive(ctx, x)) { b = x; break; }
  if (b) {
    report(ctx, "detail", `using bucket ${b.id}`);
    groupBucket(ctx, b, last);
  } else {
    report(ctx, "detail", "no live bucket");
  }
  return false;
}

function groupBucket(ctx: Ctx, b: Bucket, last: boolean): void {
  const old = ctx.trace;
  const n = report(ctx, "bucket", `bucket ${b.id}`);
  ctx.trace = n.children;
  const saved = ctx.flow.slice();
  const list = actionSetToList(b.actions);
  ctx.depth++;
  doActions(ctx, list, last, true);
  ctx.depth--;
  for (let i = 0; i < saved.length; i++) ctx.flow[i] = saved[i]!;
  ctx.exit = false;
  ctx.trace = old;
}

function pickSelect(ctx: Ctx, g: Group): Bucket | undefined {
  if (g.selectionMethod === "hash" && g.fields.length) {
    let basis = hashUint64(g.selectionMethodParam);
    for (const { field: fd, mask } of [...g.fields].sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field))) {
      if (!packetPrereqsOk(fd.prereq, ctx.flow)) continue;
      let v = getField(ctx.flow, fd);
      if (mask !== undefined) v &= mask;
      basis = hashBytes(bytesOf(v, Math.ceil(fd.bits / 8)), basis);
    }
    return bestLiveBucket(ctx, g, basis);
  }
  if (g.selectionMethod === "" || g.selectionMethod === "dp_hash") {
    // dp_hash (the default when the buckets fit): the trace cannot compute the datapath's hash.
    // dp_hash (the default when the buckets fit): the trace cannot compute the datapath's hash.
    ctx.odp.commit(ctx.flow);
    ctx.odp.parts.push("hash(sym_l4(0))");
    const id = allocRecirc(ctx, ctx.tableId);
    ctx.odp.parts.push(`recirc(${hex(BigInt(id))})`);
    ctx.exit = true;
    ctx.freezing = true;
    return undefined;
  }
  // selection_method=hash without fields: OVS's default method, a symmetric L4 hash.
  return bestLiveBucket(ctx, g, flowHashSymmetricL4(ctx.flow, 0));
}

/** `flow_hash_symmetric_l4` (lib/flow.c): jhash of a 32-byte struct. */
function flowHashSymmetricL4(f: readonly bigint[], basis: number): number {
  const b = new Array<number>(32).fill(0);
  const put = (ofs: number, v: bigint, n: number) => {
    for (let i = 0; i < n; i++) b[ofs + i] = Number((v >> BigInt(8 * (n - 1 - i))) & 0xffn);
  };
  const dl = f[P.dl_type]!;
  // union { ipv4/ipv6 } at 0 (16 bytes), eth_type at 16, vlan_tci at 18, tp_port at 20, eth_addr at 22, ip_proto at 28.
  put(22, f[P.dl_src]! ^ f[P.dl_dst]!, 6);
  let tci = 0n;
  if (f[P.vlan_tci]) {
    tci ^= f[P.vlan_tci]! & 0xfffn;
    if (f[P.vlan1_tci]) tci ^= f[P.vlan1_tci]! & 0xfffn;
  }
  put(18, tci, 2);
  put(16, dl, 2);
  if (dl === ETH_TYPE_IP) {
    put(0, f[P.nw_src]! ^ f[P.nw_dst]!, 4);
    const proto = f[P.nw_proto]!;
    b[28] = Number(proto);
    if (proto === IPPROTO_TCP || proto === 132n) put(20, f[P.tp_src]! ^ f[P.tp_dst]!, 2);
  } else if (dl === ETH_TYPE_IPV6) {
    put(0, f[P.ipv6_src]! ^ f[P.ipv6_dst]!, 16);
    const proto = f[P.nw_proto]!;
    b[28] = Number(proto);
    if (proto === IPPROTO_TCP || proto === 132n) put(20, f[P.tp_src]! ^ f[P.tp_dst]!, 2);
  }
  return jhashBytes(b, basis);
}

function jhashBytes(bytes: readonly number[], basis: number): number {
  let n = bytes.length;
  let a = (0xdeadbeef + n + basis) >>> 0, bb = a, c = a;
  const word = (i: number) => ((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24)) >>> 0;
  const mix = () => {
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + bb) >>> 0;
    bb = (bb - a) >>> 0; bb = (bb ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - bb) >>> 0; c = (c ^ rot(bb, 8)) >>> 0; bb = (bb + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + bb) >>> 0;
    bb = (bb - a) >>> 0; bb = (bb ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - bb) >>> 0; c = (c ^ rot(bb, 4)) >>> 0; bb = (bb + a) >>> 0;
  };
  const final = () => {
    c = (c ^ bb) >>> 0; c = (c - rot(bb, 14)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
    bb = (bb ^ a) >>> 0; bb = (bb - rot(a, 25)) >>> 0;
    c = (c ^ bb) >>> 0; c = (c - rot(bb, 16)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
    bb = (bb ^ a) >>> 0; bb = (bb - rot(a, 14)) >>> 0;
    c = (c ^ bb) >>> 0; c = (c - rot(bb, 24)) >>> 0;
  };
  let p = 0;
  while (n >= 12) {
    a = (a + word(p)) >>> 0; bb = (bb + word(p + 4)) >>> 0; c = (c + word(p + 8)) >>> 0;
    mix();
    n -= 12;
    p += 12;
  }
  if (n) {
    const tail = [...bytes.slice(p), ...new Array<number>(12).fill(0)];
    const w = (i: number) => (tail[i]! | (tail[i + 1]! << 8) | (tail[i + 2]! << 16) | (tail[i + 3]! << 24)) >>> 0;
    a = (a + w(0)) >>> 0; bb = (bb + w(4)) >>> 0; c = (c + w(8)) >>> 0;
    final();
  }
  return c >>> 0;
}

function bestLiveBucket(ctx: Ctx, g: Group, basis: number): Bucket | undefined {
  let best: Bucket | undefined;
  let bestScore = 0;
  for (const b of g.buckets) {
    if (!bucketAlive(ctx, b)) continue;
    const score = ((hashInt(b.id, basis) & 0xffff) * b.weight) >>> 0;
    if (score >= bestScore) {
      best = b;
      bestScore = score;
    }
    report(ctx, "detail", `bucket ${b.id}: score ${score}`);
  }
  return best;
}

// OVS's lib/hash.h (murmur3-style, no SSE4.2).
function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
function mhashAdd(hash: number, data: number): number {
  if (data) {
    data = Math.imul(data, 0xcc9e2d51) >>> 0;
    data = rot(data, 15);
    data = Math.imul(data, 0x1b873593) >>> 0;
    hash = (hash ^ data) >>> 0;
  }
  hash = rot(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}
function mhashFinish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}
function hashFinish(hash: number, final: number): number {
  return mhashFinish((hash ^ final) >>> 0);
}
export function hashInt(x: number, basis: number): number {
  return hashFinish(mhashAdd(mhashAdd(x >>> 0, 0), basis >>> 0), 8);
}
function hashUint64(x: bigint): number {
  const lo = Number(x & 0xffffffffn), hi = Number((x >> 32n) & 0xffffffffn);
  return hashFinish(mhashAdd(mhashAdd(0, lo), hi), 8);
}
function bytesOf(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return out;
}
/** `hash_bytes` over big-endian field bytes (read as little-endian 32-bit words, as on x86). */
function hashBytes(bytes: number[], basis: number): number {
  let hash = basis >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    hash = mhashAdd(hash, (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
  }
  if (i < bytes.length) {
    let tmp = 0;
    for (let j = 0; i + j < bytes.length; j++) tmp |= bytes[i + j]! << (8 * j);
    hash = mhashAdd(hash, tmp >>> 0);
  }
  return hashFinish(hash, bytes.length);
}
const MFF_ORDER = ["eth_src", "eth_dst", "eth_type", "vlan_tci", "ip_src", "ip_dst", "ipv6_src", "ipv6_dst", "nw_proto",
  "tcp_src", "tcp_dst", "udp_src", "udp_dst", "sctp_src", "sctp_dst"];
function fieldOrder(f: FieldDef): number {
  const i = MFF_ORDER.indexOf(f.name);
  return i < 0 ? 1000 : i;
}

// ---------------------------------------------------------------------------
// learn

function learnAction(ctx: Ctx, spec: LearnSpec): void {
  if (!ctx.st.sideEffects) {
    report(ctx, "warn", "suppressing side effects, so learn action ignored");
    return;
  }
  const f = ctx.flow;
  const match: string[] = [];
  const acts: string[] = [];
  for (const s of spec.specs) {
    switch (s.kind) {
      case "match_imm":
        match.push(`${s.dst.field.name}=${s.dst.ofs === 0 && s.dst.nBits === s.dst.field.bits ? formatWholeField(s.dst.field, s.value) : hex(s.value << BigInt(s.dst.ofs)) + "/" + hex(subfieldMask(s.dst))}`);
        break;
      case "match_field": {
        const v = readSubfield(f, s.src);
        match.push(s.dst.ofs === 0 && s.dst.nBits === s.dst.field.bits
          ? `${s.dst.field.name}=${formatWholeField(s.dst.field, v)}`
          : `${s.dst.field.name}=${hex(v << BigInt(s.dst.ofs))}/${hex(subfieldMask(s.dst))}`);
        break;
      }
      case "load_imm":
        acts.push(`load:${hex(s.value)}->${formatSubfield(s.dst)}`);
        break;
      case "load_field":
        acts.push(`load:${hex(readSubfield(f, s.src))}->${formatSubfield(s.dst)}`);
        break;
      case "output":
        acts.push(`output:${readSubfield(f, s.src)}`);
        break;
    }
  }
  let text = `table=${spec.table},priority=${spec.priority}`;
  if (spec.cookie) text += `,cookie=${hex(spec.cookie)}`;
  if (spec.idleTimeout) text += `,idle_timeout=${spec.idleTimeout}`;
  if (spec.hardTimeout) text += `,hard_timeout=${spec.hardTimeout}`;
  if (match.length) text += "," + match.join(",");
  text += ",actions=" + (acts.length ? acts.join(",") : "drop");
  try {
    const flow = parseFlow(text);
    ctx.st.bridge.addFlows([flow], 13);
    ctx.st.learned.push(text);
    // The detail xlate_learn_action prints (with side effects allowed).
    const m = formatMatch(flow.match, {});
    let d = `table=${spec.table} ${m}`.trimEnd() + ` priority=${spec.priority}`;
    if (spec.cookie) d += ` cookie=${hex(spec.cookie)}`;
    if (spec.idleTimeout) d += ` idle=${spec.idleTimeout}`;
    if (spec.hardTimeout) d += ` hard=${spec.hardTimeout}`;
    if (spec.sendFlowRem) d += " send_flow_rem";
    d += ` actions=${formatActions(flow.actions)}`;
    report(ctx, "detail", d);
  } catch (e) {
    report(ctx, "warn", `learn failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---------------------------------------------------------------------------
// Passes

function megaflowOf(flow: Packet, ports: PortResolver | undefined): string {
  const parts = [`recirc_id=${hex(flow[P.recirc_id]!)}`, "eth"];
  const dl = flow[P.dl_type]!;
  if (dl === ETH_TYPE_IP) parts.push("ip");
  else if (dl === ETH_TYPE_IPV6) parts.push("ipv6");
  else if (dl === ETH_TYPE_ARP) parts.push("arp");
  else if (dl === ETH_TYPE_RARP) parts.push("rarp");
  parts.push(`in_port=${formatPort(Number(flow[P.in_port]!), ports)}`);
  if (!(dl === ETH_TYPE_IP || dl === ETH_TYPE_IPV6 || dl === ETH_TYPE_ARP || dl === ETH_TYPE_RARP)) {
    parts.push(`dl_type=0x${dl.toString(16).padStart(4, "0")}`);
  }
  if (dl === ETH_TYPE_IP || dl === ETH_TYPE_IPV6) parts.push("nw_frag=no");
  return parts.join(",");
}

function runPass(st: TraceState, start: Packet, thaw: RecircNode | undefined, extra: Partial<TracePass>): TracePass {
  const initial = start.slice();
  initial[P.actset_output] = OFPP_UNSET;
  const flow = initial.slice();
  const top: TraceNode[] = [];
  const bridgeNode = node(top, "bridge", `bridge("${st.bridge.name}")`);
  const ctx: Ctx = {
    st, flow, trace: bridgeNode.children, tableId: 0, depth: 0, resubmits: 0, error: undefined, exit: false,
    conntracked: false, ctNat: undefined, actionSet: [], actionSetHasGroup: false, inActionSet: false, freezing: false,
    origTunnelDst: flow[P.tun_dst]!, outputs: [], recircs: [], odp: new Odp(flow, st.bridge, st.ports),
    wcCtMark: { set: false, mark: 0n, label: 0n, labelSet: false }, rule: undefined, lastMissTable: undefined,
  };
  // A packet that arrives tracked (ct_state=+trk in the trace flow) counts as conntracked (ct_clear clears it).
  if (!thaw) ctx.conntracked = (flow[P.ct_state]! & CS_TRK) !== 0n;
  if (thaw) {
    const th = report(ctx, "thaw", "thaw");
    const old = ctx.trace;
    ctx.trace = th.children;
    ctx.tableId = thaw.table;
    report(ctx, "thaw", `Resuming from table ${thaw.table}`);
    ctx.conntracked = true;
    if (thaw.actionSet.length) {
      // xlate_report_actions formats without a port map.
      report(ctx, "thaw", `Restoring action set: ${formatActions(thaw.actionSet)}`);
      ctx.flow[P.actset_output] = OFPP_UNSET;
      writeActions(ctx, thaw.actionSet);
    }
    if (st.opts.actions?.length) {
      // ofproto_trace() hands the packet-out actions to every pass.
      report(ctx, "error", "Recirculation conflict (actions)!");
      ctx.error = "Recirculation conflict";
    }
    ctx.trace = old;
  }
  if (!ctx.error) {
    if (st.opts.actions && !thaw) {
      doActions(ctx, st.opts.actions, true, false);
    } else {
      const rule = lookup(ctx, ctx.tableId, flow[P.in_port]!);
      countRule(ctx, rule);
      reportTable(ctx, rule, ctx.tableId);
      ctx.rule = rule;
      doActions(ctx, rule ? rule.flow.actions : [], true, false);
    }
  }
  if (!ctx.error && !ctx.freezing) executeActionSet(ctx);
  const slowPath: string[] = [];
  if (ctx.error) ctx.odp.parts.length = 0;
  else if (ctx.odp.slowArp) slowPath.push("Uses action(s) not supported by datapath.");
  let drop: string | undefined;
  if (ctx.outputs.length === 0 && ctx.recircs.length === 0) {
    if (ctx.error) drop = `translation failed (${ctx.error})`;
    else if (ctx.lastMissTable !== undefined) drop = `no match in table ${ctx.lastMissTable}`;
    else drop = "no output action";
  }
  return {
    recircId: thaw?.id ?? 0,
    ...extra,
    flow: initial,
    finalFlow: flow,
    tree: top,
    outputs: ctx.outputs,
    ...(drop ? { drop } : {}),
    megaflow: megaflowOf(initial, st.ports),
    datapathActions: ctx.odp.text(),
    slowPath,
    ...(ctx.error ? { error: ctx.error } : {}),
    recirculations: ctx.recircs,
  };
}

function natFlowText(p: readonly bigint[], nat: NatSpec): string {
  if (nat.kind === undefined || nat.addrMin === undefined) return "";
  if (nat.ipv6) return "";
  return `nw_src=${formatIpv4(p[P.nw_src]!)},tp_src=${p[P.tp_src]},nw_dst=${formatIpv4(p[P.nw_dst]!)},tp_dst=${p[P.tp_dst]}`;
}

/** Applies the trace's NAT simulation (`ofproto_trace_recirc_node`): the first address and port of the range. */
function simulateNat(p: Packet, nat: NatSpec): void {
  if (nat.kind === "src") {
    if (nat.addrMin !== undefined && !nat.ipv6) p[P.nw_src] = nat.addrMin;
    if (nat.portMin) p[P.tp_src] = BigInt(nat.portMin);
  } else if (nat.kind === "dst") {
    if (nat.addrMin !== undefined && !nat.ipv6) p[P.nw_dst] = nat.addrMin;
    if (nat.portMin) p[P.tp_dst] = BigInt(nat.portMin);
  }
}

/**
 * Traces a packet through a bridge as `ovs-appctl ofproto/trace BRIDGE FLOW`
 * does. `flow` is the trace's flow syntax or an already parsed packet.
 * Throws an OfpError (with OVS's message) for a bad flow.
 */
export function traceFlow(bridge: Bridge, flow: string | readonly bigint[], opts: TraceOptions = {}): TraceResult {
  const ovs = opts.ovs ?? "3.1";
  const names = ovs === "3.1" && (opts.names ?? false);
  const ports = names ? bridge.resolver(true) : undefined;
  const parsePorts = bridge.resolver(false);
  // ofproto/trace parses its options (--ct-next) before the flow.
  const ctNext = new CtNextStates(opts.ctNext ?? []);
  const start: Packet = typeof flow === "string" ? parseTraceFlow(flow, parsePorts) : padPacket(flow);
  const st: TraceState = {
    bridge, opts, ports, ovs214: ovs === "2.14", queue: [], recircIds: new Map(), nextRecirc: 1,
    ctNext, sideEffects: opts.sideEffects ?? opts.conntrack !== undefined,
    learned: [], realOrigTunnelDst: start[P.tun_dst]!, passIndex: 0,
  };
  const passes: TracePass[] = [runPass(st, start, undefined, {})];
  const maxPasses = opts.maxPasses ?? 64;
  while (st.queue.length && passes.length < maxPasses) {
    const rn = st.queue.shift()!;
    st.passIndex = passes.length;
    const p = rn.flow.slice();
    let ctState: bigint;
    let isDefault = false;
    let nat: { initial: string; modified: string } | undefined;
    if (rn.ct) {
      // Stateful conntrack: state, mark, label and NAT as a real datapath would give them.
      ctState = rn.ct.state;
      p[P.ct_mark] = rn.ct.mark;
      p[P.ct_label] = rn.ct.label;
      if ((ctState & (CS_TRK | CS_INV)) === CS_TRK && rn.ct.orig) {
        p[P.ct_nw_src] = rn.ct.orig.src;
        p[P.ct_nw_dst] = rn.ct.orig.dst;
        p[P.ct_nw_proto] = rn.ct.orig.proto;
        p[P.ct_tp_src] = rn.ct.orig.sport;
        p[P.ct_tp_dst] = rn.ct.orig.dport;
      }
      if (rn.ct.after && rn.ct.before && rn.nat) {
        const initial = natFlowText(p, { kind: "src", addrMin: 0n });
        applyTuple(p, rn.ct.after);
        nat = { initial, modified: natFlowText(p, { kind: "src", addrMin: 0n }) };
      }
    } else {
      const n = st.ctNext.next();
      ctState = n.state;
      isDefault = n.isDefault;
      if (rn.nat) {
        const initial = natFlowText(p, rn.nat);
        simulateNat(p, rn.nat);
        nat = { initial, modified: natFlowText(p, rn.nat) };
      }
    }
    p[P.ct_state] = ctState;
    passes.push(runPass(st, p, rn, {
      ctState, ctStateDefault: isDefault, ...(nat ? { nat } : {}),
    }));
  }
  return {
    bridge: bridge.name,
    flowText: typeof flow === "string" ? flow : formatFlow(start),
    passes, names, ovs, learned: st.learned, ...(ports ? { ports } : {}),
    ...(st.queue.length ? { truncated: true } : {}),
  };
}

function padPacket(v: readonly bigint[]): Packet {
  const p = emptyPacket();
  for (let i = 0; i < Math.min(v.length, p.length); i++) p[i] = v[i]!;
  fixVlanTpid(p);
  return p;
}

export { formatCtState, OfpError };
