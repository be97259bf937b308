/**
 * The OpenFlow field registry.
 *
 * Like Open vSwitch, a packet's metadata and headers live in fixed "slots"
 * (struct flow); user-facing field names (`dl_src`, `arp_spa`, `tcp_dst`,
 * `xxreg0`, …) are views onto those slots with their own width, offset,
 * prerequisites, NXM name and text format. Several names share a slot the way
 * OVS shares them: `arp_spa` is `nw_src`, `arp_op` lives in `nw_proto`,
 * `icmp_type` in `tp_src`, and `xxreg0` spans reg0..reg3.
 */

export type SlotName =
  | "tun_id" | "tun_src" | "tun_dst" | "tun_flags" | "tun_tos" | "tun_ttl" | "tun_gbp_id" | "tun_gbp_flags"
  | "tun_metadata0"
  | "metadata" | "pkt_mark" | "recirc_id" | "dp_hash" | "conj_id" | "skb_priority" | "in_port" | "actset_output"
  | "ct_state" | "ct_zone" | "ct_mark" | "ct_label" | "ct_nw_src" | "ct_nw_dst" | "ct_nw_proto" | "ct_tp_src" | "ct_tp_dst"
  | "dl_src" | "dl_dst" | "dl_type" | "vlan_tci"
  | "nw_src" | "nw_dst" | "ipv6_src" | "ipv6_dst" | "ipv6_label" | "nw_proto" | "nw_tos" | "nw_ttl" | "nw_frag"
  | "arp_sha" | "arp_tha" | "tp_src" | "tp_dst" | "tcp_flags"
  | `reg${number}`
  | "packet_type";

export const SLOT_NAMES: readonly SlotName[] = [
  "tun_id", "tun_src", "tun_dst", "tun_flags", "tun_tos", "tun_ttl", "tun_gbp_id", "tun_gbp_flags", "tun_metadata0",
  "metadata", "pkt_mark", "recirc_id", "dp_hash", "conj_id", "skb_priority", "in_port", "actset_output",
  "ct_state", "ct_zone", "ct_mark", "ct_label", "ct_nw_src", "ct_nw_dst", "ct_nw_proto", "ct_tp_src", "ct_tp_dst",
  "dl_src", "dl_dst", "dl_type", "vlan_tci",
  "nw_src", "nw_dst", "ipv6_src", "ipv6_dst", "ipv6_label", "nw_proto", "nw_tos", "nw_ttl", "nw_frag",
  "arp_sha", "arp_tha", "tp_src", "tp_dst", "tcp_flags",
  ...Array.from({ length: 16 }, (_, i) => `reg${i}` as SlotName),
  // Not a field of the registry: OVS adds packet_type=Ethernet (value 0) to
  // the mask of any match on an L2+ field; it never prints, but it decides
  // which subtable (and so which dump position) a flow gets.
  "packet_type",
];

/** Slot index by name; flows and matches are arrays indexed by slot. */
export const SLOT: Readonly<Record<string, number>> = Object.fromEntries(SLOT_NAMES.map((n, i) => [n, i]));
export const SLOT_COUNT = SLOT_NAMES.length;

export const SLOT_BITS: readonly number[] = SLOT_NAMES.map((n) => {
  switch (n) {
    case "tun_id": case "metadata": return 64;
    case "ct_label": case "ipv6_src": case "ipv6_dst": return 128;
    case "dl_src": case "dl_dst": case "arp_sha": case "arp_tha": return 48;
    case "tun_flags": case "tun_gbp_id": case "ct_zone": case "dl_type": case "vlan_tci":
    case "ct_tp_src": case "ct_tp_dst": case "tp_src": case "tp_dst": case "tcp_flags": return 16;
    case "tun_tos": case "tun_ttl": case "tun_gbp_flags": case "ct_nw_proto": case "nw_proto": case "nw_tos":
    case "nw_ttl": case "nw_frag": return 8;
    case "ipv6_label": return 20;
    default: return 32;
  }
});

/** How a field's value is written and read in ovs-ofctl syntax. */
export type FieldFormat =
  | "hex" // %#x, zero prints as 0
  | "dec" // decimal; masked values print as hex/hex
  | "mac"
  | "ipv4"
  | "ipv6"
  | "port" // OpenFlow port number or name
  | "ct_state"
  | "tcp_flags"
  | "tun_flags"
  | "frag";

