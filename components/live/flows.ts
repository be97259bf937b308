/**
 * The live flow listing: recomputed on every state change, with the lines
 * added and removed since the authored state marked; the line of the flow a
 * trace step matched lit; and an editor (add-flows syntax) that replaces the
 * listing's flows on the bridge, so the page's traces rerun against them.
 */
import type { BatchRequest, BatchResult, EditorHandle, FlowsQuery, FlowsView, Problem } from "../../src/live/client.ts";
import { loadEditor } from "../../src/live/client.ts";
import { h } from "./dom.ts";
import { flowLine, textLine } from "./highlight.ts";
import type { LiveComponent, Runtime } from "./page.ts";
import { LinePool } from "./reuse.ts";

export function argsOf(fig: HTMLElement): Record<string, string> {
  try {
    const v = JSON.parse(fig.dataset.liveArgs ?? "{}") as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "string")) as Record<string, string>;
  } catch {
    return {};
  }
}

export class LiveFlows implements LiveComponent {
  readonly figure: HTMLElement;
  readonly query: FlowsQuery;
  private readonly pool: LinePool;
  private readonly pre: HTMLPreElement;
  private readonly meta: HTMLElement | null;
  private readonly diffNote: HTMLElement;
  private rendered: { el: HTMLElement; text: string }[] = [];
  private match: { node: string | undefined; flow: string | undefined } = { node: undefined, flow: undefined };
  private editorBox: HTMLElement | undefined;
  private editor: EditorHandle | undefined;
  private readonly editButton: HTMLButtonElement;
  private view: FlowsView | undefined;
  private readonly rt: Runtime;
  private lastKey = "";

  constructor(fig: HTMLElement, rt: Runtime) {
    this.figure = fig;
    this.rt = rt;
    const a = argsOf(fig);
    if (!a.node) throw new Error("a flows figure without a node");
    this.query = {
      node: a.node,
      ...(a.table !== undefined && a.table !== "" ? { table: Number(a.table) } : {}),
      ...(a.version === "OpenFlow13" ? { version: 13 as const } : {}),
      ...(a.names === "true" ? { names: true } : a.names === "false" ? { names: false } : {}),
    };
    this.pre = fig.querySelector<HTMLPreElement>("pre")!;
    this.pool = new LinePool(this.pre);
    this.meta = fig.querySelector(".lab-meta");
    this.diffNote = h("span", { class: "live-diff-note", hidden: true });
    this.meta?.after(this.diffNote);
    this.editButton = h("button", { type: "button", class: "live-button live-edit-flows", "aria-expanded": "false" }, "Edit flows");
    this.editButton.addEventListener("click", () => void (this.editorBox ? this.closeEditor() : this.openEditor()));
    const toggle = fig.querySelector(".live-toggle");
    if (toggle) toggle.replaceWith(this.editButton);
    else fig.querySelector("figcaption")?.append(this.editButton);
    rt.onFlowHighlight((node, flow) => {
      this.match = { node, flow };
      this.paintMatch(true);
    });
  }

  private get key(): string {
    return this.query.table === undefined ? this.query.node : `${this.query.node}:${this.query.table}`;
  }

  requests(): BatchRequest[] {
    return [{ op: "flows", args: this.query }];
  }

