/**
 * The terminal's thin adapter to the engine: everything the terminal, the
 * playground and the embed pages ask of the engine goes through this port, so
 * the engine's host (today a worker of our own, shell.worker.ts; the site's
 * live layer, src/live/client.ts, once it exposes shell sessions) can change
 * without touching the UI.
 *
 * The engine always runs in a Web Worker: a command never blocks the page,
 * and Ctrl-C during a command replaces the worker (the shell sessions start
 * over, as after a dropped SSH connection).
 */
import type { CompletionData, Request, Response, ShellReply } from "./protocol.ts";

export type { CompletionData, ShellReply };

export interface TraceQuery {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly proto?: "tcp" | "udp" | "icmp";
  readonly reply?: boolean;
}

export interface EnginePort {
  /** Loads a scenario (YAML text; the seed lab when omitted) and resolves with what tab completion needs. */
  load(scenario?: string): Promise<CompletionData>;
  /** The Node's current prompt (`vmware@master:~$`, or a container's after `kubectl exec -it`). */
  prompt(node: string): Promise<string>;
  /** Runs one command line at the Node's prompt. */
  run(node: string, line: string): Promise<ShellReply>;
  /** `ovs-lab trace` text for a walk, or the engine's complaint about the request. */
  trace(query: TraceQuery): Promise<{ readonly text?: string; readonly error?: string }>;
  /** Whether a request is in flight. */
  readonly busy: boolean;
  /** Stops whatever runs: pending requests reject with InterruptedError; sessions start over. */
  interrupt(): void;
  /** Frees the worker. */
  close(): void;
}

export class InterruptedError extends Error {
  override name = "InterruptedError";
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/** The engine in a dedicated worker of this module's own. */
export function workerPort(): EnginePort {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let scenario: string | undefined;

  const start = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL("./shell.worker.ts", import.meta.url), { type: "module", name: "ovs-lab-terminal" });
    w.onmessage = (ev: MessageEvent<Response>) => {
      const res = ev.data;
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if (res.ok) p.resolve(res.value);
      else p.reject(new Error(res.error));
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      const err = new Error(ev.message || "the engine worker failed");
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker = w;
    // A fresh worker loads the scenario the page asked for last.
    if (scenario !== undefined) post({ op: "load", scenario }).catch(() => undefined);
    return w;
  };

  const post = <T>(body: Body): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      start().postMessage({ ...body, id } as Request);
    });

  return {
    load(text) {
      scenario = text;
      return post<CompletionData>(text === undefined ? { op: "load" } : { op: "load", scenario: text });
    },
    prompt: (node) => post<string>({ op: "prompt", node }),
    run: (node, line) => post<ShellReply>({ op: "run", node, line }),
    trace: (q) => post({ op: "trace", ...q }),
    get busy() {
      return pending.size > 0;
    },
    interrupt() {
      if (!worker) return;
      worker.terminate();
      worker = undefined;
      const err = new InterruptedError("interrupted");
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    },
    close() {
      worker?.terminate();
      worker = undefined;
      pending.clear();
    },
  };
}

let shared: EnginePort | undefined;

/** The page's one engine port (every terminal and live panel of a page shares it). */
export function enginePort(): EnginePort {
  return (shared ??= workerPort());
}
