/**
 * Prints actions as `ovs-ofctl` does (lib/ofp-actions.c `format_*`), and
 * re-encodes them for an OpenFlow version the way the switch does when a flow
 * is installed or dumped (`encode_SET_FIELD`, `set_field_to_legacy_openflow`,
 * `encode_GOTO_TABLE`, …).
 */
import { allOnes, fieldByName, wholeMask, type FieldDef } from "./fields.ts";
import { formatSubfield } from "./subfield.ts";
import { formatFieldValue, formatIpv4, formatIpv6, formatPort, hex, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_MAX, type PortResolver } from "./values.ts";
import { NO_TABLE, type Action, type LearnSpec, type NatSpec, type OfVersion } from "./actions.ts";

export interface ActionFormatOptions {
  ports?: PortResolver;
}

/** `ofpacts_format`: the action list joined with commas; empty prints `drop`. */
export function formatActions(actions: readonly Action[], opts: ActionFormatOptions = {}): string {
  if (actions.length === 0) return "drop";
  return actions.map((a) => formatAction(a, opts)).join(",");
}

/**
 * `next_load_segment`: the runs of one bits of `mask`, each at most 64 bits
 * (a `load:` carries a 64-bit value), lowest first.
 */
export function loadSegments(value: bigint, mask: bigint, bits: number): { ofs: number; n: number; v: bigint }[] {
  const segs: { ofs: number; n: number; v: bigint }[] = [];
  if (mask === 0n) return segs;
  // Scan the mask's binary digits, lowest bit first.
  const digits = (mask & allOnes(bits)).toString(2);
  const top = digits.length - 1;
  let i = 0;
  while (i <= top) {
    if (digits.charCodeAt(top - i) !== 49) {
      i++;
      continue;
    }
    let j = i;
    while (j <= top && j < i + 64 && digits.charCodeAt(top - j) === 49) j++;
    const n = j - i;
    segs.push({ ofs: i, n, v: (value >> BigInt(i)) & allOnes(n) });
    i = j;
  }
  return segs;
}

/** `mf_format`: a field value with an optional mask, as set_field and learn print it. */
export function formatMasked(f: FieldDef, value: bigint, mask: bigint, ports?: PortResolver): string {
  if (mask === 0n) return "ANY";
  if (mask === wholeMask(f)) return formatFieldValue(f, value, allOnes(f.bits), ports);
  switch (f.format) {
    case "port":
    case "dec":
      return `${value}/${hex(mask)}`;
    case "hex":
      return `${hex(value)}/${hex(mask)}`;
    default:
      return formatFieldValue(f, value, mask, ports);
  }
}

