/**
 * The terminal island: a prompt on a lab Node where the reader types the
 * seed's commands. The engine's ShellSession runs them in a worker (through
 * engine-port.ts). Output is text only (textContent, never HTML), in a
 * role="log" region; the input is a real <input>.
 *
 * Keys: Enter runs, Up/Down walk the history, Tab completes (on an empty line
 * it moves the focus on, so the terminal is no keyboard trap), Ctrl-C
 * interrupts or abandons the line, Ctrl-L clears the screen.
 */
import { complete, placeOf } from "./complete.ts";
import { enginePort, InterruptedError, type CompletionData, type EnginePort } from "./engine-port.ts";

const MAX_ENTRIES = 400;

export interface TerminalOptions {
  /** Engine to use (default: the page's shared port). */
  readonly port?: EnginePort;
  /** Scenario YAML; the seed lab when omitted. */
  readonly scenario?: string;
}

export interface TerminalHandle {
  /** Runs a line as if typed (used by the playground's scripted examples and tests). */
  run(line: string): Promise<void>;
  /** Switches to a Node's prompt. */
  setNode(node: string): Promise<void>;
  /** Gives the engine another scenario (the sessions carry on in it). */
  load(scenario?: string): Promise<void>;
}

const mounted = new WeakMap<HTMLElement, Promise<TerminalHandle>>();

/** Mounts the terminal on its server-rendered markup (idempotent). */
export function mount(root: HTMLElement, opts: TerminalOptions = {}): Promise<TerminalHandle> {
  let m = mounted.get(root);
  if (!m) {
    m = setup(root, opts);
    mounted.set(root, m);
  }
  return m;
}

