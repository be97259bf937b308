/**
 * Derivations: from a LabState to what the page shows, memoized so an edit
 * recomputes only what it changes.
 *
 *   scenarioText ──load──▶ Scenario (last good one kept while the text does not load)
 *        │
 *        ├─ per Node: the inputs that affect its br-int (the cluster settings, the Nodes,
 *        │  Services, Endpoints, policies, its own Pods in full, other Pods' identity,
 *        │  labels, IPs and ports) ──▶ compiled bridge, memoized on a hash of those inputs
 *        │      └─ + that Node's flow overrides ──▶ the bridge listings are dumped from
 *        │             └─ dump-flows text ──▶ listing, diffed against the authored listing
 *        └─ scenario + all overrides ──▶ a fresh Cluster per trace or shell block
 *                                          └─ traces and shell outputs, memoized per query
 *
 * Source positions are left out of every key, so an edit that only moves
 * text (a comment added above) recompiles nothing.
 */
import { Bridge } from "../bridge/bridge.ts";
import { compileNode, pipelineFamily, type CompiledNode } from "../antrea/index.ts";
import { TABLE_NAMES } from "../antrea/v0.10/pipeline.ts";
import { Cluster } from "../cluster/cluster.ts";
import { loadScenario, type LoadResult } from "../k8s/load.ts";
import { keyOf, localPods } from "../k8s/query.ts";
import type { Pod, Scenario } from "../k8s/types.ts";
import { OfpError } from "../ofp/errors.ts";
import { formatFlowLine, parseFlowFile, type Flow } from "../ofp/flow.ts";
import { parsePortNumber, portResolver, unquoteName, type PortResolver } from "../ofp/values.ts";
import { dumpFlows, parseDumpFilter } from "../render/dump.ts";
import { promptOf, ShellSession } from "../shell/session.ts";
import { formatTrace, traceFlow } from "../trace.ts";
import { diffLines } from "./diff.ts";
import { hash53, Lru, stableJson } from "./memo.ts";
import type { LabState, PastedDump, TraceQuery } from "./state.ts";
import { liveTrace, LiveTraceError, splitPasses } from "./trace.ts";
import type {
  DumpInfo, DumpTraceQuery, DumpTraceView, FlowLineView, FlowsQuery, FlowsView, LabStatus, Problem, ShellQuery, ShellReply,
  ShellView, TopologyView, TraceView,
} from "./views.ts";

/** Reports what a long computation is doing (the worker forwards it as progress events). */
export type ProgressSink = (phase: string, done: number, total: number) => void;

export interface DeriveOptions {
  /** The scenario's file name in error messages (default `scenario.yaml`). */
  readonly fileName?: string;
}

/** The file name ovs-ofctl's messages give edited flows (`ovs-ofctl: flows.txt:3: …`). */
export const FLOWS_FILE_NAME = "flows.txt";

/** A Node's override key: `node` (the whole bridge) or `node:table` (that table only). */
export function overrideKey(node: string, table?: number): string {
  return table === undefined ? node : `${node}:${table}`;
}

function parseOverrideKey(key: string): { node: string; table?: number } {
  const i = key.indexOf(":");
  if (i < 0) return { node: key };
  return { node: key.slice(0, i), table: Number(key.slice(i + 1)) };
}

interface Loaded {
  readonly result: LoadResult;
  readonly problems: Problem[];
}

interface NodeBridge {
  readonly bridge: Bridge;
  readonly edited: boolean;
  readonly problems: Problem[];
}

interface ParsedOverride {
  readonly flows: Flow[];
  readonly problems: Problem[];
}

interface ShellSessionEntry {
  readonly node: string;
  session: ShellSession;
  readonly lines: string[];
  key: string;
}

interface ParsedDump {
  readonly bridge: Bridge;
  readonly info: DumpInfo;
}

export class CancelledError extends Error {
  override name = "Cancelled";
}

/** A Problem from an OpenFlow error (ovs-ofctl's wording). */
export function ofpProblem(e: OfpError, fileName: string): Problem {
  const p = e.position;
  return {
    message: e.message,
    text: `ovs-ofctl: ${e.format(fileName)}`,
    line: p?.line ?? 1,
    column: p?.column ?? 1,
    ...(p?.length !== undefined ? { length: p.length } : {}),
  };
}

