/**
 * What the engine itself prints, for the terminal tests to compare with:
 * the same command lines run by the engine's ShellSession on the seed lab.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Cluster, ShellSession } from "../../packages/engine/src/index.ts";

const SEED = readFileSync(path.resolve(import.meta.dirname, "../../content/seed.yaml"), "utf8");

export function seedCluster(): Cluster {
  return Cluster.fromYaml(SEED, "seed.yaml");
}

/** Runs lines in order on one fresh session of each Node; returns each line's output and the prompt after it. */
export function engineRun(steps: readonly { node: string; line: string }[]): { stdout: string; stderr: string; prompt: string }[] {
  const cluster = seedCluster();
  const sessions = new Map<string, ShellSession>();
  return steps.map(({ node, line }) => {
    let s = sessions.get(node);
    if (!s) sessions.set(node, (s = new ShellSession(cluster, node)));
    const r = s.run(line);
    return { stdout: r.stdout, stderr: r.stderr, prompt: r.prompt };
  });
}

/** Table numbers with flows on some Node of the seed lab. */
export function seedTables(): number[] {
  const set = new Set<number>();
  for (const rt of seedCluster().nodes.values()) for (const t of rt.bridge.tableIds()) set.add(t);
  return [...set].sort((a, b) => a - b);
}

/** What the terminal shows for an output: the text without its final newline. */
export function shown(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
