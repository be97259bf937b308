/**
 * Page weight: the HTML, CSS and JavaScript an article page loads before any
 * interaction, gzipped, must stay under 100 KB. Measured on the built files
 * in dist/ (the search index loads only on focus, so it is not counted).
 */
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { articlePages, readDist } from "./site.ts";

const BUDGET = 100 * 1024;

/** Local assets a page loads up front: stylesheets, module scripts and their static imports. */
function upfrontAssets(html: string): string[] {
  const assets = new Set<string>();
  for (const m of html.matchAll(/<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"/g)) assets.add(m[1]!);
  for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) assets.add(m[1]!);
  const queue = [...assets].filter((a) => a.endsWith(".js"));
  while (queue.length) {
    const js = readDist(queue.shift()!).toString("utf8");
    for (const m of js.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const dep = new URL(m[1]!, "http://x/_astro/").pathname;
      if (!assets.has(dep)) {
        assets.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...assets].filter((a) => a.startsWith("/"));
}

test("each article page weighs under 100 KB gzipped before interaction", () => {
  const pages = articlePages();
  expect(pages.length).toBeGreaterThan(0);
  const report: string[] = [];
  for (const path of pages) {
    const html = readDist(path);
    let total = gzipSync(html, { level: 9 }).length;
    for (const asset of upfrontAssets(html.toString("utf8"))) total += gzipSync(readDist(asset), { level: 9 }).length;
    report.push(`${path} ${(total / 1024).toFixed(1)} KB`);
    expect(total, `${path} weighs ${total} bytes gzipped`).toBeLessThan(BUDGET);
  }
  console.log(`page weights (gzip): ${report.join(", ")}`);
});