async function setup(root: HTMLElement, opts: TerminalOptions): Promise<TerminalHandle> {
  const log = root.querySelector<HTMLElement>(".term-log")!;
  const form = root.querySelector<HTMLFormElement>(".term-form")!;
  const input = root.querySelector<HTMLInputElement>(".term-input")!;
  const promptEl = root.querySelector<HTMLElement>(".term-prompt")!;
  const nodeSelect = root.querySelector<HTMLSelectElement>(".term-node");
  const status = root.querySelector<HTMLElement>(".term-status");
  const port = opts.port ?? enginePort();

  let node = nodeSelect?.value || root.dataset.node || "master";
  let prompt = promptEl.textContent ?? "";
  let data: CompletionData = { nodes: [], namespaces: [], pods: [], services: [], tables: [], tableNames: {} };
  const history: string[] = [];
  let cursor = 0; // index into history; history.length = the draft
  let draft = "";
  let running = false;
  let lastTab = "";

  const setStatus = (text: string): void => {
    if (status) status.textContent = text;
    root.toggleAttribute("data-busy", running);
  };

  const append = (text: string, cls: string): void => {
    if (text === "") return;
    const el = document.createElement("div");
    el.className = cls;
    el.textContent = text.endsWith("\n") ? text.slice(0, -1) : text;
    log.append(el);
    while (log.childElementCount > MAX_ENTRIES) log.firstElementChild!.remove();
    log.scrollTop = log.scrollHeight;
  };

  const echo = (line: string, suffix = ""): void => {
    const el = document.createElement("div");
    el.className = "term-line term-cmd";
    const p = document.createElement("span");
    p.className = "term-cmd-prompt";
    p.textContent = prompt;
    el.append(p, ` ${line}${suffix}`);
    log.append(el);
    log.scrollTop = log.scrollHeight;
  };

  const setPrompt = (p: string): void => {
    prompt = p;
    promptEl.textContent = p;
    root.dataset.prompt = p;
  };

  const refreshPrompt = async (): Promise<void> => {
    setPrompt(await port.prompt(node));
  };

  const ready = (async () => {
    running = true;
    setStatus("Starting the engine…");
    try {
      data = await port.load(opts.scenario);
      await refreshPrompt();
      setStatus("");
    } catch (e) {
      append(`The engine did not start: ${(e as Error).message}`, "term-line term-stderr");
      setStatus("The engine did not start.");
    } finally {
      running = false;
      root.toggleAttribute("data-busy", false);
      root.dataset.ready = "true";
    }
  })();

  const run = async (line: string): Promise<void> => {
    await ready;
    echo(line);
    if (line.trim() !== "") {
      if (history[history.length - 1] !== line) history.push(line);
    }
    cursor = history.length;
    draft = "";
    const trimmed = line.trim();
    if (trimmed === "") return;
    if (trimmed === "clear") {
      log.replaceChildren();
      return;
    }
    running = true;
    setStatus("Running… (Ctrl-C stops)");
    try {
      const r = await port.run(node, line);
      if (r.rebuilt) append("(the lab changed: this session was replayed on the new state first)", "term-line term-note");
      append(r.stdout, "term-line term-out");
      append(r.stderr, "term-line term-stderr");
      setPrompt(r.prompt);
      setStatus("");
      // The scenario may have changed meanwhile (an editor on the page): refresh the names Tab completes.
      data = await port.load().catch(() => data);
    } catch (e) {
      if (e instanceof InterruptedError) {
        append("^C", "term-line");
        await refreshPrompt().catch(() => undefined);
        setStatus("Interrupted.");
      } else {
        append(`terminal: ${(e as Error).message}`, "term-line term-stderr");
        setStatus("");
      }
    } finally {
      running = false;
      root.toggleAttribute("data-busy", false);
    }
  };

  const setNode = async (next: string): Promise<void> => {
    await ready;
    if (next === node) return;
    node = next;
    root.dataset.node = next;
    if (nodeSelect && nodeSelect.value !== next) nodeSelect.value = next;
    // "Copy embed code" embeds the terminal at the Node it shows.
    const embed = root.querySelector<HTMLButtonElement>(".embed-code-button");
    if (embed) {
      const url = new URL(embed.dataset.embedSrc ?? "/embed/terminal", location.href);
      url.searchParams.set("node", next);
      embed.dataset.embedSrc = url.pathname + url.search + url.hash;
      embed.dataset.embedTitle = `Terminal on ${next}`;
    }
    await refreshPrompt();
    setStatus(`Switched to ${next}.`);
  };

  const tab = (): void => {
    const pos = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, pos);
    const after = input.value.slice(pos);
    const c = complete(before, data, placeOf(prompt));
    if (c.candidates.length === 0) {
      lastTab = "";
      return;
    }
    const word = before.slice(c.start);
    let insert = c.common;
    if (c.candidates.length === 1) insert = c.candidates[0]! + (c.addSpace && !after.startsWith(" ") ? " " : "");
    if (insert !== word) {
      input.value = before.slice(0, c.start) + insert + after;
      const at = c.start + insert.length;
      input.setSelectionRange(at, at);
      lastTab = "";
      return;
    }
    // No progress: list the candidates, as bash does on the second Tab (here on the first).
    if (lastTab === input.value) return;
    lastTab = input.value;
    echo(input.value);
    append(c.candidates.join("  "), "term-line term-candidates");
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (running) return;
    const line = input.value;
    input.value = "";
    lastTab = "";
    void run(line);
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "Tab" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // An empty line lets Tab move the focus on.
      if (input.value.trim() === "") return;
      e.preventDefault();
      tab();
      return;
    }
    if (e.ctrlKey && !e.altKey && !e.metaKey && (e.key === "c" || e.key === "C")) {
      // Ctrl-C copies a selection, as in a terminal emulator; otherwise it interrupts.
      if (input.selectionStart !== input.selectionEnd) return;
      e.preventDefault();
      if (running) {
        port.interrupt();
      } else {
        echo(input.value, "^C");
        input.value = "";
        cursor = history.length;
      }
      return;
    }
    if (e.ctrlKey && !e.altKey && !e.metaKey && (e.key === "l" || e.key === "L")) {
      e.preventDefault();
      log.replaceChildren();
      return;
    }
    if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      if (history.length === 0) return;
      e.preventDefault();
      if (cursor === history.length) draft = input.value;
      cursor = Math.max(0, Math.min(history.length, cursor + (e.key === "ArrowUp" ? -1 : 1)));
      input.value = cursor === history.length ? draft : history[cursor]!;
      const end = input.value.length;
      input.setSelectionRange(end, end);
    }
  });

  nodeSelect?.addEventListener("change", () => void setNode(nodeSelect.value));

  await ready;
  return {
    run,
    setNode,
    async load(scenario) {
      await ready;
      running = true;
      setStatus("Loading the scenario…");
      try {
        data = await port.load(scenario);
        await refreshPrompt();
        setStatus("Scenario loaded; the sessions started over.");
      } catch (e) {
        append(`The scenario does not load: ${(e as Error).message}`, "term-line term-stderr");
        setStatus("The scenario does not load.");
      } finally {
        running = false;
        root.toggleAttribute("data-busy", false);
      }
    },
  };
}
