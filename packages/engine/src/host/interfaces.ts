/**
 * Linux network interfaces of a simulated host and the text of iproute2
 * 4.15's `ip address` and `ip link` (Ubuntu 18.04), which the seed lab ran.
 *
 * Layout, from ip/ipaddress.c (4.15):
 *   "%d: %s[@if%d]: <FLAGS> mtu %u qdisc %s [master %s ]state %s [mode %s ]group %s [qlen %u]"
 *   "    link/%s %s brd %s[ link-netnsid %d]"
 *   "    inet %s/%d [brd %s ]scope %s [label]"   (IPv4 carries the label, e.g. "ens160")
 *   "    inet6 %s/%d scope %s "                  (IPv6: no label, so a trailing space)
 *   "       valid_lft forever preferred_lft forever"
 * `group default ` keeps its trailing space when no qlen follows (txqlen 0,
 * as on docker0 and veths).
 */
import { broadcastOf } from "./addr.ts";

export interface LinkAddress {
  readonly family: "inet" | "inet6";
  readonly address: string;
  readonly prefixLen: number;
  /** IPv4 broadcast (`brd`); derived from the prefix when omitted. */
  readonly broadcast?: string;
  readonly scope: "global" | "link" | "host";
}

export interface Link {
  readonly ifindex: number;
  readonly name: string;
  /** ifindex of the peer end of a veth (`@ifN`), with the peer's netns id (`link-netnsid`). */
  readonly peerIfindex?: number;
  readonly linkNetnsid?: number;
  /** Kernel flags in iproute2's print order, e.g. BROADCAST,MULTICAST,UP,LOWER_UP. */
  readonly flags: readonly string[];
  readonly mtu: number;
  readonly qdisc: string;
  /** `master ovs-system` for ports of the OVS datapath. */
  readonly master?: string;
  readonly state: "UP" | "DOWN" | "UNKNOWN" | "LOWERLAYERDOWN";
  /** 0 prints nothing (bridges, veths). */
  readonly qlen: number;
  readonly linkType: "ether" | "loopback" | "none";
  readonly mac: string;
  readonly brd: string;
  readonly addresses: readonly LinkAddress[];
}

/** iproute2 prints flags in this order (print_link_flags). */
const FLAG_ORDER = [
  "LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP", "ALLMULTI", "PROMISC", "MASTER", "SLAVE",
  "DEBUG", "DYNAMIC", "AUTOMEDIA", "PORTSEL", "NOTRAILERS", "UP", "LOWER_UP", "DORMANT", "ECHO",
];

function flagText(link: Link): string {
  const flags = [...link.flags];
  // NO-CARRIER comes first when the device is up without carrier.
  const noCarrier = flags.includes("UP") && !flags.includes("LOWER_UP") && link.linkType !== "loopback";
  const sorted = FLAG_ORDER.filter((f) => flags.includes(f));
  if (flags.includes("M-DOWN")) sorted.push("M-DOWN");
  return `<${noCarrier ? "NO-CARRIER," : ""}${sorted.join(",")}>`;
}

function headLine(link: Link, mode: boolean): string {
  let s = `${link.ifindex}: ${link.name}`;
  if (link.peerIfindex !== undefined) s += `@if${link.peerIfindex}`;
  s += `: ${flagText(link)} mtu ${link.mtu} qdisc ${link.qdisc} `;
  if (link.master) s += `master ${link.master} `;
  s += `state ${link.state} `;
  if (mode) s += "mode DEFAULT ";
  s += "group default ";
  if (link.qlen > 0) s += `qlen ${link.qlen}`;
  return s;
}

function linkLine(link: Link): string {
  let s = `    link/${link.linkType} ${link.mac} brd ${link.brd}`;
  if (link.linkNetnsid !== undefined) s += ` link-netnsid ${link.linkNetnsid}`;
  return s;
}

