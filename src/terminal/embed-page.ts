/**
 * The /embed/… pages' script. The server rendered each component for its
 * default parameters; when the URL asks for others (or for a custom
 * scenario, #lab=…), the live layer's components recompute them in its
 * engine worker, from a store that never persists.
 * Sets no cookies and touches no storage.
 */

const root = document.documentElement;
root.classList.add("js");
const params = new URLSearchParams(location.search);
const theme = params.get("theme");
// ?theme=light|dark, else the reader's system setting (never a saved choice: embeds read no storage).
root.setAttribute(
  "data-theme",
  theme === "light" || theme === "dark" ? theme : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
);

const host = document.querySelector<HTMLElement>("[data-embed]");

/**
 * Framed, the page tells its parent how tall it is, so a course page can size
 * the iframe: `message` events with `{ type: "ovs-lab:height", height, path }`.
 */
function reportHeight(): void {
  if (window.parent === window) return;
  let last = 0;
  const send = (): void => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "ovs-lab:height", height, path: location.pathname }, "*");
  };
  new ResizeObserver(send).observe(document.body);
  send();
}
reportHeight();

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

/** Whether the URL carries the live layer's shared state (`#lab=TOKEN`). */
const sharedState = /(?:^#|&)lab=/.test(location.hash);

/** The live layer's components on this page's figure, with the URL's parameters as their arguments. */
async function live(el: HTMLElement, defaults: Record<string, string>, names: readonly string[]): Promise<void> {
  const figure = el.querySelector<HTMLElement>("figure[data-live]")!;
  const args: Record<string, string> = JSON.parse(figure.dataset.liveArgs ?? "{}");
  for (const n of names) {
    const v = value(defaults, n);
    if (v === undefined) delete args[n];
    else args[n] = v;
  }
  const { pageStore } = await import("./engine-port.ts");
  const store = await pageStore();
  const status = await store.client.status();
  if (args.node !== undefined && !status.nodes.includes(args.node)) {
    const body = figure.querySelector("pre")?.parentElement ?? figure;
    return showError(body, `unknown Node "${args.node}"; the Nodes are ${status.nodes.join(", ")}`);
  }
  if (store.state.scenarioText !== store.authored.scenarioText) document.querySelector(".embed-custom")?.removeAttribute("hidden");
  figure.dataset.liveArgs = JSON.stringify(args);
  const { startLive } = await import("./live-runtime.ts");
  await startLive(store, el, { dock: false });
  // The server wrote the caption for the default parameters.
  const caption = figure.querySelector(".lab-caption > span:not(.lab-badge):not(.lab-meta):not(.embed-code)");
  if (caption && figure.dataset.live === "flows") {
    caption.textContent = `br-int on ${args.node}, ${args.table === undefined ? "all tables" : `table ${args.table}`}`;
  } else if (caption && figure.dataset.live === "topology") {
    caption.textContent = args.from && args.to ? `The path from ${args.from} to ${args.to}${args.port ? ` port ${args.port}` : ""}` : "The lab cluster";
  }
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
  try {
    await handle.setNode(node);
  } catch (e) {
    // A ?node= the lab does not have: say so above the terminal, which stays usable on the default Node.
    const p = document.createElement("p");
    p.className = "embed-error";
    p.setAttribute("role", "alert");
    p.textContent = `${(e as Error).message}; the terminal is on ${defaults.node} instead.`;
    term.before(p);
    await handle.setNode(defaults.node!);
  }
  for (const c of commands) await handle.run(c);
}

async function main(): Promise<void> {
  if (!host) return;
  const kind = host.dataset.embed!;
  const defaults = JSON.parse(host.dataset.defaults ?? "{}") as Record<string, string>;
  const keys: Record<string, readonly string[]> = {
    flows: ["node", "table", "version", "names"],
    trace: ["from", "to", "port", "proto", "reply"],
    topology: ["from", "to", "port", "proto"],
    terminal: ["node", "cmd"],
  };
  if (kind === "scenario") {
    if (!sharedState) {
      host.dataset.state = "static";
      return;
    }
    const { pageStore } = await import("./engine-port.ts");
    const store = await pageStore();
    const code = host.querySelector(".scenario-yaml code");
    if (code && store.state.scenarioText !== store.authored.scenarioText) {
      code.textContent = store.state.scenarioText;
      document.querySelector(".embed-custom")?.removeAttribute("hidden");
      const caption = host.querySelector(".lab-caption > span:nth-child(2)");
      if (caption) caption.textContent = "A custom scenario (from the link)";
    }
    host.dataset.state = "live";
    return;
  }
  if (!sharedState && !changed(defaults, keys[kind] ?? [])) {
    host.dataset.state = "static";
    return;
  }
  host.dataset.state = "computing";
  host.setAttribute("aria-busy", "true");
  try {
    if (kind === "terminal") await terminal(host, defaults);
    else if (kind in keys) await live(host, defaults, keys[kind]!);
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
