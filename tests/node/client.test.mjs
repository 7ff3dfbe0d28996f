// KlingClient against the sandbox: completing tasks, every retry rule, Retry-After, exactly one
// POST per created task in every fault, abort and timeouts, error fields, and the key kept out
// of every error and URL.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as k from "kling3-wasm";
import { ApiError, buildRequest, KlingClient, KlingError, TaskFailedError, TimeoutError, ValidationError } from "kling3-wasm";
import { createServer } from "node:net";
import { startDevServer } from "../../server/dev-server.mjs";

const KEY = "aio_topsecret1234";
let srv;
let base;
let sandbox;
before(async () => {
  srv = await startDevServer({ port: 0, sandbox: { timeScale: 0.005 } });
  base = `${srv.url}/api/v1`;
  sandbox = srv.sandbox;
});
after(() => srv.close());
beforeEach(() => sandbox.reset());

const client = (options = {}) => new KlingClient({ apiKey: KEY, baseUrl: base, ...options });
const posts = () => sandbox.counts.posts;
const gets = () => sandbox.counts.gets;
/** A local port nothing listens on just now: a connection to it is refused. */
const closedPort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

describe("completing tasks", () => {
  test("generate creates a task, polls it with progress reports and resolves with the video", async () => {
    const seen = [];
    const task = await client().generate({ prompt: "a cat", duration: 3 }, { pollIntervalMs: 50, onProgress: (p) => seen.push(p) });
    assert.equal(task.status, "succeeded");
    assert.match(task.videoUrl, /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/video\.mp4/);
    assert.equal(task.raw.data.status, "COMPLETED");
    assert.ok(seen.length >= 2);
    assert.deepEqual(seen.map((p) => p.polls), seen.map((_, i) => i + 1));
    assert.ok(seen.every((p) => p.taskId === task.taskId && typeof p.elapsedMs === "number"));
    assert.equal(seen.at(-1).status, "succeeded");
    assert.equal(posts(), 1);
    const video = await fetch(task.videoUrl);
    assert.equal(video.headers.get("content-type"), "video/mp4");
    assert.equal(Buffer.from(await video.arrayBuffer()).subarray(4, 8).toString(), "ftyp");
  });

  test("createTask returns the task id and getTask reads it", async () => {
    const c = client();
    const created = await c.createTask({ prompt: "a cat" }, { callbackUrl: "http://127.0.0.1:9/hook" });
    assert.match(created.taskId, /^sbx[0-9a-f]+_kling3$/);
    assert.equal(created.status, "running");
    const again = await c.getTask(created.taskId);
    assert.equal(again.taskId, created.taskId);
    assert.equal(sandbox.tasks.get(created.taskId).callbackUrl, "http://127.0.0.1:9/hook");
  });

  test("an invalid request is refused before anything is sent", async () => {
    const error = await rejection(client().createTask({ duration: 20 }));
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.errors.map((e) => e.path), ["prompt", "duration"]);
    assert.equal(posts(), 0);
  });

  test("the client works with an injected fetch", async () => {
    const urls = [];
    // Called as the global fetch is: fetch(url, init).
    const fetch = (url, init) => {
      urls.push([init.method, url]);
      return globalThis.fetch(url, init);
    };
    const task = await client({ fetch }).generate({ prompt: "a cat", duration: 3 }, { pollIntervalMs: 50 });
    assert.equal(task.status, "succeeded");
    assert.deepEqual(urls[0], ["POST", `${base}/videos/generations`]);
    assert.deepEqual(urls[1], ["GET", `${base}/tasks/${task.taskId}`]);
  });

  test("each request carries the headers it needs: the key when given, a JSON type only with a body", async () => {
    const seen = [];
    const fetch = async (url, init) => {
      const request = new Request(url, init);
      const body = request.method === "GET" ? undefined : await request.clone().text();
      seen.push({ method: request.method, headers: Object.fromEntries(request.headers), body });
      return globalThis.fetch(url, init);
    };
    const { taskId } = await client({ fetch }).createTask({ prompt: "a cat" });
    await client({ fetch }).getTask(taskId);
    await new KlingClient({ baseUrl: base, fetch }).getTask(taskId).catch(() => {});
    const [post, get, keyless] = seen;
    assert.deepEqual(post.headers, { accept: "application/json", "content-type": "application/json", authorization: `Bearer ${KEY}` });
    assert.equal(post.body, buildRequest({ prompt: "a cat" }).body, "the body is buildRequest's, byte for byte");
    assert.deepEqual(get.headers, { accept: "application/json", authorization: `Bearer ${KEY}` });
    assert.equal(get.body, undefined);
    assert.deepEqual(keyless.headers, { accept: "application/json" }, "no key, no Authorization (a proxy adds it)");
  });

  test("an idempotency key makes a repeated create give back the same task, created once", async () => {
    const idempotencyKey = "6b1f9d2e-0c4a-4f7e-9a51-2d8c3e7f1a90";
    const first = await client().createTask({ prompt: "a cat" }, { idempotencyKey });
    const again = await client().createTask({ prompt: "a cat" }, { idempotencyKey });
    assert.equal(again.taskId, first.taskId);
    assert.equal(posts(), 2);
    assert.equal(sandbox.tasks.size, 1, "one task for one key");
    const error = await rejection(client().createTask({ prompt: "a cat" }, { idempotencyKey: "two words" }));
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.errors.map((e) => e.path), ["idempotencyKey"]);
    assert.equal(posts(), 2, "nothing sent with a bad key");
  });

  test("a failed task rejects with TaskFailedError carrying the task", async () => {
    sandbox.addFault({ fault: "fail-task" });
    const error = await rejection(client().generate({ prompt: "x", duration: 3 }, { pollIntervalMs: 50 }));
    assert.ok(error instanceof TaskFailedError && error instanceof KlingError);
    assert.match(error.taskId, /^sbx/);
    assert.equal(error.task.status, "failed");
    assert.match(error.message, /fail-task/);
  });
});

