/**
 * The network tools of a Node (and of a Pod's network namespace):
 * iproute2's `ip`, net-tools' `arp`, iptables 1.6.1's `iptables` and
 * `iptables-save`, and conntrack-tools 1.4.4's `conntrack`, with their
 * option parsing, their permission checks (the seed's user is `vmware`, not
 * root) and their error messages.
 */
import { conntrackSummary, formatConntrackL } from "../host/conntrack.ts";
import { formatIpAddress, formatIpAddressBrief, formatIpLink, type Link } from "../host/interfaces.ts";
import { formatIptablesL, formatIptablesS, formatIptablesSave, TABLE_NAMES, type TableName } from "../host/iptables.ts";
import { formatArpA, formatArpTable, formatIpNeigh } from "../host/neighbors.ts";
import { connectedRoute, formatIpRoute, formatRouteGet, RouteTable } from "../host/routes.ts";
import { podLinks } from "../cluster/hosts.ts";
import type { Cluster } from "../cluster/cluster.ts";
import { fail, inHostNetwork, nodeOf, ok, type CommandEnv, type Context, type Output } from "./types.ts";

export function isRoot(ctx: Context): boolean {
  return ctx.kind === "container" || ctx.user === "root";
}

interface NetView {
  readonly links: readonly Link[];
  readonly routes: RouteTable;
  readonly linkDown: ReadonlySet<string>;
}

/** The network namespace a context sees. */
function netView(c: Cluster, ctx: Context): NetView {
  if (inHostNetwork(ctx)) {
    const host = c.runtime(nodeOf(ctx))!.host;
    return { links: host.links, routes: host.routes, linkDown: host.linkDown() };
  }
  const pod = (ctx as Extract<Context, { kind: "container" }>).pod;
  const links = podLinks(c.scenario, pod);
  const node = c.nodeByName(pod.spec.nodeName)!;
  const len = Number(node.podCIDR.split("/")[1]);
  const routes = new RouteTable([
    { via: node.gatewayIP, dev: "eth0" },
    connectedRoute(pod.status.podIP, len, "eth0"),
  ]);
  return { links, routes, linkDown: new Set() };
}

const IP_OBJECTS = [
  "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "link", "l2tp", "fou", "ila", "macsec", "tunnel",
  "tuntap", "token", "tcpmetrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf", "sr", "help",
];

