/**
 * Flows installed at `Initialize()` (client.go `initialize`): the table-miss
 * flows of the pipeline, the ARP NORMAL flow, the L2 output flow, the
 * conntrack flows and the established-connection fast path. Cookie Default.
 */
import type { FlowSpec } from "./client.ts";
import {
  CT_ZONE, GATEWAY_CT_MARK, MarkFrom, P, R, T, afterEgressDefault, afterIngressDefault, pipelineTables, type Variant,
} from "./pipeline.ts";

/** `defaultFlows()`: one miss flow per table whose miss action is not None. */
export function defaultFlows(v: Variant): FlowSpec[] {
  return pipelineTables(v).filter((t) => t.miss !== "none").map((t) => ({
    cookie: "Default", table: t.id, priority: P.Miss, match: "",
    actions: t.miss === "drop" ? "drop" : `goto_table:${t.next}`,
  }));
}

/** `arpNormalFlow`. */
export function arpNormalFlow(): FlowSpec {
  return { cookie: "Default", table: T.ARPResponder, priority: P.Low, match: "arp", actions: "NORMAL" };
}

/** `l2ForwardOutputFlow`. */
export function l2ForwardOutputFlow(): FlowSpec {
  return { cookie: "Default", table: T.Output, priority: P.Normal, match: "ip,reg0=0x10000/0x10000", actions: `output:${R.outPort}` };
}

/** `connectionTrackFlows` (AntreaProxy off). */
export function connectionTrackFlows(): FlowSpec[] {
  const mark = `0x${GATEWAY_CT_MARK.toString(16)}`;
  return [
    { cookie: "Default", table: T.ConntrackZone, priority: P.Normal, match: "ip", actions: `ct(table=${T.ConntrackState},zone=${CT_ZONE})` },
    { cookie: "Default", table: T.ConntrackState, priority: P.High, match: `ct_state=-new+trk,ct_mark=${mark},ip,reg0=0x${MarkFrom.Gateway.toString(16)}/0xffff`, actions: `goto_table:${T.DNAT}` },
    { cookie: "Default", table: T.ConntrackState, priority: P.Low, match: "ct_state=+inv+trk,ip", actions: "drop" },
    {
      cookie: "Default", table: T.ConntrackCommit, priority: P.Normal, match: `ct_state=+new+trk,ip,reg0=0x${MarkFrom.Gateway.toString(16)}/0xffff`,
      actions: `ct(commit,table=${T.Output},zone=${CT_ZONE},exec(load:${mark}->${R.ctMark}))`,
    },
    { cookie: "Default", table: T.ConntrackCommit, priority: P.Low, match: "ct_state=+new+trk,ip", actions: `ct(commit,table=${T.Output},zone=${CT_ZONE})` },
  ];
}

/** `establishedConnectionFlows`: skip rules and default drops, not the metric tables. */
export function establishedConnectionFlows(v: Variant): FlowSpec[] {
  return [
    { cookie: "Default", table: T.EgressRule, priority: P.High, match: "ct_state=-new+est,ip", actions: `goto_table:${afterEgressDefault(v)}` },
    { cookie: "Default", table: T.IngressRule, priority: P.High, match: "ct_state=-new+est,ip", actions: `goto_table:${afterIngressDefault(v)}` },
  ];
}

/** Everything `Initialize()` installs, in order. */
export function initialFlows(v: Variant): FlowSpec[] {
  return [...defaultFlows(v), arpNormalFlow(), l2ForwardOutputFlow(), ...connectionTrackFlows(), ...establishedConnectionFlows(v)];
}
