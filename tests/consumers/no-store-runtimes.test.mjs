// No cache can freeze a wait, in Bun, Deno and Cloudflare's workerd, as in Chromium
// (tests/browser/no-store.test.mjs) and Node (tests/node/no-cache-runtime.test.mjs). Each runtime
// runs the packed package's KlingClient (no-store/main.js, no-store/worker.js) against a server
// whose every answer says it may be kept for an hour, and whose task succeeds only from its
// DONE_AT-th poll: every poll must reach the server, or the wait never sees the task end.
// In workerd, the proxy too, on both sides of the flag that lets fetch take a `cache` field
// (`cache_option_enabled`, the default from the compatibility date 2024-11-11; before it, or with
// `cache_option_disabled`, `new Request(url, { cache })` throws): where the field is refused, the
// client and the proxy send without it, and still wait well.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bundleWorker, pack, startWorkerd, unpack, WORKERD } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const run = promisify(execFile);
const runtimes = join(here, "runtimes/node_modules");
const BUN = join(runtimes, "@oven/bun-linux-x64/bin/bun");
const DENO = join(here, "deno/node_modules/@deno/linux-x64-glibc/deno");

/** The poll whose answer is the first to say the task succeeded. */
const DONE_AT = 4;
/** The status of each poll of the first wait: what the server answers, in the package's words. */
const POLLS = ["running", "running", "running", "succeeded"];
const VIDEO = "https://v.example/a.mp4";
const CACHEABLE = { "Cache-Control": "public, max-age=3600", ETag: '"same"', "Last-Modified": new Date(0).toUTCString() };
/** The request headers by which a runtime says how it treats caches. */
const CACHE_HEADERS = ["cache-control", "pragma", "if-none-match", "if-modified-since"];
const WORKER_KEY = "aio_worker_no_store";

let scratch;
/** A project with the packed package in node_modules, and the programs of no-store/. */
let app;
let api;

/**
 * The API at `/{run}/api/v1`, each run a name of its own: a create makes a new task, whose
 * polls answer IN_PROGRESS until the DONE_AT-th, then COMPLETED, all cacheable for an hour. Keeps,
 * per run, every request's method, cache headers, user agent and key.
 */
async function startApi() {
  const runs = new Map();
  const polls = new Map();
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const m = /^\/([\w-]+)\/api\/v1\/(?:(videos\/generations)|tasks\/(t_\d+))$/.exec(new URL(req.url, "http://x").pathname);
    if (!m) {
      res.writeHead(404);
      return res.end();
    }
    const [, name, create, taskId] = m;
    if (!runs.has(name)) runs.set(name, []);
    const cache = Object.fromEntries(CACHE_HEADERS.filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]]));
    runs.get(name).push({ method: req.method, cache, userAgent: req.headers["user-agent"], authorization: req.headers.authorization });
    const json = (data) => {
      res.writeHead(200, { "Content-Type": "application/json", ...CACHEABLE });
      res.end(JSON.stringify({ code: 200, message: "success", data }));
    };
    if (req.method === "POST" && create) {
      const id = `t_${polls.size + 1}`;
      polls.set(id, 0);
      return json({ task_id: id, status: "PENDING" });
    }
    if (req.method === "GET" && polls.has(taskId)) {
      const n = polls.get(taskId) + 1;
      polls.set(taskId, n);
      return json(n >= DONE_AT ? { task_id: taskId, status: "COMPLETED", output: { video_url: VIDEO } } : { task_id: taskId, status: "IN_PROGRESS" });
    }
    res.writeHead(405);
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    host: new URL(url).host,
    base: (name) => `${url}/${name}/api/v1`,
    requests: (name) => runs.get(name) ?? [],
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

before(async () => {
  for (const binary of [BUN, DENO, WORKERD]) assert.ok(existsSync(binary), `${binary} is missing: run \`bash scripts/setup.sh --test\``);
  assert.ok(existsSync(join(root, "pkg/node.js")), "pkg/ is missing: run `node scripts/build.mjs`");
  scratch = mkdtempSync(join(tmpdir(), "kling3-no-store-"));
  app = join(scratch, "app");
  cpSync(join(here, "no-store"), app, { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "kling3-no-store-app", private: true, type: "module", dependencies: { "kling3-wasm": "0.1.0" } }));
  // The package as npm would install it (and one that a build of pkg/ meanwhile cannot change).
  const { tarball } = await pack(scratch);
  await unpack(tarball, join(app, "node_modules/kling3-wasm"));
  api = await startApi();
});
after(async () => {
  await api?.close();
  if (scratch) rmSync(scratch, { force: true, recursive: true });
});

