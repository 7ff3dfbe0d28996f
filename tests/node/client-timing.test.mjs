// When KlingClient sends each request, proven through the client on a clock the test controls:
// the adaptive poll schedule and a fixed interval, retry backoff with full jitter, Retry-After
// (seconds, an HTTP date, retry-after-ms) and its cap, abort during a wait, and the default
// 30 s request and 15 min wait limits. The expected times are the documented rules, written
// here; the client's setTimeout and Date.now are @sinonjs/fake-timers', so minutes take
// milliseconds.
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { ApiError, KlingClient, TimeoutError } from "kling3-wasm";

const BASE = "https://api.test/api/v1";
// Wed, 25 Nov 2026 12:00:00 GMT: where the clock starts, so an HTTP date means a known wait.
const START = Date.UTC(2026, 10, 25, 12, 0, 0);

let clock;
beforeEach(() => {
  // Real setImmediate and microtasks stay, so the test can let the client run without moving
  // the clock.
  clock = FakeTimers.install({ now: START, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"] });
});
afterEach(() => clock.uninstall());

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const task = (status) => json({ code: 200, data: { task_id: "t_1", status, video_url: "https://v.example/a.mp4" } });
const created = () => json({ code: 200, data: { task_id: "t_1", status: "PENDING" } });
const failure = (status, headers) => json({ error: { code: status, message: `answered ${status}` } }, status, headers);

/**
 * A fetch that records when each request was sent (ms on the test's clock since `t0`) and
 * answers with `answer(call)`, call counting from 0; what `answer` throws is a network error.
 */
function api(answer) {
  const calls = [];
  const t0 = clock.now;
  const fetch = async (input, init) => {
    const method = init?.method ?? input.method;
    const call = calls.length;
    calls.push({ method, at: Date.now() - t0, signal: init?.signal ?? input.signal });
    return answer(call, method);
  };
  return { fetch, calls, at: () => calls.map((c) => c.at), elapsed: () => clock.now - t0 };
}

/** A fetch that never answers, but lets go when its signal aborts. */
const hang = (_call, _method) => new Promise(() => {});

/** Lets promises and real I/O run without moving the clock. */
async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise's outcome, readable while it is still pending. */
function track(promise) {
  const state = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Moves the clock timer by timer until `state` settles (at most `limitMs` of test time). */
async function runUntilSettled(state, limitMs = 3_600_000) {
  const from = clock.now;
  await flush();
  while (!state.settled) {
    assert.ok(clock.countTimers() > 0, "the call is pending, yet it waits for no timer");
    assert.ok(clock.now - from <= limitMs, `still pending after ${clock.now - from} ms`);
    await clock.nextAsync();
    await flush();
  }
  return state;
}

/** Moves the clock by `ms`, firing the timers due on the way. */
async function advance(ms) {
  await clock.tickAsync(ms);
  await flush();
}

/**
 * The adaptive schedule as documented: a look at 0, 2, 4, 6, 8 and 10 s; every 10 s until 50 s;
 * every 3 s from 50 s to 200 s; then each wait is 3 s plus a quarter of the time past 200 s, up
 * to 15 s. The poll times (ms after the wait began) below `untilMs`.
 */
function documentedPollTimes(untilMs) {
  const times = [0, 2_000, 4_000, 6_000, 8_000, 10_000, 20_000, 30_000, 40_000, 50_000];
  for (let t = 53_000; t <= 200_000; t += 3_000) times.push(t);
  for (let t = 200_000; t < untilMs; ) {
    t += Math.min(15_000, 3_000 + Math.floor((t - 200_000) / 4));
    times.push(t);
  }
  return times.filter((t) => t < untilMs);
}

describe("the poll schedule", () => {
  test("without pollIntervalMs, polls come at the documented adaptive times and onProgress reports them", async () => {
    // The task is done once 230 s have passed: the poll that sees it is the first at or after.
    const server = api(() => task(Date.now() - START >= 230_000 ? "COMPLETED" : "IN_PROGRESS"));
    const progress = [];
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waited = await runUntilSettled(track(client.waitForTask("t_1", { onProgress: (p) => progress.push(p.elapsedMs) })));
    assert.equal(waited.error, undefined, String(waited.error));
    assert.equal(waited.value.status, "succeeded");
    const all = documentedPollTimes(300_000);
    const expected = all.slice(0, all.findIndex((t) => t >= 230_000) + 1);
    // Past 200 s, worked out by hand: 200 + 3, + 3.75, + 4.687, + 5.859, + 7.324, + 9.155 s.
    assert.deepEqual(expected.slice(-7), [200_000, 203_000, 206_750, 211_437, 217_296, 224_620, 233_775]);
    assert.deepEqual(server.at(), expected);
    assert.deepEqual(progress, expected, "elapsedMs is the time of each poll");
    assert.ok(server.calls.every((c) => c.method === "GET"));
  });

  test("the adaptive schedule's first 13 polls, written out", async () => {
    const server = api(() => task("IN_PROGRESS"));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waiting = track(client.waitForTask("t_1", { timeoutMs: 60_000 }));
    await runUntilSettled(waiting);
    // Then the last poll lands on the 60 s deadline, and the wait times out.
    assert.deepEqual(server.at(), [0, 2_000, 4_000, 6_000, 8_000, 10_000, 20_000, 30_000, 40_000, 50_000, 53_000, 56_000, 59_000, 60_000]);
    assert.ok(waiting.error instanceof TimeoutError, String(waiting.error));
  });

  test("with pollIntervalMs, polls come at that fixed interval, and the last lands on the deadline", async () => {
    const server = api(() => task("IN_PROGRESS"));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waiting = await runUntilSettled(track(client.waitForTask("t_1", { pollIntervalMs: 7_000, timeoutMs: 30_000 })));
    assert.deepEqual(server.at(), [0, 7_000, 14_000, 21_000, 28_000, 30_000]);
    assert.ok(waiting.error instanceof TimeoutError, String(waiting.error));
    assert.equal(waiting.error.taskId, "t_1");
    assert.equal(server.elapsed(), 30_000, "it rejects at the deadline");
  });

  test("a pollIntervalMs under 100 ms polls every 100 ms", async () => {
    const server = api((call) => task(call === 5 ? "COMPLETED" : "IN_PROGRESS"));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waited = await runUntilSettled(track(client.waitForTask("t_1", { pollIntervalMs: 1 })));
    assert.equal(waited.value?.status, "succeeded", String(waited.error));
    assert.deepEqual(server.at(), [0, 100, 200, 300, 400, 500]);
  });
});

describe("retry backoff", () => {
  // Full jitter: the wait before retry n (from 0) is uniform in [0, min(20 s, 0.5 s × 2^n)).
  const ceilings = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000];
  const RUNS = 40;

  /** The waits before each retry of a GET that meets `fail` on every try but the last. */
  async function retryGaps(fail) {
    const server = api((call) => (call < ceilings.length ? fail() : task("IN_PROGRESS")));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, maxRetries: ceilings.length });
    const got = await runUntilSettled(track(client.getTask("t_1")));
    assert.equal(got.value?.taskId, "t_1", String(got.error));
    const at = server.at();
    assert.equal(at.length, ceilings.length + 1, "one try and maxRetries retries");
    return at.slice(1).map((t, i) => t - at[i]);
  }

  for (const [name, fail] of [
    ["503", () => failure(503)],
    ["500", () => failure(500)],
    ["a network error", () => Promise.reject(new TypeError("fetch failed"))],
  ]) {
    test(`a GET that meets ${name} waits a random time within the doubling ceilings before each retry`, async () => {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await retryGaps(fail));
      ceilings.forEach((ceiling, retry) => {
        const gaps = runs.map((gaps) => gaps[retry]);
        assert.ok(gaps.every((g) => g >= 0 && g < ceiling), `retry ${retry}: ${gaps} within [0, ${ceiling})`);
        // Jittered over the whole range, not a fixed wait: some in each half (a fixed wait, or
        // none, fails here; by chance only with odds of 2^-39).
        assert.ok(gaps.some((g) => g < ceiling / 2) && gaps.some((g) => g >= ceiling / 2), `retry ${retry}: ${gaps} spread over [0, ${ceiling})`);
      });
    });
  }

  test("maxRetries counts the tries after the first (default 2), then the error comes at once", async () => {
    for (const [options, tries] of [[{}, 3], [{ maxRetries: 0 }, 1], [{ maxRetries: 4 }, 5]]) {
      const server = api(() => failure(503));
      const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, ...options });
      const got = await runUntilSettled(track(client.getTask("t_1")));
      assert.ok(got.error instanceof ApiError, String(got.error));
      assert.equal(got.error.status, 503);
      assert.equal(server.calls.length, tries, JSON.stringify(options));
      assert.equal(server.elapsed(), server.at().at(-1), "no wait after the last try");
    }
  });

  for (const [name, fail] of [
    ["503", () => failure(503)],
    ["500", () => failure(500)],
    ["a network error", () => Promise.reject(new TypeError("fetch failed"))],
  ]) {
    test(`a POST that meets ${name} is sent once, and the error comes at once`, async () => {
      const server = api(fail);
      const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, maxRetries: 5 });
      const made = await runUntilSettled(track(client.createTask({ prompt: "a cat" })));
      assert.ok(made.error, "it rejects");
      assert.equal(made.error.mayHaveCreated, true);
      assert.deepEqual(server.calls.map((c) => c.method), ["POST"]);
      assert.equal(server.elapsed(), 0);
      await advance(120_000);
      assert.equal(server.calls.length, 1, "nothing is sent later either");
    });
  }

  test("a POST answered 429 is sent again after the backoff, or after its Retry-After", async () => {
    const backoff = [];
    for (let i = 0; i < RUNS; i++) {
      const server = api((call) => (call === 0 ? failure(429) : created()));
      const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
      const made = await runUntilSettled(track(client.createTask({ prompt: "a cat" })));
      assert.equal(made.value?.taskId, "t_1", String(made.error));
      assert.deepEqual(server.calls.map((c) => c.method), ["POST", "POST"]);
      backoff.push(server.at()[1]);
    }
    assert.ok(backoff.every((g) => g >= 0 && g < 500) && backoff.some((g) => g < 250) && backoff.some((g) => g >= 250), `${backoff}`);
    const server = api((call) => (call === 0 ? failure(429, { "Retry-After": "2" }) : created()));
    await runUntilSettled(track(new KlingClient({ baseUrl: BASE, fetch: server.fetch }).createTask({ prompt: "a cat" })));
    assert.deepEqual(server.at(), [0, 2_000]);
  });
});

