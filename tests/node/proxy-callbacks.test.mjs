// The proxy with callbacks on, against `npm start`'s sandbox in a process of its own (which
// sends callbacks as the provider does, and plays the callback faults): a task reaches the page
// with the create and one read of the task; the callback's body is not believed; a repeated one
// is taken once; anything but a URL the proxy made is a 404; polls are answered from the store,
// and a task that does not call back is read at most once a minute.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import FakeTimers from "@sinonjs/fake-timers";
import { KlingClient } from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";
import { serveFetchHandler } from "../../server/node-adapter.mjs";
import { startChild } from "./servers.mjs";
import { freePort } from "../consumers/support.mjs";

const KEY = "aio_callbacks_test";
const SECRET = "a secret of at least thirty-two characters, kept on the server";
// A 5 s video takes (60 s + 8 s a second) × 0.01 = 1 s here.
const sandbox = await startChild({ KLING_SANDBOX_TIME_SCALE: "0.01" });
const control = (path, body) =>
  fetch(`${sandbox.url}/_sandbox${path}`, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
const counts = async () => (await control("")).counts;

// The proxy, on a port of its own, reachable by the sandbox at its publicUrl.
let handler;
const seen = { polls: 0, callbacks: 0, upstream: [] };
const server = createServer((req, res) => {
  if (req.url.includes("/tasks/")) seen.polls++;
  if (req.url.includes("/callbacks/")) seen.callbacks++;
  serveFetchHandler(handler, req, res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const proxyUrl = `http://127.0.0.1:${server.address().port}`;
const done = [];
const options = {
  apiKey: KEY,
  upstream: `${sandbox.url}/api/v1`,
  authorize: (request) => {
    const user = request.headers.get("X-User");
    return user ? { id: user } : null;
  },
  callbacks: { publicUrl: `${proxyUrl}/api/v1`, secret: SECRET },
  onTaskDone: (task, principal) => done.push({ task, principal }),
  // What the proxy sends the API, to find the callback URL it made.
  fetch: (url, init) => {
    seen.upstream.push({ url, init });
    return fetch(url, init);
  },
};
handler = createProxyHandler(options);

const asUser = (user) => (url, init) => {
  const headers = new Headers(init?.headers);
  headers.set("X-User", user);
  return fetch(url, { ...init, headers });
};
const client = new KlingClient({ baseUrl: `${proxyUrl}/api/v1`, fetch: asUser("alice") });
const callbackUrlOf = (i) => JSON.parse(seen.upstream.filter((r) => r.init.method === "POST")[i].init.body).callback_url;
const poll = (taskId, user = "alice") => fetch(`${proxyUrl}/api/v1/tasks/${taskId}`, { headers: { "X-User": user } });
const until = async (what, check, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

before(() => control("/reset", {}));
beforeEach(async () => {
  await control("/reset", {});
  done.length = 0;
  seen.polls = 0;
  seen.callbacks = 0;
  seen.upstream.length = 0;
});
after(async () => {
  server.close();
  server.closeAllConnections();
  sandbox.stop();
});

test("a task that ends within a minute reaches the page with two upstream requests: the create and one read", async () => {
  const task = await client.generate({ prompt: "a paper boat on a river", duration: 5 });
  assert.equal(task.status, "succeeded");
  assert.match(task.videoUrl, /\/sandbox\/video\.mp4\?task=/);
  assert.ok(seen.polls >= 2, `the page polled (${seen.polls} times)`);
  const c = await counts();
  assert.deepEqual([c.posts, c.gets], [1, 1], "one create and one read reached the API, however often the page polled");
  assert.equal(c.callbacks, 1);
  assert.equal(done.length, 1, "onTaskDone once");
  assert.equal(done[0].task.taskId, task.taskId);
  assert.equal(done[0].task.status, "succeeded");
  assert.deepEqual(done[0].principal, { id: "alice" });
  // The callback URL is the proxy's own, under publicUrl, and carries no key.
  const callbackUrl = callbackUrlOf(0);
  assert.match(callbackUrl, new RegExp(`^${proxyUrl}/api/v1/callbacks/[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{43}$`));
  assert.ok(!callbackUrl.includes(KEY));
  // Later polls, and the callback sent again, are answered from what is kept.
  const again = await client.getTask(task.taskId);
  assert.equal(again.videoUrl, task.videoUrl);
  assert.equal((await fetch(callbackUrl, { method: "POST", body: "{}" })).status, 200);
  assert.equal((await counts()).gets, 1);
  assert.equal(done.length, 1);
});

test("a failed task is final too: the page gets its failure, onTaskDone gets the task", async () => {
  await control("/faults", { fault: "fail-task" });
  await assert.rejects(client.generate({ prompt: "a cat", duration: 5 }), (e) => e.code === "task_failed");
  assert.deepEqual(Object.values(await counts()).slice(0, 2), [1, 1]);
  assert.equal(done.length, 1);
  assert.equal(done[0].task.status, "failed");
});

test("a callback's body is not believed: a forged one is checked against the API and changes nothing", async () => {
  await control("/faults", { fault: "callback-forged" });
  const task = await client.generate({ prompt: "a fox in the snow", duration: 5 });
  assert.equal(task.status, "succeeded");
  assert.doesNotMatch(task.videoUrl, /forged/);
  const c = await counts();
  assert.ok(c.callbacks >= 2, "the forged callback and the true one");
  assert.equal(c.posts, 1);
  assert.ok(c.gets >= 2 && c.gets <= 4, `the forged callback was read against the API (${c.gets} reads)`);
  assert.equal(done.length, 1);
  assert.doesNotMatch(done[0].task.videoUrl, /forged/);
});

test("a callback sent several times at once is taken once", async () => {
  await control("/faults", { fault: "callback-duplicate", copies: 4 });
  const task = await client.generate({ prompt: "rain on a window", duration: 5 });
  assert.equal(task.status, "succeeded");
  // Those that came while the first was read are asked to come again (a second later), and
  // then find the end kept.
  await until("four callbacks", async () => (await counts()).callbacks >= 4);
  await new Promise((r) => setTimeout(r, 1_500));
  const c = await counts();
  assert.deepEqual([c.posts, c.gets], [1, 1], "one read for four callbacks");
  assert.equal(done.length, 1);
});

test("a callback whose read fails is asked to come again, and its repeat finds the end", async () => {
  await control("/faults", { fault: "status-500", route: "poll" });
  const task = await client.generate({ prompt: "a heron", duration: 5 });
  assert.equal(task.status, "succeeded");
  const c = await counts();
  assert.deepEqual([c.posts, c.gets, c.callbacks], [1, 2, 2], "the failed read, then the repeat's");
  assert.equal(done.length, 1);
});

test("with callbacks, an Idempotency-Key makes one task per user however often the create comes", async () => {
  const post = (user, key) => fetch(`${proxyUrl}/api/v1/videos/generations`, {
    method: "POST", headers: { "Content-Type": "application/json", "X-User": user, "Idempotency-Key": key }, body: JSON.stringify({ prompt: "a cat" }),
  }).then((r) => r.json());
  const first = await post("alice", "click-1");
  const again = await post("alice", "click-1");
  assert.equal(again.data.task_id, first.data.task_id, "the repeat sent the same body, and got the same task");
  const bobs = await post("bob", "click-1");
  assert.notEqual(bobs.data.task_id, first.data.task_id, "another user's key of the same name is their own");
  assert.equal((await counts()).created, 2);
  await until("both tasks done", () => done.length === 2);
});

test("anything but a callback URL the proxy made is a 404, with nothing read or forwarded", async () => {
  const task = await client.createTask({ prompt: "a lighthouse", duration: 5 });
  const real = callbackUrlOf(0);
  const [ref, token] = real.split("/callbacks/")[1].split("/");
  // The first letter carries six whole bits of the MAC (the last one has spare bits).
  const flip = (text) => (text.startsWith("A") ? "B" : "A") + text.slice(1);
  const wrong = [
    `${ref}/${flip(token)}`, // another token
    `${flip(ref)}/${token}`, // the token of another reference
    `${ref}/${token.slice(0, -2)}`, // cut short
    `${ref}/${token}/more`,
    `${ref}`,
    "",
    `${ref}/${"A".repeat(43)}`,
    `${ref}/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, // the same MAC, another spelling
    `${ref}/${token}%00`,
  ];
  for (const rest of wrong) {
    const answer = await fetch(`${proxyUrl}/api/v1/callbacks/${rest}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ data: { task_id: task.taskId, status: "COMPLETED" } }) });
    assert.equal(answer.status, 404, rest);
    assert.equal((await answer.json()).error.type, "not_found");
  }
  assert.equal((await fetch(real)).status, 405, "a GET of the true URL");
  assert.deepEqual([(await counts()).gets, done.length], [0, 0], "nothing forwarded, nothing recorded");
  // The true callback, when the task ends, is taken.
  await until("the true callback", () => done.length === 1);
  assert.equal((await counts()).gets, 1);
});

test("with callbacks on, a create that names its own callback_url is a 400, and nothing is sent", async () => {
  const answer = await fetch(`${proxyUrl}/api/v1/videos/generations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-User": "alice" },
    body: JSON.stringify({ prompt: "a cat", callback_url: "http://127.0.0.1:1/steal" }),
  });
  assert.equal(answer.status, 400);
  const { error } = await answer.json();
  assert.equal(error.type, "invalid_request");
  assert.equal(error.details[0].path, "callback_url");
  // The client's own callbackUrl option meets the same answer.
  await assert.rejects(client.createTask({ prompt: "a cat" }, { callbackUrl: "https://hook.example/x" }), (e) => e.status === 400 && e.type === "invalid_request");
  assert.equal((await counts()).posts, 0);
});

test("polls are answered from the store, and a task whose callback is lost is read once a minute from the create", async (t) => {
  await control("/faults", { fault: "callback-lost" });
  const clock = FakeTimers.install({ now: Date.now(), toFake: ["Date"] });
  t.after(() => clock.uninstall());
  const created = await (await fetch(`${proxyUrl}/api/v1/videos/generations`, { method: "POST", headers: { "Content-Type": "application/json", "X-User": "alice" }, body: JSON.stringify({ prompt: "a cat", duration: 5 }) })).json();
  const id = created.data.task_id;
  const statusOf = async () => (await (await poll(id)).json()).data.status;
  assert.equal(await statusOf(), "IN_PROGRESS");
  // The task ends in the sandbox (in real time), and its callback never comes.
  await new Promise((r) => setTimeout(r, 1_300));
  assert.equal(await statusOf(), "IN_PROGRESS", "the store knows only the create");
  clock.tick(59_000);
  assert.equal(await statusOf(), "IN_PROGRESS");
  assert.equal((await counts()).gets, 0, "no read within the first minute");
  clock.tick(1_000);
  assert.equal(await statusOf(), "COMPLETED", "a minute after the create, the proxy asks the API");
  assert.equal((await counts()).gets, 1);
  assert.equal(done.length, 1);
  clock.tick(120_000);
  assert.equal(await statusOf(), "COMPLETED");
  assert.equal((await counts()).gets, 1, "a final state is not asked again");
  assert.equal((await poll(id, "mallory")).status, 404, "and is still only its owner's");
});

test("a task that runs longer costs at most one more upstream request a minute, then the callback's read", async (t) => {
  // A sandbox of its own, slower: a 15 s video takes (60 s + 120 s) × 0.03 = 5.4 s of real
  // time, during which the proxy's clock moves on by minutes (and a loaded machine has time
  // for the polls).
  const slow = await startChild({ KLING_SANDBOX_TIME_SCALE: "0.03" });
  const general = handler;
  handler = createProxyHandler({ ...options, upstream: `${slow.url}/api/v1` });
  const counts = async () => (await fetch(`${slow.url}/_sandbox`).then((r) => r.json())).counts;
  t.after(() => {
    handler = general;
    slow.stop();
  });
  const clock = FakeTimers.install({ now: Date.now(), toFake: ["Date"] });
  t.after(() => clock.uninstall());
  const created = await (await fetch(`${proxyUrl}/api/v1/videos/generations`, { method: "POST", headers: { "Content-Type": "application/json", "X-User": "alice" }, body: JSON.stringify({ prompt: "a cat", duration: 15 }) })).json();
  const id = created.data.task_id;
  const gets = [];
  for (const minute of [1, 2, 3]) {
    for (const step of [0, 20_000, 20_000, 19_000]) {
      clock.tick(step);
      assert.equal((await poll(id)).status, 200);
    }
    gets.push((await counts()).gets);
    clock.tick(1_000);
    assert.equal((await poll(id)).status, 200);
    gets.push((await counts()).gets);
    void minute;
  }
  assert.deepEqual(gets, [0, 1, 1, 2, 2, 3], "one read as each minute from the create begins, none between");
  await until("the task done", async () => done.length === 1);
  assert.equal((await counts()).gets, 4, "the callback's read");
  assert.equal(done[0].task.status, "succeeded");
  clock.tick(60_000);
  assert.equal((await (await poll(id)).json()).data.status, "COMPLETED");
  assert.equal((await counts()).gets, 4);
});

test("callbacks are checked when the handler is made", () => {
  const make = (extra) => () => createProxyHandler({ apiKey: KEY, ...extra });
  assert.throws(make({ callbacks: { publicUrl: "ftp://x.example", secret: SECRET } }), /callbacks\.publicUrl must be the http\(s\) URL/);
  assert.throws(make({ callbacks: { publicUrl: "https://x.example/api?x=1", secret: SECRET } }), /callbacks\.publicUrl/);
  assert.throws(make({ callbacks: { publicUrl: "https://x.example/api", secret: "short" } }), /callbacks\.secret must be a string of at least 32 characters/);
  assert.throws(make({ onTaskDone: () => {} }), /onTaskDone must be a function of \(task, principal\), and needs callbacks/);
  const fourOps = { reserve: async () => ({ ok: true, entry: "1" }), refund: async () => {}, setOwner: async () => {}, owner: async () => null };
  assert.throws(make({ store: fourOps, callbacks: { publicUrl: "https://x.example/api/v1", secret: SECRET } }), /with callbacks, store must also have the operations put, get, claim/);
  assert.throws(make({ callbacks: { publicUrl: "https://x.example/api", secret: SECRET } }), /callbacks\.publicUrl must end with the handler's basePath \("\/api\/v1"\)/);
  assert.doesNotThrow(make({ basePath: "/api/kling", callbacks: { publicUrl: "https://x.example/app/api/kling/", secret: SECRET } }), "under a front path");
  assert.throws(make({ allowedHosts: ["app.example"], callbacks: { publicUrl: "https://x.example/api/v1", secret: SECRET } }), /host x\.example must be one of allowedHosts/);
  assert.doesNotThrow(make({ store: fourOps }), "a store of four operations still serves without callbacks");
});

test("npm start serves the proxy with callbacks from KLING_PUBLIC_URL and KLING_CALLBACK_SECRET", async (t) => {
  const port = await freePort();
  const env = { KLING_API_KEY: KEY, KLING_BASE_URL: `${sandbox.url}/api/v1`, PORT: String(port), KLING_PUBLIC_URL: `http://127.0.0.1:${port}/api/v1` };
  await assert.rejects(startChild({ ...env, KLING_CALLBACK_SECRET: "short" }), /callbacks\.secret must be a string of at least 32 characters/);
  const child = await startChild({ ...env, KLING_CALLBACK_SECRET: SECRET });
  t.after(() => child.stop());
  assert.match(child.output(), new RegExp(`callbacks at http://127\\.0\\.0\\.1:${port}/api/v1`));
  const task = await new KlingClient({ baseUrl: `${child.url}/api/v1` }).generate({ prompt: "a cat", duration: 5 });
  assert.equal(task.status, "succeeded");
  const c = await counts();
  assert.deepEqual([c.posts, c.gets, c.callbacks], [1, 1, 1]);
});

test("instances sharing a store call onTaskDone once, and again when the one that kept the end stopped before calling it", async () => {
  const { memoryStore } = await import("kling3-wasm/proxy");
  const store = memoryStore();
  let ended = false;
  let reads = 0;
  const api = async (url, init) => {
    const body = (data) => new Response(JSON.stringify({ code: 200, message: "success", data }), { status: 200, headers: { "Content-Type": "application/json" } });
    if (init.method === "POST") return body({ task_id: "t-shared", status: "IN_PROGRESS" });
    reads++;
    return body(ended ? { task_id: "t-shared", status: "COMPLETED", output: { video_url: "https://cdn.example/v.mp4" } } : { task_id: "t-shared", status: "IN_PROGRESS" });
  };
  const calls = [];
  // The first claim of "done" fails, as an instance that stopped there would leave it.
  let failOnce = true;
  const flaky = { ...store, claim: async (key, ...rest) => {
    if (key.startsWith("done:") && failOnce) {
      failOnce = false;
      throw new Error("the store went away");
    }
    return store.claim(key, ...rest);
  } };
  const make = (name, s) => createProxyHandler({ apiKey: KEY, fetch: api, store: s, callbacks: { publicUrl: "https://proxy.example/api/v1", secret: SECRET }, onTaskDone: (task) => calls.push([name, task.taskId, task.status]) });
  const [a, b] = [make("a", flaky), make("b", store)];
  let sent;
  const capture = createProxyHandler({ apiKey: KEY, store, callbacks: { publicUrl: "https://proxy.example/api/v1", secret: SECRET }, fetch: async (url, init) => {
    sent = JSON.parse(init.body);
    return api(url, init);
  } });
  await capture(new Request("https://proxy.example/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ prompt: "a cat" }) }));
  ended = true;
  const callback = (h) => h(new Request(sent.callback_url, { method: "POST", body: "{}" })).then((r) => r.status);
  const t = (await import("node:test")).mock;
  const errors = t.method(console, "error", () => {});
  try {
    assert.equal(await callback(a), 503, "the end was kept, the call was lost with the store");
    assert.deepEqual(calls, []);
    const statuses = await Promise.all([callback(a), callback(b), callback(b), callback(a)]);
    assert.deepEqual(statuses, [200, 200, 200, 200], "the end is kept: each is taken");
  } finally {
    errors.mock.restore();
  }
  assert.equal(reads, 1, "one read for every callback");
  assert.equal(calls.length, 1, "onTaskDone once over both instances");
  assert.deepEqual(calls[0].slice(1), ["t-shared", "succeeded"]);
});

test("onTaskDone that throws is logged, without the key, and not called again", async (t) => {
  const logged = [];
  t.mock.method(console, "error", (line) => logged.push(String(line)));
  let sent;
  let n = 0;
  const h = createProxyHandler({
    apiKey: KEY,
    callbacks: { publicUrl: "https://proxy.example/api/v1", secret: SECRET },
    onTaskDone: () => {
      n++;
      throw new Error(`the hook failed near ${KEY}`);
    },
    fetch: async (url, init) => {
      if (init.method === "POST") sent = JSON.parse(init.body);
      const status = init.method === "POST" ? "IN_PROGRESS" : "FAILED";
      return new Response(JSON.stringify({ code: 200, message: "success", data: { task_id: "t-hook", status, error: "no" } }), { status: 200 });
    },
  });
  await h(new Request("https://proxy.example/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ prompt: "a cat" }) }));
  for (let i = 0; i < 3; i++) assert.equal((await h(new Request(sent.callback_url, { method: "POST", body: "{}" }))).status, 200);
  assert.equal(n, 1);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /onTaskDone threw/);
  assert.ok(!logged[0].includes(KEY), logged[0]);
});
