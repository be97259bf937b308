/** `InstallGatewayFlows(gwIP, gwMAC, gwOFPort)`, cookie Default (pipeline reference §6.2). */
import { macHex, type FlowSpec } from "./client.ts";
import { GLOBAL_VIRTUAL_MAC, GW_OFPORT, MarkFrom, P, R, T } from "./pipeline.ts";

export function gatewayFlows(gwIP: string, gwMAC: string, gwPort = GW_OFPORT): FlowSpec[] {
  return [
    // gatewayClassifierFlow
    { cookie: "Default", table: T.Classifier, priority: P.Normal, match: `in_port=${gwPort}`, actions: `load:0x${MarkFrom.Gateway.toString(16)}->${R.marks},goto_table:${T.SpoofGuard}` },
    // gatewayIPSpoofGuardFlow: the gateway's IP traffic is not checked
    { cookie: "Default", table: T.SpoofGuard, priority: P.Normal, match: `ip,in_port=${gwPort}`, actions: `goto_table:${T.ConntrackZone}` },
    // gatewayARPSpoofGuardFlow
    { cookie: "Default", table: T.SpoofGuard, priority: P.Normal, match: `arp,in_port=${gwPort},arp_spa=${gwIP},arp_sha=${gwMAC}`, actions: `goto_table:${T.ARPResponder}` },
    // ctRewriteDstMACFlow: replies of gateway-initiated connections go back through the gateway
    { cookie: "Default", table: T.ConntrackState, priority: P.Normal, match: "ct_state=-new+trk,ct_mark=0x20,ip", actions: `load:${macHex(gwMAC)}->${R.ethDst},goto_table:${T.DNAT}` },
    // l2ForwardCalcFlow
    { cookie: "Default", table: T.L2Forwarding, priority: P.Normal, match: `dl_dst=${gwMAC}`, actions: `load:0x${gwPort.toString(16)}->${R.outPort},load:0x1->${R.ofPortFound},goto_table:${T.IngressRule}` },
    // localProbeFlow: kubelet probes bypass ingress policy
    { cookie: "Default", table: T.IngressRule, priority: P.High, match: `ip,nw_src=${gwIP}`, actions: `goto_table:${T.ConntrackCommit}` },
    // l3ToGatewayFlow (encap modes only)
    { cookie: "Default", table: T.L3Forwarding, priority: P.Normal, match: `ip,dl_dst=${GLOBAL_VIRTUAL_MAC},nw_dst=${gwIP}`, actions: `set_field:${gwMAC}->eth_dst,goto_table:${T.L2Forwarding}` },
  ];
}