describe("Retry-After on a GET", () => {
  /** When the two tries of a GET went out, the first answered with `first`. */
  async function triesAfter(first, options = {}) {
    const server = api((call) => (call === 0 ? first() : task("IN_PROGRESS")));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, ...options });
    const got = await runUntilSettled(track(client.getTask("t_1")));
    return { server, got };
  }

  test("as seconds, it is the wait before the retry", async () => {
    const { server, got } = await triesAfter(() => failure(503, { "Retry-After": "7" }));
    assert.equal(got.value?.taskId, "t_1", String(got.error));
    assert.deepEqual(server.at(), [0, 7_000]);
  });

  test("as an HTTP date, the wait lasts until that date on the client's clock", async () => {
    // The clock reads Wed, 25 Nov 2026 12:00:00 GMT; the date is 9 s later.
    const { server } = await triesAfter(() => failure(429, { "Retry-After": "Wed, 25 Nov 2026 12:00:09 GMT" }));
    assert.deepEqual(server.at(), [0, 9_000]);
    // Read at 12:00:10, a date of 12:00:15 means a wait of 5 s.
    assert.equal(clock.now, START + 9_000);
    await advance(1_000);
    const later = await triesAfter(() => failure(429, { "Retry-After": "Wed, 25 Nov 2026 12:00:15 GMT" }));
    assert.deepEqual(later.server.at(), [0, 5_000]);
    // A date in the past means "now".
    const past = await triesAfter(() => failure(503, { "Retry-After": "Wed, 25 Nov 2026 11:00:00 GMT" }));
    assert.deepEqual(past.server.at(), [0, 0]);
  });

  test("retry-after-ms is the wait in milliseconds", async () => {
    const { server } = await triesAfter(() => failure(503, { "retry-after-ms": "1500" }));
    assert.deepEqual(server.at(), [0, 1_500]);
  });

  test("a wait up to 60 s is slept through; one over it is not, and the ApiError carries it and is retryable", async () => {
    const sixty = await triesAfter(() => failure(429, { "Retry-After": "60" }));
    assert.deepEqual(sixty.server.at(), [0, 60_000]);
    const over = await triesAfter(() => failure(429, { "Retry-After": "61" }));
    assert.ok(over.got.error instanceof ApiError, String(over.got.error));
    assert.deepEqual([over.got.error.status, over.got.error.retryAfterMs], [429, 61_000]);
    // The server did not take the call and said when it will: that is for the caller to do.
    assert.deepEqual([over.got.error.retryable, over.got.error.hint], [true, "The same call may well succeed later: try it again in 61 s, as the server asked."]);
    assert.deepEqual(over.server.at(), [0], "not retried");
    assert.equal(over.server.elapsed(), 0, "the error comes at once");
    const overMs = await triesAfter(() => failure(503, { "retry-after-ms": "60001" }));
    assert.deepEqual(overMs.server.at(), [0]);
    assert.equal(overMs.got.error.retryAfterMs, 60_001);
  });
});

