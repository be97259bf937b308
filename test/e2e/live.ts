/** Helpers for the live layer's browser tests. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";

export const SEED = readFileSync(path.resolve(import.meta.dirname, "../../content/seed.yaml"), "utf8");

/** The seed with backendpolicy's only ingress rule deleted. */
export const NO_BACKEND_INGRESS = SEED.replace(
  /(name: backendpolicy[\s\S]*?)  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          role: frontend\n    ports:\n    - protocol: TCP\n      port: 80\n/,
  "$1",
);

/** A new Pod on worker2. */
export const NEW_POD = `---
apiVersion: v1
kind: Pod
metadata:
  name: newpod
  labels:
    role: db
spec:
  containers:
  - image: nginx
    name: web
  nodeName: worker2
`;

/** Number of recomputes the page's live runtime has finished. */
export async function updates(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __ovsLabLive?: { updates: unknown[] } }).__ovsLabLive?.updates.length ?? 0);
}

/** Waits until the runtime has finished more than `after` recomputes and has nothing in flight. */
export async function settled(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const rt = (window as unknown as { __ovsLabLive?: { updates: unknown[]; settled: boolean } }).__ovsLabLive;
      return !!rt && rt.updates.length > n && rt.settled;
    },
    after,
    { timeout: 20_000 },
  );
}

/** Opens a page and makes it live with its first "Live" button. */
export async function goLive(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator("figure[data-live] .live-toggle").first().click();
  await settled(page, 0);
}

/** Runs an action and waits for the recompute it causes. */
export async function andSettle(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await updates(page);
  await action();
  await settled(page, before);
}

export function flowsFigure(page: Page, node: string, table: number): Locator {
  return page.locator(`figure[data-live=flows][data-live-args*='"node":"${node}"'][data-live-args*='"table":"${table}"']`).first();
}

export function traceFigure(page: Page, from: string, to: string): Locator {
  return page.locator(`figure[data-live=trace][data-live-args*='"from":"${from}"'][data-live-args*='"to":"${to}"']`).first();
}

/** Opens the dock's scenario editor. */
export async function openScenarioEditor(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Edit the scenario" }).click();
  const content = page.locator(".live-scenario-host .cm-content");
  await expect(content).toBeVisible();
  return content;
}

/** Replaces the editor's whole text as a reader would (select all, paste), and waits for the recompute. */
export async function replaceScenario(page: Page, text: string): Promise<void> {
  const content = page.locator(".live-scenario-host .cm-content");
  await andSettle(page, async () => {
    await content.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(text);
  });
}

export async function liveState(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __ovsLabLive: { store: { state: unknown } } }).__ovsLabLive.store.state);
}
