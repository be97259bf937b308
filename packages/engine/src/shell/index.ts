/** The simulated terminal: a Node's login shell, kubectl, the network tools, the OVS tools. */
export { ShellSession, runCommandLine, promptOf, type SessionOptions, type ShellResult } from "./session.ts";
export { parseCommandLine, bashParseError, ashParseError, type ParseResult, type ParseError } from "./parse.ts";
export type { Context, Output } from "./types.ts";
export { ovsOfctl, ovsVsctl, ovsAppctl, type OvsHost, type CommandResult, type TraceRequest as OvsTraceRequest } from "./ovs-tools.ts";
