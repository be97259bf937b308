/**
 * The header's search box over Pagefind's offline index. Pagefind's script,
 * WebAssembly and index chunks are fetched from /pagefind/ on this site the
 * first time the box gets focus; nothing loads before that.
 */

interface PagefindResultData {
  url: string;
  excerpt: string;
  meta: { title?: string };
}
interface PagefindResult {
  data(): Promise<PagefindResultData>;
}
interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(q: string, opts?: unknown, ms?: number): Promise<{ results: PagefindResult[] } | null>;
}

const MAX_RESULTS = 8;
let loading: Promise<Pagefind> | undefined;

function loadPagefind(): Promise<Pagefind> {
  // A computed specifier keeps the bundler from resolving it at build time:
  // /pagefind/ only exists once `pagefind --site dist` has run.
  const url = "/pagefind/pagefind.js";
  loading ??= (import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (pf) => {
    await pf.options({ excerptLength: 18 });
    await pf.init();
    return pf;
  });
  return loading;
}

export function setupSearch(): void {
  const input = document.querySelector<HTMLInputElement>("#search-input");
  const panel = document.querySelector<HTMLElement>("#search-results");
  const status = document.querySelector<HTMLElement>("#search-status");
  if (!input || !panel || !status) return;

  const show = (open: boolean): void => {
    panel.hidden = !open;
  };
  const links = (): HTMLAnchorElement[] => [...panel.querySelectorAll<HTMLAnchorElement>("a")];

  input.addEventListener("focus", () => {
    loadPagefind().catch(() => {
      status.textContent = "Search is unavailable.";
    });
  });

  let generation = 0;
  input.addEventListener("input", async () => {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      panel.replaceChildren();
      show(false);
      return;
    }
    let pf: Pagefind;
    try {
      pf = await loadPagefind();
    } catch {
      status.textContent = "Search is unavailable.";
      return;
    }
    const found = await pf.debouncedSearch(query, {}, 150);
    if (found === null || mine !== generation) return; // superseded by a later keystroke
    const data = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (mine !== generation) return;
    render(panel, data, query);
    status.textContent =
      data.length === 0
        ? "No results."
        : `${found.results.length} result${found.results.length === 1 ? "" : "s"}; the Down arrow goes to them.`;
    show(true);
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && !panel.hidden) {
      e.preventDefault();
      links()[0]?.focus();
    } else if (e.key === "Escape") {
      show(false);
    }
  });
  panel.addEventListener("keydown", (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === "ArrowDown") {
      e.preventDefault();
      all[Math.min(i + 1, all.length - 1)]?.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i <= 0) input.focus();
      else all[i - 1]?.focus();
    } else if (e.key === "Escape") {
      show(false);
      input.focus();
    }
  });
  document.addEventListener("click", (e) => {
    if (!(e.target as Element).closest(".search")) show(false);
  });
}

function render(panel: HTMLElement, results: PagefindResultData[], query: string): void {
  if (results.length === 0) {
    const p = document.createElement("p");
    p.className = "search-empty";
    p.textContent = `Nothing found for “${query}”.`;
    panel.replaceChildren(p);
    return;
  }
  const list = document.createElement("ul");
  for (const r of results) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = r.url;
    const title = document.createElement("span");
    title.className = "search-title";
    title.textContent = r.meta.title ?? r.url;
    const excerpt = document.createElement("span");
    excerpt.className = "search-excerpt";
    // Pagefind escapes the page text and wraps the hits in <mark>.
    excerpt.innerHTML = r.excerpt;
    a.append(title, excerpt);
    li.append(a);
    list.append(li);
  }
  panel.replaceChildren(list);
}
