import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Cluster, type ClusterOptions } from "../../src/cluster/cluster.ts";
import type { Hop, OvsHop, PathResult } from "../../src/cluster/trace.ts";

export const SEED_YAML = readFileSync(fileURLToPath(new URL("../../../../content/seed.yaml", import.meta.url)), "utf8");

/** The seed lab as it ran (Antrea v0.10.0-dev-4ed2c67). */
export function seedCluster(opts: ClusterOptions = {}): Cluster {
  return Cluster.fromYaml(SEED_YAML, "seed.yaml", opts);
}

/** The seed lab with the v0.10.1 release (the pipeline antrea-v0.10-pipeline.md §9.2 walks). */
export function releaseCluster(opts: ClusterOptions = {}): Cluster {
  return Cluster.fromYaml(SEED_YAML.replace("version: v0.10.0-dev-4ed2c67", "version: v0.10.1"), "seed.yaml", opts);
}

/** `node/where[tables]` per hop, compact for assertions. */
export function route(r: PathResult): string[] {
  return r.hops.map((h: Hop) => (h.where === "ovs" ? `${h.node}/ovs[${(h as OvsHop).tables.join(",")}]` : `${h.node}/${h.where}`));
}