describe("retries", () => {
  for (const fault of ["html-502", "html-503", "status-500", "status-504", "drop", "rate-limit-ms"]) {
    test(`a GET is retried after ${fault}`, async () => {
      const { taskId } = await client().createTask({ prompt: "x" });
      sandbox.addFault({ fault, route: "poll", times: 2 });
      const before = gets();
      const task = await client().getTask(taskId);
      assert.equal(task.taskId, taskId);
      assert.equal(gets() - before, 3, "two failures and one success");
    });
  }

  test("maxRetries counts the tries after the first, then the error is an ApiError", async () => {
    const { taskId } = await client().createTask({ prompt: "x" });
    sandbox.addFault({ fault: "html-502", route: "poll", times: 5 });
    const before = gets();
    const error = await rejection(client({ maxRetries: 1 }).getTask(taskId));
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 502);
    assert.match(error.message, /HTML page/);
    assert.equal(gets() - before, 2);
  });

  for (const status of [401, 404]) {
    test(`a GET answered ${status} is not retried`, async () => {
      const c = status === 401 ? client({ apiKey: "aio_x" }) : client();
      const before = gets();
      const error = await rejection(c.getTask("sbx000000000000_kling3"));
      assert.equal(error.status, status);
      assert.equal(gets() - before, 1);
    });
  }

  for (const fault of ["html-502", "status-500", "status-504", "drop", "malformed-json", "envelope-error"]) {
    test(`a POST is sent exactly once when it meets ${fault}`, async () => {
      sandbox.addFault({ fault, route: "create" });
      const error = await rejection(client().createTask({ prompt: "x" }));
      assert.ok(error instanceof KlingError, `${error}`);
      assert.equal(posts(), 1);
      assert.equal(error.mayHaveCreated, true, "it says the task may exist");
      assert.equal(error.retryable, false, "sending it again may charge twice");
      // What to do is the hint; the message says only what happened.
      assert.equal(error.hint, "The task may have been created (and charged): look for it (the dashboard, or your callback_url) before sending the request again.");
      assert.doesNotMatch(error.message, /may have been created/);
      // An ApiError's status is its field, not the start of its message.
      if (error instanceof ApiError) assert.doesNotMatch(error.message, /^HTTP /);
      const said = {
        "html-502": "a gateway in front of the API got a bad answer from it (an HTML page, not the API's JSON: a proxy or gateway answered)",
        "status-500": "Internal server error",
        "status-504": "a gateway in front of the API timed out (empty response)",
        "malformed-json": "HTTP 200 came with a body that is not JSON",
        "envelope-error": "Internal error, please retry",
      }[fault];
      if (said) assert.equal(error.message, said);
      // The connection cut: Node's fetch says so in its error's cause ("other side closed").
      else assert.match(error.message, new RegExp(`^POST ${base.replace(/[.]/g, "\\.")}/videos/generations failed before an answer came: fetch failed \\(.+\\)$`));
    });
  }

  test("a POST refused with a 4xx or answered with a task does not say the task may exist", async () => {
    const refused = await rejection(client({ apiKey: "not-a-key" }).createTask({ prompt: "x" }));
    assert.equal(refused.status, 401);
    assert.ok(refused instanceof ApiError);
    assert.deepEqual([refused.mayHaveCreated, refused.retryable, refused.hint], [false, false, null]);
    const invalid = await rejection(client().createTask({ prompt: "" }));
    assert.ok(invalid instanceof ValidationError);
    assert.deepEqual([invalid.mayHaveCreated, invalid.retryable, invalid.hint], [false, false, null]);
  });

  test("a POST that times out is not sent again, and the error says the task may exist", async () => {
    sandbox.addFault({ fault: "slow", route: "create", ms: 600 });
    const error = await rejection(client({ timeoutMs: 100 }).createTask({ prompt: "x" }));
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.message, `POST ${base}/videos/generations got no answer within 100 ms`);
    assert.equal(error.mayHaveCreated, true);
    assert.match(error.hint, /^The task may have been created \(and charged\)/);
    assert.equal(posts(), 1);
  });

  test("a POST answered 429 is sent again, and one task is created", async () => {
    sandbox.addFault({ fault: "rate-limit-ms", route: "create", ms: 50 });
    const created = await client().createTask({ prompt: "x" });
    assert.ok(created.taskId);
    assert.equal(posts(), 2);
    assert.equal(sandbox.counts.created, 1);
  });

  test("Retry-After in seconds is honoured", async () => {
    sandbox.addFault({ fault: "rate-limit", route: "create", seconds: 1 });
    const started = Date.now();
    await client().createTask({ prompt: "x" });
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  });

  test("Retry-After as an HTTP date is honoured", async () => {
    sandbox.addFault({ fault: "rate-limit-date", route: "create", seconds: 2 });
    const started = Date.now();
    await client().createTask({ prompt: "x" });
    const waited = Date.now() - started;
    assert.ok(waited >= 900 && waited < 3000, `waited ${waited} ms`);
  });

  test("retry-after-ms is honoured", async () => {
    sandbox.addFault({ fault: "rate-limit-ms", route: "poll", ms: 400 });
    const { taskId } = await client().createTask({ prompt: "x" });
    const started = Date.now();
    await client().getTask(taskId);
    assert.ok(Date.now() - started >= 390);
  });

  test("a 429 still there after the retries is an ApiError with the wait", async () => {
    sandbox.addFault({ fault: "rate-limit-ms", route: "create", ms: 20, times: 5 });
    const error = await rejection(client({ maxRetries: 2 }).createTask({ prompt: "x" }));
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 20);
    assert.equal(posts(), 3);
    assert.equal(sandbox.counts.created, 0);
  });
});

