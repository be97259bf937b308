/** Subfields (`NXM_NX_REG0[0..15]`, `reg1[]`, `NXM_OF_ETH_DST[]`) and prerequisite checks. */
import { OfpError, fail } from "./errors.ts";
import {
  allOnes, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_RARP, fieldByNxm, IPPROTO_ICMP, IPPROTO_ICMPV6,
  IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type FieldDef, type Prereq,
} from "./fields.ts";
import type { Subfield } from "./actions.ts";
import { SLOT_INDEX, type Match } from "./match.ts";

/** Parses `NAME[]`, `NAME[N]`, `NAME[A..B]` or a bare `NAME`. */
export function parseSubfield(text: string): Subfield {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d*)(?:\.\.(\d+))?\])?$/.exec(text);
  if (!m) fail(`${text}: unknown field \`${text.replace(/\[.*$/, "")}'`);
  const f = fieldByNxm(m[1]!);
  if (!f) fail(`${text}: unknown field \`${m[1]}'`);
  if (m[2] === undefined || m[2] === "") {
    if (m[3] !== undefined) fail(`${text}: syntax error expecting ] or .. in subfield`);
    return { field: f, ofs: 0, nBits: f.bits };
  }
  const start = Number(m[2]);
  const end = m[3] !== undefined ? Number(m[3]) : start;
  if (start >= f.bits) fail(`${text}: starting bit ${start} is not valid because field is only ${f.bits} bits wide`);
  if (end >= f.bits) fail(`${text}: ending bit ${end} is not valid because field is only ${f.bits} bits wide`);
  if (end < start) fail(`${text}: starting bit ${start} is after ending bit ${end}`);
  return { field: f, ofs: start, nBits: end - start + 1 };
}

/** `mf_format_subfield`: NXM name plus `[]`, `[N]` or `[A..B]`. */
export function formatSubfield(sf: Subfield): string {
  const name = sf.field.nxm;
  if (sf.ofs === 0 && sf.nBits === sf.field.bits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

export function subfieldMask(sf: Subfield): bigint {
  return allOnes(sf.nBits) << BigInt(sf.ofs);
}

/** OVS's `mf_are_prereqs_ok` against a flow's match. */
export function prereqsOk(prereq: Prereq, m: Match): boolean {
  const dlMasked = m.masks[SLOT_INDEX.dl_type] === 0xffffn;
  const dl = dlMasked ? m.values[SLOT_INDEX.dl_type]! : -1n;
  const protoMasked = m.masks[SLOT_INDEX.nw_proto] === 0xffn;
  const proto = protoMasked ? m.values[SLOT_INDEX.nw_proto]! : -1n;
  const ipAny = dl === ETH_TYPE_IP || dl === ETH_TYPE_IPV6;
  switch (prereq) {
    case "none": case "ct": case "l4": return true;
    case "arp": return dl === ETH_TYPE_ARP || dl === ETH_TYPE_RARP;
    case "ip": return dl === ETH_TYPE_IP;
    case "ipv6": return dl === ETH_TYPE_IPV6;
    case "ip_any": return ipAny;
    case "tcp": return ipAny && proto === IPPROTO_TCP;
    case "udp": return ipAny && proto === IPPROTO_UDP;
    case "sctp": return ipAny && proto === IPPROTO_SCTP;
    case "icmpv4": return dl === ETH_TYPE_IP && proto === IPPROTO_ICMP;
    case "icmpv6": return dl === ETH_TYPE_IPV6 && proto === IPPROTO_ICMPV6;
    case "vlan": return (m.masks[SLOT_INDEX.vlan_tci]! & 0x1000n) !== 0n && (m.values[SLOT_INDEX.vlan_tci]! & 0x1000n) !== 0n;
    case "ct_ip": {
      const ct = m.values[SLOT_INDEX.ct_state]! & m.masks[SLOT_INDEX.ct_state]!;
      return ipAny && (ct & 0x20n) !== 0n;
    }
  }
}

export function checkFieldPrereqs(f: FieldDef, m: Match): boolean {
  return prereqsOk(f.prereq, m);
}

export function subfieldError(e: unknown, text: string): OfpError {
  if (e instanceof OfpError) return e;
  return new OfpError(`${text}: ${String(e)}`);
}
