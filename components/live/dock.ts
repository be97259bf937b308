/**
 * The dock of a live page: a bar fixed at the bottom of the window with the
 * lab's status and progress, and panels for the scenario editor, sharing,
 * and the reader's own pasted flow dumps. Reset and Share act on the whole
 * page state.
 */
import type { DumpInfo, EditorHandle, LabStatus, Progress, Transaction } from "../../src/live/client.ts";
import { loadEditor, shareUrl } from "../../src/live/client.ts";
import { h, uid } from "./dom.ts";
import type { Runtime } from "./page.ts";

type PanelName = "scenario" | "share" | "dumps";

export class Dock {
  private readonly rt: Runtime;
  readonly root: HTMLElement;
  private readonly statusText: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly progressEl: HTMLProgressElement;
  private readonly resetButton: HTMLButtonElement;
  private readonly buttons = new Map<PanelName, HTMLButtonElement>();
  private readonly panels = new Map<PanelName, HTMLElement>();
  private open: PanelName | undefined;
  private editor: EditorHandle | undefined;
  private readonly problems: HTMLElement;
  private readonly shareInput: HTMLInputElement;
  private readonly shareStatus: HTMLElement;
  private errorText: string | undefined;
  private lastStatus: LabStatus | undefined;

  constructor(rt: Runtime) {
    this.rt = rt;
    const id = uid("live-dock");
    this.statusText = h("span", { class: "live-status", role: "status" }, "Loading the engine…");
    this.progressEl = h("progress", { class: "live-progress", hidden: true, "aria-label": "Computing" });
    this.resetButton = h("button", { type: "button", class: "live-button" }, "Reset");
    this.resetButton.addEventListener("click", () => {
      rt.store.reset();
      this.say("Back to the article's scenario; your edits on this page are cleared.");
    });
    const panelButton = (name: PanelName, label: string): HTMLButtonElement => {
      const b = h("button", { type: "button", class: "live-button", "aria-expanded": "false", "aria-controls": `${id}-${name}` }, label);
      b.addEventListener("click", () => void this.toggle(name));
      this.buttons.set(name, b);
      return b;
    };
    this.bar = h(
      "div",
      { class: "live-dock-bar" },
      h("strong", { class: "live-dock-title" }, "Live lab"),
      this.statusText,
      this.progressEl,
      h(
        "span",
        { class: "live-dock-actions" },
        panelButton("scenario", "Edit the scenario"),
        panelButton("dumps", "Your flow dump"),
        panelButton("share", "Share"),
        this.resetButton,
      ),
    );

    this.problems = h("ul", { class: "live-problems" });
    const scenario = h(
      "div",
      { class: "live-panel", id: `${id}-scenario`, hidden: true, role: "region", "aria-label": "Scenario editor" },
      h(
        "p",
        { class: "live-note" },
        "The scenario every listing, trace and terminal on this page is computed from (Kubernetes manifests and the lab's Cluster document). Change a NetworkPolicy, add or move a Pod, change a port: the page follows.",
      ),
      h("div", { class: "live-editor-host live-scenario-host" }),
      this.problems,
    );
    this.panels.set("scenario", scenario);

    this.shareInput = h("input", { type: "text", readonly: true, class: "live-share-url", "aria-label": "Link to this page with your edits" });
    this.shareStatus = h("span", { role: "status", class: "live-share-status" });
    const copy = h("button", { type: "button", class: "live-button" }, "Copy the link");
    copy.addEventListener("click", () => void this.copyShare());
    const share = h(
      "div",
      { class: "live-panel", id: `${id}-share`, hidden: true, role: "region", "aria-label": "Share" },
      h("p", { class: "live-note" }, "This link holds your whole lab state (compressed): opening it shows this page exactly as you have it now."),
      h("div", { class: "live-row" }, this.shareInput, copy, this.shareStatus),
    );
    this.panels.set("share", share);
    this.panels.set("dumps", this.dumpPanel(`${id}-dumps`));

    this.root = h("section", { class: "live-dock", "aria-label": "Live lab" }, this.bar, ...this.panels.values());
    document.body.append(this.root);
    this.resetButton.disabled = !rt.store.edited;
  }

  private say(text: string): void {
    this.errorText = undefined;
    this.statusText.textContent = text;
  }

  error(message: string): void {
    this.errorText = message;
    this.statusText.textContent = message;
    this.statusText.classList.add("live-status-error");
  }

  busy(on: boolean): void {
    this.progressEl.hidden = !on;
    if (on) {
      this.progressEl.removeAttribute("value");
      this.statusText.textContent = "Computing…";
    }
    this.root.toggleAttribute("data-busy", on);
    document.querySelector("main")?.setAttribute("aria-busy", String(on));
  }