describe("errors", () => {
  test("401 has the documented fields", async () => {
    const error = await rejection(client({ apiKey: "aio_no" }).createTask({ prompt: "x" }));
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.code, error.type, error.message], [401, 401, "authentication_error", "Invalid API key"]);
    assert.equal(error.body.error.type, "authentication_error");
  });

  test("402 says the task costs more than the balance", async () => {
    sandbox.setCredits(100);
    const error = await rejection(client().createTask({ prompt: "x" }));
    assert.deepEqual([error.status, error.type], [402, "insufficient_credits"]);
    assert.match(error.message, /costs 300, the balance is 100/);
  });

  test("404 for a task that does not exist", async () => {
    const error = await rejection(client().getTask("sbx123456789abc_kling3"));
    assert.deepEqual([error.status, error.type], [404, "not_found"]);
  });

  test("no answer says why, from the error's cause: a refused connection, an unknown host", async () => {
    const closed = await closedPort();
    const refused = await rejection(new KlingClient({ baseUrl: `http://127.0.0.1:${closed}/api/v1`, maxRetries: 0 }).getTask("t_1"));
    assert.equal(refused.code, "network_error");
    assert.match(refused.message, new RegExp(`failed before an answer came: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}\\)$`));
    const unknown = await rejection(new KlingClient({ baseUrl: "http://no-such-host.invalid/api/v1", maxRetries: 0 }).getTask("t_1"));
    assert.match(unknown.message, /\(getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host\.invalid\)$/);
  });

  test("malformed JSON is a KlingError, never a raw SyntaxError", async () => {
    const { taskId } = await client().createTask({ prompt: "x" });
    sandbox.addFault({ fault: "malformed-json", route: "poll", times: 3 });
    const before = gets();
    const error = await rejection(client().getTask(taskId));
    assert.ok(error instanceof KlingError && !(error instanceof SyntaxError));
    assert.equal(error.code, "invalid_json");
    assert.equal(error.taskId, taskId, "the error names the task");
    assert.equal(gets() - before, 3, "read three times: maxRetries is 2");
  });

  for (const fault of ["malformed-json", "envelope-error", "html-502"]) {
    test(`one unreadable answer (${fault}) while waiting is read again, and the wait goes on`, async () => {
      const { taskId } = await client().createTask({ prompt: "x", duration: 3 });
      sandbox.addFault({ fault, route: "poll", times: 1 });
      const task = await client().waitForTask(taskId, { pollIntervalMs: 20 });
      assert.equal(task.status, "succeeded");
    });
  }

  test("an error after the task was created names it, so it can be resumed", async () => {
    sandbox.addFault({ fault: "html-502", route: "poll", times: 1000 });
    const error = await rejection(client({ maxRetries: 0 }).generate({ prompt: "x", duration: 3 }, { pollIntervalMs: 20, timeoutMs: 300 }));
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.retryable], [502, true]);
    assert.match(error.taskId, /^sbx/);
    assert.ok(sandbox.tasks.has(error.taskId), "the id is the created task's");
    sandbox.reset();
  });

  test("with onPollError, a wait rides out an outage: polls that fail after their retries do not end it", async () => {
    // Four polls' worth of 503 pages (each poll tries three times), from just after the create.
    const outage = () => sandbox.addFault({ fault: "html-503", route: "poll", times: 12 });
    const missed = [];
    const task = await client().generate({ prompt: "x", duration: 3 }, { pollIntervalMs: 20, onCreated: outage, onPollError: (e) => missed.push(e) });
    assert.equal(task.status, "succeeded");
    assert.ok(gets() > 12, `read ${gets()} times`);
    // onPollError is told each poll the wait rode out: four, each tried three times.
    assert.deepEqual(missed.map((e) => [e instanceof ApiError, e.status, e.retryable, e.taskId]), Array(4).fill([true, 503, true, task.taskId]));
    // waitForTask rides out an outage once it has read the task.
    let polled = 0;
    const again = await client().waitForTask(task.taskId, { onProgress: () => polled++ === 0 && outage(), onPollError: () => {} }).catch((e) => e);
    assert.equal(again.status, "succeeded", String(again));
    const stop = new Error("the page was closed");
    const stopped = await rejection(client().generate({ prompt: "x" }, { onCreated: outage, onPollError: () => { throw stop; } }));
    assert.equal(stopped, stop, "a throw in onPollError ends the wait with it");
    sandbox.reset();
    const refused = await rejection(client().waitForTask(task.taskId, { onPollError: 5 }));
    assert.deepEqual(refused.errors.map((e) => e.path), ["onPollError"]);
  });

  test("a wait whose first poll gets no answer at all ends at once: a wrong host is no outage to wait out", async () => {
    const closed = await closedPort();
    const started = Date.now();
    const error = await rejection(new KlingClient({ baseUrl: `http://127.0.0.1:${closed}/api/v1` }).waitForTask("t_1", { onPollError: () => {} }));
    assert.deepEqual([error.code, error.retryable, error.taskId], ["network_error", true, "t_1"]);
    assert.ok(Date.now() - started < 10_000, "not the 15 minutes of the wait");
    // A client that has reached the API (its create was answered) rides out a first poll lost.
    const c = client();
    const made = await c.createTask({ prompt: "x", duration: 3 });
    sandbox.addFault({ fault: "drop", route: "poll", times: 3 });
    assert.equal((await c.waitForTask(made.taskId, { pollIntervalMs: 20, onPollError: () => {} })).status, "succeeded");
    // A 503 page is a server there: its outage is ridden out, from the first poll on.
    const { taskId } = await client().createTask({ prompt: "x", duration: 3 });
    sandbox.addFault({ fault: "html-503", route: "poll", times: 6 });
    assert.equal((await client().waitForTask(taskId, { pollIntervalMs: 20, onPollError: () => {} })).status, "succeeded");
    // Without onPollError the wait ends with the first poll that fails, maxRetries bounding its tries.
    sandbox.addFault({ fault: "html-503", route: "poll", times: 3 });
    const before = gets();
    const ended = await rejection(client().waitForTask(taskId, { pollIntervalMs: 20 }));
    assert.deepEqual([ended.status, ended.retryable, ended.taskId, gets() - before], [503, true, taskId, 3]);
  });

  test("a poll the API refuses (a 401) ends the wait at once, whatever time is left", async () => {
    const { taskId } = await client().createTask({ prompt: "x", duration: 15 });
    const before = gets();
    const error = await rejection(new KlingClient({ baseUrl: base }).waitForTask(taskId, { pollIntervalMs: 20 }));
    assert.ok(error instanceof ApiError, String(error));
    assert.deepEqual([error.status, error.retryable, error.taskId, gets() - before], [401, false, taskId, 1]);
  });

  test("one AbortSignal shared by many calls adds no listener Node warns about", async () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const { taskId } = await client().createTask({ prompt: "x" });
      const controller = new AbortController();
      const c = client();
      await Promise.all(Array.from({ length: 25 }, () => c.getTask(taskId, { signal: controller.signal })));
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings.filter((w) => w === "MaxListenersExceededWarning"), []);
  });

  test("an HTTP 200 whose envelope says code 500 is an ApiError", async () => {
    const { taskId } = await client().createTask({ prompt: "x" });
    sandbox.addFault({ fault: "envelope-error", route: "poll", times: 5 });
    const error = await rejection(client({ maxRetries: 0 }).getTask(taskId));
    assert.ok(error instanceof ApiError);
    // `.status` is the HTTP status; the envelope's code is `.code`.
    assert.equal(error.status, 200);
    assert.equal(error.code, 500);
  });

  test("bad options are a ValidationError naming the option", () => {
    assert.throws(() => new KlingClient({ maxRetries: -1 }), (e) => e instanceof ValidationError && e.errors[0].path === "maxRetries");
    assert.throws(() => new KlingClient({ fetch: 42 }), (e) => e.errors[0].path === "fetch");
    assert.throws(() => new KlingClient({ baseUrl: "apiin.one" }), (e) => e.errors[0].path === "baseUrl");
    // A known option misspelt would be silently not taken (baseurl: the real API, which charges).
    assert.throws(() => new KlingClient({ baseurl: base }), (e) => e instanceof ValidationError && e.message === "Invalid request: baseurl is not an option: did you mean baseUrl?");
    assert.throws(() => new KlingClient({ apiKey: "aio_a b" }), (e) => e.errors[0].path === "apiKey" && !e.message.includes("aio_a"));
  });

  test("a path as baseUrl outside a page makes a client whose every call is refused, sending nothing", async () => {
    // Node has no page for a path to be relative to (a fetch of the caller's could take it).
    const c = new KlingClient({ baseUrl: "/api/v1" });
    for (const call of [() => c.createTask({ prompt: "x" }), () => c.getTask("t_1"), () => c.waitForTask("t_1"), () => c.generate({ prompt: "x" })]) {
      const e = await rejection(call());
      assert.ok(e instanceof ValidationError, String(e));
      assert.deepEqual([e.errors[0].path, e.mayHaveCreated], ["baseUrl", false]);
      assert.ok(e.errors[0].message.startsWith("baseUrl /api/v1 is a path, and there is no page here"), e.errors[0].message);
    }
  });

  test("the key never appears in an error, a URL or a log line", async () => {
    const logged = [];
    const saved = { log: console.log, error: console.error, warn: console.warn };
    for (const name of Object.keys(saved)) console[name] = (...a) => logged.push(a.join(" "));
    const urls = [];
    // A server that echoes the Authorization header in its error messages.
    const echo = async (url, init) => {
      urls.push(url);
      return new Response(JSON.stringify({ error: { code: 400, message: `bad request from ${init.headers.Authorization}` } }), { status: 400 });
    };
    const errors = [];
    try {
      const c = client({ fetch: echo });
      errors.push(await rejection(c.createTask({ prompt: "x" })));
      errors.push(await rejection(c.getTask("abc")));
      errors.push(await rejection(client({ fetch: () => Promise.reject(new Error(`refused ${KEY}`)) }).getTask("abc")));
      sandbox.addFault({ fault: "drop", route: "any", times: 10 });
      errors.push(await rejection(client({ maxRetries: 0 }).getTask("abc")));
    } finally {
      Object.assign(console, saved);
    }
    for (const error of errors) {
      const text = JSON.stringify({ message: error.message, stack: error.stack, body: error.body, code: error.code });
      assert.ok(!text.includes(KEY), `the key leaked in ${text}`);
    }
    assert.match(errors[0].message, /\[redacted\]/);
    assert.ok(urls.every((u) => !u.includes(KEY)));
    assert.ok(logged.every((l) => !l.includes(KEY)));
  });

  test("a key of any length is kept out of what the server echoes", async () => {
    const echo = async (url, init) => new Response(JSON.stringify({ error: { code: 400, message: `bad key ${init.headers.Authorization}` } }), { status: 400 });
    for (const apiKey of ["Q", "Q7z"]) {
      const error = await rejection(client({ apiKey, fetch: echo }).getTask("abc"));
      assert.equal(error.message, "bad key Bearer [redacted]");
      assert.ok(!JSON.stringify(error.body).includes(`Bearer ${apiKey}`), JSON.stringify(error.body));
    }
    // Keys that the marker would make again: one that ends where the text goes on, one inside it.
    const after = async (url, init) => new Response(`oops ${init.headers.Authorization}ab`, { status: 400 });
    for (const apiKey of ["d]ab", "act"]) {
      const error = await rejection(client({ apiKey, fetch: after }).getTask("abc"));
      const text = JSON.stringify({ message: error.message, body: error.body, cause: error.cause });
      assert.ok(!text.includes(apiKey), text);
      assert.equal(error.status, 400);
    }
  });
});

