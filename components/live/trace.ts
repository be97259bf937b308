/**
 * The live trace: pick the source, destination, protocol and port from the
 * scenario; see the verdict, the path (on the page's topology diagrams) and
 * the steps table by table, each with the flow it matched (lit in the page's
 * flow listings too); step forward and back (buttons, or arrow keys, Home
 * and End on the stepper); switch between the readable view and the exact
 * ofproto/trace text; send the reply and see the conntrack entries the
 * request left, which the reply matches.
 */
import type { BatchRequest, BatchResult, LabStatus, TraceHopView, TracePathView, TraceQuery, TraceView } from "../../src/live/client.ts";
import { h, uid } from "./dom.ts";
import { argsOf } from "./flows.ts";
import { flowLine } from "./highlight.ts";
import type { LiveComponent, Runtime } from "./page.ts";
import { LinePool } from "./reuse.ts";

interface Step {
  readonly el: HTMLElement;
  readonly node: string;
  readonly label: string;
  readonly flow?: string;
  /** The matching line in the exact view, if any. */
  exactLine?: HTMLElement;
}

const PROTOS = ["tcp", "udp", "icmp"] as const;

export class LiveTrace implements LiveComponent {
  readonly figure: HTMLElement;
  readonly id: string;
  private readonly rt: Runtime;
  private readonly authoredQuery: TraceQuery;
  private readonly out: HTMLElement;
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;
  private readonly proto: HTMLSelectElement;
  private readonly port: HTMLInputElement;
  private readonly replyButton: HTMLButtonElement;
  private readonly readableButton: HTMLButtonElement;
  private readonly exactButton: HTMLButtonElement;
  private readonly stepper: HTMLElement;
  private readonly stepStatus: HTMLElement;
  private readonly prevButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly caption: HTMLElement | null;
  private steps: Step[] = [];
  private current = -1;
  private view: TraceView | undefined;
  private pickersFor: LabStatus | undefined;
  private active = false;
  private readonly pool: LinePool;
  private lastKey = "";

  constructor(fig: HTMLElement, rt: Runtime, id: string) {
    this.figure = fig;
    this.rt = rt;
    this.id = id;
    fig.dataset.liveId = id;
    const a = argsOf(fig);
    if (!a.from || !a.to) throw new Error("a trace figure without from/to");
    this.authoredQuery = {
      from: a.from,
      to: a.to,
      ...(a.port ? { port: Number(a.port) } : {}),
      ...(a.proto === "tcp" || a.proto === "udp" || a.proto === "icmp" ? { proto: a.proto } : {}),
      ...(a.reply === "true" ? { reply: true } : {}),
      ...(a.node ? { node: a.node } : {}),
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
    };
    this.caption = fig.querySelector(".lab-caption > span:not(.lab-badge)");
    fig.querySelector(".live-toggle")?.remove();
    const body = fig.querySelector<HTMLElement>(".lab-trace-body")!;
    this.pool = new LinePool(body, ".lab-trace-flow > .line");
    this.out = h("div", { class: "live-trace-out" });
    this.out.append(...body.childNodes);
    const fid = uid(id);
    this.from = h("select", { id: `${fid}-from` });
    this.to = h("select", { id: `${fid}-to` });
    this.proto = h("select", { id: `${fid}-proto` }, ...PROTOS.map((p) => h("option", { value: p }, p.toUpperCase())));
    this.port = h("input", { id: `${fid}-port`, type: "number", min: 0, max: 65535, inputmode: "numeric", placeholder: "Service port" });
    const picker = h(
      "form",
      { class: "live-trace-picker", "aria-label": "Pick the packet" },
      h("label", { for: `${fid}-from` }, "From"), this.from,
      h("label", { for: `${fid}-to` }, "To"), this.to,
      h("label", { for: `${fid}-proto` }, "Protocol"), this.proto,
      h("label", { for: `${fid}-port` }, "Port"), this.port,
    );
    picker.addEventListener("submit", (e) => {
      e.preventDefault();
      this.pick();
    });
    for (const el of [this.from, this.to, this.proto]) el.addEventListener("change", () => this.pick());
    this.port.addEventListener("change", () => this.pick());

    this.readableButton = h("button", { type: "button", class: "live-button", "aria-pressed": "true" }, "Readable");
    this.exactButton = h("button", { type: "button", class: "live-button", "aria-pressed": "false" }, "Exact ofproto/trace");
    this.readableButton.addEventListener("click", () => this.setMode("readable"));
    this.exactButton.addEventListener("click", () => this.setMode("exact"));
    this.replyButton = h("button", { type: "button", class: "live-button live-reply" }, "Send the reply");
    this.replyButton.addEventListener("click", () => {
      const q = this.query;
      this.activate();
      this.rt.store.dispatch({ trace: { id: this.id, query: { ...q, reply: !q.reply } }, origin: "picker" });
    });

    this.prevButton = h("button", { type: "button", class: "live-button", "aria-label": "Previous step" }, "◀ Back");
    this.nextButton = h("button", { type: "button", class: "live-button", "aria-label": "Next step" }, "Forward ▶");
    this.stepStatus = h("span", { class: "live-step-status", "aria-live": "polite" });
    this.stepper = h(
      "div",
      {
        class: "live-stepper",
        role: "group",
        "aria-label": "Step through the trace (arrow keys, Home, End)",
        "aria-keyshortcuts": "ArrowLeft ArrowRight Home End",
      },
      this.prevButton, this.stepStatus, this.nextButton,
    );
    this.prevButton.addEventListener("click", () => this.go(this.current - 1));
    this.nextButton.addEventListener("click", () => this.go(this.current + 1));
    this.stepper.addEventListener("keydown", (e) => {
      const k = e.key;
      let to: number | undefined;
      if (k === "ArrowRight" || k === "ArrowDown") to = this.current + 1;
      else if (k === "ArrowLeft" || k === "ArrowUp") to = this.current - 1;
      else if (k === "Home") to = 0;
      else if (k === "End") to = this.steps.length - 1;
      if (to === undefined) return;
      e.preventDefault();
      this.go(to);
    });

    const tools = h(
      "div",
      { class: "live-trace-tools" },
      h("div", { class: "live-seg", role: "group", "aria-label": "Trace view" }, this.readableButton, this.exactButton),
      this.replyButton,
      this.stepper,
    );
    body.append(h("div", { class: "live-trace-controls" }, picker, tools), this.out);
    this.syncPicker();
  }

