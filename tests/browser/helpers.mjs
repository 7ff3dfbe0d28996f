// Shared by the browser tests: the dev server on a free port, and Debian's Chromium driven by
// playwright-core (no browser download).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDevServer } from "../../server/dev-server.mjs";

const testsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, as root, with no calls home. */
export function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/setup.sh --test\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/**
 * `promise`, or a failure naming `what` if it has not settled within `ms`: a step that hangs
 * says which it was, instead of the whole test running out of time.
 */
export function within(ms, what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export async function openBrowser() {
  const browser = await launchChromium();
  const server = await startDevServer({ port: 0, mounts: [["/tests/", testsDir]] });
  return {
    browser,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A page that fails the test on any script error or failed request. */
export async function newPage(env, options) {
  const page = await env.browser.newPage(options);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.problems = problems;
  return page;
}
