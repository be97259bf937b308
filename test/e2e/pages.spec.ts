/**
 * Every built page loads cleanly, the guide can be read end to end through
 * its navigation, and search finds an article offline.
 *
 * - Each page (home, articles, 404, /playground/, /embed/*): status 200, one
 *   h1, no console error or uncaught exception, no failed request or error
 *   response, nothing requested from any host but the preview server, and
 *   every link to this site resolves to a built page (and `#id` to an id).
 *   The articles are checked as the reading-order walk reaches them, the
 *   other pages each on its own.
 * - The next links followed in the browser through the whole reading order,
 *   the previous links back, and every sidebar link.
 * - The search box finds a word that only one article has, and opens it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { builtPages, DIST, embedUrl, everyPage, readDist, sourceArticles, sourcePages } from "./site.ts";

let built: Set<string> | undefined;

/**
 * Records, with the address of the page they happened on, every console error, uncaught exception, failed
 * request or error response, and request to another host (which is aborted) of the page.
 */
async function watch(context: BrowserContext, page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  const note = (what: string) => problems.push(`${new URL(page.url()).pathname}: ${what}`);
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin) return route.continue();
    note(`request to another host: ${url}`);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") note(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => note(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Aborted: cancelled as the next page opened (or a foreign request, noted above); a missing file is a 404.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") note(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** The page has one h1, and its links to this site name built pages (or ids of the page). */
async function checkPage(page: Page, origin: string): Promise<void> {
  const here = new URL(page.url());
  await expect(page.locator("h1"), `${here.pathname}: one h1`).toHaveCount(1);
  await expect(page.locator("h1")).not.toBeEmpty();
  const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  const ids = new Set(await page.locator("[id]").evaluateAll((els) => els.map((e) => e.id)));
  const broken: string[] = [];
  for (const href of links) {
    const u = new URL(href);
    if (u.origin !== origin) continue; // outside links are plain links; nothing is fetched from them
    if (u.pathname === here.pathname && u.hash) {
      if (!ids.has(decodeURIComponent(u.hash.slice(1)))) broken.push(`${href} (no such id)`);
    } else if (!resolves(u.pathname)) broken.push(href);
  }
  expect(broken, `${here.pathname}: links to pages that were not built`).toEqual([]);
}

/** Does a link's path name a page or file of the build? */
function resolves(pathname: string): boolean {
  const p = decodeURIComponent(pathname);
  built ??= new Set(builtPages());
  if (built.has(p) || built.has(`${p}/`)) return true;
  const file = path.join(DIST, p);
  return existsSync(file) && !p.endsWith("/");
}

/** The articles: checked along the reading order. Every other page is checked on its own. */
const ARTICLES = new Set(sourceArticles());

test.describe("every page", () => {
  test("the build has exactly the pages of the sources", () => {
    expect([...everyPage()].sort()).toEqual(sourcePages());
  });

  for (const p of sourcePages().filter((p) => !ARTICLES.has(p))) {
    test(`${p} loads cleanly, with one h1 and links that resolve`, async ({ context, page, baseURL }) => {
      const origin = new URL(baseURL!).origin;
      const problems = await watch(context, page, origin);
      const url = p.startsWith("/embed/") ? embedUrl(p) : p;
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      await page.waitForLoadState(p.startsWith("/embed/") || p.startsWith("/playground") ? "networkidle" : "load");
      await checkPage(page, origin);
      expect(problems, url).toEqual([]);
    });
  }

  test("an unknown address gets the 404 page with status 404", async ({ page }) => {
    const response = await page.goto("/no-such-page/");
    expect(response?.status()).toBe(404);
    await expect(page.locator("h1")).toHaveText("Page not found");
  });
});

/** Clicks a link and checks the page it opens: status 200 and its address (once its DOM is there). */
async function follow(page: Page, link: ReturnType<Page["locator"]>): Promise<string> {
  const href = (await link.getAttribute("href"))!;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === href),
    link.click(),
  ]);
  expect(response.status(), href).toBe(200);
  await page.waitForURL((u) => u.pathname === href, { waitUntil: "domcontentloaded" });
  return href;
}