  get query(): TraceQuery {
    return this.rt.store.state.traces[this.id] ?? this.authoredQuery;
  }

  private get mode(): "readable" | "exact" {
    return this.rt.store.state.options[`${this.id}:view`] === "exact" ? "exact" : "readable";
  }

  private setMode(mode: "readable" | "exact"): void {
    this.activate();
    this.rt.store.dispatch({ options: { [`${this.id}:view`]: mode === "exact" ? "exact" : null }, origin: "picker" });
    this.applyMode();
  }

  private applyMode(): void {
    const exact = this.mode === "exact";
    this.readableButton.setAttribute("aria-pressed", String(!exact));
    this.exactButton.setAttribute("aria-pressed", String(exact));
    this.figure.toggleAttribute("data-live-exact", exact);
    this.paintStep(false);
  }

  /** This trace becomes the one whose path the page's plain topology diagrams show. */
  private activate(): void {
    this.active = true;
    this.showPath();
  }

  private showPath(): void {
    if (!this.active || !this.view) return;
    const t = this.view.topology;
    const r = this.view.replyTopology;
    this.rt.showPath(
      r ? { pods: [...t.pods, ...r.pods], ports: [...t.ports, ...r.ports], tunnels: [...t.tunnels, ...r.tunnels] } : t,
      this,
    );
  }

  private pick(): void {
    const q: TraceQuery = {
      from: this.from.value,
      to: this.to.value,
      ...(this.port.value !== "" ? { port: Number(this.port.value) } : {}),
      ...(this.proto.value !== "tcp" ? { proto: this.proto.value as TraceQuery["proto"] } : {}),
      ...(this.query.reply ? { reply: true } : {}),
      ...(this.authoredQuery.node ? { node: this.authoredQuery.node } : {}),
      // The directive's pinned endpoint holds while the destination is the directive's.
      ...(this.authoredQuery.endpoint && this.to.value === this.authoredQuery.to ? { endpoint: this.authoredQuery.endpoint } : {}),
    };
    this.activate();
    this.rt.store.dispatch({ trace: { id: this.id, query: q }, origin: "picker" });
  }

