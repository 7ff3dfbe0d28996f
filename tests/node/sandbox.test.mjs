// The sandbox API as a client of any language sees it: routes, auth, the documented error
// shapes, credits, rate limit, callbacks, CORS, the video; and `npm start`'s server answering a
// curl command built by toCurl.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:http";
import { buildRequest, toCurl } from "kling3-wasm";
import { startDevServer } from "../../server/dev-server.mjs";
import { slowRequest } from "./servers.mjs";

const KEY = "aio_sandboxkey1";
let srv;
let api;
before(async () => {
  srv = await startDevServer({ port: 0, sandbox: { timeScale: 0.002, rateLimit: 5 } });
  api = `${srv.url}/api/v1`;
});
after(() => srv.close());
beforeEach(() => srv.sandbox.reset());

/** POSTs a create request and reads the whole answer (an unread body would hold its connection). */
async function post(body, headers = {}) {
  const response = await fetch(`${api}/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: async () => JSON.parse(text) };
}

test("a missing or malformed key is a 401 in the documented error shape", async () => {
  const missing = await post("{}", { Authorization: "" });
  assert.equal(missing.status, 401);
  const body = await missing.json();
  assert.deepEqual(Object.keys(body.error), ["code", "message", "type"]);
  assert.equal(body.error.code, 401);
  assert.equal((await post({ prompt: "x" }, { Authorization: "Bearer nope" })).status, 401);
});

test("a task URL with a malformed escape is a 404 in the API's error shape, not a server error", async () => {
  const response = await fetch(`${api}/tasks/%E0%A4%A`, { headers: { Authorization: `Bearer ${KEY}` } });
  assert.equal(response.status, 404);
  assert.equal((await response.json()).error.type, "not_found");
});

test("an invalid request is a 400 naming every problem, checked by the package", async () => {
  const response = await post({ prompt: "x", duration: 20, mode: "ultra" });
  assert.equal(response.status, 400);
  const { error } = await response.json();
  assert.equal(error.type, "invalid_request");
  assert.deepEqual(error.details.map((d) => d.path), ["mode", "duration"]);
  assert.equal((await post("{nope")).status, 400);
});

test("each task draws the balance down by its exact price, and a short balance is a 402", async () => {
  srv.sandbox.setCredits(1000);
  assert.equal((await post({ prompt: "x", mode: "pro", duration: 10 })).status, 200); // 800
  assert.equal(srv.sandbox.balance(KEY), 200);
  const short = await post({ prompt: "x" }); // 300
  assert.equal(short.status, 402);
  assert.match((await short.json()).error.message, /costs 300, the balance is 200/);
  assert.equal((await post({ prompt: "x", sound: false, duration: 5 })).status, 200); // 200
  assert.equal(srv.sandbox.balance(KEY), 0);
});

test("too many tasks in a minute is a 429 with Retry-After", async () => {
  for (let i = 0; i < 5; i++) assert.equal((await post({ prompt: "x" })).status, 200);
  const limited = await post({ prompt: "x" });
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
});

test("a task moves from IN_PROGRESS to COMPLETED with a playable video", async () => {
  const created = await (await post({ prompt: "x", duration: 3 })).json();
  assert.deepEqual(created.data.status, "IN_PROGRESS");
  const read = () => fetch(`${api}/tasks/${created.data.task_id}`, { headers: { Authorization: `Bearer ${KEY}` } }).then((r) => r.json());
  assert.equal((await read()).data.status, "IN_PROGRESS");
  await new Promise((r) => setTimeout(r, 250));
  const done = await read();
  assert.equal(done.data.status, "COMPLETED");
  const video = await fetch(done.data.output.video_url, { headers: { Range: "bytes=0-99" } });
  assert.equal(video.status, 206);
  assert.equal((await video.arrayBuffer()).byteLength, 100);
  const other = await fetch(`${api}/tasks/${created.data.task_id}`, { headers: { Authorization: "Bearer aio_someoneelse" } });
  assert.equal(other.status, 404, "tasks belong to the key that created them");
  await other.arrayBuffer();
});

test("callback_url receives the finished task", async () => {
  let received;
  const hook = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      received = JSON.parse(text);
      res.end("ok");
    });
  });
  await new Promise((r) => hook.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${hook.address().port}/done`;
    const created = await (await post({ prompt: "x", duration: 3, callback_url: url })).json();
    for (let i = 0; i < 50 && !received; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received?.data.task_id, created.data.task_id);
    assert.equal(received.data.status, "COMPLETED");
  } finally {
    hook.close();
  }
});

test("CORS lets a page on another origin call the API", async () => {
  const preflight = await fetch(`${api}/videos/generations`, {
    method: "OPTIONS",
    headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
  });
  assert.equal(preflight.status, 204);
  await preflight.arrayBuffer();
  assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173");
  assert.match(preflight.headers.get("access-control-allow-headers"), /Authorization/);
  const created = await post({ prompt: "x" }, { Origin: "http://localhost:5173" });
  assert.equal(created.headers.get("access-control-allow-origin"), "http://localhost:5173");
});

