/** `ovs-lab sh`: one command line typed at a Node's prompt in the simulated cluster. */
import { ShellSession } from "../shell/session.ts";
import type { CliIo } from "./main.ts";
import { loadClusterFile } from "./trace-command.ts";

export const SH_USAGE = `Usage: ovs-lab sh [--scenario FILE] --on HOST [--clock NAME] [--seed N] 'COMMAND LINE'

Runs COMMAND LINE as typed at HOST's prompt (vmware@HOST:~$) in the simulated
cluster (HOST is master, worker1 or worker2 in the seed lab) and prints what the
real tools print: kubectl get/exec (with the OVS tools and antctl inside the
Antrea Pods, curl and ip in the application Pods), ip, arp, iptables, conntrack,
curl. Errors are worded as bash and the tools word them, with their exit status.

  --on HOST         the Node whose shell runs the command
  --clock NAME      a named clock of the scenario for kubectl's AGE column
  --seed N          seed of kube-proxy's random endpoint choice and source ports
  --scenario FILE   the scenario (default: content/seed.yaml)
`;

export function runShCommand(argv: readonly string[], io: CliIo): number {
  let scenario: string | undefined, on: string | undefined, clock: string | undefined, seed: string | undefined;
  const lines: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (name === "-h" || name === "--help") {
      io.stdout(SH_USAGE);
      return 0;
    }
    if (name === "--scenario" || name === "--on" || name === "--clock" || name === "--seed") {
      const v = value();
      if (v === undefined || v === "") {
        io.stderr(`ovs-lab sh: ${name} needs a value\n\n${SH_USAGE}`);
        return 2;
      }
      if (name === "--scenario") scenario = v;
      else if (name === "--on") on = v;
      else if (name === "--clock") clock = v;
      else seed = v;
      continue;
    }
    if (name === "--") {
      lines.push(argv.slice(i + 1).join(" "));
      break;
    }
    if (a.startsWith("--")) {
      io.stderr(`ovs-lab sh: unknown option ${a}\n\n${SH_USAGE}`);
      return 2;
    }
    lines.push(a);
  }
  if (!on) {
    io.stderr(`ovs-lab sh: --on HOST is required\n\n${SH_USAGE}`);
    return 2;
  }
  if (lines.length !== 1) {
    io.stderr(`ovs-lab sh: give the command line as one argument (quote it)\n\n${SH_USAGE}`);
    return 2;
  }
  const cluster = loadClusterFile(io, scenario, seed);
  if (typeof cluster === "string") {
    io.stderr(`ovs-lab sh: ${cluster}\n`);
    return 1;
  }
  if (!cluster.nodeByName(on)) {
    io.stderr(`ovs-lab sh: no Node named "${on}" (Nodes: ${cluster.scenario.nodes.map((n) => n.name).join(", ")})\n`);
    return 2;
  }
  if (clock !== undefined && cluster.scenario.cluster.clocks[clock] === undefined) {
    io.stderr(`ovs-lab sh: no clock named "${clock}" (have: ${Object.keys(cluster.scenario.cluster.clocks).join(", ") || "none"})\n`);
    return 2;
  }
  const session = new ShellSession(cluster, on, clock !== undefined ? { clock } : {});
  const r = session.run(lines[0]!);
  if (r.stdout) io.stdout(r.stdout);
  if (r.stderr) io.stderr(r.stderr);
  return r.code;
}
