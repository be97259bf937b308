/** @ovs-lab/engine: an OpenFlow bridge simulator and the Antrea pipeline model. */
export { OfpError, type Position } from "./ofp/errors.ts";
export { FIELDS, fieldByName, fieldByNxm, type FieldDef } from "./ofp/fields.ts";
export { formatMatch, type Match } from "./ofp/match.ts";
export type { Action, OfVersion, Subfield } from "./ofp/actions.ts";
export { parseActionList } from "./ofp/action-parse.ts";
export { formatActions, formatAction } from "./ofp/action-format.ts";
export {
  parseFlow, parseFlowFile, installFlow, formatFlowLine,
  type Flow, type FlowFileResult, type FlowFormatOptions,
} from "./ofp/flow.ts";
export { Bridge, type Port, type PortType, type BridgeConfig } from "./bridge/bridge.ts";
export { FlowTable, type Rule, type LookupResult } from "./bridge/classifier.ts";
export {
  traceFlow, formatTrace, traceText, Conntrack, CtNextStates, parseTraceFlow, formatFlow, parseGroup,
  type TraceOptions, type TraceResult, type TraceFormatOptions, type TracePass, type TraceNode, type TraceNodeType,
  type OutputRecord, type Recirculation, type XlateError, type CtConnection, type CtResult, type CtRequest,
  type Packet, type Group, type Bucket,
} from "./trace.ts";
export * from "./k8s/index.ts";
export { compileNode, dumpFlowLines, pipelineFamily, type CompileOptions, type CompiledNode, type DumpOptions } from "./antrea/index.ts";
export type { FlowInstall, Feature as AntreaFeature } from "./antrea/v0.10/client.ts";
export type { OFPolicyRule, Address as OFPolicyAddress, OFService } from "./antrea/v0.10/np-reconciler.ts";
export {
  T as AntreaV010Tables, TABLE_NAMES as ANTREA_V010_TABLE_NAMES, pipelineTables as antreaV010PipelineTables,
  type Variant as AntreaV010Variant, type TableDef as AntreaTableDef,
} from "./antrea/v0.10/pipeline.ts";
export { dumpFlows, parseDumpFilter, type DumpOptions as DumpFlowsOptions, type DumpFilter } from "./render/dump.ts";
export { ofctlShow, vsctlShow } from "./render/show.ts";
export * from "./shell/index.ts";
export * from "./cluster/index.ts";
export { LIMITS, formatBytes } from "./limits.ts";
