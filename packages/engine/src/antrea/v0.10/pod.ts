/** `InstallPodFlows(ifName, podIP, podMAC, gwMAC, ofPort)`, cookie Pod (§6.6), called on CNI ADD. */
import type { FlowSpec } from "./client.ts";
import { GLOBAL_VIRTUAL_MAC, MarkFrom, P, R, T } from "./pipeline.ts";

export interface LocalPod {
  readonly name: string;
  readonly ip: string;
  readonly mac: string;
  readonly ofport: number;
}

export function podFlows(pod: LocalPod, gwMAC: string): FlowSpec[] {
  const port = pod.ofport;
  return [
    // podClassifierFlow
    { cookie: "Pod", table: T.Classifier, priority: P.Low, match: `in_port=${port}`, actions: `load:0x${MarkFrom.LocalPod.toString(16)}->${R.marks},goto_table:${T.SpoofGuard}` },
    // podIPSpoofGuardFlow
    { cookie: "Pod", table: T.SpoofGuard, priority: P.Normal, match: `ip,in_port=${port},dl_src=${pod.mac},nw_src=${pod.ip}`, actions: `goto_table:${T.ConntrackZone}` },
    // arpSpoofGuardFlow
    { cookie: "Pod", table: T.SpoofGuard, priority: P.Normal, match: `arp,in_port=${port},arp_spa=${pod.ip},arp_sha=${pod.mac}`, actions: `goto_table:${T.ARPResponder}` },
    // l2ForwardCalcFlow
    { cookie: "Pod", table: T.L2Forwarding, priority: P.Normal, match: `dl_dst=${pod.mac}`, actions: `load:0x${port.toString(16)}->${R.outPort},load:0x1->${R.ofPortFound},goto_table:${T.IngressRule}` },
    // l3FlowsToPod: traffic from the tunnel (virtual MAC) to a local Pod
    { cookie: "Pod", table: T.L3Forwarding, priority: P.Normal, match: `ip,dl_dst=${GLOBAL_VIRTUAL_MAC},nw_dst=${pod.ip}`, actions: `set_field:${gwMAC}->eth_src,set_field:${pod.mac}->eth_dst,dec_ttl,goto_table:${T.L2Forwarding}` },
  ];
}
