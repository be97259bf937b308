/**
 * Packets as `ofproto/trace` sees them: a `struct flow` made of the match
 * slots (ofp/fields.ts SLOT) plus a few hidden fields that OpenFlow cannot
 * match but that OVS carries and prints (the tunnel's UDP ports and IPv6
 * addresses, the VLAN TPIDs and the second VLAN header).
 *
 * - `parseTraceFlow` reads the flow argument of `ofproto/trace` with OVS's
 *   `parse_ofp_exact_flow` semantics (lib/ofp-flow.c): unspecified fields
 *   are 0, prerequisites are checked left to right (so `tp_dst` is the TCP
 *   alias and needs `tcp` before it), and errors are worded as OVS words them.
 * - `formatFlow` is OVS's `flow_format` (lib/flow.c): `match_format` of an
 *   exact match from `flow_wildcards_init_for_packet`, minus the zero-valued
 *   context fields.
 */
import { OfpError } from "../ofp/errors.ts";
import {
  allOnes, CT_STATE_FLAGS, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLSM,
  ETH_TYPE_RARP, fieldByName, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP,
  IPPROTO_UDP, SLOT, SLOT_COUNT, TCP_FLAGS, TUN_FLAGS_ALL, type FieldDef, type Prereq,
} from "../ofp/fields.ts";
import { readField, writeField } from "../ofp/match.ts";
import {
  formatFlags, formatIpv4, formatIpv6, formatMac, formatPort, hex, parseFieldValue, type PortResolver,
} from "../ofp/values.ts";

/** Slot indices of the match fields (same numbers as ofp/fields.ts SLOT). */
export const P = {
  tun_id: SLOT.tun_id!, tun_src: SLOT.tun_src!, tun_dst: SLOT.tun_dst!, tun_flags: SLOT.tun_flags!,
  tun_tos: SLOT.tun_tos!, tun_ttl: SLOT.tun_ttl!, tun_gbp_id: SLOT.tun_gbp_id!, tun_gbp_flags: SLOT.tun_gbp_flags!,
  tun_metadata0: SLOT.tun_metadata0!,
  metadata: SLOT.metadata!, pkt_mark: SLOT.pkt_mark!, recirc_id: SLOT.recirc_id!, dp_hash: SLOT.dp_hash!,
  conj_id: SLOT.conj_id!, skb_priority: SLOT.skb_priority!, in_port: SLOT.in_port!, actset_output: SLOT.actset_output!,
  ct_state: SLOT.ct_state!, ct_zone: SLOT.ct_zone!, ct_mark: SLOT.ct_mark!, ct_label: SLOT.ct_label!,
  ct_nw_src: SLOT.ct_nw_src!, ct_nw_dst: SLOT.ct_nw_dst!, ct_nw_proto: SLOT.ct_nw_proto!,
  ct_tp_src: SLOT.ct_tp_src!, ct_tp_dst: SLOT.ct_tp_dst!,
  dl_src: SLOT.dl_src!, dl_dst: SLOT.dl_dst!, dl_type: SLOT.dl_type!, vlan_tci: SLOT.vlan_tci!,
  nw_src: SLOT.nw_src!, nw_dst: SLOT.nw_dst!, ipv6_src: SLOT.ipv6_src!, ipv6_dst: SLOT.ipv6_dst!,
  ipv6_label: SLOT.ipv6_label!, nw_proto: SLOT.nw_proto!, nw_tos: SLOT.nw_tos!, nw_ttl: SLOT.nw_ttl!,
  nw_frag: SLOT.nw_frag!, arp_sha: SLOT.arp_sha!, arp_tha: SLOT.arp_tha!, tp_src: SLOT.tp_src!,
  tp_dst: SLOT.tp_dst!, tcp_flags: SLOT.tcp_flags!, reg0: SLOT.reg0!,
  // Hidden fields, after the match slots.
  tun_tp_src: SLOT_COUNT, tun_tp_dst: SLOT_COUNT + 1, tun_ipv6_src: SLOT_COUNT + 2, tun_ipv6_dst: SLOT_COUNT + 3,
  vlan0_tpid: SLOT_COUNT + 4, vlan1_tci: SLOT_COUNT + 5, vlan1_tpid: SLOT_COUNT + 6,
} as const;