export function formatAction(a: Action, opts: ActionFormatOptions = {}): string {
  switch (a.type) {
    case "output":
      if (a.maxLen !== undefined) return `output(port=${formatPort(a.port, opts.ports)},max_len=${a.maxLen})`;
      return a.port < OFPP_MAX ? `output:${formatPort(a.port, opts.ports)}` : formatPort(a.port, opts.ports);
    case "output_reg":
      return `output:${formatSubfield(a.src)}`;
    case "controller": {
      if (!a.reason && !a.controllerId && !a.userdata?.length && !a.pause && a.meterId === undefined) {
        return `CONTROLLER:${a.maxLen}`;
      }
      const parts: string[] = [];
      if (a.reason) parts.push(`reason=${a.reason}`);
      if (a.maxLen !== 0xffff) parts.push(`max_len=${a.maxLen}`);
      if (a.controllerId) parts.push(`id=${a.controllerId}`);
      if (a.userdata?.length) parts.push(`userdata=${a.userdata.map((b) => b.toString(16).padStart(2, "0")).join(".")}`);
      if (a.pause) parts.push("pause");
      if (a.meterId !== undefined) parts.push(`meter_id=${a.meterId}`);
      return `controller(${parts.join(",")})`;
    }
    case "resubmit": {
      if (a.port !== OFPP_IN_PORT && a.table === NO_TABLE && !a.ct) return `resubmit:${formatPort(a.port, opts.ports)}`;
      let s = "resubmit(";
      if (a.port !== OFPP_IN_PORT) s += formatPort(a.port, opts.ports);
      s += ",";
      if (a.table !== NO_TABLE) s += String(a.table);
      if (a.ct) s += ",ct";
      return s + ")";
    }
    case "goto_table":
      return `goto_table:${a.table}`;
    case "set_field": {
      const f = a.field;
      if (a.raw === "load") {
        return loadSegments(a.value, a.mask, f.bits)
          .map((seg) => `load:${hex(seg.v)}->${formatSubfield({ field: f, ofs: seg.ofs, nBits: seg.n })}`)
          .join(",");
      }
      if (a.raw === "legacy" && f.legacyAction) {
        return `${f.legacyAction}:${formatFieldValue(f, a.value, allOnes(f.bits), opts.ports)}`;
      }
      // set_field and NXAST_REG_LOAD2 print alike.
      return `set_field:${formatMasked(f, a.value, a.mask, opts.ports)}->${f.name}`;
    }
    case "move":
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case "dec_ttl":
      return a.ids ? `dec_ttl(${a.ids.join(",")})` : "dec_ttl";
    case "ct": {
      let s = "ct(";
      if (a.commit) s += "commit,";
      if (a.force) s += "force,";
      if (a.table !== undefined && a.table !== NO_TABLE) s += `table=${a.table},`;
      if (typeof a.zone === "number") {
        if (a.zone) s += `zone=${a.zone},`;
      } else {
        s += `zone=${formatSubfield(a.zone)},`;
      }
      if (a.nat) s += formatNat(a.nat) + ",";
      if (a.exec.length) s += `exec(${formatActions(a.exec, opts)}),`;
      if (a.alg !== undefined && a.alg !== 0) s += a.alg === 21 ? "alg=ftp," : a.alg === 69 ? "alg=tftp," : `alg=${a.alg},`;
      if (s.endsWith(",")) s = s.slice(0, -1);
      return s + ")";
    }
    case "nat":
      return formatNat(a.nat);
    case "ct_clear":
      return "ct_clear";
    case "conjunction":
      return `conjunction(${a.id},${a.clause}/${a.nClauses})`;
    case "learn":
      return formatLearn(a.spec, opts);
    case "group":
      return `group:${a.group}`;
    case "meter":
      return `meter:${a.meter}`;
    case "note": {
      // Padded with zero bytes so that the action is a multiple of 8 bytes long.
      const total = Math.ceil((a.bytes.length + 10) / 8) * 8 - 10;
      const bytes = [...a.bytes, ...Array<number>(total - a.bytes.length).fill(0)];
      return `note:${bytes.map((b) => b.toString(16).padStart(2, "0")).join(".")}`;
    }
    case "push_vlan":
      return `push_vlan:0x${a.ethertype.toString(16)}`;
    case "pop_vlan":
      return a.raw;
    case "clear_actions":
      return "clear_actions";
    case "write_metadata":
      return a.mask === allOnes(64) ? `write_metadata:${hex(a.value)}` : `write_metadata:${hex(a.value)}/${hex(a.mask)}`;
    case "write_actions":
      return `write_actions(${formatActions(a.actions, opts)})`;
  }
}

/** `format_NAT`. */
export function formatNat(n: NatSpec): string {
  if (!n.kind) return "nat";
  let s = `nat(${n.kind}`;
  if (n.addrMin !== undefined) {
    s += "=";
    const bracket = n.ipv6 && !!n.portMin;
    const addr = (v: bigint) => (n.ipv6 ? (bracket ? `[${formatIpv6(v)}]` : formatIpv6(v)) : formatIpv4(v));
    s += addr(n.addrMin);
    if (n.addrMax !== undefined && n.addrMax !== n.addrMin && n.addrMax !== 0n) s += `-${addr(n.addrMax)}`;
    if (n.portMin) {
      s += `:${n.portMin}`;
      if (n.portMax && n.portMax !== n.portMin) s += `-${n.portMax}`;
    }
  }
  s += ",";
  if (n.persistent) s += "persistent,";
  if (n.hash) s += "hash,";
  if (n.random) s += "random,";
  return s.slice(0, -1) + ")";
}

