/**
 * Deterministic layout of the cluster diagram: one box per Node, stacked
 * top to bottom in the scenario's order. Inside a Node: its Pods in a row
 * (name, IP, interface), each joined by its veth to br-int at its OF port,
 * and under the bridge the gateway (antrea-gw0) and the tunnel port
 * (antrea-tun0). Geneve tunnels join the Nodes' tunnel ports on the right,
 * one lane per pair of Nodes.
 */

export interface TopologyNodeInput {
  readonly name: string;
  readonly ip: string;
  readonly uplink: string;
  readonly podCIDR: string;
  readonly gatewayIP: string;
  readonly gatewayOfport: number;
  readonly tunnelOfport: number;
}

export interface TopologyPodInput {
  /** `namespace/name`. */
  readonly key: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly ofport: number;
  readonly interfaceName: string;
}

export interface TopologyInput {
  readonly nodes: readonly TopologyNodeInput[];
  /** Pods with an OVS port, in the order to draw them. */
  readonly pods: readonly TopologyPodInput[];
}

/** Parts of the diagram a walk lights up. */
export interface TopologyHighlight {
  /** Pod keys. */
  readonly pods?: readonly string[];
  /** `node:ofport`. */
  readonly ports?: readonly string[];
  /** `nodeA|nodeB`, in either order. */
  readonly tunnels?: readonly string[];
}

export interface LaidRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LaidPod extends LaidRect {
  readonly key: string;
  readonly name: string;
  /** The name as drawn: shortened with an ellipsis when it would not fit the box. */
  readonly label: string;
  readonly ip: string;
  readonly interfaceName: string;
  readonly ofport: number;
  readonly lit: boolean;
  /** The veth from the Pod down to its port on the bridge. */
  readonly link: string;
  /** Centre of the OF port bubble on the bridge. */
  readonly portX: number;
  readonly portY: number;
  readonly portLit: boolean;
}

export interface LaidPort extends LaidRect {
  readonly name: string;
  readonly ofport: number;
  readonly detail: string;
  readonly lit: boolean;
  readonly link: string;
}

export interface LaidNode extends LaidRect {
  readonly name: string;
  readonly subtitle: string;
  readonly bridge: LaidRect;
  readonly pods: readonly LaidPod[];
  readonly gateway: LaidPort;
  readonly tunnel: LaidPort;
}

export interface LaidTunnel {
  readonly a: string;
  readonly b: string;
  readonly d: string;
  readonly lit: boolean;
}

export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidNode[];
  readonly tunnels: readonly LaidTunnel[];
  readonly summary: string;
}

const MARGIN = 12;
const PAD = 14;
const POD_W = 138;
const POD_H = 58;
const POD_GAP = 12;
const HEADER_H = 50;
const LINK_H = 34;
const BRIDGE_H = 26;
const PORT_W = 150;
const PORT_H = 44;
const NODE_GAP = 34;
const MIN_NODE_W = 2 * PORT_W + 3 * PAD + 40;
const LANE = 18;
const PORT_R = 11;
/** Characters of a Pod name that fit a Pod box at the diagram's font size. */
const POD_CHARS = 16;

