/**
 * Flows in `ovs-ofctl add-flow(s)` / `dump-flows` syntax: parsing with
 * positions and ovs-ofctl's error messages, and printing of a flow line.
 */
import { LIMITS, formatBytes, utf8Length } from "../limits.ts";
import { OfpError, type Position } from "./errors.ts";
import {
  allOnes, fieldByName, FIELDS, wholeMask, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLSM, ETH_TYPE_RARP,
  type FieldDef,
} from "./fields.ts";
import { keyValues, type KeyValue } from "./kv.ts";
import {
  emptyMatch, formatMatch, normalizeMatch, readField, setEthernetPacketType, setMatchField, SLOT_INDEX, type Match,
} from "./match.ts";
import { checkActions, exactProtocols, INCONSISTENT_PROTOCOLS, parseActionList, type ParsedActions } from "./action-parse.ts";
import { decodeError, encodeActionsFor, formatActions } from "./action-format.ts";
import { cidrLength, parseFieldValue, parseIntString, type PortResolver } from "./values.ts";
import { parseSubfield, prereqsOk, subfieldMask } from "./subfield.ts";
import {
  allowedProtocols, noUsableProtocolMessage, P_ANY, P_NXM_OXM_ANY, P_OF12_UP, P_OF13_UP, P_TID, type Protocols,
} from "./protocols.ts";
import type { Action, NatSpec, OfVersion } from "./actions.ts";

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
  /** OpenFlow version the flow is sent with (`ovs-ofctl -O`; default 1.3). */
  readonly version?: OfVersion;
  /** Whether the bridge has this group; without it, group actions are not checked. */
  readonly groupExists?: (id: number) => boolean;
  /** Whether the bridge has this meter; without it, meter actions are not checked. */
  readonly meterExists?: (id: number) => boolean;
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
  arp: [ETH_TYPE_ARP, undefined],
  rarp: [ETH_TYPE_RARP, undefined],
  mpls: [ETH_TYPE_MPLS, undefined],
  mplsm: [ETH_TYPE_MPLSM, undefined],
};

/** Keys that dump-flows prints and that ovs-ofctl accepts and ignores on input. */
const STATS_KEYS = new Set(["duration", "n_packets", "n_bytes", "idle_age", "hard_age"]);

/** `str_to_u16`: strtol with base 0 over the whole string, 0..65535. */
function u16(key: string, value: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(value);
  let n = -1n;
  if (m) {
    const d = m[2]!;
    n = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d.startsWith("0") ? BigInt("0o" + d.slice(1)) : BigInt(d);
    if (m[1] === "-") n = -n;
  }
  if (n < 0n || n > 0xffffn) throw new OfpError(`invalid ${key} "${value}"`);
  return Number(n);
}

/** `str_to_u64` (cookies). */
function u64(value: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(value);
  if (!m) throw new OfpError(`invalid numeric format ${value}`);
  const d = m[2]!;
  let n = /^0[xX]/.test(d) ? BigInt(d) : d.length > 1 && d.startsWith("0") ? BigInt("0o" + d.slice(1)) : BigInt(d);
  if (n >= 1n << 64n) throw new OfpError(`invalid numeric format ${value}`);
  if (m[1] === "-" && n !== 0n) n = (1n << 64n) - n;
  return n;
}

/** `ofputil_table_from_string` without table names: decimal 0..255. */
function tableNumber(value: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*\+?([0-9]+)$/.exec(value);
  if (!m || BigInt(m[1]!) > 255n) return undefined;
  return Number(m[1]);
}

/** What a match on `f` with `mask` allows: plain OpenFlow 1.0 (and NXM), or NXM/OXM only (`mf_set`). */
function fieldProtocols(f: FieldDef, mask: bigint): Protocols {
  if (mask === 0n) return P_ANY;
  if (f.unmatchable) return 0;
  if (mask === allOnes(f.bits)) return exactProtocols(f);
  if (f.of10 === "cidr" && cidrLength(mask, f.bits) >= 0) return P_ANY;
  return P_NXM_OXM_ANY;
}

