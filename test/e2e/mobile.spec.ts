import { expect, test } from "@playwright/test";

test.use({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true });

test("on a phone the sidebar hides behind a button that opens and closes it", async ({ page }) => {
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  const sidebar = page.locator("#sidebar");
  const toggle = page.getByRole("button", { name: "Navigation" });
  await expect(toggle).toBeVisible();
  await expect(sidebar).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");

  await toggle.click();
  await expect(sidebar).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Escape");
  await expect(sidebar).toBeHidden();
  await expect(toggle).toBeFocused();

  await toggle.click();
  const links = sidebar.locator("a");
  const target = links.last();
  const href = await target.getAttribute("href");
  await target.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.locator("#sidebar")).toBeHidden();
});

test("on a phone nothing overflows the screen sideways and the header controls fit", async ({ page }) => {
  for (const path of ["/", await firstArticle(page)]) {
    await page.goto(path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    for (const name of ["Search the guide"]) await expect(page.getByRole("searchbox", { name })).toBeVisible();
    await expect(page.getByRole("button", { name: "Dark theme" })).toBeInViewport();
  }
});

async function firstArticle(page: import("@playwright/test").Page): Promise<string> {
  await page.goto("/");
  return (await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href"))!;
}

test("on a phone the table of contents sits at the top of the article and its links work", async ({ page }) => {
  await page.goto(await firstArticle(page));
  await expect(page.locator("nav.toc")).toBeHidden();
  const inline = page.locator("details.toc-inline");
  await expect(inline).toBeVisible();
  await inline.locator("summary").click();
  const link = inline.locator("a").last();
  const href = (await link.getAttribute("href"))!;
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.locator(`[id="${decodeURIComponent(href.slice(1))}"]`)).toBeInViewport();
});
