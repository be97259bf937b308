/**
 * The Open vSwitch command-line tools as a simulated host runs them:
 * `ovs-ofctl`, `ovs-vsctl` and `ovs-appctl`, with their option parsing and
 * their error messages.
 */
import { OfpError } from "../ofp/errors.ts";
import { parseFlowFile } from "../ofp/flow.ts";
import type { OfVersion } from "../ofp/actions.ts";
import type { Bridge } from "../bridge/bridge.ts";
import { dumpFlows, parseDumpFilter } from "../render/dump.ts";
import { ofctlShow, vsctlShow } from "../render/show.ts";

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export interface TraceRequest {
  readonly bridge: Bridge;
  readonly flow: string;
  readonly ctNext: readonly string[];
  readonly names: boolean;
}

export interface OvsHost {
  readonly bridges: ReadonlyMap<string, Bridge>;
  /** UUID of the Open_vSwitch row. */
  readonly uuid?: string;
  /** "2.14.0" or "3.1.0": decides version-specific printing. */
  readonly ovsVersion: string;
  /** Whether stdout is a terminal (ovs-ofctl then shows port names by default). */
  readonly tty: boolean;
  /** Runs `ofproto/trace`; returns the text or throws an OfpError with OVS's message. */
  readonly trace?: (req: TraceRequest) => string;
  /** Reads a file named on the command line (add-flows). */
  readonly readFile?: (path: string) => string | undefined;
}

const ok = (stdout: string): CommandResult => ({ stdout, stderr: "", code: 0 });
const err = (tool: string, message: string, code = 1): CommandResult => ({ stdout: "", stderr: `${tool}: ${message}\n`, code });

interface LongOption {
  readonly name: string;
  readonly arg: "none" | "required" | "optional";
}

interface ParsedOptions {
  readonly options: { name: string; value: string | undefined }[];
  readonly args: string[];
}

/** GNU getopt_long with argument permutation, as the OVS tools use it. */
function getopt(argv: readonly string[], long: readonly LongOption[], short: Readonly<Record<string, string>>): ParsedOptions | string {
  const options: { name: string; value: string | undefined }[] = [];
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = long.find((o) => o.name === name) ?? (long.filter((o) => o.name.startsWith(name)).length === 1 ? long.find((o) => o.name.startsWith(name)) : undefined);
      if (!spec) return `unrecognized option '${eq < 0 ? a : a.slice(0, eq)}'`;
      if (spec.arg === "none") {
        if (eq >= 0) return `option '--${spec.name}' doesn't allow an argument`;
        options.push({ name: spec.name, value: undefined });
      } else if (spec.arg === "optional") {
        options.push({ name: spec.name, value: eq < 0 ? undefined : a.slice(eq + 1) });
      } else if (eq >= 0) {
        options.push({ name: spec.name, value: a.slice(eq + 1) });
      } else if (i + 1 < argv.length) {
        options.push({ name: spec.name, value: argv[++i]! });
      } else {
        return `option '--${spec.name}' requires an argument`;
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      const letter = a[1]!;
      const name = short[letter];
      if (!name) return `invalid option -- '${letter}'`;
      const spec = long.find((o) => o.name === name)!;
      if (spec.arg === "none") {
        options.push({ name, value: undefined });
      } else if (a.length > 2) {
        options.push({ name, value: a.slice(2) });
      } else if (i + 1 < argv.length) {
        options.push({ name, value: argv[++i]! });
      } else {
        return `option requires an argument -- '${letter}'`;
      }
      continue;
    }
    args.push(a);
  }
  return { options, args };
}

const VERSIONS: Readonly<Record<string, OfVersion>> = {
  OpenFlow10: 10, OpenFlow11: 11, OpenFlow12: 12, OpenFlow13: 13, OpenFlow14: 14, OpenFlow15: 15,
};

/** The version ovs-ofctl negotiates from an `-O` list: the highest both sides allow. */
function parseProtocols(text: string): OfVersion | string {
  let best: OfVersion | undefined;
  for (const name of text.split(",")) {
    const v = VERSIONS[name.trim()];
    if (v === undefined) return `Unknown OpenFlow version: "${name.trim()}"`;
    if (best === undefined || v > best) best = v;
  }
  return best ?? 10;
}

const OFCTL_COMMANDS: Readonly<Record<string, readonly [number, number]>> = {
  show: [1, 1],
  "dump-flows": [1, 2],
  "add-flow": [2, 2],
  "add-flows": [2, 2],
  "del-flows": [1, 2],
};