function addressLines(link: Link, family?: "inet" | "inet6"): string[] {
  const out: string[] = [];
  const ordered = [...link.addresses.filter((a) => a.family === "inet"), ...link.addresses.filter((a) => a.family === "inet6")];
  for (const a of ordered) {
    if (family && a.family !== family) continue;
    if (a.family === "inet") {
      let s = `    inet ${a.address}/${a.prefixLen} `;
      if (a.prefixLen < 31 && a.scope !== "host") s += `brd ${a.broadcast ?? broadcastOf(a.address, a.prefixLen)} `;
      s += `scope ${a.scope} ${link.name}`;
      out.push(s);
    } else {
      out.push(`    inet6 ${a.address}/${a.prefixLen} scope ${a.scope} `);
    }
    out.push("       valid_lft forever preferred_lft forever");
  }
  return out;
}

export interface IpShowOptions {
  /** `dev NAME` / a bare name: only that link. */
  readonly dev?: string;
  /** `-4` / `-6`. */
  readonly family?: "inet" | "inet6";
  /** `up`: only links that are administratively up. */
  readonly up?: boolean;
}

/** `ip address [show [dev] NAME]`. */
export function formatIpAddress(links: readonly Link[], opts: IpShowOptions = {}): string {
  const lines: string[] = [];
  for (const link of [...links].sort((a, b) => a.ifindex - b.ifindex)) {
    if (opts.dev !== undefined && link.name !== opts.dev) continue;
    if (opts.up && !link.flags.includes("UP")) continue;
    const addrs = addressLines(link, opts.family);
    // With -4/-6, links without an address of that family are skipped.
    if (opts.family && addrs.length === 0) continue;
    lines.push(headLine(link, false));
    if (!opts.family) lines.push(linkLine(link));
    lines.push(...addrs);
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** `ip link [show [dev] NAME]`. */
export function formatIpLink(links: readonly Link[], opts: IpShowOptions = {}): string {
  const lines: string[] = [];
  for (const link of [...links].sort((a, b) => a.ifindex - b.ifindex)) {
    if (opts.dev !== undefined && link.name !== opts.dev) continue;
    if (opts.up && !link.flags.includes("UP")) continue;
    lines.push(headLine(link, true), linkLine(link));
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** `ip -br address`: NAME STATE ADDRESSES, columns as iproute2 pads them. */
export function formatIpAddressBrief(links: readonly Link[], opts: IpShowOptions = {}): string {
  const lines: string[] = [];
  for (const link of [...links].sort((a, b) => a.ifindex - b.ifindex)) {
    if (opts.dev !== undefined && link.name !== opts.dev) continue;
    const name = link.peerIfindex !== undefined ? `${link.name}@if${link.peerIfindex}` : link.name;
    let s = name.padEnd(16) + " " + link.state.padEnd(14) + " ";
    for (const a of link.addresses) {
      if (opts.family && a.family !== opts.family) continue;
      s += `${a.address}/${a.prefixLen} `;
    }
    lines.push(s);
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** The loopback device every network namespace has. */
export function loopback(): Link {
  return {
    ifindex: 1,
    name: "lo",
    flags: ["LOOPBACK", "UP", "LOWER_UP"],
    mtu: 65536,
    qdisc: "noqueue",
    state: "UNKNOWN",
    qlen: 1000,
    linkType: "loopback",
    mac: "00:00:00:00:00:00",
    brd: "00:00:00:00:00:00",
    addresses: [
      { family: "inet", address: "127.0.0.1", prefixLen: 8, scope: "host" },
      { family: "inet6", address: "::1", prefixLen: 128, scope: "host" },
    ],
  };
}

/** Primary IPv4 address of a link, if any. */
export function primaryIpv4(link: Link): LinkAddress | undefined {
  return link.addresses.find((a) => a.family === "inet" && a.scope !== "host") ??
    link.addresses.find((a) => a.family === "inet");
}
