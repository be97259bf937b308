/** `ovs-lab bridge`: one OVS command against a bridge loaded from a flows file. */
import { Bridge, type Port, type PortType } from "../bridge/bridge.ts";
import { parseFlowFile } from "../ofp/flow.ts";
import { ovsAppctl, ovsOfctl, ovsVsctl, type CommandResult, type OvsHost } from "../shell/ovs-tools.ts";
import { traceHost } from "./trace-host.ts";
import type { CliIo } from "./main.ts";

export const BRIDGE_USAGE = `Usage: ovs-lab bridge --flows FILE [--ports NAME=OFPORT[:TYPE],...] [--ovs 2.14|3.1] -- COMMAND...

Loads FILE (ovs-ofctl add-flows syntax; flows count as installed over OpenFlow 1.3,
as Antrea installs them) into a bridge named br-int, then runs COMMAND against it:

  ovs-ofctl [-O OpenFlow10|OpenFlow13|OpenFlow15] dump-flows br-int [FILTER] [--no-stats]
            [--names|--no-names] [--sort[=FIELD]|--rsort[=FIELD]]
  ovs-ofctl [-O VERSION] show br-int
  ovs-vsctl show
  ovs-appctl ofproto/trace br-int FLOW [--ct-next FLAGS]... [--names]

TYPE is internal, geneve (a flow-based tunnel: key=flow, remote_ip=flow) or, by
default, a plain port. --ovs selects how Open vSwitch 2.14 (the default, as in
Antrea v0.10) or 3.1 prints.
`;

function parsePorts(spec: string): Port[] | string {
  const ports: Port[] = [];
  for (const item of spec.split(",").filter(Boolean)) {
    const m = /^([^=]+)=(\d+)(?::(internal|geneve|system|plain))?$/.exec(item);
    if (!m) return `--ports: "${item}" is not NAME=OFPORT[:TYPE] (TYPE internal, geneve or plain)`;
    const type = (m[3] === "plain" || !m[3] ? "system" : m[3]) as PortType;
    const ofport = Number(m[2]);
    if (ofport < 1 || ofport >= 0xff00) return `--ports: ofport ${m[2]} of ${m[1]} is out of range 1..65279`;
    ports.push({
      name: m[1]!,
      ofport,
      type,
      ...(type === "geneve" ? { options: { key: "flow", remote_ip: "flow" } } : {}),
    });
  }
  const names = new Set<string>(), numbers = new Set<number>();
  for (const p of ports) {
    if (names.has(p.name)) return `--ports: port ${p.name} is given twice`;
    if (numbers.has(p.ofport)) return `--ports: ofport ${p.ofport} is given twice`;
    names.add(p.name);
    numbers.add(p.ofport);
  }
  return ports;
}

export function runBridgeCommand(argv: readonly string[], io: CliIo): number {
  const dash = argv.indexOf("--");
  const opts = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  let flowsFile: string | undefined;
  let portSpec = "";
  let ovs = "2.14.0";
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!;
    const value = (): string | undefined => (a.includes("=") ? a.slice(a.indexOf("=") + 1) : opts[++i]);
    if (a === "-h" || a === "--help") {
      io.stdout(BRIDGE_USAGE);
      return 0;
    } else if (a === "--flows" || a.startsWith("--flows=")) {
      flowsFile = value();
    } else if (a === "--ports" || a.startsWith("--ports=")) {
      portSpec = value() ?? "";
    } else if (a === "--ovs" || a.startsWith("--ovs=")) {
      const v = value();
      if (v !== "2.14" && v !== "3.1") {
        io.stderr(`ovs-lab bridge: --ovs must be 2.14 or 3.1, not "${v ?? ""}"\n`);
        return 2;
      }
      ovs = v === "2.14" ? "2.14.0" : "3.1.0";
    } else {
      io.stderr(`ovs-lab bridge: unknown option ${a}\n\n${BRIDGE_USAGE}`);
      return 2;
    }
  }
  if (!flowsFile) {
    io.stderr(`ovs-lab bridge: --flows FILE is required\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  if (command.length === 0) {
    io.stderr(`ovs-lab bridge: missing COMMAND after --\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  const ports = parsePorts(portSpec);
  if (typeof ports === "string") {
    io.stderr(`ovs-lab bridge: ${ports}\n`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(flowsFile);
  } catch {
    io.stderr(`ovs-ofctl: ${flowsFile}: open failed (No such file or directory)\n`);
    return 1;
  }
  const bridge = new Bridge({ name: "br-int", ports, ovsVersion: ovs });
  const parsed = parseFlowFile(text, { ports: bridge.resolver(true), version: 13 });
  if (parsed.errors.length) {
    for (const e of parsed.errors) io.stderr(`ovs-ofctl: ${e.format(flowsFile)}\n`);
    return 1;
  }
  bridge.addFlows(parsed.flows, 13);
  const host: OvsHost = {
    bridges: new Map([[bridge.name, bridge]]),
    uuid: bridge.uuid,
    ovsVersion: ovs,
    tty: false,
    ...traceHost(ovs),
  };
  const [tool, ...args] = command;
  let r: CommandResult;
  if (tool === "ovs-ofctl") r = ovsOfctl(args, host);
  else if (tool === "ovs-vsctl") r = ovsVsctl(args, host);
  else if (tool === "ovs-appctl") r = ovsAppctl(args, host);
  else {
    io.stderr(`ovs-lab bridge: unknown command ${tool}; expected ovs-ofctl, ovs-vsctl or ovs-appctl\n`);
    return 2;
  }
  if (r.stdout) io.stdout(r.stdout);
  if (r.stderr) io.stderr(r.stderr);
  return r.code;
}
