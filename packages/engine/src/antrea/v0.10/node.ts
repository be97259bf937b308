/**
 * `InstallNodeFlows(...)`, cookie Node (§6.5): per peer Node, an ARP
 * responder for the peer's gateway IP and the L3 flow to its PodCIDR
 * through the tunnel.
 */
import type { FlowSpec } from "./client.ts";
import { GLOBAL_VIRTUAL_MAC, P, R, T, TUN_OFPORT } from "./pipeline.ts";

export interface PeerNode {
  readonly name: string;
  readonly podCIDR: string;
  readonly gatewayIP: string;
  readonly nodeIP: string;
}

/** `arpResponderFlow`: answers ARP for the peer gateway IP with the global virtual MAC, in place. */
export function arpResponderFlow(peerGwIP: string): FlowSpec {
  return {
    cookie: "Node", table: T.ARPResponder, priority: P.Normal, match: `arp,arp_tpa=${peerGwIP},arp_op=1`,
    actions: [
      "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
      `set_field:${GLOBAL_VIRTUAL_MAC}->eth_src`,
      "load:0x2->NXM_OF_ARP_OP[]",
      "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[]",
      `set_field:${GLOBAL_VIRTUAL_MAC}->arp_sha`,
      "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[]",
      `set_field:${peerGwIP}->arp_spa`,
      "IN_PORT",
    ].join(","),
  };
}

/** `l3FwdFlowToRemote`: encap to the peer Node, straight to conntrack commit. */
export function l3FwdFlowToRemote(localGwMAC: string, peer: PeerNode, tunPort = TUN_OFPORT): FlowSpec {
  return {
    cookie: "Node", table: T.L3Forwarding, priority: P.Normal, match: `ip,nw_dst=${peer.podCIDR}`,
    actions: `dec_ttl,set_field:${localGwMAC}->eth_src,set_field:${GLOBAL_VIRTUAL_MAC}->eth_dst,load:0x${tunPort.toString(16)}->${R.outPort},load:0x1->${R.ofPortFound},set_field:${peer.nodeIP}->tun_dst,goto_table:${T.ConntrackCommit}`,
  };
}

export function nodeFlows(localGwMAC: string, peer: PeerNode): FlowSpec[] {
  return [arpResponderFlow(peer.gatewayIP), l3FwdFlowToRemote(localGwMAC, peer)];
}
