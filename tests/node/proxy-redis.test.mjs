// The proxy's Redis store against a real redis-server, started here: the store's contract, and
// two proxy processes sharing one budget and one record of owners under concurrent creates.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { createProxyHandler, redisStore } from "kling3-wasm/proxy";
import { fakeUpstream } from "./servers.mjs";
import { storeContract } from "./store-contract.mjs";
import { create, read, sharedStoreContract } from "./shared-store.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const KEY = "aio_redis_secret";
const TASK = { prompt: "a cat" }; // 300 credits

/** A port nothing listens on just now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits for `pattern` in a child's standard output; rejects if it exits or `timeoutMs` passes first. */
function waitFor(child, pattern, what, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => done(new Error(`${what} did not start within ${timeoutMs} ms: ${out}`)), timeoutMs);
    const look = (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) done(null, match);
    };
    const exited = (code) => done(new Error(`${what} exited with ${code}: ${out}`));
    const done = (error, match) => {
      clearTimeout(timer);
      child.stdout.off("data", look);
      child.stderr.off("data", look);
      child.off("exit", exited);
      error ? reject(error) : resolve(match);
    };
    child.stdout.setEncoding("utf8").on("data", look);
    child.stderr.setEncoding("utf8").on("data", look);
    child.once("exit", exited);
  });
}

const stopChild = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve();
  child.once("exit", () => resolve());
  child.kill("SIGTERM");
});

/**
 * Debian's redis-server in a folder of its own, on a free port of 127.0.0.1, keeping nothing on
 * disk. A port taken between the look and the start is tried again with another.
 */
async function startRedis(fixedPort) {
  const version = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (version.error) throw new Error("redis-server is missing: run `bash scripts/setup.sh --test` (it installs Debian's redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "kling3-redis-"));
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? await freePort();
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await waitFor(child, /Ready to accept connections/, "redis-server");
      return { url: `redis://127.0.0.1:${port}`, port, version: version.stdout.trim(), stop: async () => { await stopChild(child); rmSync(dir, { recursive: true, force: true }); } };
    } catch (error) {
      await stopChild(child);
      if (attempt === 3 || fixedPort !== undefined) throw error;
    }
  }
}

/** One proxy process (tests/support/redis-proxy.mjs) on the Redis store; resolves once it listens. */
async function startProxy({ prefix, options, users, callbacks }) {
  const child = spawn(process.execPath, [join(root, "tests/support/redis-proxy.mjs")], {
    cwd: root,
    env: {
      ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: prefix, PROXY_OPTIONS: JSON.stringify({ apiKey: KEY, upstream: upstream.url, ...options }),
      PROXY_USERS: users ? JSON.stringify(users) : "", PROXY_CALLBACKS: callbacks ? JSON.stringify(callbacks) : "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  const [, url] = await waitFor(child, /listening (http:\/\/\S+)/, "the proxy process");
  const proxy = { url, output: () => output, stop: () => stopChild(child) };
  children.push(proxy);
  return proxy;
}

let redis;
let upstream;
const stores = [];
const children = [];
before(async () => {
  redis = await startRedis();
  upstream = await fakeUpstream();
});
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(children.map((c) => c.stop()));
  await upstream?.close();
  await redis?.stop();
});

/** Two proxy processes with the same store (the same Redis, the same prefix). */
async function twoProxies(settings) {
  const pair = await Promise.all([startProxy(settings), startProxy(settings)]);
  return pair.map((p) => p.url);
}

let contracts = 0;
storeContract("redisStore", () => {
  const store = redisStore({ url: redis.url, prefix: `contract${contracts++}:` });
  stores.push(store);
  return store;
});

sharedStoreContract("Redis", {
  upstream: () => upstream,
  start: async ({ tag, users, options }) => ({ urls: await twoProxies({ prefix: `${tag}:`, users, options }), log: () => redis.version }),
});

test("with callbacks, two processes sharing Redis take a task's callback once, and answer its polls from the store", { timeout: 60_000 }, async () => {
  const finished = new Set();
  let made = 0;
  const api = await fakeUpstream((req, res, body) => {
    const id = req.method === "POST" ? `cb${++made}` : req.url.split("/").pop();
    const done = finished.has(id);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ code: 200, message: "success", data: { task_id: id, status: done ? "COMPLETED" : "IN_PROGRESS", ...(done ? { output: { video_url: `https://cdn.example/${id}.mp4` } } : {}) } }));
    void body;
  });
  try {
    const users = { a: { id: "alice" } };
    const secret = "one secret for every instance, 32+ characters";
    // The API calls back to b; a makes the task and answers its polls.
    const b = await startProxy({ prefix: "callbacks:", users, options: { upstream: api.url }, callbacks: { publicUrl: "https://b.example/api/v1", secret } });
    const a = await startProxy({ prefix: "callbacks:", users, options: { upstream: api.url }, callbacks: { publicUrl: `${b.url}/api/v1`, secret } });
    const created = await create(a.url, "a");
    assert.equal(created.status, 200);
    const id = (await created.json()).data.task_id;
    const apiGets = () => api.seen.filter((r) => r.method === "GET").length;
    assert.equal((await (await read(b.url, "a", id)).json()).data.status, "IN_PROGRESS", "b knows the task a made");
    assert.equal(apiGets(), 0, "from the store");
    finished.add(id);
    const callbackUrl = JSON.parse(api.seen[0].body).callback_url;
    assert.ok(callbackUrl.startsWith(`${b.url}/api/v1/callbacks/`), callbackUrl);
    const body = JSON.stringify({ data: { task_id: id, status: "COMPLETED" } });
    const answers = await Promise.all([1, 2, 3].map(() => fetch(callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body })));
    // One reads the task; one that came while it did is asked to come again, and then finds the end.
    const statuses = answers.map((r) => r.status).sort();
    assert.ok(statuses.includes(200), statuses.join());
    for (const status of statuses) assert.ok(status === 200 || status === 503, statuses.join());
    assert.equal(apiGets(), 1, "three at once, one read");
    assert.equal((await fetch(callbackUrl, { method: "POST", body })).status, 200, "a repeat finds the end kept");
    // The same callback at a, with another body: the end is known everywhere.
    const atA = callbackUrl.replace(b.url, a.url);
    assert.equal((await fetch(atA, { method: "POST", body: "{}" })).status, 200);
    assert.equal(apiGets(), 1);
    const polled = await (await read(a.url, "a", id)).json();
    assert.deepEqual([polled.data.status, polled.data.output.video_url], ["COMPLETED", `https://cdn.example/${id}.mp4`]);
    assert.equal(apiGets(), 1);
    const dones = () => (a.output() + b.output()).split("\n").filter((line) => line === `done ${id} alice`).length;
    for (const deadline = Date.now() + 5_000; dones() === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(dones(), 1, "onTaskDone once over both processes");
  } finally {
    await api.close();
  }
});

