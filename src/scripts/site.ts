/**
 * The site's only client-side code: the theme toggle, the sidebar toggle on
 * narrow screens, and the search box. The page is complete without it.
 */
import { THEME_STORAGE_KEY } from "../lib/theme-key.ts";
import { setupSearch } from "./search.ts";

const root = document.documentElement;

function currentTheme(): "light" | "dark" {
  return root.getAttribute("data-theme") === "dark" ? "dark" : "light";
}

function setupThemeToggle(): void {
  const button = document.querySelector<HTMLButtonElement>(".theme-toggle");
  if (!button) return;
  const sync = (): void => button.setAttribute("aria-pressed", String(currentTheme() === "dark"));
  sync();
  button.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Storage can be disabled; the choice then lasts for this page only.
    }
    sync();
  });
}

function setupSidebarToggle(): void {
  const button = document.querySelector<HTMLButtonElement>(".sidebar-toggle");
  const sidebar = document.getElementById("sidebar");
  if (!button || !sidebar) return;
  const set = (open: boolean): void => {
    button.setAttribute("aria-expanded", String(open));
    root.classList.toggle("sidebar-open", open);
  };
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && root.classList.contains("sidebar-open")) {
      set(false);
      button.focus();
    }
  });
  // Following a link inside the open panel closes it (same-page anchors too).
  sidebar.addEventListener("click", (e) => {
    if ((e.target as Element).closest("a")) set(false);
  });
}

/**
 * The main pages refuse to be framed (clickjacking): a page inside a frame
 * hides itself. Only /embed/… pages, which do not load this script, may be
 * framed. A <meta> policy cannot say frame-ancestors, so a real deployment
 * should also send `X-Frame-Options: DENY` and `frame-ancestors 'none'` for
 * every path but /embed/* (public/_headers has these rules).
 */
function refuseFraming(): void {
  let framed: boolean;
  try {
    framed = window.top !== window.self;
  } catch {
    framed = true;
  }
  if (!framed) return;
  root.setAttribute("data-framed", "");
  root.style.setProperty("display", "none", "important");
}

refuseFraming();
setupThemeToggle();
setupSidebarToggle();
setupSearch();
