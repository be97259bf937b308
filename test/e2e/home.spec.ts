import { expect, test } from "@playwright/test";

test("home page shows the title", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("OVS Pipeline Lab");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("OVS Pipeline Lab");
});
