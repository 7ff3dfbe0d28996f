// A Next.js 16 App Router app (tests/consumers/nextjs/) that uses the package as a new user
// would, installed from its packed tarball: `next build` with Turbopack and with webpack, then
// `next start` and Chromium through every path (a prerendered and a request-time server
// component, a client component that prices as the user types and runs generate() through the
// proxy in the Node.js and the edge runtime, under a basePath; a route for signed-in users
// with callbacks), and `next dev`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KlingClient } from "kling3-wasm";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";
import { freePort, pack, unpack, WASM_BASE64_START } from "./support.mjs";
import { weighNextPage } from "../support/next-page.mjs";
import { nextAppEnv } from "../support/next-app.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, "nextjs");
const next = join(app, "node_modules/next/dist/bin/next");
const run = promisify(execFile);
const KEY = "aio_next_secret";
/** The page-bundle ceiling (bench/size-budget.json). */
const ceiling = JSON.parse(readFileSync(join(here, "../../bench/size-budget.json"), "utf8")).webTotalGzip;

let sandbox;
let scratch;
before(async () => {
  assert.ok(existsSync(next), "Next.js is missing: run `bash scripts/setup.sh --test`");
  sandbox = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  // The package as npm installs it: the packed tarball, unpacked into the app's node_modules.
  scratch = mkdtempSync(join(tmpdir(), "kling3-next-"));
  await unpack((await pack(scratch)).tarball, join(app, "node_modules/kling3-wasm"));
});
after(async () => {
  await sandbox?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const env = (distDir, port) => nextAppEnv({ distDir, apiKey: KEY, upstream: `${sandbox.url}/api/v1`, port });

/**
 * `next start` or `next dev` on a free port: once it answers, runs `body` with its URL, and
 * stops it. A failure carries what Next.js printed.
 */
async function withNext(command, distDir, flags, body) {
  const port = await freePort();
  const child = spawn(process.execPath, [next, command, ...flags, "-p", String(port), "-H", "127.0.0.1"], { cwd: app, env: env(distDir, port), stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (c) => (log += c));
  child.stderr.on("data", (c) => (log += c));
  const url = `http://127.0.0.1:${port}/studio`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`next ${command} exited`);
      if (await fetch(url).then((r) => r.ok, () => false)) break;
      if (i > 600) throw new Error(`next ${command} did not answer`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await body(url);
  } catch (e) {
    e.message += `\nnext ${command} said: ${log}`;
    throw e;
  } finally {
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  }
}

/** Types into the client component and runs a task through one proxy route. */
async function throughThePage(base, t) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(base);
    // The server-rendered price is there before any script runs; then the client takes over.
    assert.equal(await page.textContent("#static-price"), "180");
    // Typing before React hydrates is lost when it does: wait for the client to take over.
    await page.waitForSelector("form[data-hydrated]");
    await page.fill("#prompt", "");
    await page.waitForFunction(() => document.querySelector("#price").textContent === "prompt");
    assert.equal(await page.isDisabled("#send"), true);
    await page.fill("#prompt", "A dog in a Next.js app");
    await page.fill("#duration", "5");
    await page.waitForFunction(() => document.querySelector("#price").textContent === "300");

    for (const runtime of ["nodejs", "edge"]) {
      await page.goto(runtime === "edge" ? `${base}?runtime=edge` : base);
      await page.waitForSelector("form[data-hydrated]");
      await page.fill("#prompt", `A dog through the ${runtime} route`);
      await page.click("#send");
      await page.waitForFunction(() => document.querySelector("#outcome").textContent !== "", null, { timeout: 20_000 });
      const outcome = await page.textContent("#outcome");
      assert.match(outcome, /^succeeded \S+ http:\/\/127\.0\.0\.1:\d+\/sandbox\/video\.mp4/, `${runtime}: ${outcome}`);
      const task = sandbox.sandbox.tasks.get(outcome.split(" ")[1]);
      assert.ok(task, `${runtime}: the sandbox made the task`);
      assert.equal(task.key, KEY, `${runtime}: the route added its key`);
      t.diagnostic(`${runtime} route: ${outcome}`);
    }

    // The proxy's own rules hold inside Next.js: a task over maxCreditsPerTask is refused.
    await page.goto(base);
    await page.waitForSelector("form[data-hydrated]");
    await page.fill("#duration", "10");
    await page.click("#send");
    await page.waitForFunction(() => document.querySelector("#outcome").textContent !== "", null, { timeout: 20_000 });
    assert.match(await page.textContent("#outcome"), /^ApiError 403 credit_cap: /);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

/**
 * The route for signed-in users: no session is a 401 and nothing is sent; a user's task is
 * theirs alone; the sandbox calls the route back, so a whole generate() costs the API the
 * create and one read, however often the client polls.
 */
async function signedRoute(base) {
  const counts = () => ({ ...sandbox.sandbox.counts });
  const as = (sid) => (url, init) => {
    const headers = new Headers(init?.headers);
    if (sid) headers.set("Cookie", `theme=dark; session=${sid}`);
    return fetch(url, { ...init, headers });
  };
  const client = (sid) => new KlingClient({ baseUrl: `${base}/api/signed`, fetch: as(sid) });
  const before = counts();
  await assert.rejects(client(null).createTask({ prompt: "a cat" }), (e) => e.status === 401 && e.type === "unauthorized");
  await assert.rejects(client("s_nobody").createTask({ prompt: "a cat" }), (e) => e.status === 401);
  assert.equal(counts().posts, before.posts, "nothing sent without a session");
  const task = await client("s_alice").generate({ prompt: "A dog for a signed-in user", duration: 5 });
  assert.equal(task.status, "succeeded");
  const after = counts();
  assert.deepEqual([after.posts - before.posts, after.gets - before.gets, after.callbacks - before.callbacks], [1, 1, 1], "the create, one read, one callback");
  await assert.rejects(client("s_bob").getTask(task.taskId), (e) => e.status === 404 && e.type === "task_not_found");
  assert.equal((await client("s_alice").getTask(task.taskId)).videoUrl, task.videoUrl);
  assert.equal(counts().gets, after.gets, "answered from the store");
}

/**
 * Under `fetchCache = "default-cache"`, Next.js keeps every fetch that names no cache mode: the
 * plain fetch's second render does not reach the sandbox. The client's reads ask for no-store,
 * so each render of the task page does, and shows the task's status as it is then.
 */
async function noFetchCacheHoldsAPoll(base) {
  const created = await new KlingClient({ apiKey: KEY, baseUrl: `${sandbox.url}/api/v1` }).createTask({ prompt: "A dog under a fetch cache", duration: 3 });
  const gets = () => sandbox.sandbox.counts.gets;
  const render = (path) => fetch(`${base}/${path}?taskId=${encodeURIComponent(created.taskId)}`).then((r) => r.text());

  await render("task-plain-fetch");
  const before = gets();
  await render("task-plain-fetch");
  assert.equal(gets(), before, "the control: Next.js answered the plain fetch from its cache");

  // The task runs until the test lets it finish, so what each render shows does not depend on
  // how fast the machine is.
  const task = sandbox.sandbox.tasks.get(created.taskId);
  const statusOf = async () => {
    const start = gets();
    const html = await render("task");
    assert.equal(gets(), start + 1, "the render of the task page reached the sandbox");
    return html.match(/<p id="task-status">(\w+)<\/p>/)?.[1];
  };
  task.durationMs = 3_600_000;
  for (let i = 0; i < 3; i++) assert.equal(await statusOf(), "running", `render ${i} while the task runs`);
  task.durationMs = 0;
  assert.equal(await statusOf(), "succeeded", "the render after the task finished");
}

for (const bundler of ["turbopack", "webpack"]) {
  test(`Next.js 16 with ${bundler}: next build, next start, and a browser through every path`, async (t) => {
    const distDir = `.next-${bundler}`;
    rmSync(join(app, distDir), { recursive: true, force: true });
    await run(process.execPath, [next, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], { cwd: app, env: env(distDir), maxBuffer: 1 << 24 });
    // Prerendered at build time: the price is in the static HTML.
    assert.match(readFileSync(join(app, distDir, "server/app/index.html"), "utf8"), /<p id="static-price">180<\/p>/);
    // The browser's chunks: the wasm as a file of its own, and no wasm as base64 in any script
    // (neither the page's nor the node entry's).
    const wasm = readFileSync(join(app, "node_modules/kling3-wasm/pkg/web/kling3_wasm_bg.wasm"));
    const statics = readdirSync(join(app, distDir, "static"), { recursive: true }).map(String);
    const wasmFiles = statics.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasmFiles.length, 1, `one .wasm among the browser's files: ${wasmFiles.join(", ")}`);
    assert.ok(readFileSync(join(app, distDir, "static", wasmFiles[0])).equals(wasm), "the emitted wasm is the package's");
    const carriers = statics.filter((f) => f.endsWith(".js") && readFileSync(join(app, distDir, "static", f), "latin1").includes(WASM_BASE64_START));
    assert.deepEqual(carriers, [], "browser chunks carrying the wasm as base64");
    // What the page loads of the package (its chunks and the wasm) stays within the ceiling.
    const weighed = weighNextPage(join(app, distDir));
    assert.ok(weighed.packageGzip <= ceiling, `the package's share of the page is ${weighed.packageGzip} B gzip, over ${ceiling} B`);
    t.diagnostic(`page ${weighed.pageGzip} B gzip, of which the package ${weighed.packageGzip} B`);
    await withNext("start", distDir, [], async (url) => {
      // Rendered at request time from the query: pro, 10 s, with sound is 80 credits a second.
      const priced = await fetch(`${url}/priced?duration=10&mode=pro`).then((r) => r.text());
      assert.match(priced, /<p id="ssr-price">800<\/p>/);
      assert.match(await fetch(`${url}/priced?duration=20`).then((r) => r.text()), /<p id="ssr-price">duration<\/p>/);
      await noFetchCacheHoldsAPoll(url);
      await signedRoute(url);
      await throughThePage(url, t);
    });
  });
}

for (const bundler of ["turbopack", "webpack"]) {
  test(`Next.js 16: next dev with ${bundler} serves the same app`, async (t) => {
    const distDir = `.next-dev-${bundler}`;
    rmSync(join(app, distDir), { recursive: true, force: true });
    await withNext("dev", distDir, bundler === "webpack" ? ["--webpack"] : [], async (url) => {
      assert.match(await fetch(`${url}/priced?duration=3`).then((r) => r.text()), /<p id="ssr-price">180<\/p>/);
      await throughThePage(url, t);
    });
  });
}
