/**
 * /playground's script: applying the edited scenario reloads the engine
 * behind the terminal and the trace; the trace form traces in the worker.
 * Nothing runs until the reader does something.
 */
import type { EnginePort } from "./engine-port.ts";
import type { TerminalHandle } from "./terminal.ts";

/** The engine port, loaded on first use (the live layer's client with it). */
async function enginePort(): Promise<EnginePort> {
  return (await import("./engine-port.ts")).enginePort();
}

async function terminalHandle(): Promise<TerminalHandle | undefined> {
  const root = document.querySelector<HTMLElement>(".pg-terminal [data-terminal]");
  if (!root) return undefined;
  root.dataset.activated = "true";
  const { mount } = await import("./terminal.ts");
  return mount(root);
}

function liveText(text: string, cls: string): HTMLPreElement {
  const pre = document.createElement("pre");
  pre.className = cls;
  pre.tabIndex = 0;
  pre.textContent = text;
  return pre;
}

export function setupPlayground(): void {
  const yaml = document.querySelector<HTMLTextAreaElement>("#pg-yaml");
  const status = document.querySelector<HTMLElement>(".pg-status");
  const seed = yaml?.value ?? "";

  const say = (text: string, error = false): void => {
    if (!status) return;
    status.textContent = text;
    status.toggleAttribute("data-error", error);
  };

  const apply = async (text: string): Promise<void> => {
    say("Loading the scenario…");
    try {
      // Validate first: the engine reports every problem with its line.
      await (await enginePort()).load(text);
      const term = await terminalHandle();
      await term?.load(text);
      say(text === seed ? "The seed lab is loaded." : "Scenario applied: the terminal and the trace use it now.");
      document.querySelector(".pg-trace-form")?.dispatchEvent(new Event("submit", { cancelable: true }));
    } catch (e) {
      say(`The scenario does not load:\n${(e as Error).message}`, true);
    }
  };

  document.querySelector(".pg-apply")?.addEventListener("click", () => void apply(yaml?.value ?? seed));
  document.querySelector(".pg-reset")?.addEventListener("click", () => {
    if (yaml) yaml.value = seed;
    void apply(seed);
  });

  const form = document.querySelector<HTMLFormElement>(".pg-trace-form");
  const out = document.querySelector<HTMLElement>("[data-pg-trace]");
  form?.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!out) return;
    const f = new FormData(form);
    const from = String(f.get("from") ?? "").trim();
    const to = String(f.get("to") ?? "").trim();
    const portText = String(f.get("port") ?? "").trim();
    const proto = String(f.get("proto") ?? "tcp") as "tcp" | "udp" | "icmp";
    const reply = f.get("reply") === "true";
    out.setAttribute("aria-busy", "true");
    try {
      const port = await enginePort();
      await port.load(undefined);
      const r = await port.trace({ from, to, ...(portText ? { port: Number(portText) } : {}), proto, reply });
      out.replaceChildren(
        r.error !== undefined ? liveText(`ovs-lab trace: ${r.error}`, "embed-error") : liveText(r.text ?? "", "embed-live"),
      );
      out.dataset.state = "live";
    } catch (err) {
      out.replaceChildren(liveText(`The engine failed: ${(err as Error).message}`, "embed-error"));
    } finally {
      out.removeAttribute("aria-busy");
    }
  });
}
