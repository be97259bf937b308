import { expect, test, type Page } from "@playwright/test";

/** Presses Tab until `match` is focused (at most `limit` times); returns how many presses it took. */
async function tabTo(page: Page, match: (el: { tag: string; text: string; label: string | null; role: string | null; href: string | null }) => boolean, limit = 40): Promise<number> {
  for (let i = 1; i <= limit; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return {
        tag: a?.tagName.toLowerCase() ?? "",
        text: a?.textContent?.trim() ?? "",
        label: a?.getAttribute("aria-label") ?? null,
        role: a?.getAttribute("role") ?? null,
        href: a?.getAttribute("href") ?? null,
      };
    });
    if (match(el)) return i;
  }
  throw new Error("not reached with Tab");
}

test("keyboard alone reaches the skip link, the search box, the theme toggle and the article links", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);

  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();

  await page.reload();
  await tabTo(page, (e) => e.tag === "input" && e.label === null);
  await expect(page.getByRole("searchbox")).toBeFocused();
  await tabTo(page, (e) => e.label === "Dark theme");
  const before = await page.locator("html").getAttribute("data-theme");
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", before!);
  await tabTo(page, (e) => e.tag === "a" && e.href === first);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe("none");
  await tabTo(page, (e) => e.tag === "a" && e.href !== first && (e.href ?? "").startsWith("/") && !e.href!.startsWith("/#"));
  await page.keyboard.press("Enter");
  await expect(page).not.toHaveURL(new RegExp(`${first}$`));
});

test("on a phone the keyboard reaches the sidebar toggle and opens it", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  await tabTo(page, (e) => e.label === "Navigation");
  await page.keyboard.press("Enter");
  await expect(page.locator("#sidebar")).toBeVisible();
  await tabTo(page, (e) => e.tag === "a" && e.href === first);
});
