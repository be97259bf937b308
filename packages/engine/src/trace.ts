/**
 * Public tracing API: `ofproto/trace` for an engine bridge.
 *
 *   const result = traceFlow(bridge, "in_port=49,tcp,nw_dst=10.96.0.10,tp_dst=53", { ctNext: ["trk,est"] });
 *   const text = formatTrace(result);          // what ovs-appctl ofproto/trace prints
 *   result.passes[0].outputs                   // structured: outputs, drops, recirculations, tree
 *
 * `traceText` does both and accepts the command's own arguments
 * (`--ct-next STATE`, `--names`), as the simulated `ovs-appctl` needs.
 */
import type { Bridge } from "./bridge/bridge.ts";
import { traceFlow, type TraceOptions, type TraceResult } from "./bridge/xlate.ts";
import { formatTrace, type TraceFormatOptions } from "./render/trace.ts";

export { traceFlow, formatTrace };
export type { TraceOptions, TraceResult, TraceFormatOptions };
export type { TracePass, TraceNode, TraceNodeType, OutputRecord, Recirculation, XlateError } from "./bridge/xlate.ts";
export { Conntrack, CtNextStates, type CtConnection, type CtResult, type CtRequest } from "./bridge/conntrack.ts";
export { parseTraceFlow, formatFlow, type Packet } from "./bridge/packet.ts";
export { parseGroup, type Group, type Bucket } from "./bridge/group.ts";

/**
 * The text of `ovs-appctl ofproto/trace BRIDGE FLOW [--ct-next S]... [--names]`.
 * Throws an OfpError with ovs-vswitchd's message when the flow is invalid.
 */
export function traceText(bridge: Bridge, flow: string, opts: TraceOptions & TraceFormatOptions = {}): string {
  return formatTrace(traceFlow(bridge, flow, opts), opts);
}
