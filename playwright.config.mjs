// Playwright drives Debian's Chromium (no browser download) against `npm start`'s server, with
// the sandbox running tasks at 1% of real time: tests/e2e/server.mjs starts one for each worker,
// on a port the OS picks, and makes it the tests' baseURL. Every test resets its sandbox first,
// so the tests run in any order, two at a time.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests/e2e",
  workers: 2,
  fullyParallel: true,
  timeout: 30_000,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
});
