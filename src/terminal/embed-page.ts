/**
 * The /embed/… pages' script. The server rendered each component for its
 * default parameters; when the URL asks for others (or for a custom
 * scenario), the engine computes them here, in the terminal's worker.
 * Sets no cookies and touches no storage.
 */
import { enginePort, type CompletionData, type EnginePort } from "./engine-port.ts";
import { scenarioFromUrl } from "./url-state.ts";

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

async function ready(port: EnginePort, scenario: string | undefined): Promise<CompletionData> {
  if (scenario !== undefined) document.querySelector(".embed-custom")?.removeAttribute("hidden");
  return port.load(scenario);
}

/** /embed/flows: a dump-flows of one Node's br-int, typed in its antrea-ovs container. */
async function flows(el: HTMLElement, defaults: Record<string, string>, scenario: string | undefined): Promise<void> {
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
  const port = enginePort();
  const data = await ready(port, scenario);
  if (!data.nodes.includes(node)) return showError(body, `unknown Node "${node}"; the Nodes are ${data.nodes.join(", ")}`);
  const agent = data.pods.find((p) => p.namespace === "kube-system" && p.node === node && p.containers.includes("antrea-ovs"));
  if (!agent) return showError(body, `no antrea-agent Pod runs on ${node}`);
  const ofctl =
    `ovs-ofctl ${version === "OpenFlow13" ? "-O OpenFlow13 " : ""}dump-flows br-int${table !== undefined ? ` table=${table}` : ""}` +
    ` --no-stats ${names === "false" ? "--no-names" : "--names"}`;
  const r = await port.run(data.nodes[0]!, `kubectl exec -n kube-system ${agent.name} -c antrea-ovs -- ${ofctl}`);
  if (r.code !== 0) return showError(body, (r.stderr || r.stdout).trim());
  const prompt = `root@${node}:/#`;
  const count = r.stdout.split("\n").filter((l) => l.trim() !== "").length;
  const where = table === undefined ? "all tables" : `table ${table}${data.tableNames[Number(table)] ? ` (${data.tableNames[Number(table)]})` : ""}`;
  if (caption) caption.textContent = `br-int on ${node}, ${where}`;
  if (meta) meta.textContent = `${count} ${count === 1 ? "flow" : "flows"}`;
  const pre = liveText(`${prompt} ${ofctl}\n${r.stdout}`);
  pre.classList.add("lab-flows-live");
  figure.querySelector("pre")?.replaceWith(pre);
}

/** /embed/trace: the walk as `ovs-lab trace` prints it (the live layer's Trace component will draw it). */
async function trace(el: HTMLElement, defaults: Record<string, string>, scenario: string | undefined): Promise<void> {
  const figure = el.querySelector("figure")!;
  const body = figure.querySelector(".lab-trace-body") ?? figure;
  const from = value(defaults, "from");
  const to = value(defaults, "to");
  const portText = value(defaults, "port");
  const proto = value(defaults, "proto");
  if (!from || !to) return showError(body, "a trace needs from= and to=");
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return showError(body, `port must be a number, not "${portText}"`);
  if (proto !== undefined && !["tcp", "udp", "icmp"].includes(proto)) return showError(body, `proto must be tcp, udp or icmp, not "${proto}"`);
  const port = enginePort();
  await ready(port, scenario);
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
  const command = `ovs-lab trace --from ${from} --to ${to}${portText ? `:${portText}` : ""}${proto ? ` --proto ${proto}` : ""}` +
    (value(defaults, "reply") === "true" ? " --reply" : "");
  body.replaceChildren(liveText(`$ ${command}\n${r.text ?? ""}`));
}

/** /embed/terminal: open at ?node=, run each ?cmd= in order. */
async function terminal(el: HTMLElement, defaults: Record<string, string>, scenario: string | undefined): Promise<void> {
  const term = el.querySelector<HTMLElement>("[data-terminal]")!;
  const node = value(defaults, "node")!;
  const commands = params.getAll("cmd").filter((c) => c.trim() !== "");
  const { mount } = await import("./terminal.ts");
  const handle = await mount(term, scenario !== undefined ? { scenario } : {});
  term.dataset.activated = "true";
  if (node !== defaults.node || commands.length > 0 || scenario !== undefined) {
    term.querySelector(".term-log")?.replaceChildren();
  }
  await handle.setNode(node);
  for (const c of commands) await handle.run(c);
}

async function main(): Promise<void> {
  if (!host) return;
  const kind = host.dataset.embed!;
  const defaults = JSON.parse(host.dataset.defaults ?? "{}") as Record<string, string>;
  const scenario = await scenarioFromUrl(params);
  const keys: Record<string, readonly string[]> = {
    flows: ["node", "table", "version", "names"],
    trace: ["from", "to", "port", "proto", "reply"],
    terminal: ["node", "cmd"],
  };
  if (scenario === undefined && !changed(defaults, keys[kind] ?? [])) {
    host.dataset.state = "static";
    return;
  }
  host.dataset.state = "computing";
  host.setAttribute("aria-busy", "true");
  try {
    if (kind === "flows") await flows(host, defaults, scenario);
    else if (kind === "trace") await trace(host, defaults, scenario);
    else if (kind === "terminal") await terminal(host, defaults, scenario);
  } catch (e) {
    showError(host, `The engine failed: ${(e as Error).message}`);
  } finally {
    host.removeAttribute("aria-busy");
    host.dataset.state = "live";
  }
}

void main();
