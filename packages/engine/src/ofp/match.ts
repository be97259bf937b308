/**
 * A match: per-slot value and mask (mask 0 = wildcarded), with OVS's
 * prerequisite normalization and `match_format` printing order.
 */
import {
  allOnes, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLSM, ETH_TYPE_RARP,
  field, FIELDS, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
  SLOT, SLOT_BITS, SLOT_COUNT, type FieldDef,
} from "./fields.ts";
import {
  formatFieldValue, formatFlags, formatFlagsMasked, formatPort, hex, type PortResolver,
} from "./values.ts";
import { CT_STATE_FLAGS, TCP_FLAGS, TUN_FLAGS } from "./fields.ts";

export interface Match {
  readonly values: readonly bigint[];
  readonly masks: readonly bigint[];
}

export function emptyMatch(): { values: bigint[]; masks: bigint[] } {
  return { values: new Array<bigint>(SLOT_COUNT).fill(0n), masks: new Array<bigint>(SLOT_COUNT).fill(0n) };
}

/** Reads a field from slot values. */
export function readField(values: readonly bigint[], f: FieldDef): bigint {
  if (f.slots.length > 1) {
    let v = 0n;
    for (const s of f.slots) v = (v << BigInt(SLOT_BITS[s]!)) | values[s]!;
    return v;
  }
  return (values[f.slots[0]!]! >> BigInt(f.ofs)) & allOnes(f.bits);
}

/** Writes `value` under `mask` (both in field coordinates) into slot values. */
export function writeField(values: bigint[], f: FieldDef, value: bigint, mask: bigint): void {
  if (f.slots.length > 1) {
    let shift = 0;
    for (let i = f.slots.length - 1; i >= 0; i--) {
      const s = f.slots[i]!;
      const w = SLOT_BITS[s]!;
      const m = (mask >> BigInt(shift)) & allOnes(w);
      const v = (value >> BigInt(shift)) & allOnes(w);
      values[s] = (values[s]! & ~m) | (v & m);
      shift += w;
    }
    return;
  }
  const s = f.slots[0]!;
  const width = SLOT_BITS[s]!;
  const m = (mask & allOnes(f.bits)) << BigInt(f.ofs);
  const v = (value << BigInt(f.ofs)) & m;
  values[s] = ((values[s]! & ~m) | v) & allOnes(width);
}

/**
 * Sets a field in a mutable match (value and mask in field coordinates), as
 * OVS's `mf_set` does: only the bits the field really matches (`matchMask`;
 * nw_tos leaves the ECN bits alone), the whole slot for ICMP type/code, and
 * the VLAN CFI bit for dl_vlan/dl_vlan_pcp. dl_vlan=0xffff (OpenFlow 1.0's
 * "no VLAN") matches packets without a VLAN header.
 */
export function setMatchField(m: { values: bigint[]; masks: bigint[] }, f: FieldDef, value: bigint, mask: bigint): void {
  if (f.matchCfi && f.ofs === 0 && mask !== 0n && value === 0xffffn) {
    m.masks[I.vlan_tci] = 0xffffn;
    m.values[I.vlan_tci] = 0n;
    return;
  }
  mask &= f.matchMask;
  if (f.matchWide && mask !== 0n) {
    const s = f.slots[0]!;
    m.masks[s] = allOnes(SLOT_BITS[s]!);
    m.values[s] = value & allOnes(f.bits);
    return;
  }
  // The mask replaces the field's bits; the value is kept only under the mask.
  writeField(m.masks, f, mask, allOnes(f.bits));
  writeField(m.values, f, value & mask, allOnes(f.bits));
  if (f.matchCfi && mask !== 0n) {
    m.masks[I.vlan_tci] = m.masks[I.vlan_tci]! | VLAN_CFI;
    m.values[I.vlan_tci] = m.values[I.vlan_tci]! | VLAN_CFI;
  }
}