/** Runs a program in the project with a bare environment; resolves to the JSON it printed. */
async function runIn(command, args, env = {}) {
  const { stdout } = await run(command, args, {
    cwd: app, timeout: 30_000,
    env: { PATH: process.env.PATH, HOME: scratch, NO_COLOR: "1", ...env },
  }).catch((e) => {
    throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr || e.message}`);
  });
  return JSON.parse(stdout);
}

/** What the server was sent in a run, as `3× GET pragma: no-cache` groups. */
function sent(requests) {
  const groups = new Map();
  for (const { method, cache } of requests) {
    const headers = Object.entries(cache).map(([k, v]) => `${k}: ${v}`).join(", ") || "no cache header";
    const key = `${method} ${headers}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const agents = [...new Set(requests.map((r) => r.userAgent ?? "no user-agent"))].join(", ");
  return `${[...groups].map(([key, n]) => `${n}× ${key}`).join("; ")} (${agents})`;
}

/** A wait that saw the task succeed, each of whose polls reached the server. */
function checkWait(result, requests) {
  const count = (method) => requests.filter((r) => r.method === method).length;
  const story = `${JSON.stringify(result)}; the server saw ${sent(requests)}`;
  assert.equal(result.error, undefined, story);
  assert.deepEqual([result.status, result.videoUrl], ["succeeded", VIDEO], story);
  assert.deepEqual(result.polls, POLLS, story);
  assert.equal(result.again, "succeeded", story);
  assert.equal(count("POST"), 1, `one create; ${story}`);
  // The first wait's DONE_AT polls and the second wait's one: none answered by a cache.
  assert.equal(count("GET"), DONE_AT + 1, `every poll reached the server; ${story}`);
  assert.equal(requests.filter((r) => r.cache["if-none-match"] || r.cache["if-modified-since"]).length, 0, `none revalidated a kept answer; ${story}`);
}

test("Bun: a wait against answers a cache may keep for an hour sends every poll to the server and sees the task succeed", async (t) => {
  const result = await runIn(BUN, ["main.js", api.base("bun")]);
  assert.match(result.runtime, /^bun \d/);
  assert.match(result.entry, /\/node_modules\/kling3-wasm\/pkg\/node\.js$/);
  assert.equal(result.takesCacheField, true);
  checkWait(result, api.requests("bun"));
  t.diagnostic(`${result.runtime} sent ${sent(api.requests("bun"))}`);
});

test("Deno: a wait against answers a cache may keep for an hour sends every poll to the server and sees the task succeed", async (t) => {
  const denoDir = mkdtempSync(join(scratch, "deno-dir-"));
  const result = await runIn(DENO, ["run", `--allow-net=${api.host}`, "--no-prompt", "main.js", api.base("deno")], { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" });
  assert.match(result.runtime, /^deno 2\./);
  assert.match(result.entry, /\/node_modules\/kling3-wasm\/pkg\/node\.js$/);
  assert.equal(result.takesCacheField, true);
  checkWait(result, api.requests("deno"));
  t.diagnostic(`${result.runtime} sent ${sent(api.requests("deno"))}`);
});

/** The worker, bundled once for every row. */
let bundled;
function workerDist() {
  const dist = join(scratch, "worker");
  bundled ??= bundleWorker(join(app, "worker.js"), join(app, "node_modules/kling3-wasm/pkg/web/kling3_wasm_bg.wasm"), dist);
  return bundled.then(() => dist);
}

const WORKERD_VERSION = existsSync(WORKERD) ? (await run(WORKERD, ["--version"])).stdout.trim() : "workerd (missing)";
// The flag that decides is `cache_option_enabled` (default from 2024-11-11): it lets fetch take
// `cache: "no-store"`, which workerd sends as `Pragma: no-cache` and `Cache-Control: no-cache`.
// `cache_no_cache_enabled` (default from 2025-08-07) only adds the mode "no-cache", which the
// package does not use.
const WORKERD_ROWS = [
  { date: "2024-11-10", flags: [], takesCacheField: false, why: "the day before fetch takes a cache field" },
  { date: "2024-11-10", flags: ["cache_option_enabled"], takesCacheField: true, why: "the flag alone lets it take one" },
  { date: "2024-11-11", flags: [], takesCacheField: true, why: "the first day it takes one by default" },
  { date: "2026-11-01", flags: ["cache_option_disabled"], takesCacheField: false, why: "a recent date, the field turned off" },
];

for (const [i, row] of WORKERD_ROWS.entries()) {
  const setting = `compatibility date ${row.date}${row.flags.map((f) => ` + ${f}`).join("")}`;
  test(`workerd, ${setting} (${row.why}): the client in a worker, and Node's through the proxy in one, see every poll reach the server`, async (t) => {
    const inWorker = `workerd-${i}-client`;
    const viaProxy = `workerd-${i}-proxy`;
    const worker = await startWorkerd(await workerDist(), { name: `row-${i}`, date: row.date, flags: row.flags, bindings: { KLING_API_KEY: WORKER_KEY, UPSTREAM: api.base(viaProxy) } });
    try {
      // Where the field is taken, the client asks for no-store and workerd says so upstream;
      // where refused, the client (and the proxy) send without it, so no such header goes.
      const noStoreHeaders = (requests) => requests.every((r) => r.cache.pragma === "no-cache" && r.cache["cache-control"] === "no-cache");
      const noCacheHeader = (requests) => requests.every((r) => Object.keys(r.cache).length === 0);
      const fromWorker = (requests) => (row.takesCacheField ? noStoreHeaders(requests) : noCacheHeader(requests));

      const answer = await fetch(`${worker.url}/wait?api=${encodeURIComponent(api.base(inWorker))}`);
      const result = await answer.json().catch(() => ({ error: `HTTP ${answer.status}: ${worker.log()}` }));
      assert.equal(result.takesCacheField, row.takesCacheField, JSON.stringify(result));
      checkWait(result, api.requests(inWorker));
      assert.ok(fromWorker(api.requests(inWorker)), `the client's requests: ${sent(api.requests(inWorker))}`);
      t.diagnostic(`${WORKERD_VERSION}, ${setting}: the client in the worker sent ${sent(api.requests(inWorker))}`);

      const proxied = await runIn(process.execPath, ["main.js", `${worker.url}/api/v1`]);
      checkWait(proxied, api.requests(viaProxy));
      assert.ok(api.requests(viaProxy).every((r) => r.authorization === `Bearer ${WORKER_KEY}`), "each request went through the proxy, which added its key");
      assert.ok(fromWorker(api.requests(viaProxy)), `the proxy's requests: ${sent(api.requests(viaProxy))}`);
      t.diagnostic(`${WORKERD_VERSION}, ${setting}: the proxy, for ${proxied.runtime}, sent ${sent(api.requests(viaProxy))}`);
    } finally {
      await worker.stop();
    }
  });
}
