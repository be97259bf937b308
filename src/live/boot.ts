/**
 * The only live-layer code an article loads up front (a few hundred bytes):
 * a "Live" button on each lab figure. The first press loads the live layer
 * (store, worker, components; the editor later still). A page the reader has
 * edited before, or opened from a share link, goes live at once.
 */
import "../../components/live/boot.css";
import { SHARE_PARAM, STORAGE_PREFIX } from "./keys.ts";

function start(focus?: HTMLElement): void {
  document.documentElement.classList.add("live-loading");
  void import("../../components/live/page.ts")
    .then((m) => m.activate())
    .then(() => {
      document.documentElement.classList.remove("live-loading");
      // Focus the first control of the figure the reader pressed "Live" in.
      focus?.querySelector<HTMLElement>(".live-trace-picker select, .live-edit-flows, .live-stepper button")?.focus();
    })
    .catch((e: unknown) => {
      document.documentElement.classList.remove("live-loading");
      console.error("the live layer failed to load", e);
    });
}

function setup(): void {
  const figures = document.querySelectorAll<HTMLElement>("figure[data-live]");
  if (figures.length === 0) return;
  for (const fig of figures) {
    const caption = fig.querySelector("figcaption");
    if (!caption || caption.querySelector(".live-toggle")) continue;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "live-toggle";
    b.textContent = "Live";
    b.title = "Recompute this in your browser, and edit the scenario, flows and traces";
    b.addEventListener("click", () => {
      b.disabled = true;
      b.textContent = "Loading…";
      start(fig);
    });
    caption.append(b);
  }
  let saved = false;
  try {
    saved = localStorage.getItem(STORAGE_PREFIX + location.pathname) !== null;
  } catch {
    // Storage disabled: nothing was saved.
  }
  const shared = location.hash.slice(1).split("&").some((p) => p.startsWith(`${SHARE_PARAM}=`));
  if (saved || shared) start();
}

setup();