const VLAN_CFI = 0x1000n;

/** `match_set_default_packet_type`: the match requires an Ethernet packet (packet_type 0). */
export function setEthernetPacketType(m: { values: bigint[]; masks: bigint[] }): void {
  m.masks[I.packet_type] = 0xffffffffn;
  m.values[I.packet_type] = 0n;
}

/** The field's mask within a match (field coordinates). */
export function fieldMask(m: Match, f: FieldDef): bigint {
  return readField(m.masks, f);
}

const S = SLOT as Readonly<Record<string, number>>;
const I = {
  dl_type: S.dl_type!, nw_proto: S.nw_proto!, nw_src: S.nw_src!, nw_dst: S.nw_dst!, tp_src: S.tp_src!,
  tp_dst: S.tp_dst!, nw_tos: S.nw_tos!, nw_ttl: S.nw_ttl!, arp_sha: S.arp_sha!, arp_tha: S.arp_tha!,
  ipv6_src: S.ipv6_src!, ipv6_dst: S.ipv6_dst!, ipv6_label: S.ipv6_label!, nw_frag: S.nw_frag!, tcp_flags: S.tcp_flags!,
  ct_state: S.ct_state!, ct_zone: S.ct_zone!, ct_mark: S.ct_mark!, ct_label: S.ct_label!, ct_nw_src: S.ct_nw_src!,
  ct_nw_dst: S.ct_nw_dst!, ct_nw_proto: S.ct_nw_proto!, ct_tp_src: S.ct_tp_src!, ct_tp_dst: S.ct_tp_dst!,
  in_port: S.in_port!, vlan_tci: S.vlan_tci!, dl_src: S.dl_src!, dl_dst: S.dl_dst!, metadata: S.metadata!,
  pkt_mark: S.pkt_mark!, recirc_id: S.recirc_id!, dp_hash: S.dp_hash!, conj_id: S.conj_id!, skb_priority: S.skb_priority!,
  actset_output: S.actset_output!, tun_id: S.tun_id!, tun_src: S.tun_src!, tun_dst: S.tun_dst!, tun_flags: S.tun_flags!,
  tun_tos: S.tun_tos!, tun_ttl: S.tun_ttl!, tun_gbp_id: S.tun_gbp_id!, tun_gbp_flags: S.tun_gbp_flags!,
  tun_metadata0: S.tun_metadata0!, packet_type: S.packet_type!,
};
export const SLOT_INDEX = I;
const REG0 = S.reg0!;

/**
 * OVS's `ofputil_normalize_match`: drops matches on fields whose
 * prerequisites the match does not establish. Returns true if it changed.
 */
export function normalizeMatch(m: { values: bigint[]; masks: bigint[] }): boolean {
  const dlTypeKnown = m.masks[I.dl_type] === 0xffffn;
  const dlType = dlTypeKnown ? m.values[I.dl_type]! : -1n;
  const proto = m.masks[I.nw_proto] === 0xffn ? m.values[I.nw_proto]! : -1n;
  let nwProto = false, ipvx = false, nwAddr = false, tpAddr = false, arpSha = false, arpTha = false, ipv6 = false;
  if (dlType === ETH_TYPE_IP) {
    nwProto = ipvx = nwAddr = true;
    tpAddr = proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_SCTP || proto === IPPROTO_ICMP;
  } else if (dlType === ETH_TYPE_IPV6) {
    nwProto = ipvx = ipv6 = true;
    tpAddr = proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_SCTP || proto === IPPROTO_ICMPV6;
  } else if (dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP) {
    nwProto = nwAddr = arpSha = arpTha = true;
  }
  let changed = false;
  const clear = (...slots: number[]) => {
    for (const s of slots) {
      if (m.masks[s] !== 0n) {
        m.masks[s] = 0n;
        m.values[s] = 0n;
        changed = true;
      }
    }
  };
  if (!nwAddr) clear(I.nw_src, I.nw_dst);
  if (!tpAddr) clear(I.tp_src, I.tp_dst);
  if (!nwProto) clear(I.nw_proto);
  if (!ipvx) clear(I.nw_tos, I.nw_ttl);
  if (!arpSha) clear(I.arp_sha);
  if (!arpTha) clear(I.arp_tha);
  if (!ipv6) clear(I.ipv6_src, I.ipv6_dst);
  // OVS keeps ipv6_label on an IPv4 match (and puts it on the wire, where the
  // switch refuses it); only a non-IP match loses it.
  if (!ipvx) clear(I.ipv6_label);
  return changed;
}