/** iproute2 4.15 `ip`. */
export function ipCommand(argv: readonly string[], env: CommandEnv): Output {
  const c = env.cluster;
  let family: "inet" | "inet6" | undefined;
  let brief = false;
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    const o = argv[i]!;
    if (o === "-4") family = "inet";
    else if (o === "-6") family = "inet6";
    else if (o === "-br" || o === "-brief") brief = true;
    else if (o === "-d" || o === "-details" || o === "-s" || o === "-stats" || o === "-c" || o === "-color") continue;
    else if (o === "-V" || o === "-Version") return ok("ip utility, iproute2-ss180129\n");
    else return fail(`Option "${o}" is unknown, try "ip -help".\n`, 255);
  }
  const obj = argv[i];
  const rest = argv.slice(i + 1);
  if (obj === undefined) {
    return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { link | address | addrlabel | route | rule | neigh | ntable |\n                   tunnel | tuntap | maddress | mroute | mrule | monitor | xfrm |\n                   netns | l2tp | fou | macsec | tcp_metrics | token | netconf | ila |\n                   vrf | sr }\n       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n                    -h[uman-readable] | -iec |\n                    -f[amily] { inet | inet6 | ipx | dnet | mpls | bridge | link } |\n                    -4 | -6 | -I | -D | -B | -0 |\n                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n                    -rc[vbuf] [size] | -n[etns] name | -a[ll] | -c[olor]}\n', 255);
  }
  const object = IP_OBJECTS.find((o) => o.startsWith(obj));
  if (!object) return fail(`Object "${obj}" is unknown, try "ip help".\n`, 255);
  const view = netView(c, env.ctx);
  // `show [dev] NAME` / `list` / `ls` / `lst`.
  const showArgs = (args: readonly string[]): { dev?: string; up: boolean } | Output => {
    let a = [...args];
    if (a[0] !== undefined && ["show", "list", "lst", "ls", "sh", "s"].includes(a[0])) a = a.slice(1);
    let dev: string | undefined;
    let up = false;
    for (let k = 0; k < a.length; k++) {
      if (a[k] === "dev") dev = a[++k];
      else if (a[k] === "up") up = true;
      else dev = a[k];
    }
    if (dev !== undefined && !view.links.some((l) => l.name === dev)) return fail(`Device "${dev}" does not exist.\n`, 1);
    return { ...(dev !== undefined ? { dev } : {}), up };
  };
  switch (object) {
    case "address": {
      const s = showArgs(rest);
      if ("code" in s) return s;
      const opts = { ...s, ...(family ? { family } : {}) };
      return ok(brief ? formatIpAddressBrief(view.links, opts) : formatIpAddress(view.links, opts));
    }
    case "link": {
      const s = showArgs(rest);
      if ("code" in s) return s;
      return ok(formatIpLink(view.links, s));
    }
    case "route": {
      if (rest[0] === "get") {
        const dst = rest[1];
        if (dst === undefined) return fail("need at least a destination address\n", 1);
        if (!/^\d+\.\d+\.\d+\.\d+$/.test(dst)) return fail(`Error: any valid prefix is expected rather than "${dst}".\n`, 1);
        const uid = env.ctx.kind === "host" && env.ctx.user !== "root" ? 1000 : 0;
        const hit = view.routes.lookup(dst);
        const src = hit ? view.links.find((l) => l.name === hit.route.dev)?.addresses.find((x) => x.family === "inet")?.address : undefined;
        const text = formatRouteGet(view.routes, dst, src, uid);
        return text ? ok(text) : fail("RTNETLINK answers: Network is unreachable\n", 2);
      }
      const a = rest[0] !== undefined && ["show", "list", "lst", "ls", "sh"].includes(rest[0]) ? rest.slice(1) : rest;
      let dev: string | undefined;
      for (let k = 0; k < a.length; k++) if (a[k] === "dev") dev = a[++k];
      if (dev !== undefined && !view.links.some((l) => l.name === dev)) return fail(`Cannot find device "${dev}"\n`, 1);
      if (family === "inet6") return ok("");
      return ok(formatIpRoute(view.routes, { linkDown: view.linkDown, ...(dev ? { dev } : {}) }));
    }
    case "neighbor":
    case "neighbour": {
      if (!inHostNetwork(env.ctx)) return ok("");
      const a = rest[0] !== undefined && ["show", "list", "lst", "ls", "sh"].includes(rest[0]) ? rest.slice(1) : rest;
      let dev: string | undefined;
      let to: string | undefined;
      for (let k = 0; k < a.length; k++) {
        if (a[k] === "dev") dev = a[++k];
        else if (a[k] === "to") to = a[++k];
        else to = a[k];
      }
      if (dev !== undefined && !view.links.some((l) => l.name === dev)) return fail(`Cannot find device "${dev}"\n`, 1);
      return ok(formatIpNeigh(c.runtime(nodeOf(env.ctx))!.host.neighbors, { ...(dev ? { dev } : {}), ...(to ? { to } : {}) }));
    }
    case "help":
      return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n', 255);
    default:
      return fail(`ip ${object}: not simulated in this lab\n`, 255);
  }
}

