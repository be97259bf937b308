import { expect, test } from "@playwright/test";
import { builtPages } from "./site.ts";

test.use({ javaScriptEnabled: false });

test("every page is whole without JavaScript", async ({ page }) => {
  const pages = builtPages();
  expect(pages.length).toBeGreaterThan(1);
  for (const path of pages) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }), path).toHaveCount(1);
    // Controls that need a script stay out of the way.
    await expect(page.locator(".needs-js:visible"), path).toHaveCount(0);
    // Each lab figure carries its computed content in the HTML.
    const figures = page.locator("figure.lab-figure");
    for (let i = 0; i < (await figures.count()); i++) {
      const fig = figures.nth(i);
      await expect(fig, path).toBeVisible();
      const text = (await fig.locator("pre, svg, ol").first().textContent()) ?? "";
      expect(text.trim().length, `${path} figure ${i}`).toBeGreaterThan(0);
    }
  }
});

test("without JavaScript the sidebar is open on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const article = builtPages().find((p) => p !== "/")!;
  await page.goto(article);
  await expect(page.locator("#sidebar")).toBeVisible();
  await expect(page.locator("#sidebar a").first()).toBeVisible();
});
