/**
 * IPv4 addresses and CIDRs as plain numbers (0 .. 2^32-1), enough for Pod,
 * Service and Node networks, ipBlock/except arithmetic and flow matches.
 */

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith("0")) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

export function formatIp(v: number): string {
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1));
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/**
 * Parses "a.b.c.d/len". With `strict`, host bits must be zero (as
 * Kubernetes' ValidateCIDR does not require, but the Cluster document does).
 * Returns the network with host bits cleared and the original address.
 */
export function parseCidr(text: string): (Cidr & { readonly ip: number }) | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(lenText)) return undefined;
  const prefix = Number(lenText);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix, ip };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + cidrSize(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** True when `inner` lies inside `outer` (equal counts). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
}

/**
 * The CIDRs in `allow` but not in `except`, in the order Antrea's
 * `ip.diffFromCIDR` (pkg/util/ip) produces them: for each prefix length from
 * allow's + 1 down to except's, the sibling of except's ancestor.
 */
export function diffFromCidr(allow: Cidr, except: Cidr): Cidr[] {
  if (allow.prefix >= except.prefix) {
    return cidrContains(except, allow.base) ? [] : [allow];
  }
  if (!cidrContains(allow, except.base)) return [allow];
  const out: Cidr[] = [];
  for (let len = allow.prefix + 1; len <= except.prefix; len++) {
    const blk = 2 ** (32 - len);
    const ancestor = except.base - (except.base % blk);
    const parent = 2 ** (32 - len + 1);
    const parentBase = ancestor - (ancestor % parent);
    const sibling = ancestor === parentBase ? parentBase + blk : parentBase;
    out.push({ base: sibling, prefix: len });
  }
  return out;
}

/** `ip.DiffFromCIDRs`: `allow` minus every CIDR of `excepts`, applied in order. */
export function diffFromCidrs(allow: Cidr, excepts: readonly Cidr[]): Cidr[] {
  let cur: Cidr[] = [allow];
  for (const ex of excepts) cur = cur.flatMap((c) => diffFromCidr(c, ex));
  return cur;
}
