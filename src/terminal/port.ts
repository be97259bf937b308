/**
 * What the terminal, the playground and the embed pages ask of the engine:
 * the port's interface. engine-port.ts says which implementation a page
 * gets; the engine always runs in a Web Worker, so a command never blocks
 * the page.
 */
import type { CompletionData, ShellReply } from "./protocol.ts";

export type { CompletionData, ShellReply };

export interface TraceQuery {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly proto?: "tcp" | "udp" | "icmp";
  readonly reply?: boolean;
}

export interface FlowsQuery {
  readonly node: string;
  readonly table?: number;
  readonly version?: 10 | 13;
  readonly names?: boolean;
}

/** A flow dump as text: the command at its prompt, and what it printed. */
export interface FlowsText {
  readonly prompt: string;
  readonly command: string;
  readonly text: string;
  readonly flowCount: number;
  readonly tableName?: string;
}

export interface EnginePort {
  /**
   * Loads a scenario (YAML text), or with none keeps the current one (the seed
   * lab at first); resolves with what tab completion needs, rejects with the
   * scenario's problems.
   */
  load(scenario?: string): Promise<CompletionData>;
  /** The Node's current prompt (`vmware@master:~$`, or a container's after `kubectl exec -it`). */
  prompt(node: string): Promise<string>;
  /** Runs one command line at the Node's prompt. */
  run(node: string, line: string): Promise<ShellReply>;
  /** `ovs-lab trace` text for a walk, or the engine's complaint about the request. */
  trace(query: TraceQuery): Promise<{ readonly text?: string; readonly error?: string }>;
  /** A dump-flows of a Node's br-int, or the complaint. */
  flows(query: FlowsQuery): Promise<{ readonly view?: FlowsText; readonly error?: string }>;
  /** Whether a request is in flight. */
  readonly busy: boolean;
  /** Stops whatever runs: pending requests reject with InterruptedError; sessions start over. */
  interrupt(): void;
  /** Frees the worker. */
  close(): void;
}

export class InterruptedError extends Error {
  override name = "InterruptedError";
}

