/** The `ovs-lab` command line. */
import { BRIDGE_USAGE, runBridgeCommand } from "./bridge-command.ts";
import { runTraceCommand } from "./trace-command.ts";
import { runShCommand } from "./sh-command.ts";

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): string;
}

const USAGE = `Usage: ovs-lab <command> [options]

Commands:
  bridge   run ovs-ofctl, ovs-vsctl or ovs-appctl against flows loaded from a file
  trace    follow a packet (and its reply) through the simulated cluster, hop by hop
  sh       run a command line at a Node's prompt in the simulated cluster

Run "ovs-lab <command> --help" for a command's options.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  switch (command) {
    case "bridge":
      return runBridgeCommand(rest, io);
    case "trace":
      return runTraceCommand(rest, io);
    case "sh":
      return runShCommand(rest, io);
  }
  io.stderr(`ovs-lab: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

export { BRIDGE_USAGE };