export const ETH_TYPE_IP = 0x0800n;
export const ETH_TYPE_ARP = 0x0806n;
export const ETH_TYPE_RARP = 0x8035n;
export const ETH_TYPE_IPV6 = 0x86ddn;
export const ETH_TYPE_MPLS = 0x8847n;
export const ETH_TYPE_MPLSM = 0x8848n;
export const IPPROTO_ICMP = 1n;
export const IPPROTO_IGMP = 2n;
export const IPPROTO_TCP = 6n;
export const IPPROTO_UDP = 17n;
export const IPPROTO_SCTP = 132n;
export const IPPROTO_ICMPV6 = 58n;

/** OVS's prerequisite classes (enum mf_prereqs); `ct_valid` is MFP_CT_VALID. */
export type Prereq =
  | "none" | "arp" | "ip" | "ipv6" | "ip_any" | "tcp" | "udp" | "sctp" | "icmpv4" | "icmpv6" | "vlan" | "ct"
  | "ct_ip" | "ct_valid" | "l4";

/** How a field can be matched in a plain OpenFlow 1.0 match (without NXM). */
export type Of10Match = "exact" | "cidr";

export interface FieldDef {
  /** OVS's canonical name, as printed by `set_field:…->NAME`. */
  readonly name: string;
  /** Other names accepted on input (`dl_src` for `eth_src`, …). */
  readonly aliases: readonly string[];
  /**
   * Name printed in `load:`/`move:` subfields, e.g. NXM_OF_ETH_SRC (the NXM
   * name when the field has one, else its OXM name, else its plain name).
   */
  readonly nxm: string;
  /** Other NXM/OXM names accepted in subfields (`OXM_OF_TCP_DST` for tcp_dst). */
  readonly oxm?: string;
  /** Slots the field is stored in, most significant first (several for xreg/xxreg). */
  readonly slots: readonly number[];
  /** Bit offset within a single slot (for nw_ecn, ip_dscp, …). */
  readonly ofs: number;
  readonly bits: number;
  /** Width in bytes on the wire (`value too large for N-byte field`). */
  readonly bytes: number;
  readonly format: FieldFormat;
  readonly prereq: Prereq;
  readonly maskable: boolean;
  /** Settable by set_field/load. */
  readonly writable: boolean;
  /** Name of the legacy action that prints for it (`mod_dl_src`, …). */
  readonly legacyAction?: string;
  /** Values a set_field accepts (`N is not a valid value for field F` otherwise). */
  readonly validMask: bigint;
  /** Bits of the field that a match sets (nw_tos matches only the DSCP bits). */
  readonly matchMask: bigint;
  /** A match sets the whole slot (icmp_type in the 16-bit tp_src). */
  readonly matchWide: boolean;
  /** A match also requires a VLAN header (sets the CFI bit), as dl_vlan does. */
  readonly matchCfi: boolean;
  /** The switch rejects a match value outside `validMask` (OFPBMC_BAD_VALUE) instead of truncating it. */
  readonly matchChecked: boolean;
  /** Plain OpenFlow 1.0 matching ability; undefined means NXM/OXM only. */
  readonly of10?: Of10Match;
  /** Also in OpenFlow 1.1's standard match (vlan_vid, vlan_pcp, metadata). */
  readonly of11: boolean;
  /** OVS has no NXM/OXM header for it (dl_vlan, dl_vlan_pcp). */
  readonly headerless: boolean;
  /** Variable-length field (tun_metadata): bytes parsed, and bytes kept by the switch. */
  readonly tlv?: { readonly maxBytes: number };
  /** No OpenFlow dialect can carry a match on it (skb_priority). */
  readonly unmatchable: boolean;
  /**
   * Matching it implies an Ethernet packet (OVS's `match_add_ethernet_prereq`:
   * L2 fields and every field with prerequisites).
   */
  readonly ethernet: boolean;
}

interface FieldSpec {
  name: string;
  aliases?: string[];
  nxm: string;
  oxm?: string;
  slot: SlotName | SlotName[];
  ofs?: number;
  bits?: number;
  bytes?: number;
  format: FieldFormat;
  prereq?: Prereq;
  maskable?: boolean;
  writable?: boolean;
  legacyAction?: string;
  validMask?: bigint;
  matchMask?: bigint;
  matchWide?: boolean;
  matchCfi?: boolean;
  matchChecked?: boolean;
  of10?: Of10Match;
  of11?: boolean;
  tlv?: { maxBytes: number };
  unmatchable?: boolean;
  ethernet?: boolean;
}

