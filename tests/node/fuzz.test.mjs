// Hostile input through the wasm boundary: random values, cyclic objects, throwing getters,
// Proxies, 10 MB strings and deep nesting, into every export. Nothing may trap the module or
// throw anything but a KlingError (validateRequest nothing at all), and the module must still
// answer correctly afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as k from "kling3-wasm";
import { seeded } from "../support/random.mjs";

// A fresh seed each run, printed with every result and in a failure's message, so a failure
// replays with FUZZ_SEED=<seed> (and the same FUZZ_ROUNDS); each test starts its own stream from
// that seed, so one test replays alone too. The round count must be a whole number of at least
// 3: 0 rounds would prove nothing.
const firstSeed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32);
if (!Number.isInteger(firstSeed) || firstSeed < 0) throw new Error(`FUZZ_SEED must be a whole number, got ${process.env.FUZZ_SEED}`);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 3000);
if (!Number.isInteger(ROUNDS) || ROUNDS < 3) throw new Error(`FUZZ_ROUNDS must be a whole number of at least 3, got ${process.env.FUZZ_ROUNDS}`);
let rand = seeded(firstSeed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const FIELDS = ["model", "prompt", "mode", "duration", "aspect_ratio", "sound", "image", "multi_shots", "multi_prompt", "kling_elements", "callback_url", "name", "element_input_urls", "data", "status", "video_url", "url", "headers", "body", "method", "apiKey", "baseUrl", "redactKey", "task_id", "output", "error", "code"];
const STRINGS = ["", "kling-3", "std", "pro", "16:9", "9:16", "1:1", "https://x.example/a.png", "javascript:alert(1)", "@cat", "COMPLETED", "\u0000", "🎬".repeat(3), "'$(id)`", "a\nb", "\ud800", "/api/v1", "aio_key1234"];

function leaf() {
  return pick([
    () => null, () => undefined, () => rand() < 0.5, () => Math.floor(rand() * 20), () => rand() * 1e6 - 5e5,
    () => pick([NaN, Infinity, -Infinity, -0, 2 ** 53, Number.MAX_VALUE]), () => pick(STRINGS),
    () => String.fromCharCode(...Array.from({ length: Math.floor(rand() * 20) }, () => Math.floor(rand() * 0xffff))),
    () => 10n, () => Symbol("s"), () => () => 1, () => new Date(0), () => new Map([["prompt", "a"]]), () => /re/,
  ])();
}

function hostile() {
  return pick([
    () => { const o = { prompt: "a" }; o.self = o; return o; },
    () => { const a = [1]; a.push(a); return { multi_prompt: a, multi_shots: true }; },
    () => ({ get prompt() { throw new Error("getter"); } }),
    () => new Proxy({}, { ownKeys() { throw new Error("ownKeys"); } }),
    () => new Proxy({ prompt: "a" }, { get() { throw new Error("get"); } }),
    () => new Proxy([], { get(t, p) { if (p === "length") return 1e9; return undefined; } }),
    () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; },
    () => ({ prompt: "x".repeat(10_000_000) }),
    () => { let o = {}; for (let i = 0; i < 20_000; i++) o = { prompt: o }; return o; },
    () => { let a = []; for (let i = 0; i < 20_000; i++) a = [a]; return { kling_elements: a }; },
    () => ({ prompt: "a", extra: new Array(500_000).fill(0) }),
    () => Object.create(null),
    () => Object.create({ prompt: "inherited" }),
    () => ({ toJSON() { throw new Error("toJSON"); }, prompt: "a" }),
    () => ({ prompt: "a", [Symbol("x")]: 1 }),
    () => new Uint8Array(10),
  ])();
}

function value(depth = 0) {
  const r = rand();
  if (r < 0.1) return hostile();
  if (depth > 4 || r < 0.45) return leaf();
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1));
  const o = {};
  for (let i = Math.floor(rand() * 6); i > 0; i--) o[rand() < 0.8 ? pick(FIELDS) : pick(STRINGS)] = value(depth + 1);
  return o;
}

/** What `fn` returns, or the class and message of what it throws. */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: [error?.constructor?.name, error?.message] };
  }
}

/** Calls `fn`; anything thrown must be a KlingError (so never a trap, never a TypeError). */
function onlyKlingErrors(name, fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof k.KlingError, `${name} threw ${error?.constructor?.name}: ${String(error?.message ?? error).slice(0, 200)}`);
  }
}

