/**
 * A Node's Linux side, built from the scenario: its links (the Cluster
 * document's interfaces plus lo and the Pods' veths), the routes the kernel
 * and the Antrea agent install, the underlay neighbours a running Node has
 * already resolved, and the iptables rules of kube-proxy, the kubelet,
 * Antrea and docker.
 */
import { linkLocalOf, parsePrefix } from "../host/addr.ts";
import { Host, seedOf } from "../host/host.ts";
import { loopback, type Link, type LinkAddress } from "../host/interfaces.ts";
import { buildNodeIptables, type KubeProxyService } from "../host/iptables.ts";
import type { Neighbor } from "../host/neighbors.ts";
import { connectedRoute, type Route } from "../host/routes.ts";
import { sha1 } from "../k8s/sha1.ts";
import type { ClusterNode, Pod, Scenario } from "../k8s/types.ts";
import { localPods } from "../k8s/query.ts";

function parseAddress(text: string): LinkAddress {
  const [addr, len] = text.split("/");
  if (addr!.includes(":")) {
    const scope = addr!.toLowerCase().startsWith("fe80:") ? "link" : addr === "::1" ? "host" : "global";
    return { family: "inet6", address: addr!, prefixLen: Number(len ?? 128), scope };
  }
  return { family: "inet", address: addr!, prefixLen: Number(len ?? 32), scope: addr!.startsWith("127.") ? "host" : "global" };
}

/** Kernel flags, qdisc, state and txqlen of the devices an Antrea Node has, by name. */
function deviceTraits(name: string, uplink: string): Pick<Link, "flags" | "qdisc" | "state" | "qlen" | "master"> {
  const up = ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"];
  if (name === uplink) return { flags: up, qdisc: "mq", state: "UP", qlen: 1000 };
  if (name === "docker0" || name.startsWith("br-")) return { flags: ["BROADCAST", "MULTICAST", "UP"], qdisc: "noqueue", state: "DOWN", qlen: 0 };
  if (name === "ovs-system") return { flags: ["BROADCAST", "MULTICAST"], qdisc: "noop", state: "DOWN", qlen: 1000 };
  if (name.startsWith("genev_sys") || name.startsWith("vxlan_sys") || name.startsWith("gre_sys")) {
    return { flags: up, qdisc: "noqueue", master: "ovs-system", state: "UNKNOWN", qlen: 1000 };
  }
  if (name === "antrea-gw0") return { flags: up, qdisc: "noqueue", state: "UNKNOWN", qlen: 1000 };
  return { flags: up, qdisc: "noqueue", state: "UP", qlen: 1000 };
}

/** Links of a Node's root namespace. */
export function nodeLinks(s: Scenario, node: ClusterNode): Link[] {
  const links: Link[] = [loopback()];
  for (const i of node.interfaces) {
    const t = deviceTraits(i.name, node.uplink);
    const addresses = i.addresses.map(parseAddress);
    const mac = i.mac ?? "00:00:00:00:00:00";
    // A device that is up with carrier has an EUI-64 link-local address; add it when the scenario does not list one.
    if (t.flags.includes("LOWER_UP") && !addresses.some((a) => a.family === "inet6") && i.mac) {
      addresses.push({ family: "inet6", address: linkLocalOf(i.mac), prefixLen: 64, scope: "link" });
    }
    links.push({ ifindex: i.ifindex, name: i.name, ...t, mtu: i.mtu ?? 1500, linkType: "ether", mac, brd: "ff:ff:ff:ff:ff:ff", addresses });
  }
  // Pod veths: link-netnsid numbers the Pods' namespaces in the order the host first saw them (Pod creation order).
  const pods = localPods(s, node.name).slice().sort((a, b) =>
    a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : a.lab!.hostIfindex - b.lab!.hostIfindex);
  const gw = node.interfaces.find((i) => i.name === "antrea-gw0");
  pods.forEach((p, n) => {
    const lab = p.lab!;
    links.push({
      ifindex: lab.hostIfindex, name: lab.interfaceName, peerIfindex: lab.peerIfindex, linkNetnsid: n,
      flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], mtu: gw?.mtu ?? 1450, qdisc: "noqueue", master: "ovs-system",
      state: "UP", qlen: 0, linkType: "ether", mac: lab.hostVethMAC, brd: "ff:ff:ff:ff:ff:ff",
      addresses: [{ family: "inet6", address: linkLocalOf(lab.hostVethMAC), prefixLen: 64, scope: "link" }],
    });
  });
  return links;
}

/** The links inside a Pod's network namespace: lo and eth0@ifN. */
export function podLinks(s: Scenario, pod: Pod): Link[] {
  const lab = pod.lab!;
  const node = s.nodes.find((n) => n.name === pod.spec.nodeName);
  const gw = node?.interfaces.find((i) => i.name === "antrea-gw0");
  const prefixLen = node ? Number(node.podCIDR.split("/")[1]) : 24;
  return [
    loopback(),
    {
      ifindex: lab.peerIfindex, name: "eth0", peerIfindex: lab.hostIfindex, linkNetnsid: 0,
      flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], mtu: gw?.mtu ?? 1450, qdisc: "noqueue", state: "UP", qlen: 0,
      linkType: "ether", mac: lab.mac, brd: "ff:ff:ff:ff:ff:ff",
      addresses: [
        { family: "inet", address: pod.status.podIP, prefixLen, scope: "global" },
        { family: "inet6", address: linkLocalOf(lab.mac), prefixLen: 64, scope: "link" },
      ],
    },
  ];
}