  render([r]: BatchResult[]): void {
    if (!r || !r.ok) {
      this.figure.dataset.liveError = r && !r.ok ? r.error.message : "no result";
      return;
    }
    delete this.figure.dataset.liveError;
    const v = r.value as FlowsView;
    const problems = this.rt.status?.flowErrors[this.key] ?? [];
    const key = JSON.stringify([v, problems]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.view = v;
    const code = h("code");
    const promptText = `${v.prompt} ${v.command}`;
    code.append(this.pool.take(promptText, "line prompt") ?? textLine(promptText, "prompt"));
    this.rendered = [];
    for (const l of v.lines) {
      code.append("\n");
      let el: HTMLElement;
      if (l.mark === "same") el = this.pool.take(l.text) ?? flowLine(l.text);
      else {
        el = flowLine(l.text, l.mark === "added" ? "live-added" : "live-removed");
        el.prepend(h("span", { class: "live-sr" }, l.mark === "added" ? "Added: " : "Removed: "));
      }
      el.dataset.mark = l.mark;
      code.append(el);
      if (l.mark !== "removed") this.rendered.push({ el, text: l.text.trim() });
    }
    this.pre.replaceChildren(code);
    this.pre.classList.add("live-flows");
    if (this.meta) this.meta.textContent = `${v.flowCount} ${v.flowCount === 1 ? "flow" : "flows"}`;
    const changed = v.added + v.removed > 0;
    this.diffNote.hidden = !changed && !v.edited;
    this.diffNote.textContent = [
      changed ? `+${v.added} −${v.removed} since the article` : "",
      v.edited ? "edited flows" : "",
    ].filter(Boolean).join(" · ");
    this.figure.toggleAttribute("data-live-stale", v.stale);
    this.figure.toggleAttribute("data-live-changed", changed);
    this.paintMatch(false);
    this.editor?.setProblems(problems);
    this.showProblems(problems);
  }

  private paintMatch(scroll: boolean): void {
    const { node, flow } = this.match;
    let hit: HTMLElement | undefined;
    for (const r of this.rendered) {
      const on = node === this.query.node && flow !== undefined && flow !== "" && r.text === flow;
      r.el.classList.toggle("live-match", on);
      if (on) hit = r.el;
    }
    if (hit && scroll) {
      // Scroll the listing (not the page) to the line.
      const pre = this.pre;
      const top = hit.offsetTop - pre.offsetTop;
      if (top < pre.scrollTop || top > pre.scrollTop + pre.clientHeight - 20) pre.scrollTop = Math.max(0, top - 20);
    }
  }

  private problemsList: HTMLElement | undefined;

  private showProblems(problems: readonly Problem[]): void {
    if (!this.editorBox) return;
    if (!this.problemsList) {
      this.problemsList = h("ul", { class: "live-problems", "aria-live": "polite" });
      this.editorBox.append(this.problemsList);
    }
    this.problemsList.replaceChildren(...problems.map((p) => h("li", {}, p.text)));
  }

  private async openEditor(): Promise<void> {
    const box = h("div", { class: "live-flows-editor" });
    this.editorBox = box;
    this.figure.querySelector("figcaption")!.after(box);
    this.editButton.setAttribute("aria-expanded", "true");
    this.editButton.textContent = "Close the flow editor";
    const note = h(
      "p",
      { class: "live-note" },
      `ovs-ofctl add-flows syntax. These flows replace ${this.query.table === undefined ? "every flow" : `the flows of table ${this.query.table}`} of br-int on ${this.query.node}; the traces on this page run against them.`,
    );
    const host = h("div", { class: "live-editor-host" });
    const revert = h("button", { type: "button", class: "live-button" }, "Back to the compiled flows");
    revert.addEventListener("click", () => {
      this.rt.store.dispatch({ flows: { node: this.key, text: null }, origin: "flows-editor" });
      void this.closeEditor().then(() => this.editButton.focus());
    });
    box.append(note, host, h("div", { class: "live-row" }, revert));
    const [mod, text] = await Promise.all([
      loadEditor(),
      this.rt.store.state.flowOverrides[this.key] ?? this.rt.store.client.flowsText(this.query.node, this.query.table),
    ]);
    if (this.editorBox !== box) return;
    this.editor = mod.createFlowsEditor(host, {
      store: this.rt.store,
      node: this.query.node,
      ...(this.query.table !== undefined ? { table: this.query.table } : {}),
      initialText: text,
      label: `Flows of br-int on ${this.query.node}${this.query.table !== undefined ? `, table ${this.query.table}` : ""}`,
    });
    this.editor.setProblems(this.rt.status?.flowErrors[this.key] ?? []);
    this.showProblems(this.rt.status?.flowErrors[this.key] ?? []);
    this.editor.focus();
  }

  private async closeEditor(): Promise<void> {
    this.editor?.destroy();
    this.editor = undefined;
    this.editorBox?.remove();
    this.editorBox = undefined;
    this.problemsList = undefined;
    this.editButton.setAttribute("aria-expanded", "false");
    this.editButton.textContent = "Edit flows";
  }

  get current(): FlowsView | undefined {
    return this.view;
  }
}
