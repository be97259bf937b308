/** `InstallDefaultTunnelFlows(tunOFPort)`, cookie Default (§6.3, §10.2). */
import type { FlowSpec } from "./client.ts";
import { MarkFrom, P, R, T, TUN_OFPORT, type Variant } from "./pipeline.ts";

export function tunnelFlows(v: Variant, tunPort = TUN_OFPORT): FlowSpec[] {
  // With the Traceflow gate on, the Traceflow tag travels in tun_metadata0[28..31].
  const traceflow = v.traceflow ? `move:${R.tunTraceflowTag}->${R.traceflowTag},` : "";
  return [{
    cookie: "Default", table: T.Classifier, priority: P.Normal, match: `in_port=${tunPort}`,
    actions: `${traceflow}load:${MarkFrom.Tunnel}->${R.marks},load:0x1->${R.macRewrite},goto_table:${T.ConntrackZone}`,
  }];
}
