// Re-sent POSTs. A browser sends a POST again, silently, when a kept-alive connection it reused
// closes without an answer: against the sandbox's `drop` fault that was one click, two POSTs.
// The sandbox keeps no connection alive while a drop is queued (so the click fails, once), and
// honours Idempotency-Key: a repeat gets the first task's answer and creates nothing.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium, within } from "../browser/helpers.mjs";

const KEY = "aio_resend_key";
let srv;
let api;
before(async () => {
  srv = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  api = `${srv.url}/api/v1`;
});
after(() => srv.close());
beforeEach(() => srv.sandbox.reset());

const post = async (body, headers = {}) => {
  const response = await fetch(`${api}/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
};
/** Queues a fault over HTTP, then lets this process see the idle connections the server closed. */
async function queue(fault) {
  const answer = await within(10_000, `queueing ${fault.fault}`, fetch(`${srv.url}/_sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fault) }));
  await within(10_000, `reading the answer to queueing ${fault.fault}`, answer.arrayBuffer());
  await new Promise((r) => setTimeout(r, 50));
}

/**
 * One create POST from the page, as a click sends it, with a drop queued for it: it must fail,
 * once, and the sandbox see that one POST and create nothing (the browser did not send it again).
 */
async function clickCreateAgainstDrop(page) {
  // A POST that neither fails nor is answered within 10 s is reported as such (a page would hang).
  const outcome = await within(20_000, "the page's POST", page.evaluate(async (key) => {
    try {
      const r = await fetch("/api/v1/videos/generations", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ prompt: "x" }), signal: AbortSignal.timeout(10_000) });
      return `answered ${r.status}`;
    } catch (e) {
      return e.name === "TimeoutError" ? "hung: no answer and no failure within 10 s" : `failed: ${e.message}`;
    }
  }, KEY));
  assert.match(outcome, /^failed/);
  assert.deepEqual([srv.sandbox.counts.posts, srv.sandbox.counts.created], [1, 0], "the browser did not send it again");
}

test("one click against the drop fault is one POST that fails, not a silent second POST", { timeout: 60_000 }, async () => {
  const browser = await within(30_000, "launching Chromium", launchChromium());
  try {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/`);
    // The page's kept-alive connections are warm; the fault is queued from elsewhere, as a developer does.
    await within(10_000, "the page's warm-up GET", page.evaluate(() => fetch("/_server").then((r) => r.text())));
    await queue({ fault: "drop", route: "create" });
    await clickCreateAgainstDrop(page);
  } finally {
    await within(20_000, "closing Chromium", browser.close());
  }
});

test("an answer still on its way when a drop is queued does not leave its connection for the next POST", { timeout: 60_000 }, async () => {
  const browser = await within(30_000, "launching Chromium", launchChromium());
  try {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/`);
    // A poll the sandbox answers slowly is in flight (its headers not yet written) when the drop
    // is queued: its connection was busy, so closing the idle ones at that moment missed it.
    await queue({ fault: "slow", route: "poll", ms: 600 });
    await page.evaluate((key) => {
      window.slowPoll = fetch("/api/v1/tasks/abc", { headers: { Authorization: `Bearer ${key}` } }).then((r) => r.text());
    }, KEY);
    await new Promise((r) => setTimeout(r, 200));
    await queue({ fault: "drop", route: "create" });
    await page.evaluate(() => window.slowPoll);
    await clickCreateAgainstDrop(page);
  } finally {
    await within(20_000, "closing Chromium", browser.close());
  }
});