describe("abort and timeouts", () => {
  test("an aborted signal rejects at once and sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(client().createTask({ prompt: "x" }, { signal: controller.signal }));
    assert.equal(error.name, "AbortError");
    assert.equal(posts(), 0);
  });

  test("abort while sleeping between polls rejects within 100 ms, with the signal's reason", async () => {
    const { taskId } = await client().createTask({ prompt: "x", duration: 15 });
    const controller = new AbortController();
    const reason = new Error("user left the page");
    const waiting = client().waitForTask(taskId, { signal: controller.signal, pollIntervalMs: 10_000 });
    await new Promise((r) => setTimeout(r, 150));
    const aborted = Date.now();
    controller.abort(reason);
    const error = await rejection(waiting);
    assert.equal(error, reason);
    assert.ok(Date.now() - aborted < 100, `took ${Date.now() - aborted} ms`);
  });

  test("abort during a request in flight rejects within 100 ms with an AbortError", async () => {
    sandbox.addFault({ fault: "slow", route: "create", ms: 3000 });
    const controller = new AbortController();
    const creating = client().createTask({ prompt: "x" }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    const aborted = Date.now();
    controller.abort();
    const error = await rejection(creating);
    assert.equal(error.name, "AbortError");
    assert.ok(Date.now() - aborted < 100, `took ${Date.now() - aborted} ms`);
  });

  test("generate tells onCreated the task before its first poll, so an abort after the create loses no task", async () => {
    const controller = new AbortController();
    const told = [];
    const generating = client().generate({ prompt: "x", duration: 15 }, {
      signal: controller.signal,
      pollIntervalMs: 10_000,
      onCreated: (task) => {
        told.push({ ...task, getsSoFar: gets() });
        controller.abort();
      },
    });
    const error = await rejection(generating);
    assert.equal(error.name, "AbortError");
    assert.equal(told.length, 1);
    assert.match(told[0].taskId, /^sbx[0-9a-f]+_kling3$/);
    assert.ok(sandbox.tasks.has(told[0].taskId), "the task the sandbox made");
    assert.deepEqual([told[0].status, told[0].raw.data.task_id, told[0].getsSoFar, gets(), posts()], ["running", told[0].taskId, 0, 0, 1]);
  });

  test("a promise onCreated returns is waited for before the first poll, and its rejection rejects generate", async () => {
    let release;
    let getsBefore = -1;
    const generating = client().generate({ prompt: "x" }, { pollIntervalMs: 20, onCreated: () => new Promise((r) => (release = r)) });
    await new Promise((r) => setTimeout(r, 200));
    getsBefore = gets();
    release();
    assert.equal((await generating).status, "succeeded");
    assert.equal(getsBefore, 0, "no poll while onCreated's promise was pending");
    const saved = new Error("could not save the task id");
    assert.equal(await rejection(client().generate({ prompt: "x" }, { onCreated: () => Promise.reject(saved) })), saved);
    const late = await rejection(client().generate({ prompt: "x" }, { timeoutMs: 50, onCreated: () => new Promise(() => {}) }));
    assert.ok(late instanceof TimeoutError && /^sbx/.test(late.taskId), String(late));
  });

  test("a misspelt call option is refused before anything is sent, naming the one meant", async () => {
    const error = await rejection(client().generate({ prompt: "x" }, { sginal: new AbortController().signal, pollintervalMs: 20 }));
    assert.deepEqual(error.errors.map((e) => [e.path, e.code, e.message]), [
      ["sginal", "unknown_field", "sginal is not an option: did you mean signal?"],
      ["pollintervalMs", "unknown_field", "pollintervalMs is not an option: did you mean pollIntervalMs?"],
    ]);
    assert.equal(posts(), 0);
  });

  test("an onCreated that is not a function is refused before anything is sent", async () => {
    const error = await rejection(client().generate({ prompt: "x" }, { onCreated: "log" }));
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.errors.map((e) => [e.path, e.code]), [["onCreated", "invalid_type"]]);
    assert.equal(posts(), 0);
  });

  test("the wait's timeout rejects with TimeoutError carrying the task id, and polling can go on", async () => {
    // The longest task (about 0.9 s here) leaves room for a slow machine to poll it unfinished.
    const { taskId } = await client().createTask({ prompt: "x", duration: 15 });
    const error = await rejection(client().waitForTask(taskId, { timeoutMs: 50, pollIntervalMs: 20 }));
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.taskId, taskId);
    assert.match(error.message, new RegExp(`^task ${taskId} was still IN_PROGRESS after \\d+ s$`));
    assert.equal(error.hint, `The task may still finish: call waitForTask("${taskId}") again.`);
    assert.deepEqual([error.mayHaveCreated, error.retryable], [false, false]);
    const task = await client().waitForTask(error.taskId, { pollIntervalMs: 50 });
    assert.equal(task.status, "succeeded");
  });

  test("timeoutMs bounds each request", async () => {
    const { taskId } = await client().createTask({ prompt: "x" });
    sandbox.addFault({ fault: "slow", route: "poll", ms: 1000, times: 3 });
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 100, maxRetries: 0 }).getTask(taskId));
    assert.ok(error instanceof TimeoutError);
    assert.ok(Date.now() - started < 500);
  });
});

