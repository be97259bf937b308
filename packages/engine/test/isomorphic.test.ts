// The engine runs in the browser as well as in Node, so nothing under src/
// (except the command line in src/cli/) may use Node or DOM APIs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const engineRoot = fileURLToPath(new URL("..", import.meta.url));
const srcDir = join(engineRoot, "src");

const FORBIDDEN: { label: string; pattern: RegExp }[] = [
  { label: 'from "node:', pattern: /from\s*"node:/ },
  { label: "from 'node:", pattern: /from\s*'node:/ },
  { label: 'import("node:', pattern: /import\(\s*["']node:/ },
  { label: "require(", pattern: /\brequire\(/ },
  { label: "process.", pattern: /\bprocess\./ },
  { label: "document.", pattern: /\bdocument\./ },
  { label: "window.", pattern: /\bwindow\./ },
];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs|cjs|mts|cts)$/.test(name)) files.push(path);
  }
  return files;
}

describe("engine source is isomorphic", () => {
  it("uses no Node or DOM APIs outside src/cli/", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const rel = relative(engineRoot, file).split(sep).join("/");
      if (rel.startsWith("src/cli/")) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const { label, pattern } of FORBIDDEN) {
          if (pattern.test(line)) offenders.push(`${rel}:${i + 1}: ${label}  ${line.trim()}`);
        }
      });
    }
    expect(offenders, `Node/DOM APIs used in the engine:\n${offenders.join("\n")}`).toEqual([]);
  });
});
