/**
 * A host's IPv4 neighbour (ARP) cache and its printings: net-tools `arp -a`
 * (BSD style, with host names), `arp -n` / `arp` (table), and iproute2's
 * `ip neigh`.
 *
 * The kernel lists /proc/net/arp in neighbour-hash-bucket order, which
 * depends on a random hash seed; a scenario can pin that order (a list of
 * IPs). Entries it does not pin follow, in the order they were learnt.
 */

export type NeighborState = "REACHABLE" | "STALE" | "DELAY" | "PROBE" | "PERMANENT" | "INCOMPLETE" | "FAILED";

export interface Neighbor {
  readonly ip: string;
  /** undefined while unresolved (`<incomplete>`). */
  readonly mac?: string;
  readonly dev: string;
  readonly state: NeighborState;
}

export class NeighborTable {
  private entries: Neighbor[] = [];
  private readonly order: readonly string[] | ((ip: string) => number);

  /**
   * `order`: the IPs in the order to list them (pins; unpinned entries
   * follow in learning order), or a rank function (lower first, ties in
   * learning order), e.g. an imitation of the kernel's hash buckets.
   */
  constructor(initial: readonly Neighbor[] = [], order: readonly string[] | ((ip: string) => number) = []) {
    this.order = order;
    for (const n of initial) this.set(n);
  }

  /** Entries in /proc/net/arp order. */
  get list(): readonly Neighbor[] {
    const order = this.order;
    const rank = (n: Neighbor): number => {
      if (typeof order === "function") return order(n.ip);
      const i = order.indexOf(n.ip);
      return i < 0 ? order.length : i;
    };
    return this.entries.map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i).map((x) => x.n);
  }

  lookup(ip: string, dev?: string): Neighbor | undefined {
    return this.entries.find((n) => n.ip === ip && (dev === undefined || n.dev === dev));
  }

  /** Learns or refreshes an entry (an ARP reply, or a gratuitous/learnt request). */
  set(n: Neighbor): void {
    const i = this.entries.findIndex((e) => e.ip === n.ip && e.dev === n.dev);
    if (i >= 0) this.entries[i] = n;
    else this.entries.push(n);
  }

  remove(ip: string, dev?: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((n) => !(n.ip === ip && (dev === undefined || n.dev === dev)));
    return before !== this.entries.length;
  }
}

/** Reverse lookup used by `arp -a`: /etc/hosts plus systemd-resolved's `_gateway`. */
export type HostNameLookup = (ip: string) => string | undefined;

/** `arp -a` (net-tools 1.60): `NAME (IP) at MAC [ether] on DEV`. */
export function formatArpA(table: NeighborTable, names: HostNameLookup, numeric = false): string {
  let out = "";
  for (const n of table.list) {
    if (n.state === "FAILED" && n.mac === undefined) continue;
    const name = numeric ? "?" : (names(n.ip) ?? "?");
    const hw = n.mac === undefined ? "<incomplete> " : `${n.mac} [ether] `;
    const perm = n.state === "PERMANENT" ? "PERM " : "";
    out += `${name} (${n.ip}) at ${hw}${perm}on ${n.dev}\n`;
  }
  return out;
}

/** `arp` / `arp -n` (net-tools): the table layout. */
export function formatArpTable(table: NeighborTable, names: HostNameLookup, numeric: boolean): string {
  const rows = table.list.filter((n) => !(n.state === "FAILED" && n.mac === undefined));
  if (rows.length === 0) return "";
  let out = "Address                  HWtype  HWaddress           Flags Mask            Iface\n";
  for (const n of rows) {
    const addr = (numeric ? n.ip : (names(n.ip) ?? n.ip)).padEnd(23).slice(0, 23);
    const flags = n.mac === undefined ? "" : n.state === "PERMANENT" ? "CM" : "C";
    const hw = n.mac === undefined ? "".padEnd(8) + "(incomplete)".padEnd(20) : "ether".padEnd(8) + n.mac.padEnd(20);
    out += `${addr}  ${hw}${flags.padEnd(6)}${"".padEnd(15)} ${n.dev}\n`;
  }
  return out;
}

/** `ip neigh [show]` (iproute2 4.15). */
export function formatIpNeigh(table: NeighborTable, filter: { readonly dev?: string; readonly to?: string } = {}): string {
  let out = "";
  for (const n of table.list) {
    if (filter.dev !== undefined && n.dev !== filter.dev) continue;
    if (filter.to !== undefined && n.ip !== filter.to) continue;
    // Filtered on a device, iproute2 leaves `dev X` out of each line.
    out += `${n.ip} ${filter.dev === undefined ? `dev ${n.dev} ` : ""}${n.mac ? `lladdr ${n.mac} ` : ""}${n.state}\n`;
  }
  return out;
}