/** The field names match_format prints for the protocol shorthand, or undefined. */
function protocolShorthand(m: Match, ovs214: boolean): { name: string; skipType: boolean; skipProto: boolean } {
  if (m.masks[I.dl_type] === 0n) return { name: "", skipType: false, skipProto: false };
  const t = m.values[I.dl_type]!;
  const protoMasked = m.masks[I.nw_proto] !== 0n;
  const p = m.values[I.nw_proto]!;
  if (t === ETH_TYPE_IP) {
    if (protoMasked) {
      if (p === IPPROTO_ICMP) return { name: "icmp", skipType: true, skipProto: true };
      if (p === IPPROTO_IGMP && ovs214) return { name: "igmp", skipType: true, skipProto: true };
      if (p === IPPROTO_TCP) return { name: "tcp", skipType: true, skipProto: true };
      if (p === IPPROTO_UDP) return { name: "udp", skipType: true, skipProto: true };
      if (p === IPPROTO_SCTP) return { name: "sctp", skipType: true, skipProto: true };
    }
    return { name: "ip", skipType: true, skipProto: false };
  }
  if (t === ETH_TYPE_IPV6) {
    if (protoMasked) {
      if (p === IPPROTO_ICMPV6) return { name: "icmp6", skipType: true, skipProto: true };
      if (p === IPPROTO_TCP) return { name: "tcp6", skipType: true, skipProto: true };
      if (p === IPPROTO_UDP) return { name: "udp6", skipType: true, skipProto: true };
      if (p === IPPROTO_SCTP) return { name: "sctp6", skipType: true, skipProto: true };
    }
    return { name: "ipv6", skipType: true, skipProto: false };
  }
  if (t === ETH_TYPE_ARP) return { name: "arp", skipType: true, skipProto: false };
  if (t === ETH_TYPE_RARP) return { name: "rarp", skipType: true, skipProto: false };
  if (t === ETH_TYPE_MPLS) return { name: "mpls", skipType: true, skipProto: false };
  if (t === ETH_TYPE_MPLSM) return { name: "mplsm", skipType: true, skipProto: false };
  return { name: "", skipType: false, skipProto: false };
}

export interface MatchFormatOptions {
  ports?: PortResolver;
  /** Print `priority=N` first (omitted when N is 32768). */
  priority?: number;
  /** OVS 2.14 printing (igmp shorthand). */
  ovs214?: boolean;
}

function u32Masked(out: string[], name: string, v: bigint, m: bigint, bits = 32): void {
  if (m === 0n) return;
  out.push(m === allOnes(bits) ? `${name}=${hex(v)}` : `${name}=${hex(v)}/${hex(m)}`);
}

/** `format_be16_masked` / `format_uint16_masked`: decimal, or `0x%x/0x%x` when masked. */
function decMasked16(out: string[], name: string, v: bigint, m: bigint): void {
  if (m === 0n) return;
  out.push(m === 0xffffn ? `${name}=${v}` : `${name}=0x${v.toString(16)}/0x${m.toString(16)}`);
}

const F = {
  ipv4: field("nw_src"), ipv6: field("ipv6_src"), mac: field("dl_src"), ctLabel: field("ct_label"),
};