const SPECS: FieldSpec[] = [
  { name: "tun_id", aliases: ["tunnel_id"], nxm: "NXM_NX_TUN_ID", oxm: "OXM_OF_TUNNEL_ID", slot: "tun_id", format: "hex" },
  { name: "tun_src", nxm: "NXM_NX_TUN_IPV4_SRC", slot: "tun_src", format: "ipv4" },
  { name: "tun_dst", nxm: "NXM_NX_TUN_IPV4_DST", slot: "tun_dst", format: "ipv4" },
  { name: "tun_flags", nxm: "NXM_NX_TUN_FLAGS", slot: "tun_flags", format: "tun_flags", matchMask: 0x1n },
  { name: "tun_gbp_id", nxm: "NXM_NX_TUN_GBP_ID", slot: "tun_gbp_id", format: "dec" },
  { name: "tun_gbp_flags", nxm: "NXM_NX_TUN_GBP_FLAGS", slot: "tun_gbp_flags", format: "hex" },
  { name: "tun_metadata0", nxm: "NXM_NX_TUN_METADATA0", slot: "tun_metadata0", format: "hex", tlv: { maxBytes: 124 } },
  { name: "metadata", of11: true, nxm: "OXM_OF_METADATA", slot: "metadata", format: "hex" },
  { name: "pkt_mark", nxm: "NXM_NX_PKT_MARK", slot: "pkt_mark", format: "hex" },
  { name: "dp_hash", nxm: "NXM_NX_DP_HASH", slot: "dp_hash", format: "hex", writable: false },
  { name: "recirc_id", nxm: "NXM_NX_RECIRC_ID", slot: "recirc_id", format: "hex", writable: false },
  { name: "conj_id", nxm: "NXM_NX_CONJ_ID", slot: "conj_id", format: "dec", maskable: false, writable: false },
  { name: "skb_priority", nxm: "NXM_NX_SKB_PRIORITY", slot: "skb_priority", format: "hex", maskable: false, writable: false, unmatchable: true },
  { name: "in_port", nxm: "NXM_OF_IN_PORT", slot: "in_port", bits: 16, format: "port", maskable: false, of10: "exact" },
  { name: "in_port_oxm", nxm: "OXM_OF_IN_PORT", slot: "in_port", format: "port", maskable: false },
  { name: "actset_output", nxm: "ONFOXM_ET_ACTSET_OUTPUT", oxm: "OXM_OF_ACTSET_OUTPUT", slot: "actset_output", format: "port", maskable: false, writable: false },
  { name: "ct_state", nxm: "NXM_NX_CT_STATE", slot: "ct_state", format: "ct_state", writable: false },
  { name: "ct_zone", nxm: "NXM_NX_CT_ZONE", slot: "ct_zone", format: "dec", maskable: false, writable: false },
  { name: "ct_mark", nxm: "NXM_NX_CT_MARK", slot: "ct_mark", format: "hex", prereq: "ct" },
  { name: "ct_label", nxm: "NXM_NX_CT_LABEL", slot: "ct_label", format: "hex", prereq: "ct" },
  { name: "ct_nw_src", nxm: "NXM_NX_CT_NW_SRC", slot: "ct_nw_src", format: "ipv4", prereq: "ct_valid", writable: false },
  { name: "ct_nw_dst", nxm: "NXM_NX_CT_NW_DST", slot: "ct_nw_dst", format: "ipv4", prereq: "ct_valid", writable: false },
  { name: "ct_nw_proto", nxm: "NXM_NX_CT_NW_PROTO", slot: "ct_nw_proto", format: "dec", prereq: "ct_valid", maskable: false, writable: false },
  { name: "ct_tp_src", nxm: "NXM_NX_CT_TP_SRC", slot: "ct_tp_src", format: "dec", prereq: "ct_valid", writable: false },
  { name: "ct_tp_dst", nxm: "NXM_NX_CT_TP_DST", slot: "ct_tp_dst", format: "dec", prereq: "ct_valid", writable: false },
  { name: "eth_src", ethernet: true, aliases: ["dl_src"], nxm: "NXM_OF_ETH_SRC", oxm: "OXM_OF_ETH_SRC", slot: "dl_src", format: "mac", legacyAction: "mod_dl_src", of10: "exact" },
  { name: "eth_dst", ethernet: true, aliases: ["dl_dst"], nxm: "NXM_OF_ETH_DST", oxm: "OXM_OF_ETH_DST", slot: "dl_dst", format: "mac", legacyAction: "mod_dl_dst", of10: "exact" },
  { name: "eth_type", ethernet: true, aliases: ["dl_type"], nxm: "NXM_OF_ETH_TYPE", oxm: "OXM_OF_ETH_TYPE", slot: "dl_type", format: "hex", maskable: false, writable: false, of10: "exact" },
  { name: "vlan_tci", ethernet: true, nxm: "NXM_OF_VLAN_TCI", slot: "vlan_tci", format: "hex", of10: "exact" },
  { name: "dl_vlan", ethernet: true, nxm: "", slot: "vlan_tci", bits: 12, bytes: 2, format: "dec", maskable: false, legacyAction: "mod_vlan_vid", matchCfi: true, of10: "exact" },
  { name: "vlan_vid", of11: true, nxm: "OXM_OF_VLAN_VID", slot: "vlan_tci", bits: 13, bytes: 2, format: "dec", legacyAction: "mod_vlan_vid", prereq: "vlan" },
  { name: "dl_vlan_pcp", ethernet: true, nxm: "", slot: "vlan_tci", ofs: 13, bits: 3, bytes: 1, format: "dec", maskable: false, legacyAction: "mod_vlan_pcp", matchCfi: true, of10: "exact" },
  { name: "vlan_pcp", of11: true, nxm: "OXM_OF_VLAN_PCP", slot: "vlan_tci", ofs: 13, bits: 3, bytes: 1, format: "dec", maskable: false, legacyAction: "mod_vlan_pcp", matchCfi: true, prereq: "vlan" },
  { name: "ip_src", aliases: ["nw_src"], nxm: "NXM_OF_IP_SRC", oxm: "OXM_OF_IPV4_SRC", slot: "nw_src", format: "ipv4", prereq: "ip", legacyAction: "mod_nw_src", of10: "cidr" },
  { name: "ip_dst", aliases: ["nw_dst"], nxm: "NXM_OF_IP_DST", oxm: "OXM_OF_IPV4_DST", slot: "nw_dst", format: "ipv4", prereq: "ip", legacyAction: "mod_nw_dst", of10: "cidr" },
  { name: "ipv6_src", nxm: "NXM_NX_IPV6_SRC", oxm: "OXM_OF_IPV6_SRC", slot: "ipv6_src", format: "ipv6", prereq: "ipv6" },
  { name: "ipv6_dst", nxm: "NXM_NX_IPV6_DST", oxm: "OXM_OF_IPV6_DST", slot: "ipv6_dst", format: "ipv6", prereq: "ipv6" },
  { name: "ipv6_label", nxm: "NXM_NX_IPV6_LABEL", oxm: "OXM_OF_IPV6_FLABEL", slot: "ipv6_label", bytes: 4, format: "hex", prereq: "ipv6", matchChecked: true },
  { name: "nw_proto", aliases: ["ip_proto"], nxm: "NXM_OF_IP_PROTO", oxm: "OXM_OF_IP_PROTO", slot: "nw_proto", format: "dec", prereq: "ip_any", maskable: false, writable: false, of10: "exact" },
  { name: "nw_tos", nxm: "NXM_OF_IP_TOS", slot: "nw_tos", ofs: 0, bits: 8, format: "dec", prereq: "ip_any", maskable: false, legacyAction: "mod_nw_tos", validMask: 0xfcn, matchMask: 0xfcn, of10: "exact" },
  { name: "ip_dscp", nxm: "OXM_OF_IP_DSCP", slot: "nw_tos", ofs: 2, bits: 6, bytes: 1, format: "dec", prereq: "ip_any", maskable: false, of10: "exact" },
  { name: "nw_ecn", aliases: ["ip_ecn"], nxm: "NXM_NX_IP_ECN", oxm: "OXM_OF_IP_ECN", slot: "nw_tos", ofs: 0, bits: 2, bytes: 1, format: "dec", prereq: "ip_any", maskable: false, legacyAction: "mod_nw_ecn" },
  { name: "nw_ttl", nxm: "NXM_NX_IP_TTL", slot: "nw_ttl", format: "dec", prereq: "ip_any", maskable: false, legacyAction: "mod_nw_ttl" },
  { name: "ip_frag", aliases: ["nw_frag"], nxm: "NXM_NX_IP_FRAG", slot: "nw_frag", bits: 2, bytes: 1, format: "frag", prereq: "ip_any", writable: false },
  { name: "arp_op", nxm: "NXM_OF_ARP_OP", oxm: "OXM_OF_ARP_OP", slot: "nw_proto", bits: 16, format: "dec", prereq: "arp", maskable: false, of10: "exact" },
  { name: "arp_spa", nxm: "NXM_OF_ARP_SPA", oxm: "OXM_OF_ARP_SPA", slot: "nw_src", format: "ipv4", prereq: "arp", of10: "cidr" },
  { name: "arp_tpa", nxm: "NXM_OF_ARP_TPA", oxm: "OXM_OF_ARP_TPA", slot: "nw_dst", format: "ipv4", prereq: "arp", of10: "cidr" },
  { name: "arp_sha", nxm: "NXM_NX_ARP_SHA", oxm: "OXM_OF_ARP_SHA", slot: "arp_sha", format: "mac", prereq: "arp" },
  { name: "arp_tha", nxm: "NXM_NX_ARP_THA", oxm: "OXM_OF_ARP_THA", slot: "arp_tha", format: "mac", prereq: "arp" },
  { name: "tcp_src", aliases: ["tp_src"], nxm: "NXM_OF_TCP_SRC", oxm: "OXM_OF_TCP_SRC", slot: "tp_src", format: "dec", prereq: "tcp", legacyAction: "mod_tp_src", of10: "exact" },
  { name: "tcp_dst", aliases: ["tp_dst"], nxm: "NXM_OF_TCP_DST", oxm: "OXM_OF_TCP_DST", slot: "tp_dst", format: "dec", prereq: "tcp", legacyAction: "mod_tp_dst", of10: "exact" },
  { name: "udp_src", nxm: "NXM_OF_UDP_SRC", oxm: "OXM_OF_UDP_SRC", slot: "tp_src", format: "dec", prereq: "udp", legacyAction: "mod_tp_src", of10: "exact" },
  { name: "udp_dst", nxm: "NXM_OF_UDP_DST", oxm: "OXM_OF_UDP_DST", slot: "tp_dst", format: "dec", prereq: "udp", legacyAction: "mod_tp_dst", of10: "exact" },
  { name: "sctp_src", nxm: "OXM_OF_SCTP_SRC", slot: "tp_src", format: "dec", prereq: "sctp", legacyAction: "mod_tp_src" },
  { name: "sctp_dst", nxm: "OXM_OF_SCTP_DST", slot: "tp_dst", format: "dec", prereq: "sctp", legacyAction: "mod_tp_dst" },
  { name: "tcp_flags", nxm: "NXM_NX_TCP_FLAGS", oxm: "ONFOXM_ET_TCP_FLAGS", slot: "tcp_flags", bits: 12, bytes: 2, format: "tcp_flags", prereq: "tcp", writable: false },
  { name: "icmp_type", nxm: "NXM_OF_ICMP_TYPE", oxm: "OXM_OF_ICMPV4_TYPE", slot: "tp_src", bits: 8, format: "dec", prereq: "icmpv4", maskable: false, matchWide: true, of10: "exact" },
  { name: "icmp_code", nxm: "NXM_OF_ICMP_CODE", oxm: "OXM_OF_ICMPV4_CODE", slot: "tp_dst", bits: 8, format: "dec", prereq: "icmpv4", maskable: false, matchWide: true, of10: "exact" },
  { name: "icmpv6_type", nxm: "NXM_NX_ICMPV6_TYPE", oxm: "OXM_OF_ICMPV6_TYPE", slot: "tp_src", bits: 8, format: "dec", prereq: "icmpv6", maskable: false, matchWide: true },
  { name: "icmpv6_code", nxm: "NXM_NX_ICMPV6_CODE", oxm: "OXM_OF_ICMPV6_CODE", slot: "tp_dst", bits: 8, format: "dec", prereq: "icmpv6", maskable: false, matchWide: true },
];