/** `learn_format` (lib/learn.c). */
function formatLearn(l: LearnSpec, opts: ActionFormatOptions): string {
  let s = `learn(table=${l.table}`;
  if (l.idleTimeout) s += `,idle_timeout=${l.idleTimeout}`;
  if (l.hardTimeout) s += `,hard_timeout=${l.hardTimeout}`;
  if (l.finIdleTimeout) s += `,fin_idle_timeout=${l.finIdleTimeout}`;
  if (l.finHardTimeout) s += `,fin_hard_timeout=${l.finHardTimeout}`;
  if (l.priority !== 32768) s += `,priority=${l.priority}`;
  if (l.sendFlowRem) s += ",send_flow_rem";
  if (l.deleteLearned) s += ",delete_learned";
  if (l.cookie) s += `,cookie=${hex(l.cookie)}`;
  if (l.limit) s += `,limit=${l.limit}`;
  if (l.resultDst) s += `,result_dst=${formatSubfield(l.resultDst)}`;
  for (const sp of l.specs) {
    s += ",";
    switch (sp.kind) {
      case "match_imm":
        if (sp.dst.ofs === 0 && sp.dst.nBits === sp.dst.field.bits) {
          s += `${sp.dst.field.name}=${formatFieldValue(sp.dst.field, sp.value, allOnes(sp.dst.field.bits), opts.ports)}`;
        } else {
          s += `${formatSubfield(sp.dst)}=${hex(sp.value)}`;
        }
        break;
      case "match_field":
        s += formatSubfield(sp.dst);
        if (sp.src.field !== sp.dst.field || sp.src.ofs !== sp.dst.ofs) s += `=${formatSubfield(sp.src)}`;
        break;
      case "load_imm":
        s += `load:${hex(sp.value)}->${formatSubfield(sp.dst)}`;
        break;
      case "load_field":
        s += `load:${formatSubfield(sp.src)}->${formatSubfield(sp.dst)}`;
        break;
      case "output":
        s += `output:${formatSubfield(sp.src)}`;
        break;
    }
  }
  return s + ")";
}

// ---------------------------------------------------------------------------
// Encoding for an OpenFlow version.

type SetField = Extract<Action, { type: "set_field" }>;

const field = (name: string): FieldDef => fieldByName(name)!;

/** The set_field (whole field) a legacy action becomes in OpenFlow 1.2+, or the legacy form itself. */
function legacyFor(a: SetField, v: OfVersion): Action[] {
  const f = a.field;
  switch (f.legacyAction) {
    case "mod_nw_ttl":
      // OFPAT_SET_NW_TTL exists from OpenFlow 1.1 on; 1.0 uses a reg_load.
      return v >= 11 ? [a] : splitLoad({ ...a, raw: "load" });
    case "mod_nw_ecn":
      if (v === 10) return splitLoad({ ...a, raw: "load" });
      return v === 11 ? [a] : [{ ...a, raw: "set_field" }];
  }
  if (v < 12) return [a];
  switch (f.legacyAction) {
    case "mod_nw_tos":
      return [{ type: "set_field", field: field("ip_dscp"), value: a.value >> 2n, mask: wholeMask(field("ip_dscp")), raw: "set_field" }];
    case "mod_vlan_vid":
    case "mod_vlan_pcp": {
      const out: Action[] = a.pushVlan ? [{ type: "push_vlan", ethertype: 0x8100 }] : [];
      const vid = f.legacyAction === "mod_vlan_vid";
      const target = field(vid ? "vlan_vid" : "vlan_pcp");
      out.push({ type: "set_field", field: target, value: vid ? a.value | 0x1000n : a.value, mask: wholeMask(target), raw: "set_field" });
      return out;
    }
    default: {
      const { pushVlan: _p, ...rest } = a;
      return [{ ...rest, raw: "set_field" }];
    }
  }
}

/** `set_field_to_legacy_openflow`: a set_field sent over OpenFlow 1.0/1.1 (the mask is not carried). */
function setFieldToLegacy(a: SetField, v: OfVersion): Action[] {
  const legacy = (name: string, value: bigint): Action => {
    const f = field(name);
    return { type: "set_field", field: f, value, mask: wholeMask(f), raw: "legacy" };
  };
  switch (a.field.name) {
    case "vlan_tci":
      if (a.value & 0x1000n) return [legacy("dl_vlan", a.value & 0xfffn), legacy("dl_vlan_pcp", (a.value >> 13n) & 7n)];
      return [{ type: "pop_vlan", raw: v === 10 ? "strip_vlan" : "pop_vlan" }];
    case "vlan_vid": return [legacy("dl_vlan", a.value & 0xfffn)];
    case "vlan_pcp": return [legacy("dl_vlan_pcp", a.value)];
    case "eth_src": case "eth_dst": case "ip_src": case "ip_dst": case "nw_tos":
    case "tcp_src": case "tcp_dst": case "udp_src": case "udp_dst":
      return [legacy(a.field.name, a.value)];
    case "ip_dscp": return [legacy("nw_tos", (a.value << 2n) & 0xfcn)];
    case "nw_ecn": return legacyFor(legacy("nw_ecn", a.value) as SetField, v);
    default: return setFieldToNxast(a);
  }
}