test("redisStore keeps its keys under the prefix (default kling3:), and ownership expires in Redis too", async () => {
  const store = redisStore({ url: redis.url });
  stores.push(store);
  await store.setOwner("t-default", "alice", 10_000, Date.now());
  await store.reserve([{ key: "credits", amount: 300, limit: 1000, windowMs: 3_600_000 }], Date.now());
  const raw = createClient({ url: redis.url });
  await raw.connect();
  try {
    assert.deepEqual((await raw.keys("kling3:*")).sort(), ["kling3:entries", "kling3:owner:t-default", "kling3:window:credits"]);
    const ttl = await raw.pTTL("kling3:owner:t-default");
    assert.ok(ttl > 10_000 && ttl <= 70_000, `owner record expires in ${ttl} ms`);
    const windowTtl = await raw.pTTL("kling3:window:credits");
    assert.ok(windowTtl > 3_600_000 && windowTtl <= 3_660_000, `window expires in ${windowTtl} ms`);
  } finally {
    await (typeof raw.close === "function" ? raw.close() : raw.quit());
  }
});

test("a proxy whose Redis cannot be reached refuses creates and polls with a 503 store_unavailable, and forwards nothing", { timeout: 30_000 }, async (t) => {
  t.mock.method(console, "error", () => {});
  upstream.seen.length = 0;
  const store = redisStore({ url: `redis://127.0.0.1:${await freePort()}` });
  stores.push(store);
  const h = createProxyHandler({ apiKey: KEY, upstream: upstream.url, maxCreditsPerWindow: 3000, authorize: async () => ({ id: "alice" }), store });
  const responses = [
    await h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(TASK) })),
    await h(new Request("http://proxy.local/api/v1/tasks/t1")),
  ];
  for (const response of responses) {
    assert.equal(response.status, 503);
    assert.equal((await response.json()).error.type, "store_unavailable");
  }
  assert.equal(upstream.seen.length, 0);
});

test("a store whose Redis restarts refuses while it is down, then counts again, its scripts loaded anew", { timeout: 30_000 }, async () => {
  let own = await startRedis();
  const store = redisStore({ url: own.url });
  stores.push(store);
  const take = () => store.reserve([{ key: "credits", amount: 300, limit: 600, windowMs: 60_000 }], Date.now());
  try {
    assert.equal((await take()).ok, true);
    await own.stop();
    await assert.rejects(take(), "refused while Redis is down, not queued");
    own = await startRedis(own.port); // empty: nothing was saved
    let answer;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      answer = await take().catch(() => null);
      if (answer) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(answer?.ok, true, "reconnected");
    assert.equal((await take()).ok, true);
    assert.equal((await take()).ok, false, "600 counted on the new server");
  } finally {
    await store.close();
    await own.stop();
  }
});

test("without the redis package, redisStore's first operation fails with an error naming the package to install", async () => {
  // The shipped file and the one it imports, in a folder with no node_modules above it.
  const dir = mkdtempSync(join(tmpdir(), "kling3-no-redis-"));
  try {
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    for (const name of ["proxy-redis.js", "proxy-store.js"]) copyFileSync(fileURLToPath(new URL(name, import.meta.resolve("kling3-wasm/proxy"))), join(dir, name));
    const { redisStore: alone } = await import(join(dir, "proxy-redis.js"));
    const store = alone({ url: redis.url });
    await assert.rejects(store.reserve([{ key: "credits", amount: 1, limit: 1, windowMs: 1000 }], 0), /npm install redis/);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => redisStore({}), /redisStore: url must be a Redis URL/);
});
