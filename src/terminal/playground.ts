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
  };

  start().catch((e: unknown) => say(`The live lab did not start: ${(e as Error).message}`));
}