test.describe("reading order", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("next links lead through every article, each loading cleanly, and previous links back", async ({ context, page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const problems = await watch(context, page, origin);
    await page.goto("/");
    const first = await follow(page, page.getByRole("link", { name: /^Start reading:/ }));
    const order = await page.locator("#sidebar a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    expect(order[0]).toBe(first);
    expect(new Set(order)).toEqual(ARTICLES);

    const forward = [first];
    await expect(page.locator("a[rel=prev]")).toHaveCount(0);
    for (;;) {
      await page.waitForLoadState("load");
      await checkPage(page, origin);
      await expect(page.locator("#sidebar a[aria-current=page]")).toHaveAttribute("href", forward.at(-1)!);
      const next = page.locator("a[rel=next]");
      if ((await next.count()) === 0) break;
      forward.push(await follow(page, next));
      expect(forward.length, "the next links loop").toBeLessThanOrEqual(order.length);
    }
    expect(forward).toEqual(order);

    const back = [forward.at(-1)!];
    for (let prev = page.locator("a[rel=prev]"); (await prev.count()) > 0; prev = page.locator("a[rel=prev]")) {
      back.push(await follow(page, prev));
      expect(back.length, "the previous links loop").toBeLessThanOrEqual(order.length);
    }
    expect(back).toEqual([...order].reverse());
    expect(problems).toEqual([]);
  });

  test("every sidebar link opens its article, marked as the current one", async ({ context, page, baseURL }) => {
    const problems = await watch(context, page, new URL(baseURL!).origin);
    await page.goto("/");
    await follow(page, page.getByRole("link", { name: /^Start reading:/ }));
    const hrefs = await page.locator("#sidebar a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    expect(new Set(hrefs)).toEqual(ARTICLES);
    for (const href of hrefs) {
      const link = page.locator(`#sidebar a[href="${href}"]`);
      const title = (await link.innerText()).trim();
      await follow(page, link);
      await expect(page.locator("#sidebar a[aria-current=page]")).toHaveAttribute("href", href);
      // The sidebar may shorten the title ("Table 0: Classifier" for "Classifier"), not change it.
      const h1 = (await page.locator("h1").innerText()).trim();
      expect(title.endsWith(h1) || h1.endsWith(title) || title.includes(h1), `${href}: "${title}" vs h1 "${h1}"`).toBe(true);
    }
    expect(problems).toEqual([]);
  });
});

/** Text Pagefind indexes on a page (its data-pagefind-body), lower-cased. */
function indexedText(p: string): string {
  const html = readDist(p).toString("utf8");
  const start = html.search(/<[a-z]+[^>]*\bdata-pagefind-body\b/);
  if (start < 0) return "";
  return html
    .slice(start)
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&[a-z#0-9]+;/gi, " ")
    .toLowerCase();
}

/**
 * A word that one article has and no other indexed page has, even as a
 * different form (no other page has its first seven letters): the search's
 * one right answer.
 */
function wordOfOneArticle(): { word: string; page: string } {
  const texts = new Map(builtPages().map((p) => [p, indexedText(p)] as const).filter(([, t]) => t !== ""));
  const pagesWith = (needle: string) => [...texts].filter(([, t]) => t.includes(needle)).map(([p]) => p);
  const candidates = new Map<string, string>();
  for (const [p, t] of texts) for (const m of t.matchAll(/\b[a-z]{10,}\b/g)) if (!candidates.has(m[0])) candidates.set(m[0], p);
  for (const word of [...candidates.keys()].sort()) {
    const pages = pagesWith(word.slice(0, 7));
    if (pages.length === 1 && ARTICLES.has(pages[0]!)) return { word, page: pages[0]! };
  }
  throw new Error("no word is found in exactly one article");
}

test("search finds a word only one article has, offline, and opens that article", async ({ context, page, baseURL }) => {
  const problems = await watch(context, page, new URL(baseURL!).origin);
  const { word, page: article } = wordOfOneArticle();
  await page.goto("/");
  const box = page.getByRole("searchbox", { name: "Search the guide" });
  await box.fill(word);
  const results = page.locator("#search-results a");
  await expect(results.first(), `results for "${word}"`).toBeVisible();
  await expect(results).toHaveCount(1);
  await expect(results.first()).toHaveAttribute("href", article);
  await expect(page.locator("#search-status")).toContainText("1 result");
  await follow(page, results.first());
  await expect(page.locator("article")).toContainText(new RegExp(word, "i"));
  expect(problems).toEqual([]);
});
