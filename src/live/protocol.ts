/**
 * Messages between the page and the engine worker. Every request carries an
 * id; the worker answers each with one `res` (or never, once cancelled) and
 * may send `progress` messages for it before. The state is pushed to the
 * worker whenever it changes (`state`), and requests posted after it see it.
 */
import type { LabState } from "../../packages/engine/src/state/state.ts";
import type {
  DumpInfo, DumpTraceQuery, DumpTraceView, FlowsQuery, FlowsView, LabStatus, ShellQuery, ShellReply, ShellView,
  TopologyView, TraceView,
} from "../../packages/engine/src/state/views.ts";
import type { TraceQuery } from "../../packages/engine/src/state/state.ts";

/** Operations the worker performs: arguments and result of each. */
export interface Ops {
  status: { args: Record<string, never>; result: LabStatus };
  flows: { args: FlowsQuery; result: FlowsView };
  trace: { args: TraceQuery; result: TraceView };
  shell: { args: ShellQuery; result: ShellView };
  topology: { args: Record<string, never>; result: TopologyView };
  /** A Node's flows (or one table's) in add-flows syntax, as a flow editor starts from. */
  flowsText: { args: { node: string; table?: number }; result: string };
  openShell: { args: { node: string; sessionId: string }; result: { prompt: string } };
  runShell: { args: { node: string; line: string; sessionId: string }; result: ShellReply };
  closeShell: { args: { sessionId: string }; result: null };
  dumpInfo: { args: { id: string }; result: DumpInfo };
  traceDump: { args: DumpTraceQuery; result: DumpTraceView };
  batch: { args: { requests: readonly BatchRequest[] }; result: BatchResult[] };
}

export type Op = keyof Ops;

/** One request of a batch (any op but batch itself). */
export type BatchRequest = { [K in Exclude<Op, "batch">]: { readonly op: K; readonly args: Ops[K]["args"] } }[Exclude<Op, "batch">];

export type BatchResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: WireError };

export interface WireError {
  readonly name: string;
  readonly message: string;
}

export interface ProgressInfo {
  /** What the worker is doing ("Loading the scenario", "Compiling worker1", "Parsing the pasted dump"). */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export type ToWorker =
  | { readonly t: "init"; readonly authored: LabState; readonly fileName: string }
  | { readonly t: "state"; readonly state: LabState; readonly seq: number }
  | { readonly t: "req"; readonly id: number; readonly op: Op; readonly args: unknown }
  | { readonly t: "cancel"; readonly id: number };

export type FromWorker =
  | { readonly t: "res"; readonly id: number; readonly ok: true; readonly value: unknown; readonly ms: number }
  | { readonly t: "res"; readonly id: number; readonly ok: false; readonly error: WireError }
  | { readonly t: "progress"; readonly id: number; readonly info: ProgressInfo };
