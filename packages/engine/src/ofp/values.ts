/** Parsing and printing of field values in ovs-ofctl syntax. */
import { fail } from "./errors.ts";
import {
  allOnes, CT_STATE_FLAGS, FRAG_ANY, FRAG_LATER, TCP_FLAGS, TUN_FLAGS, TUN_FLAGS_ALL,
  type FieldDef,
} from "./fields.ts";

export interface Masked {
  value: bigint;
  mask: bigint;
  /** The mask covered all of the field's bytes (no mask, or an all-ones one). */
  whole?: boolean;
}

/** `%#x`: `0` for zero, otherwise `0x…` in lowercase. */
export function hex(v: bigint): string {
  return v === 0n ? "0" : "0x" + v.toString(16);
}

/** Parses an unsigned integer as OVS's `str_to_ull`/`parse_int_string` do (decimal or 0x hex). */
export function parseUint(s: string): bigint | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  if (n > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120) {
    for (let i = 2; i < n; i++) {
      const c = s.charCodeAt(i) | 32;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
    }
    return BigInt(s);
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return n < 16 ? BigInt(Number(s)) : BigInt(s);
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function formatMac(v: bigint): string {
  const hi = Number(v >> 24n) & 0xffffff;
  const lo = Number(v & 0xffffffn);
  return `${HEX2[hi >>> 16]}:${HEX2[(hi >>> 8) & 255]}:${HEX2[hi & 255]}:${HEX2[lo >>> 16]}:${HEX2[(lo >>> 8) & 255]}:${HEX2[lo & 255]}`;
}

export function parseMac(s: string): bigint | undefined {
  // Six groups of one or two hex digits separated by colons.
  let hi = 0, lo = 0, group = 0, digits = 0, value = 0;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 58;
    if (c === 58) {
      if (digits === 0 || group > 5) return undefined;
      if (group < 2) hi = hi * 256 + value;
      else lo = lo * 256 + value;
      group++;
      digits = 0;
      value = 0;
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
    if (d < 0 || ++digits > 2) return undefined;
    value = value * 16 + d;
  }
  if (group !== 6) return undefined;
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

export function formatIpv4(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Dotted quad as OVS's `ip_parse` reads it (each part is taken modulo 256, as scanf's %hhu does). */
export function parseIpv4(s: string): bigint | undefined {
  let v = 0, part = 0, digits = 0, dots = 0;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0) return undefined;
      v = v * 256 + (part % 256);
      dots++;
      part = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    part = part * 10 + (c - 48);
    if (++digits > 10) return undefined;
  }
  if (dots !== 4) return undefined;
  return BigInt(v);
}

/** Number of leading one bits if `mask` is a CIDR mask of `bits` width, else -1. */
export function cidrLength(mask: bigint, bits: number): number {
  let n = 0;
  for (let i = bits - 1; i >= 0; i--) {
    if ((mask >> BigInt(i)) & 1n) n++;
    else break;
  }
  const expect = n === 0 ? 0n : allOnes(bits) ^ allOnes(bits - n);
  return mask === expect ? n : -1;
}

export function prefixMask(len: number, bits: number): bigint {
  return len === 0 ? 0n : allOnes(bits) ^ allOnes(bits - len);
}

export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped addresses print in mixed notation, as inet_ntop does.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(v & 0xffffffffn)}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(":");
  const head = hexes.slice(0, bestStart).join(":");
  const tail = hexes.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return undefined;
  let tailV4: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tailV4 = parseIpv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0 || (halves.length === 2 && fill < 1 && head.length + tail.length > 7)) {
    if (!(halves.length === 2 && fill === 0)) return undefined;
  }
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill("0"), ...tail];
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

