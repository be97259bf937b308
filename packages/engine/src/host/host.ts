/**
 * One simulated Linux host (a Node's root network namespace): its links,
 * routing table, neighbour cache, iptables and netfilter conntrack, plus the
 * per-host random source the kernel's `statistic` match draws from.
 */
import { ipToNum, isIpv4 } from "./addr.ts";
import { HostConntrack } from "./conntrack.ts";
import { primaryIpv4, type Link } from "./interfaces.ts";
import { NodeFirewall, type NodeIptables } from "./iptables.ts";
import { NeighborTable, type Neighbor } from "./neighbors.ts";
import { RouteTable, type Route } from "./routes.ts";

/** mulberry32: a small, seedable 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A 32-bit seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface HostConfig {
  readonly name: string;
  readonly links: readonly Link[];
  readonly routes: readonly Route[];
  readonly neighbors?: readonly Neighbor[];
  /** /proc/net/arp order to reproduce (IPs); see neighbors.ts. */
  readonly neighborOrder?: readonly string[];
  /** Or a rank function for that order (lower first). */
  readonly neighborRank?: (ip: string) => number;
  /** Reverse names `arp -a` and `iptables -L` show (/etc/hosts, `_gateway`). */
  readonly hostNames?: ReadonlyMap<string, string>;
  readonly iptables: NodeIptables;
  /** Seed of the host's random source (iptables `statistic`). */
  readonly seed: number;
  /** The login user of the prompt (`vmware`). */
  readonly user?: string;
}

export class Host {
  readonly name: string;
  readonly links: Link[];
  readonly routes: RouteTable;
  readonly neighbors: NeighborTable;
  readonly firewall: NodeFirewall;
  readonly conntrack = new HostConntrack();
  readonly hostNames: ReadonlyMap<string, string>;
  readonly user: string;
  private rng: () => number;

  constructor(cfg: HostConfig) {
    this.name = cfg.name;
    this.links = [...cfg.links];
    this.routes = new RouteTable(cfg.routes);
    this.neighbors = new NeighborTable(cfg.neighbors ?? [], cfg.neighborOrder ?? cfg.neighborRank ?? []);
    this.firewall = new NodeFirewall(cfg.iptables);
    this.hostNames = cfg.hostNames ?? new Map();
    this.user = cfg.user ?? "vmware";
    this.rng = mulberry32(cfg.seed);
  }

  /** Reseeds the random source (e.g. `--seed`). */
  reseed(seed: number): void {
    this.rng = mulberry32(seed);
  }

  /** `prandom_u32() & 0x7fffffff`. */
  random31(): number {
    return this.rng() & 0x7fffffff;
  }

  link(name: string): Link | undefined {
    return this.links.find((l) => l.name === name);
  }

  /** Whether `ip` is one of this host's own IPv4 addresses (the local table). */
  isLocal(ip: string): boolean {
    if (!isIpv4(ip)) return false;
    if (ipToNum(ip) >>> 24 === 127) return true;
    return this.links.some((l) => l.addresses.some((a) => a.family === "inet" && a.address === ip));
  }

  /** Primary IPv4 address of a device (MASQUERADE's source). */
  addressOf(dev: string): string | undefined {
    const l = this.link(dev);
    return l ? primaryIpv4(l)?.address : undefined;
  }

  /** Links whose carrier is down (their routes print `linkdown`). */
  linkDown(): Set<string> {
    return new Set(this.links.filter((l) => l.flags.includes("UP") && !l.flags.includes("LOWER_UP")).map((l) => l.name));
  }

  hostName(ip: string): string | undefined {
    return this.hostNames.get(ip);
  }
}