  private syncPicker(): void {
    const q = this.query;
    const st = this.rt.status;
    if (st && st !== this.pickersFor) {
      this.pickersFor = st;
      const name = (ns: string, n: string): string => (ns === "default" ? n : `${ns}/${n}`);
      const group = (label: string, values: string[]): HTMLOptGroupElement =>
        h("optgroup", { label }, ...values.map((v) => h("option", { value: v }, v)));
      const pods = st.pods.filter((p) => !p.hostNetwork).map((p) => name(p.namespace, p.name));
      const fill = (sel: HTMLSelectElement, services: boolean): void => {
        sel.replaceChildren(
          group("Pods", pods),
          ...(services ? [group("Services", st.services.map((s) => name(s.namespace, s.name)))] : []),
          group("Nodes", [...st.nodes]),
          group("Outside hosts", [...st.externalHosts]),
        );
      };
      fill(this.from, false);
      fill(this.to, true);
    }
    const ensure = (sel: HTMLSelectElement, v: string): void => {
      if (![...sel.options].some((o) => o.value === v)) sel.append(h("option", { value: v }, v));
      sel.value = v;
    };
    ensure(this.from, q.from);
    ensure(this.to, q.to);
    this.proto.value = q.proto ?? "tcp";
    this.port.value = q.port !== undefined ? String(q.port) : "";
    this.replyButton.textContent = q.reply ? "Hide the reply" : "Send the reply";
    this.replyButton.setAttribute("aria-pressed", String(!!q.reply));
  }

  requests(): BatchRequest[] {
    return [{ op: "trace", args: this.query }];
  }

  render([r]: BatchResult[]): void {
    this.syncPicker();
    this.applyMode();
    if (!r || !r.ok) {
      const msg = r && !r.ok ? r.error.message : "no result";
      this.view = undefined;
      this.lastKey = "";
      this.steps = [];
      this.current = -1;
      this.out.replaceChildren(h("p", { class: "live-error", role: "alert" }, `The engine cannot trace this: ${msg}`));
      this.paintStep(false);
      return;
    }
    const v = r.value as TraceView;
    const key = JSON.stringify(v);
    if (key === this.lastKey && this.view) return;
    this.lastKey = key;
    this.view = v;
    if (this.caption && !this.figure.dataset.liveCaptioned) {
      // The caption was the walk's title unless the author gave one.
      this.figure.dataset.liveCaptioned = this.caption.textContent === v.title ? "title" : "author";
    }
    if (this.caption && this.figure.dataset.liveCaptioned === "title") this.caption.textContent = v.title;
    this.steps = [];
    const parts: Node[] = [h("p", { class: "lab-trace-packet" }, v.packet)];
    parts.push(this.path(v.forward, undefined));
    parts.push(this.conntrack(v.forward, "OVS conntrack after the request"));
    if (v.reply) {
      parts.push(this.path(v.reply, "The reply"));
      parts.push(this.conntrack(v.reply, "OVS conntrack after the reply"));
    }
    parts.push(h("p", { class: "lab-trace-cli" }, "The same walk from a terminal: ", h("code", {}, v.command)));
    this.out.replaceChildren(...parts);
    this.figure.toggleAttribute("data-live-stale", v.stale);
    this.figure.dataset.liveVerdict = v.forward.delivered ? "delivered" : "dropped";
    if (this.current >= this.steps.length) this.current = this.steps.length - 1;
    this.paintStep(false);
    this.showPath();
  }

  private conntrack(p: TracePathView, title: string): HTMLElement {
    const nodes = Object.entries(p.conntrack);
    return h(
      "details",
      { class: "live-conntrack" },
      h("summary", {}, `${title} (${nodes.reduce((n, [, l]) => n + l.length, 0)} entries)`),
      ...nodes.map(([node, lines]) =>
        h("div", {}, h("p", { class: "live-conntrack-node" }, `${node}: ovs-appctl dpctl/dump-conntrack`), h("pre", { class: "live-pre" }, lines.join("\n"))),
      ),
    );
  }

  private path(p: TracePathView, label: string | undefined): HTMLElement {
    const hops = h("ol", { class: "lab-trace-hops" }, ...p.hops.map((hop) => this.hop(hop)));
    return h(
      "div",
      { class: "lab-trace-path" },
      label ? h("p", { class: "lab-trace-path-label" }, label) : null,
      hops,
      h("p", { class: `lab-trace-verdict${p.delivered ? "" : " lab-trace-dropped"}` }, p.verdict),
    );
  }

