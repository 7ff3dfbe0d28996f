// The proxy on the open internet: `authorize` names the user before any body is read, each user
// spends within their own limits and the global one, reads only the tasks they created, and all
// of it is counted in a store whose operations are each one atomic step.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler, memoryStore } from "kling3-wasm/proxy";
import { estimateCost } from "kling3-wasm";
import { fakeUpstream } from "./servers.mjs";
import { storeContract } from "./store-contract.mjs";

const KEY = "aio_auth_secret";
let upstream;
let refuse = false; // when true, the fake API refuses creates with a 400
before(async () => {
  upstream = await fakeUpstream((req, res) => {
    const data = req.method === "POST" ? { task_id: `t${upstream.seen.length}`, status: "IN_PROGRESS" } : { task_id: req.url.split("/").pop(), status: "IN_PROGRESS" };
    const [status, body] = refuse && req.method === "POST" ? [400, { error: { code: 400, message: "bad", type: "invalid_request" } }] : [200, { code: 200, message: "success", data }];
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  });
});
after(() => upstream.close());
beforeEach(() => {
  upstream.seen.length = 0;
  refuse = false;
});

const posts = () => upstream.seen.filter((r) => r.method === "POST");
const gets = () => upstream.seen.filter((r) => r.method === "GET");
/** Principals by bearer token, as a deployment would look them up. */
const bearer = (users) => async (request) => users[request.headers.get("Authorization")?.replace(/^Bearer /, "")] ?? null;
const handler = (options) => createProxyHandler({ apiKey: KEY, upstream: upstream.url, ...options });
const create = (h, token, body = { prompt: "a cat" }) =>
  h(new Request("http://proxy.local/api/v1/videos/generations", {
    method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  }));
