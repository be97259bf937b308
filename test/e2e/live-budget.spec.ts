/**
 * Bundle budget of the live layer: the chunks it loads on interaction, the
 * engine worker and the CodeMirror editor (with their static imports),
 * under 250 KB gzipped together. Found from the built pages: the article's
 * boot script imports the live chunk, which names the worker and the editor
 * chunk. (What a page loads before interaction is budget.spec.ts's.)
 */
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { articlePages, readDist } from "./site.ts";

const BUDGET = 250 * 1024;

function jsOf(path: string): string {
  return readDist(path).toString("utf8");
}

/** A chunk and its static imports (relative `./x.js`). */
function closure(start: string): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const js = jsOf(queue.shift()!);
    for (const m of js.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const dep = new URL(m[1]!, "http://x/_astro/").pathname;
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...seen];
}

const gz = (path: string): number => gzipSync(readDist(path), { level: 9 }).length;

test("the engine worker and the editor weigh under 250 KB gzipped together", () => {
  const page = articlePages().find((p) => /data-live=/.test(readDist(p).toString("utf8")));
  expect(page, "an article with live components").toBeDefined();
  const html = readDist(page!).toString("utf8");
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const boot = scripts.find((s) => /import\(`?["'`]\.\/page\.[^"'`]+\.js/.test(jsOf(s)));
  expect(boot, "the boot script that imports the live chunk").toBeDefined();
  const live = `/_astro/${/import\(["'`]\.\/(page\.[^"'`]+\.js)/.exec(jsOf(boot!))![1]}`;
  // The live chunk or a chunk it shares (the client API) names the worker and the editor.
  const liveJs = closure(live).map(jsOf).join("\n");
  const worker = `/_astro/${/["'`/]((?:[\w-]+\.)?worker-[\w-]+\.js)/.exec(liveJs.replace(/shell\.worker-[\w-]+\.js/g, ""))![1]}`;
  const editor = `/_astro/${/(editor\.[\w-]+\.js)/.exec(liveJs)![1]}`;
  const editorFiles = closure(editor).filter((f) => !closure(live).includes(f) || f === editor);
  const workerGz = gz(worker);
  const editorGz = editorFiles.reduce((n, f) => n + gz(f), 0);
  const liveGz = closure(live).reduce((n, f) => n + gz(f), 0);
  console.log(
    `live layer (gzip -9): engine worker ${(workerGz / 1024).toFixed(1)} KB, editor ${(editorGz / 1024).toFixed(1)} KB, ` +
      `together ${((workerGz + editorGz) / 1024).toFixed(1)} KB of ${BUDGET / 1024} KB; live runtime chunk ${(liveGz / 1024).toFixed(1)} KB`,
  );
  expect(workerGz + editorGz).toBeLessThan(BUDGET);
});
