/**
 * Every engine import of the site goes through this file, so the site
 * depends on one list of engine functions. Most come from the package's
 * entry point; the OVS command-line emulation and dump-flows are not
 * exported there yet, so they are imported from their modules until the
 * engine's index.ts exports them.
 */
export {
  Bridge,
  OfpError,
  parseFlowFile,
  formatActions,
  type Action,
  type Flow,
  type Port,
  type PortType,
  type OfVersion,
} from "@ovs-lab/engine";
export { dumpFlows, parseDumpFilter } from "../../packages/engine/src/render/dump.ts";
export {
  ovsOfctl,
  ovsVsctl,
  ovsAppctl,
  type OvsHost,
  type CommandResult,
} from "../../packages/engine/src/shell/ovs-tools.ts";
