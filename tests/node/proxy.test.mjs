// kling3-wasm/proxy: forwarding with the key added, the credit cap, the origin rule, and the
// key kept away from the browser; and `KLING_API_KEY=... npm start` going through it.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { connect } from "node:net";
import { createProxyHandler, toNodeHandler } from "kling3-wasm/proxy";
import { KlingClient, validateRequest } from "kling3-wasm";
import { startDevServer } from "../../server/dev-server.mjs";

const KEY = "aio_serverside_secret";
let upstream;
before(async () => {
  upstream = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
});
after(() => upstream.close());
beforeEach(() => upstream.sandbox.reset());

const handler = (options = {}) => createProxyHandler({ apiKey: KEY, upstream: `${upstream.url}/api/v1`, ...options });
const create = (h, body, headers = {}) =>
  h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) }));

test("a task is created upstream with the server's key, and the answer does not hold it", async () => {
  const response = await create(handler(), { prompt: "a cat" }, { Authorization: "Bearer aio_browser_supplied" });
  assert.equal(response.status, 200);
  const body = await response.text();
  assert.ok(!body.includes(KEY));
  const { data } = JSON.parse(body);
  assert.equal(upstream.sandbox.tasks.get(data.task_id).key, KEY, "forwarded with the server's key, not the caller's");
  const read = await handler()(new Request(`http://proxy.local/api/v1/tasks/${data.task_id}`));
  assert.equal(read.status, 200);
});

test("toNodeHandler serves the proxy from Node's http server, and under an Express-style mount", async () => {
  const handle = handler();
  const listen = (listener) => new Promise((resolve) => {
    const server = createServer(listener).listen(0, "127.0.0.1", () => resolve(server));
  });
  const plain = await listen(toNodeHandler(handle));
  // A router that took its mount path off req.url, as Express's app.use does, keeps originalUrl.
  const nodeHandle = toNodeHandler(handle);
  const mounted = await listen((req, res) => {
    req.originalUrl = req.url;
    req.url = req.url.replace(/^\/api\/v1/, "") || "/";
    nodeHandle(req, res);
  });
  try {
    for (const server of [plain, mounted]) {
      const base = `http://127.0.0.1:${server.address().port}/api/v1`;
      const task = await new KlingClient({ baseUrl: base }).generate({ prompt: "a cat" }, { pollIntervalMs: 20 });
      assert.equal(task.status, "succeeded");
      const refused = await fetch(`${base}/videos/generations`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"duration":20}' });
      assert.equal(refused.status, 400);
      assert.deepEqual((await refused.json()).error.details.map((d) => d.path), ["prompt", "duration"]);
    }
    assert.equal(upstream.sandbox.counts.created, 2, "one task through each");
  } finally {
    plain.close();
    mounted.close();
  }
  assert.throws(() => toNodeHandler("handle"), /toNodeHandler: handler must be a function/);
});

test("toNodeHandler answers what a request or a handler breaks with an error, and the server lives on", async () => {
  const handlers = [
    () => { throw new Error("the handler broke"); },
    async () => ({ not: "a Response" }),
    async () => new Response(new ReadableStream({ pull(c) { c.error(new Error("the body broke")); } })),
    handler(),
  ];
  let which = 0;
  const server = await new Promise((resolve) => {
    const s = createServer((req, res) => toNodeHandler(handlers[which])(req, res)).listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address();
  // Raw HTTP, so that the Host header can be one no URL can hold.
  const raw = (head) => new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.on("data", (d) => (text += d)).on("close", () => resolve(text)).on("error", () => resolve(text));
  });
  try {
    which = 3;
    assert.match(await raw("GET /api/v1/tasks/t_1 HTTP/1.1\r\nHost: a b"), /^HTTP\/1\.1 400 /);
    for (const [i, expected] of [[0, /^HTTP\/1\.1 502 /], [1, /^HTTP\/1\.1 502 /], [2, /^$/]]) {
      which = i;
      assert.match(await raw("GET /api/v1/tasks/t_1 HTTP/1.1\r\nHost: 127.0.0.1"), expected, `handler ${i}`);
    }
    which = 3;
    const alive = await fetch(`http://127.0.0.1:${port}/api/v1/tasks/sbx0_kling3`);
    assert.equal(alive.status, 404, "the server still answers");
  } finally {
    server.close();
  }
});

test("a task over the credit cap is refused before reaching the API", async () => {
  const response = await create(handler({ maxCreditsPerTask: 500 }), { prompt: "x", mode: "pro", duration: 10 });
  assert.equal(response.status, 403);
  const { error } = await response.json();
  assert.deepEqual([error.type, error.credits], ["credit_cap", 800]);
  assert.equal(upstream.sandbox.counts.posts, 0);
  assert.equal((await create(handler({ maxCreditsPerTask: 500 }), { prompt: "x" })).status, 200);
});