export class LabDerivations {
  readonly fileName: string;
  readonly authored: LabState;
  private current: LabState;
  private readonly loads = new Lru<string, Loaded>(6);
  private lastGood: Scenario | undefined;
  private readonly nodeKeys = new WeakMap<Scenario, Map<string, string>>();
  private readonly compiled = new Lru<string, CompiledNode>(48);
  private readonly overrides = new Lru<string, ParsedOverride>(32);
  private readonly bridges = new Lru<string, NodeBridge>(48);
  private readonly dumps = new Lru<string, string>(128);
  private readonly flowViews = new Lru<string, FlowsView>(64);
  private readonly traces = new Lru<string, TraceView>(32);
  private readonly shells = new Lru<string, ShellView>(32);
  private readonly parsedDumps = new Lru<string, ParsedDump>(4);
  private readonly sessions = new Map<string, ShellSessionEntry>();
  /** Set by the caller for the duration of a request. */
  progress: ProgressSink | undefined;

  constructor(authored: LabState, opts: DeriveOptions = {}) {
    this.fileName = opts.fileName ?? "scenario.yaml";
    this.authored = authored;
    this.current = authored;
  }

  get state(): LabState {
    return this.current;
  }

  setState(state: LabState): void {
    this.current = state;
  }

  // ------------------------------------------------------------ scenario

  private load(text: string): Loaded {
    return this.loads.getOr(text, () => {
      this.progress?.("Loading the scenario", 0, 1);
      const result = loadScenario(text, { fileName: this.fileName });
      const problems = result.errors.map((e): Problem => ({
        message: e.message, text: e.text, line: e.line, column: e.column, ...(e.length !== undefined ? { length: e.length } : {}),
      }));
      return { result, problems };
    });
  }

  /** The scenario views are computed from: the state's, or the last good one when it does not load. */
  private scenarioOf(state: LabState): { scenario: Scenario; stale: boolean } {
    const l = this.load(state.scenarioText);
    if (l.result.scenario) {
      if (state === this.current) this.lastGood = l.result.scenario;
      return { scenario: l.result.scenario, stale: false };
    }
    if (this.lastGood) return { scenario: this.lastGood, stale: true };
    const a = this.load(this.authored.scenarioText).result.scenario;
    if (!a) throw new LiveTraceError(`the authored scenario does not load: ${l.problems.map((p) => p.text).join("; ")}`);
    return { scenario: a, stale: true };
  }

  tableName(s: Scenario, table: number): string | undefined {
    return pipelineFamily(s.cluster.antrea.version) === "v0.10" ? TABLE_NAMES[table]?.name : undefined;
  }

  /**
   * Hash of what a Node's br-int depends on: everything but Pods, the Node's
   * own Pods in full, and of the other Pods only what policies and Services
   * see (identity, labels, Node, IP, port number, named container ports).
   */
  nodeKey(s: Scenario, node: string): string {
    let perNode = this.nodeKeys.get(s);
    if (!perNode) {
      perNode = new Map();
      this.nodeKeys.set(s, perNode);
      const shared = hash53(stableJson({ ...s, pods: undefined, fileName: undefined }));
      const others = hash53(
        stableJson(
          s.pods.map((p: Pod) => ({
            k: keyOf(p),
            l: p.metadata.labels,
            n: p.spec.nodeName,
            h: p.spec.hostNetwork,
            ip: p.status.podIP,
            of: p.lab?.ofport,
            c: p.spec.containers.map((c) => c.ports),
          })),
        ),
      );
      perNode.set("", `${shared}.${others}`);
    }
    let k = perNode.get(node);
    if (!k) {
      k = `${node}.${perNode.get("")}.${hash53(stableJson(localPods(s, node)))}`;
      perNode.set(node, k);
    }
    return k;
  }

  private compile(s: Scenario, node: string): CompiledNode {
    return this.compiled.getOr(this.nodeKey(s, node), () => {
      this.progress?.(`Compiling br-int on ${node}`, 0, 1);
      return compileNode(s, node);
    });
  }

  private parseOverride(ports: Bridge, node: string, text: string): ParsedOverride {
    const portsKey = stableJson(ports.ports.map((p) => [p.name, p.ofport]));
    return this.overrides.getOr(`${node}\u0000${portsKey}\u0000${text}`, () => {
      const r = parseFlowFile(text, { ports: ports.resolver(true), version: 13, groupExists: (id) => ports.groups.has(id) });
      return { flows: r.flows, problems: r.errors.map((e) => ofpProblem(e, FLOWS_FILE_NAME)) };
    });
  }

