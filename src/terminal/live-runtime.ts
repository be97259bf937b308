/**
 * The live layer's components (components/live/) on a page of ours: the
 * pre-rendered flows, trace and topology figures recompute in the page
 * store's worker whenever its state changes, as on an article. Their
 * `data-live-args` may be rewritten first (an embed's URL parameters).
 * Mirrors components/live/page.ts's activate(), which is bound to the
 * article's page store.
 */
import type { LiveStore, Transaction } from "../live/client.ts";

export interface LiveRuntimeOptions {
  /** Keep the live layer's dock (status, Reset, Share, editor panels); embeds hide it. */
  readonly dock?: boolean;
}

export async function startLive(store: LiveStore, root: ParentNode = document, opts: LiveRuntimeOptions = {}) {
  const [{ Runtime }, { LiveFlows }, { LiveTrace }, { LiveTopology }] = await Promise.all([
    import("../../components/live/page.ts"),
    import("../../components/live/flows.ts"),
    import("../../components/live/trace.ts"),
    import("../../components/live/topology.ts"),
  ]);
  const rt = new Runtime(store);
  if (opts.dock === false) {
    rt.dock.root.hidden = true;
    rt.dock.root.style.setProperty("display", "none", "important");
  }
  let traces = 0;
  for (const fig of root.querySelectorAll<HTMLElement>("figure[data-live]")) {
    const kind = fig.dataset.live;
    try {
      if (kind === "flows") rt.add(new LiveFlows(fig, rt));
      else if (kind === "trace") rt.add(new LiveTrace(fig, rt, `trace-${traces++}`));
      else if (kind === "topology") rt.add(new LiveTopology(fig, rt));
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
  await rt.recompute(performance.now());
  return rt;
}
