// Playwright drives Debian's Chromium (no browser download) against `npm start`'s server, with
// the sandbox running tasks at 1% of real time.
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 8391);

export default defineConfig({
  testDir: "tests/e2e",
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  webServer: {
    command: "node server/dev-server.mjs",
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    env: { PORT: String(PORT), KLING_SANDBOX_TIME_SCALE: "0.01", KLING_API_KEY: "" },
  },
});
