/**
 * Messages between the page and the terminal's engine worker (shell.worker.ts).
 * Plain data only: the worker owns the cluster and its shell sessions.
 */

/** What tab completion knows about the scenario: names only. */
export interface CompletionData {
  readonly nodes: readonly string[];
  readonly namespaces: readonly string[];
  readonly pods: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly containers: readonly string[];
    /** The Node the Pod runs on. */
    readonly node: string;
  }[];
  readonly services: readonly { readonly namespace: string; readonly name: string }[];
  /** Table numbers that have flows on some Node (for `table=` and `antctl … -T`). */
  readonly tables: readonly number[];
  /** Antrea's names of those tables, when the engine knows them. */
  readonly tableNames: Readonly<Record<number, string>>;
}

export interface ShellReply {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
  /** The prompt for the next command (it changes after `kubectl exec -it … -- bash` and `exit`). */
  readonly prompt: string;
}

export type Request =
  | { readonly id: number; readonly op: "load"; readonly scenario?: string }
  | { readonly id: number; readonly op: "prompt"; readonly node: string }
  | { readonly id: number; readonly op: "run"; readonly node: string; readonly line: string }
  | { readonly id: number; readonly op: "complete-data" }
  | {
      readonly id: number;
      readonly op: "trace";
      readonly from: string;
      readonly to: string;
      readonly port?: number;
      readonly proto?: "tcp" | "udp" | "icmp";
      readonly reply?: boolean;
    };

export type Response =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