  /** Override entries for a Node, in a stable order (whole bridge first, then tables). */
  private overridesOf(state: LabState, node: string): [string, string][] {
    return Object.entries(state.flowOverrides)
      .filter(([k]) => parseOverrideKey(k).node === node)
      .sort(([a], [b]) => (a === node ? -1 : b === node ? 1 : a.localeCompare(b)));
  }

  /**
   * Replaces flows of `bridge` as the overrides say: a whole-bridge override
   * replaces every flow; a `node:table` override replaces that table's.
   * Flows that do not parse are left out (the rest still applies).
   */
  private applyOverrides(bridge: Bridge, base: Bridge, node: string, entries: readonly [string, string][]): Problem[] {
    const problems: Problem[] = [];
    let rules = [...base.rules()].map((r) => r.flow);
    const added: Flow[] = [];
    for (const [key, text] of entries) {
      const { table } = parseOverrideKey(key);
      const parsed = this.parseOverride(base, node, text);
      problems.push(...parsed.problems);
      if (table === undefined) rules = [];
      else rules = rules.filter((f) => f.table !== table);
      added.push(...parsed.flows);
    }
    bridge.clearFlows();
    // Stored flows go back in as stored (OpenFlow 1.3 round trip is the identity for them).
    bridge.addFlows(rules, 13);
    bridge.addFlows(added, 13);
    return problems;
  }

  private nodeBridge(state: LabState, s: Scenario, node: string): NodeBridge {
    const compiled = this.compile(s, node);
    const entries = this.overridesOf(state, node);
    if (entries.length === 0) return { bridge: compiled.bridge, edited: false, problems: [] };
    return this.bridges.getOr(`${this.nodeKey(s, node)}\u0000${JSON.stringify(entries)}`, () => {
      const b = compiled.bridge;
      const bridge = new Bridge({ name: b.name, ports: b.ports, dpid: b.dpid, uuid: b.uuid, datapathType: b.datapathType, ovsVersion: b.ovsVersion });
      for (const [id, g] of b.groups) bridge.groups.set(id, g);
      const problems = this.applyOverrides(bridge, b, node, entries);
      return { bridge, edited: true, problems };
    });
  }

  /** A fresh Cluster of the state (its own conntrack and hosts), with the flow overrides applied. */
  private cluster(state: LabState, s: Scenario): Cluster {
    this.progress?.("Building the cluster", 0, 1);
    const c = new Cluster(s);
    for (const node of s.nodes) {
      const entries = this.overridesOf(state, node.name);
      if (!entries.length) continue;
      const rt = c.runtime(node.name)!;
      const base = this.compile(s, node.name).bridge;
      this.applyOverrides(rt.bridge, base, node.name, entries);
    }
    return c;
  }

  private clusterKey(state: LabState, s: Scenario): string {
    return `${s.nodes.map((n) => this.nodeKey(s, n.name)).join("|")}\u0000${JSON.stringify(Object.entries(state.flowOverrides).sort())}`;
  }

  // ------------------------------------------------------------ status

  status(state: LabState = this.current): LabStatus {
    const l = this.load(state.scenarioText);
    const { scenario: s, stale } = this.scenarioOf(state);
    const flowErrors: Record<string, Problem[]> = {};
    for (const key of Object.keys(state.flowOverrides)) {
      const { node } = parseOverrideKey(key);
      if (!s.nodes.some((n) => n.name === node)) {
        flowErrors[key] = [{ message: `no Node named "${node}"`, text: `ovs-ofctl: br-int is not a bridge on ${node}`, line: 1, column: 1 }];
        continue;
      }
      const base = this.compile(s, node).bridge;
      const problems = this.parseOverride(base, node, state.flowOverrides[key]!).problems;
      if (problems.length) flowErrors[key] = problems;
    }
    const dumpErrors: Record<string, Problem[]> = {};
    for (const d of state.pastedDumps) {
      const parsed = this.parsedDumps.get(d.text);
      if (parsed?.info.errors.length) dumpErrors[d.id] = [...parsed.info.errors];
    }
    return {
      scenarioOk: !!l.result.scenario,
      scenarioErrors: l.problems,
      stale,
      flowErrors,
      dumpErrors,
      nodes: s.nodes.map((n) => n.name),
      pods: s.pods.map((p) => ({
        key: keyOf(p), name: p.metadata.name, namespace: p.metadata.namespace, node: p.spec.nodeName,
        ip: p.status.podIP, hostNetwork: !!p.spec.hostNetwork,
      })),
      services: s.services.map((v) => ({
        key: keyOf(v), name: v.metadata.name, namespace: v.metadata.namespace, clusterIP: v.spec.clusterIP ?? "",
        ports: v.spec.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP", ...(p.name ? { name: p.name } : {}) })),
      })),
      externalHosts: s.cluster.externalHosts.map((h) => h.name),
    };
  }

