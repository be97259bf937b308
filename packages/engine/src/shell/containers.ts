/**
 * What the lab's containers can run, and the Antrea/OVS tools inside them:
 * the antrea-agent Pod's `antrea-ovs` and `antrea-agent` containers (OVS
 * tools against the Node's br-int; `antctl` in agent mode), the
 * antrea-controller (`antctl` in controller mode), and the application Pods
 * (Network-MultiTool: curl, ip, sh).
 */
import { isMultitool } from "../cluster/apps.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { Bridge } from "../bridge/bridge.ts";
import { dumpFlows, parseDumpFilter } from "../render/dump.ts";
import { traceText } from "../trace.ts";
import type { Pod } from "../k8s/types.ts";
import { ovsAppctl, ovsOfctl, ovsVsctl, type OvsHost } from "./ovs-tools.ts";
import { fail, ok, type Command, type CommandEnv, type Context, type Output } from "./types.ts";

export type ContainerKind = "multitool" | "antrea-ovs" | "antrea-agent" | "antrea-controller" | "other";

export function containerKind(pod: Pod, container: string): ContainerKind {
  if (container === "antrea-ovs") return "antrea-ovs";
  if (container === "antrea-agent") return "antrea-agent";
  if (container === "antrea-controller") return "antrea-controller";
  if (isMultitool(pod)) return "multitool";
  return "other";
}

/** The Node's br-int with its ports in `ovs-vsctl show` order (OVS lists them in UUID order). */
function vsctlView(bridge: Bridge, order: readonly string[]): Bridge {
  const ports = [...bridge.ports].sort((a, b) => {
    const ia = order.indexOf(a.name), ib = order.indexOf(b.name);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  });
  return Object.create(bridge, { ports: { value: ports } }) as Bridge;
}

/** The OVS database and switch an Antrea container talks to: its Node's. */
export function ovsHostOf(c: Cluster, node: string, tty: boolean, forVsctl = false): OvsHost {
  const rt = c.runtime(node)!;
  const bridge = forVsctl ? vsctlView(rt.bridge, rt.compiled.vsctlPortOrder) : rt.bridge;
  const ovsVersion = rt.bridge.ovsVersion;
  return {
    bridges: new Map([[bridge.name, bridge]]),
    uuid: bridge.uuid,
    ovsVersion,
    tty,
    trace: (req) => traceText(req.bridge, req.flow, { ctNext: req.ctNext, names: req.names, ovs: ovsVersion.startsWith("2.") ? "2.14" : "3.1" }),
  };
}

function antctlVersion(env: CommandEnv, component: "agent" | "controller"): Output {
  const v = env.cluster.scenario.cluster.antrea.version;
  return ok(`antctlVersion: ${v}\n${component}Version: ${v}\n`);
}

/** `antctl` (v0.10) in the agent or controller container. */
function antctl(component: "agent" | "controller"): Command {
  return (argv, env) => {
    const [verb, what, ...rest] = argv;
    if (verb === undefined || verb === "-h" || verb === "--help") {
      return ok(`antctl is the command line tool for Antrea that supports showing status of\n${component === "agent" ? "antrea-agent" : "antrea-controller"}\n`);
    }
    if (verb === "version") return antctlVersion(env, component);
    if (verb !== "get") return fail(`Error: unknown command "${verb}" for "antctl"\nRun 'antctl --help' for usage.\n`);
    if (what === "ovsflows" && component === "agent") {
      const ctx = env.ctx as Extract<Context, { kind: "container" }>;
      const rt = env.cluster.runtime(ctx.pod.spec.nodeName)!;
      let table: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i]!;
        if (a === "-T" || a === "--table") table = rest[++i];
        else if (a.startsWith("--table=")) table = a.slice(8);
        else if (a === "-o" || a === "--output") i++;
        else return fail(`Error: unknown flag: ${a}\n`);
      }
      let id: number | undefined;
      if (table !== undefined) {
        const def = /^\d+$/.test(table) ? rt.compiled.tables.find((t) => t.id === Number(table)) : rt.compiled.tables.find((t) => t.name === table);
        if (!def) return fail(`Error: unknown table: ${table}\n`);
        id = def.id;
      }
      // antctl dumps with `ovs-ofctl -O OpenFlow13 dump-flows br-int [table=N] --names` and prints one flow per row.
      const text = dumpFlows(rt.bridge, {
        version: 13, stats: true, names: true,
        ...(id !== undefined ? { filter: parseDumpFilter(`table=${id}`, rt.bridge.resolver(true)) } : {}),
        ovs214: rt.bridge.ovsVersion.startsWith("2."),
      });
      const rows = text.split("\n").filter((l) => l.trim() !== "").map((l) => l.trim());
      return ok(["FLOW", ...rows].join("\n") + "\n");
    }
    const known = component === "agent"
      ? ["agentinfo", "podinterface", "ovsflows", "networkpolicy", "appliedtogroup", "addressgroup"]
      : ["controllerinfo", "networkpolicy", "appliedtogroup", "addressgroup"];
    if (what && known.includes(what)) return fail(`antctl get ${what}: not simulated in this lab\n`);
    return fail(`Error: unknown command "${what ?? ""}" for "antctl get"\nRun 'antctl get --help' for usage.\n`);
  };
}

const ovsTools: Readonly<Record<string, Command>> = {
  "ovs-vsctl": (argv, env) => {
    const ctx = env.ctx as Extract<Context, { kind: "container" }>;
    return ovsVsctl(argv, ovsHostOf(env.cluster, ctx.pod.spec.nodeName, ctx.tty, true));
  },
  "ovs-ofctl": (argv, env) => {
    const ctx = env.ctx as Extract<Context, { kind: "container" }>;
    return ovsOfctl(argv, ovsHostOf(env.cluster, ctx.pod.spec.nodeName, ctx.tty));
  },
  "ovs-appctl": (argv, env) => {
    const ctx = env.ctx as Extract<Context, { kind: "container" }>;
    return ovsAppctl(argv, ovsHostOf(env.cluster, ctx.pod.spec.nodeName, ctx.tty));
  },
};

/** Extra commands a container image provides (beyond the shell and the common tools). */
export function containerCommands(kind: ContainerKind): Readonly<Record<string, Command>> {
  switch (kind) {
    case "antrea-ovs": return ovsTools;
    case "antrea-agent": return { ...ovsTools, antctl: antctl("agent") };
    case "antrea-controller": return { antctl: antctl("controller") };
    default: return {};
  }
}

/** Whether the image has a shell and the usual userland (coredns and the like are bare). */
export function hasShell(kind: ContainerKind): boolean {
  return kind !== "other";
}

/** runc's error for a command the image does not have (docker 19.03), exit status 126. */
export function execNotFound(cmd: string): Output {
  return fail(`OCI runtime exec failed: exec failed: container_linux.go:349: starting container process caused "exec: \\"${cmd}\\": executable file not found in $PATH": unknown\n`, 126);
}