function ipMasked(out: string[], name: string, v: bigint, m: bigint): void {
  if (m === 0n) return;
  out.push(`${name}=${formatFieldValue(F.ipv4, v, m)}`);
}
function ipv6Masked(out: string[], name: string, v: bigint, m: bigint): void {
  if (m === 0n) return;
  out.push(`${name}=${formatFieldValue(F.ipv6, v, m)}`);
}
function ethMasked(out: string[], name: string, v: bigint, m: bigint): void {
  if (m === 0n) return;
  out.push(`${name}=${formatFieldValue(F.mac, v, m)}`);
}

/** `match_format` (lib/match.c): the match as ovs-ofctl prints it, without trailing comma. */
export function formatMatch(m: Match, opts: MatchFormatOptions = {}): string {
  const out: string[] = [];
  const v = m.values, k = m.masks;
  if (opts.priority !== undefined && opts.priority !== 32768) out.push(`priority=${opts.priority}`);
  u32Masked(out, "pkt_mark", v[I.pkt_mark]!, k[I.pkt_mark]!);
  u32Masked(out, "recirc_id", v[I.recirc_id]!, k[I.recirc_id]!);
  u32Masked(out, "dp_hash", v[I.dp_hash]!, k[I.dp_hash]!);
  if (k[I.conj_id]) out.push(`conj_id=${v[I.conj_id]}`);
  if (k[I.skb_priority]) out.push(`skb_priority=${hex(v[I.skb_priority]!)}`);
  if (k[I.actset_output]) out.push(`actset_output=${formatPort(Number(v[I.actset_output]), opts.ports)}`);
  if (k[I.ct_state]) {
    out.push(
      k[I.ct_state] === 0xffffffffn
        ? `ct_state=${formatFlags(v[I.ct_state]!, CT_STATE_FLAGS, "|")}`
        : `ct_state=${formatFlagsMasked(v[I.ct_state]!, k[I.ct_state]!, CT_STATE_FLAGS)}`,
    );
  }
  decMasked16(out, "ct_zone", v[I.ct_zone]!, k[I.ct_zone]!);
  u32Masked(out, "ct_mark", v[I.ct_mark]!, k[I.ct_mark]!);
  if (k[I.ct_label]) out.push(`ct_label=${formatFieldValue(F.ctLabel, v[I.ct_label]!, k[I.ct_label]!)}`);
  ipMasked(out, "ct_nw_src", v[I.ct_nw_src]!, k[I.ct_nw_src]!);
  ipMasked(out, "ct_nw_dst", v[I.ct_nw_dst]!, k[I.ct_nw_dst]!);
  if (k[I.ct_nw_proto]) {
    out.push(`ct_nw_proto=${v[I.ct_nw_proto]}`);
    decMasked16(out, "ct_tp_src", v[I.ct_tp_src]!, k[I.ct_tp_src]!);
    decMasked16(out, "ct_tp_dst", v[I.ct_tp_dst]!, k[I.ct_tp_dst]!);
  }
  const sh = protocolShorthand(m, opts.ovs214 ?? false);
  if (sh.name) out.push(sh.name);
  for (let r = 0; r < 16; r++) u32Masked(out, `reg${r}`, v[REG0 + r]!, k[REG0 + r]!);
  formatTunnelMatch(out, m);
  u32Masked(out, "metadata", v[I.metadata]!, k[I.metadata]!, 64);
  if (k[I.in_port]) out.push(`in_port=${formatPort(Number(v[I.in_port]), opts.ports)}`);
  formatVlan(out, v[I.vlan_tci]!, k[I.vlan_tci]!);
  ethMasked(out, "dl_src", v[I.dl_src]!, k[I.dl_src]!);
  ethMasked(out, "dl_dst", v[I.dl_dst]!, k[I.dl_dst]!);
  if (!sh.skipType && k[I.dl_type]) out.push(`dl_type=0x${v[I.dl_type]!.toString(16).padStart(4, "0")}`);
  const dlType = k[I.dl_type] ? v[I.dl_type]! : -1n;
  const isArp = dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP;
  if (dlType === ETH_TYPE_IPV6) {
    ipv6Masked(out, "ipv6_src", v[I.ipv6_src]!, k[I.ipv6_src]!);
    ipv6Masked(out, "ipv6_dst", v[I.ipv6_dst]!, k[I.ipv6_dst]!);
    if (k[I.ipv6_label]) {
      out.push(
        k[I.ipv6_label] === 0xfffffn
          ? `ipv6_label=0x${v[I.ipv6_label]!.toString(16).padStart(5, "0")}`
          : `ipv6_label=0x${v[I.ipv6_label]!.toString(16).padStart(5, "0")}/0x${k[I.ipv6_label]!.toString(16).padStart(5, "0")}`,
      );
    }
  } else if (isArp) {
    ipMasked(out, "arp_spa", v[I.nw_src]!, k[I.nw_src]!);
    ipMasked(out, "arp_tpa", v[I.nw_dst]!, k[I.nw_dst]!);
  } else {
    ipMasked(out, "nw_src", v[I.nw_src]!, k[I.nw_src]!);
    ipMasked(out, "nw_dst", v[I.nw_dst]!, k[I.nw_dst]!);
  }
  if (!sh.skipProto && k[I.nw_proto]) out.push(isArp ? `arp_op=${v[I.nw_proto]}` : `nw_proto=${v[I.nw_proto]}`);
  if (isArp) {
    ethMasked(out, "arp_sha", v[I.arp_sha]!, k[I.arp_sha]!);
    ethMasked(out, "arp_tha", v[I.arp_tha]!, k[I.arp_tha]!);
  }
  if (k[I.nw_tos]! & 0xfcn) out.push(`nw_tos=${v[I.nw_tos]! & 0xfcn}`);
  if (k[I.nw_tos]! & 0x03n) out.push(`nw_ecn=${v[I.nw_tos]! & 0x03n}`);
  if (k[I.nw_ttl]) out.push(`nw_ttl=${v[I.nw_ttl]}`);
  const fm = k[I.nw_frag]!, fv = v[I.nw_frag]!;
  if (fm === 3n) out.push(`nw_frag=${fv & 1n ? (fv & 2n ? "later" : "first") : fv & 2n ? "<error>" : "no"}`);
  else if (fm === 1n) out.push(`nw_frag=${fv & 1n ? "yes" : "no"}`);
  else if (fm === 2n) out.push(`nw_frag=${fv & 2n ? "later" : "not_later"}`);
  const proto = v[I.nw_proto]!;
  if (dlType === ETH_TYPE_IP && proto === IPPROTO_ICMP) {
    decMasked16(out, "icmp_type", v[I.tp_src]!, k[I.tp_src]!);
    decMasked16(out, "icmp_code", v[I.tp_dst]!, k[I.tp_dst]!);
  } else if (dlType === ETH_TYPE_IP && proto === IPPROTO_IGMP && opts.ovs214) {
    decMasked16(out, "igmp_type", v[I.tp_src]!, k[I.tp_src]!);
    decMasked16(out, "igmp_code", v[I.tp_dst]!, k[I.tp_dst]!);
  } else if (dlType === ETH_TYPE_IPV6 && proto === IPPROTO_ICMPV6) {
    decMasked16(out, "icmp_type", v[I.tp_src]!, k[I.tp_src]!);
    decMasked16(out, "icmp_code", v[I.tp_dst]!, k[I.tp_dst]!);
  } else {
    decMasked16(out, "tp_src", v[I.tp_src]!, k[I.tp_src]!);
    decMasked16(out, "tp_dst", v[I.tp_dst]!, k[I.tp_dst]!);
  }
  if ((dlType === ETH_TYPE_IP || dlType === ETH_TYPE_IPV6) && proto === IPPROTO_TCP && k[I.tcp_flags]) {
    const tm = k[I.tcp_flags]! & 0xfffn;
    out.push(
      tm === 0xfffn
        ? `tcp_flags=${formatFlags(v[I.tcp_flags]!, TCP_FLAGS, "|")}`
        : `tcp_flags=${formatFlagsMasked(v[I.tcp_flags]!, tm, TCP_FLAGS)}`,
    );
  }
  return out.join(",");
}