export function layoutTopology(input: TopologyInput, hot: TopologyHighlight = {}): TopologyLayout {
  const litPods = new Set(hot.pods ?? []);
  const litPorts = new Set(hot.ports ?? []);
  const litTunnels = new Set((hot.tunnels ?? []).flatMap((t) => [t, t.split("|").reverse().join("|")]));

  const podsOf = (node: string): TopologyPodInput[] => input.pods.filter((p) => p.node === node);
  const innerW = Math.max(
    MIN_NODE_W,
    ...input.nodes.map((n) => {
      const k = podsOf(n.name).length;
      return 2 * PAD + k * POD_W + Math.max(0, k - 1) * POD_GAP;
    }),
  );
  const pairs: [number, number][] = [];
  for (let i = 0; i < input.nodes.length; i++) {
    for (let j = i + 1; j < input.nodes.length; j++) pairs.push([i, j]);
  }
  // Shorter pairs nearer the boxes.
  pairs.sort((p, q) => p[1] - p[0] - (q[1] - q[0]) || p[0] - q[0]);

  const nodes: LaidNode[] = [];
  let y = MARGIN;
  for (const n of input.nodes) {
    const x = MARGIN;
    const pods = podsOf(n.name);
    const podsY = y + HEADER_H;
    const bridgeY = podsY + (pods.length ? POD_H + LINK_H : 8);
    const bridge = { x: x + PAD, y: bridgeY, w: innerW - 2 * PAD, h: BRIDGE_H };
    const laidPods = pods.map((p, i): LaidPod => {
      const px = x + PAD + i * (POD_W + POD_GAP);
      const cx = px + POD_W / 2;
      return {
        key: p.key,
        name: p.name,
        label: p.name.length > POD_CHARS ? `${p.name.slice(0, POD_CHARS - 1)}…` : p.name,
        ip: p.ip,
        interfaceName: p.interfaceName,
        ofport: p.ofport,
        x: px,
        y: podsY,
        w: POD_W,
        h: POD_H,
        lit: litPods.has(p.key),
        link: `M${cx} ${podsY + POD_H}V${bridgeY - PORT_R}`,
        portX: cx,
        portY: bridgeY,
        portLit: litPorts.has(`${n.name}:${p.ofport}`),
      };
    });
    const portsY = bridgeY + BRIDGE_H + LINK_H;
    const port = (name: string, ofport: number, detail: string, px: number): LaidPort => ({
      name,
      ofport,
      detail,
      x: px,
      y: portsY,
      w: PORT_W,
      h: PORT_H,
      lit: litPorts.has(`${n.name}:${ofport}`),
      link: `M${px + PORT_W / 2} ${bridgeY + BRIDGE_H}V${portsY}`,
    });
    const gateway = port("antrea-gw0", n.gatewayOfport, n.gatewayIP, x + PAD);
    const tunnel = port("antrea-tun0", n.tunnelOfport, "Geneve", x + innerW - PAD - PORT_W);
    const h = portsY + PORT_H + PAD - y;
    nodes.push({
      name: n.name,
      subtitle: `${n.ip} (${n.uplink}) · Pods ${n.podCIDR}`,
      x,
      y,
      w: innerW,
      h,
      bridge,
      pods: laidPods,
      gateway,
      tunnel,
    });
    y += h + NODE_GAP;
  }

  // Tunnel ends spread down the right side of each tunnel port.
  const endsAt = new Map<number, number[]>();
  pairs.forEach((p, lane) => {
    for (const i of p) (endsAt.get(i) ?? endsAt.set(i, []).get(i)!).push(lane);
  });
  const endY = (node: number, lane: number): number => {
    const lanes = endsAt.get(node)!;
    const t = nodes[node]!.tunnel;
    return t.y + (t.h * (lanes.indexOf(lane) + 1)) / (lanes.length + 1);
  };
  const tunnels: LaidTunnel[] = pairs.map(([i, j], lane) => {
    const a = nodes[i]!;
    const b = nodes[j]!;
    const x1 = a.tunnel.x + a.tunnel.w;
    const lx = MARGIN + innerW + LANE * (lane + 1);
    const y1 = endY(i, lane);
    const y2 = endY(j, lane);
    return {
      a: a.name,
      b: b.name,
      d: `M${x1} ${y1}H${lx}V${y2}H${x1}`,
      lit: litTunnels.has(`${a.name}|${b.name}`),
    };
  });

  const width = MARGIN + innerW + LANE * (pairs.length + 1) + MARGIN;
  const height = y - NODE_GAP + MARGIN;
  const summary = input.nodes
    .map((n) => {
      const ps = podsOf(n.name).map((p) => `${p.name} (${p.ip}, port ${p.ofport})`);
      return `${n.name} (${n.ip}): ${ps.length ? ps.join(", ") : "no Pods with an OVS port"}; antrea-gw0 port ${n.gatewayOfport}, antrea-tun0 port ${n.tunnelOfport}.`;
    })
    .join(" ");
  return { width, height, nodes, tunnels, summary };
}
