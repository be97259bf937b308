/**
 * The build-time bridge between the articles and the simulation engine.
 *
 * Directives and components never talk to the engine themselves: the remark
 * plugin calls these functions to check a directive (an error here fails the
 * build at the directive's line), and the components call them again, served
 * from a cache, to get plain view models they can render without knowing any
 * OpenFlow. Every string shown on a page comes from an engine call made here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  ANTREA_V010_TABLE_NAMES, Bridge, compileNode, dumpFlows, keyOf, loadScenario, localPods, OfpError, ovsAppctl,
  ovsOfctl, ovsVsctl, parseDumpFilter, parseFlowFile, pipelineFamily, traceText,
} from "./engine.ts";
import { Cluster, promptOf, ShellSession } from "./engine.ts";
import type { OvsHost, Port, Scenario, TraceHopView } from "./engine.ts";
import { pipelineGraph } from "./pipeline-graph.ts";
import { layoutPipeline, type PipelineLayout } from "./pipeline-layout.ts";
import { layoutTopology, type TopologyInput, type TopologyLayout } from "./topology-layout.ts";
import { splitCommandLine } from "./shell-words.ts";
import { walk, type PathData, type WalkResult } from "./lab-trace.ts";
import type { LabLang } from "./grammars/index.ts";

/** A problem with a directive or a command, worded for the article's author. */
export class LabError extends Error {
  override name = "LabError";
}

// ---------------------------------------------------------------- the world

/**
 * What the lab is computed from: the Nodes' bridges as the engine compiled
 * them, the scenario's Nodes and Pods for the topology, and (once the engine
 * has them) the tracer.
 */
export interface LabWorld {
  /** Node names in the scenario's order. */
  readonly nodes: readonly string[];
  /** The Node's br-int, as the engine compiled it. Throws LabError for an unknown Node. */
  bridge(node: string): Bridge;
  /** The OVS version the Node runs ("2.14.0"). */
  ovsVersion(node: string): string;
  /** The prompt of the shell a flow dump is typed in on this Node (the antrea-ovs container's, in the seed lab). */
  prompt(node: string): string;
  /** A fresh terminal session on the Node: commands run in order, and share its state. */
  session(node: string): LabSession;
  /** Antrea's name for a table, when the engine knows it. */
  tableName?(table: number): string | undefined;
  /** Nodes, Pods and ports for the topology diagram. */
  topology?(): TopologyInput;
  /** The scenario the bridges were compiled from (needed to trace between Pods and Services). */
  readonly scenario?: Scenario;
}

/** A terminal: each line runs at the current prompt, which the command may change (`kubectl exec -it … -- bash`). */
export interface LabSession {
  readonly prompt: string;
  run(line: string): { readonly stdout: string; readonly stderr: string; readonly code: number };
}

export interface FlowsFixtureNode {
  /** `ovs-ofctl add-flows` text. */
  readonly flows: string;
  readonly ports: readonly Port[];
  readonly ovsVersion?: string;
  readonly user?: string;
}

/**
 * A world of bridges loaded from flow files by the engine's parser, for tests
 * and for trying components before the scenario compiler is available.
 */