/**
 * Parses one flow (`ovs-ofctl add-flow` syntax) as ovs-ofctl parses it and as
 * the switch accepts it when sent with OpenFlow `ctx.version` (default 1.3).
 * Columns in errors are relative to `text`, shifted by `columnOffset`, on
 * line `line`. Errors carry ovs-ofctl's message and their kind (see
 * OfpErrorKind).
 */
export function parseFlow(text: string, ctx: FlowParseContext = {}, line = 1, columnOffset = 0): Flow {
  const at = (offset: number, length?: number): Position => ({
    line,
    column: columnOffset + offset + 1,
    ...(length !== undefined ? { length } : {}),
  });
  const version = ctx.version ?? 13;
  const actionIdx = text.indexOf("action");
  if (actionIdx < 0) throw new OfpError("must specify an action", at(0, text.length));
  const eq = text.indexOf("=", actionIdx);
  if (eq < 0) throw new OfpError("must specify an action", at(actionIdx, text.length - actionIdx));
  const matchText = text.slice(0, actionIdx);
  const actionsText = text.slice(eq + 1);
  const actionsOffset = eq + 1;

  const m = emptyMatch();
  let usable: Protocols = P_ANY;
  let badMatchValue = false;
  let cookie = 0n, table = 0, priority = 32768, idleTimeout = 0, hardTimeout = 0, importance = 0;
  const flags: { -readonly [K in keyof FlowFlags]: FlowFlags[K] } = {};
  let items: KeyValue[];
  try {
    items = keyValues(matchText);
  } catch (e) {
    if (e instanceof OfpError && e.position) throw new OfpError(e.message, at(e.position.column - 1, e.position.length), text);
    throw e;
  }
  for (const kv of items) {
    try {
      const proto = PROTOCOLS[kv.key];
      if (proto) {
        setEthernetPacketType(m);
        setMatchField(m, fieldByName("dl_type")!, proto[0], 0xffffn);
        if (proto[1] !== undefined) setMatchField(m, fieldByName("nw_proto")!, proto[1], 0xffn);
        continue;
      }
      switch (kv.key) {
        case "send_flow_rem": flags.sendFlowRem = true; continue;
        case "check_overlap": flags.checkOverlap = true; continue;
        case "reset_counts": flags.resetCounts = true; usable &= P_OF12_UP; continue;
        case "no_packet_counts": flags.noPacketCounts = true; usable &= P_OF13_UP; continue;
        case "no_byte_counts": flags.noByteCounts = true; usable &= P_OF13_UP; continue;
      }
      const f = fieldByName(kv.key);
      if (f) {
        // A field without a value matches "0/0" (so only a wildcard is accepted).
        const { value, mask } = parseFieldValue(f, kv.value === "" ? "0/0" : kv.value, ctx.ports);
        usable &= fieldProtocols(f, mask);
        // The switch, not ovs-ofctl, refuses values beyond the field's bits (ipv6_label).
        if (f.matchChecked && mask !== 0n && value & ~f.validMask) badMatchValue = true;
        setMatchField(m, f, value, mask);
        if (f.ethernet) setEthernetPacketType(m);
        continue;
      }
      if (kv.key.includes("[")) {
        const sf = parseSubfield(kv.key);
        const v = parseIntString(kv.value, sf.field.bytes);
        if (v.error || v.tail !== "") throw new OfpError(`${kv.value}: bad syntax for ${sf.field.name} value`);
        const fieldMask = readField(m.masks, sf.field) | subfieldMask(sf);
        const fieldValue = (readField(m.values, sf.field) & ~subfieldMask(sf)) | ((v.value << BigInt(sf.ofs)) & subfieldMask(sf));
        setMatchField(m, sf.field, fieldValue, fieldMask);
        usable &= P_NXM_OXM_ANY;
        continue;
      }
      if (kv.value === "") throw new OfpError(`field ${kv.key} missing value`);
      switch (kv.key) {
        case "table": {
          const n = tableNumber(kv.value);
          if (n === undefined) throw new OfpError(`unknown table "${kv.value}"`);
          table = n;
          if (n !== 255) usable &= P_TID;
          continue;
        }
        case "priority": priority = u16(kv.key, kv.value); continue;
        case "idle_timeout": idleTimeout = u16(kv.key, kv.value); continue;
        case "hard_timeout": hardTimeout = u16(kv.key, kv.value); continue;
        case "importance": importance = u16(kv.key, kv.value); continue;
        case "cookie":
          if (kv.value.includes("/")) throw new OfpError("flow additions cannot use a cookie mask");
          cookie = u64(kv.value);
          continue;
      }
      if (STATS_KEYS.has(kv.key)) continue;
      throw new OfpError(`unknown keyword ${kv.key}`);
    } catch (e) {
      if (e instanceof OfpError && !e.position) throw e.withPosition(at(kv.start, kv.end - kv.start), text);
      throw e;
    }
  }
  normalizeMatch(m);
  // `ofputil_usable_protocols`: plain OpenFlow 1.0 has no IPv6.
  if (m.masks[SLOT_INDEX.dl_type] && m.values[SLOT_INDEX.dl_type] === ETH_TYPE_IPV6) usable &= P_NXM_OXM_ANY;

  const actionsAt = () => at(actionsOffset, actionsText.length);
  let parsed: ParsedActions;
  try {
    parsed = parseActionList(actionsText, ctx);
  } catch (e) {
    if (e instanceof OfpError) {
      const p = e.position;
      throw new OfpError(e.message, p ? at(actionsOffset + p.column - 1, p.length) : actionsAt(), text);
    }
    throw e;
  }
  usable &= parsed.usable;
  const check = checkActions(parsed.actions, m, table);
  if (check.inconsistent) usable &= INCONSISTENT_PROTOCOLS;
  if (check.error || usable === 0) {
    throw new OfpError(`actions are invalid with specified match (${check.error ?? "OFPBAC_MATCH_INCONSISTENT"})`, actionsAt(), text);
  }
  if (!(usable & allowedProtocols(version))) {
    throw new OfpError(noUsableProtocolMessage(usable, version), actionsAt(), text, "protocol");
  }
  const flow: Flow = {
    cookie, table, priority, idleTimeout, hardTimeout, importance, flags, match: m, actions: check.actions,
  };
  const refused = badMatchValue ? "OFPBMC_BAD_VALUE" : switchError(flow, version, ctx);
  if (refused) throw new OfpError(refused, actionsAt(), text, "switch");
  return flow;
}

