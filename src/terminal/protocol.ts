/** The plain data the terminal gets from the engine port. */

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
  /** The lab changed since the session's last command: it was replayed on the new state first. */
  readonly rebuilt?: boolean;
}
