// The core's verdicts and checks, as a proxy or the sandbox reads them from the package instead
// of working the rules out again: attemptVerdict, checkIdempotencyKey, checkTaskId, checkApiKey.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attemptVerdict, checkApiKey, checkIdempotencyKey, checkTaskId, ValidationError } from "kling3-wasm";

const LOOK = "The task may have been created (and charged): look for it (the dashboard, or your callback_url) before sending the request again.";

test("a create the API refused (a 4xx) made no task: a proxy can refund it", () => {
  const v = attemptVerdict({ method: "POST", status: 402, text: '{"error":{"code":402,"message":"Insufficient credits","type":"insufficient_credits"}}' });
  assert.deepEqual(v, {
    outcome: "failure",
    mayHaveCreated: false,
    retryable: false,
    code: "api_error",
    apiCode: 402,
    message: "Insufficient credits",
    hint: null,
    status: 402,
    retryAfterMs: null,
    delayMs: null,
    task: null,
  });
  const envelope = attemptVerdict({ method: "POST", status: 200, text: '{"code":401,"message":"Invalid API key"}' });
  assert.deepEqual([envelope.outcome, envelope.mayHaveCreated, envelope.status, envelope.apiCode], ["failure", false, 200, 401]);
});

test("a create met by a 5xx, a redirect or an unreadable success may have made the task", () => {
  for (const [status, text, message] of [
    [500, '{"error":{"code":500,"message":"Internal server error"}}', "Internal server error"],
    [502, "<html>Bad Gateway</html>", "a gateway in front of the API got a bad answer from it (an HTML page, not the API's JSON: a proxy or gateway answered)"],
    [303, "", "the server answered with a redirect, which a create does not follow: check the base URL (empty response)"],
    [200, '{"code":200,"da', "HTTP 200 came with a body that is not JSON"],
  ]) {
    const v = attemptVerdict({ method: "POST", status, text });
    assert.deepEqual([v.outcome, v.mayHaveCreated, v.retryable, v.message, v.hint], ["failure", true, false, message, LOOK], `${status}`);
  }
});

test("a 429 is tried again after Retry-After, read from Headers or a plain object", () => {
  const fromHeaders = attemptVerdict({ method: "POST", status: 429, headers: new Headers({ "Retry-After": "3" }), text: "{}" });
  assert.deepEqual([fromHeaders.outcome, fromHeaders.delayMs, fromHeaders.retryAfterMs, fromHeaders.mayHaveCreated], ["retry", 3000, 3000, false]);
  const fromObject = attemptVerdict({ method: "GET", status: 503, headers: { "RETRY-AFTER-MS": "120" }, text: "" });
  assert.deepEqual([fromObject.outcome, fromObject.delayMs], ["retry", 120]);
  const spent = attemptVerdict({ method: "POST", status: 429, headers: { "retry-after": "2" }, text: "{}", retries: 2, maxRetries: 2 });
  assert.deepEqual([spent.outcome, spent.retryable, spent.mayHaveCreated, spent.hint], ["failure", true, false, "The same call may well succeed later: try it again in 2 s, as the server asked."]);
});

test("without Retry-After the backoff is jittered by the random number given", () => {
  assert.equal(attemptVerdict({ method: "GET", status: 502, text: "", random: 0.5 }).delayMs, 250);
  assert.equal(attemptVerdict({ method: "GET", status: 502, text: "", retries: 1, random: 0.5 }).delayMs, 500);
  const delay = attemptVerdict({ method: "GET", status: 502, text: "" }).delayMs;
  assert.ok(delay >= 0 && delay < 500, `${delay}`);
  assert.equal(attemptVerdict({ method: "GET", status: 404, text: "{}" }).outcome, "failure", "a 404 is not tried again");
});

test("an answer that is a task is the task", () => {
  const created = attemptVerdict({ method: "POST", status: 200, text: '{"code":200,"data":{"task_id":"t_1","status":"PENDING"}}' });
  assert.equal(created.outcome, "task");
  assert.deepEqual(created.task, { taskId: "t_1", status: "queued", rawStatus: "PENDING", videoUrl: null, error: null });
  const polled = attemptVerdict({ method: "GET", status: 200, text: '{"data":{"status":"IN_PROGRESS"}}', taskId: "t_2" });
  assert.deepEqual([polled.task.taskId, polled.task.status], ["t_2", "running"]);
});

test("a bad answer is a ValidationError naming every field", () => {
  assert.throws(
    () => attemptVerdict({ method: "PUT", status: "200", text: 5, maxRetries: 99 }),
    (e) => e instanceof ValidationError && e.errors.map((i) => i.path).join() === "method,status,text,maxRetries",
  );
  assert.throws(() => attemptVerdict(null), ValidationError);
});

test("checkIdempotencyKey says null, or the one message the client, the proxy and the sandbox give", () => {
  assert.equal(checkIdempotencyKey("6b1f9d2e-0c4a-4f7e-9a51-2d8c3e7f1a90"), null);
  assert.equal(checkIdempotencyKey("k".repeat(255)), null);
  const problem = { path: "idempotencyKey", code: "invalid_value", message: "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces (a UUID, say)" };
  for (const bad of ["", "two words", "k".repeat(256), "clé", 42, undefined]) assert.deepEqual(checkIdempotencyKey(bad), problem, String(bad));
});

test("checkTaskId says null, or why the id cannot go into a URL", () => {
  assert.equal(checkTaskId("sbx1234_kling3"), null);
  assert.equal(checkTaskId("a-b_c.d~e:f"), null);
  const value = { path: "taskId", code: "invalid_value", message: "taskId must be the id the API gave (letters, digits, - _ . ~ :, not dots alone, at most 256)" };
  for (const bad of ["..", "../x", "a?b", "", "x".repeat(257)]) assert.deepEqual(checkTaskId(bad), value, bad);
  assert.deepEqual(checkTaskId(5), { path: "taskId", code: "invalid_type", message: "taskId must be a string, got a number" });
  assert.deepEqual(checkTaskId(() => 1), { path: "taskId", code: "invalid_type", message: "taskId must be a string, got a function" });
});

test("checkApiKey says null, or why the key cannot be sent in a header", () => {
  assert.equal(checkApiKey("aio_abc123"), null);
  const message = "apiKey must be printable ASCII without spaces or line breaks (check for a stray space or quote)";
  for (const bad of ["", "aio_a b", "aio_\n", "aio_é"]) assert.deepEqual(checkApiKey(bad), { path: "apiKey", code: "invalid_value", message }, JSON.stringify(bad));
  assert.deepEqual(checkApiKey(null), { path: "apiKey", code: "invalid_type", message: "apiKey must be a string, got null" });
});
