/** `ovs-lab trace`: follow a packet (and its reply) through the simulated cluster. */
import { Cluster } from "../cluster/cluster.ts";
import { formatClusterTrace, traceCluster, TraceError, type Proto } from "../cluster/trace.ts";
import type { CliIo } from "./main.ts";

export const TRACE_USAGE = `Usage: ovs-lab trace [--scenario FILE] --from POD --to TARGET[:PORT] [--proto tcp|udp|icmp]
                     [--endpoint POD] [--reply] [--json] [--seed N]

Follows a packet from a Pod to a Pod, a Pod IP, a Service name or ClusterIP (or a
Node's NodePort, or an outside host), hop by hop: each Node's br-int with the
tables visited and the flow that matched, the host (iptables, routing, ARP) and
the Geneve tunnel, and ends with a verdict: delivered to which Pod, or dropped on
which Node, in which table, by which flow, and which NetworkPolicy caused it.

  --from POD        NAME (namespace default) or NAMESPACE/NAME; also a Node name
                    (host network) or an outside host of the scenario (e.g. client)
  --to TARGET       a Pod, Pod IP, Service (NAME or NAMESPACE/NAME) or ClusterIP,
                    or NODE:NODEPORT; the port defaults to the Service's first port
  --proto P         tcp (default), udp or icmp
  --endpoint POD    pin kube-proxy's choice of Service endpoint
  --reply           also follow the answer back (connection state carries over)
  --json            print the structured result
  --seed N          seed of kube-proxy's random endpoint choice and source ports
  --scenario FILE   the scenario (default: content/seed.yaml)
`;

/** Reads the scenario: FILE, or content/seed.yaml found from the current directory upwards. */
export function loadClusterFile(io: CliIo, file: string | undefined, seed?: string): Cluster | string {
  const candidates = file ? [file] : ["content/seed.yaml", "../content/seed.yaml", "../../content/seed.yaml", "../../../content/seed.yaml"];
  let text: string | undefined;
  let used = candidates[0]!;
  for (const c of candidates) {
    try {
      text = io.readFile(c);
      used = c;
      break;
    } catch {
      // try the next one
    }
  }
  if (text === undefined) return `cannot read ${file ?? "content/seed.yaml"} (No such file or directory)`;
  try {
    return Cluster.fromYaml(text, used, seed !== undefined ? { seed } : {});
  } catch (e) {
    return (e as Error).message;
  }
}

export function runTraceCommand(argv: readonly string[], io: CliIo): number {
  const opts: { scenario?: string; from?: string; to?: string; proto?: string; endpoint?: string; reply: boolean; json: boolean; seed?: string; port?: string } = { reply: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    switch (name) {
      case "-h":
      case "--help":
        io.stdout(TRACE_USAGE);
        return 0;
      case "--reply": opts.reply = true; break;
      case "--json": opts.json = true; break;
      case "--scenario": case "--from": case "--to": case "--proto": case "--endpoint": case "--seed": case "--port": {
        const v = value();
        if (v === undefined || v === "") {
          io.stderr(`ovs-lab trace: ${name} needs a value\n\n${TRACE_USAGE}`);
          return 2;
        }
        opts[name.slice(2) as "scenario"] = v;
        break;
      }
      default:
        io.stderr(`ovs-lab trace: unknown option ${a}\n\n${TRACE_USAGE}`);
        return 2;
    }
  }
  if (!opts.from || !opts.to) {
    io.stderr(`ovs-lab trace: --from and --to are required\n\n${TRACE_USAGE}`);
    return 2;
  }
  if (opts.proto !== undefined && !["tcp", "udp", "icmp"].includes(opts.proto)) {
    io.stderr(`ovs-lab trace: --proto must be tcp, udp or icmp, not "${opts.proto}"\n`);
    return 2;
  }
  if (opts.port !== undefined && !/^\d+$/.test(opts.port)) {
    io.stderr(`ovs-lab trace: --port must be a number, not "${opts.port}"\n`);
    return 2;
  }
  const cluster = loadClusterFile(io, opts.scenario, opts.seed);
  if (typeof cluster === "string") {
    io.stderr(`ovs-lab trace: ${cluster}\n`);
    return 1;
  }
  try {
    const r = traceCluster(cluster, {
      from: opts.from,
      to: opts.to,
      ...(opts.proto ? { proto: opts.proto as Proto } : {}),
      ...(opts.port ? { port: Number(opts.port) } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      reply: opts.reply,
    });
    io.stdout(opts.json ? JSON.stringify(r, null, 2) + "\n" : formatClusterTrace(r));
    return 0;
  } catch (e) {
    if (e instanceof TraceError) {
      io.stderr(`ovs-lab trace: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
