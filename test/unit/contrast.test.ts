/** WCAG contrast of the theme colours in global.css: text at least 4.5:1, diagram strokes at least 3:1. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("../../src/styles/global.css", import.meta.url), "utf8");

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block`);
  const body = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries([...body.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6});/g)].map((m) => [m[1]!, m[2]!]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const themes = { light: block(":root"), dark: block(':root[data-theme="dark"]') };

describe.each(Object.entries(themes))("%s theme", (_name, v) => {
  it.each([
    ["fg", "bg"],
    ["fg", "bg-soft"],
    ["fg-muted", "bg"],
    ["fg-muted", "bg-soft"],
    ["accent", "bg"],
    ["accent", "bg-soft"],
    ["accent-fg", "accent"],
    ["fg", "accent-soft"],
    ["fg", "diagram-node"],
    ["fg", "diagram-hot-bg"],
    ["fg", "diagram-current-bg"],
    ["bad", "bg"],
  ])("text %s on %s is at least 4.5:1", (fg, bg) => {
    expect(contrast(v[fg]!, v[bg]!)).toBeGreaterThanOrEqual(4.5);
  });

  it.each([["diagram-edge"], ["diagram-recirc"], ["diagram-hot"], ["diagram-current"], ["diagram-tunnel"], ["diagram-box-border"], ["focus"]])(
    "%s stands out from the background by at least 3:1",
    (c) => {
      expect(contrast(v[c]!, v["bg"]!)).toBeGreaterThanOrEqual(3);
    },
  );
});

it("the dark theme without a script matches the toggled dark theme", () => {
  const media = css.slice(css.indexOf("@media (prefers-color-scheme: dark)"));
  expect(block(':root[data-theme="dark"]')).toEqual(
    Object.fromEntries([...media.slice(0, media.indexOf("}")).matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6});/g)].map((m) => [m[1]!, m[2]!])),
  );
});
