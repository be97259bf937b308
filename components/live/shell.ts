/**
 * The live shell block: its commands rerun, in a fresh session, on the
 * current state; lines the build rendered keep their highlighting.
 */
import type { BatchRequest, BatchResult, ShellView } from "../../src/live/client.ts";
import { h } from "./dom.ts";
import { flowLine, textLine } from "./highlight.ts";
import { argsOf } from "./flows.ts";
import type { LiveComponent } from "./page.ts";
import { LinePool } from "./reuse.ts";

export class LiveShell implements LiveComponent {
  readonly figure: HTMLElement;
  private readonly node: string;
  private readonly commands: string[];
  private readonly pre: HTMLPreElement;
  private readonly pool: LinePool;
  private lastKey = "";

  constructor(fig: HTMLElement) {
    this.figure = fig;
    fig.querySelector(".live-toggle")?.remove();
    const a = argsOf(fig);
    this.node = a.on ?? "";
    let commands: unknown;
    try {
      commands = JSON.parse(a.commands ?? "[]");
    } catch {
      commands = [];
    }
    this.commands = Array.isArray(commands) ? commands.filter((c): c is string => typeof c === "string") : [];
    this.pre = fig.querySelector<HTMLPreElement>("pre")!;
    this.pool = new LinePool(this.pre);
  }

  requests(): BatchRequest[] {
    return this.node && this.commands.length ? [{ op: "shell", args: { node: this.node, commands: this.commands } }] : [];
  }

  render([r]: BatchResult[]): void {
    if (!r?.ok) return;
    const v = r.value as ShellView;
    const key = JSON.stringify(v);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const code = h("code");
    let first = true;
    const add = (el: HTMLElement): void => {
      if (!first) code.append("\n");
      first = false;
      code.append(el);
    };
    for (const step of v.steps) {
      const prompt = `${step.prompt} ${step.command}`;
      add(this.pool.take(prompt, "line prompt") ?? textLine(prompt, "prompt"));
      const flows = /\bovs-ofctl\b.*\bdump-flows\b/.test(step.command);
      for (const l of splitLines(step.stdout)) add(this.pool.take(l) ?? (flows ? flowLine(l) : textLine(l)));
      for (const l of splitLines(step.stderr)) add(this.pool.take(l, "line stderr") ?? textLine(l, "stderr"));
    }
    this.pre.replaceChildren(code);
    this.figure.toggleAttribute("data-live-stale", v.stale);
  }
}

function splitLines(text: string): string[] {
  const t = text.replace(/\n+$/, "");
  return t === "" ? [] : t.split("\n");
}