  progress(p: Progress): void {
    if (this.progressEl.hidden) return;
    if (p.total > 0 && p.done < p.total) {
      this.progressEl.max = p.total;
      this.progressEl.value = p.done;
    }
    this.statusText.textContent = `${p.phase}…`;
  }

  update(status: LabStatus | undefined): void {
    this.lastStatus = status;
    this.statusText.classList.remove("live-status-error");
    if (this.errorText) {
      this.statusText.textContent = this.errorText;
      this.statusText.classList.add("live-status-error");
    } else if (!status) this.statusText.textContent = "The engine did not answer.";
    else if (!status.scenarioOk) {
      const n = status.scenarioErrors.length;
      this.statusText.textContent = `The scenario has ${n} ${n === 1 ? "problem" : "problems"}; the page keeps the last output that worked.`;
      this.statusText.classList.add("live-status-error");
    } else {
      const flowProblems = Object.values(status.flowErrors).reduce((n, l) => n + l.length, 0);
      this.statusText.textContent = flowProblems
        ? `${flowProblems} edited ${flowProblems === 1 ? "flow does" : "flows do"} not parse (left out).`
        : this.rt.store.edited
          ? "Live: the page follows your edits (saved in this browser)."
          : "Live: the page is computed in your browser.";
    }
    const list = status?.scenarioErrors ?? [];
    this.problems.replaceChildren(...list.map((p) => h("li", {}, p.text)));
    this.editor?.setProblems(list);
    this.resetButton.disabled = !this.rt.store.edited;
  }

  stateChanged(tr: Transaction): void {
    this.errorText = undefined;
    this.resetButton.disabled = !this.rt.store.edited;
    if (this.open === "share") void this.refreshShare();
    if (tr.changed.has("dumps")) void this.refreshDumps();
  }

  async toggle(name: PanelName): Promise<void> {
    const opening = this.open !== name;
    for (const [n, p] of this.panels) {
      p.hidden = !(opening && n === name);
      this.buttons.get(n)!.setAttribute("aria-expanded", String(opening && n === name));
    }
    this.open = opening ? name : undefined;
    this.root.toggleAttribute("data-open", opening);
    document.documentElement.classList.toggle("live-dock-open", opening);
    if (!opening) return;
    if (name === "scenario") await this.openEditor();
    if (name === "share") await this.refreshShare();
    if (name === "dumps") await this.refreshDumps();
  }

  private async openEditor(): Promise<void> {
    if (this.editor) {
      this.editor.focus();
      return;
    }
    const host = this.panels.get("scenario")!.querySelector<HTMLElement>(".live-scenario-host")!;
    host.setAttribute("aria-busy", "true");
    const mod = await loadEditor();
    host.removeAttribute("aria-busy");
    this.editor = mod.createScenarioEditor(host, { store: this.rt.store, label: "Scenario YAML" });
    this.editor.setProblems(this.lastStatus?.scenarioErrors ?? []);
    this.editor.focus();
  }