/** A fuzz test: its random stream starts at the seed, and a failure says how to replay it. */
function fuzz(name, body) {
  test(name, async (t) => {
    t.diagnostic(`FUZZ_SEED=${firstSeed}`);
    rand = seeded(firstSeed);
    try {
      await body();
    } catch (error) {
      const replay = `FUZZ_SEED=${firstSeed} FUZZ_ROUNDS=${ROUNDS} node --test --test-name-pattern=${JSON.stringify(name)} tests/node/fuzz.test.mjs`;
      throw new Error(`${error?.message ?? error}\nreplay with: ${replay}`, { cause: error });
    }
  });
}

fuzz(`every export survives ${ROUNDS} rounds of hostile input and still answers correctly`, async () => {
  const rounds = ROUNDS;
  for (let i = 0; i < rounds; i++) {
    const v = value();
    const w = value();
    const report = k.validateRequest(v);
    assert.equal(typeof report.valid, "boolean");
    assert.equal(report.valid, report.errors.length === 0);
    // A plain value takes the fast path (its JSON text); the same value behind a prototype that
    // is not a plain object's is read field by field. Both readings must agree exactly.
    // (Values JSON cannot write, such as cycles, take the walk either way: a cycle through the
    // wrapper would be found one step later, so those are left out here.)
    const plain = outcome(() => v !== null && typeof v === "object" && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v)) && JSON.stringify(v) !== undefined).value;
    if (plain) {
      const walked = new Proxy(v, { getPrototypeOf: () => Map.prototype });
      assert.deepEqual(k.validateRequest(walked), report, "the fast path reads what the walk reads");
      assert.deepEqual(outcome(() => k.normalizeRequest(walked)), outcome(() => k.normalizeRequest(v)));
      assert.deepEqual(outcome(() => k.estimateCost(walked)), outcome(() => k.estimateCost(v)));
    }
    onlyKlingErrors("normalizeRequest", () => k.normalizeRequest(v));
    onlyKlingErrors("estimateCost", () => k.estimateCost(v));
    onlyKlingErrors("buildRequest", () => k.buildRequest(v, w));
    onlyKlingErrors("toCurl", () => k.toCurl(v, w));
    onlyKlingErrors("parseTask", () => k.parseTask(v));
    let text;
    try {
      text = typeof w === "string" ? w : JSON.stringify(w) ?? "";
    } catch {
      text = '{"data":';
    }
    onlyKlingErrors("parseTask(text)", () => k.parseTask(text));
    onlyKlingErrors("KlingClient", () => new k.KlingClient(v));
    // The schedule's documented bounds: adaptive waits of 1 to 15 s; a fixed one, at least 100 ms.
    const interval = rand() < 0.5 ? undefined : rand() * 1e4;
    const delay = k.nextPollDelay(rand() * 1e6, interval);
    if (interval === undefined) assert.ok(delay >= 1_000 && delay <= 15_000, `adaptive delay ${delay}`);
    else assert.ok(Math.abs(delay - Math.max(100, interval)) < 1, `delay ${delay} for an interval of ${interval}`);
  }
  // Async paths: bad options and ids reject with KlingErrors, before any request.
  const client = new k.KlingClient({ baseUrl: "http://127.0.0.1:9/api/v1", fetch: () => Promise.reject(new Error("no network in this test")), maxRetries: 0 });
  for (let i = 0; i < 200; i++) {
    for (const call of [() => client.getTask(value(), value()), () => client.waitForTask(value(), value()), () => client.createTask(value(), value())]) {
      try {
        await call();
      } catch (error) {
        assert.ok(error instanceof k.KlingError, `async threw ${error?.constructor?.name}: ${error?.message}`);
      }
    }
  }
  assert.deepEqual(k.validateRequest({ prompt: "a cat" }), { valid: true, errors: [], warnings: [] });
  assert.equal(k.estimateCost({}).credits, 300);
  // The fast path and the walk agree on values JSON writes differently, such as -0 (a Proxy
  // takes the walk).
  for (const signed of [{ prompt: "a", duration: -0 }, { prompt: "a", duration: -0.5, extra: -0 }]) {
    const walked = new Proxy(signed, { getPrototypeOf: () => Map.prototype });
    assert.deepStrictEqual(k.validateRequest(signed), k.validateRequest(walked));
  }
  // normalizeRequest gives the body's values, as JSON writes them: -0 as 0, either way.
  const extra = { prompt: "a", extra: -0 };
  assert.ok(Object.is(k.normalizeRequest(extra).extra, 0));
  assert.deepStrictEqual(k.normalizeRequest(extra), k.normalizeRequest(new Proxy(extra, { getPrototypeOf: () => Map.prototype })));
  assert.equal(JSON.parse(k.buildRequest({ prompt: "a" }).body).duration, 5);
});

