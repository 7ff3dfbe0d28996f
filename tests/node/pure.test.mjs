// The pure functions, imported by package name from Node, as users do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k from "kling3-wasm";
import { cases } from "../shared/pure-cases.mjs";

for (const c of cases) test(c.name, () => c.run(k));

test("the package imports in Node with no init call and exports exactly its interface", () => {
  const names = Object.keys(k).sort();
  const documented = ["validateRequest", "normalizeRequest", "estimateCost", "buildRequest", "toCurl", "parseTask", "KlingError", "ValidationError", "ApiError", "TaskFailedError", "TimeoutError", "KlingClient"];
  // Added by the package, beyond the documented interface.
  const added = ["toSnippet", "requestLimits", "clientDefaults", "statusText", "isTaskId", "isIdempotencyKey", "nextPollDelay", "redactKey", "attemptVerdict", "checkIdempotencyKey", "checkTaskId", "checkApiKey"];
  assert.deepEqual(names, [...documented, ...added].sort(), "no internal helper leaks out");
});

test("a curl command from toCurl hands a real shell's curl exactly the body, and runs nothing in it", () => {
  // A marker no earlier run can have left: a command in the prompt that ran would create it.
  const dir = mkdtempSync(join(tmpdir(), "kling3-curl-"));
  const marker = join(dir, "ran");
  try {
    const prompt = `it's \`touch ${marker}\` $(touch ${marker}) \${HOME} ; | & \n\r\t 🎬 \\ "`;
    const request = k.buildRequest({ prompt }, { apiKey: "aio_k" });
    const fakeCurl = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`;
    const out = execFileSync("sh", ["-c", fakeCurl + k.toCurl(request, { redactKey: false })]);
    const args = out.toString("utf8").split("\0").slice(0, -1);
    assert.deepEqual(args, ["-X", "POST", "https://apiin.one/api/v1/videos/generations", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer aio_k", "--data-raw", request.body]);
    assert.equal(JSON.parse(request.body).prompt, prompt);
    assert.ok(!existsSync(marker), "no command in the prompt ran");
    // The check can see a command that ran: the same substitution, unquoted, makes the marker.
    execFileSync("sh", ["-c", `: $(touch ${marker})`]);
    assert.ok(existsSync(marker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a redacted curl takes the key from $KLING_API_KEY in the shell", () => {
  const request = k.buildRequest({ prompt: "a" }, { apiKey: "aio_secret" });
  const fakeCurl = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`;
  const out = execFileSync("sh", ["-c", fakeCurl + k.toCurl(request)], { env: { KLING_API_KEY: "aio_from_env", PATH: process.env.PATH } });
  const args = out.toString("utf8").split("\0");
  assert.ok(args.includes("Authorization: Bearer aio_from_env"), args.join(" "));
  assert.ok(!args.some((a) => a.includes("aio_secret")), "the request's own key is not in the command");
});

test("estimateCost reads only a request's own enumerable price fields, as validateRequest does", () => {
  // 300 credits: the default request (std, with sound, 5 s); a field the reader does not see
  // must not change it.
  const inherited = Object.create({ mode: "pro", duration: 15 });
  assert.equal(k.estimateCost(inherited).credits, 300);
  const hidden = Object.defineProperty({ prompt: "a" }, "mode", { value: "pro", enumerable: false });
  assert.equal(k.estimateCost(hidden).credits, 300);
  assert.deepEqual(k.normalizeRequest(hidden).mode, "std");
  // Inherited from a polluted Object.prototype: not the request's own field either.
  Object.prototype.duration = 15;
  try {
    assert.equal(k.estimateCost({ prompt: "a" }).credits, 300);
    assert.equal(k.estimateCost({ multi_shots: true, multi_prompt: [{ prompt: "a", duration: 4 }] }).credits, 240);
  } finally {
    delete Object.prototype.duration;
  }
  // What a field the price does not read holds does not matter: a function, a cycle, a huge text.
  const cyclic = { mode: "pro", duration: 10 };
  cyclic.self = cyclic;
  assert.equal(k.estimateCost({ ...cyclic, prompt: () => 1, image: "x".repeat(2_000_000) }).credits, 800);
  // Every shot's duration counts; its prompt does not.
  assert.equal(k.estimateCost({ multi_shots: true, sound: false, multi_prompt: [{ prompt: 5, duration: 4 }, { duration: 6 }] }).credits, 400);
  // A price field JSON cannot carry is named.
  assert.throws(() => k.estimateCost({ duration: NaN }), (e) => e instanceof k.ValidationError && e.errors[0].path === "duration");
  assert.throws(() => k.estimateCost({ multi_shots: true, multi_prompt: [{ prompt: "a", duration: () => 4 }] }), (e) => e.errors[0].path === "multi_prompt[0].duration");
});

test("a key that reads as path syntax is quoted in its path, so it never names another field", () => {
  const report = k.validateRequest({ prompt: "a", "": { mode: "\ud800" }, "a.b": 1, "multi_prompt[0]": 2 });
  assert.deepEqual(report.errors.map((e) => e.path), ['[""].mode']);
  assert.deepEqual(report.warnings.map((w) => w.path), ['[""]', '["a.b"]', '["multi_prompt[0]"]']);
  // Not the request's own `mode`: the price is the default request's.
  assert.equal(k.estimateCost({ "": { mode: "\ud800" } }).credits, 300);
});

test("a getter that calls the package while its object is being read gets right answers, and so does its caller", () => {
  // The inner calls read their input while the outer one is being read (and may grow the
  // module's memory under it): every answer must be the one for the plain object.
  const big = { prompt: "x".repeat(200_000), elements: Array.from({ length: 5000 }, (_, i) => ({ name: `e${i}`, text: "y".repeat(100) })) };
  const inner = [];
  const o = { prompt: "a cat", duration: 10 };
  Object.defineProperty(o, "mode", {
    enumerable: true,
    get() {
      inner.push(k.validateRequest(big).errors.map((e) => e.code), k.estimateCost({ mode: "pro", duration: 15 }).credits);
      return "pro";
    },
  });
  const plain = { prompt: "a cat", duration: 10, mode: "pro" };
  assert.deepEqual(k.validateRequest(o), k.validateRequest(plain));
  assert.deepEqual(k.estimateCost(o), k.estimateCost(plain));
  assert.equal(k.buildRequest(o).body, k.buildRequest(plain).body);
  assert.ok(inner.length >= 6);
  for (let i = 0; i < inner.length; i += 2) {
    assert.deepEqual(inner[i], ["too_long"]);
    assert.equal(inner[i + 1], 1200);
  }
});

test("a number with a fraction is read exactly as JS holds it", () => {
  // Messages write the number they got as JS writes it: String(x). Seeded, so a failure repeats.
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 2000; i++) {
    const x = (random() * 10 ** Math.floor(random() * 12)) * (random() < 0.5 ? 1 : -1) + random();
    const [error] = k.validateRequest({ prompt: "a", duration: x }).errors;
    assert.equal(error.message.split("got ")[1], String(x), `duration ${x}`);
  }
  // The one a fuzz run found: parsed from its JSON text, it came out one unit off.
  assert.match(k.validateRequest({ prompt: "a", duration: 123994.30223740637 }).errors[0].message, /got 123994\.30223740637$/);
});