/** `format_flags`: the names of set bits joined with `sep` (unknown bits as hex). */
export function formatFlags(value: bigint, flags: readonly (readonly [string, bigint])[], sep: string): string {
  const out: string[] = [];
  let rest = value;
  for (const [name, bit] of flags) {
    if (value & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(hex(rest));
  return out.length ? out.join(sep) : "0";
}

/** `format_flags_masked`: `+name`/`-name` for each masked bit. */
export function formatFlagsMasked(value: bigint, mask: bigint, flags: readonly (readonly [string, bigint])[]): string {
  let s = "";
  for (const [name, bit] of flags) {
    if (mask & bit) s += (value & bit ? "+" : "-") + name;
  }
  return s;
}

/**
 * OVS's `parse_flags` (lib/flow.c): `+a-b` (masked), `a|b` or numbers
 * (`0x21`, `0x21/0x21`). `what` names the flag set in messages ("ct_state",
 * "TCP", "tunnel"); `allowed` are the bits that may appear.
 */
function parseFlags(
  s: string,
  flags: readonly (readonly [string, bigint])[],
  allowed: bigint,
  what: string,
  fullMask: bigint,
): Masked {
  const unknown = (at: string): never => fail(`${at}: unknown ${what} flag(s)`);
  const numeric = /^\s*([+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))\/([+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))$/.exec(s);
  if (numeric) {
    const value = scanInt(numeric[1]!) & 0xffffffffn;
    const mask = scanInt(numeric[2]!) & 0xffffffffn;
    if (value & ~allowed || mask & ~allowed) unknown(s);
    return { value: value & mask & fullMask, mask: mask & fullMask };
  }
  if (s.startsWith("+") || s.startsWith("-")) {
    let value = 0n, mask = 0n;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c !== "+" && c !== "-") fail(`${s.slice(i)}: ${what} must be preceded by '+' (for SET) or '-' (NOT SET)`);
      i++;
      const rest = s.slice(i);
      const hit = flags.find(([name]) => rest.startsWith(name) && /^(?:[+-]|$)/.test(rest.slice(name.length)));
      if (!hit) return unknown(rest);
      const [name, bit] = hit;
      if (mask & bit) fail(`${rest}: Each ${what} flag can be specified only once`);
      if (!(bit & allowed)) unknown(rest);
      if (c === "+") value |= bit;
      mask |= bit;
      i += name.length;
    }
    return { value, mask };
  }
  let value = 0n;
  let i = 0;
  while (i < s.length) {
    const num = /^[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(i));
    if (num) {
      const v = scanInt(num[0]);
      if (v & ~allowed) unknown(s);
      value |= v;
      i += num[0].length;
      if (s[i] === "|") i++;
      continue;
    }
    const rest = s.slice(i);
    const hit = flags.find(([name]) => rest.startsWith(name) && (rest.length === name.length || rest[name.length] === "|"));
    if (!hit || !(hit[1] & allowed)) return unknown(s);
    value |= hit[1];
    i += hit[0].length + (s[i + hit[0].length] === "|" ? 1 : 0);
  }
  return { value: value & fullMask, mask: fullMask };
}

/** A C integer literal as scanf's %i reads it (hex, octal or decimal, with sign), as 64-bit two's complement. */
function scanInt(text: string): bigint {
  const neg = text.startsWith("-");
  const body = text.replace(/^[+-]/, "");
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body.startsWith("0") ? BigInt("0o" + body.slice(1)) : BigInt(body);
  return neg ? (1n << 64n) - v : v;
}

export type IntParse =
  | { readonly value: bigint; readonly tail: string; readonly error?: undefined }
  | { readonly error: "range" | "syntax" };

/**
 * OVS's `parse_int_string`: `0x` followed by any number of hex digits (white
 * space skipped), or whatever `strtoull(s, &tail, 0)` reads (decimal, octal
 * with a leading 0, a sign). The value must fit `bytes` bytes.
 */
