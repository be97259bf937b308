/**
 * OVS's "usable protocols" (enum ofputil_protocol): while parsing a flow,
 * ovs-ofctl narrows the set of OpenFlow dialects that can carry it; the flow
 * is refused when none of them is allowed by `-O`.
 */
import type { OfVersion } from "./actions.ts";

export type Protocols = number;

export const P_OF10_STD = 1 << 0;
export const P_OF10_STD_TID = 1 << 1;
export const P_OF10_NXM = 1 << 2;
export const P_OF10_NXM_TID = 1 << 3;
export const P_OF11_STD = 1 << 4;
export const P_OF12_OXM = 1 << 5;
export const P_OF13_OXM = 1 << 6;
export const P_OF14_OXM = 1 << 7;
export const P_OF15_OXM = 1 << 8;

export const P_OF10_STD_ANY = P_OF10_STD | P_OF10_STD_TID;
export const P_OF10_NXM_ANY = P_OF10_NXM | P_OF10_NXM_TID;
export const P_OF10_ANY = P_OF10_STD_ANY | P_OF10_NXM_ANY;
export const P_ANY_OXM = P_OF12_OXM | P_OF13_OXM | P_OF14_OXM | P_OF15_OXM;
export const P_NXM_OXM_ANY = P_OF10_NXM_ANY | P_ANY_OXM;
export const P_OF11_UP = P_OF11_STD | P_ANY_OXM;
export const P_OF12_UP = P_ANY_OXM;
export const P_OF13_UP = P_OF13_OXM | P_OF14_OXM | P_OF15_OXM;
export const P_NXM_OF11_UP = P_OF10_NXM_ANY | P_OF11_UP;
/** Protocols that can name a table in a flow_mod. */
export const P_TID = P_OF10_STD_TID | P_OF10_NXM_TID | P_OF11_STD | P_ANY_OXM;
export const P_ANY = (1 << 9) - 1;

const NAMES: readonly (readonly [number, string])[] = [
  [P_OF10_STD, "OpenFlow10-table_id"],
  [P_OF10_STD_TID, "OpenFlow10+table_id"],
  [P_OF10_NXM, "NXM-table_id"],
  [P_OF10_NXM_TID, "NXM+table_id"],
  [P_OF11_STD, "OpenFlow11"],
  [P_OF12_OXM, "OXM-OpenFlow12"],
  [P_OF13_OXM, "OXM-OpenFlow13"],
  [P_OF14_OXM, "OXM-OpenFlow14"],
  [P_OF15_OXM, "OXM-OpenFlow15"],
];

const ABBREVIATIONS: readonly (readonly [number, string])[] = [
  [P_ANY, "any"],
  [P_OF10_STD_ANY, "OpenFlow10"],
  [P_OF10_NXM_ANY, "NXM"],
  [P_ANY_OXM, "OXM"],
];

/** `ofputil_protocols_to_string`. */
export function protocolsToString(p: Protocols): string {
  if (p === 0) return "none";
  const out: string[] = [];
  while (p) {
    const abbr = ABBREVIATIONS.find(([bits]) => (p & bits) === bits);
    if (abbr) {
      out.push(abbr[1]);
      p &= ~abbr[0];
      continue;
    }
    const one = NAMES.find(([bit]) => p & bit)!;
    out.push(one[1]);
    p &= ~one[0];
  }
  return out.join(",");
}

/** The protocols `ovs-ofctl -O VERSION` allows. */
export function allowedProtocols(v: OfVersion): Protocols {
  switch (v) {
    case 10: return P_OF10_ANY;
    case 11: return P_OF11_STD;
    case 12: return P_OF12_OXM;
    case 13: return P_OF13_OXM;
    case 14: return P_OF14_OXM;
    case 15: return P_OF15_OXM;
  }
}

/** The message ovs-ofctl dies with when a flow cannot be sent with `-O VERSION`. */
export function noUsableProtocolMessage(usable: Protocols, v: OfVersion): string {
  return `none of the usable flow formats (${protocolsToString(usable)}) is among the allowed flow formats (${protocolsToString(allowedProtocols(v))})`;
}
