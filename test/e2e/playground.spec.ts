/**
 * /playground: its four panels; live on the live layer (its scenario editor,
 * topology and trace), with the terminal on the same store.
 */
import { expect, test, type Page } from "@playwright/test";
import { engineRun, shown } from "./terminal-engine.ts";

async function live(page: Page): Promise<void> {
  await page.goto("/playground/");
  await expect(page.locator(".playground-grid")).toHaveAttribute("data-live", "on", { timeout: 20_000 });
}

test("the playground loads with its four panels", async ({ page }) => {
  await page.goto("/playground/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Playground");
  for (const name of ["Scenario", "Topology", "Terminal", "Trace"]) {
    await expect(page.getByRole("region", { name }), name).toBeVisible();
  }
  await expect(page.locator(".pg-topology svg")).toContainText("antrea-tun0");
  await expect(page.locator(".pg-trace .lab-trace-verdict").first()).toContainText(/^(Delivered|Dropped)/);
  await expect(page.locator(".pg-terminal input")).toBeVisible();
  // Live: the scenario in the live layer's editor, the trace with its pickers.
  await expect(page.locator(".playground-grid")).toHaveAttribute("data-live", "on", { timeout: 20_000 });
  await expect(page.getByRole("textbox", { name: "Scenario YAML" })).toContainText("kind: Cluster");
  await expect(page.locator(".pg-trace .live-trace-picker select").first()).toBeVisible();
});

test("the playground's panels sit side by side on a wide screen and stack on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto("/playground/");
  const a = await page.getByRole("region", { name: "Scenario" }).boundingBox();
  const b = await page.getByRole("region", { name: "Topology" }).boundingBox();
  expect(Math.abs(a!.y - b!.y)).toBeLessThan(5);
  expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
  await page.setViewportSize({ width: 375, height: 800 });
  const c = await page.getByRole("region", { name: "Scenario" }).boundingBox();
  const d = await page.getByRole("region", { name: "Topology" }).boundingBox();
  expect(d!.y).toBeGreaterThan(c!.y + c!.height - 1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});

test("the playground's terminal and trace run in the browser, and an edited scenario reaches them", async ({ page }) => {
  await live(page);
  const term = page.locator(".pg-terminal [data-terminal]");
  const input = term.getByRole("textbox");
  await input.click();
  await expect(term).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  await input.fill("kubectl get pods -o wide");
  await input.press("Enter");
  const [expected] = engineRun([{ node: "master", line: "kubectl get pods -o wide" }]);
  await expect(term.locator(".term-out").last()).toHaveText(shown(expected!.stdout));

  // Another walk, picked in the live trace.
  const picker = page.locator(".pg-trace .live-trace-picker select");
  await picker.nth(1).selectOption("backend1");
  await expect(page.locator(".pg-trace .lab-trace-verdict").first()).toContainText("backend1", { timeout: 20_000 });

  // A Pod added in the scenario editor: the terminal sees it.
  const editor = page.getByRole("textbox", { name: "Scenario YAML" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText(
    "\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: webfront, labels: { app: webfront } }\n" +
      "spec:\n  nodeName: worker2\n  containers: [{ name: web, image: nginx }]\n",
  );
  await expect(page.locator(".pg-topology svg")).toContainText("webfront", { timeout: 20_000 });
  await input.fill("kubectl get pods");
  await input.press("Enter");
  await expect(term.locator(".term-out").last()).toContainText("webfront");
  // And Tab completes its name.
  await input.fill("kubectl exec -it webf");
  await input.press("Tab");
  await expect(input).toHaveValue("kubectl exec -it webfront ");

  // The scenario's "Copy embed code" carries the edited scenario (#lab=…): the embed shows it, and computes with it.
  const copy = page.locator(".pg-scenario").getByRole("button", { name: "Copy embed code" });
  await expect(copy).toHaveAttribute("data-embed-src", /^\/embed\/scenario#lab=/);
  await copy.click();
  const snippet = (await copy.getAttribute("data-snippet"))!;
  const src = /src="([^"]+)"/.exec(snippet)![1]!.replace(/&amp;/g, "&");
  await page.setContent(`<iframe src="${src}" title="lab" width="900" height="700"></iframe>`);
  const f = page.frameLocator("iframe");
  await expect(f.locator(".scenario-yaml")).toContainText("name: webfront", { timeout: 20_000 });
  await expect(f.locator(".embed-custom")).toBeVisible();
  const token = new URL(src).hash;
  await page.setContent(`<iframe src="${new URL(`/embed/terminal?cmd=kubectl%20get%20pods${token}`, src).href}" title="lab" width="900" height="700"></iframe>`);
  await expect(f.locator(".term-out")).toContainText("webfront", { timeout: 20_000 });
});