export function parseIntString(s: string, bytes: number): IntParse {
  const limit = allOnes(bytes * 8);
  if (s.startsWith("0x") || s.startsWith("0X")) {
    let i = 2, digits = 0, v = 0n;
    for (;;) {
      while (i < s.length && " \t\r\n".includes(s[i]!)) i++;
      const d = i < s.length ? parseInt(s[i]!, 16) : NaN;
      if (Number.isNaN(d)) break;
      if (d !== 0 || digits) {
        if (Math.ceil((digits + 1) / 2) > bytes) return { error: "range" };
        digits++;
        v = (v << 4n) | BigInt(d);
      }
      i++;
    }
    return { value: v, tail: s.slice(i) };
  }
  const m = /^[ \t\r\n\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return { error: "syntax" };
  let v = scanInt(m[2]!);
  if (v >= 1n << 64n) return { error: "range" };
  if (m[1] === "-" && v !== 0n) v = (1n << 64n) - v;
  if (v > limit) return { error: "range" };
  return { value: v, tail: s.slice(m[0].length) };
}

/** `mf_from_integer_string`: VALUE[/MASK] for a decimal or hexadecimal field. */
function parseIntegerField(f: FieldDef, s: string): Masked {
  const bytes = f.tlv ? f.tlv.maxBytes : f.bytes;
  const fail2 = (err: "range" | "syntax", what: string): never =>
    fail(err === "range" ? `${s}: ${what} too large for ${bytes}-byte field ${f.name}` : `${s}: bad syntax for ${f.name} ${what}`);
  const v = parseIntString(s, bytes);
  if (v.error) return fail2(v.error, "value");
  if (v.tail !== "" && !v.tail.startsWith("/")) return fail2("syntax", "value");
  let value = v.value, mask = allOnes(bytes * 8);
  if (v.tail.startsWith("/")) {
    const m = parseIntString(v.tail.slice(1), bytes);
    if (m.error) return fail2(m.error, "mask");
    if (m.tail !== "") return fail2("syntax", "mask");
    mask = m.value;
  }
  if (f.tlv) {
    // The switch keeps the first bytes of the option (the TLV map's length).
    const keep = f.bits / 8;
    const len = Math.max(byteLength(value), v.tail.startsWith("/") ? byteLength(mask) : 0);
    if (len > keep) {
      const shift = BigInt((len - keep) * 8);
      value >>= shift;
      mask >>= shift;
    }
    if (!v.tail.startsWith("/")) mask = allOnes(f.bits);
  }
  return { value, mask };
}

function byteLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 8n;
    n++;
  }
  return n;
}

const FRAG_TYPES: Readonly<Record<string, Masked>> = {
  // "no" is OVS's first entry for that name: not a fragment at all (mask any|later).
  no: { value: 0n, mask: FRAG_ANY | FRAG_LATER },
  yes: { value: FRAG_ANY, mask: FRAG_ANY },
  first: { value: FRAG_ANY, mask: FRAG_ANY | FRAG_LATER },
  later: { value: FRAG_ANY | FRAG_LATER, mask: FRAG_ANY | FRAG_LATER },
  not_later: { value: 0n, mask: FRAG_LATER },
};

/**
 * Parses `VALUE[/MASK]` for a field, in the field's own syntax (`mf_parse`),
 * including its check that an unmaskable field gets no partial mask. The
 * result is in field coordinates; masks of `bytes`-wide fields are cut to
 * the field's bits.
 */
