/**
 * The terminal's loader, the only terminal code a page loads up front: it
 * waits for the reader to reach a terminal (focus, a click, or its "Open a
 * terminal" button) and only then loads the terminal module and the engine.
 */

function activate(root: HTMLElement, focus: boolean): void {
  if (root.dataset.activated) return;
  root.dataset.activated = "true";
  void import("./terminal.ts").then(async (m) => {
    const handle = await m.mount(root);
    (root as HTMLElement & { terminal?: unknown }).terminal = handle;
    root.dispatchEvent(new CustomEvent("terminal-ready", { bubbles: true, detail: handle }));
    if (focus) root.querySelector<HTMLInputElement>(".term-input")?.focus();
  });
}

export function setupTerminals(): void {
  for (const root of document.querySelectorAll<HTMLElement>("[data-terminal]")) {
    // Enter before the module has loaded must not submit the form to the server.
    root.querySelector("form")?.addEventListener("submit", (e) => e.preventDefault());
    const open = root.querySelector<HTMLButtonElement>(".term-open");
    if (open) {
      open.addEventListener("click", () => {
        root.removeAttribute("data-collapsed");
        open.setAttribute("aria-expanded", "true");
        open.hidden = true;
        activate(root, true);
        root.querySelector<HTMLInputElement>(".term-input")?.focus();
      });
    }
    const lazy = (): void => {
      if (!root.hasAttribute("data-collapsed")) activate(root, false);
    };
    root.addEventListener("focusin", lazy);
    root.addEventListener("pointerdown", lazy);
    if (root.dataset.autostart !== undefined) activate(root, false);
  }
}