/** Routes: connected ones (kernel), the default route, and Antrea's onlink route per peer PodCIDR. */
export function nodeRoutes(s: Scenario, node: ClusterNode, links: readonly Link[]): Route[] {
  const routes: Route[] = [];
  for (const l of links) {
    if (l.name === "lo" || !l.flags.includes("UP")) continue;
    for (const a of l.addresses) if (a.family === "inet") routes.push(connectedRoute(a.address, a.prefixLen, l.name));
  }
  if (s.cluster.defaultGateway) routes.push({ via: s.cluster.defaultGateway, dev: node.uplink, proto: "static" });
  for (const peer of s.nodes) {
    if (peer.name === node.name || !peer.podCIDR) continue;
    routes.push({ dst: parsePrefix(peer.podCIDR), via: peer.gatewayIP, dev: "antrea-gw0", onlink: true });
  }
  return routes;
}

/** What a running Node has already resolved on the underlay: its gateway, the DNS server and the other Nodes. */
export function underlayNeighbors(s: Scenario, node: ClusterNode): Neighbor[] {
  const out: Neighbor[] = [];
  const net = s.cluster.nodeNetwork ? parsePrefix(s.cluster.nodeNetwork) : undefined;
  const onLink = (ip: string): boolean => !net || (ip.split(".").length === 4 && net.base === parsePrefix(`${ip}/${net.len}`).base);
  for (const h of s.cluster.externalHosts) {
    if (h.mac && onLink(h.ip)) out.push({ ip: h.ip, mac: h.mac, dev: node.uplink, state: "REACHABLE" });
  }
  for (const peer of s.nodes) {
    if (peer.name !== node.name) out.push({ ip: peer.ip, mac: peer.mac, dev: node.uplink, state: "REACHABLE" });
  }
  return out;
}

/** Names the Node resolves addresses to: /etc/hosts (the Nodes) and systemd-resolved's `_gateway`. */
export function hostNames(s: Scenario): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of s.nodes) m.set(n.ip, n.name);
  if (s.cluster.defaultGateway) m.set(s.cluster.defaultGateway, "_gateway");
  return m;
}

/** Services and their endpoints as kube-proxy sees them (sorted by name: Go's map order is not fixed). */
export function kubeProxyServices(s: Scenario): KubeProxyService[] {
  const out: KubeProxyService[] = [];
  for (const svc of s.services) {
    if (!svc.spec.clusterIP || svc.spec.clusterIP === "None" || svc.spec.type === "ExternalName") continue;
    const ep = s.endpoints.find((e) => e.metadata.namespace === svc.metadata.namespace && e.metadata.name === svc.metadata.name);
    out.push({
      namespace: svc.metadata.namespace,
      name: svc.metadata.name,
      clusterIP: svc.spec.clusterIP,
      ports: svc.spec.ports.map((sp) => {
        const endpoints: { ip: string; port: number }[] = [];
        for (const sub of ep?.subsets ?? []) {
          const port = sub.ports.find((p) => p.name === sp.name && p.protocol === sp.protocol);
          if (!port) continue;
          for (const a of sub.addresses) endpoints.push({ ip: a.ip, port: port.port });
        }
        return { name: sp.name, protocol: sp.protocol, port: sp.port, ...(sp.nodePort ? { nodePort: sp.nodePort } : {}), endpoints };
      }),
    });
  }
  return out.sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
}

/**
 * The /proc/net/arp order when the scenario pins none: the kernel lists
 * neighbours by hash bucket (a keyed hash of the address), which this
 * imitates with a hash keyed by the scenario seed and the Node.
 */
export function hashedNeighborRank(seed: string, node: string): (ip: string) => number {
  return (ip) => {
    const d = sha1(`neigh\u0000${seed}\u0000${node}\u0000${ip}`);
    return ((d[0]! << 8) | d[1]!) >>> 0;
  };
}

export interface NodeHostOptions {
  /** /proc/net/arp order to reproduce. */
  readonly neighborOrder?: readonly string[];
  /** Seed of the host's random source. */
  readonly rngSeed: string;
}

export function buildNodeHost(s: Scenario, node: ClusterNode, opts: NodeHostOptions): Host {
  const links = nodeLinks(s, node);
  const docker = node.interfaces.find((i) => i.name === "docker0");
  const dockerAddr = docker?.addresses.find((a) => !a.includes(":"));
  const iptables = buildNodeIptables({
    clusterCIDR: s.cluster.clusterCIDR,
    podCIDR: node.podCIDR,
    gateway: "antrea-gw0",
    ...(dockerAddr ? { docker: { bridge: "docker0", subnet: formatNet(dockerAddr) } } : {}),
    services: kubeProxyServices(s),
  });
  iptables.ipsets.set("ANTREA-POD-IP", s.nodes.filter((n) => n.podCIDR).map((n) => n.podCIDR));
  const order = opts.neighborOrder;
  return new Host({
    name: node.name,
    links,
    routes: nodeRoutes(s, node, links),
    neighbors: underlayNeighbors(s, node),
    ...(order ? { neighborOrder: order } : { neighborRank: hashedNeighborRank(s.cluster.seed, node.name) }),
    hostNames: hostNames(s),
    iptables,
    seed: seedOf(opts.rngSeed),
  });
}

function formatNet(cidr: string): string {
  const p = parsePrefix(cidr);
  return `${[p.base >>> 24, (p.base >>> 16) & 255, (p.base >>> 8) & 255, p.base & 255].join(".")}/${p.len}`;
}
