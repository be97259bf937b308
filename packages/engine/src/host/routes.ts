/**
 * A host's IPv4 routing table (the main table, plus the local addresses of
 * the local table), longest-prefix lookup, and `ip route` as iproute2 4.15
 * prints it: every attribute is printed as "%s " so each line ends with a
 * space (ip/iproute.c print_route).
 */
import { formatPrefix, ipToNum, parsePrefix, prefixContains, type Prefix } from "./addr.ts";

export interface Route {
  /** undefined: the default route. */
  readonly dst?: Prefix;
  readonly via?: string;
  readonly dev: string;
  /** Not printed when "boot" (RTPROT_BOOT), as iproute2 does. */
  readonly proto?: "kernel" | "static" | "boot" | "dhcp";
  readonly scope?: "link" | "host" | "global";
  readonly src?: string;
  readonly metric?: number;
  readonly onlink?: boolean;
}

export interface RouteLookup {
  readonly route: Route;
  /** The next hop: the gateway, or the destination itself for on-link routes. */
  readonly nextHop: string;
}

/** Kernel dump order of the FIB trie: by network address, longer prefixes first for the same address. */
function dumpOrder(a: Route, b: Route): number {
  const ab = a.dst?.base ?? 0, bb = b.dst?.base ?? 0;
  if (ab !== bb) return ab - bb;
  return (b.dst?.len ?? 0) - (a.dst?.len ?? 0);
}

export class RouteTable {
  private list: Route[] = [];

  constructor(routes: readonly Route[] = []) {
    for (const r of routes) this.replace(r);
  }

  get routes(): readonly Route[] {
    return [...this.list].sort(dumpOrder);
  }

  /** `ip route replace`: one route per destination prefix. */
  replace(route: Route): void {
    const key = route.dst ? formatPrefix(route.dst) : "default";
    this.list = this.list.filter((r) => (r.dst ? formatPrefix(r.dst) : "default") !== key);
    this.list.push(route);
  }

  remove(dst: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((r) => (r.dst ? formatPrefix(r.dst) : "default") !== dst);
    return this.list.length !== before;
  }

  /**
   * Longest-prefix match. Routes through a link that is down (`linkdown`)
   * still count, as with the kernel's default ignore_routes_with_linkdown=0.
   */
  lookup(dst: string): RouteLookup | undefined {
    const n = ipToNum(dst);
    let best: Route | undefined;
    for (const r of this.list) {
      const len = r.dst?.len ?? 0;
      if (r.dst && !prefixContains(r.dst, n)) continue;
      if (!best || len > (best.dst?.len ?? 0) || (len === (best.dst?.len ?? 0) && (r.metric ?? 0) < (best.metric ?? 0))) best = r;
    }
    return best ? { route: best, nextHop: best.via ?? dst } : undefined;
  }
}

export interface RouteFormatOptions {
  /** Names of links whose carrier is down: their routes print `linkdown`. */
  readonly linkDown?: ReadonlySet<string>;
  /** The device the listing was filtered on: iproute2 then leaves `dev X` out of each line. */
  readonly dev?: string;
}

export function formatRoute(r: Route, opts: RouteFormatOptions = {}): string {
  let s = r.dst ? `${formatPrefix(r.dst)} ` : "default ";
  if (r.via) s += `via ${r.via} `;
  if (opts.dev === undefined) s += `dev ${r.dev} `;
  if (r.proto && r.proto !== "boot") s += `proto ${r.proto} `;
  if (r.scope && r.scope !== "global") s += `scope ${r.scope} `;
  if (r.src) s += `src ${r.src} `;
  if (r.metric !== undefined) s += `metric ${r.metric} `;
  if (r.onlink) s += "onlink ";
  if (opts.linkDown?.has(r.dev)) s += "linkdown ";
  return s;
}

/** `ip route [show]`: the main table in kernel dump order. */
export function formatIpRoute(table: RouteTable, opts: RouteFormatOptions = {}): string {
  return table.routes
    .filter((r) => opts.dev === undefined || r.dev === opts.dev)
    .map((r) => formatRoute(r, opts) + "\n")
    .join("");
}

/** `ip route get ADDR`, iproute2 4.15 (a cached route, with the caller's uid). */
export function formatRouteGet(table: RouteTable, dst: string, src: string | undefined, uid: number): string | undefined {
  const hit = table.lookup(dst);
  if (!hit) return undefined;
  let s = `${dst} `;
  if (hit.route.via) s += `via ${hit.route.via} `;
  s += `dev ${hit.route.dev} `;
  const from = hit.route.src ?? src;
  if (from) s += `src ${from} `;
  s += `uid ${uid} \n    cache \n`;
  return s;
}

/** A connected route as the kernel adds it for an address `addr/len` on `dev`. */
export function connectedRoute(addr: string, len: number, dev: string): Route {
  return { dst: parsePrefix(`${addr}/${len}`), dev, proto: "kernel", scope: "link", src: addr };
}