fuzz("a hostile server cannot make the client throw anything but a KlingError", async () => {
  const statuses = [0, 99, 200, 201, 204, 299, 301, 400, 401, 404, 429, 500, 502, 503, 1000, NaN, -1, "200", null];
  const headerValues = [null, undefined, "", "0", "1", "99999999999999999999", "-5", "1.5", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "garbage", 42, {}];
  const bodyText = () => {
    const v = pick([() => value(), () => ({ data: { task_id: pick(["t1", "", "../x", 5, null]), status: pick(["COMPLETED", "FAILED", "IN_PROGRESS", "", 7]), video_url: pick(["https://v.example/a.mp4", "javascript:x", null]) }, code: pick([200, 500, "x", 1e9]) })])();
    try {
      return pick([() => JSON.stringify(v) ?? "", () => "<html>bad gateway</html>", () => "", () => '{"data":', () => "x".repeat(100_000)])();
    } catch {
      return "{";
    }
  };
  const good = () => new Response(JSON.stringify({ code: 200, data: { task_id: "t1", status: pick(["COMPLETED", "IN_PROGRESS", "FAILED"]), video_url: pick(["https://v.example/a.mp4", "javascript:alert(1)"]) } }), { status: 200 });
  /** A real Response with a garbage status, body and headers (or the plain object when the status cannot be one). */
  const garbage = () => {
    const status = pick(statuses);
    const headers = new Headers();
    for (const name of ["retry-after", "retry-after-ms", "content-type"]) {
      const v = pick(headerValues);
      if (typeof v === "string" && rand() < 0.5) headers.set(name, v);
    }
    try {
      return new Response(bodyText(), { status, headers });
    } catch {
      return { status, text: async () => bodyText(), headers: { get: () => pick(headerValues) } };
    }
  };
  // A body stream that fails, with an Error or with anything else.
  const brokenStream = () => new Response(new ReadableStream({ pull(c) { c.error(pick([new Error("stream broke"), "not even an Error", null, Object.create(null)])); } }), { status: pick([200, 500]) });
  class Tampered extends Response {
    text() {
      throw new Error("tampered");
    }
    get status() {
      throw new Error("status");
    }
  }
  const response = () =>
    pick([
      good,
      good,
      garbage,
      garbage,
      brokenStream,
      () => new Tampered("{}"),
      () => new Proxy(good(), { get() { throw new Error("proxy over a Response"); } }),
      () => ({ status: pick(statuses), text: async () => pick([42, null, { toString: () => "{}" }, Symbol.iterator]), headers: null }),
      () => ({ status: 200, text: () => { throw new Error("stream broke"); } }),
      () => ({ status: 200, text: async () => { throw "not even an Error"; }, headers: { get: () => { throw new Error("get"); } } }),
      () => null,
      () => 42,
      () => new Proxy({}, { get() { throw new Error("proxy"); } }),
    ])();
  const fetch = () => pick([() => Promise.resolve(response()), () => Promise.reject(pick([new TypeError("failed"), "a string", null, undefined, { message: 5 }, Object.create(null), { message: Object.create(null) }])), () => response()])();
  const keyed = new k.KlingClient({ apiKey: "aio_fuzzkey", baseUrl: "https://apiin.one/api/v1", fetch, maxRetries: 0, timeoutMs: 1000 });
  const keyless = new k.KlingClient({ baseUrl: "/api/v1", fetch, maxRetries: 0, timeoutMs: 1000 });
  const rounds = Math.ceil(ROUNDS / 3);
  let tasks = 0;
  for (let i = 0; i < rounds; i++) {
    const client = i % 2 ? keyed : keyless;
    const call = pick([
      () => client.getTask("t1"),
      () => client.createTask({ prompt: "a cat" }),
      () => client.waitForTask("t1", { timeoutMs: 30, pollIntervalMs: 0 }),
      () => client.generate({ prompt: "a cat" }, { timeoutMs: 30, pollIntervalMs: 0 }),
    ]);
    try {
      const task = await call();
      assert.ok(["queued", "running", "succeeded", "failed"].includes(task.status));
      assert.ok(task.videoUrl === null || /^https?:\/\//i.test(task.videoUrl), `played only http(s): ${task.videoUrl}`);
      tasks++;
    } catch (error) {
      assert.ok(error instanceof k.KlingError, `threw ${error?.constructor?.name}: ${String(error?.message ?? error).slice(0, 200)}`);
      assert.ok(!String(error.message).includes("aio_fuzzkey"), "the key stays out of messages");
    }
  }
  assert.ok(tasks > 0, "some answers were tasks");
  assert.deepEqual(k.validateRequest({ prompt: "a cat" }), { valid: true, errors: [], warnings: [] });
});