/** `set_field_to_nxast`: reg_load segments, or NXAST_REG_LOAD2 for variable-length and header-less fields. */
function setFieldToNxast(a: SetField): Action[] {
  if (a.field.tlv || a.field.headerless || a.raw === "load2") return [{ ...a, raw: "load2" }];
  return splitLoad({ ...a, raw: "load" });
}

/** A reg_load as separate actions, one per `load:` segment (how the switch stores them). */
function splitLoad(a: SetField): Action[] {
  const segs = loadSegments(a.value, a.mask, a.field.bits);
  // A load of no bits at all is no action.
  if (segs.length === 0) return [];
  return segs.map((s) => {
    const mask = allOnes(s.n) << BigInt(s.ofs);
    return { ...a, value: a.value & mask, mask };
  });
}

/** `encode_SET_FIELD` and the legacy set actions. */
function encodeSetField(a: SetField, v: OfVersion): Action[] {
  if (a.raw === "legacy") return legacyFor(a, v);
  // OpenFlow 1.5 has only Set-Field, which carries any mask in one action.
  if (v >= 15) return [{ ...a, raw: "set_field" }];
  if (a.raw === "load") return splitLoad(a);
  if (a.raw === "load2") return [a];
  if (v < 12) return setFieldToLegacy(a, v);
  return a.mask === wholeMask(a.field) ? [a] : setFieldToNxast(a);
}

/**
 * The form an action takes after the switch encodes it for OpenFlow version
 * `v` and decodes it again (OVS remembers how each action arrived).
 * Installing applies this once with the install version; dumping applies it
 * again with the dump version. Some actions vanish (OpenFlow 1.0 has no
 * meter, clear_actions, write_actions or push_vlan) or become several.
 */
export function encodeFor(a: Action, v: OfVersion): Action[] {
  const r = encodeOne(a, v);
  return Array.isArray(r) ? r : [r as Action];
}

/** encodeFor without allocating for the common case: the action itself when it does not change. */
function encodeOne(a: Action, v: OfVersion): Action | readonly Action[] {
  switch (a.type) {
    case "set_field":
      if (a.raw === "set_field" && v >= 12 && (v >= 15 || a.mask === wholeMask(a.field))) return a;
      return encodeSetField(a, v);
    case "goto_table":
      return v === 10 ? { type: "resubmit", port: OFPP_IN_PORT, table: a.table, ct: false } : a;
    case "pop_vlan": {
      const raw = v === 10 ? "strip_vlan" : "pop_vlan";
      return a.raw === raw ? a : { type: "pop_vlan", raw };
    }
    case "push_vlan":
    case "meter":
    case "clear_actions":
      return v === 10 ? [] : a;
    case "write_actions":
      return v === 10 ? [] : { ...a, actions: encodeActionsFor(a.actions, v) };
    case "ct":
      return a.exec.length ? { ...a, exec: encodeActionsFor(a.exec, v) } : a;
    case "output":
      return a.port === OFPP_CONTROLLER && a.maxLen === undefined ? { type: "controller", maxLen: 0xffff } : a;
    default:
      return a;
  }
}

export function encodeActionsFor(actions: readonly Action[], v: OfVersion): Action[] {
  const out: Action[] = [];
  for (const a of actions) {
    const r = encodeOne(a, v);
    if (Array.isArray(r)) out.push(...(r as readonly Action[]));
    else out.push(r as Action);
  }
  return out;
}

/**
 * Whether the actions, encoded for version `v`, decode again: OpenFlow 1.0
 * carries write_metadata as an ordinary action, and an action after it then
 * breaks the instruction order (ovs-ofctl's dump fails with
 * OFPBAC_UNSUPPORTED_ORDER). Returns the OpenFlow error name, if any.
 */
export function decodeError(actions: readonly Action[], v: OfVersion): string | undefined {
  if (v !== 10) return undefined;
  const encoded = encodeActionsFor(actions, v);
  const i = encoded.findIndex((a) => a.type === "write_metadata");
  return i >= 0 && i < encoded.length - 1 ? "OFPBAC_UNSUPPORTED_ORDER" : undefined;
}