  // ------------------------------------------------------------ flows

  private prompt(s: Scenario, node: string): string {
    const n = s.nodes.find((x) => x.name === node)!;
    const agent = s.pods.find((p) => p.metadata.namespace === "kube-system" && p.metadata.name === n.agentPod);
    return agent ? promptOf({ kind: "container", pod: agent, container: "antrea-ovs", tty: true }) : `root@${node}:/#`;
  }

  private dumpText(bridge: Bridge, key: string, q: FlowsQuery, s: Scenario): string {
    return this.dumps.getOr(`${key}\u0000${q.table ?? ""}\u0000${q.version ?? 10}\u0000${q.names ?? true}`, () => {
      const filterText = q.table === undefined ? undefined : `table=${q.table}`;
      return dumpFlows(bridge, {
        version: q.version ?? 10,
        stats: false,
        names: q.names ?? true,
        ...(filterText ? { filter: parseDumpFilter(filterText, bridge.resolver(true)) } : {}),
        ovs214: s.cluster.ovs.version.startsWith("2."),
      });
    });
  }

  /** Identity of the bridge a listing is dumped from (compiled inputs + overrides). */
  private bridgeKey(state: LabState, s: Scenario, node: string): string {
    return `${this.nodeKey(s, node)}\u0000${JSON.stringify(this.overridesOf(state, node))}`;
  }

  /** Text of a listing for any state (no diff). */
  private listing(state: LabState, q: FlowsQuery): { text: string; s: Scenario; stale: boolean; edited: boolean; key: string } {
    const { scenario: s, stale } = this.scenarioOf(state);
    if (!s.nodes.some((n) => n.name === q.node)) {
      throw new LiveTraceError(`unknown Node "${q.node}"; the Nodes are ${s.nodes.map((n) => n.name).join(", ")}`);
    }
    if (q.table !== undefined && (!Number.isInteger(q.table) || q.table < 0 || q.table > 254)) {
      throw new LiveTraceError(`table must be a number from 0 to 254, not "${q.table}"`);
    }
    const nb = this.nodeBridge(state, s, q.node);
    const key = this.bridgeKey(state, s, q.node);
    return { text: this.dumpText(nb.bridge, key, q, s), s, stale, edited: nb.edited, key };
  }

  flows(q: FlowsQuery, state: LabState = this.current): FlowsView {
    const cur = this.listing(state, q);
    const auth = this.listing(this.authored, q);
    return this.flowViews.getOr(`${cur.key}\u0000${auth.key}\u0000${JSON.stringify(q)}\u0000${cur.stale}`, () => {
      const split = (t: string): string[] => (t === "" ? [] : t.replace(/\n$/, "").split("\n"));
      const diff = cur.text === auth.text ? split(cur.text).map((text) => ({ text, mark: "same" as const })) : diffLines(split(auth.text), split(cur.text));
      const lines: FlowLineView[] = diff;
      const flagVersion = q.version === 13 ? "-O OpenFlow13 " : "";
      const filterText = q.table === undefined ? "" : ` table=${q.table}`;
      const command =
        `ovs-ofctl ${flagVersion}dump-flows br-int${filterText} --no-stats` + (q.names === undefined ? "" : q.names ? " --names" : " --no-names");
      const tableName = q.table === undefined ? undefined : this.tableName(cur.s, q.table);
      const current = lines.filter((l) => l.mark !== "removed");
      return {
        node: q.node,
        command,
        prompt: this.prompt(cur.s, q.node),
        text: cur.text,
        flowCount: current.filter((l) => l.text.trim() !== "").length,
        ...(q.table !== undefined ? { table: q.table } : {}),
        ...(tableName ? { tableName } : {}),
        lines,
        added: lines.filter((l) => l.mark === "added").length,
        removed: lines.filter((l) => l.mark === "removed").length,
        edited: cur.edited,
        stale: cur.stale,
      };
    });
  }

