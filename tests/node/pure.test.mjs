// The pure functions, imported by package name from Node, as users do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as k from "kling3-wasm";
import { cases } from "../shared/pure-cases.mjs";

for (const c of cases) test(c.name, () => c.run(k));

test("the package imports in Node with no init call and exports exactly its interface", () => {
  const names = Object.keys(k).sort();
  const documented = ["validateRequest", "normalizeRequest", "estimateCost", "buildRequest", "toCurl", "parseTask", "KlingError", "ValidationError", "ApiError", "TaskFailedError", "TimeoutError", "KlingClient"];
  // Added by the package, beyond the documented interface.
  const added = ["toSnippet", "requestLimits", "clientDefaults", "statusText", "isTaskId", "nextPollDelay"];
  assert.deepEqual(names, [...documented, ...added].sort(), "no internal helper leaks out");
});

test("a curl command from toCurl hands a real shell's curl exactly the body", () => {
  const prompt = "it's `touch /tmp/kling3-js-pwned` $(touch /tmp/kling3-js-pwned) ${HOME} ; | & \n\r\t 🎬 \\ \"";
  const request = k.buildRequest({ prompt }, { apiKey: "aio_k" });
  const fakeCurl = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`;
  const out = execFileSync("sh", ["-c", fakeCurl + k.toCurl(request, { redactKey: false })]);
  const args = out.toString("utf8").split("\0").filter(Boolean);
  assert.equal(args[args.indexOf("--data-raw") + 1], request.body);
  assert.ok(args.includes("Authorization: Bearer aio_k"));
  assert.equal(JSON.parse(request.body).prompt, prompt);
  assert.throws(() => execFileSync("test", ["-e", "/tmp/kling3-js-pwned"]), "no command in the prompt ran");
});

test("a redacted curl takes the key from $KLING_API_KEY in the shell", () => {
  const request = k.buildRequest({ prompt: "a" }, { apiKey: "aio_secret" });
  const fakeCurl = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`;
  const out = execFileSync("sh", ["-c", fakeCurl + k.toCurl(request)], { env: { KLING_API_KEY: "aio_from_env", PATH: process.env.PATH } });
  assert.ok(out.toString().includes("Authorization: Bearer aio_from_env"));
});
