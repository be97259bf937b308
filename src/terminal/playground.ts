/**
 * /playground's script: the page goes live once loaded. The live layer's
 * scenario editor replaces the static YAML, its topology and trace recompute
 * on every edit, and the terminal (on first use) runs on the same store.
 */

export function setupPlayground(): void {
  const host = document.querySelector<HTMLElement>("[data-pg-editor]");
  const status = document.querySelector<HTMLElement>(".pg-status");
  const grid = document.querySelector<HTMLElement>(".playground-grid");
  if (!host || !grid) return;
  const say = (text: string): void => {
    if (status) status.textContent = text;
  };

  const start = async (): Promise<void> => {
    say("Starting the engine…");
    const { pageStore } = await import("./engine-port.ts");
    const store = await pageStore();
    const [{ loadEditor }, { startLive }] = await Promise.all([import("../live/client.ts"), import("./live-runtime.ts")]);
    const { createScenarioEditor } = await loadEditor();
    const editor = document.createElement("div");
    editor.className = "pg-codemirror";
    createScenarioEditor(editor, { store, label: "Scenario YAML" });
    host.replaceChildren(editor);
    await startLive(store, grid, { dock: true });
    grid.dataset.live = "on";
    say("");
    // "Copy embed code" embeds what the panels show now: the trace picked, and the edited scenario as #lab=.
    const { encodeState } = await import("../live/client.ts");
    const buttons = [...document.querySelectorAll<HTMLButtonElement>(".playground .embed-code-button")];
    for (const b of buttons) b.dataset.embedBase ??= b.dataset.embedSrc ?? "";
    let seq = 0;
    const sync = async (): Promise<void> => {
      const mine = ++seq;
      let token: string | undefined;
      try {
        token = store.edited ? await encodeState(store.state, store.authored) : undefined;
      } catch {
        return; // too large for a link (the dock's Share says so): the buttons keep the last state that fit
      }
      if (mine !== seq) return;
      const picked = Object.values(store.state.traces)[0];
      for (const b of buttons) {
        const url = new URL(b.dataset.embedBase!, location.href);
        if (picked && (url.pathname === "/embed/trace" || url.pathname === "/embed/topology")) {
          for (const k of ["from", "to", "port", "proto", "reply"]) url.searchParams.delete(k);
          url.searchParams.set("from", picked.from);
          url.searchParams.set("to", picked.to);
          if (picked.port !== undefined) url.searchParams.set("port", String(picked.port));
          if (picked.proto && picked.proto !== "tcp") url.searchParams.set("proto", picked.proto);
          if (picked.reply && url.pathname === "/embed/trace") url.searchParams.set("reply", "true");
        }
        if (url.pathname === "/embed/terminal") url.searchParams.set("node", document.querySelector<HTMLSelectElement>(".pg-terminal .term-node")?.value ?? "master");
        url.hash = token ? `lab=${token}` : "";
        b.dataset.embedSrc = url.pathname + url.search + url.hash;
      }
    };
    store.subscribe(() => void sync());
    document.querySelector(".pg-terminal .term-node")?.addEventListener("change", () => void sync());
    await sync();
  };

  start().catch((e: unknown) => say(`The live lab did not start: ${(e as Error).message}`));
}
