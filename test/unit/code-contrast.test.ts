/** WCAG contrast of the code themes (src/lib/shiki-themes.ts): every token colour at least 4.5:1 on its background. */
import { describe, expect, it } from "vitest";
import { SHIKI_THEMES } from "../../src/lib/shiki-themes.ts";

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** #rgb, #rrggbb or #rrggbbaa → #rrggbb (alpha ignored: the themes' token colours are opaque). */
function rgb(colour: string): string {
  const c = colour.toLowerCase();
  return c.length === 4 ? `#${[...c.slice(1)].map((x) => x + x).join("")}` : c.slice(0, 7);
}

describe.each(Object.entries(SHIKI_THEMES))("%s code theme", (_name, theme) => {
  const background = rgb(theme.colors!["editor.background"]!);
  // Shiki renders token foregrounds only, on the block's background. Rules that set their own background
  // (carriage-return, markup.ignored, diff markup) are for scopes the site's languages never produce.
  const rules = (theme.tokenColors ?? []).filter((r) => r.settings.foreground && !r.settings.background);

  it("has token colours", () => {
    expect(rules.length).toBeGreaterThan(10);
  });

  it.each(rules.map((r) => [[r.scope ?? ""].flat().slice(0, 3).join(", "), r.settings.foreground!, background]))(
    "%s: %s on %s is at least 4.5:1",
    (_scope, fg, bg) => {
      expect(contrast(rgb(fg), rgb(bg))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it("the editor's text colour is readable too", () => {
    expect(contrast(rgb(theme.colors!["editor.foreground"]!), background)).toBeGreaterThanOrEqual(4.5);
  });
});
