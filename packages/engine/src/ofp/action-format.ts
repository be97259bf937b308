/**
 * Prints actions as `ovs-ofctl` does (lib/ofp-actions.c `format_*`), and
 * re-encodes them for an OpenFlow version the way the switch does when a flow
 * is installed or dumped (`encode_SET_FIELD`, `encode_GOTO_TABLE`, …).
 */
import { allOnes } from "./fields.ts";
import { formatSubfield } from "./subfield.ts";
import { formatFieldValue, formatIpv4, formatIpv6, formatPort, hex, OFPP_IN_PORT, OFPP_MAX, type PortResolver } from "./values.ts";
import { NO_TABLE, type Action, type LearnSpec, type NatSpec, type OfVersion } from "./actions.ts";

export interface ActionFormatOptions {
  ports?: PortResolver;
}

/** `ofpacts_format`: the action list joined with commas; empty prints `drop`. */
export function formatActions(actions: readonly Action[], opts: ActionFormatOptions = {}): string {
  if (actions.length === 0) return "drop";
  return actions.map((a) => formatAction(a, opts)).join(",");
}

function loadSegments(value: bigint, mask: bigint, bits: number): { ofs: number; n: number; v: bigint }[] {
  const segs: { ofs: number; n: number; v: bigint }[] = [];
  let i = 0;
  while (i < bits) {
    if (((mask >> BigInt(i)) & 1n) === 0n) { i++; continue; }
    let j = i;
    while (j < bits && ((mask >> BigInt(j)) & 1n) === 1n) j++;
    const n = j - i;
    segs.push({ ofs: i, n, v: (value >> BigInt(i)) & allOnes(n) });
    i = j;
  }
  return segs;
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
      const full = a.mask === allOnes(f.bits);
      const v = formatFieldValue(f, a.value, allOnes(f.bits), opts.ports);
      return full ? `set_field:${v}->${f.name}` : `set_field:${v}/${formatFieldValue(f, a.mask, allOnes(f.bits), opts.ports)}->${f.name}`;
    }
    case "move":
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case "dec_ttl":
      return a.ids && !(a.ids.length === 1 && a.ids[0] === 0) ? `dec_ttl(${a.ids.join(",")})` : "dec_ttl";
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
      if (a.alg !== undefined) s += a.alg === 21 ? "alg=ftp," : a.alg === 69 ? "alg=tftp," : `alg=${a.alg},`;
      if (s.endsWith(",")) s = s.slice(0, -1);
      return s + ")";
    }
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

export function formatNat(n: NatSpec): string {
  if (!n.kind) return "nat";
  let s = `nat(${n.kind}`;
  if (n.addrMin !== undefined) {
    const fmt = n.ipv6 ? formatIpv6 : formatIpv4;
    s += "=";
    if (n.ipv6 && n.portMin) s += `[${fmt(n.addrMin)}]`;
    else s += fmt(n.addrMin);
    if (n.addrMax !== undefined && n.addrMax !== n.addrMin && n.addrMax !== 0n) {
      s += n.ipv6 && n.portMin ? `-[${fmt(n.addrMax)}]` : `-${fmt(n.addrMax)}`;
    }
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

function hexBytes(v: bigint): string {
  return hex(v);
}

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
  for (const sp of l.specs) {
    s += ",";
    switch (sp.kind) {
      case "match_imm":
        if (sp.dst.ofs === 0 && sp.dst.nBits === sp.dst.field.bits) {
          s += `${sp.dst.field.name}=${formatFieldValue(sp.dst.field, sp.value, allOnes(sp.dst.field.bits), opts.ports)}`;
        } else {
          s += `${formatSubfield(sp.dst)}=${hexBytes(sp.value)}`;
        }
        break;
      case "match_field":
        s += formatSubfield(sp.dst);
        if (sp.src.field !== sp.dst.field || sp.src.ofs !== sp.dst.ofs) s += `=${formatSubfield(sp.src)}`;
        break;
      case "load_imm":
        s += `load:${hexBytes(sp.value)}->${formatSubfield(sp.dst)}`;
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

/**
 * The form an action takes after the switch encodes it for OpenFlow version
 * `v` and decodes it again (OVS remembers how each action arrived).
 * Installing applies this once with the install version; dumping applies it
 * again with the dump version.
 */
export function encodeFor(a: Action, v: OfVersion): Action {
  switch (a.type) {
    case "set_field": {
      const full = a.mask === allOnes(a.field.bits);
      if (v >= 15) return a.raw === "set_field" ? a : { ...a, raw: "set_field" };
      if (a.raw === "load") return a;
      if (a.raw === "legacy") {
        return v < 12 ? a : { ...a, raw: "set_field" };
      }
      // raw set_field
      if (v < 12) return full && a.field.legacyAction && legacyEncodable(a.field.name) ? { ...a, raw: "legacy" } : { ...a, raw: "load" };
      return full ? a : { ...a, raw: "load" };
    }
    case "goto_table":
      return v === 10 ? { type: "resubmit", port: OFPP_IN_PORT, table: a.table, ct: false } : a;
    case "pop_vlan":
      return { type: "pop_vlan", raw: v === 10 ? "strip_vlan" : "pop_vlan" };
    case "ct":
      return { ...a, exec: a.exec.map((x) => encodeFor(x, v)) };
    case "write_actions":
      return { ...a, actions: a.actions.map((x) => encodeFor(x, v)) };
    default:
      return a;
  }
}

/** Fields with an OpenFlow 1.0 legacy set action. */
function legacyEncodable(name: string): boolean {
  return ["eth_src", "eth_dst", "ip_src", "ip_dst", "nw_tos", "tcp_src", "tcp_dst", "udp_src", "udp_dst", "dl_vlan", "dl_vlan_pcp"].includes(name);
}

export function encodeActionsFor(actions: readonly Action[], v: OfVersion): Action[] {
  return actions.map((a) => encodeFor(a, v));
}
