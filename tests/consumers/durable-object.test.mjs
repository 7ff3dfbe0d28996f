// The proxy's Durable Object store in Cloudflare's workerd: the store's contract run through
// `durableObjectStore` in a worker, and two workers (two services of one workerd, each its own
// isolate) whose proxies share one `KlingProxyStore`: one budget and one record of owners under
// concurrent creates, forwarded to a local sink that counts what reaches it. All of it twice:
// with the object's key-value storage in memory (as `new_classes` gives it), and in SQLite
// files on disk (as `new_sqlite_classes` does, the only kind on the Workers Free plan); the
// class uses the storage API both have.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { estimateCost } from "kling3-wasm";
import { fakeUpstream } from "../node/servers.mjs";
import { storeContract } from "../node/store-contract.mjs";
import { bundleWorker, startWorkerd, WORKERD } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const KEY = "aio_durable_secret";
const TASK = { prompt: "a cat" }; // 300 credits
const DATE = "2026-11-01";

let dist;
let upstream;
/** The two kinds of Durable Object storage: whether the object is SQLite-backed (on disk). */
const KINDS = [["key-value", false], ["SQLite", true]];
const shared = {}; // by kind, one workerd for the contract's tests
const running = [];
before(async () => {
  assert.ok(existsSync(WORKERD), `${WORKERD} is missing: run \`bash scripts/setup.sh --test\``);
  // The worker depends on the package by path, as the other consumers do.
  const modules = join(here, "durable-object/node_modules");
  mkdirSync(modules, { recursive: true });
  rmSync(join(modules, "kling3-wasm"), { force: true, recursive: true });
  symlinkSync(root, join(modules, "kling3-wasm"), "dir");
  dist = mkdtempSync(join(tmpdir(), "kling3-durable-"));
  await bundleWorker(join(here, "durable-object/worker.js"), join(root, "pkg/web/kling3_wasm_bg.wasm"), dist);
  upstream = await fakeUpstream();
  for (const [kind, sqlite] of KINDS) shared[kind] = await twoWorkers({ name: `contract-${kind}`, sqlite });
});
after(async () => {
  await Promise.all(running.map((w) => w.stop()));
  await upstream?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/**
 * One workerd running two proxy workers, `a` and `b`, built from the package's workerd entry:
 * `a` hosts the class `KlingProxyStore` (in memory, or SQLite-backed on disk), and both bind
 * its namespace as KLING_STORE.
 */
async function twoWorkers({ name, sqlite, options = {}, users }) {
  const bindings = { KLING_API_KEY: KEY, UPSTREAM: upstream.url, PROXY_OPTIONS: JSON.stringify(options), ...(users ? { PROXY_USERS: JSON.stringify(users) } : {}) };
  const durableObjects = { KLING_STORE: { className: "KlingProxyStore", service: "a" } };
  // A folder of its own for each start, so that each starts with an empty store.
  const disk = sqlite ? join(dist, `disk-${name}`) : undefined;
  if (disk) mkdirSync(disk);
  const workerd = await startWorkerd(dist, {
    name,
    date: DATE,
    workers: [{ name: "a", bindings, durableObjects, classes: ["KlingProxyStore"], disk, sqlite }, { name: "b", bindings, durableObjects }],
  });
  running.push(workerd);
  return workerd;
}

/** A store whose operations run in worker `b` through `durableObjectStore(env.KLING_STORE, { name })`. */
function remoteStore(kind, name) {
  const call = async (op, args) => {
    const response = await fetch(`${shared[kind].urls.b}/store-rpc`, { method: "POST", body: JSON.stringify({ name, op, args }) });
    const body = await response.json();
    if (response.status !== 200) throw new Error(body.error);
    return body.value;
  };
  return Object.fromEntries(["reserve", "refund", "setOwner", "owner", "put", "get", "claim", "size"].map((op) => [op, (...args) => call(op, args)]));
}

const create = (url, token, body = TASK) => fetch(`${url}/api/v1/videos/generations`, {
  method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
});
const read = (url, token, taskId) => fetch(`${url}/api/v1/tasks/${taskId}`, { headers: { Authorization: `Bearer ${token}` } });
const posts = () => upstream.seen.filter((r) => r.method === "POST");
const gets = () => upstream.seen.filter((r) => r.method === "GET");

for (const [kind, sqlite] of KINDS) {
  let objects = 0;
  storeContract(`durableObjectStore (${kind})`, () => remoteStore(kind, `contract-${objects++}`));

  test(`200 concurrent creates through two workers sharing one Durable Object forward exactly the budget, and refuse the rest with budget_exceeded (${kind})`, { timeout: 60_000 }, async () => {
    upstream.seen.length = 0;
    assert.equal(estimateCost(TASK).credits, 300);
    const { urls, log } = await twoWorkers({ name: `stampede-${kind}`, sqlite, options: { maxCreditsPerWindow: 3000 } });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 ? urls.a : urls.b)));
    const ms = performance.now() - started;
    const refusals = await Promise.all(answers.filter((r) => r.status !== 200).map(async (r) => `${r.status} ${(await r.json()).error.type}`));
    const credits = posts().reduce((sum, r) => sum + estimateCost(JSON.parse(r.body)).credits, 0);
    console.log(`durable object (${kind}) stampede: ${posts().length} creates forwarded (${credits} of 3000 credits), ${refusals.length} refused, in ${Math.round(ms)} ms`);
    assert.equal(credits, 3000, `the budget, and not a credit more: ${log()}`);
    assert.equal(posts().length, 10);
    assert.equal(answers.filter((r) => r.status === 200).length, 10);
    assert.deepEqual([...new Set(refusals)], ["403 budget_exceeded"]);
    assert.equal(refusals.length, 190);
  });

  test(`with signed-in users, two workers sharing one Durable Object hold each user's budget and the global one under 200 concurrent creates (${kind})`, { timeout: 60_000 }, async () => {
    upstream.seen.length = 0;
    const users = { a: { id: "alice" }, b: { id: "bob" }, c: { id: "carol" } };
    // Each user may spend 1200 (4 tasks), all together 3000 (10 tasks): 12 wanted, 10 fit.
    const { urls } = await twoWorkers({ name: `users-${kind}`, sqlite, users, options: { maxUserCreditsPerWindow: 1200, maxCreditsPerWindow: 3000 } });
    const tokens = Object.keys(users);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 ? urls.a : urls.b, tokens[i % 3], { prompt: tokens[i % 3] })));
    const spent = {};
    for (const r of posts()) {
      const body = JSON.parse(r.body);
      spent[body.prompt] = (spent[body.prompt] ?? 0) + estimateCost(body).credits;
    }
    for (const token of tokens) assert.ok((spent[token] ?? 0) <= 1200, `${token} spent ${spent[token]}`);
    assert.equal(Object.values(spent).reduce((x, y) => x + y, 0), 3000);
    assert.equal(posts().length, 10);
    assert.equal(answers.filter((r) => r.status === 200).length, 10);
    const types = await Promise.all(answers.filter((r) => r.status !== 200).map(async (r) => `${r.status} ${(await r.json()).error.type}`));
    assert.equal(types.length, 190);
    for (const type of types) assert.ok(["403 user_budget_exceeded", "403 budget_exceeded"].includes(type), type);
  });

  test(`a task created through one worker is read by its creator through the other, and is a 404 to anyone else (${kind})`, { timeout: 60_000 }, async () => {
    upstream.seen.length = 0;
    const { urls } = await twoWorkers({ name: `owners-${kind}`, sqlite, users: { a: { id: "alice" }, b: { id: "bob" } } });
    const created = await create(urls.a, "a");
    assert.equal(created.status, 200);
    const { data } = await created.json();
    const mine = await read(urls.b, "a", data.task_id);
    assert.equal(mine.status, 200);
    assert.equal((await mine.json()).data.task_id, data.task_id);
    assert.equal(gets().length, 1);
    for (const [url, token, taskId] of [[urls.b, "b", data.task_id], [urls.a, "b", data.task_id], [urls.b, "a", "t-never-made-here"]]) {
      const response = await read(url, token, taskId);
      assert.equal(response.status, 404);
      assert.equal((await response.json()).error.type, "task_not_found");
    }
    assert.equal(gets().length, 1, "nothing more was forwarded");
  });

  test(`the object drops expired entries, owners, records and claims a minute after they end, and keeps live ones (${kind})`, async () => {
    const store = remoteStore(kind, "sweep");
    for (let i = 0; i < 100; i++) {
      await store.reserve([{ key: "credits", amount: 1, limit: 1000, windowMs: 1000 }, { key: `credits:user:u${i % 3}`, amount: 1, limit: 1000, windowMs: 1000 }], 0);
    }
    for (let i = 0; i < 50; i++) await store.setOwner(`t${i}`, "alice", 1000, 0);
    await store.put("task:gone", "x", 1000, 0);
    await store.claim("once:gone", 1000, 0);
    await store.setOwner("t-live", "bob", 3_600_000, 0);
    await store.put("task:live", "y", 3_600_000, 0);
    assert.deepEqual(await store.size(), { windows: 4, entries: 200, owners: 51, records: 3, expiring: 254 });
    // Still within the minute: nothing swept yet, though all but the live ones have ended.
    assert.equal(await store.owner("t1", 30_000), null);
    assert.equal((await store.size()).owners, 51);
    // From a minute on, each operation sweeps up to 128 of what has ended.
    for (let i = 0; i < 3; i++) assert.equal(await store.owner("t-live", 61_000 + i), "bob");
    assert.deepEqual(await store.size(), { windows: 0, entries: 0, owners: 1, records: 1, expiring: 2 });
    assert.equal(await store.get("task:live", 61_000), "y");
    assert.equal(await store.claim("once:gone", 1000, 61_000), true, "a swept claim is free");
  });

  test(`a name of any length counts and records as a short one: a long principal id, a task id (${kind})`, async () => {
    const store = remoteStore(kind, "long-names");
    const long = `credits:user:${"é".repeat(3000)}`; // 6000 bytes, over storage's 2048 a key
    const other = `${long.slice(0, -1)}e`;
    const first = await store.reserve([{ key: long, amount: 6, limit: 10, windowMs: 1000 }], 0);
    assert.equal(first.ok, true);
    assert.deepEqual(await store.reserve([{ key: long, amount: 6, limit: 10, windowMs: 1000 }], 0), { ok: false, refused: 0, spent: 6, retryAfterMs: 1000 });
    assert.equal((await store.reserve([{ key: other, amount: 10, limit: 10, windowMs: 1000 }], 0)).ok, true, "a name differing in its last character is its own window");
    assert.equal((await store.reserve([{ key: "#short", amount: 10, limit: 10, windowMs: 1000 }], 0)).ok, true);
    await store.refund([long], first.entry);
    assert.equal((await store.reserve([{ key: long, amount: 10, limit: 10, windowMs: 1000 }], 0)).ok, true, "refunded");
    await store.setOwner("t".repeat(5000), long, 1000, 0);
    assert.equal(await store.owner("t".repeat(5000), 999), long);
    assert.equal(await store.owner("t".repeat(4999), 999), null);
  });

  test(`an operation the object cannot take is refused with the field named, and the store rejects (${kind})`, async () => {
    const store = remoteStore(kind, "bad-input");
    await assert.rejects(store.reserve([{ key: "credits", amount: 1, limit: 10, windowMs: 1000 }], "soon"), /answered 400 to reserve: KlingProxyStore: reserve: now must be a number/);
    await assert.rejects(store.setOwner("t1", 42, 1000, 0), /answered 400 to setOwner: KlingProxyStore: setOwner: principalId must be a string/);
    await assert.rejects(store.reserve([{ key: "credits", amount: -1, limit: 10, windowMs: 1000 }], 0), /each count must be/);
  });
}
