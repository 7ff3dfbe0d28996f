// The pure functions' contract (js-api.md, "Pure functions" and "Errors"), as cases that run
// unchanged in Node (tests/node/pure.test.mjs) and in Chromium (tests/browser/pure.test.mjs).
// Each case gets the package's module and throws on failure. No Node or DOM APIs here.

function fail(message) {
  throw new Error(message);
}
function eq(actual, expected, what = "value") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}
function ok(cond, what) {
  if (!cond) fail(what);
}
function throws(fn, check, what) {
  let thrown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === null) fail(`${what}: did not throw`);
  check(thrown);
}
const pathsAndCodes = (issues) => issues.map((i) => [i.path, i.code]);

export const cases = [
  {
    name: "validateRequest accepts a valid request with no errors or warnings",
    run(k) {
      eq(k.validateRequest({ prompt: "A golden retriever running through sunflowers" }), { valid: true, errors: [], warnings: [] });
      eq(k.validateRequest({ model: "kling-3", prompt: "x", mode: "pro", duration: 15, aspect_ratio: "1:1", sound: false }).valid, true);
    },
  },
  {
    name: "validateRequest never throws, for any JS value",
    run(k) {
      const cyclic = { prompt: "a" };
      cyclic.self = cyclic;
      const revoked = Proxy.revocable({}, {});
      revoked.revoke();
      let deep = {};
      for (let i = 0; i < 5000; i++) deep = { a: deep };
      const values = [
        null, undefined, 0, NaN, -1, "", "text", true, [], [1, 2], () => 1, Symbol("s"), 10n,
        cyclic, deep, revoked.proxy, { get prompt() { throw new Error("getter"); } },
        new Proxy({}, { ownKeys() { throw new Error("trap"); } }),
        { prompt: "x".repeat(3_000_000) }, new Array(300_000).fill({ a: 1 }), Object.create(null), new Date(0),
      ];
      for (const v of values) {
        const r = k.validateRequest(v);
        ok(Array.isArray(r.errors) && Array.isArray(r.warnings), "errors and warnings are arrays");
        eq(r.valid, r.errors.length === 0, "valid");
        ok(r.valid === false, `${String(typeof v)} input is invalid`);
      }
      eq(k.validateRequest({ prompt: "still works" }).valid, true, "the module still answers");
    },
  },
  {
    name: "a non-object input is an invalid_type error at the empty path",
    run(k) {
      for (const v of [null, 5, "prompt", [], true]) eq(pathsAndCodes(k.validateRequest(v).errors), [["", "invalid_type"]]);
    },
  },
  {
    name: "every problem is reported at once, with the paths and codes of the contract",
    run(k) {
      const r = k.validateRequest({ prompt: 1, mode: "ultra", duration: 20, aspect_ratio: "4:3", image: "ftp://x", extra: 1 });
      eq(pathsAndCodes(r.errors), [
        ["prompt", "invalid_type"],
        ["mode", "invalid_value"],
        ["duration", "out_of_range"],
        ["aspect_ratio", "invalid_value"],
        ["image", "invalid_url"],
      ]);
      eq(pathsAndCodes(r.warnings), [["extra", "unknown_field"]]);
      eq(r.valid, false);
    },
  },
  {
    name: "messages say what was wrong in plain words",
    run(k) {
      const r = k.validateRequest({ prompt: "a", duration: 20 });
      eq(r.errors[0].message, "duration must be a whole number of seconds from 3 to 15, got 20");
      eq(k.validateRequest({}).errors[0], {
        path: "prompt",
        code: "required",
        message: "prompt is required (a text of at most 2500 characters) unless multi_shots is true",
      });
    },
  },
  {
    name: "multi-shot paths name the shot and the element",
    run(k) {
      const r = k.validateRequest({
        multi_shots: true,
        duration: 10,
        multi_prompt: [{ prompt: "a", duration: 4 }, { prompt: "b", duration: 0 }],
        kling_elements: [{ name: "", element_input_urls: ["https://a/1.png", "https://a/2.png"] }],
      });
      eq(pathsAndCodes(r.errors), [["multi_prompt[1].duration", "out_of_range"], ["kling_elements[0].name", "required"]]);
      const mismatch = k.validateRequest({ multi_shots: true, duration: 10, multi_prompt: [{ prompt: "a", duration: 4 }, { prompt: "b", duration: 4 }] });
      eq(pathsAndCodes(mismatch.errors), [["duration", "duration_mismatch"]]);
      const ignored = k.validateRequest({ multi_shots: true, prompt: "p", multi_prompt: [{ prompt: "a", duration: 5 }] });
      eq(pathsAndCodes(ignored.warnings), [["prompt", "ignored"]]);
    },
  },
  {
    name: "character limits count Unicode code points, not UTF-16 units or bytes",
    run(k) {
      eq(k.validateRequest({ prompt: "🎬".repeat(2500) }).valid, true, "2500 emoji");
      eq(pathsAndCodes(k.validateRequest({ prompt: "🎬".repeat(2501) }).errors), [["prompt", "too_long"]]);
      eq(k.validateRequest({ prompt: "é".repeat(2500) }).valid, true, "2500 accented letters");
    },
  },
  {
    name: "warnings: aspect ratio with an image, multi_prompt without multi_shots, an element not referenced",
    run(k) {
      const urls = ["https://a/1.png", "https://a/2.png"];
      eq(pathsAndCodes(k.validateRequest({ prompt: "a", image: "https://i/x.png", aspect_ratio: "1:1" }).warnings), [["aspect_ratio", "ignored"]]);
      eq(pathsAndCodes(k.validateRequest({ prompt: "a", multi_prompt: [{ prompt: "b", duration: 3 }] }).warnings), [["multi_prompt", "ignored"]]);
      eq(pathsAndCodes(k.validateRequest({ prompt: "a dog", kling_elements: [{ name: "cat", element_input_urls: urls }] }).warnings), [["kling_elements[0]", "unreferenced"]]);
      eq(k.validateRequest({ prompt: "@cat sleeps", kling_elements: [{ name: "cat", element_input_urls: urls }] }).warnings, []);
    },
  },
  {
    name: "normalizeRequest makes every default explicit and keeps unknown fields",
    run(k) {
      eq(k.normalizeRequest({ prompt: "a cat", seed: 7 }), {
        model: "kling-3", prompt: "a cat", mode: "std", duration: 5, aspect_ratio: "16:9", sound: true, seed: 7,
      });
      const multi = k.normalizeRequest({ multi_shots: true, multi_prompt: [{ prompt: "a", duration: 4 }, { prompt: "b", duration: 6 }] });
      eq(multi.duration, 10, "a missing duration is the sum of the shots");
    },
  },
  {
    name: "normalizeRequest keeps an unknown field named __proto__ as a field, as the body does",
    run(k) {
      const input = JSON.parse('{"prompt":"a","__proto__":{"polluted":1},"extra":[1,2.5,null]}');
      const out = k.normalizeRequest(input);
      ok(Object.getPrototypeOf(out) === Object.prototype, "the result's prototype is untouched");
      ok(out.polluted === undefined, "nothing inherited from the field");
      ok(Object.prototype.hasOwnProperty.call(out, "__proto__"), "__proto__ is an own field");
      eq(Object.keys(out), ["model", "prompt", "mode", "duration", "aspect_ratio", "sound", "__proto__", "extra"]);
      eq(JSON.stringify(out), k.buildRequest(input).body, "the object is the body that is sent");
    },
  },
  {
    name: "a report holds each issue exactly, errors apart from warnings, whatever the text in them",
    run(k) {
      const tooLong = { path: "duration", code: "out_of_range", message: "duration must be a whole number of seconds from 3 to 15, got 99" };
      const unknown = (name) => ({ path: name, code: "unknown_field", message: `${name} is not a field the API documents; it is sent as is` });
      eq(k.validateRequest({ prompt: "a", duration: 99, "é\u{1F600}": true, x: 1 }), { valid: false, errors: [tooLong], warnings: [unknown("é\u{1F600}"), unknown("x")] });
      eq(k.validateRequest({ prompt: "a", "é\u{1F600}": true }), { valid: true, errors: [], warnings: [unknown("é\u{1F600}")] });
      // A NUL in a field name, and in a message only (an element's name is written as it is).
      eq(k.validateRequest({ prompt: "a", "x\0y": 1, duration: 99 }), { valid: false, errors: [tooLong], warnings: [unknown("x\0y")] });
      eq(k.validateRequest({ prompt: "x", kling_elements: [{ name: "a\0b", element_input_urls: ["https://a/1.png", "https://a/2.png"] }] }).warnings, [
        { path: "kling_elements[0]", code: "unreferenced", message: 'element "a\\u0000b" is not used: refer to it as @a\0b in the prompt' },
      ]);
      for (const extra of ["extra", "x\0"]) {
        throws(() => k.normalizeRequest({ duration: 99, [extra]: 1 }), (e) => {
          eq(e.errors, [{ path: "prompt", code: "required", message: "prompt is required (a text of at most 2500 characters) unless multi_shots is true" }, tooLong]);
          eq(e.warnings, [unknown(extra)]);
        }, "normalizeRequest");
      }
    },
  },
  {
    name: "normalizeRequest throws a ValidationError listing every error",
    run(k) {
      throws(() => k.normalizeRequest({ duration: 20 }), (e) => {
        ok(e instanceof k.ValidationError && e instanceof k.KlingError && e instanceof Error, "class chain");
        eq(e.name, "ValidationError");
        eq(pathsAndCodes(e.errors), [["prompt", "required"], ["duration", "out_of_range"]]);
        ok(e.message.includes("prompt is required"), "the message names the first problem");
      }, "normalizeRequest");
    },
  },
  {
    name: "estimateCost prices every mode and sound by the second",
    run(k) {
      eq(k.estimateCost({}), { credits: 300, creditsPerSecond: 60, seconds: 5, mode: "std", sound: true });
      eq(k.estimateCost({ mode: "std", sound: false, duration: 5 }).credits, 200);
      eq(k.estimateCost({ mode: "pro", sound: true, duration: 5 }).credits, 400);
      eq(k.estimateCost({ mode: "std", sound: false, duration: 3 }).credits, 120);
      eq(k.estimateCost({ mode: "pro", sound: true, duration: 15 }).credits, 1200);
      eq(k.estimateCost({ mode: "pro", sound: false, duration: 10 }).credits, 540);
      const rates = { "std,false": 40, "std,true": 60, "pro,false": 54, "pro,true": 80 };
      for (const [key, rate] of Object.entries(rates)) {
        const [mode, sound] = key.split(",");
        for (let s = 3; s <= 15; s++) eq(k.estimateCost({ mode, sound: sound === "true", duration: s }).credits, rate * s, `${key} ${s}s`);
      }
    },
  },
  {
    name: "estimateCost works on a half-filled form and prices multi-shot on the shots' total",
    run(k) {
      eq(k.estimateCost({ prompt: "", image: "not yet", duration: 8 }).credits, 480);
      eq(k.estimateCost({ multi_shots: true, mode: "pro", multi_prompt: [{ prompt: "", duration: 4 }, { duration: 3 }] }).seconds, 7);
    },
  },
  {
    name: "estimateCost throws a ValidationError when a price field is invalid",
    run(k) {
      throws(() => k.estimateCost({ duration: 16, prompt: 5 }), (e) => {
        ok(e instanceof k.ValidationError, "ValidationError");
        eq(pathsAndCodes(e.errors), [["duration", "out_of_range"]]);
      }, "estimateCost");
      throws(() => k.estimateCost({ mode: "ultra" }), (e) => eq(e.errors[0].path, "mode"), "mode");
    },
  },
  {
    name: "buildRequest gives method, url, headers and the JSON of the normalized body",
    run(k) {
      const input = { prompt: "a cat", duration: 7 };
      const r = k.buildRequest(input, { apiKey: "aio_test" });
      eq(r.method, "POST");
      eq(r.url, "https://apiin.one/api/v1/videos/generations");
      eq(r.headers, { "Content-Type": "application/json", Authorization: "Bearer aio_test" });
      eq(r.body, JSON.stringify(k.normalizeRequest(input)));
      eq(k.buildRequest(input).headers, { "Content-Type": "application/json" }, "no key, no Authorization");
      eq(k.buildRequest(input, { baseUrl: "http://127.0.0.1:8080/api/v1/" }).url, "http://127.0.0.1:8080/api/v1/videos/generations");
      eq(k.buildRequest(input, { baseUrl: "/api/v1" }).url, "/api/v1/videos/generations");
    },
  },
  {
    name: "a string that is not valid Unicode is refused, not silently changed",
    run(k) {
      eq(pathsAndCodes(k.validateRequest({ prompt: "a\ud800b" }).errors), [["prompt", "invalid_value"]]);
      eq(pathsAndCodes(k.validateRequest({ prompt: "ok", extra: ["\udfff"] }).errors), [["extra[0]", "invalid_value"]]);
      eq(k.validateRequest({ prompt: "a real \ufffd replacement character and 🎬" }).valid, true);
    },
  },
  {
    name: "the body is the very text JSON.stringify writes for normalizeRequest, whatever the prompt holds",
    run(k) {
      for (const prompt of ["line\u2028sep\u2029", "ctrl \u0001\u001f\b\f\n\r\t", 'q " \\ /', "🎬 é 字", "</script>"]) {
        const input = { prompt, extra: { n: 0.1, big: 1e21, neg: -0, list: [1.5, null, true] } };
        eq(k.buildRequest(input).body, JSON.stringify(k.normalizeRequest(input)), JSON.stringify(prompt));
      }
    },
  },
  {
    name: "buildRequest throws a ValidationError for an invalid request or options, never echoing the key",
    run(k) {
      throws(() => k.buildRequest({ duration: 2 }, { baseUrl: "nope" }), (e) => {
        eq(pathsAndCodes(e.errors), [["prompt", "required"], ["duration", "out_of_range"], ["baseUrl", "invalid_url"]]);
      }, "buildRequest");
      throws(() => k.buildRequest({ prompt: "a" }, { apiKey: "aio_leak me" }), (e) => {
        eq(e.errors[0].path, "apiKey");
        ok(!JSON.stringify([e.message, e.errors]).includes("aio_leak"), "the key is not in the error");
      }, "bad key");
    },
  },
  {
    name: "toCurl redacts the key by default and can show it",
    run(k) {
      const r = k.buildRequest({ prompt: "a" }, { apiKey: "aio_secret" });
      const redacted = k.toCurl(r);
      ok(!redacted.includes("aio_secret"), "redacted");
      ok(redacted.includes('"Authorization: Bearer $KLING_API_KEY"'), "a placeholder the shell fills");
      ok(k.toCurl(r, { redactKey: true }) === redacted, "explicit true");
      ok(k.toCurl(r, { redactKey: false }).includes("'Authorization: Bearer aio_secret'"), "shown on request");
      ok(redacted.startsWith("curl -X POST 'https://apiin.one/api/v1/videos/generations'"), "starts with the URL");
    },
  },
  {
    name: "toCurl quotes quotes, $(), backticks and newlines so a shell passes them through",
    run(k) {
      const prompt = "it's `whoami` $(id) ${HOME}\nnext line \\ \"q\"";
      const curl = k.toCurl(k.buildRequest({ prompt }));
      const data = curl.slice(curl.indexOf("--data-raw ") + "--data-raw ".length);
      ok(data.startsWith("'") && data.endsWith("'"), "single-quoted");
      const unquoted = data.slice(1, -1).split("'\\''").join("'");
      eq(JSON.parse(unquoted).prompt, prompt, "the body survives quoting");
    },
  },
  {
    name: "parseTask maps every documented shape and status",
    run(k) {
      const created = k.parseTask({ code: 200, message: "success", data: { task_id: "n75xxxx_kling3", status: "IN_PROGRESS" } });
      eq([created.taskId, created.status, created.rawStatus, created.videoUrl, created.error], ["n75xxxx_kling3", "running", "IN_PROGRESS", null, null]);
      eq(created.raw.data.task_id, "n75xxxx_kling3", "raw is the body");
      eq(k.parseTask({ id: "x", status: "pending", model: "kling-3", created_at: "2026-01-01" }).status, "queued");
      const words = {
        IN_PROGRESS: "running", PENDING: "queued", QUEUED: "queued", PROCESSING: "running", COMPLETED: "succeeded",
        SUCCESS: "succeeded", SUCCEEDED: "succeeded", FAILED: "failed", ERROR: "failed", submitted: "queued",
        processing: "running", succeed: "succeeded", failed: "failed", waiting: "queued", queuing: "queued",
        generating: "running", success: "succeeded", fail: "failed", completed: "succeeded", brand_new_word: "running",
      };
      for (const [word, status] of Object.entries(words)) {
        eq(k.parseTask({ data: { status: word } }).status, status, word);
        eq(k.parseTask({ status: word }).status, status, `top-level ${word}`);
      }
      const url = "https://cdn.example/v.mp4";
      for (const body of [
        { data: { status: "COMPLETED", output: { video_url: url } } },
        { data: { status: "COMPLETED", video_url: url } },
        { status: "COMPLETED", output: { video_url: url } },
        { data: { status: "succeed", result: { videos: [{ url }] } } },
        { data: { status: "succeed", task_result: { videos: [{ url }] } } },
      ]) eq(k.parseTask(body).videoUrl, url, JSON.stringify(body));
      for (const body of [
        { data: { status: "FAILED", error: "nsfw" } },
        { data: { status: "FAILED", error_message: "nsfw" } },
        { data: { status: "FAILED", fail_reason: "nsfw" } },
        { error: { code: 400, message: "nsfw", type: "invalid_request" } },
      ]) eq([k.parseTask(body).status, k.parseTask(body).error], ["failed", "nsfw"], JSON.stringify(body));
    },
  },
  {
    name: "parseTask gives a video URL only when it is http(s), and reads JSON text",
    run(k) {
      eq(k.parseTask({ data: { status: "COMPLETED", video_url: "HTTP://x/v.mp4" } }).videoUrl, "HTTP://x/v.mp4", "any case of http");
      for (const bad of ["javascript:alert(1)", "data:video/mp4;base64,AA", "file:///etc/passwd", "//x/v.mp4", "httpx://x/v.mp4", "https:/x/v.mp4", 42]) {
        eq(k.parseTask({ data: { status: "COMPLETED", video_url: bad } }).videoUrl, null, String(bad));
      }
      eq(k.parseTask('{"data":{"task_id":"t","status":"SUCCESS","video_url":"http://x/v.mp4"}}').videoUrl, "http://x/v.mp4");
      throws(() => k.parseTask("<html>Bad gateway</html>"), (e) => {
        ok(e instanceof k.KlingError && !(e instanceof SyntaxError), "a KlingError, not a SyntaxError");
        eq(e.code, "invalid_json");
      }, "HTML");
      throws(() => k.parseTask(null), (e) => ok(e instanceof k.KlingError, "KlingError"), "null");
    },
  },
  {
    name: "parseTask turns a response object it cannot read (a throwing getter, a Proxy) into a KlingError",
    run(k) {
      const hostile = [
        { get data() { throw new Error("getter"); } },
        { data: new Proxy({}, { ownKeys() { throw new Error("keys"); } }) },
        { data: { status: "COMPLETED", video_url: () => 1 } },
      ];
      for (const body of hostile) {
        throws(() => k.parseTask(body), (e) => {
          ok(e instanceof k.KlingError, `a KlingError, not ${e?.constructor?.name}: ${e?.message}`);
          eq(e.code, "invalid_response");
        }, "hostile body");
      }
    },
  },
  {
    name: "requestLimits gives the bounds the rules enforce",
    run(k) {
      const l = k.requestLimits();
      eq(l, { maxPromptChars: 2500, maxShotPromptChars: 512, minSeconds: 3, maxSeconds: 15, defaultSeconds: 5, minShotSeconds: 1, maxShots: 6, maxElements: 3, minElementImages: 2, maxElementImages: 4, elementVideos: 1, minImageSidePx: 300, maxImageBytes: 10485760 });
      eq(k.validateRequest({ prompt: "x".repeat(l.maxPromptChars) }).valid, true);
      eq(k.validateRequest({ prompt: "x", duration: l.maxSeconds + 1 }).valid, false);
    },
  },
  {
    name: "clientDefaults, statusText and isTaskId give the client's numbers and rules as documented",
    run(k) {
      // The README's numbers: 30 s per request, 15 minutes of waiting, 2 retries, Retry-After up to 60 s, polls at least 100 ms apart.
      const d = k.clientDefaults();
      eq([d.baseUrl, d.requestTimeoutMs, d.waitTimeoutMs, d.maxRetries, d.maxRetryAfterMs, d.minPollIntervalMs], ["https://apiin.one/api/v1", 30000, 900000, 2, 60000, 100]);
      // A Retry-After over a day is not taken as meant (docs/api.md).
      eq(d.longestMeantRetryAfterMs, 86400000);
      // The servers' numbers (README, "The proxy"): mounted at /api/v1, 5 s for a body, budgets by the hour.
      eq([d.basePath, d.bodyTimeoutMs, d.spendWindowMs, d.maxBodyBytes], ["/api/v1", 5000, 3600000, 1000000]);
      eq(d.exposedHeaders, ["Retry-After", "retry-after-ms", "Idempotent-Replayed"]);
      // The proxy's (docs/proxy.md): creates counted by the minute, owners kept a week, a lost callback asked after once a minute.
      eq([d.createRateWindowMs, d.ownershipTtlMs, d.safetyPollMs, d.callbackReadGapMs], [60000, 604800000, 60000, 1000]);
      // Every request the client sends, and the proxy forwards, goes to the network.
      eq(d.requestCache, "no-store");
      eq(["2f1c0e9a-7b1d-4c55-9a0e-6f1f2d3c4b5a", "k", "x".repeat(255)].map(k.isIdempotencyKey), [true, true, true]);
      eq(["", "two words", "x".repeat(256), "é", 5, null].map(k.isIdempotencyKey), [false, false, false, false, false, false]);
      ok(/too many requests/.test(k.statusText(429)), "429 is explained");
      ok(/key/.test(k.statusText(401)), "401 names the key");
      for (const id of ["sbx1_kling3", "n75a-b.c~d:e"]) eq(k.isTaskId(id), true, id);
      for (const id of ["", "../x", "a/b", "a?b", "a b", 5, null, "x".repeat(257)]) eq(k.isTaskId(id), false, String(id));
      // Dots alone are path steps (`tasks/..` is the API's root), not ids; dots among others are fine.
      for (const id of [".", "..", "..."]) eq(k.isTaskId(id), false, id);
      eq(k.isTaskId("v1.2"), true);
    },
  },
  {
    name: "redactKey hides the key plainly or escaped, so that nothing decoded from the text shows it",
    run(k) {
      const key = "aio_Secret123";
      eq(k.redactKey(`bad key ${key}!`, key), "bad key [redacted]!");
      // A JSON echo with an escape: JSON.parse of the redacted text holds no key.
      const echoed = JSON.stringify({ error: { message: "bad key KEY" } }).replace("KEY", "aio\\u005fSecret123");
      eq(JSON.parse(echoed).error.message, `bad key ${key}`, "the escape decodes to the key");
      eq(JSON.parse(k.redactKey(echoed, key)).error.message, "bad key [redacted]");
      eq(k.redactKey("aio%5FSecret123 &#x61;io_Secret123", key), "[redacted] [redacted]");
      eq(k.redactKey("nothing to hide", key), "nothing to hide");
      let thrown;
      try {
        k.redactKey(5, key);
      } catch (e) {
        thrown = e;
      }
      ok(thrown instanceof k.ValidationError && thrown.errors[0].path === "text", String(thrown));
    },
  },
  {
    name: "a base URL with a user name or password is refused, and the message does not repeat it",
    run(k) {
      let thrown;
      try {
        k.buildRequest({ prompt: "a" }, { baseUrl: "https://user:pw@apiin.one/api/v1" });
      } catch (e) {
        thrown = e;
      }
      ok(thrown instanceof k.ValidationError && thrown.errors[0].path === "baseUrl", String(thrown));
      ok(!thrown.message.includes("pw@"), thrown.message);
      eq(k.buildRequest({ prompt: "a" }, { baseUrl: "https://apiin.one/api/v1/a@b" }).url, "https://apiin.one/api/v1/a@b/videos/generations");
    },
  },
  {
    name: "buildRequest reports an option of the wrong type with the request's problems, all at once",
    run(k) {
      let thrown;
      try {
        k.buildRequest({ prompt: "", duration: 99 }, { baseUrl: 5, apiKey: 7 });
      } catch (e) {
        thrown = e;
      }
      ok(thrown instanceof k.ValidationError, String(thrown));
      eq(thrown.errors.map((e) => e.path), ["prompt", "duration", "apiKey", "baseUrl"]);
    },
  },
  {
    name: "an element is named by @name as a word of its own, and messages read as English",
    run(k) {
      const element = { name: "knight", element_input_urls: ["https://a/1.png", "https://a/2.png"] };
      const codes = (prompt) => k.validateRequest({ prompt, kling_elements: [element] }).warnings.map((w) => w.code);
      eq(codes("@knight rides"), []);
      eq(codes("mail bob@knight.com"), ["unreferenced"], "an e-mail address is not a mention");
      const bad = k.validateRequest({ prompt: "@knight", kling_elements: [{ ...element, element_input_urls: ["https://a/1.png", "ftp://x"] }] });
      ok(/an http\(s\) URL of an image/.test(bad.errors[0].message), bad.errors[0].message);
    },
  },
  {
    name: "nextPollDelay follows the documented schedule",
    run(k) {
      // The README: after 2, 4, 6, 8 and 10 s; every 10 s until 50 s; every 3 s until 200 s; slower after, up to every 15 s.
      const at = [0, 2000, 4000, 6000, 8000, 10_000, 20_000, 40_000, 50_000, 120_000, 199_000, 10_000_000].map((t) => k.nextPollDelay(t));
      eq(at, [2000, 2000, 2000, 2000, 2000, 10_000, 10_000, 10_000, 3000, 3000, 3000, 15_000]);
      let t = 0;
      const times = [];
      while (t < 60_000) times.push((t += k.nextPollDelay(t)));
      eq(times.slice(0, 9), [2000, 4000, 6000, 8000, 10_000, 20_000, 30_000, 40_000, 50_000]);
      // With pollIntervalMs, that interval, never under 100 ms.
      eq([k.nextPollDelay(5000, 1500), k.nextPollDelay(0, 0), k.nextPollDelay(0, 99)], [1500, 100, 100]);
    },
  },
  {
    name: "every error class is exported and extends KlingError",
    run(k) {
      for (const name of ["ValidationError", "ApiError", "TaskFailedError", "TimeoutError"]) {
        ok(typeof k[name] === "function", `${name} is exported`);
        ok(k[name].prototype instanceof k.KlingError, `${name} extends KlingError`);
      }
      ok(k.KlingError.prototype instanceof Error, "KlingError extends Error");
      // Each class keeps its own name through minification.
      const names = ["KlingError", "ValidationError", "ApiError", "TaskFailedError", "TimeoutError", "KlingClient"];
      eq(names.map((name) => k[name].name), names);
      const e = new k.TimeoutError("late", { taskId: "t1" });
      eq([e.name, e.taskId, e.code], ["TimeoutError", "t1", "timeout"]);
    },
  },
];