function formatTunnelMatch(out: string[], m: Match): void {
  const v = m.values, k = m.masks;
  u32Masked(out, "tun_id", v[I.tun_id]!, k[I.tun_id]!, 64);
  ipMasked(out, "tun_src", v[I.tun_src]!, k[I.tun_src]!);
  ipMasked(out, "tun_dst", v[I.tun_dst]!, k[I.tun_dst]!);
  if (k[I.tun_gbp_id]) decMasked16(out, "tun_gbp_id", v[I.tun_gbp_id]!, k[I.tun_gbp_id]!);
  if (k[I.tun_gbp_flags]) out.push(`tun_gbp_flags=${hex(v[I.tun_gbp_flags]!)}`);
  if (k[I.tun_tos]) out.push(`tun_tos=${v[I.tun_tos]}`);
  if (k[I.tun_ttl]) out.push(`tun_ttl=${v[I.tun_ttl]}`);
  // Only the public flags are matchable, so this is always the +flag/-flag form.
  if (k[I.tun_flags]! & 0x1n) out.push(`tun_flags=${formatFlagsMasked(v[I.tun_flags]!, k[I.tun_flags]! & 0x1n, TUN_FLAGS)}`);
  u32Masked(out, "tun_metadata0", v[I.tun_metadata0]!, k[I.tun_metadata0]!);
}