  /**
   * A Node's flows (or one table's) in add-flows syntax, as the flow editor
   * starts from: the current dump with port names (which ovs-ofctl reads back).
   */
  flowsText(node: string, table?: number, state: LabState = this.current): string {
    return this.listing(state, { node, ...(table !== undefined ? { table } : {}), version: 13, names: true }).text;
  }

  // ------------------------------------------------------------ traces and shells

  trace(q: TraceQuery, state: LabState = this.current): TraceView {
    const { scenario: s, stale } = this.scenarioOf(state);
    return this.traces.getOr(`${this.clusterKey(state, s)}\u0000${JSON.stringify(q)}\u0000${stale}`, () => {
      this.progress?.("Tracing", 0, 1);
      return liveTrace(() => this.cluster(state, s), q, { ovsVersion: s.cluster.ovs.version, tableName: (t) => this.tableName(s, t) }, stale);
    });
  }

  shell(q: ShellQuery, state: LabState = this.current): ShellView {
    const { scenario: s, stale } = this.scenarioOf(state);
    return this.shells.getOr(`${this.clusterKey(state, s)}\u0000${JSON.stringify(q)}\u0000${stale}`, () => {
      if (!s.nodes.some((n) => n.name === q.node)) throw new LiveTraceError(`unknown Node "${q.node}"`);
      const session = new ShellSession(this.cluster(state, s), q.node);
      const steps = q.commands.map((command, i) => {
        this.progress?.("Running the shell block", i, q.commands.length);
        const prompt = session.prompt;
        const r = session.run(command);
        return { prompt, command, stdout: r.stdout, stderr: r.stderr, code: r.code };
      });
      return { node: q.node, steps, stale };
    });
  }

  topology(state: LabState = this.current): TopologyView {
    const { scenario: s, stale } = this.scenarioOf(state);
    const portOf = (node: string, name: string): number => this.compile(s, node).bridge.portByName(name)?.ofport ?? 0;
    return {
      nodes: s.nodes.map((n) => ({
        name: n.name, ip: n.ip, uplink: n.uplink, podCIDR: n.podCIDR, gatewayIP: n.gatewayIP,
        gatewayOfport: portOf(n.name, "antrea-gw0"), tunnelOfport: portOf(n.name, "antrea-tun0"),
      })),
      pods: s.nodes.flatMap((n) =>
        localPods(s, n.name)
          .slice()
          .sort((a, b) => a.lab!.ofport - b.lab!.ofport)
          .map((p) => ({
            key: keyOf(p), name: p.metadata.name, node: n.name, ip: p.status.podIP, ofport: p.lab!.ofport, interfaceName: p.lab!.interfaceName,
          })),
      ),
      stale,
    };
  }

  // ------------------------------------------------------------ terminal sessions

  openShell(node: string, sessionId: string): { prompt: string } {
    const { scenario: s } = this.scenarioOf(this.current);
    if (!s.nodes.some((n) => n.name === node)) throw new LiveTraceError(`unknown Node "${node}"; the Nodes are ${s.nodes.map((n) => n.name).join(", ")}`);
    const entry: ShellSessionEntry = {
      node,
      session: new ShellSession(this.cluster(this.current, s), node),
      lines: [],
      key: this.clusterKey(this.current, s),
    };
    this.sessions.set(sessionId, entry);
    return { prompt: entry.session.prompt };
  }