/** net-tools `arp`. */
export function arpCommand(argv: readonly string[], env: CommandEnv): Output {
  let all = false, numeric = false;
  let dev: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-i") {
      dev = argv[++i];
      continue;
    }
    if (!a.startsWith("-")) return fail(`${a} (${a}) -- no entry\n`, 1);
    for (const f of a.slice(1)) {
      if (f === "a") all = true;
      else if (f === "n") numeric = true;
      else if (f === "e" || f === "v") continue;
      else return fail(`arp: invalid option -- '${f}'\nUsage:\n  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache\n`, 255);
    }
  }
  if (!inHostNetwork(env.ctx)) return ok("");
  const host = env.cluster.runtime(nodeOf(env.ctx))!.host;
  const table = host.neighbors;
  const names = (ip: string): string | undefined => host.hostName(ip);
  const filtered = dev === undefined ? table : { list: table.list.filter((n) => n.dev === dev) } as unknown as typeof table;
  return ok(all ? formatArpA(filtered, names, numeric) : formatArpTable(filtered, names, numeric));
}

const IPT_VERSION = "1.6.1";

function iptInitError(table: string, reason: string): Output {
  return fail(`iptables v${IPT_VERSION}: can't initialize iptables table \`${table}': ${reason}\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
}

/** iptables 1.6.1: -t, -L/-S/-Z [CHAIN], -n, -v, -x, --line-numbers. */
export function iptablesCommand(argv: readonly string[], env: CommandEnv): Output {
  let table = "filter";
  let cmd: "L" | "S" | "Z" | undefined;
  let chain: string | undefined;
  let numeric = false, verbose = false, exact = false, lineNumbers = false;
  const setCmd = (c: "L" | "S" | "Z"): Output | undefined => {
    if (cmd && cmd !== c) return fail(`iptables v${IPT_VERSION}: Cannot use -${c} with -${cmd}\n\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
    cmd = c;
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-t" || a === "--table") {
      const t = argv[++i];
      if (t === undefined) return fail(`iptables v${IPT_VERSION}: option "-t" requires an argument\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
      table = t;
      continue;
    }
    if (a === "--list" || a === "--list-rules" || a === "--zero") {
      const e = setCmd(a === "--list" ? "L" : a === "--zero" ? "Z" : "S");
      if (e) return e;
      if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) chain = argv[++i];
      continue;
    }
    if (a === "--numeric") { numeric = true; continue; }
    if (a === "--verbose") { verbose = true; continue; }
    if (a === "--exact") { exact = true; continue; }
    if (a === "--line-numbers") { lineNumbers = true; continue; }
    if (a.startsWith("-") && !a.startsWith("--") && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const f = a[k]!;
        if (f === "L" || f === "S" || f === "Z") {
          const e = setCmd(f);
          if (e) return e;
          if (k === a.length - 1 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) chain = argv[++i];
        } else if (f === "n") numeric = true;
        else if (f === "v") verbose = true;
        else if (f === "x") exact = true;
        else if (f === "t") {
          const t = a.slice(k + 1) || argv[++i];
          if (!t) return fail(`iptables v${IPT_VERSION}: option "-t" requires an argument\n`, 2);
          table = t;
          break;
        } else if ("AIDFRNXPE".includes(f)) {
          return fail(`iptables: changing rules is not simulated in this lab (rules come from kube-proxy, Antrea and docker)\n`, 1);
        } else {
          return fail(`iptables v${IPT_VERSION}: unknown option "-${f}"\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
        }
      }
      continue;
    }
    if (a.startsWith("--")) return fail(`iptables v${IPT_VERSION}: unknown option "${a}"\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
    return fail(`Bad argument \`${a}'\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  }
  if (!cmd) return fail(`iptables v${IPT_VERSION}: no command specified\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  if (!isRoot(env.ctx)) return iptInitError(table, "Permission denied (you must be root)");
  if (!(TABLE_NAMES as readonly string[]).includes(table)) return iptInitError(table, "Table does not exist (do you need to insmod?)");
  if (!inHostNetwork(env.ctx)) return ok(emptyTable(table as TableName, cmd));
  const fw = env.cluster.runtime(nodeOf(env.ctx))!.host.firewall;
  const t = fw.table(table as TableName);
  if (chain !== undefined && !t.chain(chain)) return fail("iptables: No chain/target/match by that name.\n", 1);
  if (cmd === "Z") {
    t.resetCounters();
    return ok("");
  }
  if (cmd === "S") return ok(formatIptablesS(t, chain, verbose));
  const hostNames = env.cluster.runtime(nodeOf(env.ctx))!.host.hostNames;
  return ok(formatIptablesL(t, chain, { numeric, verbose, exact, lineNumbers, hostName: (ip) => hostNames.get(ip) }));
}

