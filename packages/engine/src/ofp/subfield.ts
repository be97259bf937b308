/** Subfields (`NXM_NX_REG0[0..15]`, `reg1[]`, `NXM_OF_ETH_DST[]`) and prerequisite checks. */
import { OfpError, fail } from "./errors.ts";
import {
  allOnes, ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_RARP, fieldByNxm, IPPROTO_ICMP, IPPROTO_ICMPV6,
  IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type FieldDef, type Prereq,
} from "./fields.ts";
import type { Subfield } from "./actions.ts";
import { SLOT_INDEX, type Match } from "./match.ts";

/**
 * `mf_parse_subfield`: `NAME[]`, `NAME[N]`, `NAME[A..B]` or a bare `NAME`
 * (NXM/OXM or plain field names). `full` is the text to quote in messages
 * when `text` was cut from a longer string (`move:A->B`).
 */
export function parseSubfield(text: string, full = text): Subfield {
  let nameLen = text.search(/[[-]/);
  if (nameLen < 0) nameLen = text.length;
  const name = text.slice(0, nameLen);
  const f = fieldByNxm(name);
  if (!f) fail(`${full}: unknown field \`${name}'`);
  let rest = text.slice(nameLen);
  let start = 0, end = f.bits - 1;
  if (rest.startsWith("[")) {
    const m = /^\[(?:|([+-]?\d+)(?:\.\.([+-]?\d+))?)\]/.exec(rest);
    if (!m) fail(`${full}: syntax error expecting [] or [<bit>] or [<start>..<end>]`);
    if (m[1] !== undefined) {
      start = Number(m[1]);
      end = m[2] !== undefined ? Number(m[2]) : start;
    }
    rest = rest.slice(m[0].length);
  }
  if (start > end) fail(`${full}: starting bit ${start} is after ending bit ${end}`);
  if (start >= f.bits) fail(`${full}: starting bit ${start} is not valid because field is only ${f.bits} bits wide`);
  if (end >= f.bits) fail(`${full}: ending bit ${end} is not valid because field is only ${f.bits} bits wide`);
  if (rest !== "") fail("unexpected input following field syntax");
  return { field: f, ofs: start, nBits: end - start + 1 };
}

/** `mf_format_subfield`: NXM name plus `[]`, `[N]` or `[A..B]`. */
export function formatSubfield(sf: Subfield): string {
  const name = sf.field.nxm || sf.field.name;
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
    case "vlan": return (m.values[SLOT_INDEX.vlan_tci]! & 0x1000n) !== 0n;
    case "ct_ip": {
      const ct = m.values[SLOT_INDEX.ct_state]! & m.masks[SLOT_INDEX.ct_state]!;
      return ipAny && (ct & 0x20n) !== 0n;
    }
    case "ct_valid": return ctValid(m);
  }
}

/**
 * OVS's `is_ct_valid` for a match: it must require one of the flags that
 * imply a conntrack entry (new, est, rel, rpl, snat, dnat), or +trk-inv.
 */
export function ctValid(m: Match): boolean {
  const v = m.values[SLOT_INDEX.ct_state]!, k = m.masks[SLOT_INDEX.ct_state]!;
  const TRK = 0x20n, INV = 0x10n;
  return (v & 0xcfn) !== 0n || ((v & TRK) !== 0n && (k & INV) !== 0n && (v & INV) === 0n);
}

export function checkFieldPrereqs(f: FieldDef, m: Match): boolean {
  return prereqsOk(f.prereq, m);
}

export function subfieldError(e: unknown, text: string): OfpError {
  if (e instanceof OfpError) return e;
  return new OfpError(`${text}: ${String(e)}`);
}
