import { expect, test } from "@playwright/test";

test("search finds a word offline, loading Pagefind only on focus and nothing from other hosts", async ({ page, context }) => {
  const foreign: string[] = [];
  const local: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.hostname === "localhost") {
      local.push(url.pathname);
      return route.continue();
    }
    foreign.push(url.href);
    return route.abort();
  });
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  expect(local.filter((p) => p.startsWith("/pagefind/"))).toEqual([]);

  const box = page.getByRole("searchbox", { name: "Search the guide" });
  await box.focus();
  await expect.poll(() => local.some((p) => p === "/pagefind/pagefind.js")).toBe(true);
  await box.fill("priority");
  const results = page.locator("#search-results a");
  await expect(results.first()).toBeVisible();
  await expect(results.first()).toContainText(/priority/i);
  await expect(page.locator("#search-status")).toHaveText(/^\d+ results?; the Down arrow goes to them\.$/);

  const href = await results.first().getAttribute("href");
  await results.first().click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  expect(foreign).toEqual([]);
});

test("search says so when nothing matches, and Escape closes the results", async ({ page }) => {
  await page.goto("/");
  const box = page.getByRole("searchbox", { name: "Search the guide" });
  await box.focus();
  await box.fill("zzqxjv");
  await expect(page.locator("#search-results")).toContainText("Nothing found");
  await box.press("Escape");
  await expect(page.locator("#search-results")).toBeHidden();
});

test("arrow keys move from the box into the results", async ({ page }) => {
  await page.goto("/");
  const box = page.getByRole("searchbox", { name: "Search the guide" });
  await box.focus();
  await box.fill("flow");
  await expect(page.locator("#search-results a").first()).toBeVisible();
  await box.press("ArrowDown");
  await expect(page.locator("#search-results a").first()).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(box).toBeFocused();
});
