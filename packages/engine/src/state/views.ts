/**
 * The plain data the derivations produce for the page's live components:
 * flow listings with their diff against the authored state, cluster traces,
 * shell outputs, the scenario's parts for pickers, and the problems to mark
 * in editors. Everything is structured-cloneable (it crosses the worker
 * boundary) and holds text only: views render it as text, never as HTML.
 */
import type { TraceProto } from "./state.ts";

/** A problem at a place in a text the reader edits (scenario YAML, flows, a pasted dump). */
export interface Problem {
  /** Worded as the tool words it (kubectl for the scenario, ovs-ofctl for flows), without position prefix. */
  readonly message: string;
  /** The whole line as the tool prints it (`seed.yaml:12:3: …`, `worker1.flows:4: …`). */
  readonly text: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly length?: number;
}

export interface PodInfo {
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly ip: string;
  readonly hostNetwork: boolean;
}

export interface ServiceInfo {
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly clusterIP: string;
  readonly ports: readonly { readonly port: number; readonly protocol: string; readonly name?: string }[];
}

/** The scenario's parts a picker offers, and the problems of the current state. */
export interface LabStatus {
  /** Whether the current scenario text loads. */
  readonly scenarioOk: boolean;
  /** The loader's problems (kubectl's wording, with line and column). */
  readonly scenarioErrors: readonly Problem[];
  /**
   * True when the scenario does not load and the output comes from the last
   * scenario that did (or the authored one).
   */
  readonly stale: boolean;
  /** Problems of flow overrides per Node (ovs-ofctl's wording). */
  readonly flowErrors: Readonly<Record<string, readonly Problem[]>>;
  /** Problems of pasted dumps per dump id. */
  readonly dumpErrors: Readonly<Record<string, readonly Problem[]>>;
  readonly nodes: readonly string[];
  readonly pods: readonly PodInfo[];
  readonly services: readonly ServiceInfo[];
  readonly externalHosts: readonly string[];
}

export interface FlowsQuery {
  readonly node: string;
  /** One table (0–254), or the whole bridge. */
  readonly table?: number;
  /** OpenFlow version of the dump: 10 (default) or 13. */
  readonly version?: 10 | 13;
  /** Port names (default true) or numbers. */
  readonly names?: boolean;
}

/** One line of a listing, marked against the authored listing. */
export interface FlowLineView {
  /** The line as dump-flows prints it (leading space included). */
  readonly text: string;
  /** `same`, or `added`/`removed` compared with the authored state. */
  readonly mark: "same" | "added" | "removed";
}

export interface FlowsView {
  readonly node: string;
  /** The command a reader types to see the same dump. */
  readonly command: string;
  readonly prompt: string;
  /** The current dump, exactly as the engine prints it. */
  readonly text: string;
  readonly flowCount: number;
  readonly table?: number;
  readonly tableName?: string;
  /** Current and removed lines, in listing order. */
  readonly lines: readonly FlowLineView[];
  readonly added: number;
  readonly removed: number;
  /** The Node's flows come from the reader's flow editor, not the compiler. */
  readonly edited: boolean;
  /** The scenario does not load; this is the last good output. */
  readonly stale: boolean;
}

export interface TraceStepView {
  readonly table: number;
  readonly tableName?: string;
  /** The matched flow as dump-flows prints it (OpenFlow 1.0, port names, trimmed), or "" for a miss. */
  readonly flow: string;
}

export interface TracePassView {
  readonly label: string;
  readonly steps: readonly TraceStepView[];
  /** The exact ofproto/trace text of this pass. */
  readonly text: string;
}

export type TraceHopView =
  | {
      readonly kind: "ovs";
      readonly node: string;
      readonly title: string;
      readonly passes: readonly TracePassView[];
      readonly allowedBy?: readonly string[];
      readonly out?: string;
      readonly packet: string;
      readonly command: string;
      readonly textNote?: string;
    }
  | { readonly kind: "host"; readonly node: string; readonly title: string; readonly lines: readonly string[] }
  | { readonly kind: "tunnel"; readonly node: string; readonly title: string };

export interface TracePathView {
  readonly hops: readonly TraceHopView[];
  readonly verdict: string;
  readonly delivered: boolean;
  /** Where it was dropped (table number, or a host stage name). */
  readonly droppedAt?: { readonly node: string; readonly table: number | string };
  /** OVS conntrack entries on each Node after this path (`ovs-appctl dpctl/dump-conntrack` lines). */
  readonly conntrack: Readonly<Record<string, readonly string[]>>;
}

/** Parts of the topology diagram a walk lights. */
export interface TopologyHighlight {
  /** Pod keys (`namespace/name`). */
  readonly pods: readonly string[];
  /** `node:ofport`. */
  readonly ports: readonly string[];
  /** `nodeA|nodeB`. */
  readonly tunnels: readonly string[];
}

export interface TraceView {
  readonly title: string;
  readonly packet: string;
  /** The `ovs-lab trace` command that prints the same walk. */
  readonly command: string;
  readonly forward: TracePathView;
  readonly reply?: TracePathView;
  readonly topology: TopologyHighlight;
  readonly replyTopology?: TopologyHighlight;
  readonly stale: boolean;
}

export interface ShellQuery {
  readonly node: string;
  readonly commands: readonly string[];
}

export interface ShellStepView {
  readonly prompt: string;
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export interface ShellView {
  readonly node: string;
  readonly steps: readonly ShellStepView[];
  readonly stale: boolean;
}

/** One command line run in a terminal session. */
export interface ShellReply {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
  /** The prompt after the command (a `kubectl exec -it … bash` changes it). */
  readonly prompt: string;
  /**
   * The state changed since the session's previous command: the session was
   * rebuilt on the new state by replaying its earlier lines (their output
   * discarded), so its context (`kubectl exec`, variables) carried over.
   */
  readonly rebuilt: boolean;
}

export interface TopologyNodeView {
  readonly name: string;
  readonly ip: string;
  readonly uplink: string;
  readonly podCIDR: string;
  readonly gatewayIP: string;
  readonly gatewayOfport: number;
  readonly tunnelOfport: number;
}

export interface TopologyPodView {
  readonly key: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly ofport: number;
  readonly interfaceName: string;
}

/** The cluster for the topology diagram (the site lays it out). */
export interface TopologyView {
  readonly nodes: readonly TopologyNodeView[];
  readonly pods: readonly TopologyPodView[];
  readonly stale: boolean;
}

/** An ofproto/trace of one packet through a pasted dump. */
export interface DumpTraceQuery {
  /** Pasted dump id. */
  readonly dump: string;
  /** The ofproto/trace flow (`in_port=1,tcp,nw_src=…,nw_dst=…,tp_dst=80`). */
  readonly flow: string;
  /** `--ct-next` states for the recirculations. */
  readonly ctNext?: readonly string[];
}

export interface DumpTraceView {
  readonly dump: string;
  readonly passes: readonly TracePassView[];
  /** The whole exact ofproto/trace text. */
  readonly text: string;
  /** The last line of the trace: `Datapath actions: …`. */
  readonly verdict: string;
  readonly dropped: boolean;
}

export interface DumpInfo {
  readonly id: string;
  readonly flowCount: number;
  /** Ports the dump names, with the numbers the lab gave them (a dump has no port table). */
  readonly ports: readonly { readonly name: string; readonly ofport: number }[];
  readonly tables: readonly number[];
  readonly errors: readonly Problem[];
}

export type { TraceProto };
