/** Connects the simulated `ovs-appctl ofproto/trace` to the engine's tracer. */
import type { OvsHost } from "../shell/ovs-tools.ts";
import { traceText } from "../trace.ts";

export function traceHost(ovsVersion: string): Pick<OvsHost, "trace"> {
  const ovs = ovsVersion.startsWith("2.") ? "2.14" : "3.1";
  return { trace: (req) => traceText(req.bridge, req.flow, { ctNext: req.ctNext, names: req.names, ovs }) };
}
