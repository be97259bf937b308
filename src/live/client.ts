/**
 * The live layer's public API (see README.md in this folder): the page's
 * store of the reader's lab state, the engine worker's client (flows,
 * traces, shell), the URL state codec and the lazy editor. Everything a page
 * or an island needs is imported from this module, and only from it.
 *
 *   const store = await getPageStore();            // an article page
 *   const store = createLiveStore({ page: "/playground/", scenarioText });  // any page
 *   store.subscribe((tr) => …);  store.dispatch({ scenarioText: "…" });
 *   const out = await store.client.runShell("master", "kubectl get pods", "term-1");
 *   const trace = await store.client.trace({ from: "frontend", to: "backendsvc", port: 80, reply: true });
 *   const token = await encodeState(store.state, store.authored);   // #lab=TOKEN
 *   const { createScenarioEditor } = await loadEditor();
 */
import type { LabState, Transaction, TransactionSpec, TraceQuery } from "../../packages/engine/src/state/state.ts";
import type {
  DumpInfo, DumpTraceQuery, DumpTraceView, FlowsQuery, FlowsView, LabStatus, Problem, ShellQuery, ShellReply, ShellView,
  TopologyView, TraceView,
} from "../../packages/engine/src/state/views.ts";
import type { BatchRequest, BatchResult, FromWorker, Op, Ops, ProgressInfo, ToWorker } from "./protocol.ts";

export type { LabState, Transaction, TransactionSpec, TraceQuery } from "../../packages/engine/src/state/state.ts";
export type { PastedDump, StatePart, TraceProto } from "../../packages/engine/src/state/state.ts";
export type * from "../../packages/engine/src/state/views.ts";
export type { BatchRequest, BatchResult, Op, Ops, ProgressInfo } from "./protocol.ts";
export { createState, update, isEdited } from "../../packages/engine/src/state/state.ts";
export {
  encodeState, decodeState, packState, unpackState, type DecodeResult, type UrlStateError, type UrlStateErrorCode,
} from "../../packages/engine/src/state/url.ts";
export { createLiveStore, getPageStore, type LiveStore, type LiveStoreOptions } from "./store.ts";
export { shareUrl, readSharedState, SHARE_PARAM } from "./share.ts";

// ---------------------------------------------------------------- errors

export type LiveErrorCode =
  /** The request was cancelled (its AbortSignal fired, or a newer request superseded it). */
  | "cancelled"
  /** The engine refused the request (unknown Pod, bad port…); `message` says why, in the tools' words. */
  | "engine"
  /** The worker failed to start or crashed. */
  | "worker";

export class LiveError extends Error {
  override name = "LiveError";
  readonly code: LiveErrorCode;
  constructor(code: LiveErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------- the worker client

export interface Progress extends ProgressInfo {
  /** Request id. */
  readonly id: number;
  readonly op: Op;
  /** Since the request was posted. */
  readonly elapsedMs: number;
}

export interface RequestOptions {
  /** Aborting rejects the promise with LiveError("cancelled") and tells the worker to drop the work. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * The engine, running in a Web Worker, computing for the store's current
 * state. Requests are answered in order of completion; each is cancellable.
 */
export interface LabClient {
  request<K extends Op>(op: K, args: Ops[K]["args"], opts?: RequestOptions): Promise<Ops[K]["result"]>;
  /** Scenario problems, flow problems, and the Nodes, Pods, Services and hosts for pickers. */
  status(opts?: RequestOptions): Promise<LabStatus>;
  flows(q: FlowsQuery, opts?: RequestOptions): Promise<FlowsView>;
  trace(q: TraceQuery, opts?: RequestOptions): Promise<TraceView>;
  /** A :::shell block: the commands run in order in a fresh session. */
  shell(q: ShellQuery, opts?: RequestOptions): Promise<ShellView>;
  topology(opts?: RequestOptions): Promise<TopologyView>;
  /** A Node's current flows (or one table's) in add-flows syntax (what a flow editor starts from). */
  flowsText(node: string, table?: number, opts?: RequestOptions): Promise<string>;
  /** Starts (or restarts) a terminal session on a Node; resolves with its prompt. */
  openShell(node: string, sessionId: string, opts?: RequestOptions): Promise<{ prompt: string }>;
  /**
   * Runs one command line in a session (opened on first use). The session
   * keeps its context (prompt, `kubectl exec`, variables) and its cluster's
   * connection state between lines; after a state change it is rebuilt on
   * the new state (reply.rebuilt).
   */
  runShell(node: string, line: string, sessionId: string, opts?: RequestOptions): Promise<ShellReply>;
  closeShell(sessionId: string): Promise<void>;
  dumpInfo(id: string, opts?: RequestOptions): Promise<DumpInfo>;
  traceDump(q: DumpTraceQuery, opts?: RequestOptions): Promise<DumpTraceView>;
  /** Several requests in one round trip; each result is ok or an error. */
  batch(requests: readonly BatchRequest[], opts?: RequestOptions): Promise<BatchResult[]>;
  /** Progress of every request (for a page-wide indicator). */
  onProgress(listener: (p: Progress) => void): () => void;
  /** Number of requests not answered yet. */
  readonly pending: number;
  terminate(): void;
}

interface Pending {
  readonly op: Op;
  readonly started: number;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly onProgress: ((p: Progress) => void) | undefined;
  readonly cleanup: () => void;
}

/** The engine worker (a module worker bundled by Vite). */
export function startWorker(): Worker {
  return new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "ovs-lab-engine" });
}

/**
 * A client over a started worker. `createLiveStore` makes one; use this
 * directly only for a worker without a store (then post the state yourself
 * with `setState`).
 */
export function createClient(worker: Worker, authored: LabState, fileName: string): LabClient & { setState(s: LabState): void } {
  let nextId = 1;
  let seq = 0;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(p: Progress) => void>();
  let dead: LiveError | undefined;
  const post = (m: ToWorker): void => worker.postMessage(m);

  worker.addEventListener("message", (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === "progress") {
      const info: Progress = { ...m.info, id: m.id, op: p.op, elapsedMs: performance.now() - p.started };
      p.onProgress?.(info);
      for (const l of listeners) l(info);
      return;
    }
    pending.delete(m.id);
    p.cleanup();
    if (m.ok) p.resolve(m.value);
    else p.reject(new LiveError(m.error.name === "Cancelled" ? "cancelled" : "engine", m.error.message));
  });
  const crash = (message: string): void => {
    dead = new LiveError("worker", message);
    for (const p of pending.values()) {
      p.cleanup();
      p.reject(dead);
    }
    pending.clear();
  };
  worker.addEventListener("error", (e) => crash(`the engine worker failed: ${e.message || "unknown error"}`));
  worker.addEventListener("messageerror", () => crash("the engine worker sent a message that cannot be read"));
  post({ t: "init", authored, fileName });