/** A Pod's own network namespace has no rules. */
function emptyTable(table: TableName, cmd: "L" | "S" | "Z"): string {
  const chains: Record<TableName, string[]> = {
    filter: ["INPUT", "FORWARD", "OUTPUT"], nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
    mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"], raw: ["PREROUTING", "OUTPUT"],
  };
  if (cmd === "S") return chains[table].map((c) => `-P ${c} ACCEPT\n`).join("");
  if (cmd === "Z") return "";
  return chains[table].map((c) => `Chain ${c} (policy ACCEPT)\ntarget     prot opt source               destination         \n`).join("\n");
}

/** `iptables-save [-c] [-t TABLE]`. */
export function iptablesSaveCommand(argv: readonly string[], env: CommandEnv): Output {
  let table: string | undefined;
  let counters = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-t" || a === "--table") table = argv[++i];
    else if (a.startsWith("--table=")) table = a.slice(8);
    else if (a === "-c" || a === "--counters") counters = true;
    else return fail(`Unknown arguments found on commandline\n`, 1);
  }
  if (!isRoot(env.ctx)) return fail(`iptables-save v${IPT_VERSION}: Cannot initialize: Permission denied (you must be root)\n\n`, 1);
  if (table !== undefined && !(TABLE_NAMES as readonly string[]).includes(table)) {
    return fail(`iptables-save v${IPT_VERSION}: Cannot initialize: Table does not exist (do you need to insmod?)\n\n`, 1);
  }
  if (!inHostNetwork(env.ctx)) return ok("");
  const fw = env.cluster.runtime(nodeOf(env.ctx))!.host.firewall;
  return ok(formatIptablesSave(fw, { ...(table ? { table: table as TableName } : {}), counters, now: env.cluster.scenario.cluster.clock }));
}

/** conntrack-tools 1.4.4: `conntrack -L [-p PROTO] [-s IP] [-d IP]`, `-C`. */
export function conntrackCommand(argv: readonly string[], env: CommandEnv): Output {
  let cmd: "L" | "C" | undefined;
  let proto: string | undefined, src: string | undefined, dst: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-L" || a === "--dump") cmd = "L";
    else if (a === "-C" || a === "--count") cmd = "C";
    else if (a === "-p" || a === "--proto") proto = argv[++i];
    else if (a === "-s" || a === "--src" || a === "--orig-src") src = argv[++i];
    else if (a === "-d" || a === "--dst" || a === "--orig-dst") dst = argv[++i];
    else if (a === "-n" || a === "-o") { if (a === "-o") i++; continue; }
    else return fail(`conntrack v1.4.4 (conntrack-tools): Bad parameter \`${a}'\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`, 2);
  }
  if (!cmd) return fail("conntrack v1.4.4 (conntrack-tools): no command specified\nTry `conntrack -h' or 'conntrack --help' for more information.\n", 2);
  if (!isRoot(env.ctx)) return fail("conntrack v1.4.4 (conntrack-tools): Operation failed: Operation not permitted\n", 1);
  if (!inHostNetwork(env.ctx)) return cmd === "C" ? ok("0\n") : { stdout: "", stderr: "conntrack v1.4.4 (conntrack-tools): 0 flow entries have been shown.\n", code: 0 };
  const ct = env.cluster.runtime(nodeOf(env.ctx))!.host.conntrack;
  const view = {
    list: ct.list.filter((e) => (!proto || e.orig.proto === proto) && (!src || e.orig.src === src) && (!dst || e.orig.dst === dst)),
  } as unknown as typeof ct;
  if (cmd === "C") return ok(`${view.list.length}\n`);
  return { stdout: formatConntrackL(view), stderr: conntrackSummary(view), code: 0 };
}