  private hop(hop: TraceHopView): HTMLElement {
    const li = h("li", { class: `lab-hop lab-hop-${hop.kind}` }, h("p", { class: "lab-hop-title" }, hop.title));
    if (hop.kind === "host") {
      li.append(h("ul", { class: "lab-hop-lines" }, ...hop.lines.map((l) => h("li", {}, l))));
      this.addStep({ el: li, node: hop.node, label: `${hop.node}, host network stack` });
      return li;
    }
    if (hop.kind === "tunnel") {
      this.addStep({ el: li, node: hop.node, label: `${hop.node}, Geneve tunnel` });
      return li;
    }
    for (const pass of hop.passes) {
      const steps = h("ol", { class: "lab-trace-steps" });
      const exactLines = pass.text.split("\n").map((t) => h("span", { class: "live-exact-line" }, t));
      const exact = h("pre", { class: "live-exact live-pre" });
      exactLines.forEach((l, i) => {
        if (i) exact.append("\n");
        exact.append(l);
      });
      const used = new Set<number>();
      for (const s of pass.steps) {
        const item = h(
          "li",
          {},
          h("span", { class: "lab-trace-table" }, `table ${s.table}`, s.tableName ? h("span", { class: "lab-trace-table-name" }, ` ${s.tableName}`) : null),
          s.flow
            ? h("code", { class: "shiki lab-trace-flow" }, this.pool.take(s.flow) ?? flowLine(s.flow))
            : h("span", { class: "lab-trace-miss" }, "no flow matched, and the table has no miss flow"),
        );
        steps.append(item);
        // The exact text's line for this table: " N. match, priority P…" (the first one not yet used).
        const idx = exactLines.findIndex((l, i) => !used.has(i) && new RegExp(`^\\s*${s.table}\\. `).test(l.textContent ?? ""));
        if (idx >= 0) used.add(idx);
        this.addStep({
          el: item,
          node: hop.node,
          label: `${hop.node}, br-int table ${s.table}${s.tableName ? ` (${s.tableName})` : ""}: ${s.flow || "no flow matched"}`,
          flow: s.flow,
          ...(idx >= 0 ? { exactLine: exactLines[idx]! } : {}),
        });
      }
      li.append(h("div", { class: "lab-trace-pass" }, h("p", { class: "lab-trace-pass-label" }, pass.label), steps, exact));
    }
    li.append(
      h(
        "div",
        { class: "lab-hop-foot" },
        hop.allowedBy ? h("p", {}, `Allowed by ${hop.allowedBy.join("; ")}.`) : null,
        hop.out ? h("p", {}, `Leaves through ${hop.out} as `, h("code", {}, hop.packet)) : null,
        h(
          "p",
          {},
          "The passes are the output of ",
          h("code", { class: "lab-trace-command" }, hop.command),
          hop.textNote ? h("span", { class: "lab-trace-note" }, ` ${hop.textNote}`) : null,
        ),
      ),
    );
    return li;
  }

  private addStep(step: Step): void {
    step.el.classList.add("live-step");
    step.el.dataset.step = String(this.steps.length);
    this.steps.push(step);
  }

  private go(i: number): void {
    if (this.steps.length === 0) return;
    this.activate();
    this.current = Math.max(0, Math.min(this.steps.length - 1, i));
    this.paintStep(true);
  }

  private paintStep(scroll: boolean): void {
    const n = this.steps.length;
    this.steps.forEach((s, i) => {
      const on = i === this.current;
      s.el.classList.toggle("live-current", on);
      if (on) s.el.setAttribute("aria-current", "step");
      else s.el.removeAttribute("aria-current");
      s.exactLine?.classList.toggle("live-current", on);
    });
    // aria-disabled, not disabled: a focused button keeps the focus (and the arrow keys) at either end.
    this.prevButton.setAttribute("aria-disabled", String(n === 0 || this.current <= 0));
    this.nextButton.setAttribute("aria-disabled", String(n === 0 || this.current >= n - 1));
    const step = this.steps[this.current];
    this.stepStatus.textContent = step ? `Step ${this.current + 1} of ${n}: ${step.label}` : `${n} steps: press Forward (or →) to walk them`;
    if (!scroll) return;
    if (step) scrollIntoViewVertically(this.mode === "exact" && step.exactLine ? step.exactLine : step.el);
    this.rt.highlightFlow(step?.node, step?.flow);
  }

  /** The current step (for tests and the dock). */
  get stepIndex(): number {
    return this.current;
  }
}

/**
 * Scrolls the window (only vertically) so the element is in view between the
 * sticky header and the dock. (scrollIntoView would also scroll the figure
 * sideways, since a figure clips its wide lines.)
 */
function scrollIntoViewVertically(el: Element): void {
  const r = el.getBoundingClientRect();
  const header = document.querySelector("header")?.getBoundingClientRect().bottom ?? 0;
  const dock = document.querySelector(".live-dock:not([data-open])")?.getBoundingClientRect().top ?? innerHeight;
  const top = Math.max(0, header) + 8;
  const bottom = Math.min(innerHeight, dock) - 8;
  if (r.top < top) scrollBy({ top: r.top - top });
  else if (r.bottom > bottom) scrollBy({ top: Math.min(r.bottom - bottom, r.top - top) });
}
