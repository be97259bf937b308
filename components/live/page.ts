/**
 * The live layer of an article page, loaded on the reader's first
 * interaction (or at once when the page has saved edits or a share link):
 * the page store, the dock (scenario editor, reset, share, pasted dumps,
 * status and progress), and a controller per pre-rendered component that
 * recomputes it in the engine worker whenever the state changes.
 *
 * One state change → one batch request to the worker (the previous one is
 * cancelled) → every component rendered from its result. The time from the
 * dispatch to the last component updated is measured with performance marks
 * (`live:update`), and published as a `live-lab:updated` event.
 */
import "./live.css";
import { getPageStore, type BatchRequest, type BatchResult, type LabStatus, type LiveStore, type Progress, type Transaction } from "../../src/live/client.ts";
import { Dock } from "./dock.ts";
import { LiveFlows } from "./flows.ts";
import { LiveShell } from "./shell.ts";
import { LiveTopology } from "./topology.ts";
import { LiveTrace } from "./trace.ts";
import { showNotices } from "./notices.ts";
import type { TopologyHighlight } from "../../src/live/client.ts";

/** A live component: what it asks the worker for, and how it shows the answers. */
export interface LiveComponent {
  readonly figure: HTMLElement;
  requests(rt: Runtime): BatchRequest[];
  render(results: BatchResult[], rt: Runtime): void;
}

export interface UpdateDetail {
  /** Dispatch (or activation) to the last component rendered, ms. */
  readonly ms: number;
  /** Time the worker spent computing, ms. */
  readonly workerMs: number;
  readonly seq: number;
  readonly components: number;
}

export class Runtime {
  readonly store: LiveStore;
  readonly components: LiveComponent[] = [];
  readonly dock: Dock;
  status: LabStatus | undefined;
  private inflight: AbortController | undefined;
  private seq = 0;
  private lastDone = 0;
  private readonly matchListeners = new Set<(node: string | undefined, flow: string | undefined) => void>();
  private readonly pathListeners = new Set<(hl: TopologyHighlight | undefined, owner: LiveComponent | undefined) => void>();
  updates: UpdateDetail[] = [];

  constructor(store: LiveStore) {
    this.store = store;
    this.dock = new Dock(this);
  }

  add(c: LiveComponent): void {
    this.components.push(c);
  }

  /** Lights, in every flow listing of `node`, the line of `flow` (a trace step's matched flow). */
  highlightFlow(node: string | undefined, flow: string | undefined): void {
    for (const l of this.matchListeners) l(node, flow);
  }

  onFlowHighlight(l: (node: string | undefined, flow: string | undefined) => void): void {
    this.matchListeners.add(l);
  }

  /** Lights a trace's path on the page's topology diagrams (those without a walk of their own). */
  showPath(hl: TopologyHighlight | undefined, owner: LiveComponent | undefined): void {
    for (const l of this.pathListeners) l(hl, owner);
  }

  onPath(l: (hl: TopologyHighlight | undefined, owner: LiveComponent | undefined) => void): void {
    this.pathListeners.add(l);
  }

  /** Recomputes every component for the current state (cancelling a recompute in flight). */
  async recompute(startedAt = performance.now()): Promise<void> {
    this.inflight?.abort();
    const ac = new AbortController();
    this.inflight = ac;
    const seq = ++this.seq;
    performance.mark(`live:start:${seq}`, { startTime: startedAt });
    const parts = this.components.map((c) => c.requests(this));
    const requests: BatchRequest[] = [{ op: "status", args: {} }, ...parts.flat()];
    const slow = setTimeout(() => this.dock.busy(true), 200);
    let results: BatchResult[];
    const t0 = performance.now();
    try {
      results = await this.store.client.batch(requests, {
        signal: ac.signal,
        onProgress: (p: Progress) => this.dock.progress(p),
      });
    } catch (e) {
      clearTimeout(slow);
      if ((e as { code?: string }).code === "cancelled") return;
      this.dock.busy(false);
      this.dock.error(e instanceof Error ? e.message : String(e));
      return;
    } finally {
      if (this.inflight === ac) this.inflight = undefined;
    }
    const workerMs = performance.now() - t0;
    clearTimeout(slow);
    if (seq !== this.seq) return;
    const statusResult = results[0]!;
    if (statusResult.ok) this.status = statusResult.value as LabStatus;
    let at = 1;
    for (let i = 0; i < this.components.length; i++) {
      const n = parts[i]!.length;
      try {
        this.components[i]!.render(results.slice(at, at + n), this);
      } catch (e) {
        console.error("live component failed to render", e);
      }
      at += n;
    }
    this.dock.busy(false);
    this.dock.update(this.status);
    performance.mark(`live:end:${seq}`);
    const m = performance.measure("live:update", `live:start:${seq}`, `live:end:${seq}`);
    this.lastDone = seq;
    const detail: UpdateDetail = { ms: m.duration, workerMs, seq, components: this.components.length };
    this.updates.push(detail);
    if (this.updates.length > 50) this.updates.shift();
    document.dispatchEvent(new CustomEvent<UpdateDetail>("live-lab:updated", { detail }));
  }

  /** Whether the last recompute asked for has finished. */
  get settled(): boolean {
    return this.lastDone === this.seq && !this.inflight;
  }
}

let runtime: Promise<Runtime> | undefined;

/** Makes the page live (once); resolves with its runtime. */
export function activate(): Promise<Runtime> {
  runtime ??= (async () => {
    const started = performance.now();
    const store = await getPageStore();
    const rt = new Runtime(store);
    const figures = [...document.querySelectorAll<HTMLElement>("figure[data-live]")];
    let traces = 0;
    for (const fig of figures) {
      const kind = fig.dataset.live;
      try {
        if (kind === "flows") rt.add(new LiveFlows(fig, rt));
        else if (kind === "trace") rt.add(new LiveTrace(fig, rt, `trace-${traces++}`));
        else if (kind === "topology") rt.add(new LiveTopology(fig, rt));
        else if (kind === "shell") rt.add(new LiveShell(fig));
      } catch (e) {
        console.error(`live ${kind} could not start`, e);
      }
    }
    document.documentElement.classList.add("live-on");
    store.subscribe((tr: Transaction) => {
      if (tr.changed.size === 0) return;
      if (tr.affectsOutput || tr.changed.has("traces")) void rt.recompute(performance.now());
      rt.dock.stateChanged(tr);
    });
    if (store.shareError) rt.dock.error(store.shareError.message);
    showNotices(store);
    (window as unknown as { __ovsLabLive?: Runtime }).__ovsLabLive = rt;
    await rt.recompute(started);
    return rt;
  })();
  return runtime;
}
