// The proxy's spend budget: at most maxCreditsPerWindow credits of tasks forwarded in any
// windowMs, priced by the package, so a leaked proxy cannot drain an account.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler } from "kling3-wasm/proxy";
import { estimateCost } from "kling3-wasm";
import { fakeUpstream, rawRequest, startChild } from "./servers.mjs";

const KEY = "aio_budget_secret";
let upstream;
let answer; // what the fake API says to a create: null for a task
before(async () => {
  upstream = await fakeUpstream((req, res) => {
    const [status, body] = answer ?? [200, { code: 200, message: "success", data: { task_id: `t${upstream.seen.length}`, status: "IN_PROGRESS" } }];
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  });
});
after(() => upstream.close());
beforeEach(() => {
  upstream.seen.length = 0;
  answer = null;
});

const handler = (options) => createProxyHandler({ apiKey: KEY, upstream: upstream.url, ...options });
const create = (h, body) =>
  h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
const TASK = { prompt: "a cat" }; // 300 credits

test("tasks over the budget are refused with a 403 budget_exceeded, priced by estimateCost", { timeout: 30_000 }, async () => {
  assert.equal(estimateCost(TASK).credits, 300);
  const h = handler({ maxCreditsPerWindow: 1050 });
  for (let i = 0; i < 3; i++) assert.equal((await create(h, TASK)).status, 200);
  const over = await create(h, TASK);
  assert.equal(over.status, 403);
  const { error } = await over.json();
  assert.equal(error.type, "budget_exceeded");
  assert.deepEqual([error.credits, error.spent, error.maxCreditsPerWindow, error.windowMs], [300, 900, 1050, 3_600_000]);
  const wait = Number(over.headers.get("retry-after"));
  assert.ok(wait > 3590 && wait <= 3600, `Retry-After ${wait}`);
  assert.equal((await create(h, { prompt: "x", sound: false, duration: 3 })).status, 200, "a 120-credit task still fits in the 150 left");
  assert.equal(upstream.seen.length, 4);
  const huge = await create(handler({ maxCreditsPerWindow: 500 }), { prompt: "x", mode: "pro", duration: 10 });
  assert.equal(huge.status, 403);
  assert.equal(huge.headers.get("retry-after"), null, "a task dearer than the whole budget never fits");
});

test("the window slides: credits spent longer than windowMs ago are free again", { timeout: 30_000 }, async () => {
  const h = handler({ maxCreditsPerWindow: 600, windowMs: 2000 });
  assert.equal((await create(h, TASK)).status, 200);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await create(h, TASK)).status, 200);
  assert.equal((await create(h, TASK)).status, 403);
  await new Promise((r) => setTimeout(r, 1100)); // the first has left the window, not the second
  assert.equal((await create(h, TASK)).status, 200);
  assert.equal((await create(h, TASK)).status, 403);
  assert.equal(upstream.seen.length, 3);
});

test("concurrent requests cannot overshoot the budget together", { timeout: 30_000 }, async () => {
  const h = handler({ maxCreditsPerWindow: 1000 });
  const statuses = (await Promise.all(Array.from({ length: 12 }, () => create(h, TASK)))).map((r) => r.status);
  assert.deepEqual(statuses.toSorted(), [...Array(3).fill(200), ...Array(9).fill(403)]);
  assert.equal(upstream.seen.length, 3);
});

test("a task the API refuses is not counted; one whose answer is lost is", { timeout: 30_000 }, async () => {
  const h = handler({ maxCreditsPerWindow: 600 });
  answer = [429, { error: { code: 429, message: "slow down", type: "rate_limit" } }];
  for (let i = 0; i < 3; i++) assert.equal((await create(h, TASK)).status, 429);
  answer = [200, { code: 402, message: "Insufficient credits", data: null }];
  assert.equal((await create(h, TASK)).status, 200);
  answer = [500, { error: { code: 500, message: "oops", type: "server_error" } }];
  assert.equal((await create(h, TASK)).status, 500, "a 500 may have created the task");
  answer = null;
  assert.equal((await create(h, TASK)).status, 200);
  assert.equal((await create(h, TASK)).status, 403, "300 for the 500, 300 for the task");
  const lost = handler({ maxCreditsPerWindow: 300, fetch: async () => { throw new TypeError("fetch failed"); } });
  assert.equal((await create(lost, TASK)).status, 502);
  assert.equal((await create(lost, TASK)).status, 403, "the lost answer's task is counted");
});

test("bad budget options are refused when the handler is made", () => {
  for (const options of [{ maxCreditsPerWindow: -1 }, { maxCreditsPerWindow: 1.5 }, { maxCreditsPerWindow: "100" }, { maxCreditsPerWindow: 100, windowMs: 0 }]) {
    assert.throws(() => handler(options), TypeError, JSON.stringify(options));
  }
});

test("npm start takes the budget from KLING_MAX_CREDITS_PER_WINDOW and KLING_CREDIT_WINDOW_MS", { timeout: 30_000 }, async () => {
  const child = await startChild({ KLING_API_KEY: KEY, KLING_BASE_URL: upstream.url, KLING_MAX_CREDITS_PER_WINDOW: "500", KLING_CREDIT_WINDOW_MS: "60000" });
  try {
    assert.match(child.output(), /at most 500 credits per 60 s/);
    const post = () => rawRequest(`${child.url}/api/v1/videos/generations`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(TASK) });
    assert.equal((await post()).status, 200);
    const over = await post();
    assert.equal(over.status, 403);
    assert.equal(JSON.parse(over.text).error.type, "budget_exceeded");
    assert.equal(upstream.seen.length, 1);
  } finally {
    child.stop();
  }
  await assert.rejects(startChild({ KLING_API_KEY: KEY, KLING_MAX_CREDITS_PER_WINDOW: "lots" }), /KLING_MAX_CREDITS_PER_WINDOW must be a whole number/);
});