/** POSTs JSON to a sandbox control, as a developer's script or curl does. */
const control = (path, body, headers = {}) =>
  fetch(`${srv.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

test("fault switches can be set over HTTP, and unknown ones are refused", async () => {
  const ok = await control("/_sandbox/faults", { fault: "html-502", route: "create" });
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  const faulted = await post({ prompt: "x" });
  assert.equal(faulted.status, 502);
  assert.match(faulted.headers.get("content-type"), /text\/html/);
  assert.equal((await post({ prompt: "x" })).status, 200, "a fault plays once by default");
  const bad = await control("/_sandbox/faults", { fault: "meteor" });
  assert.equal(bad.status, 400);
  await bad.arrayBuffer();
  const state = await (await fetch(`${srv.url}/_sandbox`)).json();
  assert.equal(state.counts.posts, 2);
});

test("the sandbox's controls refuse a page on another origin and a simple form POST", async () => {
  srv.sandbox.setCredits(5000);
  const attempts = [
    // A page elsewhere, with the JSON it would need a preflight for.
    ["/_sandbox/reset", {}, { Origin: "http://localhost:5173" }, 403],
    ["/_sandbox/credits", { credits: 0 }, { Origin: "https://attacker.example" }, 403],
    ["/_sandbox/faults", { fault: "drop" }, { Origin: "null" }, 403],
  ];
  for (const [path, body, headers, status] of attempts) {
    const answer = await control(path, body, headers);
    assert.equal(answer.status, status, `${path} from ${headers.Origin}`);
    assert.equal(answer.headers.get("access-control-allow-origin"), null);
    assert.equal((await answer.json()).error.type, "origin_not_allowed");
  }
  // What a form or a no-cors fetch can send without a preflight: no JSON content type.
  for (const [type, body] of [["application/x-www-form-urlencoded", "credits=0"], ["text/plain", '{"credits":0}'], ["multipart/form-data; boundary=x", "--x--"], [undefined, '{"credits":0}']]) {
    const answer = await fetch(`${srv.url}/_sandbox/credits`, { method: "POST", headers: type ? { "Content-Type": type } : {}, body });
    assert.equal(answer.status, 415, String(type));
    await answer.arrayBuffer();
  }
  const preflight = await fetch(`${srv.url}/_sandbox/reset`, { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null, "no preflight is granted");
  await preflight.arrayBuffer();
  const state = await (await fetch(`${srv.url}/_sandbox`, { headers: { Origin: "http://localhost:5173" } })).json();
  assert.deepEqual([state.defaultCredits, state.faults], [5000, []], "nothing was changed");
  // The developer's own calls: no Origin (curl, scripts) or the sandbox's own origin (its page).
  assert.equal((await control("/_sandbox/credits", { credits: 7 })).status, 200);
  assert.equal(srv.sandbox.balance(KEY), 7);
  assert.equal((await control("/_sandbox/reset", {}, { Origin: srv.url })).status, 200);
  assert.equal(srv.sandbox.balance(KEY), 100_000);
});

test("a body too large is refused without being read, and the connection closed", async () => {
  const { port } = new URL(srv.url);
  const head = `POST /api/v1/videos/generations HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const chunk = `10000\r\n${"x".repeat(0x10000)}\r\n`;
  const { answer, sent } = await slowRequest(port, head, Array(2000).fill(chunk)); // 128 MB offered
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.match(answer, /connection: close/i);
  assert.ok(sent < 10_000_000, `stopped early: ${sent} bytes written`);
  assert.equal(srv.sandbox.counts.created, 0);
});

test("a body that trickles in is cut off at the body timeout with a 408", async () => {
  const slow = await startDevServer({ port: 0, sandbox: { bodyTimeoutMs: 300 } });
  try {
    const { port } = new URL(slow.url);
    const body = JSON.stringify({ prompt: "a cat" });
    const head = `POST /api/v1/videos/generations HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, ms } = await slowRequest(port, head, [...body], { intervalMs: 100 }); // 10 bytes a second
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(ms >= 250 && ms < 2000, `cut off after ${ms} ms`);
    assert.equal(slow.sandbox.counts.created, 0);
  } finally {
    await slow.close();
  }
});

test("a curl command from toCurl, unredacted with any key, creates a task on npm start's sandbox", async () => {
  const request = buildRequest({ prompt: "it's a \"test\" with $(dollars) and `ticks`", duration: 3 }, { apiKey: "aio_anykey42", baseUrl: api });
  // Asynchronously: the server answering curl runs in this process.
  const { stdout: out } = await promisify(execFile)("sh", ["-c", `${toCurl(request, { redactKey: false })} -sS`]);
  const created = JSON.parse(out);
  assert.equal(created.code, 200);
  assert.match(created.data.task_id, /^sbx/);
  const task = srv.sandbox.tasks.get(created.data.task_id);
  assert.ok(task, "the sandbox holds the task");
});