describe("abort during a wait", () => {
  test("abort during a backoff wait rejects at once with an AbortError and sends nothing more", async () => {
    const server = api(() => failure(503));
    const controller = new AbortController();
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, maxRetries: 5 });
    const got = track(client.getTask("t_1", { signal: controller.signal }));
    await flush();
    assert.equal(server.calls.length, 1);
    assert.ok(!got.settled && clock.countTimers() > 0, "the client waits before the retry");
    controller.abort();
    await flush();
    assert.ok(got.settled, "it rejects without the clock moving");
    assert.equal(got.error?.name, "AbortError", String(got.error));
    await advance(120_000);
    assert.equal(server.calls.length, 1, "no retry is sent");
  });

  test("abort during a Retry-After wait rejects at once with an AbortError and sends nothing more", async () => {
    for (const method of ["GET", "POST"]) {
      const server = api(() => failure(429, { "Retry-After": "30" }));
      const controller = new AbortController();
      const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
      const call = method === "GET" ? client.getTask("t_1", { signal: controller.signal }) : client.createTask({ prompt: "a cat" }, { signal: controller.signal });
      const got = track(call);
      await advance(10_000);
      assert.ok(!got.settled, `${method}: still waiting 10 s into a 30 s Retry-After`);
      controller.abort();
      await flush();
      assert.ok(got.settled, `${method}: it rejects without the clock moving`);
      assert.equal(got.error?.name, "AbortError", String(got.error));
      await advance(120_000);
      assert.deepEqual(server.calls.map((c) => c.method), [method], "no retry is sent");
    }
  });

  test("abort between polls of a wait rejects at once and polls no more", async () => {
    const server = api(() => task("IN_PROGRESS"));
    const controller = new AbortController();
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waiting = track(client.waitForTask("t_1", { signal: controller.signal }));
    await advance(15_000);
    assert.deepEqual(server.at(), [0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    controller.abort();
    await flush();
    assert.equal(waiting.error?.name, "AbortError", String(waiting.error));
    await advance(600_000);
    assert.equal(server.calls.length, 6);
  });
});

