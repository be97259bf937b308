/**
 * The engine worker: runs the lab's derivations (packages/engine/src/state)
 * off the main thread, so a large scenario or a pasted 5 MB dump never
 * freezes the page. Requests run one at a time in the order they came;
 * state changes are queued with them, so a request always sees the state
 * posted before it. Long work reports progress and yields now and then, so
 * a cancellation posted meanwhile is seen.
 */
import { CancelledError, LabDerivations } from "../../packages/engine/src/state/derive.ts";
import type { BatchRequest, BatchResult, FromWorker, Op, Ops, ToWorker, WireError } from "./protocol.ts";

declare const self: {
  postMessage(m: FromWorker): void;
  addEventListener(type: "message", fn: (ev: MessageEvent<ToWorker>) => void): void;
};

let derive: LabDerivations | undefined;
const queue: ToWorker[] = [];
const cancelled = new Set<number>();
let running = false;

const post = (m: FromWorker): void => self.postMessage(m);
const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function wire(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: "Error", message: String(e) };
}

async function perform(op: Op, args: unknown, check: () => void): Promise<unknown> {
  const d = derive!;
  switch (op) {
    case "status": return d.status();
    case "flows": return d.flows(args as Ops["flows"]["args"]);
    case "trace": return d.trace(args as Ops["trace"]["args"]);
    case "shell": return d.shell(args as Ops["shell"]["args"]);
    case "topology": return d.topology();
    case "flowsText": {
      const a = args as Ops["flowsText"]["args"];
      return d.flowsText(a.node, a.table);
    }
    case "openShell": {
      const a = args as Ops["openShell"]["args"];
      return d.openShell(a.node, a.sessionId);
    }
    case "runShell": {
      const a = args as Ops["runShell"]["args"];
      return d.runShell(a.node, a.line, a.sessionId);
    }
    case "closeShell":
      d.closeShell((args as Ops["closeShell"]["args"]).sessionId);
      return null;
    case "dumpInfo":
      return d.parseDump((args as Ops["dumpInfo"]["args"]).id, async () => {
        await pause();
        check();
      });
    case "traceDump": {
      const a = args as Ops["traceDump"]["args"];
      await d.parseDump(a.dump, async () => {
        await pause();
        check();
      });
      return d.traceDump(a);
    }
    case "batch": {
      const out: BatchResult[] = [];
      let last = performance.now();
      for (const r of (args as { requests: readonly BatchRequest[] }).requests) {
        // Yield now and then, so a cancellation of a long batch is seen.
        if (performance.now() - last > 50) {
          await pause();
          check();
          last = performance.now();
        }
        try {
          out.push({ ok: true, value: await perform(r.op, r.args, check) });
        } catch (e) {
          if (e instanceof CancelledError) throw e;
          out.push({ ok: false, error: wire(e) });
        }
      }
      return out;
    }
  }
}

async function run(): Promise<void> {
  if (running) return;
  running = true;
  try {
    while (queue.length) {
      const m = queue.shift()!;
      if (m.t === "init") {
        derive = new LabDerivations(m.authored, { fileName: m.fileName });
        continue;
      }
      if (m.t === "state") {
        derive?.setState(m.state);
        continue;
      }
      if (m.t !== "req") continue;
      if (cancelled.delete(m.id)) continue;
      if (!derive) {
        post({ t: "res", id: m.id, ok: false, error: { name: "Error", message: "the worker has no scenario yet" } });
        continue;
      }
      const started = performance.now();
      let lastProgress = 0;
      derive.progress = (phase, done, total) => {
        const now = performance.now();
        if (now - lastProgress < 30 && done !== total) return;
        lastProgress = now;
        post({ t: "progress", id: m.id, info: { phase, done, total } });
      };
      const check = (): void => {
        if (cancelled.has(m.id)) throw new CancelledError("cancelled");
      };
      try {
        const value = await perform(m.op, m.args, check);
        if (!cancelled.delete(m.id)) post({ t: "res", id: m.id, ok: true, value, ms: performance.now() - started });
      } catch (e) {
        if (!cancelled.delete(m.id)) post({ t: "res", id: m.id, ok: false, error: wire(e) });
      } finally {
        derive.progress = undefined;
      }
    }
  } finally {
    running = false;
  }
}

self.addEventListener("message", (ev) => {
  const m = ev.data;
  if (m.t === "cancel") {
    cancelled.add(m.id);
    // A queued request is dropped here; a running one stops at its next check.
    const i = queue.findIndex((q) => q.t === "req" && q.id === m.id);
    if (i >= 0) {
      queue.splice(i, 1);
      cancelled.delete(m.id);
    }
    return;
  }
  queue.push(m);
  void run();
});
