import { defineConfig } from "@playwright/test";

// The browser tests run against the built site served by `astro preview` on its
// own port, so they don't clash with `script/server` on 4321.
const PORT = Number(process.env.E2E_PORT ?? 4322);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// `npm run build` is astro build + pagefind. script/test builds the site itself
// and sets E2E_SKIP_BUILD=1.
const build = process.env.E2E_SKIP_BUILD ? "" : "npm run build && ";

export default defineConfig({
  testDir: "test/e2e",
  testMatch: /.*\.spec\.ts/,
  timeout: 30_000,
  retries: 0,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: BASE_URL,
    headless: true,
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  webServer: process.env.E2E_NO_SERVER
    ? undefined
    : {
        command: `${build}npx astro preview --host 127.0.0.1 --port ${PORT}`,
        url: BASE_URL,
        reuseExistingServer: false,
        timeout: 120_000,
      },
});