test("while a drop is queued, every answer closes its connection", { timeout: 30_000 }, async () => {
  const queued = await fetch(`${srv.url}/_sandbox/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ fault: "drop", route: "poll" }) });
  assert.equal(queued.headers.get("connection"), "close");
  await queued.arrayBuffer();
  const page = await fetch(`${srv.url}/`);
  assert.equal(page.headers.get("connection"), "close");
  await page.arrayBuffer();
  srv.sandbox.reset();
  const calm = await fetch(`${srv.url}/`);
  assert.notEqual(calm.headers.get("connection"), "close");
  await calm.arrayBuffer();
});

test("a repeated Idempotency-Key gets the first task's answer and creates nothing", { timeout: 30_000 }, async () => {
  srv.sandbox.setCredits(2000);
  const first = await post({ prompt: "a cat" }, { "Idempotency-Key": "click-1" });
  assert.equal(first.status, 200);
  const again = await post({ prompt: "a cat" }, { "Idempotency-Key": "click-1" });
  assert.equal(again.status, 200);
  assert.deepEqual(again.json, first.json);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal(first.headers.get("idempotent-replayed"), null);
  assert.deepEqual([srv.sandbox.counts.posts, srv.sandbox.counts.created, srv.sandbox.balance(KEY)], [2, 1, 1700], "charged once");
  const other = await post({ prompt: "a cat" }, { "Idempotency-Key": "click-2" });
  assert.notEqual(other.json.data.task_id, first.json.data.task_id, "another key is another task");
  await post({ prompt: "a cat" });
  await post({ prompt: "a cat" });
  assert.equal(srv.sandbox.counts.created, 4, "without a key, each POST is a new task");
});

test("an Idempotency-Key is scoped to its API key, refused with another body, and checked", { timeout: 30_000 }, async () => {
  const first = await post({ prompt: "a cat" }, { "Idempotency-Key": "k" });
  const otherAccount = await post({ prompt: "a cat" }, { "Idempotency-Key": "k", Authorization: "Bearer aio_someone_else" });
  assert.notEqual(otherAccount.json.data.task_id, first.json.data.task_id);
  const changed = await post({ prompt: "a dog" }, { "Idempotency-Key": "k" });
  assert.equal(changed.status, 422);
  assert.equal(changed.json.error.type, "idempotency_key_reused");
  assert.equal((await post({ prompt: "a cat" }, { "Idempotency-Key": "x".repeat(256) })).status, 400);
  assert.equal(srv.sandbox.counts.created, 2);
});

test("a refused create does not use up its Idempotency-Key", { timeout: 30_000 }, async () => {
  srv.sandbox.setCredits(0);
  assert.equal((await post({ prompt: "a cat" }, { "Idempotency-Key": "retry-me" })).status, 402);
  srv.sandbox.setCredits(1000);
  const later = await post({ prompt: "a cat" }, { "Idempotency-Key": "retry-me" });
  assert.equal(later.status, 200);
  assert.equal(srv.sandbox.counts.created, 1);
});

test("after drop-after-create, sending the POST again with its Idempotency-Key returns the task that was made", { timeout: 30_000 }, async () => {
  await queue({ fault: "drop-after-create", route: "create" });
  await assert.rejects(post({ prompt: "a cat" }, { "Idempotency-Key": "lost-answer" }), TypeError);
  assert.deepEqual([srv.sandbox.counts.created, srv.sandbox.balance(KEY)], [1, 99_700], "the task exists and was charged");
  const again = await post({ prompt: "a cat" }, { "Idempotency-Key": "lost-answer" });
  assert.equal(again.status, 200);
  assert.ok(srv.sandbox.tasks.has(again.json.data.task_id), "the answer names the task the lost POST made");
  assert.deepEqual([srv.sandbox.counts.created, srv.sandbox.balance(KEY)], [1, 99_700], "nothing created or charged twice");
});

test("a page on another origin may send Idempotency-Key (CORS)", { timeout: 30_000 }, async () => {
  const preflight = await fetch(`${api}/videos/generations`, {
    method: "OPTIONS",
    headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,idempotency-key" },
  });
  await preflight.arrayBuffer();
  assert.match(preflight.headers.get("access-control-allow-headers"), /Idempotency-Key/);
  const created = await post({ prompt: "x" }, { Origin: "http://localhost:5173" });
  assert.match(created.headers.get("access-control-expose-headers"), /Idempotent-Replayed/);
});

test("the proxy passes a create's Idempotency-Key on, so the sandbox behind it creates one task per key", { timeout: 30_000 }, async () => {
  const { createProxyHandler } = await import("kling3-wasm/proxy");
  const proxy = createProxyHandler({ apiKey: KEY, upstream: api });
  const create = (headers) =>
    proxy(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify({ prompt: "a cat" }) }));
  const first = await create({ "Idempotency-Key": "via-proxy" });
  const again = await create({ "Idempotency-Key": "via-proxy", Origin: "http://proxy.local" });
  assert.deepEqual(await again.json(), await first.json());
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.match(again.headers.get("access-control-expose-headers"), /Idempotent-Replayed/);
  assert.equal(srv.sandbox.counts.created, 1);
  const bad = await create({ "Idempotency-Key": "é".repeat(3) });
  assert.equal(bad.status, 400);
  assert.equal(srv.sandbox.counts.posts, 2, "a bad key is not forwarded");
  const preflight = await proxy(new Request("http://proxy.local/api/v1/videos/generations", { method: "OPTIONS", headers: { Origin: "http://proxy.local" } }));
  assert.match(preflight.headers.get("access-control-allow-headers"), /Idempotency-Key/);
});