export function worldFromFlows(nodes: Readonly<Record<string, FlowsFixtureNode>>, topology?: TopologyInput): LabWorld {
  const bridges = new Map<string, Bridge>();
  for (const [name, spec] of Object.entries(nodes)) {
    const bridge = new Bridge({ name: "br-int", ports: spec.ports, ovsVersion: spec.ovsVersion ?? "2.14.0" });
    const parsed = parseFlowFile(spec.flows, { ports: bridge.resolver(true), version: 13 });
    if (parsed.errors.length) throw new LabError(`flows of ${name}: ${parsed.errors[0]!.format(`${name}.flows`)}`);
    bridge.addFlows(parsed.flows, 13);
    bridges.set(name, bridge);
  }
  const known = [...bridges.keys()];
  const get = (node: string): Bridge => {
    const b = bridges.get(node);
    if (!b) throw new LabError(`unknown Node "${node}"; the Nodes are ${known.join(", ")}`);
    return b;
  };
  const prompt = (node: string): string => `${nodes[node]?.user ?? "vmware"}@${node}:~$`;
  return {
    nodes: known,
    bridge: get,
    ovsVersion: (node) => get(node).ovsVersion,
    prompt,
    session: (node) => {
      const bridge = get(node);
      const host: OvsHost = {
        bridges: new Map([[bridge.name, bridge]]),
        uuid: bridge.uuid,
        ovsVersion: bridge.ovsVersion,
        tty: true,
        trace: (req) =>
          traceText(req.bridge, req.flow, { ctNext: req.ctNext, names: req.names, ovs: bridge.ovsVersion.startsWith("2.") ? "2.14" : "3.1" }),
      };
      // Only the OVS tools: this world has bridges, not hosts.
      return {
        prompt: prompt(node),
        run: (line) => {
          const argv = splitCommandLine(line);
          if (typeof argv === "string") return { stdout: "", stderr: `${argv}\n`, code: 2 };
          const [tool, ...args] = argv;
          if (tool === "ovs-ofctl") return ovsOfctl(args, host);
          if (tool === "ovs-vsctl") return ovsVsctl(args, host);
          if (tool === "ovs-appctl") return ovsAppctl(args, host);
          return { stdout: "", stderr: `${tool ?? ""}: command not found (this lab runs only the OVS tools)\n`, code: 127 };
        },
      };
    },
    ...(topology ? { topology: () => topology } : {}),
  };
}

/** Where the seed scenario lives (OVS_LAB_SCENARIO overrides it, for tests). */
export function seedScenarioPath(): string {
  return process.env.OVS_LAB_SCENARIO ?? path.resolve(process.cwd(), "content/seed.yaml");
}

/**
 * A world compiled by the engine from a scenario: each Node's br-int as the
 * Antrea v0.10 agent programs it, plus the Nodes and Pods for the topology.
 */
export function scenarioWorld(scenario: Scenario): LabWorld {
  const bridges = new Map<string, Bridge>();
  const known = scenario.nodes.map((n) => n.name);
  const bridge = (node: string): Bridge => {
    let b = bridges.get(node);
    if (!b) {
      if (!known.includes(node)) throw new LabError(`unknown Node "${node}"; the Nodes are ${known.join(", ")}`);
      try {
        b = compileNode(scenario, node).bridge;
      } catch (e) {
        throw new LabError(`the engine cannot compile ${node}: ${(e as Error).message}`);
      }
      bridges.set(node, b);
    }
    return b;
  };
  const portOf = (node: string, name: string): number => {
    const p = bridge(node).portByName(name);
    if (!p) throw new LabError(`br-int on ${node} has no port ${name}`);
    return p.ofport;
  };
  return {
    nodes: known,
    scenario,
    bridge,
    ovsVersion: () => scenario.cluster.ovs.version,
    // Flow dumps are typed in the antrea-ovs container of the Node's antrea-agent Pod.
    prompt: (node) => {
      bridge(node);
      const n = scenario.nodes.find((x) => x.name === node)!;
      const agent = scenario.pods.find((p) => p.metadata.namespace === "kube-system" && p.metadata.name === n.agentPod);
      return agent ? promptOf({ kind: "container", pod: agent, container: "antrea-ovs", tty: true }) : `root@${node}:/#`;
    },
    // A fresh cluster per session, so no block sees another's state.
    session: (node) => {
      if (!known.includes(node)) throw new LabError(`unknown Node "${node}"; the Nodes are ${known.join(", ")}`);
      return new ShellSession(new Cluster(scenario), node);
    },
    tableName: (t) =>
      pipelineFamily(scenario.cluster.antrea.version) === "v0.10" ? ANTREA_V010_TABLE_NAMES[t]?.name : undefined,
    topology: () => ({
      nodes: scenario.nodes.map((n) => ({
        name: n.name,
        ip: n.ip,
        uplink: n.uplink,
        podCIDR: n.podCIDR,
        gatewayIP: n.gatewayIP,
        gatewayOfport: portOf(n.name, "antrea-gw0"),
        tunnelOfport: portOf(n.name, "antrea-tun0"),
      })),
      pods: scenario.nodes.flatMap((n) =>
        localPods(scenario, n.name)
          .slice()
          .sort((a, b) => a.lab!.ofport - b.lab!.ofport)
          .map((p) => ({
            key: keyOf(p),
            name: p.metadata.name,
            node: n.name,
            ip: p.status.podIP,
            ofport: p.lab!.ofport,
            interfaceName: p.lab!.interfaceName,
          })),
      ),
    }),
  };
}