for (let i = 0; i < 16; i++) {
  SPECS.push({ name: `reg${i}`, nxm: `NXM_NX_REG${i}`, slot: `reg${i}`, format: "hex" });
}
for (let i = 0; i < 8; i++) {
  SPECS.push({ name: `xreg${i}`, nxm: `OXM_OF_PKT_REG${i}`, slot: [`reg${2 * i}`, `reg${2 * i + 1}`], format: "hex" });
}
for (let i = 0; i < 4; i++) {
  SPECS.push({
    name: `xxreg${i}`,
    nxm: `NXM_NX_XXREG${i}`,
    slot: [`reg${4 * i}`, `reg${4 * i + 1}`, `reg${4 * i + 2}`, `reg${4 * i + 3}`],
    format: "hex",
  });
}

function build(spec: FieldSpec): FieldDef {
  const slots = (Array.isArray(spec.slot) ? spec.slot : [spec.slot]).map((s) => SLOT[s]!);
  const bits = spec.bits ?? slots.reduce((n, s) => n + SLOT_BITS[s]!, 0);
  const full = (1n << BigInt(bits)) - 1n;
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    nxm: spec.nxm,
    ...(spec.oxm ? { oxm: spec.oxm } : {}),
    slots,
    ofs: spec.ofs ?? 0,
    bits,
    bytes: spec.bytes ?? Math.ceil(bits / 8),
    format: spec.format,
    prereq: spec.prereq ?? "none",
    maskable: spec.maskable ?? true,
    writable: spec.writable ?? true,
    ...(spec.legacyAction ? { legacyAction: spec.legacyAction } : {}),
    validMask: spec.validMask ?? full,
    matchMask: spec.matchMask ?? full,
    matchWide: spec.matchWide ?? false,
    matchCfi: spec.matchCfi ?? false,
    matchChecked: spec.matchChecked ?? false,
    ...(spec.of10 ? { of10: spec.of10 } : {}),
    of11: spec.of11 ?? false,
    headerless: spec.nxm === "",
    ...(spec.tlv ? { tlv: spec.tlv } : {}),
    unmatchable: spec.unmatchable ?? false,
    ethernet: spec.ethernet ?? !["none", "ct"].includes(spec.prereq ?? "none"),
  };
}