  private async refreshShare(): Promise<void> {
    try {
      this.shareInput.value = await shareUrl(this.rt.store.state, this.rt.store.authored);
      this.shareStatus.textContent = "";
    } catch (e) {
      this.shareStatus.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  private async copyShare(): Promise<void> {
    await this.refreshShare();
    try {
      await navigator.clipboard.writeText(this.shareInput.value);
      this.shareStatus.textContent = "Copied.";
    } catch {
      this.shareInput.select();
      this.shareStatus.textContent = "Select the link and copy it (the browser refused the clipboard).";
    }
  }

  // ------------------------------------------------------------ pasted dumps

  private dumpList!: HTMLElement;
  private dumpSelect!: HTMLSelectElement;
  private dumpOut!: HTMLElement;

  private dumpPanel(id: string): HTMLElement {
    const area = h("textarea", {
      class: "live-paste",
      rows: 6,
      spellcheck: "false",
      "aria-label": "Your ovs-ofctl dump-flows output",
      placeholder: "Paste the output of: ovs-ofctl dump-flows br-int",
    });
    const name = h("input", { type: "text", class: "live-input", "aria-label": "A name for this dump", placeholder: "Name (optional)" });
    const add = h("button", { type: "button", class: "live-button" }, "Add the dump");
    // A large paste never goes into the text area (laying out megabytes of text would freeze the page).
    let pasted: string | undefined;
    const PLACEHOLDER = "Paste the output of: ovs-ofctl dump-flows br-int";
    area.addEventListener("paste", (e) => {
      const text = e.clipboardData?.getData("text/plain") ?? "";
      if (text.length < 200_000) return;
      e.preventDefault();
      pasted = text;
      area.value = "";
      const mb = (text.length / 1e6).toFixed(1);
      area.placeholder = `${mb} MB pasted (${text.split("\n").length - 1} lines): press Add the dump`;
    });
    area.addEventListener("input", () => {
      pasted = undefined;
      area.placeholder = PLACEHOLDER;
    });
    add.addEventListener("click", () => {
      const text = pasted ?? area.value;
      pasted = undefined;
      area.placeholder = PLACEHOLDER;
      if (!text.trim()) return;
      const ids = this.rt.store.state.pastedDumps.map((d) => d.id);
      let n = 1;
      while (ids.includes(`dump${n}`)) n++;
      this.rt.store.dispatch({ addDump: { id: `dump${n}`, name: name.value.trim() || `dump ${n}`, text }, origin: "dumps" });
      area.value = "";
      name.value = "";
    });
    this.dumpList = h("ul", { class: "live-dump-list" });
    this.dumpSelect = h("select", { "aria-label": "Dump to trace against" });
    const flow = h("input", {
      type: "text",
      class: "live-input live-flow-input",
      "aria-label": "ofproto/trace flow",
      placeholder: "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80",
    });
    const ct = h("input", { type: "text", class: "live-input", "aria-label": "--ct-next states", placeholder: "--ct-next (e.g. trk,est)" });
    const run = h("button", { type: "submit", class: "live-button" }, "Trace");
    this.dumpOut = h("div", { class: "live-dump-out", "aria-live": "polite" });
    const form = h("form", { class: "live-row live-dump-trace" }, this.dumpSelect, flow, ct, run);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.traceDump(this.dumpSelect.value, flow.value.trim(), ct.value.trim());
    });
    return h(
      "div",
      { class: "live-panel", id, hidden: true, role: "region", "aria-label": "Your flow dump" },
      h("p", { class: "live-note" }, "Paste the output of ovs-ofctl dump-flows from your own cluster and trace packets through it (ofproto/trace). Port names get numbers in the order they appear."),
      area,
      h("div", { class: "live-row" }, name, add),
      this.dumpList,
      form,
      this.dumpOut,
    );
  }

  private async refreshDumps(): Promise<void> {
    const dumps = this.rt.store.state.pastedDumps;
    this.dumpSelect.replaceChildren(...dumps.map((d) => h("option", { value: d.id }, d.name)));
    this.dumpList.replaceChildren(
      ...dumps.map((d) => {
        const li = h("li", {}, h("strong", {}, d.name), " ", h("span", { class: "live-dump-info" }, "parsing…"));
        const remove = h("button", { type: "button", class: "live-button" }, "Remove");
        remove.addEventListener("click", () => this.rt.store.dispatch({ removeDump: d.id, origin: "dumps" }));
        li.append(" ", remove);
        return li;
      }),
    );
    if (this.open !== "dumps") return;
    for (const [i, d] of dumps.entries()) {
      const infoEl = this.dumpList.children[i]?.querySelector(".live-dump-info");
      try {
        const info: DumpInfo = await this.rt.store.client.dumpInfo(d.id, {
          onProgress: (p) => {
            if (infoEl) infoEl.textContent = `parsing… ${Math.round((100 * p.done) / Math.max(1, p.total))}%`;
          },
        });
        if (infoEl) {
          infoEl.textContent =
            `${info.flowCount} flows in tables ${info.tables.join(", ") || "none"}; ports ${info.ports.map((p) => `${p.name}=${p.ofport}`).join(", ") || "none"}` +
            (info.errors.length ? `; ${info.errors.length} lines do not parse (first: ${info.errors[0]!.text})` : "");
        }
      } catch (e) {
        if (infoEl) infoEl.textContent = e instanceof Error ? e.message : String(e);
      }
    }
  }

  private async traceDump(dump: string, flow: string, ct: string): Promise<void> {
    if (!dump || !flow) return;
    this.dumpOut.replaceChildren(h("p", {}, "Tracing…"));
    try {
      const r = await this.rt.store.client.traceDump({ dump, flow, ...(ct ? { ctNext: ct.split(/\s+/).filter(Boolean) } : {}) });
      this.dumpOut.replaceChildren(
        h("p", { class: `lab-trace-verdict${r.dropped ? " lab-trace-dropped" : ""}` }, r.verdict),
        h("pre", { class: "live-pre" }, r.text),
      );
    } catch (e) {
      this.dumpOut.replaceChildren(h("p", { class: "live-error", role: "alert" }, e instanceof Error ? e.message : String(e)));
    }
  }
}
