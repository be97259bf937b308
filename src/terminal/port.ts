/**
 * What the terminal, the playground and the embed pages ask of the engine:
 * the port's interface (live-port.ts implements it over the live layer,
 * whose engine runs in a Web Worker, so a command never blocks the page).
 */
import type { CompletionData, ShellReply } from "./protocol.ts";

export type { CompletionData, ShellReply };

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
  /** Whether a request is in flight. */
  readonly busy: boolean;
  /** Stops the command that runs: its request rejects with InterruptedError. */
  interrupt(): void;
  /** Closes the port's shell sessions. */
  close(): void;
}

export class InterruptedError extends Error {
  override name = "InterruptedError";
}