export const FIELDS: readonly FieldDef[] = SPECS.map(build);

const byName = new Map<string, FieldDef>();
const byNxm = new Map<string, FieldDef>();
for (const f of FIELDS) {
  byName.set(f.name, f);
  for (const a of f.aliases) byName.set(a, f);
  if (f.nxm) byNxm.set(f.nxm, f);
  if (f.oxm) byNxm.set(f.oxm, f);
}

/** A field by any of its names (`dl_src`, `eth_src`, `reg0`, …). */
export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name);
}

/** A field by its NXM/OXM name (`NXM_OF_ETH_SRC`, `OXM_OF_TCP_DST`, …), or by its plain name as OVS also accepts. */
export function fieldByNxm(name: string): FieldDef | undefined {
  return byNxm.get(name) ?? byName.get(name);
}

export function field(name: string): FieldDef {
  const f = byName.get(name);
  if (!f) throw new Error(`unknown field ${name}`);
  return f;
}

const ALL_ONES: bigint[] = Array.from({ length: 129 }, (_, i) => (1n << BigInt(i)) - 1n);

/** A mask of `bits` one bits (cached for the widths fields use). */
export const allOnes = (bits: number): bigint => ALL_ONES[bits] ?? (1n << BigInt(bits)) - 1n;

/**
 * The mask of a set_field that sets the whole field: all ones over the
 * field's bytes (OVS keeps set_field masks byte-wide, so a load of all 2 bits
 * of nw_ecn is still a masked set_field, `set_field:1/0x3->nw_ecn`).
 */
