/**
 * The live topology diagram: redrawn from the current scenario (a Pod added
 * or moved appears where it now is), lit with its own walk (when the
 * directive has one, recomputed) or with the path of the trace the reader is
 * working with.
 */
import type { BatchRequest, BatchResult, TopologyHighlight, TopologyView, TraceQuery, TraceView } from "../../src/live/client.ts";
import { layoutTopology, type TopologyLayout } from "../../src/lib/topology-layout.ts";
import { s } from "./dom.ts";
import { argsOf } from "./flows.ts";
import type { LiveComponent, Runtime } from "./page.ts";

export class LiveTopology implements LiveComponent {
  readonly figure: HTMLElement;
  private readonly walk: TraceQuery | undefined;
  private readonly svg: SVGSVGElement;
  private view: TopologyView | undefined;
  private own: TopologyHighlight | undefined;
  private borrowed: TopologyHighlight | undefined;
  private lastKey = "";

  constructor(fig: HTMLElement, rt: Runtime) {
    this.figure = fig;
    fig.querySelector(".live-toggle")?.remove();
    const a = argsOf(fig);
    this.walk =
      a.from && a.to
        ? {
            from: a.from,
            to: a.to,
            ...(a.port ? { port: Number(a.port) } : {}),
            ...(a.proto === "tcp" || a.proto === "udp" || a.proto === "icmp" ? { proto: a.proto } : {}),
          }
        : undefined;
    this.svg = fig.querySelector<SVGSVGElement>("svg")!;
    if (!this.walk) {
      rt.onPath((hl) => {
        this.borrowed = hl;
        this.draw();
      });
    }
  }

  requests(): BatchRequest[] {
    return [{ op: "topology", args: {} }, ...(this.walk ? [{ op: "trace" as const, args: this.walk }] : [])];
  }

  render([topo, walk]: BatchResult[]): void {
    if (!topo?.ok) return;
    this.view = topo.value as TopologyView;
    if (walk) this.own = walk.ok ? (walk.value as TraceView).topology : { pods: [], ports: [], tunnels: [] };
    this.figure.toggleAttribute("data-live-stale", this.view.stale);
    this.draw();
  }

  private draw(): void {
    if (!this.view) return;
    const hl = this.walk ? this.own : this.borrowed;
    const key = JSON.stringify([this.view, hl]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const layout = layoutTopology({ nodes: this.view.nodes, pods: this.view.pods }, hl ?? {});
    this.paint(layout);
  }

  private paint(layout: TopologyLayout): void {
    const svg = this.svg;
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    svg.setAttribute("width", String(layout.width));
    svg.setAttribute("height", String(layout.height));
    const desc = svg.querySelector("desc");
    if (desc) desc.textContent = layout.summary;
    const parts: SVGElement[] = [];
    for (const t of layout.tunnels) {
      parts.push(s("path", { d: t.d, class: `tp-tunnel${t.lit ? " tp-lit" : ""}` }, s("title", {}, `Geneve tunnel between ${t.a} and ${t.b}`)));
    }
    for (const n of layout.nodes) {
      const g = s(
        "g",
        { class: "tp-node", "data-node": n.name },
        s("rect", { x: n.x, y: n.y, width: n.w, height: n.h, rx: 10, class: "tp-node-box" }),
        s("text", { x: n.x + 14, y: n.y + 22, class: "tp-node-name" }, n.name),
        s("text", { x: n.x + 14, y: n.y + 40, class: "tp-node-sub" }, n.subtitle),
      );
      for (const p of n.pods) {
        g.append(
          s(
            "g",
            { class: `tp-pod${p.lit ? " tp-lit" : ""}`, "data-pod": p.key },
            s("path", { d: p.link, class: "tp-link" }),
            s("rect", { x: p.x, y: p.y, width: p.w, height: p.h, rx: 6 }),
            s("title", {}, `${p.key}: ${p.ip}, ${p.interfaceName} on OF port ${p.ofport}`),
            s("text", { x: p.x + 8, y: p.y + 18, class: "tp-pod-name" }, p.label),
            s("text", { x: p.x + 8, y: p.y + 34, class: "tp-pod-ip" }, p.ip),
            s("text", { x: p.x + 8, y: p.y + 49, class: "tp-pod-if" }, p.interfaceName),
          ),
        );
      }
      g.append(
        s(
          "g",
          { class: "tp-bridge" },
          s("rect", { x: n.bridge.x, y: n.bridge.y, width: n.bridge.w, height: n.bridge.h, rx: 4 }),
          s("text", { x: n.bridge.x + n.bridge.w - 10, y: n.bridge.y + 17, "text-anchor": "end", class: "tp-bridge-name" }, "br-int"),
        ),
      );
      for (const p of n.pods) {
        g.append(
          s(
            "g",
            { class: `tp-ofport${p.portLit ? " tp-lit" : ""}` },
            s("circle", { cx: p.portX, cy: p.portY, r: 11 }),
            s("text", { x: p.portX, y: p.portY + 4, "text-anchor": "middle" }, p.ofport),
          ),
        );
      }
      for (const port of [n.gateway, n.tunnel]) {
        g.append(
          s(
            "g",
            { class: `tp-port${port.lit ? " tp-lit" : ""}` },
            s("path", { d: port.link, class: "tp-link" }),
            s("rect", { x: port.x, y: port.y, width: port.w, height: port.h, rx: 6 }),
            s("text", { x: port.x + 8, y: port.y + 18, class: "tp-port-name" }, port.name),
            s("text", { x: port.x + 8, y: port.y + 35, class: "tp-port-detail" }, `port ${port.ofport} · ${port.detail}`),
          ),
        );
      }
      parts.push(g);
    }
    // Keep <desc> (and any <defs>); replace the drawing.
    for (const el of [...svg.children]) if (el.tagName !== "desc" && el.tagName !== "defs") el.remove();
    svg.append(...parts);
  }
}
