/**
 * The /embed/… pages' script. The server rendered each component for its
 * default parameters; when the URL asks for others (or for a custom
 * scenario), the engine computes them here, in the terminal's worker.
 * Sets no cookies and touches no storage.
 */
import type { CompletionData, EnginePort } from "./engine-port.ts";

/** The engine port, loaded only when the page has something to compute. */
async function enginePort(): Promise<EnginePort> {
  return (await import("./engine-port.ts")).enginePort();
}

const root = document.documentElement;
root.classList.add("js");
const params = new URLSearchParams(location.search);
const theme = params.get("theme");
if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);

const host = document.querySelector<HTMLElement>("[data-embed]");

/** The page's parameters that differ from what the server rendered. */
function changed(defaults: Record<string, string>, names: readonly string[]): boolean {
  return names.some((n) => params.has(n) && params.get(n) !== (defaults[n] ?? ""));
}

function value(defaults: Record<string, string>, name: string): string | undefined {
  const v = params.get(name) ?? defaults[name];
  return v === undefined || v === "" ? undefined : v;
}

function showError(target: Element, message: string): void {
  const p = document.createElement("p");
  p.className = "embed-error";
  p.setAttribute("role", "alert");
  p.textContent = message;
  target.replaceChildren(p);
}

function liveText(text: string): HTMLPreElement {
  const pre = document.createElement("pre");
  pre.className = "embed-live";
  pre.tabIndex = 0;
  pre.textContent = text;
  return pre;
}

/** Loads the engine: the seed lab, or the URL's shared state (the port reads `#lab=…` itself). */
function ready(port: EnginePort): Promise<CompletionData> {
  return port.load(undefined);
}

/** Whether the URL carries the live layer's shared state (`#lab=TOKEN`). */
const sharedState = /(?:^#|&)lab=/.test(location.hash);

/** /embed/flows: a dump-flows of one Node's br-int, typed in its antrea-ovs container. */
async function flows(el: HTMLElement, defaults: Record<string, string>): Promise<void> {
  const node = value(defaults, "node")!;
  const table = value(defaults, "table");
  const version = value(defaults, "version");
  const names = value(defaults, "names");
  const figure = el.querySelector("figure")!;
  const body = figure.querySelector("pre")?.parentElement ?? figure;
  const caption = figure.querySelector(".lab-caption > span:nth-child(2)");
  const meta = figure.querySelector(".lab-meta");
  if (table !== undefined && !/^\d{1,3}$/.test(table)) return showError(body, `table must be a number from 0 to 254, not "${table}"`);
  if (version !== undefined && version !== "OpenFlow10" && version !== "OpenFlow13") {
    return showError(body, `version must be OpenFlow10 or OpenFlow13, not "${version}"`);
  }
  const port = await enginePort();
  await ready(port);
  const r = await port.flows({
    node,
    ...(table !== undefined ? { table: Number(table) } : {}),
    ...(version === "OpenFlow13" ? { version: 13 as const } : {}),
    ...(names === "false" ? { names: false } : {}),
  });
  if (!r.view) return showError(body, r.error ?? "the engine gave no flows");
  const v = r.view;
  const where = table === undefined ? "all tables" : `table ${table}${v.tableName ? ` (${v.tableName})` : ""}`;
  if (caption) caption.textContent = `br-int on ${node}, ${where}`;
  if (meta) meta.textContent = `${v.flowCount} ${v.flowCount === 1 ? "flow" : "flows"}`;
  const pre = liveText(`${v.prompt} ${v.command}\n${v.text}`);
  pre.classList.add("lab-flows-live");
  figure.querySelector("pre")?.replaceWith(pre);
}

/** /embed/trace: the walk as `ovs-lab trace` prints it (the live layer's Trace component will draw it). */
async function trace(el: HTMLElement, defaults: Record<string, string>): Promise<void> {
  const figure = el.querySelector("figure")!;
  const body = figure.querySelector(".lab-trace-body") ?? figure;
  const from = value(defaults, "from");
  const to = value(defaults, "to");
  const portText = value(defaults, "port");
  const proto = value(defaults, "proto");
  if (!from || !to) return showError(body, "a trace needs from= and to=");
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return showError(body, `port must be a number, not "${portText}"`);
  if (proto !== undefined && !["tcp", "udp", "icmp"].includes(proto)) return showError(body, `proto must be tcp, udp or icmp, not "${proto}"`);
  const port = await enginePort();
  await ready(port);
  const r = await port.trace({
    from,
    to,
    ...(portText !== undefined ? { port: Number(portText) } : {}),
    ...(proto ? { proto: proto as "tcp" } : {}),
    reply: value(defaults, "reply") === "true",
  });
  const caption = figure.querySelector(".lab-caption > span:nth-child(2)");
  if (caption) caption.textContent = `From ${from} to ${to}${portText ? ` port ${portText}` : ""}`;
  if (r.error !== undefined) return showError(body, `ovs-lab trace: ${r.error}`);
  body.replaceChildren(liveText(r.text ?? ""));
}

/** /embed/terminal: open at ?node=, run each ?cmd= in order. */
async function terminal(el: HTMLElement, defaults: Record<string, string>): Promise<void> {
  const term = el.querySelector<HTMLElement>("[data-terminal]")!;
  const node = value(defaults, "node")!;
  const commands = params.getAll("cmd").filter((c) => c.trim() !== "");
  const { mount } = await import("./terminal.ts");
  const handle = await mount(term);
  term.dataset.activated = "true";
  if (node !== defaults.node || commands.length > 0 || sharedState) {
    term.querySelector(".term-log")?.replaceChildren();
  }
  await handle.setNode(node);
  for (const c of commands) await handle.run(c);
}

async function main(): Promise<void> {
  if (!host) return;
  const kind = host.dataset.embed!;
  const defaults = JSON.parse(host.dataset.defaults ?? "{}") as Record<string, string>;
  const keys: Record<string, readonly string[]> = {
    flows: ["node", "table", "version", "names"],
    trace: ["from", "to", "port", "proto", "reply"],
    terminal: ["node", "cmd"],
  };
  if (!sharedState && !changed(defaults, keys[kind] ?? [])) {
    host.dataset.state = "static";
    return;
  }
  host.dataset.state = "computing";
  host.setAttribute("aria-busy", "true");
  try {
    if (kind === "flows") await flows(host, defaults);
    else if (kind === "trace") await trace(host, defaults);
    else if (kind === "terminal") await terminal(host, defaults);
    // Keep "Copy embed code" true to what this frame shows.
    for (const b of document.querySelectorAll<HTMLButtonElement>(".embed-code-button")) b.dataset.embedSrc = location.pathname + location.search + location.hash;
  } catch (e) {
    showError(host, `The engine failed: ${(e as Error).message}`);
  } finally {
    host.removeAttribute("aria-busy");
    host.dataset.state = "live";
  }
}

void main();