export const wholeMask = (f: FieldDef): bigint => allOnes(Math.max(f.bytes * 8, f.bits));

/** ct_state flag bits in OVS order (CS_NEW = 1 …). */
export const CT_STATE_FLAGS: readonly (readonly [string, bigint])[] = [
  ["new", 0x01n], ["est", 0x02n], ["rel", 0x04n], ["rpl", 0x08n],
  ["inv", 0x10n], ["trk", 0x20n], ["snat", 0x40n], ["dnat", 0x80n],
];

/** TCP flag bits in OVS order. */
export const TCP_FLAGS: readonly (readonly [string, bigint])[] = [
  ["fin", 0x001n], ["syn", 0x002n], ["rst", 0x004n], ["psh", 0x008n], ["ack", 0x010n],
  ["urg", 0x020n], ["ece", 0x040n], ["cwr", 0x080n], ["ns", 0x100n],
  ["[200]", 0x200n], ["[400]", 0x400n], ["[800]", 0x800n],
];

/** Tunnel flags that can be matched (FLOW_TNL_PUB_F_*). */
export const TUN_FLAGS: readonly (readonly [string, bigint])[] = [["oam", 0x1n]];

/** All tunnel flags as printed in Flow: lines (FLOW_TNL_F_*). */
export const TUN_FLAGS_ALL: readonly (readonly [string, bigint])[] = [
  ["oam", 0x1n], ["df", 0x2n], ["csum", 0x4n], ["key", 0x8n],
];

export const FRAG_ANY = 0x1n;
export const FRAG_LATER = 0x2n;