export function parseFieldValue(f: FieldDef, text: string, ports?: PortResolver): Masked {
  const full = allOnes(f.bits);
  if (text === "*") return { value: 0n, mask: 0n };
  let r: Masked;
  switch (f.format) {
    case "ct_state":
      r = parseFlags(text, CT_STATE_FLAGS, 0xffn, "ct_state", 0xffffffffn);
      break;
    case "tcp_flags":
      r = parseFlags(text, TCP_FLAGS, 0xfffn, "TCP", 0xffffn);
      break;
    case "tun_flags":
      r = parseFlags(text, TUN_FLAGS_ALL, 0x1n, "tunnel", 0xffffn);
      break;
    case "frag": {
      const t = FRAG_TYPES[text.toLowerCase()];
      if (!t) fail(`${text}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`);
      // OVS forces the upper mask bits on, so that a full match counts as exact.
      r = { value: t.value, mask: t.mask | 0xfcn };
      break;
    }
    case "port": {
      const p = ports?.parse(text) ?? parsePortNumber(text);
      if (p === undefined) {
        fail(f.bytes === 4 ? `${text}: port value out of range for ${f.name}` : `${text}: invalid or unknown port for ${f.name}`);
      }
      r = { value: BigInt(p), mask: allOnes(f.bytes * 8) };
      break;
    }
    case "mac": {
      const [v, m] = splitMask(text);
      const value = parseMac(v);
      if (value === undefined) fail(`${text}: invalid Ethernet address`);
      const mask = m === undefined ? full : parseMac(m);
      if (mask === undefined) fail(`${text}: invalid Ethernet address`);
      r = { value, mask };
      break;
    }
    case "ipv4": {
      const [v, m] = splitMask(text);
      const value = parseIpv4(v);
      let mask: bigint | undefined = full;
      if (value !== undefined && m !== undefined) {
        mask = parseIpv4(m);
        if (mask === undefined) {
          const len = /^[+-]?\d+/.exec(m);
          if (!len) fail(`${text}: invalid IP address`);
          const n = Number(len[0]);
          if (n < 0 || n > 32) fail(`${text}: IPv4 network prefix bits not between 0 and 32, inclusive`);
          if (len[0].length !== m.length) fail(`${text}: invalid IP address`);
          mask = prefixMask(n, 32);
        }
      }
      if (value === undefined) fail(`${text}: invalid IP address`);
      r = { value, mask };
      break;
    }
    case "ipv6": {
      const [v, m] = splitMask(text);
      const value = parseIpv6(v);
      if (value === undefined) fail(`${text}: invalid IPv6 address`);
      let mask = full;
      if (m !== undefined) {
        if (/^[+-]?\d+$/.test(m)) {
          const n = Number(m);
          if (n < 0 || n > 128) fail(`${text}: IPv6 network prefix bits not between 0 and 128, inclusive`);
          mask = prefixMask(n, 128);
        } else {
          const mm = parseIpv6(m);
          if (mm === undefined) fail(`${text}: Invalid IPv6 mask`);
          mask = mm;
        }
      }
      r = { value, mask };
      break;
    }
    case "hex":
    case "dec":
      r = parseIntegerField(f, text);
      break;
  }
  const wire = f.format === "port" ? allOnes(f.bytes * 8) : allOnes(Math.max(f.bytes * 8, f.bits));
  if (!f.maskable && r.mask !== 0n && r.mask !== wire && !(f.format === "frag")) {
    fail(`${text}: invalid mask for field ${f.name}`);
  }
  // The mask is cut to the field's bits (a 1-byte mask of a 2-bit field, …). The
  // value is kept as written (not masked, not cut), as OVS keeps it: a match
  // masks it, a set_field sends it as is, and validity checks see it whole.
  const mask = r.mask === wire ? full : r.mask & full;
  return { value: r.value, mask, whole: r.mask === wire };
}