const read = (h, token, taskId) => h(new Request(`http://proxy.local/api/v1/tasks/${taskId}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }));
const errorOf = async (response) => (await response.json()).error;
const USERS = { a: { id: "alice" }, b: { id: "bob" } };

test("authorize runs before any body is read: a refused request's body is never pulled", async () => {
  let pulled = 0;
  // Pulling this body fails it, and it has no end: read, it would make the answer a 400 or a 408.
  const body = () => new ReadableStream({ pull(controller) { pulled++; controller.error(new Error("the body was read")); } }, { highWaterMark: 0 });
  const post = (h) => h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: body(), duplex: "half" }));
  const refused = await post(handler({ authorize: async () => null }));
  assert.equal(refused.status, 401);
  assert.equal((await errorOf(refused)).type, "unauthorized");
  assert.equal(pulled, 0, "the body was not read");
  let seenUnread;
  const allowed = await post(handler({ authorize: async (request) => { seenUnread = !request.bodyUsed && pulled === 0; return { id: "alice" }; } }));
  assert.equal(seenUnread, true, "authorize saw the body unread");
  assert.equal(allowed.status, 400, "a signed-in user's body is read after authorize");
  assert.equal(pulled, 1);
  assert.equal(upstream.seen.length, 0);
});

test("no principal is a 401 for creates and polls, and nothing is forwarded", async () => {
  const h = handler({ authorize: bearer(USERS) });
  for (const response of [await create(h, null), await create(h, "wrong"), await read(h, null, "t1")]) {
    assert.equal(response.status, 401);
    const error = await errorOf(response);
    assert.deepEqual([error.code, error.type], [401, "unauthorized"]);
  }
  assert.equal((await create(h, "a")).status, 200);
  assert.equal(upstream.seen.length, 1);
});

test("an authorize that throws is a 401 whose answer does not carry the error's message", async (t) => {
  const log = t.mock.method(console, "error", () => {});
  const h = handler({ authorize: async () => { throw new Error("db password hunter2 rejected"); } });
  const response = await create(h, "a");
  assert.equal(response.status, 401);
  const text = await response.text();
  assert.equal(JSON.parse(text).error.type, "unauthorized");
  assert.ok(!text.includes("hunter2"), text);
  assert.ok(log.mock.calls.some((c) => String(c.arguments[0]).includes("hunter2")), "the error is in the server's log");
  assert.equal(upstream.seen.length, 0);
});

test("authorize returning what is not a principal is a 500 invalid_principal, logged, with nothing forwarded", async (t) => {
  const log = t.mock.method(console, "error", () => {});
  const rows = [
    [undefined, "undefined"],
    ["alice", "string"],
    [[{ id: "alice" }], "array"],
    [{}, "id"],
    [{ id: "" }, "id"],
    [{ id: 7 }, "id"],
    [{ id: "alice", maxCreditsPerWindow: -1 }, "maxCreditsPerWindow"],
    [{ id: "alice", maxCreditsPerTask: "500" }, "maxCreditsPerTask"],
    [{ id: "alice", maxCreatesPerMinute: 0 }, "maxCreatesPerMinute"],
  ];
  for (const [principal, named] of rows) {
    const response = await create(handler({ authorize: async () => principal }), "a");
    assert.equal(response.status, 500, JSON.stringify(principal));
    assert.equal((await errorOf(response)).type, "invalid_principal");
    assert.match(String(log.mock.calls.at(-1).arguments[0]), new RegExp(named), `the log names ${named}`);
  }
  assert.equal(upstream.seen.length, 0);
});

test("without authorize the proxy is open: no 401, and any task id is forwarded", async () => {
  const h = handler({});
  assert.equal((await create(h, null)).status, 200);
  assert.equal((await read(h, null, "never-made-here")).status, 200);
  assert.equal(gets().length, 1);
});

test("a preflight allows the Authorization header and does not call authorize", async () => {
  let calls = 0;
  const h = handler({ authorize: async () => { calls++; return null; }, allowedOrigins: ["https://app.example"] });
  const preflight = await h(new Request("http://proxy.local/api/v1/videos/generations", { method: "OPTIONS", headers: { Origin: "https://app.example" } }));
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-headers"), /\bAuthorization\b/);
  assert.equal(calls, 0);
});

test("each user has their own budget, the principal's own limits replace the defaults, and the global budget holds over all", async () => {
  const users = { a: { id: "alice" }, b: { id: "bob" }, c: { id: "carol", maxCreditsPerWindow: 900 } };
  const h = handler({ authorize: bearer(users), maxUserCreditsPerWindow: 600, maxCreditsPerWindow: 1500 });
  assert.equal(estimateCost({ prompt: "a cat" }).credits, 300);
  assert.deepEqual([(await create(h, "a")).status, (await create(h, "a")).status], [200, 200]);
  const alice = await create(h, "a");
  assert.equal(alice.status, 403);
  const error = await errorOf(alice);
  assert.deepEqual([error.type, error.credits, error.spent, error.maxCreditsPerWindow], ["user_budget_exceeded", 300, 600, 600]);
  const wait = Number(alice.headers.get("retry-after"));
  assert.ok(wait > 3590 && wait <= 3600, `Retry-After ${wait}`);
  assert.deepEqual([(await create(h, "b")).status, (await create(h, "b")).status], [200, 200], "bob's budget is his own");
  assert.equal((await create(h, "c")).status, 200, "carol may spend 900, and 1500 are spent in all");
  const carol = await create(h, "c");
  assert.equal(carol.status, 403);
  assert.deepEqual([(await errorOf(carol)).type, (await errorOf(await create(h, "b"))).type], ["budget_exceeded", "user_budget_exceeded"]);
  assert.equal(posts().length, 5);
});

test("a principal's maxCreditsPerTask replaces the handler's cap", async () => {
  const users = { a: { id: "alice" }, pro: { id: "pat", maxCreditsPerTask: 1000 }, low: { id: "lou", maxCreditsPerTask: 100 } };
  const h = handler({ authorize: bearer(users), maxCreditsPerTask: 500 });
  const dear = { prompt: "x", mode: "pro", duration: 10 }; // 800 credits
  const refused = await create(h, "a", dear);
  assert.deepEqual([refused.status, (await errorOf(refused)).type], [403, "credit_cap"]);
  assert.equal((await create(h, "pro", dear)).status, 200);
  const low = await create(h, "low");
  assert.deepEqual([low.status, (await errorOf(low)).credits], [403, 300]);
  assert.equal(posts().length, 1);
});

test("creates per minute are limited per user with a 429 and the seconds until one fits", async () => {
  const users = { ...USERS, c: { id: "carol", maxCreatesPerMinute: 3 } };
  const h = handler({ authorize: bearer(users), maxCreatesPerMinute: 2 });
  assert.deepEqual([(await create(h, "a")).status, (await create(h, "a")).status], [200, 200]);
  const third = await create(h, "a");
  assert.equal(third.status, 429);
  assert.equal((await errorOf(third)).type, "create_rate_exceeded");
  const wait = Number(third.headers.get("retry-after"));
  assert.ok(wait >= 59 && wait <= 60, `Retry-After ${wait}`);
  assert.equal((await create(h, "b")).status, 200, "bob's minute is his own");
  for (let i = 0; i < 3; i++) assert.equal((await create(h, "c")).status, 200, "carol's own limit is 3");
  assert.equal((await create(h, "c")).status, 429);
  assert.equal(posts().length, 6);
});

test("a create the API refused gives its credits back, and still counts as a create", async () => {
  const h = handler({ authorize: bearer(USERS), maxUserCreditsPerWindow: 300, maxCreatesPerMinute: 3 });
  refuse = true;
  assert.equal((await create(h, "a")).status, 400);
  assert.equal((await create(h, "a")).status, 400);
  refuse = false;
  assert.equal((await create(h, "a")).status, 200, "the refused creates' credits were given back");
  const fourth = await create(h, "a");
  assert.deepEqual([fourth.status, (await errorOf(fourth)).type], [429, "create_rate_exceeded"], "all three were creates");
  assert.equal(posts().length, 3);
});

test("a user reads only the tasks they created through this proxy; others are a 404 and not forwarded", async () => {
  const h = handler({ authorize: bearer(USERS) });
  const { data } = await (await create(h, "a")).json();
  assert.equal((await read(h, "a", data.task_id)).status, 200);
  assert.equal(gets().length, 1);
  for (const [token, taskId] of [["b", data.task_id], ["a", "t-never-made-here"]]) {
    const response = await read(h, token, taskId);
    assert.equal(response.status, 404);
    const error = await errorOf(response);
    assert.deepEqual([error.code, error.type], [404, "task_not_found"]);
  }
  assert.equal(gets().length, 1, "nothing more was forwarded");
  refuse = true;
  assert.equal((await create(h, "b")).status, 400);
  assert.equal((await read(h, "b", `t${upstream.seen.length}`)).status, 404, "a refused create records no task");
});

test("ownership lasts ownershipTtlMs", async () => {
  const h = handler({ authorize: bearer(USERS), ownershipTtlMs: 300 });
  const { data } = await (await create(h, "a")).json();
  assert.equal((await read(h, "a", data.task_id)).status, 200);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal((await read(h, "a", data.task_id)).status, 404);
});

/** The memory store with a remote store's latency: each operation waits 0–3 ms first. */
function slowStore(inner = memoryStore()) {
  const later = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  return Object.fromEntries(["reserve", "refund", "setOwner", "owner"].map((op) => [op, async (...args) => (await later(), inner[op](...args))]));
}

/** 80 concurrent creates by two users at mixed prices; what reached the API, by user. */
async function stampede(store) {
  const h = handler({ authorize: bearer(USERS), maxUserCreditsPerWindow: 1800, maxCreditsPerWindow: 3000, store });
  const tasks = [{ prompt: "x" }, { prompt: "x", sound: false, duration: 3 }, { prompt: "x", mode: "pro" }]; // 300, 120, 400
  const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => {
    const token = i % 2 ? "a" : "b";
    return create(h, token, { ...tasks[i % 3], prompt: token });
  }));
  const spent = { a: 0, b: 0 };
  for (const r of posts()) {
    const body = JSON.parse(r.body);
    spent[body.prompt] += estimateCost(body).credits;
  }
  const refusals = await Promise.all(answers.filter((r) => r.status !== 200).map(async (r) => [r.status, (await errorOf(r)).type]));
  return { spent, forwarded: posts().length, ok: answers.filter((r) => r.status === 200).length, refusals };
}

test("concurrent creates by two users never overshoot their budgets or the global one together", async () => {
  for (const store of [memoryStore(), slowStore()]) {
    upstream.seen.length = 0;
    const { spent, forwarded, ok, refusals } = await stampede(store);
    assert.ok(spent.a <= 1800 && spent.b <= 1800, `per user: ${JSON.stringify(spent)}`);
    assert.ok(spent.a + spent.b <= 3000, `in all: ${spent.a + spent.b}`);
    assert.ok(spent.a + spent.b > 3000 - 400, `the budget is used: ${spent.a + spent.b}`);
    assert.equal(forwarded, ok);
    for (const [status, type] of refusals) assert.ok(status === 403 && ["budget_exceeded", "user_budget_exceeded"].includes(type), `${status} ${type}`);
  }
});

test("a store that checks and then adds in two steps would overshoot: the stampede test can tell", async () => {
  // Reads the sums, waits for the store's answer, then adds (as a GET, then an INCR would).
  const sums = new Map();
  const racy = {
    ...slowStore(),
    async reserve(counts) {
      const over = counts.findIndex((c) => (sums.get(c.key) ?? 0) + c.amount > c.limit);
      await new Promise((r) => setTimeout(r, 3));
      if (over >= 0) return { ok: false, refused: over, spent: sums.get(counts[over].key) ?? 0, retryAfterMs: null };
      for (const c of counts) sums.set(c.key, (sums.get(c.key) ?? 0) + c.amount);
      return { ok: true, entry: "e" };
    },
  };
  const { spent } = await stampede(racy);
  assert.ok(spent.a + spent.b > 3000, `overshot: ${spent.a + spent.b}`);
});

test("a store that fails refuses creates and polls with a 503, and forwards nothing", async (t) => {
  t.mock.method(console, "error", () => {});
  const broken = { reserve: async () => { throw new Error("down"); }, refund: async () => {}, setOwner: async () => {}, owner: async () => { throw new Error("down"); } };
  const h = handler({ authorize: bearer(USERS), maxCreditsPerWindow: 1000, store: broken });
  for (const response of [await create(h, "a"), await read(h, "a", "t1")]) {
    assert.equal(response.status, 503);
    assert.equal((await errorOf(response)).type, "store_unavailable");
  }
  assert.equal(upstream.seen.length, 0);
});

test("createProxyHandler takes any store with the four operations, and refuses one without", async () => {
  const calls = [];
  const inner = memoryStore();
  const store = Object.fromEntries(["reserve", "refund", "setOwner", "owner"].map((op) => [op, (...args) => (calls.push(op), inner[op](...args))]));
  const h = handler({ authorize: bearer(USERS), maxCreditsPerWindow: 1000, store });
  const { data } = await (await create(h, "a")).json();
  await read(h, "a", data.task_id);
  assert.deepEqual(calls, ["reserve", "setOwner", "owner"]);
  assert.throws(() => handler({ store: { reserve() {}, refund() {} } }), /store must have the operations .*missing setOwner, owner/);
  for (const options of [{ authorize: "yes" }, { maxCreatesPerMinute: 0 }, { maxUserCreditsPerWindow: 1.5 }, { ownershipTtlMs: 0 }]) {
    assert.throws(() => handler(options), TypeError, JSON.stringify(options));
  }
});

storeContract("memoryStore", () => memoryStore());

test("memoryStore stays bounded: expired windows and ownership records are dropped", async () => {
  const store = memoryStore();
  for (let i = 0; i < 500; i++) {
    await store.reserve([{ key: `credits:user:${i}`, amount: 300, limit: 1000, windowMs: 3_600_000 }], 0);
    await store.setOwner(`t${i}`, `user:${i}`, 1000, 0);
  }
  assert.deepEqual(store.size(), { windows: 500, entries: 500, owners: 500, records: 0 });
  assert.equal(await store.owner("t1", 999), "user:1");
  assert.equal(await store.owner("t1", 1000), null, "expired");
  await store.owner("t1", 120_000);
  assert.deepEqual(store.size(), { windows: 500, entries: 500, owners: 0, records: 0 }, "owners dropped, windows still live");
  await store.owner("t1", 3_700_000);
  assert.deepEqual(store.size(), { windows: 0, entries: 0, owners: 0, records: 0 });
});

test("a signed-in user's Idempotency-Key goes on as a digest of the user and the key: the same for a repeat, another for another user", async () => {
  const h = handler({ authorize: bearer(USERS) });
  const post = (token, key) => h(new Request("http://proxy.local/api/v1/videos/generations", {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "Idempotency-Key": key }, body: JSON.stringify({ prompt: "a cat" }),
  }));
  for (const [token, key] of [["a", "click-1"], ["a", "click-1"], ["b", "click-1"], ["a", "click-2"]]) assert.equal((await post(token, key)).status, 200);
  const sent = posts().slice(-4).map((r) => r.headers["idempotency-key"]);
  for (const key of sent) assert.match(key, /^[0-9a-f]{64}$/, "not the key as the user sent it");
  assert.equal(sent[0], sent[1], "a repeat names the same create");
  assert.equal(new Set(sent).size, 3, "another user, or another key, names another");
  // Without authorize every caller is one user, and the key goes on as it came.
  await handler({})(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": "click-1" }, body: JSON.stringify({ prompt: "a cat" }) }));
  assert.equal(posts().at(-1).headers["idempotency-key"], "click-1");
});