/**
 * The OpenFlow error a switch answers a flow_mod with, although ovs-ofctl
 * accepted the flow (match prerequisites checked on decoding, actions the
 * wire format cannot carry, hidden tables and fields, missing groups and
 * meters).
 */
function switchError(flow: Flow, v: OfVersion, ctx: FlowParseContext): string | undefined {
  const m = flow.match;
  // Match decoding (nx_pull_match): prerequisites and values.
  const I = SLOT_INDEX;
  const ctTuple = m.masks[I.ct_nw_src] || m.masks[I.ct_nw_dst] || m.masks[I.ct_nw_proto] || m.masks[I.ct_tp_src] || m.masks[I.ct_tp_dst];
  if (ctTuple && !prereqsOk("ct_valid", m)) return "OFPBMC_BAD_PREREQ";
  if (m.masks[SLOT_INDEX.ipv6_label] && m.values[SLOT_INDEX.dl_type] === ETH_TYPE_IP) return "OFPBMC_BAD_PREREQ";
  // TCP/UDP/SCTP ports and flags need a packet that is not a later fragment
  // (nw_frag goes out before them, so the switch sees it first).
  const proto = m.values[SLOT_INDEX.nw_proto]!;
  const l4 = proto === 6n || proto === 17n || proto === 132n;
  const l4Fields = m.masks[SLOT_INDEX.tp_src] || m.masks[SLOT_INDEX.tp_dst] || (proto === 6n && m.masks[SLOT_INDEX.tcp_flags]);
  if (l4 && l4Fields && m.values[SLOT_INDEX.nw_frag]! & 2n) return "OFPBMC_BAD_PREREQ";
  if (v >= 12 && oxmVlanPcpWithoutVlan(m)) return "OFPBMC_BAD_PREREQ";
  // Action decoding. OpenFlow 1.0 has no code for a bad instruction order.
  const err = actionsSwitchError(flow.actions, v, ctx);
  if (err) return err;
  if (decodeError(flow.actions, v)) return v === 10 ? "NXBRC_UNENCODABLE_ERROR" : "OFPBAC_UNSUPPORTED_ORDER";
  // ofputil_decode_flow_mod: the conntrack original-direction addresses need IPv4.
  if ((m.masks[I.ct_nw_src] || m.masks[I.ct_nw_dst]) && m.values[I.dl_type] !== ETH_TYPE_IP) return "OFPBAC_MATCH_INCONSISTENT";
  // ofproto: the hidden table and the datapath-internal fields.
  if (flow.table === 254) return "OFPBRC_EPERM";
  if (m.masks[I.recirc_id] || m.masks[I.dp_hash]) return "OFPBRC_EPERM";
  return undefined;
}