describe("the default limits", () => {
  test("a request with no answer fails at 30 s with a TimeoutError, and the request is aborted", async () => {
    const server = api(hang);
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch, maxRetries: 0 });
    const got = track(client.getTask("t_1"));
    await advance(29_999);
    assert.ok(!got.settled, "still waiting at 29.999 s");
    await advance(1);
    assert.ok(got.error instanceof TimeoutError, String(got.error));
    assert.equal(server.elapsed(), 30_000);
    assert.equal(server.calls[0].signal?.aborted, true, "the request is let go");
  });

  test("a GET with no answer is tried three times in all, each given 30 s, with a backoff between", async () => {
    const server = api(hang);
    const got = await runUntilSettled(track(new KlingClient({ baseUrl: BASE, fetch: server.fetch }).getTask("t_1")));
    assert.ok(got.error instanceof TimeoutError, String(got.error));
    const [first, second, third] = server.at();
    assert.equal(server.calls.length, 3);
    assert.equal(first, 0);
    assert.ok(second - 30_000 >= 0 && second - 30_000 < 500, `second try at ${second}`);
    assert.ok(third - second - 30_000 >= 0 && third - second - 30_000 < 1_000, `third try at ${third}`);
    assert.equal(server.elapsed(), third + 30_000);
  });

  test("a create with no answer fails at 30 s, is not sent again, and may have made the task", async () => {
    const server = api(hang);
    const made = await runUntilSettled(track(new KlingClient({ baseUrl: BASE, fetch: server.fetch }).createTask({ prompt: "a cat" })));
    assert.ok(made.error instanceof TimeoutError, String(made.error));
    assert.equal(made.error.mayHaveCreated, true);
    assert.equal(server.elapsed(), 30_000);
    await advance(120_000);
    assert.deepEqual(server.calls.map((c) => c.method), ["POST"]);
  });

  test("a timeoutMs of the client's own replaces the 30 s", async () => {
    const server = api(hang);
    const got = await runUntilSettled(track(new KlingClient({ baseUrl: BASE, fetch: server.fetch, maxRetries: 0, timeoutMs: 4_000 }).getTask("t_1")));
    assert.ok(got.error instanceof TimeoutError, String(got.error));
    assert.equal(server.elapsed(), 4_000);
  });

  test("waitForTask without timeoutMs gives up at 15 min with a TimeoutError carrying the task id", async () => {
    const server = api(() => task("IN_PROGRESS"));
    const client = new KlingClient({ baseUrl: BASE, fetch: server.fetch });
    const waiting = track(client.waitForTask("t_1"));
    await advance(899_999);
    assert.ok(!waiting.settled, "still waiting just before 15 min");
    await runUntilSettled(waiting);
    assert.ok(waiting.error instanceof TimeoutError, String(waiting.error));
    assert.equal(waiting.error.taskId, "t_1");
    assert.equal(server.elapsed(), 900_000);
    // The adaptive schedule all the way, and a last look at the deadline itself.
    assert.deepEqual(server.at(), [...documentedPollTimes(900_000), 900_000]);
  });
});
