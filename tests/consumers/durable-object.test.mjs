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
import { fakeUpstream } from "../node/servers.mjs";
import { storeContract } from "../node/store-contract.mjs";
import { sharedStoreContract } from "../node/shared-store.mjs";
import { bundleWorker, startWorkerd, WORKERD } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const KEY = "aio_durable_secret";
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


for (const [kind, sqlite] of KINDS) {
  let objects = 0;
  storeContract(`durableObjectStore (${kind})`, () => remoteStore(kind, `contract-${objects++}`));

  sharedStoreContract(`a Durable Object (${kind})`, {
    upstream: () => upstream,
    start: async ({ tag, users, options }) => {
      const workerd = await twoWorkers({ name: `${tag}-${kind}`, sqlite, users, options });
      return { urls: [workerd.urls.a, workerd.urls.b], log: workerd.log };
    },
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
