/**
 * The terminal's engine worker: the cluster of a scenario (the seed, or YAML
 * the page sends) and one ShellSession per Node, kept for the worker's life so
 * `kubectl exec -it … -- bash` on a Node stays entered when the reader
 * switches Nodes and back. Runs off the main thread so a long command never
 * freezes the page.
 */
/// <reference lib="webworker" />
import {
  ANTREA_V010_TABLE_NAMES, Cluster, ShellSession, formatClusterTrace, pipelineFamily, traceCluster, TraceError,
} from "@ovs-lab/engine";
import seedYaml from "../../content/seed.yaml?raw";
import type { CompletionData, Request, Response, ShellReply } from "./protocol.ts";

let cluster: Cluster | undefined;
const sessions = new Map<string, ShellSession>();

function load(text: string | undefined): CompletionData {
  cluster = Cluster.fromYaml(text ?? seedYaml, text === undefined ? "seed.yaml" : "scenario.yaml");
  sessions.clear();
  return completionData(cluster);
}

function world(): Cluster {
  return cluster ?? (load(undefined), cluster!);
}

function session(node: string): ShellSession {
  let s = sessions.get(node);
  if (!s) {
    s = new ShellSession(world(), node);
    sessions.set(node, s);
  }
  return s;
}

function completionData(c: Cluster): CompletionData {
  const sc = c.scenario;
  const namespaces = new Set<string>(sc.namespaces.map((n) => n.metadata.name));
  for (const p of sc.pods) namespaces.add(p.metadata.namespace);
  // The tables that hold flows on some Node's br-int.
  const tables = new Set<number>();
  for (const rt of c.nodes.values()) for (const t of rt.bridge.tableIds()) tables.add(t);
  return {
    nodes: sc.nodes.map((n) => n.name),
    namespaces: [...namespaces].sort(),
    pods: sc.pods.map((p) => ({
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      containers: p.spec.containers.map((x) => x.name),
      node: p.spec.nodeName,
    })),
    services: sc.services.map((s) => ({ namespace: s.metadata.namespace, name: s.metadata.name })),
    tables: [...tables].sort((a, b) => a - b),
    tableNames:
      pipelineFamily(sc.cluster.antrea.version) === "v0.10"
        ? Object.fromEntries([...tables].flatMap((t) => (ANTREA_V010_TABLE_NAMES[t] ? [[t, ANTREA_V010_TABLE_NAMES[t]!.name]] : [])))
        : {},
  };
}

function handle(req: Request): unknown {
  switch (req.op) {
    case "load":
      return load(req.scenario);
    case "prompt":
      return session(req.node).prompt;
    case "run": {
      const r = session(req.node).run(req.line);
      const reply: ShellReply = { stdout: r.stdout, stderr: r.stderr, code: r.code, prompt: r.prompt };
      return reply;
    }
    case "complete-data":
      return completionData(world());
    case "trace": {
      try {
        const r = traceCluster(world(), {
          from: req.from,
          to: req.to,
          ...(req.port !== undefined ? { port: req.port } : {}),
          ...(req.proto ? { proto: req.proto } : {}),
          reply: req.reply ?? false,
        });
        const command =
          `ovs-lab trace --from ${req.from} --to ${req.to}${req.port !== undefined ? `:${req.port}` : ""}` +
          `${req.proto && req.proto !== "tcp" ? ` --proto ${req.proto}` : ""}${req.reply ? " --reply" : ""}`;
        return { text: `$ ${command}\n${formatClusterTrace(r)}` };
      } catch (e) {
        if (e instanceof TraceError) return { error: e.message };
        throw e;
      }
    }
  }
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  let res: Response;
  try {
    res = { id: req.id, ok: true, value: handle(req) };
  } catch (e) {
    res = { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(res);
};