test("an invalid request is refused with every problem, before reaching the API", async () => {
  const response = await create(handler(), { duration: 20 });
  assert.equal(response.status, 400);
  const { error } = await response.json();
  assert.deepEqual(error.details.map((d) => d.path), ["prompt", "duration"]);
  // The package's own words, as validateRequest gives them.
  assert.deepEqual(error.details, validateRequest({ duration: 20 }).errors);
  assert.equal(error.message, `Invalid parameters: ${error.details.map((d) => d.message).join("; ")}`);
  assert.equal(upstream.sandbox.counts.posts, 0);
});

test("only allowed origins may call it, and they get CORS headers", async () => {
  const h = handler({ allowedOrigins: ["https://app.example"] });
  const evil = await create(h, { prompt: "x" }, { Origin: "https://evil.example" });
  assert.equal(evil.status, 403);
  assert.equal((await evil.json()).error.type, "origin_not_allowed");
  assert.equal(upstream.sandbox.counts.posts, 0);
  const good = await create(h, { prompt: "x" }, { Origin: "https://app.example" });
  assert.equal(good.status, 200);
  assert.equal(good.headers.get("access-control-allow-origin"), "https://app.example");
  const sameOrigin = await create(handler(), { prompt: "x" }, { Origin: "http://proxy.local" });
  assert.equal(sameOrigin.status, 200);
  const other = await create(handler(), { prompt: "x" }, { Origin: "http://localhost:3000" });
  assert.equal(other.status, 403, "by default only the proxy's own origin");
});

test("its own origin and host name are the Host the browser asked for, not a URL naming another (Next.js)", async () => {
  // Next.js's route handlers get a request.url naming Next's own host (localhost) whatever the
  // browser asked for; the Host header keeps what it asked for.
  const nextLike = (h, headers) =>
    h(new Request("http://localhost:3000/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify({ prompt: "x" }) }));
  const asked = { Host: "app.example:8080" };
  assert.equal((await nextLike(handler(), { ...asked, Origin: "http://app.example:8080" })).status, 200);
  const localhost = await nextLike(handler(), { ...asked, Origin: "http://localhost:3000" });
  assert.equal(localhost.status, 403);
  assert.equal((await localhost.json()).error.type, "origin_not_allowed");
  assert.equal((await nextLike(handler({ allowedHosts: ["app.example"] }), asked)).status, 200);
  const elsewhere = await nextLike(handler({ allowedHosts: ["localhost"] }), asked);
  assert.equal((await elsewhere.json()).error.type, "host_not_allowed");
});

test("an upstream that echoes the key has it scrubbed", async () => {
  const echo = async (url, init) => new Response(JSON.stringify({ error: { code: 401, message: `bad key ${init.headers.Authorization}` } }), { status: 401 });
  const response = await create(handler({ fetch: echo }), { prompt: "x" });
  assert.equal(response.status, 401);
  assert.ok(!(await response.text()).includes(KEY));
});

test("its upstream requests ask for no cache (Next.js's fetch cache is left by it too), create and poll", async () => {
  const seen = [];
  const record = async (url, init) => {
    seen.push([init.method, init.cache]);
    return fetch(url, init);
  };
  const h = handler({ fetch: record });
  const { data } = await (await create(h, { prompt: "a cat" })).json();
  assert.equal((await h(new Request(`http://proxy.local/api/v1/tasks/${data.task_id}`))).status, 200);
  assert.deepEqual(seen, [
    ["POST", "no-store"],
    ["GET", "no-store"],
  ]);
});

test("bad options are refused when the handler is made", () => {
  assert.throws(() => createProxyHandler({}), /apiKey/);
  assert.throws(() => createProxyHandler({ apiKey: KEY, maxCreditsPerTask: -5 }), /maxCreditsPerTask/);
  assert.throws(() => createProxyHandler({ apiKey: KEY, upstream: "nope" }), /baseUrl/);
});

test("KLING_API_KEY=... npm start forwards /api/v1 through the proxy, and the page never sees the key", async () => {
  const child = spawn(process.execPath, ["server/dev-server.mjs"], {
    env: { ...process.env, PORT: "0", KLING_API_KEY: KEY, KLING_BASE_URL: `${upstream.url}/api/v1` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    while (!/tester: (http:\/\/\S+)\//.test(out)) await once(child.stdout, "data");
    const url = /tester: (http:\/\/\S+)\//.exec(out)[1];
    assert.match(out, /forwards to .* with the key from KLING_API_KEY/);
    assert.ok(!out.includes(KEY), "the key is not printed");
    const task = await new KlingClient({ baseUrl: `${url}/api/v1` }).generate({ prompt: "a cat", duration: 3 }, { pollIntervalMs: 50 });
    assert.equal(task.status, "succeeded");
    assert.ok(!JSON.stringify(task.raw).includes(KEY));
    for (const path of ["/", "/app.js", "/pkg/web.js"]) {
      assert.ok(!(await (await fetch(url + path)).text()).includes(KEY), `${path} does not hold the key`);
    }
    assert.equal(upstream.sandbox.counts.created, 1);
  } finally {
    child.kill();
  }
});
