/** /playground: its four panels, a terminal and a trace computed in the browser, and a scenario to change. */
import { expect, test } from "@playwright/test";
import { engineRun, shown } from "./terminal-engine.ts";

test("the playground loads with its four panels", async ({ page }) => {
  await page.goto("/playground/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Playground");
  for (const name of ["Scenario", "Topology", "Terminal", "Trace"]) {
    const panel = page.getByRole("region", { name });
    await expect(panel, name).toBeVisible();
  }
  await expect(page.getByRole("textbox", { name: "Scenario YAML" })).toHaveValue(/kind: Cluster/);
  await expect(page.locator(".pg-topology svg")).toContainText("antrea-tun0");
  await expect(page.locator(".pg-trace .lab-trace-verdict").first()).toContainText(/^(Delivered|Dropped)/);
  await expect(page.locator(".pg-terminal input")).toBeVisible();
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
  await page.goto("/playground/");
  const term = page.locator(".pg-terminal [data-terminal]");
  const input = term.getByRole("textbox");
  await input.click();
  await expect(term).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  await input.fill("kubectl get pods -o wide");
  await input.press("Enter");
  const [expected] = engineRun([{ node: "master", line: "kubectl get pods -o wide" }]);
  await expect(term.locator(".term-out").last()).toHaveText(shown(expected!.stdout));

  // Trace another walk.
  const form = page.locator(".pg-trace-form");
  await form.getByLabel("From", { exact: true }).fill("backend2");
  await form.getByLabel("To", { exact: true }).fill("frontend");
  await form.getByRole("button", { name: "Trace" }).click();
  await expect(page.locator("[data-pg-trace] .embed-live")).toContainText("--from backend2 --to frontend:80");

  // A broken scenario is reported; the engine keeps the last good one.
  const yaml = page.getByRole("textbox", { name: "Scenario YAML" });
  const seed = await yaml.inputValue();
  await yaml.fill(seed.replace("kind: Cluster", "kind: Clusterr"));
  await page.getByRole("button", { name: "Apply to the terminal and trace" }).click();
  await expect(page.locator(".pg-status")).toContainText("does not load");

  // A Pod added to the scenario: the terminal sees it.
  const extra = "\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: webfront, labels: { app: webfront } }\n" +
    "spec:\n  nodeName: worker2\n  containers: [{ name: web, image: nginx }]\n";
  await yaml.fill(seed.replace(/\n*$/, "\n") + extra);
  await page.getByRole("button", { name: "Apply to the terminal and trace" }).click();
  await expect(page.locator(".pg-status")).toContainText("Scenario applied", { timeout: 20_000 });
  await input.fill("kubectl get pods");
  await input.press("Enter");
  await expect(term.locator(".term-out").last()).toContainText("webfront");
});
