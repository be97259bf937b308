/** Helpers shared by the browser tests: the built pages, read from dist/. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const DIST = path.resolve(import.meta.dirname, "../../dist");

/** URL paths of every built HTML page (`/`, `/introduction/`, …), Pagefind's files excluded. */
export function builtPages(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== "pagefind" && name !== "_astro") walk(full);
      } else if (name === "index.html") {
        const rel = path.relative(DIST, path.dirname(full)).split(path.sep).join("/");
        out.push(rel ? `/${rel}/` : "/");
      }
    }
  };
  walk(DIST);
  return out.sort();
}

/** Article pages: every built page but the home page and 404. */
export function articlePages(): string[] {
  return builtPages().filter((p) => p !== "/" && p !== "/404/");
}

export function readDist(urlPath: string): Buffer {
  const file = urlPath.endsWith("/") ? path.join(DIST, urlPath, "index.html") : path.join(DIST, urlPath);
  return readFileSync(file);
}

/**
 * Every page a reader can load, as built: each `index.html` (home, articles, /playground/, /embed/*) and the
 * 404 page (`/404.html`, served for unknown paths).
 */
export function everyPage(): string[] {
  const pages = builtPages();
  try {
    if (statSync(path.join(DIST, "404.html")).isFile()) pages.push("/404.html");
  } catch {
    // no 404 page built
  }
  return pages;
}

/**
 * The URL to load an embed page with: the first "Copy embed code" source of the articles that points at it
 * (`/embed/flows?node=worker1&table=0`), else the bare page.
 */
export function embedUrl(urlPath: string): string {
  const base = urlPath.replace(/\/$/, "");
  for (const p of articlePages()) {
    for (const m of readDist(p).toString("utf8").matchAll(/data-embed-src="([^"]*)"/g)) {
      const src = m[1]!.replaceAll("&amp;", "&");
      if (src === base || src.startsWith(`${base}?`) || src.startsWith(`${base}/?`)) return src;
    }
  }
  return urlPath;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The articles' pages, from content/*.mdx (`03-classifier.mdx` → `/classifier/`, as src/lib/navigation.ts). */
export function sourceArticles(): string[] {
  return readdirSync(path.join(ROOT, "content"))
    .filter((f) => f.endsWith(".mdx"))
    .map((f) => `/${f.replace(/\.mdx$/, "").replace(/^\d+[-_]/, "")}/`)
    .sort();
}

/**
 * The same pages as everyPage(), known from the sources without a build (so tests can be made for each before
 * the site is built): src/pages/ (index → `/`, 404 → `/404.html`, `[...slug]` → the articles, the rest at their
 * paths).
 */
export function sourcePages(): string[] {
  const out: string[] = [];
  const pagesDir = path.join(ROOT, "src/pages");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      if (!name.endsWith(".astro")) continue;
      const rel = path.relative(pagesDir, full).split(path.sep).join("/").replace(/\.astro$/, "");
      if (rel === "index") out.push("/");
      else if (rel === "404") out.push("/404.html");
      else if (rel === "[...slug]") out.push(...sourceArticles());
      else out.push(`/${rel.replace(/\/index$/, "")}/`);
    }
  };
  walk(pagesDir);
  return out.sort();
}