/** The VLAN part of `match_format`. */
function formatVlan(out: string[], tci: bigint, mask: bigint): void {
  if (!mask) return;
  const VID = 0x0fffn, PCP = 0xe000n;
  const vidMask = mask & VID, pcpMask = mask & PCP;
  if (
    mask & VLAN_CFI && tci & VLAN_CFI && (!vidMask || vidMask === VID) && (!pcpMask || pcpMask === PCP) && (vidMask || pcpMask)
  ) {
    if (vidMask) out.push(`dl_vlan=${tci & VID}`);
    if (pcpMask) out.push(`dl_vlan_pcp=${(tci & PCP) >> 13n}`);
    return;
  }
  const h = (x: bigint) => x.toString(16).padStart(4, "0");
  out.push(mask === 0xffffn ? `vlan_tci=0x${h(tci)}` : `vlan_tci=0x${h(tci)}/0x${h(mask)}`);
}

/** A string key of the match's mask; flows with equal keys share an OVS subtable. */
export function maskSignature(m: Match): string {
  let s = "";
  for (let i = 0; i < SLOT_COUNT; i++) {
    const x = m.masks[i]!;
    if (x !== 0n) s += i + ":" + x.toString(16) + ";";
  }
  return s;
}

export function matchesEqual(a: Match, b: Match): boolean {
  for (let i = 0; i < SLOT_COUNT; i++) {
    if (a.masks[i] !== b.masks[i] || a.values[i] !== b.values[i]) return false;
  }
  return true;
}

/** True if packet slot values satisfy the match. */
export function matchesPacket(m: Match, values: readonly bigint[]): boolean {
  for (let i = 0; i < SLOT_COUNT; i++) {
    const k = m.masks[i]!;
    if (k !== 0n && (values[i]! & k) !== m.values[i]) return false;
  }
  return true;
}

/** Fields whose slots the match constrains, in registry order (used for field-existence checks). */
export function fieldsInMatch(m: Match): FieldDef[] {
  return FIELDS.filter((f) => readField(m.masks, f) !== 0n);
}
