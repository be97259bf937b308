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

test("without JavaScript the computed flows, shell sessions, traces and diagrams are in the page", async ({ page }) => {
  const seen = new Set<string>();
  for (const path of builtPages()) {
    await page.goto(path);
    if (await page.locator(".lab-flows pre").count()) {
      await expect(page.locator(".lab-flows pre").first()).toContainText("actions=");
      seen.add("flows");
    }
    if (await page.locator(".lab-shell pre").count()) {
      await expect(page.locator(".lab-shell pre").first()).toContainText("@");
      seen.add("shell");
    }
    if (await page.locator(".lab-trace").count()) {
      await expect(page.locator(".lab-trace .lab-trace-steps li").first()).toContainText("table");
      await expect(page.locator(".lab-trace-verdict").first()).toContainText(/^(Delivered|Dropped)/);
      // A walk may start on a host (a Node or an outside client), but every trace crosses a br-int.
      await expect(page.locator(".lab-trace").first().locator(".lab-hop-title", { hasText: "br-int" }).first()).toBeVisible();
      // The exact text is in the HTML, folded in a <details> that needs no script.
      await page.locator(".lab-trace-raw summary").first().click();
      await expect(page.locator(".lab-trace-raw pre").first()).toContainText("bridge(\"br-int\")");
      seen.add("trace");
    }
    if (await page.locator(".lab-topology svg").count()) {
      await expect(page.locator(".lab-topology svg").first()).toContainText("antrea-tun0");
      seen.add("topology");
    }
    if (await page.locator(".lab-pipeline svg").count()) {
      await expect(page.locator(".lab-pipeline svg").first()).toContainText("110");
      seen.add("pipeline");
    }
  }
  expect([...seen].sort()).toEqual(["flows", "pipeline", "shell", "topology", "trace"]);
});

test("without JavaScript the sidebar is open on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const article = builtPages().find((p) => p !== "/")!;
  await page.goto(article);
  await expect(page.locator("#sidebar")).toBeVisible();
  await expect(page.locator("#sidebar a").first()).toBeVisible();
});