function splitMask(text: string): [string, string | undefined] {
  const i = text.indexOf("/");
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** Prints a field's value the way `match_format`/`mf_format` do. */
export function formatFieldValue(f: FieldDef, value: bigint, mask: bigint, ports?: PortResolver): string {
  const full = allOnes(f.bits);
  const isFull = mask === full;
  switch (f.format) {
    case "ct_state":
      return isFull || mask === 0xffffffffn ? formatFlags(value, CT_STATE_FLAGS, "|") : formatFlagsMasked(value, mask, CT_STATE_FLAGS);
    case "tcp_flags":
      return isFull ? formatFlags(value, TCP_FLAGS, "|") : formatFlagsMasked(value, mask, TCP_FLAGS);
    case "tun_flags":
      return isFull ? formatFlags(value, TUN_FLAGS, "|") : formatFlagsMasked(value, mask, TUN_FLAGS);
    case "frag":
      return value & FRAG_ANY ? (value & FRAG_LATER ? "later" : "first") : "no";
    case "port":
      return formatPort(Number(value), ports);
    case "mac":
      return isFull ? formatMac(value) : `${formatMac(value)}/${formatMac(mask)}`;
    case "ipv4": {
      if (isFull) return formatIpv4(value);
      const len = cidrLength(mask, 32);
      return len >= 0 ? `${formatIpv4(value)}/${len}` : `${formatIpv4(value)}/${formatIpv4(mask)}`;
    }
    case "ipv6": {
      if (isFull) return formatIpv6(value);
      const len = cidrLength(mask, 128);
      return len >= 0 ? `${formatIpv6(value)}/${len}` : `${formatIpv6(value)}/${formatIpv6(mask)}`;
    }
    case "hex":
      return isFull ? hex(value) : `${hex(value)}/${hex(mask)}`;
    case "dec":
      return isFull ? value.toString() : `${value}/${hex(mask)}`;
  }
}

/** Reserved OpenFlow ports (OFPP_*) as OVS names them. */
export const RESERVED_PORTS: Readonly<Record<string, number>> = {
  UNSET: 0xfff7,
  IN_PORT: 0xfff8,
  TABLE: 0xfff9,
  NORMAL: 0xfffa,
  FLOOD: 0xfffb,
  ALL: 0xfffc,
  CONTROLLER: 0xfffd,
  LOCAL: 0xfffe,
  ANY: 0xffff,
};
export const OFPP_MAX = 0xff00;
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
export const OFPP_NONE = 0xffff;

const RESERVED_BY_NUMBER = new Map<number, string>(Object.entries(RESERVED_PORTS).map(([k, v]) => [v, k]));

/** Maps port names to numbers and back, as `ofputil_port_map` does. */
export interface PortResolver {
  parse(text: string): number | undefined;
  /** Name to print for a port number, or undefined to print the number. */
  name(port: number): string | undefined;
}

/**
 * `ofputil_port_from_string` without the port map: a reserved name (any
 * case) or a decimal number. 0xff00..0xfff6 are accepted (OVS warns), numbers
 * past 0xffff are taken as OpenFlow 1.1 port numbers when they are above
 * 0xffffff00 and rejected otherwise.
 */
export function parsePortNumber(text: string): number | undefined {
  const upper = text.toUpperCase();
  if (upper in RESERVED_PORTS) return RESERVED_PORTS[upper];
  if (upper === "NONE") return OFPP_NONE;
  const m = /^[ \t\n\v\f\r]*\+?(\d+)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n <= 0xffff) return n;
  if (n >= 0xffffff00 && n <= 0xffffffff) return n - 0xffff0000;
  return undefined;
}

/** `namemap_put_name`: bare if it starts with a letter and is all alphanumeric, else JSON-quoted. */
export function quoteName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : JSON.stringify(name);
}

export function formatPort(port: number, ports?: PortResolver): string {
  const reserved = RESERVED_BY_NUMBER.get(port);
  if (reserved) return reserved;
  const name = ports?.name(port);
  return name !== undefined ? quoteName(name) : String(port);
}

/**
 * A port name as written in a flow: bare, or JSON-quoted (as quoteName writes it). Undefined when the quotes hold
 * no valid JSON string (`"a\q"`): no port has that name, and the caller reports an unknown port.
 */
export function unquoteName(text: string): string | undefined {
  if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return text;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A resolver over a bridge's ports; `showNames` decides whether numbers print as names. */
export function portResolver(ports: ReadonlyMap<string, number>, showNames: boolean): PortResolver {
  const byNumber = new Map<number, string>();
  const seen = new Map<number, number>();
  for (const [name, n] of ports) {
    seen.set(n, (seen.get(n) ?? 0) + 1);
    byNumber.set(n, name);
  }
  return {
    parse(text: string) {
      const unq = unquoteName(text);
      if (unq === undefined) return undefined;
      const n = parsePortNumber(unq);
      if (n !== undefined) return n;
      return ports.get(unq);
    },
    name(port: number) {
      if (!showNames || seen.get(port) !== 1) return undefined;
      return byNumber.get(port);
    },
  };
}
