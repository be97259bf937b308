/**
 * One Node's br-int as the Antrea v0.10 agent programs it: the ports, and
 * every flow in the order the agent installs it (agent.go
 * `initOpenFlowPipeline`: Initialize, gateway, tunnel, Service CIDR; then the
 * NodeRouteController's peers, the CNI server's Pods, and the NetworkPolicy
 * controller's rules), installed over OpenFlow 1.3.
 */
import { Bridge, type Port } from "../../bridge/bridge.ts";
import { localPods, nodeByName } from "../../k8s/query.ts";
import type { ConjActionOrder, ConjIdOrder, Scenario } from "../../k8s/types.ts";
import { FlowInstaller, type FlowInstall } from "./client.ts";
import { initialFlows } from "./conntrack.ts";
import { gatewayFlows } from "./gateway.ts";
import { nodeFlows, type PeerNode } from "./node.ts";
import { nodePolicyRules, type OFPolicyRule } from "./np-reconciler.ts";
import type { InternalPolicy } from "./np-controller.ts";
import { GW_OFPORT, GW_PORT_NAME, TRACEFLOW_TLV_MAP, TUN_OFPORT, TUN_PORT_NAME, pipelineTables, variantOf, type TableDef, type Variant } from "./pipeline.ts";
import { podFlows } from "./pod.ts";
import { PolicyFlows } from "./policy.ts";
import { serviceCIDRFlows } from "./service.ts";
import { tunnelFlows } from "./tunnel.ts";

export interface CompileOptions {
  /** Override the scenario's conj-ID numbering convention. */
  readonly conjIdOrder?: ConjIdOrder;
  /** Override the order of conjunction() actions on shared match flows. */
  readonly conjActionOrder?: ConjActionOrder;
}

export interface CompiledNode {
  readonly node: string;
  /** "v0.10" (the pipeline family). */
  readonly pipeline: "v0.10";
  readonly variant: Variant;
  /** The Node's br-int with its ports and flows (OVS dump order reproduced). */
  readonly bridge: Bridge;
  /** Every flow mod in installation order (modifications of shared flows included). */
  readonly installs: readonly FlowInstall[];
  /**
   * An `ovs-ofctl add-flows` file (OpenFlow 1.3 syntax) that, loaded into an
   * empty br-int in order, reproduces the bridge, dump order included.
   */
  readonly flowsText: string;
  /** TLV maps the agent adds (`ovs-ofctl add-tlv-map br-int …`): Traceflow's when the gate is on. */
  readonly tlvMaps: readonly string[];
  /** Port order of `ovs-vsctl show` (pinned, else the ofport order). */
  readonly vsctlPortOrder: readonly string[];
  readonly tables: readonly TableDef[];
  /** The NetworkPolicies sent to this Node and their OpenFlow rules (conj IDs). */
  readonly policies: readonly InternalPolicy[];
  readonly policyRules: readonly OFPolicyRule[];
}

export function compileNodeV010(s: Scenario, nodeName: string, opts: CompileOptions = {}): CompiledNode {
  const node = nodeByName(s, nodeName);
  if (!node) throw new Error(`no Node named "${nodeName}" (Nodes: ${s.nodes.map((n) => n.name).join(", ")})`);
  const a = s.cluster.antrea;
  const v = variantOf(a.version, a.featureGates, a.roundNum);
  const pods = localPods(s, nodeName).slice().sort((x, y) => x.lab!.ofport - y.lab!.ofport);

  const ports: Port[] = [
    { name: TUN_PORT_NAME, ofport: TUN_OFPORT, type: "geneve", mac: node.bridge.tunnelMAC, options: { csum: "true", key: "flow", remote_ip: "flow" }, speedMbps: 0 },
    { name: GW_PORT_NAME, ofport: GW_OFPORT, type: "internal", mac: node.gatewayMAC, speedMbps: 0 },
    ...pods.map((p): Port => ({
      name: p.lab!.interfaceName, ofport: p.lab!.ofport, type: "system", mac: p.lab!.hostVethMAC,
      current: "10GB-FD COPPER", speedMbps: 10000,
    })),
  ];
  const bridge = new Bridge({
    name: "br-int", ports, dpid: node.bridge.dpid, uuid: node.bridge.uuid, datapathType: "system", ovsVersion: s.cluster.ovs.version,
  });

  const out = new FlowInstaller(v);
  out.install("init", initialFlows(v));
  out.install("gateway", gatewayFlows(node.gatewayIP, node.gatewayMAC));
  out.install("tunnel", tunnelFlows(v));
  out.install("service", serviceCIDRFlows(v, s.cluster.serviceCIDR, node.gatewayMAC));
  for (const peer of s.nodes) {
    if (peer.name === node.name || !peer.podCIDR) continue;
    const pn: PeerNode = { name: peer.name, podCIDR: peer.podCIDR, gatewayIP: peer.gatewayIP, nodeIP: peer.ip };
    out.install("node", nodeFlows(node.gatewayMAC, pn), "add", peer.name);
  }
  // CNI ADD order: OVS hands out OF ports in increasing order as ports are added.
  for (const p of pods) {
    out.install("pod", podFlows({ name: p.metadata.name, ip: p.status.podIP, mac: p.lab!.mac, ofport: p.lab!.ofport }, node.gatewayMAC),
      "add", `${p.metadata.namespace}/${p.metadata.name}`);
  }
  const np = nodePolicyRules(s, nodeName, opts.conjIdOrder ?? a.conjIdOrder);
  const pf = new PolicyFlows(v, out, opts.conjActionOrder ?? a.conjActionOrder);
  for (const r of np.rules) pf.install(r);

  for (const i of out.installs) bridge.addFlows([i.flow], 13);

  const byOfport = ports.map((p) => p.name);
  return {
    node: node.name,
    pipeline: "v0.10",
    variant: v,
    bridge,
    installs: out.installs,
    flowsText: out.installs.map((i) => i.text).join("\n") + "\n",
    tlvMaps: v.traceflow ? [TRACEFLOW_TLV_MAP] : [],
    vsctlPortOrder: node.bridge.portOrder ?? byOfport,
    tables: pipelineTables(v),
    policies: np.policies,
    policyRules: np.rules,
  };
}
