/**
 * The engine port over the live layer (src/live/client.ts): the page's live
 * store and its engine worker. Terminal sessions are the client's shell
 * sessions (one per Node per terminal); a scenario change is a transaction
 * on the store, and the sessions are rebuilt on it by the worker.
 */
import { LiveError, type LabStatus, type LiveStore } from "../live/client.ts";
import { InterruptedError, type CompletionData, type EnginePort } from "./port.ts";

/** Containers of the Pods the seed lab knows (the client's status has Pods, not their containers). */
function containersOf(name: string): string[] {
  if (name.startsWith("antrea-agent-")) return ["antrea-agent", "antrea-ovs"];
  if (name.startsWith("antrea-controller-")) return ["antrea-controller"];
  if (name.startsWith("antrea-octant-")) return ["antrea-octant"];
  return [];
}

/** A port over a live store (the page's: see engine-port.ts). */
export function livePort(store: () => Promise<LiveStore>): EnginePort {
  const prompts = new Map<string, string>();
  const controllers = new Set<AbortController>();
  let completion: CompletionData | undefined;
  const id = `terminal-${Math.random().toString(36).slice(2, 8)}`;
  const sessionOf = (node: string): string => `${id}:${node}`;
  let watching = false;
  const watch = (s: LiveStore): void => {
    if (watching) return;
    watching = true;
    // Another editor (the playground's, an article's dock) may change the scenario: names to complete change too.
    s.subscribe((tr) => {
      if (tr.changed.has("scenario")) completion = undefined;
    });
  };

  /** Runs a request that Ctrl-C may cancel. */
  async function cancellable<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    controllers.add(ac);
    try {
      return await fn(ac.signal);
    } catch (e) {
      if (e instanceof LiveError && e.code === "cancelled") throw new InterruptedError("interrupted");
      throw e;
    } finally {
      controllers.delete(ac);
    }
  }

  async function completionData(s: LiveStore, status: LabStatus): Promise<CompletionData> {
    const tables = new Set<number>();
    const tableNames: Record<number, string> = {};
    const dumps = await Promise.all(status.nodes.map((node) => s.client.flows({ node }).catch(() => undefined)));
    for (const d of dumps) for (const m of d?.text.matchAll(/\btable=(\d+)/g) ?? []) tables.add(Number(m[1]));
    const named = await Promise.all(
      [...tables].map((table) => s.client.flows({ node: status.nodes[0]!, table }).catch(() => undefined)),
    );
    for (const v of named) if (v?.table !== undefined && v.tableName) tableNames[v.table] = v.tableName;
    const namespaces = new Set(["default", "kube-system", ...status.pods.map((p) => p.namespace), ...status.services.map((x) => x.namespace)]);
    return {
      nodes: status.nodes,
      namespaces: [...namespaces].sort(),
      pods: status.pods.map((p) => ({ namespace: p.namespace, name: p.name, node: p.node, containers: containersOf(p.name) })),
      services: status.services.map((x) => ({ namespace: x.namespace, name: x.name })),
      tables: [...tables].sort((a, b) => a - b),
      tableNames,
    };
  }

  return {
    async load(scenario) {
      const s = await store();
      watch(s);
      if (scenario !== undefined && s.state.scenarioText !== scenario) s.dispatch({ scenarioText: scenario, origin: "terminal" });
      if (scenario === undefined && completion) return completion;
      const status = await s.client.status();
      if (!status.scenarioOk) throw new Error(status.scenarioErrors.map((p) => p.text).join("\n"));
      if (s.state.scenarioText !== s.authored.scenarioText) document.querySelector(".embed-custom")?.removeAttribute("hidden");
      completion = await completionData(s, status);
      return completion;
    },
    async prompt(node) {
      const known = prompts.get(node);
      if (known) return known;
      const s = await store();
      const r = await s.client.openShell(node, sessionOf(node));
      prompts.set(node, r.prompt);
      return r.prompt;
    },
    async run(node, line) {
      const s = await store();
      const r = await cancellable((signal) => s.client.runShell(node, line, sessionOf(node), { signal }));
      prompts.set(node, r.prompt);
      return { stdout: r.stdout, stderr: r.stderr, code: r.code, prompt: r.prompt, rebuilt: r.rebuilt };
    },
    get busy() {
      return controllers.size > 0;
    },
    interrupt() {
      for (const ac of controllers) ac.abort();
    },
    close() {
      for (const node of prompts.keys()) void store().then((s) => s.client.closeShell(sessionOf(node)));
      prompts.clear();
    },
  };
}
