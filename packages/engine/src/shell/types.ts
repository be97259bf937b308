/** Shared types of the simulated shell. */
import type { Cluster } from "../cluster/cluster.ts";
import type { Pod } from "../k8s/types.ts";

export interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export const ok = (stdout = ""): Output => ({ stdout, stderr: "", code: 0 });
export const fail = (stderr: string, code = 1, stdout = ""): Output => ({ stdout, stderr, code });

/** Where a command runs: a Node's shell, or a container (through `kubectl exec`). */
export type Context =
  | { readonly kind: "host"; readonly node: string; readonly user: string }
  | {
    readonly kind: "container";
    readonly pod: Pod;
    readonly container: string;
    /** `kubectl exec -t`: stdout is a terminal. */
    readonly tty: boolean;
  };

/** What a command sees of the session. */
export interface CommandEnv {
  readonly cluster: Cluster;
  readonly ctx: Context;
  readonly stdin: string;
  /** Clock name for kubectl's AGE column (undefined: the scenario's `clock`). */
  readonly clock: string | undefined;
  /** Runs a command line in a context (`kubectl exec … -- sh -c '…'`, `sudo`). */
  runIn(ctx: Context, argv: readonly string[], stdin: string): Output;
  /** Enters an interactive shell in a context (`kubectl exec -it POD -- sh`, `sudo -i`). */
  enter(ctx: Context): void;
}

export type Command = (argv: readonly string[], env: CommandEnv) => Output;

/** The Node a context's network namespace belongs to (host-network Pods: their Node). */
export function nodeOf(ctx: Context): string {
  return ctx.kind === "host" ? ctx.node : ctx.pod.spec.nodeName;
}

/** Whether the context uses its Node's network namespace. */
export function inHostNetwork(ctx: Context): boolean {
  return ctx.kind === "host" || ctx.pod.spec.hostNetwork;
}
