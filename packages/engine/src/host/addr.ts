/** IPv4 and MAC helpers for the host model (numbers for addresses, strings for MACs). */

export function ipToNum(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new Error(`bad IPv4 address ${text}`);
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`bad IPv4 address ${text}`);
    v = v * 256 + n;
  }
  return v;
}

export function isIpv4(text: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split(".").every((p) => Number(p) <= 255);
}

export function numToIp(v: number): string {
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

export interface Prefix {
  /** Network address as a number (host bits cleared). */
  readonly base: number;
  readonly len: number;
}

export function parsePrefix(text: string): Prefix {
  const [ip, len] = text.includes("/") ? text.split("/") : [text, "32"];
  const l = Number(len);
  const size = 2 ** (32 - l);
  const n = ipToNum(ip!);
  return { base: n - (n % size), len: l };
}

export function formatPrefix(p: Prefix): string {
  return `${numToIp(p.base)}/${p.len}`;
}

export function prefixContains(p: Prefix, ip: string | number): boolean {
  const n = typeof ip === "number" ? ip : ipToNum(ip);
  return n >= p.base && n < p.base + 2 ** (32 - p.len);
}

/** Broadcast address of `addr/len`. */
export function broadcastOf(addr: string, len: number): string {
  const p = parsePrefix(`${addr}/${len}`);
  return numToIp(p.base + 2 ** (32 - len) - 1);
}

/** The modified EUI-64 link-local address of a MAC, as iproute2 prints it. */
export function linkLocalOf(mac: string): string {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  b[0] = b[0]! ^ 0x02;
  const groups = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${groups.map((g) => g.toString(16)).join(":")}`;
}
