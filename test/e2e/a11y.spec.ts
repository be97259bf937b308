/**
 * Accessibility: axe-core's WCAG 2.0/2.1 A and AA rules on every built page
 * (home, articles, 404, /playground/, /embed/*), in the light theme and in the
 * dark one. A violation of impact "serious" or "critical" fails the page's
 * test, which lists each one: rule, impact and the selectors of the elements
 * at fault (with axe's reason, such as the contrast ratio and colours).
 *
 * The light theme gets every WCAG A/AA rule; the dark theme, after the
 * header's toggle (or the system preference, where a page has no toggle), the
 * rules whose outcome depends on colours: the others look at the DOM, which
 * the theme leaves as it is.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { embedUrl, sourcePages } from "./site.ts";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const FAILING = new Set(["serious", "critical"]);
/** The rules whose outcome depends on the theme's colours. */
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

/**
 * Violations known in files this test's authors do not own, reported to their
 * owners: listed here (page, rule, axe's target) so that they do not hide any
 * other violation, and shown as annotations of the page's test while they last.
 * Delete an entry once it is fixed.
 */
const KNOWN: readonly { page: string; rule: string; target: string; where: string }[] = [
  // The trace stepper's buttons read "◀ Back" / "Next ▶" but are named "Previous step" / "Next step".
  { page: "/playground/", rule: "label-content-name-mismatch", target: 'button[aria-label="Previous step"]', where: "components/live/trace.ts" },
  { page: "/playground/", rule: "label-content-name-mismatch", target: 'button[aria-label="Next step"]', where: "components/live/trace.ts" },
  // The scenario editor's scroller cannot be reached from the keyboard.
  { page: "/playground/", rule: "scrollable-region-focusable", target: ".cm-scroller", where: "components/live/editor.ts" },
  // Dark theme: a comment on the editor's active line (#959da5 on the color-mix() highlight).
  { page: "/playground/", rule: "color-contrast", target: ".cm-activeLine > .cm-t-comment", where: "components/live/live.css" },
];

/** Where to load a page: embeds with the parameters an article's embed code gives them. */
function urlOf(p: string): string {
  return p.startsWith("/embed/") ? embedUrl(p) : p;
}

async function violations(page: Page, path: string, label: string, rules?: string[]): Promise<string | undefined> {
  const builder = new AxeBuilder({ page });
  if (rules) builder.withRules(rules);
  else builder.withTags(TAGS);
  const results = await builder
    // axe.run in the page itself: several times faster on these pages than the
    // default runPartial + finishRun (which opens a page per run). The pages'
    // only frames are same-origin (embed previews), which legacy mode covers.
    .setLegacyMode(true)
    .options({ resultTypes: ["violations"] })
    .analyze();
  const targetOf = (n: (typeof results.violations)[number]["nodes"][number]): string =>
    n.target.map((t) => (Array.isArray(t) ? t.join(" >> ") : t)).join(" | ");
  const bad = results.violations
    .filter((v) => FAILING.has(v.impact ?? ""))
    .map((v) => {
      const nodes = v.nodes.filter((n) => {
        const known = KNOWN.find((k) => k.page === path && k.rule === v.id && k.target === targetOf(n));
        if (known) test.info().annotations.push({ type: "known violation", description: `${label}: ${v.id} ${known.target} (${known.where})` });
        return !known;
      });
      return { ...v, nodes };
    })
    .filter((v) => v.nodes.length > 0);
  if (bad.length === 0) return undefined;
  const lines = bad.map((v) => {
    const nodes = v.nodes.map((n) => `      ${targetOf(n)}${reason(n.failureSummary)}`);
    return `  ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"})\n${nodes.join("\n")}`;
  });
  return `${label}:\n${lines.join("\n")}`;
}

/** The first line of axe's failure summary that says what is wrong. */
function reason(text: string | undefined): string {
  const line = (text ?? "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !/^Fix (any|all) of the following:?$/.test(l));
  return line ? `\n        ${line}` : "";
}

/** Waits until the page's own scripts have run (live buttons; the engine's first output on /playground/ and /embed/*). */
async function settle(page: Page, path: string): Promise<void> {
  await page.waitForLoadState("load");
  if (path.startsWith("/embed/") || path.startsWith("/playground")) await page.waitForLoadState("networkidle");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test.use({ colorScheme: "light" });

for (const path of sourcePages()) {
  test(`${path} has no serious accessibility violation, light or dark`, async ({ page }) => {
    const url = urlOf(path);
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    await settle(page, path);
    const html = page.locator("html");
    const themed = (await html.getAttribute("data-theme")) !== null;
    if (themed) await expect(html).toHaveAttribute("data-theme", "light");
    const problems = [await violations(page, path, `${url} (light theme)`)];

    // Dark: with the header's toggle where there is one, else from the system's preference.
    const toggle = page.locator(".theme-toggle");
    if (await toggle.isVisible()) {
      await toggle.click();
    } else {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.reload();
      await settle(page, path);
    }
    if (themed) await expect(html).toHaveAttribute("data-theme", "dark");
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor), { message: `${url}: dark background` })
      .not.toBe("rgb(255, 255, 255)");
    problems.push(await violations(page, path, `${url} (dark theme)`, COLOUR_RULES));

    const report = problems.filter(Boolean).join("\n");
    expect(report, `serious or critical accessibility violations\n${report}`).toBe("");
  });
}
