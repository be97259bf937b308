/**
 * Every engine import of the site goes through this file, so the site
 * depends on one list of engine functions. All come from the package's entry
 * point except dump-flows with its filter parser, the OVS command-line
 * emulation, the simulated shell (ShellSession) and the cluster simulation
 * (Cluster, traceCluster), which the
 * engine does not export yet; those are imported from their modules until
 * its index.ts does.
 */
export {
  Bridge,
  OfpError,
  parseFlowFile,
  formatFlowLine,
  formatActions,
  traceFlow,
  formatTrace,
  traceText,
  loadScenario,
  keyOf,
  localPods,
  nodeByName,
  parseIp,
  parseCidr,
  cidrContains,
  compileNode,
  pipelineFamily,
  ANTREA_V010_TABLE_NAMES,
  type Action,
  type Flow,
  type Port,
  type PortType,
  type OfVersion,
  type TraceResult,
  type TracePass,
  type TraceNode,
  type OutputRecord,
  type Scenario,
  type Pod,
  type Service,
  type ClusterNode,
  type CompiledNode,
} from "@ovs-lab/engine";
export { dumpFlows, parseDumpFilter } from "../../packages/engine/src/render/dump.ts";
export {
  ovsOfctl,
  ovsVsctl,
  ovsAppctl,
  type OvsHost,
  type CommandResult,
} from "../../packages/engine/src/shell/index.ts";
export {
  Cluster,
  traceCluster,
  type ClusterTraceResult,
  type Hop as ClusterHop,
  type OvsHop as ClusterOvsHop,
  type PathResult as ClusterPathResult,
} from "../../packages/engine/src/cluster/index.ts";
export { ShellSession, promptOf } from "../../packages/engine/src/shell/index.ts";
export { exactTrace, packetLine, verdictOf, REJECTED_NOTE } from "../../packages/engine/src/state/index.ts";
export type { TraceStepView, TracePassView, TraceHopView } from "../../packages/engine/src/state/index.ts";