/** Length of a packet's value array (match slots plus hidden fields). */
export const PACKET_LEN = SLOT_COUNT + 7;

/** OpenFlow port numbers the trace uses. */
export const OFPP_UNSET = 0xfff7n;
export const OFPP_NONE = 0xffffn;

export const CS_NEW = 0x01n, CS_EST = 0x02n, CS_REL = 0x04n, CS_RPL = 0x08n, CS_INV = 0x10n, CS_TRK = 0x20n;
export const CS_SNAT = 0x40n, CS_DNAT = 0x80n;

export const VLAN_CFI = 0x1000n;
export const FLOW_TNL_F_DONT_FRAGMENT = 0x2n, FLOW_TNL_F_CSUM = 0x4n, FLOW_TNL_F_KEY = 0x8n;

/** A packet (OVS's `struct flow`): one bigint per slot, hidden fields last. */
export type Packet = bigint[];

export function emptyPacket(): Packet {
  return new Array<bigint>(PACKET_LEN).fill(0n);
}

export function isVlanTpid(t: bigint): boolean {
  return t === 0x8100n || t === 0x88a8n;
}

/** `flow_fix_vlan_tpid`: a present first VLAN header without a TPID gets 0x8100. */
export function fixVlanTpid(p: Packet): void {
  if (p[P.vlan0_tpid] === 0n && (p[P.vlan_tci]! & VLAN_CFI) !== 0n) p[P.vlan0_tpid] = 0x8100n;
}

/** `mf_are_prereqs_ok` against a packet. */
export function packetPrereqsOk(prereq: Prereq, p: readonly bigint[]): boolean {
  const dl = p[P.dl_type]!;
  const ip4 = dl === ETH_TYPE_IP;
  const ipAny = ip4 || dl === ETH_TYPE_IPV6;
  const proto = p[P.nw_proto]!;
  const notLater = (p[P.nw_frag]! & 2n) === 0n;
  switch (prereq) {
    case "none": case "ct": case "l4": return true;
    case "arp": return dl === ETH_TYPE_ARP || dl === ETH_TYPE_RARP;
    case "ip": return ip4;
    case "ipv6": return dl === ETH_TYPE_IPV6;
    case "ip_any": return ipAny;
    case "tcp": return ipAny && proto === IPPROTO_TCP && notLater;
    case "udp": return ipAny && proto === IPPROTO_UDP && notLater;
    case "sctp": return ipAny && proto === IPPROTO_SCTP && notLater;
    case "icmpv4": return ip4 && proto === IPPROTO_ICMP && notLater;
    case "icmpv6": return dl === ETH_TYPE_IPV6 && proto === IPPROTO_ICMPV6 && notLater;
    case "vlan": return isVlanTpid(p[P.vlan0_tpid]!);
    // is_ct_valid() on an extracted flow: new, est or rpl must be set.
    case "ct_ip": return (p[P.ct_state]! & (CS_NEW | CS_EST | CS_RPL)) !== 0n;
    default:
      // MFP_CT_VALID (named "ct_valid" in newer field registries).
      if ((prereq as string) === "ct_valid") return (p[P.ct_state]! & (CS_NEW | CS_EST | CS_RPL)) !== 0n;
      return true;
  }
}

/**
 * Reads a field from a packet as `mf_get_value` does. Differs from
 * match.ts's readField only where OVS's field is not a plain bit range of
 * its slot (`nw_tos` is the DSCP bits of the TOS byte, in place).
 */
export function getField(p: readonly bigint[], f: FieldDef): bigint {
  if (f.name === "nw_tos") return p[P.nw_tos]! & 0xfcn;
  return readField(p, f);
}

