/**
 * Every engine import of the site goes through this file, so the site
 * depends on one list of engine functions. Most come from the package's
 * entry point; the rest (dump-flows, the OVS command-line emulation, the
 * scenario loader and the v0.10 Node compiler) are not exported there yet
 * and are imported from their modules until the engine's index.ts exports
 * them.
 */
export {
  Bridge,
  OfpError,
  parseFlowFile,
  formatActions,
  traceFlow,
  formatTrace,
  traceText,
  type Action,
  type Flow,
  type Port,
  type PortType,
  type OfVersion,
  type TraceResult,
  type TracePass,
  type TraceNode,
  type OutputRecord,
} from "@ovs-lab/engine";
export { dumpFlows, parseDumpFilter } from "../../packages/engine/src/render/dump.ts";
export {
  ovsOfctl,
  ovsVsctl,
  ovsAppctl,
  type OvsHost,
  type CommandResult,
} from "../../packages/engine/src/shell/ovs-tools.ts";
export { loadScenario } from "../../packages/engine/src/k8s/load.ts";
export { keyOf, localPods, nodeByName } from "../../packages/engine/src/k8s/query.ts";
export type { Scenario, Pod, Service, ClusterNode } from "../../packages/engine/src/k8s/types.ts";
export { compileNodeV010, type CompiledNode } from "../../packages/engine/src/antrea/v0.10/compile.ts";
export { TABLE_NAMES } from "../../packages/engine/src/antrea/v0.10/pipeline.ts";