/** The seed lab: content/seed.yaml, loaded and compiled by the engine. */
export function seedWorld(): LabWorld {
  const file = seedScenarioPath();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new LabError(`cannot read the scenario ${file}`);
  }
  const loaded = loadScenario(text, { fileName: path.relative(process.cwd(), file) || file });
  if (!loaded.scenario) {
    throw new LabError(`the scenario does not load: ${loaded.errors.map((e) => e.text).join("; ")}`);
  }
  return scenarioWorld(loaded.scenario);
}

// ---------------------------------------------------------------- views

export interface ShellStep {
  readonly prompt: string;
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
  /** Grammar for the output. */
  readonly lang: LabLang;
}

export interface ShellView {
  readonly node: string;
  readonly steps: readonly ShellStep[];
}

export interface FlowsView {
  readonly node: string;
  /** The command a reader would type to see the same dump. */
  readonly command: string;
  readonly prompt: string;
  /** dump-flows output, exactly as the engine prints it. */
  readonly text: string;
  readonly flowCount: number;
  readonly table?: number;
  readonly tableName?: string;
}

export interface PipelineView {
  readonly node: string;
  readonly layout: PipelineLayout;
  readonly table?: number;
  /** Legend for the lit path, when a walk is drawn ("frontend → backendsvc port 80"). */
  readonly traced?: string;
}

export interface TopologyView {
  readonly layout: TopologyLayout;
}

// The step, pass and hop views are the engine's, shared with the live layer.
export type { TraceStepView, TracePassView, TraceHopView } from "./engine.ts";

export interface TracePathView {
  readonly hops: readonly TraceHopView[];
  readonly verdict: string;
  readonly delivered: boolean;
}

export interface TraceView {
  readonly title: string;
  /** The packet as sent (addresses, ports, the Service). */
  readonly packet: string;
  /** The `ovs-lab trace` command that prints the same walk. */
  readonly command: string;
  readonly forward: TracePathView;
  readonly reply?: TracePathView;
}

export interface FlowsAttrs {
  readonly node: string;
  readonly table?: string;
  readonly version?: string;
  readonly names?: string;
}

export interface TraceAttrs {
  readonly from: string;
  readonly to: string;
  readonly port?: string;
  readonly node?: string;
  readonly proto?: string;
  readonly reply?: string;
  readonly endpoint?: string;
}

export interface WalkAttrs {
  readonly from?: string;
  readonly to?: string;
  readonly port?: string;
  readonly proto?: string;
}

export interface PipelineAttrs extends WalkAttrs {
  readonly node: string;
  readonly table?: string;
}

export interface Lab {
  readonly world: LabWorld;
  shell(on: string, commands: readonly string[]): ShellView;
  flows(attrs: FlowsAttrs): FlowsView;
  trace(attrs: TraceAttrs): TraceView;
  topology(attrs: WalkAttrs): TopologyView;
  pipeline(attrs: PipelineAttrs): PipelineView;
}

const OF_VERSION_FLAG: Readonly<Record<string, string>> = { OpenFlow10: "", OpenFlow13: "-O OpenFlow13 " };

/** The grammar for a command's output, from the command line (`… -- ovs-ofctl dump-flows …` too). */
function outputLang(line: string): LabLang {
  const words = line.split(/\s+/);
  if (words.includes("ovs-ofctl") && words.includes("dump-flows")) return "ovs-flows";
  if (words.includes("ovs-appctl") && words.includes("ofproto/trace")) return "ovs-trace";
  return "text";
}