/** Writes `value` under `mask` into a packet field as `mf_set_flow_value_masked` does. */
export function setField(p: Packet, f: FieldDef, value: bigint, mask: bigint): void {
  switch (f.name) {
    case "nw_tos":
      // Only the DSCP bits are writable.
      writeField(p, f, value, mask & 0xfcn);
      return;
    case "dl_vlan": {
      // OXM vlan_vid: sets the VID and marks the tag present.
      writeField(p, f, value, mask);
      if (mask !== 0n) p[P.vlan_tci] = p[P.vlan_tci]! | VLAN_CFI;
      fixVlanTpid(p);
      return;
    }
    case "dl_vlan_pcp":
      writeField(p, f, value, mask);
      p[P.vlan_tci] = p[P.vlan_tci]! | VLAN_CFI;
      fixVlanTpid(p);
      return;
    case "vlan_tci":
      writeField(p, f, value, mask);
      fixVlanTpid(p);
      return;
    default:
      writeField(p, f, value, mask);
  }
}

/** The keywords of `ofp_parse_protocol`. */
const PROTOCOLS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  ip: [ETH_TYPE_IP, 0n], ipv6: [ETH_TYPE_IPV6, 0n], icmp: [ETH_TYPE_IP, 1n], icmp6: [ETH_TYPE_IPV6, 58n],
  tcp: [ETH_TYPE_IP, 6n], tcp6: [ETH_TYPE_IPV6, 6n], udp: [ETH_TYPE_IP, 17n], udp6: [ETH_TYPE_IPV6, 17n],
  sctp: [ETH_TYPE_IP, 132n], sctp6: [ETH_TYPE_IPV6, 132n], arp: [ETH_TYPE_ARP, 0n], rarp: [ETH_TYPE_RARP, 0n],
  mpls: [ETH_TYPE_MPLS, 0n], mplsm: [ETH_TYPE_MPLSM, 0n], igmp: [ETH_TYPE_IP, 2n],
};

/** Splits a flow string the way `ofputil_parse_key_value` does (commas/spaces, nested parentheses). */
function keyValues(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  let i = 0;
  const n = text.length;
  const delim = (c: string) => c === "," || c === " " || c === "\t" || c === "\r" || c === "\n";
  for (;;) {
    while (i < n && delim(text[i]!)) i++;
    if (i >= n) return out;
    const start = i;
    while (i < n && !":=(, \t\r\n".includes(text[i]!)) i++;
    const key = text.slice(start, i);
    const sep = text[i];
    if (sep === "=" || sep === ":") {
      i++;
      const vs = i;
      let depth = 0;
      while (i < n) {
        const c = text[i]!;
        if (c === "(") depth++;
        else if (c === ")") {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && delim(c)) break;
        i++;
      }
      out.push({ key, value: text.slice(vs, i) });
    } else if (sep === "(") {
      i++;
      const vs = i;
      let depth = 1;
      while (i < n) {
        const c = text[i]!;
        if (c === "(") depth++;
        else if (c === ")" && --depth === 0) break;
        i++;
      }
      out.push({ key, value: text.slice(vs, i) });
      i++;
    } else {
      out.push({ key, value: "" });
    }
  }
}

/**
 * Parses the flow argument of `ofproto/trace` (`parse_ofp_exact_flow`).
 * Throws an OfpError whose message is what ovs-vswitchd replies, e.g.
 * `Bad openflow flow syntax: udp,tp_dst=53: prerequisites not met for setting tp_dst`.
 */
export function parseTraceFlow(text: string, ports?: PortResolver): Packet {
  const p = emptyPacket();
  const bad = (msg: string): never => {
    throw new OfpError(`Bad openflow flow syntax: ${text}: ${msg}`);
  };
  for (const { key, value } of keyValues(text)) {
    const proto = PROTOCOLS[key];
    if (proto) {
      if (p[P.dl_type] !== 0n) bad("Ethernet type set multiple times");
      p[P.dl_type] = proto[0];
      if (proto[1] !== 0n) {
        if (p[P.nw_proto] !== 0n) bad("network protocol set multiple times");
        p[P.nw_proto] = proto[1];
      }
      continue;
    }
    const f = fieldByName(key);
    if (!f) bad(`unknown field ${key}`);
    const fd = f!;
    if (!packetPrereqsOk(fd.prereq, p)) bad(`prerequisites not met for setting ${key}`);
    if (getField(p, fd) !== 0n) bad(`field ${key} set multiple times`);
    let v: bigint;
    try {
      const parsed = parseFieldValue(fd, value, ports);
      v = parsed.value;
    } catch (e) {
      if (e instanceof OfpError) bad(`bad value for ${key} (${e.message})`);
      throw e;
    }
    if (fd.name === "ip_frag") v &= 3n;
    setField(p, fd, v!, allOnes(fd.bits));
  }
  if (p[P.in_port] === 0n) p[P.in_port] = OFPP_NONE;
  return p;
}