function actionsSwitchError(actions: readonly Action[], v: OfVersion, ctx: FlowParseContext): string | undefined {
  for (const a of actions) {
    switch (a.type) {
      case "set_field":
        if (a.raw === "load" && !a.field.writable) return "OFPBAC_BAD_SET_ARGUMENT";
        // Fields without an NXM/OXM header go out with header 0, which is in_port's (2 bytes).
        if (a.raw !== "legacy" && a.field.headerless && a.field.bytes !== 2) return "OFPBAC_BAD_SET_LEN";
        // OpenFlow 1.5 sends a masked set_field as written: bits outside the mask are an error.
        if (a.raw === "set_field" && v >= 15 && a.value & ~a.mask) return "OFPBMC_BAD_WILDCARDS";
        // An OpenFlow 1.2+ set_field of vlan_vid must carry OFPVID_PRESENT.
        if (a.raw === "set_field" && v >= 12 && a.field.name === "vlan_vid" && !(a.value & 0x1000n)) return "OFPBAC_BAD_SET_ARGUMENT";
        break;
      case "ct": {
        if (typeof a.zone !== "number" && a.zone.nBits !== 16) return "OFPBAC_BAD_SET_LEN";
        const onlyBareNat = (a.nat === undefined || isBareNat(a.nat)) && a.exec.every((x) => x.type === "nat" && isBareNat(x.nat));
        if (!a.commit && !onlyBareNat) return "OFPBAC_BAD_ARGUMENT";
        const e = actionsSwitchError(a.exec, v, ctx);
        if (e) return e;
        break;
      }
      case "group":
        if (ctx.groupExists && !ctx.groupExists(a.group)) return "OFPBAC_BAD_OUT_GROUP";
        break;
      case "meter":
        if (ctx.meterExists && !ctx.meterExists(a.meter)) return "OFPMMFC_INVALID_METER";
        break;
      case "write_actions": {
        const e = actionsSwitchError(a.actions, v, ctx);
        if (e) return e;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

function isBareNat(n: NatSpec): boolean {
  return n.kind === undefined;
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
  const size = utf8Length(text);
  if (size > LIMITS.flowTextBytes) {
    const message = `the flows are ${size} bytes, over the limit of ${formatBytes(LIMITS.flowTextBytes)}; nothing was loaded`;
    return { flows, lines, errors: [new OfpError(message, { line: 1, column: 1 })] };
  }
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
    if (flows.length + errors.length >= LIMITS.flowLines) {
      errors.push(new OfpError(`more than ${LIMITS.flowLines} flows; the limit is ${LIMITS.flowLines}, the rest was not loaded`, { line: i + 1, column: 1 }));
      break;
    }
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

/**
 * OXM (OpenFlow 1.2+) carries the VLAN TCI as vlan_vid + vlan_pcp, and
 * vlan_pcp only next to a non-zero vlan_vid (`nx_put_raw`), so a match that
 * crosses the wire in OXM (when installed, and again in a dump reply) can
 * lose TCI bits: `vlan_tci=0` comes back as `vlan_tci=0x0000/0x1fff`.
 */
function oxmMatch(match: Match): Match {
  const I = SLOT_INDEX;
  const mask = match.masks[I.vlan_tci]!;
  if (!mask) return match;
  const tci = match.values[I.vlan_tci]!;
  const vidMask = mask & 0x1fffn, vid = tci & vidMask;
  let value = vid, newMask = vidMask;
  if (vid && mask & 0xe000n) {
    value = vid | (tci & 0xe000n) | 0x1000n;
    newMask = vidMask | 0xf000n;
  }
  if (value === tci && newMask === mask) return match;
  const values = match.values.slice(), masks = match.masks.slice();
  values[I.vlan_tci] = value;
  masks[I.vlan_tci] = newMask;
  return { values, masks };
}

/**
 * In OXM, vlan_pcp goes out next to a non-zero vlan_vid, and its
 * prerequisite is a VLAN header (the CFI bit in that vlan_vid): a TCI match
 * with PCP bits and a VID but no CFI cannot be decoded.
 */
function oxmVlanPcpWithoutVlan(m: Match): boolean {
  const tci = m.values[SLOT_INDEX.vlan_tci]!, mask = m.masks[SLOT_INDEX.vlan_tci]!;
  const vid = tci & mask & 0x1fffn;
  return vid !== 0n && (mask & 0xe000n) !== 0n && (vid & 0x1000n) === 0n;
}

/**
 * Why `ovs-ofctl -O VERSION dump-flows` cannot decode the switch's reply for
 * this stored flow (the whole dump then fails: `dump flows (Protocol
 * error)`), or undefined. OpenFlow 1.0 cannot carry write_metadata before
 * other actions; OXM cannot carry a VLAN PCP match without a VLAN.
 */
export function dumpError(stored: Flow, v: OfVersion): string | undefined {
  if (v >= 12 && oxmVlanPcpWithoutVlan(stored.match)) return v >= 15 ? "Invalid argument" : "OFPBMC_BAD_PREREQ";
  return decodeError(stored.actions, v);
}

/**
 * The match as the switch stores it after decoding the flow_mod (`nx_put_raw`
 * encodes only what makes sense): tcp_flags only for TCP, nw_frag only for
 * IP, ct_nw_proto and ct_tp_src/dst only for a non-zero ct_nw_proto, ICMP
 * type/code as 8 bits.
 */
function installMatch(match: Match, v: OfVersion): Match {
  const I = SLOT_INDEX;
  const k = match.masks;
  const dl0 = match.values[I.dl_type]!;
  const ip0 = dl0 === ETH_TYPE_IP || dl0 === ETH_TYPE_IPV6;
  const needed = k[I.tcp_flags] || k[I.nw_frag] || k[I.ct_nw_proto] || k[I.ct_tp_src] || k[I.ct_tp_dst] || k[I.vlan_tci] ||
    (ip0 && (k[I.tp_src] || k[I.tp_dst]));
  if (!needed) return match;
  const values = match.values.slice(), masks = match.masks.slice();
  const dl = values[I.dl_type]!;
  const ipAny = dl === ETH_TYPE_IP || dl === ETH_TYPE_IPV6;
  if (!(ipAny && masks[I.nw_proto] && values[I.nw_proto] === 6n)) {
    masks[I.tcp_flags] = 0n;
    values[I.tcp_flags] = 0n;
  }
  if (!ipAny) {
    masks[I.nw_frag] = 0n;
    values[I.nw_frag] = 0n;
  }
  // The conntrack original-direction protocol and ports go out only with a non-zero ct_nw_proto.
  if (!(masks[I.ct_nw_proto] && values[I.ct_nw_proto])) {
    masks[I.ct_nw_proto] = masks[I.ct_tp_src] = masks[I.ct_tp_dst] = 0n;
    values[I.ct_nw_proto] = values[I.ct_tp_src] = values[I.ct_tp_dst] = 0n;
  }
  // ICMP type and code go out as 8-bit fields (exact) and come back as whole-slot matches.
  const icmp = masks[I.nw_proto] && ((dl === ETH_TYPE_IP && values[I.nw_proto] === 1n) || (dl === ETH_TYPE_IPV6 && values[I.nw_proto] === 58n));
  if (icmp) {
    for (const slot of [I.tp_src, I.tp_dst]) {
      if (masks[slot]) {
        masks[slot] = 0xffffn;
        values[slot] = values[slot]! & 0xffn;
      }
    }
  }
  const m = { values, masks };
  return v >= 12 ? oxmMatch(m) : m;
}

/**
 * A set_field of a header-less field (dl_vlan) goes out with OXM header 0,
 * which the switch reads as in_port (NXAST_REG_LOAD2 before OpenFlow 1.2).
 */
function installAction(a: Action, v: OfVersion): Action {
  if (a.type === "set_field" && a.raw !== "legacy" && a.field.headerless) {
    const f = fieldByName("in_port")!;
    return { type: "set_field", field: f, value: a.value & allOnes(f.bits), mask: wholeMask(f), raw: v < 12 ? "load2" : "set_field" };
  }
  if (a.type === "ct") return { ...a, exec: a.exec.map((x) => installAction(x, v)) };
  if (a.type === "write_actions") return { ...a, actions: a.actions.map((x) => installAction(x, v)) };
  return a;
}

function hasLegacy(a: Action): boolean {
  return (a.type === "set_field" && a.raw === "legacy") || (a.type === "write_actions" && a.actions.some(hasLegacy));
}

/**
 * The flow as stored by a switch that received it over OpenFlow `v`: the
 * match and actions after the round trip through that version's encoding,
 * checked again as the switch checks them (which decides, e.g., whether a
 * mod_vlan_vid still needs to push a VLAN header).
 */
export function installFlow(flow: Flow, v: OfVersion): Flow {
  const table = flow.table === 255 ? 0 : flow.table;
  const match = installMatch(flow.match, v);
  const encoded = encodeActionsFor(flow.actions.map((a) => installAction(a, v)), v);
  // The switch checks the actions again, which matters only for what the
  // check records in legacy set actions (VLAN push, mod_tp_* protocol).
  const checked = encoded.some(hasLegacy) ? checkActions(encoded, match, table) : { actions: encoded };
  return {
    ...flow,
    // A flow_mod ADD for "all tables" (255) goes to table 0.
    table,
    match,
    actions: "error" in checked && checked.error ? encoded : checked.actions,
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
  const match = formatMatch(v >= 12 ? oxmMatch(stored.match) : stored.match, { priority: stored.priority, ...(opts.ports ? { ports: opts.ports } : {}), ...(opts.ovs214 ? { ovs214: true } : {}) });
  if (match) s += match + " ";
  const actions = encodeActionsFor(stored.actions, v);
  s += "actions=" + formatActions(actions, opts.ports ? { ports: opts.ports } : {});
  return s;
}
