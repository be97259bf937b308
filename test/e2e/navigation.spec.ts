import { expect, test } from "@playwright/test";

test("home page introduces the guide and links every section's articles", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("OVS Pipeline Lab");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("OVS Pipeline Lab");
  const start = page.getByRole("link", { name: /^Start reading:/ });
  await expect(start).toBeVisible();
  await start.click();
  await expect(page.locator("#sidebar a[aria-current=page]")).toHaveCount(1);
});

test("sidebar order is the reading order that previous/next links follow", async ({ page }) => {
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  const sidebar = await page.locator("#sidebar a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  expect(sidebar.length).toBeGreaterThanOrEqual(2);
  expect(sidebar[0]).toBe(first);

  // Forward with Next, checking the sidebar marks each page as current.
  const visited: string[] = [];
  for (;;) {
    const here = new URL(page.url()).pathname;
    visited.push(here);
    await expect(page.locator("#sidebar a[aria-current=page]")).toHaveAttribute("href", here);
    const next = page.locator("a[rel=next]");
    if ((await next.count()) === 0) break;
    await next.click();
    await page.waitForURL((u) => u.pathname !== here);
  }
  expect(visited).toEqual(sidebar);

  // And back with Previous.
  const back: string[] = [];
  for (;;) {
    const here = new URL(page.url()).pathname;
    back.push(here);
    const prev = page.locator("a[rel=prev]");
    if ((await prev.count()) === 0) break;
    await prev.click();
    await page.waitForURL((u) => u.pathname !== here);
  }
  expect(back).toEqual([...sidebar].reverse());
});

test("sidebar groups articles under their section names", async ({ page }) => {
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  const sections = await page.locator("#sidebar .sidebar-section").allTextContents();
  const order = ["Basics", "Pipeline tables", "Walks", "Reference"];
  expect(sections.length).toBeGreaterThan(0);
  expect(sections).toEqual(order.filter((s) => sections.includes(s)));
});

test("table of contents links reach their headings", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 700 });
  await page.goto("/");
  const first = await page.getByRole("link", { name: /^Start reading:/ }).getAttribute("href");
  await page.goto(first!);
  const toc = page.locator("nav.toc");
  await expect(toc).toBeVisible();
  const links = toc.locator("a");
  const n = await links.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const href = (await links.nth(i).getAttribute("href"))!;
    expect(href.startsWith("#")).toBe(true);
    const target = page.locator(`[id="${decodeURIComponent(href.slice(1))}"]`);
    await expect(target).toHaveCount(1);
    await expect(target).toHaveText((await links.nth(i).textContent())!.trim());
  }
  const last = links.nth(n - 1);
  const href = (await last.getAttribute("href"))!;
  await last.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.locator(`[id="${decodeURIComponent(href.slice(1))}"]`)).toBeInViewport();
});
