/**
 * `InstallClusterServiceCIDRFlows(serviceCIDR, gwOFPort)`, cookie Service
 * (§6.4): with AntreaProxy off, traffic to the Service CIDR goes straight to
 * the gateway (kube-proxy), skipping the egress policy tables.
 */
import type { FlowSpec } from "./client.ts";
import { GW_OFPORT, P, R, T, type Variant } from "./pipeline.ts";

export function serviceCIDRFlows(v: Variant, serviceCIDR: string, gwMAC: string, gwPort = GW_OFPORT): FlowSpec[] {
  // The pre-release 4ed2c67 also rewrote the destination MAC (removed by #1282).
  const rewrite = v.serviceMacRewrite ? `set_field:${gwMAC}->eth_dst,` : "";
  return [{
    cookie: "Service", table: T.DNAT, priority: P.Normal, match: `ip,nw_dst=${serviceCIDR}`,
    actions: `${rewrite}load:0x${gwPort.toString(16)}->${R.outPort},load:0x1->${R.ofPortFound},goto_table:${T.ConntrackCommit}`,
  }];
}
