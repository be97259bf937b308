import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";

/** Records data-theme when <body> first appears (before anything in it can paint) and at DOMContentLoaded. */
const RECORD = `
  window.__theme = {};
  new MutationObserver((_, obs) => {
    if (document.body && !("body" in window.__theme)) {
      window.__theme.body = document.documentElement.getAttribute("data-theme");
      window.__theme.bodyBg = null;
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", () => {
    window.__theme.dcl = document.documentElement.getAttribute("data-theme");
    window.__theme.dclBg = getComputedStyle(document.body).backgroundColor;
  });
`;

const DARK_BG = "rgb(16, 20, 24)";
const LIGHT_BG = "rgb(255, 255, 255)";

test("follows the system preference, before the first paint", async ({ browser }) => {
  for (const [scheme, bg] of [["dark", DARK_BG], ["light", LIGHT_BG]] as const) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.addInitScript(RECORD);
    await page.goto("/");
    const seen = await page.evaluate(() => (window as unknown as { __theme: Record<string, string> }).__theme);
    expect(seen.body).toBe(scheme);
    expect(seen.dcl).toBe(scheme);
    expect(seen.dclBg).toBe(bg);
    await context.close();
  }
});

test("the toggle switches the theme and the choice persists without a flash", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "light" });
  const page = await context.newPage();
  await page.addInitScript(RECORD);
  await page.goto("/");
  const toggle = page.getByRole("button", { name: "Dark theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => localStorage.getItem("ovs-lab-theme"))).toBe("dark");

  // Another page, freshly loaded: dark from the start although the system is light.
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  const seen = await page.evaluate(() => (window as unknown as { __theme: Record<string, string> }).__theme);
  expect(seen.body).toBe("dark");
  expect(seen.dcl).toBe("dark");
  expect(seen.dclBg).toBe(DARK_BG);

  await page.getByRole("button", { name: "Dark theme" }).click();
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await context.close();
});

test("without JavaScript the system preference still decides the colours", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark", javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  expect(await page.locator("html").getAttribute("data-theme")).toBeNull();
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(DARK_BG);
  await expect(page.locator(".theme-toggle")).toBeHidden();
  await context.close();
});

test("the only inline script is the hashed theme script, with no inline handlers and no CSP violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto("/");
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  const inline = await page.locator("script:not([src])").allTextContents();
  expect(inline).toHaveLength(1);
  const hash = `'sha256-${createHash("sha256").update(inline[0]!).digest("base64")}'`;
  expect(csp).toContain(hash);
  const handlers = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name)),
  );
  expect(handlers).toEqual([]);
  await page.getByRole("searchbox").focus();
  await page.getByRole("searchbox").fill("flow");
  await expect(page.locator("#search-results li").first()).toBeVisible();
  expect(violations).toEqual([]);
});