  runShell(node: string, line: string, sessionId: string): ShellReply {
    let entry = this.sessions.get(sessionId);
    if (!entry || entry.node !== node) {
      this.openShell(node, sessionId);
      entry = this.sessions.get(sessionId)!;
    }
    const { scenario: s } = this.scenarioOf(this.current);
    let rebuilt = false;
    const key = this.clusterKey(this.current, s);
    if (entry.key !== key) {
      // The state changed: a new cluster, and the session's earlier lines replayed on it.
      entry.session = new ShellSession(this.cluster(this.current, s), node);
      for (const l of entry.lines) entry.session.run(l);
      entry.key = key;
      rebuilt = true;
    }
    const r = entry.session.run(line);
    entry.lines.push(line);
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, prompt: r.prompt, rebuilt };
  }

  closeShell(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  // ------------------------------------------------------------ pasted dumps

  private dumpOf(id: string, state: LabState = this.current): PastedDump {
    const d = state.pastedDumps.find((x) => x.id === id);
    if (!d) throw new LiveTraceError(`no pasted dump "${id}"`);
    return d;
  }

  /**
   * Parses a pasted dump in chunks of lines, yielding between them (through
   * `pause`) so a 5 MB paste can report progress and be cancelled.
   */
  async parseDump(id: string, pause: () => Promise<void>, chunkLines = 2000): Promise<DumpInfo> {
    const d = this.dumpOf(id);
    const hit = this.parsedDumps.get(d.text);
    if (hit) return { ...hit.info, id };
    const names = new Map<string, number>();
    let next = 1;
    const known = portResolver(new Map(), true);
    // A dump has no port table: a name gets the next free number the first time it is seen.
    const resolver: PortResolver = {
      parse(text) {
        const n = known.parse(text);
        if (n !== undefined) return n;
        const unq = unquoteName(text);
        if (unq === undefined || parsePortNumber(unq) !== undefined || !/^[^\s,()=]+$/.test(unq)) return undefined;
        let p = names.get(unq);
        if (p === undefined) {
          while ([...names.values()].includes(next)) next++;
          p = next++;
          names.set(unq, p);
        }
        return p;
      },
      name: () => undefined,
    };
    const rows = d.text.split("\n");
    const flows: Flow[] = [];
    const problems: Problem[] = [];
    for (let i = 0; i < rows.length; i += chunkLines) {
      this.progress?.("Parsing the pasted dump", i, rows.length);
      const chunk = rows.slice(i, i + chunkLines).join("\n");
      const r = parseFlowFile(chunk, { ports: resolver, version: 13 });
      flows.push(...r.flows);
      for (const e of r.errors) {
        const pos = e.position ? { ...e.position, line: e.position.line + i } : { line: i + 1, column: 1 };
        problems.push(ofpProblem(e.withPosition(pos), "dump.txt"));
      }
      if (i + chunkLines < rows.length) await pause();
    }
    this.progress?.("Parsing the pasted dump", rows.length, rows.length);
    const ports = [...names].map(([name, ofport]) => ({ name, ofport, type: "system" as const }));
    const bridge = new Bridge({ name: "br-int", ports });
    bridge.addFlows(flows, 13);
    const info: DumpInfo = { id, flowCount: bridge.flowCount, ports: ports.map((p) => ({ name: p.name, ofport: p.ofport })), tables: bridge.tableIds(), errors: problems };
    this.parsedDumps.set(d.text, { bridge, info });
    return info;
  }

  traceDump(q: DumpTraceQuery): DumpTraceView {
    const d = this.dumpOf(q.dump);
    const parsed = this.parsedDumps.get(d.text);
    if (!parsed) throw new LiveTraceError(`the dump "${q.dump}" is not parsed yet`);
    let result;
    try {
      result = traceFlow(parsed.bridge, q.flow, { ctNext: [...(q.ctNext ?? [])], ovs: "3.1" });
    } catch (e) {
      throw new LiveTraceError(e instanceof Error ? e.message : String(e));
    }
    const text = formatTrace(result);
    const texts = splitPasses(text);
    const ports = parsed.bridge.resolver(true);
    const passes = result.passes.map((p, i) => {
      const steps: { table: number; flow: string }[] = [];
      const visit = (nodes: typeof p.tree): void => {
        for (const n of nodes) {
          if (n.type === "table" && n.tableId !== undefined) {
            steps.push({ table: n.tableId, flow: n.rule ? formatFlowLineTrim(n.rule.flow, ports) : "" });
          }
          visit(n.children);
        }
      };
      visit(p.tree);
      return { label: i === 0 ? "First pass" : `Pass ${i + 1}, back from conntrack`, steps, text: texts[i] ?? "" };
    });
    const lines = text.replace(/\n+$/, "").split("\n");
    const verdict = [...lines].reverse().find((l) => l.startsWith("Datapath actions:")) ?? lines[lines.length - 1] ?? "";
    return { dump: q.dump, passes, text, verdict, dropped: /Datapath actions: drop$/.test(verdict) };
  }
}

function formatFlowLineTrim(flow: Flow, ports: PortResolver): string {
  return formatFlowLine(flow, { version: 10, ports }).trim();
}
