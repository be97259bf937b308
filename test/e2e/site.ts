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
