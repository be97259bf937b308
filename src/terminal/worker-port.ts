/**
 * The port over a worker of the terminal's own (shell.worker.ts): the engine's
 * Cluster and one ShellSession per Node. Ctrl-C during a command replaces the
 * worker (the sessions start over, as after a dropped SSH connection).
 */
import type { CompletionData, Request, Response, ShellReply } from "./protocol.ts";
import { InterruptedError, type EnginePort } from "./port.ts";

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
      if (text === undefined) return post<CompletionData>({ op: "complete-data" });
      scenario = text;
      return post<CompletionData>({ op: "load", scenario: text });
    },
    prompt: (node) => post<string>({ op: "prompt", node }),
    run: (node, line) => post<ShellReply>({ op: "run", node, line }),
    trace: (q) => post({ op: "trace", ...q }),
    async flows(q) {
      // Typed in the Node's antrea-ovs container, through kubectl on the first Node (master).
      const data = await post<CompletionData>({ op: "complete-data" });
      if (!data.nodes.includes(q.node)) return { error: `unknown Node "${q.node}"; the Nodes are ${data.nodes.join(", ")}` };
      const agent = data.pods.find((p) => p.namespace === "kube-system" && p.node === q.node && p.containers.includes("antrea-ovs"));
      if (!agent) return { error: `no antrea-agent Pod runs on ${q.node}` };
      const command =
        `ovs-ofctl ${q.version === 13 ? "-O OpenFlow13 " : ""}dump-flows br-int${q.table !== undefined ? ` table=${q.table}` : ""}` +
        ` --no-stats ${q.names === false ? "--no-names" : "--names"}`;
      const r = await post<ShellReply>({ op: "run", node: data.nodes[0]!, line: `kubectl exec -n kube-system ${agent.name} -c antrea-ovs -- ${command}` });
      if (r.code !== 0) return { error: (r.stderr || r.stdout).trim() };
      const tableName = q.table !== undefined ? data.tableNames[q.table] : undefined;
      return {
        view: {
          prompt: `root@${q.node}:/#`,
          command,
          text: r.stdout,
          flowCount: r.stdout.split("\n").filter((l) => l.trim() !== "").length,
          ...(tableName ? { tableName } : {}),
        },
      };
    },
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