export interface FlowFormatOptions {
  readonly ports?: PortResolver;
  /** OVS 2.14 prints IGMP as `igmp` with `igmp_type`/`igmp_code`. */
  readonly ovs214?: boolean;
}

function tunnelDstSet(p: readonly bigint[]): boolean {
  return p[P.tun_dst] !== 0n || p[P.tun_ipv6_dst] !== 0n;
}

/** `flow_format` (lib/flow.c): the packet as `Flow:`/`Final flow:` lines print it. */
export function formatFlow(p: readonly bigint[], opts: FlowFormatOptions = {}): string {
  const out: string[] = [];
  const v = (i: number) => p[i]!;
  const dlType = v(P.dl_type);
  const proto = v(P.nw_proto);
  const ip4 = dlType === ETH_TYPE_IP;
  const ip6 = dlType === ETH_TYPE_IPV6;
  const arp = dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP;
  const isMegaflow = v(P.recirc_id) !== 0n;

  if (v(P.pkt_mark)) out.push(`pkt_mark=${hex(v(P.pkt_mark))}`);
  if (v(P.recirc_id)) out.push(`recirc_id=${hex(v(P.recirc_id))}`);
  if (v(P.dp_hash)) out.push(`dp_hash=${hex(v(P.dp_hash))}`);
  if (v(P.conj_id)) out.push(`conj_id=${v(P.conj_id)}`);
  if (v(P.skb_priority)) out.push(`skb_priority=${hex(v(P.skb_priority))}`);
  if (v(P.ct_state)) out.push(`ct_state=${formatFlags(v(P.ct_state), CT_STATE_FLAGS, "|")}`);
  if (v(P.ct_zone)) out.push(`ct_zone=${v(P.ct_zone)}`);
  if (v(P.ct_mark)) out.push(`ct_mark=${hex(v(P.ct_mark))}`);
  if (v(P.ct_label)) out.push(`ct_label=${hex(v(P.ct_label))}`);
  // is_ct_valid() with a mask (flow_format's): a state bit, or trk without inv.
  const st = v(P.ct_state);
  const ctValid = (st & (CS_NEW | CS_EST | CS_REL | CS_RPL | CS_SNAT | CS_DNAT)) !== 0n || (st & (CS_TRK | CS_INV)) === CS_TRK;
  if (ctValid && v(P.ct_nw_proto) && (ip4 || ip6)) {
    if (ip4) out.push(`ct_nw_src=${formatIpv4(v(P.ct_nw_src))}`, `ct_nw_dst=${formatIpv4(v(P.ct_nw_dst))}`);
    out.push(`ct_nw_proto=${v(P.ct_nw_proto)}`, `ct_tp_src=${v(P.ct_tp_src)}`, `ct_tp_dst=${v(P.ct_tp_dst)}`);
  }
  if (isMegaflow) out.push("eth");

  let skipProto = false;
  let skipType = true;
  if (ip4) {
    if (proto === IPPROTO_ICMP) { out.push("icmp"); skipProto = true; }
    else if (proto === IPPROTO_IGMP && opts.ovs214) { out.push("igmp"); skipProto = true; }
    else if (proto === IPPROTO_TCP) { out.push("tcp"); skipProto = true; }
    else if (proto === IPPROTO_UDP) { out.push("udp"); skipProto = true; }
    else if (proto === IPPROTO_SCTP) { out.push("sctp"); skipProto = true; }
    else out.push("ip");
  } else if (ip6) {
    if (proto === IPPROTO_ICMPV6) { out.push("icmp6"); skipProto = true; }
    else if (proto === IPPROTO_TCP) { out.push("tcp6"); skipProto = true; }
    else if (proto === IPPROTO_UDP) { out.push("udp6"); skipProto = true; }
    else if (proto === IPPROTO_SCTP) { out.push("sctp6"); skipProto = true; }
    else out.push("ipv6");
  } else if (dlType === ETH_TYPE_ARP) out.push("arp");
  else if (dlType === ETH_TYPE_RARP) out.push("rarp");
  else if (dlType === ETH_TYPE_MPLS) out.push("mpls");
  else if (dlType === ETH_TYPE_MPLSM) out.push("mplsm");
  else skipType = false;

  for (let r = 0; r < 16; r++) {
    const x = v(P.reg0 + r);
    if (x) out.push(`reg${r}=${hex(x)}`);
  }
  if (tunnelDstSet(p)) {
    if (v(P.tun_flags) & FLOW_TNL_F_KEY) out.push(`tun_id=${hex(v(P.tun_id))}`);
    out.push(
      `tun_src=${formatIpv4(v(P.tun_src))}`,
      `tun_dst=${formatIpv4(v(P.tun_dst))}`,
      `tun_ipv6_src=${formatIpv6(v(P.tun_ipv6_src))}`,
      `tun_ipv6_dst=${formatIpv6(v(P.tun_ipv6_dst))}`,
      `tun_gbp_id=${v(P.tun_gbp_id)}`,
      `tun_gbp_flags=${hex(v(P.tun_gbp_flags))}`,
      `tun_tos=${v(P.tun_tos).toString(16)}`,
      `tun_ttl=${v(P.tun_ttl)}`,
      "tun_erspan_ver=0",
      "gtpu_flags=0",
      "gtpu_msgtype=0",
      `tun_flags=${formatFlags(v(P.tun_flags) & 0xfn, TUN_FLAGS_ALL, "|")}`,
    );
  } else if (v(P.tun_id)) {
    out.push(`tun_id=${hex(v(P.tun_id))}`);
  }
  if (v(P.metadata)) out.push(`metadata=${hex(v(P.metadata))}`);
  if (v(P.in_port)) out.push(`in_port=${formatPort(Number(v(P.in_port)), opts.ports)}`);
  formatVlans(out, p);
  out.push(`dl_src=${formatMac(v(P.dl_src))}`, `dl_dst=${formatMac(v(P.dl_dst))}`);
  if (!skipType) {
    out.push(`dl_type=0x${dlType.toString(16).padStart(4, "0")}`);
    return out.join(",");
  }
  if (ip6) {
    out.push(`ipv6_src=${formatIpv6(v(P.ipv6_src))}`, `ipv6_dst=${formatIpv6(v(P.ipv6_dst))}`);
    out.push(`ipv6_label=0x${v(P.ipv6_label).toString(16).padStart(5, "0")}`);
  } else if (arp) {
    out.push(`arp_spa=${formatIpv4(v(P.nw_src))}`, `arp_tpa=${formatIpv4(v(P.nw_dst))}`);
  } else if (ip4) {
    out.push(`nw_src=${formatIpv4(v(P.nw_src))}`, `nw_dst=${formatIpv4(v(P.nw_dst))}`);
  }
  if (arp) {
    out.push(`arp_op=${proto}`, `arp_sha=${formatMac(v(P.arp_sha))}`, `arp_tha=${formatMac(v(P.arp_tha))}`);
    return out.join(",");
  }
  if (!ip4 && !ip6) return out.join(",");
  if (!skipProto) out.push(`nw_proto=${proto}`);
  out.push(`nw_tos=${v(P.nw_tos) & 0xfcn}`, `nw_ecn=${v(P.nw_tos) & 3n}`, `nw_ttl=${v(P.nw_ttl)}`);
  const fv = v(P.nw_frag);
  out.push(`nw_frag=${fv & 1n ? (fv & 2n ? "later" : "first") : fv & 2n ? "<error>" : "no"}`);
  const l4 = (fv & 2n) === 0n && (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6 || proto === IPPROTO_TCP ||
    proto === IPPROTO_UDP || proto === IPPROTO_SCTP || proto === IPPROTO_IGMP);
  if (!l4) return out.join(",");
  if ((ip4 && proto === IPPROTO_ICMP) || (ip6 && proto === IPPROTO_ICMPV6)) {
    out.push(`icmp_type=${v(P.tp_src)}`, `icmp_code=${v(P.tp_dst)}`);
  } else if (ip4 && proto === IPPROTO_IGMP && opts.ovs214) {
    out.push(`igmp_type=${v(P.tp_src)}`, `igmp_code=${v(P.tp_dst)}`);
  } else {
    out.push(`tp_src=${v(P.tp_src)}`, `tp_dst=${v(P.tp_dst)}`);
  }
  if (proto === IPPROTO_TCP) out.push(`tcp_flags=${formatFlags(v(P.tcp_flags) & 0xfffn, TCP_FLAGS, "|")}`);
  return out.join(",");
}

