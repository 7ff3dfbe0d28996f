// Every place the README says the package works, proven: Node ESM and CommonJS, Bun, a page
// with no bundler, and the proxy in Cloudflare's workerd (the bundlers: bundlers.test.mjs). Each consumer depends on the package by path and runs the same scenario
// (scenario.js) against the sandbox.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ApiError, KlingClient } from "kling3-wasm";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";
import { bundleWorker, checkScenario, startWorkerd, WORKERD } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const run = promisify(execFile);
const runtimes = join(here, "runtimes/node_modules");
const BUN = join(runtimes, "@oven/bun-linux-x64/bin/bun");

let server;
let api;
before(async () => {
  server = await startDevServer({ port: 0, mounts: [["/consumers/", here]], sandbox: { timeScale: 0.002 } });
  api = `${server.url}/api/v1`;
  // Each consumer depends on the package by path.
  for (const dir of ["node-esm", "node-cjs", "bun", "workerd"]) {
    const modules = join(here, dir, "node_modules");
    mkdirSync(modules, { recursive: true });
    rmSync(join(modules, "kling3-wasm"), { force: true, recursive: true });
    symlinkSync(root, join(modules, "kling3-wasm"), "dir");
  }
});
after(() => server?.close());


async function inChromium(path) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20_000 }).catch((e) => {
      throw new Error(`${e.message}; page errors: ${errors.join(" | ")}`);
    });
    assert.deepEqual(errors, []);
    return await page.evaluate(() => window.__result);
  } finally {
    await browser.close();
  }
}

test("Node 20 ES module: import by name", async () => {
  const { stdout } = await run(process.execPath, ["index.mjs"], { cwd: join(here, "node-esm"), env: { ...process.env, KLING_BASE_URL: api } });
  checkScenario(JSON.parse(stdout));
});

test("Node CommonJS: require by name", async () => {
  const { stdout } = await run(process.execPath, ["index.cjs"], { cwd: join(here, "node-cjs"), env: { ...process.env, KLING_BASE_URL: api } });
  checkScenario(JSON.parse(stdout));
});

function needs(binary) {
  assert.ok(existsSync(binary), `${binary} is missing: run \`bash scripts/setup.sh --test\``);
}

test("Bun: import by name", async () => {
  needs(BUN);
  const { stdout } = await run(BUN, ["index.mjs"], { cwd: join(here, "bun"), env: { ...process.env, KLING_BASE_URL: api } });
  const result = JSON.parse(stdout);
  assert.match(result.runtime, /^bun \d/);
  checkScenario(result);
});

test("a page with no bundler: the web build through an import map", async () => {
  checkScenario(await inChromium("/consumers/no-bundler/index.html"));
});


test("Cloudflare workerd: the proxy in a worker forwards to the API and refuses a task over its cap", async () => {
  needs(WORKERD);
  const dist = mkdtempSync(join(tmpdir(), "kling3-workerd-"));
  await bundleWorker(join(here, "workerd/worker.js"), join(root, "pkg/web/kling3_wasm_bg.wasm"), dist);
  const worker = await startWorkerd(dist, { date: "2026-11-01", bindings: { KLING_API_KEY: "aio_worker_secret", UPSTREAM: api } });
  after(() => rmSync(dist, { recursive: true, force: true }));
  try {
    const base = `${worker.url}/api/v1`;
    const client = new KlingClient({ baseUrl: base });
    const task = await client.generate({ prompt: "through a worker", duration: 3 }, { pollIntervalMs: 50 });
    assert.equal(task.status, "succeeded", worker.log());
    assert.equal(server.sandbox.tasks.get(task.taskId).key, "aio_worker_secret", "the worker added its key");
    assert.ok(!JSON.stringify(task.raw).includes("aio_worker_secret"));
    const refused = await client.createTask({ prompt: "too dear", mode: "pro", duration: 10 }).catch((e) => e);
    assert.ok(refused instanceof ApiError, String(refused));
    assert.deepEqual([refused.status, refused.type], [403, "credit_cap"]);
  } finally {
    await worker.stop();
  }
});