  function request<K extends Op>(op: K, args: Ops[K]["args"], opts: RequestOptions = {}): Promise<Ops[K]["result"]> {
    if (dead) return Promise.reject(dead);
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new LiveError("cancelled", `${op} was cancelled`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (!pending.has(id)) return;
        pending.delete(id);
        post({ t: "cancel", id });
        reject(new LiveError("cancelled", `${op} was cancelled`));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.set(id, {
        op,
        started: performance.now(),
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      });
      post({ t: "req", id, op, args });
    });
  }

  return {
    request,
    status: (o) => request("status", {}, o),
    flows: (q, o) => request("flows", q, o),
    trace: (q, o) => request("trace", q, o),
    shell: (q, o) => request("shell", q, o),
    topology: (o) => request("topology", {}, o),
    flowsText: (node, table, o) => request("flowsText", { node, ...(table !== undefined ? { table } : {}) }, o),
    openShell: (node, sessionId, o) => request("openShell", { node, sessionId }, o),
    runShell: (node, line, sessionId, o) => request("runShell", { node, line, sessionId }, o),
    closeShell: async (sessionId) => {
      await request("closeShell", { sessionId });
    },
    dumpInfo: (id, o) => request("dumpInfo", { id }, o),
    traceDump: (q, o) => request("traceDump", q, o),
    batch: (requests, o) => request("batch", { requests }, o),
    onProgress: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get pending() {
      return pending.size;
    },
    terminate: () => {
      crash("the engine worker was stopped");
      worker.terminate();
    },
    setState: (state) => post({ t: "state", state, seq: ++seq }),
  };
}

// ---------------------------------------------------------------- the editor, loaded lazily

export interface EditorHandle {
  /** Keyboard focus into the editor. */
  focus(): void;
  /** Marks problems (the editor also marks the store's problems by itself). */
  setProblems(problems: readonly Problem[]): void;
  /** Replaces the text (without dispatching to the store). */
  setText(text: string): void;
  readonly text: string;
  destroy(): void;
}

export interface ScenarioEditorOptions {
  readonly store: import("./store.ts").LiveStore;
  /** Label for assistive technology. */
  readonly label?: string;
  /** Delay before an edit is dispatched to the store (ms, default 150). */
  readonly debounceMs?: number;
}

export interface FlowsEditorOptions {
  readonly store: import("./store.ts").LiveStore;
  /** The Node whose br-int flows the editor replaces. */
  readonly node: string;
  /** Only this table's flows (the override key is then `node:table`). */
  readonly table?: number;
  /** Text to start from (the Node's current flows, in add-flows syntax). */
  readonly initialText: string;
  readonly label?: string;
  readonly debounceMs?: number;
}

export interface TextEditorOptions {
  readonly text: string;
  readonly label?: string;
  readonly language?: "yaml" | "flows" | "plain";
  readonly onChange?: (text: string) => void;
  readonly debounceMs?: number;
}

/** What `loadEditor()` resolves with: CodeMirror 6 editors bound to a store. */
export interface EditorModule {
  /** The scenario YAML of the store, with YAML highlighting and the loader's errors marked inline. */
  createScenarioEditor(parent: HTMLElement, opts: ScenarioEditorOptions): EditorHandle;
  /** One Node's flows in add-flows syntax; edits replace the bridge's flows; errors as ovs-ofctl words them. */
  createFlowsEditor(parent: HTMLElement, opts: FlowsEditorOptions): EditorHandle;
  /** A plain editor (a paste box, a terminal's multi-line input). */
  createTextEditor(parent: HTMLElement, opts: TextEditorOptions): EditorHandle;
}

let editorModule: Promise<EditorModule> | undefined;

/** Loads CodeMirror and the lab's editors (a separate chunk, fetched on first call). */
export function loadEditor(): Promise<EditorModule> {
  editorModule ??= import("../../components/live/editor.ts");
  return editorModule;
}