function memo<A, R>(fn: (a: A) => R, key: (a: A) => string): (a: A) => R {
  const cache = new Map<string, R>();
  return (a) => {
    const k = key(a);
    if (cache.has(k)) return cache.get(k)!;
    const r = fn(a);
    cache.set(k, r);
    return r;
  };
}

function parseTable(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d{1,3}$/.test(text) || n > 254) throw new LabError(`table must be a number from 0 to 254, not "${text}"`);
  return n;
}

export function createLab(makeWorld: () => LabWorld): Lab {
  let cachedWorld: LabWorld | undefined;
  const world = (): LabWorld => (cachedWorld ??= makeWorld());

  const shell = memo(
    ({ on, commands }: { on: string; commands: readonly string[] }): ShellView => {
      if (commands.length === 0) throw new LabError("a shell block needs at least one command");
      const session = world().session(on);
      const steps = commands.map((line): ShellStep => {
        const prompt = session.prompt;
        const r = session.run(line);
        if (r.code !== 0) {
          const why = (r.stderr.trim() || r.stdout.trim()).replace(/\s*\n\s*/g, " ");
          throw new LabError(`"${line}" failed at ${prompt} (exit status ${r.code}): ${why}`);
        }
        return { prompt, command: line, stdout: r.stdout, stderr: r.stderr, code: r.code, lang: outputLang(line) };
      });
      return { node: on, steps };
    },
    (a) => JSON.stringify([a.on, a.commands]),
  );

  const flows = memo(
    (a: FlowsAttrs): FlowsView => {
      const bridge = world().bridge(a.node);
      const table = parseTable(a.table);
      const version = a.version ?? "OpenFlow10";
      if (!(version in OF_VERSION_FLAG)) throw new LabError(`version must be OpenFlow10 or OpenFlow13, not "${version}"`);
      const names = a.names === undefined ? true : a.names === "true";
      const filterText = table === undefined ? undefined : `table=${table}`;
      try {
        const text = dumpFlows(bridge, {
          version: version === "OpenFlow13" ? 13 : 10,
          stats: false,
          names,
          ...(filterText ? { filter: parseDumpFilter(filterText, bridge.resolver(true)) } : {}),
          ovs214: world().ovsVersion(a.node).startsWith("2."),
        });
        const command =
          `ovs-ofctl ${OF_VERSION_FLAG[version]}dump-flows br-int${filterText ? ` ${filterText}` : ""} --no-stats` +
          (a.names === undefined ? "" : names ? " --names" : " --no-names");
        const tableName = table === undefined ? undefined : world().tableName?.(table);
        return {
          node: a.node,
          command,
          prompt: world().prompt(a.node),
          text,
          flowCount: text.split("\n").filter((l) => l.trim() !== "").length,
          ...(table !== undefined ? { table } : {}),
          ...(tableName ? { tableName } : {}),
        };
      } catch (e) {
        if (e instanceof OfpError) throw new LabError(`ovs-ofctl: ${e.message}`);
        throw e;
      }
    },
    (a) => JSON.stringify([a.node, a.table, a.version, a.names]),
  );

  /** The walk a directive asks for, traced by the engine (cached per request). */
  const walkOf = memo(
    (w: TraceAttrs): WalkResult => {
      const scenario = world().scenario;
      if (!scenario) throw new LabError("tracing between Pods and Services needs a scenario (this lab has only flows)");
      return walk(scenario, (n) => world().bridge(n), w, world().ovsVersion(world().nodes[0] ?? ""));
    },
    (w) => JSON.stringify([w.from, w.to, w.port, w.proto, w.node, w.reply, w.endpoint]),
  );
  const optionalWalk = (w: WalkAttrs): WalkResult | undefined =>
    w.from !== undefined && w.to !== undefined
      ? walkOf({
          from: w.from,
          to: w.to,
          ...(w.port !== undefined ? { port: w.port } : {}),
          ...(w.proto !== undefined ? { proto: w.proto } : {}),
        })
      : undefined;

  const pipeline = memo(
    (a: PipelineAttrs): PipelineView => {
      const bridge = world().bridge(a.node);
      const table = parseTable(a.table);
      const graph = pipelineGraph(bridge);
      if (table !== undefined && !graph.tables.some((t) => t.id === table)) {
        throw new LabError(`table ${table} has no flows on ${a.node} and no flow leads to it`);
      }
      const traced = optionalWalk(a);
      const visited = traced?.visitedOn(a.node) ?? [];
      if (traced && visited.length === 0) throw new LabError(`the walk from ${a.from} to ${a.to} does not cross br-int on ${a.node}`);
      const names = world().tableName;
      const layout = layoutPipeline(graph, {
        ...(table !== undefined ? { current: table } : {}),
        ...(names ? { tableName: (t: number) => names(t) } : {}),
        ...(traced ? { visited, steps: traced.stepsOn(a.node) } : {}),
      });
      return {
        node: a.node,
        layout,
        ...(table !== undefined ? { table } : {}),
        ...(traced ? { traced: `${a.from} → ${a.to}${a.port ? ` port ${a.port}` : ""}` } : {}),
      };
    },
    (a) => JSON.stringify([a.node, a.table, a.from, a.to, a.port, a.proto]),
  );

  const topology = memo(
    (a: WalkAttrs): TopologyView => {
      const w = world();
      if (!w.topology) throw new LabError("the topology needs a scenario's Nodes and Pods (this lab has only flows)");
      const traced = optionalWalk(a);
      return { layout: layoutTopology(w.topology(), traced?.topology ?? {}) };
    },
    (a) => JSON.stringify([a.from, a.to, a.port, a.proto]),
  );

  const pathView = (p: PathData): TracePathView => {
    const names = world().tableName;
    return {
      verdict: p.verdict,
      delivered: p.delivered,
      hops: p.hops.map((h): TraceHopView => {
        if (h.kind === "host") return { kind: "host", node: h.node, title: `${h.node}, host network stack: ${h.summary}`, lines: h.lines };
        if (h.kind === "tunnel") return { kind: "tunnel", node: h.node, title: `${h.node}, tunnel: ${h.summary}` };
        return {
          kind: "ovs",
          node: h.node,
          title: `${h.node}, br-int: in through ${h.inPort}, ${h.outPort ? `out through ${h.outPort}` : "dropped"}`,
          passes: h.passes.map((steps, i) => {
            const text = h.passTexts[i] ?? "";
            return {
              label: i === 0 ? "First pass" : `Pass ${i + 1}, back from conntrack`,
              steps: steps.map((st) => {
                const name = names?.(st.table);
                return { table: st.table, flow: st.flow, ...(name ? { tableName: name } : {}) };
              }),
              text,
            };
          }),
          ...(h.allowedBy ? { allowedBy: h.allowedBy } : {}),
          ...(h.outPort ? { out: h.outPort } : {}),
          packet: h.packet,
          command: h.command,
          ...(h.textNote ? { textNote: h.textNote } : {}),
        };
      }),
    };
  };

  const trace = memo(
    (a: TraceAttrs): TraceView => {
      const r = walkOf(a);
      return {
        title: r.title,
        packet: r.packet,
        command: r.command,
        forward: pathView(r.forward),
        ...(r.reply ? { reply: pathView(r.reply) } : {}),
      };
    },
    (a) => JSON.stringify([a.from, a.to, a.port, a.proto, a.node, a.reply, a.endpoint]),
  );

  return {
    get world() {
      return world();
    },
    shell: (on, commands) => shell({ on, commands }),
    flows,
    trace,
    topology,
    pipeline,
  };
}

/** The lab every article uses: the seed scenario, compiled by the engine. */
export const lab: Lab = createLab(seedWorld);

/**
 * Runs a lab call for a component, prefixing errors with the directive's
 * place in the article (`at`), so a failure during rendering still names the
 * MDX file and line.
 */
export function fromArticle<T>(at: string | undefined, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof LabError && at) throw new LabError(`${at}: ${e.message}`);
    throw e;
  }
}