function formatVlans(out: string[], p: readonly bigint[]): void {
  const hdrs: [bigint, bigint][] = [[p[P.vlan_tci]!, p[P.vlan0_tpid]!], [p[P.vlan1_tci]!, p[P.vlan1_tpid]!]];
  for (let i = 0; i < 2; i++) {
    if (i && !isVlanTpid(hdrs[i - 1]![1])) break;
    const tci = hdrs[i]![0];
    const sfx = i ? String(i) : "";
    if (tci & VLAN_CFI) {
      out.push(`dl_vlan${sfx}=${tci & 0xfffn}`, `dl_vlan_pcp${sfx}=${(tci >> 13n) & 7n}`);
    } else {
      out.push(`vlan_tci${sfx}=0x${tci.toString(16).padStart(4, "0")}`);
    }
  }
}

/** `flow_equal`: every field, hidden ones included. */
export function flowEqual(a: readonly bigint[], b: readonly bigint[]): boolean {
  for (let i = 0; i < PACKET_LEN; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `flow_clear_conntrack`. */
export function clearConntrack(p: Packet): void {
  p[P.ct_state] = 0n;
  p[P.ct_zone] = 0n;
  p[P.ct_mark] = 0n;
  p[P.ct_label] = 0n;
  p[P.ct_nw_src] = 0n;
  p[P.ct_nw_dst] = 0n;
  p[P.ct_nw_proto] = 0n;
  p[P.ct_tp_src] = 0n;
  p[P.ct_tp_dst] = 0n;
}

/**
 * Parses a `--ct-next` argument as `ofproto/trace` does (`parse_ct_state`:
 * flag names separated by commas or spaces) and validates it
 * (`validate_ct_state`). Throws an OfpError with OVS's message.
 */
export function parseCtState(text: string): bigint {
  let v = 0n;
  for (const name of text.split(/[, ]/)) {
    if (!name) continue;
    const bit = CT_STATE_FLAGS.find(([n]) => n === name)?.[1];
    if (bit === undefined) throw new OfpError(`${name}: unknown connection tracking state flag`);
    v |= bit;
  }
  const msgs: string[] = [];
  const str = formatFlags(v, CT_STATE_FLAGS, "|");
  if (v && !(v & CS_TRK)) msgs.push(`${str}: invalid connection state: If "trk" is unset, no other flags are set`);
  if (v & CS_INV && v & ~(CS_TRK | CS_INV)) msgs.push(`${str}: invalid connection state: when "inv" is set, only "trk" may also be set`);
  if (v & CS_NEW && v & CS_EST) msgs.push(`${str}: invalid connection state: "new" and "est" are mutually exclusive`);
  if (v & CS_NEW && v & CS_RPL) msgs.push(`${str}: invalid connection state: "new" and "rpy" are mutually exclusive`);
  if (msgs.length) throw new OfpError(msgs.join("\n"));
  return v;
}

export function formatCtState(state: bigint): string {
  return formatFlags(state, CT_STATE_FLAGS, "|");
}