/** `ovs-ofctl ARGS…`. */
export function ovsOfctl(argv: readonly string[], host: OvsHost): CommandResult {
  const parsed = getopt(
    argv,
    [
      { name: "protocols", arg: "required" },
      { name: "no-stats", arg: "none" },
      { name: "names", arg: "none" },
      { name: "no-names", arg: "none" },
      { name: "sort", arg: "optional" },
      { name: "rsort", arg: "optional" },
      { name: "strict", arg: "none" },
      { name: "readd", arg: "none" },
      { name: "bundle", arg: "none" },
      { name: "timestamp", arg: "none" },
      { name: "more", arg: "none" },
      { name: "verbose", arg: "optional" },
      { name: "help", arg: "none" },
      { name: "version", arg: "none" },
    ],
    { O: "protocols", h: "help", V: "version", m: "more", v: "verbose" },
  );
  if (typeof parsed === "string") return err("ovs-ofctl", parsed);
  let version: OfVersion = 10;
  let stats = true;
  let names: boolean | undefined;
  const sort: { field?: string; order: "asc" | "desc" }[] = [];
  for (const o of parsed.options) {
    switch (o.name) {
      case "protocols": {
        const v = parseProtocols(o.value!);
        if (typeof v === "string") return err("ovs-ofctl", v);
        version = v;
        break;
      }
      case "no-stats": stats = false; break;
      case "names": names = true; break;
      case "no-names": names = false; break;
      case "sort": sort.push({ ...(o.value ? { field: o.value } : {}), order: "asc" }); break;
      case "rsort": sort.push({ ...(o.value ? { field: o.value } : {}), order: "desc" }); break;
      case "version":
        return ok(`ovs-ofctl (Open vSwitch) ${host.ovsVersion}\nOpenFlow versions 0x1:0x6\n`);
      case "help":
        return ok("ovs-ofctl: OpenFlow switch management utility\nusage: ovs-ofctl [OPTIONS] COMMAND [ARG...]\n");
    }
  }
  const [command, ...args] = parsed.args;
  if (!command) return err("ovs-ofctl", "missing command name; use --help for help");
  const arity = OFCTL_COMMANDS[command];
  if (!arity) return err("ovs-ofctl", `unknown command '${command}'; use --help for help`);
  if (args.length < arity[0]) return err("ovs-ofctl", `'${command}' command requires at least ${arity[0]} arguments`);
  if (args.length > arity[1]) return err("ovs-ofctl", `'${command}' command takes at most ${arity[1]} arguments`);
  const bridge = host.bridges.get(args[0]!);
  if (!bridge) return err("ovs-ofctl", `${args[0]} is not a bridge or a socket`);
  const showNames = names ?? host.tty;
  try {
    switch (command) {
      case "show":
        return ok(ofctlShow(bridge, version));
      case "dump-flows": {
        const filter = parseDumpFilter(args[1], bridge.resolver(true));
        return ok(dumpFlows(bridge, { version, stats, names: showNames, sort, filter, ovs214: host.ovsVersion.startsWith("2.") }));
      }
      case "add-flow":
      case "add-flows": {
        const text = command === "add-flow" ? args[1]! : host.readFile?.(args[1]!);
        if (text === undefined) return err("ovs-ofctl", `${args[1]}: open failed (No such file or directory)`);
        const res = parseFlowFile(text, { ports: bridge.resolver(true), version });
        if (res.errors.length) {
          const e = res.errors[0]!;
          return err("ovs-ofctl", command === "add-flow" ? e.message : e.format(args[1]));
        }
        bridge.addFlows(res.flows, version);
        return ok("");
      }
      case "del-flows":
        if (args[1] !== undefined) return err("ovs-ofctl", "del-flows with a match is not supported by this simulator");
        bridge.clearFlows();
        return ok("");
    }
  } catch (e) {
    if (e instanceof OfpError) return err("ovs-ofctl", e.message);
    throw e;
  }
  return err("ovs-ofctl", `unknown command '${command}'; use --help for help`);
}

/** `ovs-vsctl ARGS…` (only `show`). */
export function ovsVsctl(argv: readonly string[], host: OvsHost): CommandResult {
  const args = argv.filter((a) => !a.startsWith("-"));
  const [command, ...rest] = args;
  if (!command) return err("ovs-vsctl", "missing command name (use --help for help)");
  if (command !== "show") return err("ovs-vsctl", `unknown command '${command}'; use --help for help`);
  if (rest.length > 0) return err("ovs-vsctl", `'show' command takes at most 0 arguments`);
  return ok(vsctlShow([...host.bridges.values()], host.uuid, host.ovsVersion));
}

/** `ovs-appctl ARGS…` (`ofproto/trace`, `version`). */
export function ovsAppctl(argv: readonly string[], host: OvsHost): CommandResult {
  const args = [...argv];
  // ovs-appctl's own options come before the command.
  while (args[0]?.startsWith("-") && args[0] !== "--") {
    const o = args.shift()!;
    if (o === "-t" || o === "--target") args.shift();
  }
  const [command, ...rest] = args;
  const serverError = (message: string): CommandResult => ({
    stdout: "",
    stderr: `${message}\novs-appctl: ovs-vswitchd: server returned an error\n`,
    code: 2,
  });
  if (!command) return err("ovs-appctl", "at least one non-option argument is required (use --help for help)");
  if (command === "version") return ok(`ovs-vswitchd (Open vSwitch) ${host.ovsVersion}\n`);
  if (command !== "ofproto/trace") {
    return serverError(`"${command}" is not a valid command (use "list-commands" to see a list of valid commands)`);
  }
  const ctNext: string[] = [];
  let names = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--ct-next") {
      const v = rest[++i];
      if (v === undefined) return serverError("Missing argument for option --ct-next");
      ctNext.push(v);
    } else if (a === "--names" && !host.ovsVersion.startsWith("2.")) {
      names = true;
    } else if (a === "--no-names" && !host.ovsVersion.startsWith("2.")) {
      names = false;
    } else {
      positional.push(a);
    }
  }
  if (positional.length < 1) return serverError(`"ofproto/trace" command requires at least 1 arguments`);
  let bridgeName: string;
  let flow: string;
  if (positional.length === 1) {
    if (host.bridges.size !== 1) return serverError("Must specify bridge name");
    bridgeName = [...host.bridges.keys()][0]!;
    flow = positional[0]!;
  } else {
    bridgeName = positional[0]!;
    flow = positional.slice(1).join(" ");
  }
  const bridge = host.bridges.get(bridgeName);
  if (!bridge) return serverError(`${bridgeName}: unknown bridge`);
  if (!host.trace) return serverError(`"ofproto/trace" is not available on this host`);
  try {
    return ok(host.trace({ bridge, flow, ctNext, names }));
  } catch (e) {
    if (e instanceof OfpError) return serverError(e.message);
    throw e;
  }
}
