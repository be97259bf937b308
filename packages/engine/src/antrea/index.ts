/**
 * Antrea agent models, one directory per pipeline family: `v0.10/` (the
 * numbered-table pipeline of v0.10.x and the seed lab's pre-release build).
 * `compileNode` dispatches on the scenario's `spec.antrea.version`; a modern
 * (v2.x) pipeline can sit beside it as `v2.7/` with its own compile entry.
 */
import { formatFlowLine } from "../ofp/flow.ts";
import type { Scenario } from "../k8s/types.ts";
import { compileNodeV010, type CompileOptions, type CompiledNode } from "./v0.10/compile.ts";

export type { CompileOptions, CompiledNode } from "./v0.10/compile.ts";

/** The pipeline family that models an Antrea version. */
export function pipelineFamily(version: string): "v0.10" | undefined {
  if (version === "v0.10.0-dev-4ed2c67" || /^v0\.10\.\d+$/.test(version)) return "v0.10";
  return undefined;
}

/** A Node's br-int (ports and flows) as the scenario's Antrea version programs it. */
export function compileNode(scenario: Scenario, nodeName: string, opts: CompileOptions = {}): CompiledNode {
  const version = scenario.cluster.antrea.version;
  switch (pipelineFamily(version)) {
    case "v0.10": return compileNodeV010(scenario, nodeName, opts);
    default: throw new Error(`no pipeline model for Antrea ${version}`);
  }
}

export interface DumpOptions {
  /** OpenFlow version of the dump: 10 (plain `ovs-ofctl`, the default) or 13 (`-O OpenFlow13`, antctl). */
  readonly version?: 10 | 13;
  /** Port names instead of numbers (`--names`, or a terminal as with `kubectl exec -it`). */
  readonly names?: boolean;
  /** Only this table (`table=N`). */
  readonly table?: number;
}

/** `ovs-ofctl dump-flows br-int [table=N] --no-stats` lines (each with its leading space). */
export function dumpFlowLines(node: CompiledNode, opts: DumpOptions = {}): string[] {
  const ports = node.bridge.resolver(opts.names ?? false);
  const lines: string[] = [];
  for (const r of node.bridge.rules()) {
    if (opts.table !== undefined && r.flow.table !== opts.table) continue;
    lines.push(formatFlowLine(r.flow, { version: opts.version ?? 10, ports }));
  }
  return lines;
}