describe("the fetch it calls", () => {
  const created = () =>
    new Response(JSON.stringify({ code: 200, message: "success", data: { task_id: "t_1", status: "PENDING" } }), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });

  test("an injected fetch is called as the global one is: fetch(url, init)", async () => {
    const calls = [];
    const fetch = async (url, init) => {
      calls.push({ url, init, sent: await new Request(url, init).text() });
      return created();
    };
    const task = await new KlingClient({ apiKey: KEY, baseUrl: "https://api.test/api/v1", fetch }).createTask({ prompt: "a cat" });
    assert.equal(task.taskId, "t_1");
    const [call] = calls;
    assert.equal(call.url, "https://api.test/api/v1/videos/generations", "the URL, as a string");
    assert.equal(call.init.method, "POST");
    assert.equal(call.init.headers.Authorization, `Bearer ${KEY}`);
    assert.equal(call.init.headers["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(call.init.body), JSON.parse(call.sent));
    assert.equal(JSON.parse(call.init.body).prompt, "a cat");
    assert.equal(call.init.redirect, "manual", "a create is never redirected");
    assert.ok(call.init.signal instanceof AbortSignal);
  });

  test("every request asks for no cache: the create, each poll and each retry", async () => {
    const calls = [];
    let polls = 0;
    const fetch = async (url, init) => {
      calls.push({ method: init.method, init: init.cache, request: new Request(url, init).cache });
      if (init.method === "POST") return created();
      polls++;
      if (polls === 2) return new Response('{"error":{"code":503,"message":"busy"}}', { status: 503, headers: { "Retry-After-Ms": "1" } });
      const status = polls >= 4 ? "COMPLETED" : "IN_PROGRESS";
      return new Response(JSON.stringify({ code: 200, data: { task_id: "t_1", status, output: { video_url: "https://v.example/a.mp4" } } }));
    };
    const task = await new KlingClient({ apiKey: KEY, baseUrl: "https://api.test/api/v1", fetch }).generate({ prompt: "a cat" }, { pollIntervalMs: 100 });
    assert.equal(task.status, "succeeded");
    assert.deepEqual(calls.map((c) => c.method), ["POST", "GET", "GET", "GET", "GET"], "a create, three polls and a retry");
    assert.deepEqual(calls.filter((c) => c.init !== "no-store" || c.request !== "no-store"), []);
    // Outside a page a path makes no Request: the fetch gets the path, and init still says it.
    const paths = [];
    await new KlingClient({ baseUrl: "/api/v1", fetch: async (input, init) => (paths.push([input, init.cache]), created()) }).createTask({ prompt: "a cat" });
    assert.deepEqual(paths, [["/api/v1/videos/generations", "no-store"]]);
  });

  test("a test double answers with new Response(), and anything else is refused with a clear error", async () => {
    const busy = new KlingClient({
      baseUrl: "https://api.test/api/v1",
      maxRetries: 0,
      fetch: async () => new Response('{"error":{"code":429,"message":"slow down"}}', { status: 429, headers: { "Retry-After": "7" } }),
    });
    const error = await rejection(busy.getTask("t_9"));
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.message, error.retryAfterMs], [429, "slow down", 7000]);
    // An object that only looks like a Response is not read as one: no status or body is made up.
    const created = { code: 200, data: { task_id: "t_9", status: "PENDING" } };
    for (const mock of [{ ok: true, status: 200, json: async () => created }, { status: 200 }, { ok: false, text: async () => "" }, null, "ok"]) {
      let calls = 0;
      const c = new KlingClient({ baseUrl: "https://api.test/api/v1", maxRetries: 0, fetch: async () => (calls++, mock) });
      const refused = await rejection(c.createTask({ prompt: "a" }));
      assert.equal(refused.code, "network_error", JSON.stringify(mock));
      assert.equal(
        refused.message,
        "POST https://api.test/api/v1/videos/generations failed before an answer came: fetch resolved to something that is not a Response (a test double must resolve to a `new Response(body, { status, headers })`)",
      );
      assert.equal(calls, 1);
    }
  });

  test("with a path as the base URL outside a page, the injected fetch gets the path", async () => {
    const urls = [];
    const fetch = async (input, init) => {
      urls.push([input, init.method]);
      return created();
    };
    const c = new KlingClient({ baseUrl: "/api/v1", fetch });
    await c.createTask({ prompt: "a cat" });
    await c.getTask("t_1");
    assert.deepEqual(urls, [
      ["/api/v1/videos/generations", "POST"],
      ["/api/v1/tasks/t_1", "GET"],
    ]);
  });

  test("a create answered with a redirect is not sent again, there or anywhere", async () => {
    const { createServer } = await import("node:http");
    let posts = 0;
    const server = createServer((req, res) => {
      if (req.method === "POST") posts++;
      res.writeHead(307, { Location: "/elsewhere/videos/generations" });
      res.end();
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const c = new KlingClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${server.address().port}/api/v1` });
      const error = await rejection(c.createTask({ prompt: "a cat" }));
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.status, 307);
      assert.match(error.message, /redirect/);
      // A redirect after a POST (a 303 often means "made, see there") may stand for a task.
      assert.equal(error.mayHaveCreated, true);
      assert.equal(posts, 1);
    } finally {
      server.close();
    }
  });

  test("a key the server echoes with JSON escapes is hidden in the error's message and body", async () => {
    const escaped = KEY.replace("_", "\\u005f");
    const fetch = async () =>
      new Response(`{"error":{"code":401,"message":"bad key ${escaped}","type":"authentication_error"}}`, { status: 401 });
    const error = await rejection(new KlingClient({ apiKey: KEY, baseUrl: "https://api.test/api/v1", fetch }).getTask("t_1"));
    assert.ok(error instanceof ApiError);
    assert.equal(error.message, "bad key [redacted]");
    assert.ok(!JSON.stringify(error.body).includes(KEY.slice(4)), JSON.stringify(error.body));
  });
});

describe("what an error says the caller can do", () => {
  const answer = (status, body = { error: { code: status, message: `m${status}` } }) => async () => new Response(JSON.stringify(body), { status });
  const tried = (fetch, call) => rejection(call(new KlingClient({ baseUrl: "https://api.test/api/v1", fetch, maxRetries: 1 })));

  test("retryable: a GET that met a 5xx the client retries, a 429 or no answer, once its tries ran out", async () => {
    for (const status of [429, 500, 502, 503, 504]) {
      const error = await tried(answer(status), (c) => c.getTask("t_1"));
      assert.equal(error.retryable, true, `${status}`);
    }
    const lost = await tried(async () => { throw new TypeError("fetch failed"); }, (c) => c.getTask("t_1"));
    assert.equal(lost.code, "network_error");
    assert.equal(lost.retryable, true);
    for (const status of [400, 401, 404, 501]) {
      const error = await tried(answer(status), (c) => c.getTask("t_1"));
      assert.equal(error.retryable, false, `${status}`);
      assert.equal(error.hint, null, `${status}`);
    }
  });

  test("a create's 5xx may have made the task, and is not called retryable; a 429 was not processed, and is", async () => {
    const failed = await tried(answer(500), (c) => c.createTask({ prompt: "x" }));
    assert.deepEqual([failed.mayHaveCreated, failed.retryable, failed.message], [true, false, "m500"]);
    const busy = await tried(answer(429), (c) => c.createTask({ prompt: "x" }));
    assert.deepEqual([busy.mayHaveCreated, busy.retryable, busy.message], [false, true, "m429"]);
    assert.equal(busy.hint, "The same call may well succeed later: try it again in a moment.");
  });
});

describe("the wait's own limits", () => {
  const running = () =>
    new Response(JSON.stringify({ code: 200, data: { task_id: "t_1", status: "IN_PROGRESS" } }), { status: 200, headers: { "Content-Type": "application/json" } });

  test("waitForTask's timeoutMs bounds a poll in flight: it rejects at the deadline (a last poll gets 1 s) and the poll is aborted", async () => {
    let aborted = 0;
    const hang = (input, init) =>
      new Promise((_, reject) =>
        init.signal.addEventListener("abort", () => {
          aborted++;
          reject(init.signal.reason);
        }),
      );
    const c = new KlingClient({ apiKey: KEY, baseUrl: "https://api.test/api/v1", fetch: hang, timeoutMs: 10_000 });
    const started = Date.now();
    const error = await rejection(c.waitForTask("t_1", { timeoutMs: 300 }));
    const took = Date.now() - started;
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.taskId, "t_1");
    assert.equal(error.message, "task t_1 had not finished after 1 s");
    assert.equal(error.hint, 'The task may still finish: call waitForTask("t_1") again.');
    assert.ok(took >= 950 && took < 2500, `rejected after ${took} ms`);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(aborted, 1, "the poll in flight is aborted");
  });

  test("a poll sent at the deadline that answers at once is used: a task done at the last moment is not lost", async () => {
    let calls = 0;
    const late = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return new Response(JSON.stringify({ code: 200, data: { task_id: "t_1", status: calls >= 2 ? "COMPLETED" : "IN_PROGRESS", video_url: "https://v.example/a.mp4" } }));
    };
    const c = new KlingClient({ baseUrl: "https://api.test/api/v1", fetch: late });
    const task = await c.waitForTask("t_1", { timeoutMs: 150, pollIntervalMs: 150 });
    assert.equal(task.status, "succeeded");
    assert.equal(calls, 2);
    const first = await new KlingClient({ baseUrl: "https://api.test/api/v1", fetch: async () => new Response('{"data":{"task_id":"t_1","status":"COMPLETED","video_url":"https://v.example/a.mp4"}}') }).waitForTask("t_1", { timeoutMs: 0 });
    assert.equal(first.status, "succeeded", "timeoutMs 0 still looks once");
  });

  test("a completed request's signal is not aborted afterwards (a fetch's own listeners see nothing)", async () => {
    let aborts = 0;
    const fetch = async (input, init) => {
      init.signal.addEventListener("abort", () => aborts++);
      return new Response('{"data":{"task_id":"t_1","status":"IN_PROGRESS"}}');
    };
    await new KlingClient({ baseUrl: "https://api.test/api/v1", fetch }).getTask("t_1");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(aborts, 0);
  });

  test("an onProgress promise is bounded by the wait's deadline too, and one whose constructor throws rejects the wait", async () => {
    const c = new KlingClient({ baseUrl: "https://api.test/api/v1", fetch: async () => running() });
    const started = Date.now();
    const slow = await rejection(c.waitForTask("t_1", { timeoutMs: 300, onProgress: () => new Promise(() => {}) }));
    assert.ok(slow instanceof TimeoutError, String(slow));
    assert.ok(Date.now() - started < 2000);
    const hostile = Promise.resolve();
    Object.defineProperty(hostile, "constructor", { get() { throw new Error("constructor getter"); } });
    const thrown = await rejection(c.waitForTask("t_1", { timeoutMs: 2000, onProgress: () => hostile }));
    assert.equal(thrown.message, "constructor getter");
    // The module is still sound afterwards.
    assert.equal(k.isTaskId("t_1"), true);
  });

  test("a Retry-After longer than what is left of the wait does not hold it past its deadline", async () => {
    const busy = async () => new Response('{"error":{"code":429,"message":"slow down"}}', { status: 429, headers: { "Retry-After": "5" } });
    const c = new KlingClient({ baseUrl: "https://api.test/api/v1", fetch: busy });
    const started = Date.now();
    const error = await rejection(c.waitForTask("t_1", { timeoutMs: 400 }));
    assert.ok(error instanceof TimeoutError, String(error));
    assert.ok(Date.now() - started < 2000);
  });

  test("an onProgress that returns a promise is waited for, and its rejection rejects the wait", async () => {
    const c = new KlingClient({ baseUrl: "https://api.test/api/v1", fetch: async () => running() });
    const order = [];
    const failure = new Error("progress store is down");
    const error = await rejection(
      c.waitForTask("t_1", {
        pollIntervalMs: 100,
        onProgress: async (p) => {
          order.push(`start ${p.polls}`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`end ${p.polls}`);
          if (p.polls === 2) throw failure;
        },
      }),
    );
    assert.equal(error, failure);
    assert.deepEqual(order, ["start 1", "end 1", "start 2", "end 2"]);
  });
});
