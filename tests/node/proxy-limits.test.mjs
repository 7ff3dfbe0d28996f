// kling3-wasm/proxy under hostile traffic: bodies counted in bytes and cut off at the limit or
// the deadline without reading the rest, only the exact routes, task ids checked before
// anything is forwarded, and the key scrubbed from every header and body in any escaping.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createProxyHandler } from "kling3-wasm/proxy";
import { serveFetchHandler } from "../../server/node-adapter.mjs";
import { fakeUpstream, rawRequest, slowRequest } from "./servers.mjs";

const KEY = "aio_limits_Secret/9";
let upstream;
before(async () => {
  upstream = await fakeUpstream();
});
after(() => upstream.close());
beforeEach(() => {
  upstream.seen.length = 0;
});

const handler = (options = {}) => createProxyHandler({ apiKey: KEY, upstream: upstream.url, ...options });
const post = (h, body, headers = {}) =>
  h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body, duplex: "half" }));

/** The handler served by Node, as npm start serves it; resolves to { port, close }. */
async function serve(h) {
  const server = createServer((req, res) => serveFetchHandler(h, req, res));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { port: server.address().port, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

test("the body limit counts bytes, not UTF-16 units", { timeout: 30_000 }, async () => {
  const h = handler({ maxBodyBytes: 1000 });
  // 400 characters of a 3-byte letter: 400 UTF-16 units, 1200 bytes.
  const wide = JSON.stringify({ prompt: "界".repeat(400) });
  assert.ok(wide.length < 1000 && new TextEncoder().encode(wide).length > 1000);
  const refused = await post(h, wide);
  assert.equal(refused.status, 413);
  assert.equal((await refused.json()).error.message, "Request body too large");
  assert.equal((await post(h, JSON.stringify({ prompt: "界".repeat(300) }))).status, 200, "900 bytes pass");
  assert.equal(upstream.seen.length, 1);
});

test("a streamed body is read only up to the limit: the rest is never pulled", { timeout: 30_000 }, async () => {
  let pulled = 0;
  // Endless, but it gives up (failing the test) once 20 MB have been pulled.
  const endless = new ReadableStream({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 0));
      if ((pulled += 65_536) > 20_000_000) controller.error(new Error(`the proxy read ${pulled} bytes`));
      else controller.enqueue(new Uint8Array(65_536).fill(32));
    },
  });
  const response = await post(handler(), endless);
  assert.equal(response.status, 413);
  assert.ok(pulled <= 1_000_000 + 3 * 65_536, `pulled ${pulled} bytes of an endless body`);
  const declared = await handler()(new Request("http://proxy.local/api/v1/videos/generations", {
    method: "POST", headers: { "Content-Length": "5000000" }, body: new ReadableStream({ pull: () => assert.fail("read a body declared too large") }), duplex: "half",
  }));
  assert.equal(declared.status, 413);
  assert.equal(upstream.seen.length, 0);
});

test("through Node, a 300 MB chunked body gets a 413 after about 1 MB, and the connection is closed", { timeout: 30_000 }, async () => {
  const server = await serve(handler());
  try {
    const head = `POST /api/v1/videos/generations HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `10000\r\n${" ".repeat(0x10000)}\r\n`;
    const before = process.memoryUsage().rss;
    const { answer, sent } = await slowRequest(server.port, head, Array(4800).fill(chunk)); // 300 MB offered
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /connection: close/i);
    assert.ok(sent < 20_000_000, `the client could write only ${sent} bytes before the answer`);
    assert.ok(process.memoryUsage().rss - before < 100_000_000, "memory did not grow with the body");
  } finally {
    await server.close();
  }
  assert.equal(upstream.seen.length, 0);
});

test("a client sending 1 byte a second is cut off at the body timeout with a 408, and nothing is forwarded", { timeout: 30_000 }, async () => {
  const server = await serve(handler({ bodyTimeoutMs: 1500 }));
  try {
    const body = JSON.stringify({ prompt: "a cat" });
    const head = `POST /api/v1/videos/generations HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, ms } = await slowRequest(server.port, head, [...body], { intervalMs: 1000 });
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"type":"request_timeout"/);
    assert.ok(ms >= 1400 && ms < 4000, `cut off after ${ms} ms`);
  } finally {
    await server.close();
  }
  assert.equal(upstream.seen.length, 0);
  const defaults = handler();
  const late = await post(defaults, new ReadableStream({ start: () => {} })); // never ends
  assert.equal(late.status, 408, "the default timeout (5 s) applies too");
});

test("only the two routes answer: other paths are 404, other methods 405", { timeout: 30_000 }, async () => {
  const h = handler();
  const ask = (method, path) => h(new Request(`http://proxy.local${path}`, { method }));
  for (const path of ["/x/api/v1/videos/generations", "/api/v1/videos/generations/x", "/api/v2/videos/generations", "/api/v1/tasks/", "/api/v1/tasks/a/b", "/evil/tasks/t1", "/api/v1/tasks", "/"]) {
    assert.equal((await ask("GET", path)).status, 404, `GET ${path}`);
    assert.equal((await ask("POST", path)).status, 404, `POST ${path}`);
  }
  const wrong = await ask("GET", "/api/v1/videos/generations");
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "POST, OPTIONS");
  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) assert.equal((await ask(method, "/api/v1/tasks/t1")).status, 405, method);
  assert.equal(upstream.seen.length, 0);
  assert.equal((await ask("GET", "/api/v1/tasks/t1")).status, 200);
  const mounted = handler({ basePath: "/kling" });
  assert.equal((await mounted(new Request("http://proxy.local/kling/tasks/t1"))).status, 200);
  assert.equal((await mounted(new Request("http://proxy.local/api/v1/tasks/t1"))).status, 404);
  assert.equal(upstream.seen.length, 2);
});

test("a task id is checked by the package's rule before anything is forwarded", { timeout: 30_000 }, async () => {
  const h = handler();
  const read = (id) => h(new Request(`http://proxy.local/api/v1/tasks/${id}`));
  for (const bad of ["..", "%2e%2e", "a%2Fb", "a?b=1".replace("?", "%3F"), "t%00", "x".repeat(257), "a b".replace(" ", "%20"), "caf%C3%A9", "a;b", "a@b"]) {
    const answer = await read(bad);
    // URLs resolve ".." and "%2e%2e" away, leaving no task route.
    assert.equal(answer.status, bad === ".." || bad === "%2e%2e" ? 404 : 400, bad);
  }
  assert.equal(upstream.seen.length, 0);
  for (const good of ["n75xxxx_kling3", "a-b.c~d:e", "x".repeat(256)]) assert.equal((await read(good)).status, 200, good);
  assert.deepEqual(upstream.seen.map((r) => r.url), ["/api/v1/tasks/n75xxxx_kling3", "/api/v1/tasks/a-b.c~d:e", `/api/v1/tasks/${"x".repeat(256)}`]);
});

/** Every way a server could echo the key: raw, JSON escapes of any character, percent-encoding, HTML references. */
function echoes(key) {
  const u = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const pct = (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  return [
    key,
    JSON.stringify(key).slice(1, -1), // "\/" is not produced by JSON.stringify, so:
    key.replace("/", "\\/"),
    key.replace("_", "\\u005f"),
    key.replace("_", "\\u005F"),
    [...key].map(u).join(""),
    [...key].map(u).join("").toUpperCase().replace(/\\U/g, "\\u"),
    encodeURIComponent(key),
    [...key].map(pct).join(""),
    [...key].map(pct).join("").toUpperCase(),
    key.replace("_", "&#95;").replace("/", "&#x2F;"),
    [...key].map((c, i) => (i % 3 === 0 ? u(c) : i % 3 === 1 ? pct(c) : c)).join(""),
  ];
}

test("the key is scrubbed from every header and body passed back, in any escaping", { timeout: 30_000 }, async () => {
  const forms = echoes(KEY);
  for (const form of forms) {
    const echo = async () =>
      new Response(JSON.stringify({ error: { code: 401, message: `bad key ${form}` } }).replace(JSON.stringify(form).slice(1, -1), form), {
        status: 429,
        headers: { "Content-Type": `application/json; k=${form}`, "Retry-After": `1 ${form}`, "retry-after-ms": `10 ${form}`, "X-Other": form },
      });
    const answer = await post(handler({ fetch: echo }), JSON.stringify({ prompt: "x" }));
    assert.equal(answer.status, 429);
    const text = await answer.text();
    assert.match(text, /\[redacted\]/, form);
    const all = [text, ...[...answer.headers].map(([k, v]) => `${k}: ${v}`)].join("\n");
    for (const leak of [KEY, "Secret", "Secre", "\\u0053ecret", "%53ecret"]) assert.ok(!all.includes(leak), `${form} leaked as ${leak}: ${all}`);
    assert.equal(answer.headers.get("x-other"), null, "headers not on the list are not copied");
    assert.match(answer.headers.get("retry-after"), /^1 \[redacted\]$/);
    assert.match(answer.headers.get("retry-after-ms"), /^10 \[redacted\]$/);
  }
  const reads = await handler({ fetch: async () => new Response(`<p>${encodeURIComponent(KEY)}</p>`, { status: 502, headers: { "Content-Type": "text/html" } }) })(new Request("http://proxy.local/api/v1/tasks/t1"));
  assert.equal(await reads.text(), "<p>[redacted]</p>");
});

test("whatever type the API answers with, the proxy serves JSON that no browser runs as a page", { timeout: 30_000 }, async () => {
  const page = async () => new Response("<script>alert(document.cookie)</script>", { status: 200, headers: { "Content-Type": "text/html" } });
  const answer = await handler({ fetch: page })(new Request("http://proxy.local/api/v1/tasks/t1"));
  assert.equal(answer.headers.get("content-type"), "application/json");
  assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
  assert.match(answer.headers.get("content-security-policy"), /default-src 'none'.*sandbox/);
});

test("a create answered with a redirect is not followed: one POST, and a 502 that says so", { timeout: 30_000 }, async () => {
  const calls = [];
  const redirect = async (url, init) => {
    calls.push(init);
    return new Response(null, { status: 307, headers: { Location: "https://elsewhere.example/videos/generations" } });
  };
  const answer = await post(handler({ fetch: redirect }), JSON.stringify({ prompt: "x" }));
  assert.equal(answer.status, 502);
  assert.equal((await answer.json()).error.type, "upstream_redirect");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].redirect, "manual", "the fetch is told not to follow");
});

test("an API that does not answer within upstreamTimeoutMs is a 504, and the fetch is aborted", { timeout: 30_000 }, async () => {
  let aborted = false;
  const hang = (url, init) =>
    new Promise((_, reject) => init.signal.addEventListener("abort", () => {
      aborted = true;
      reject(init.signal.reason);
    }));
  const started = Date.now();
  const answer = await handler({ fetch: hang, upstreamTimeoutMs: 200 })(new Request("http://proxy.local/api/v1/tasks/t1"));
  assert.equal(answer.status, 504);
  assert.equal((await answer.json()).error.type, "upstream_timeout");
  assert.ok(aborted);
  assert.ok(Date.now() - started < 5000);
});

test("served by Node, a poll whose browser hangs up is let go upstream; an answered one is not aborted after", { timeout: 30_000 }, async () => {
  const signals = [];
  let answer = true;
  const fetchFn = (url, init) => {
    signals.push(init.signal);
    if (answer) return Promise.resolve(new Response('{"data":{"task_id":"t1","status":"IN_PROGRESS"}}', { status: 200 }));
    return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
  };
  const served = await serve(handler({ fetch: fetchFn }));
  try {
    const { status } = await rawRequest(`http://127.0.0.1:${served.port}/api/v1/tasks/t1`);
    assert.equal(status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(signals[0].aborted, false, "an answered request's fetch sees no abort");
    answer = false;
    await assert.rejects(rawRequest(`http://127.0.0.1:${served.port}/api/v1/tasks/t1`, { timeoutMs: 300 }));
    const deadline = Date.now() + 5000;
    while (!signals[1]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(signals[1].aborted, true, "the browser went, so the upstream request is let go");
  } finally {
    await served.close();
  }
});

/**
 * An API that answers every request with the task `taskId`, but a create only once `release()`
 * is called; `signals` holds each request's signal.
 */
function heldCreates(taskId) {
  const signals = [];
  let release;
  const released = new Promise((r) => (release = r));
  const fetchFn = async (url, init) => {
    signals.push(init.signal);
    if (init.method === "POST") await released;
    return new Response(JSON.stringify({ code: 200, data: { task_id: taskId, status: "IN_PROGRESS" } }), { status: 200 });
  };
  return { fetchFn, release, signals };
}

test("served by Node, a create whose browser hangs up is still read to its end: its owner is recorded", { timeout: 30_000 }, async () => {
  const { fetchFn, release, signals } = heldCreates("t_late");
  const served = await serve(handler({ fetch: fetchFn, authorize: async (r) => (r.headers.get("X-User") ? { id: r.headers.get("X-User") } : null) }));
  try {
    const create = { method: "POST", headers: { "Content-Type": "application/json", "X-User": "alice" }, body: JSON.stringify({ prompt: "a cat" }), timeoutMs: 300 };
    await assert.rejects(rawRequest(`http://127.0.0.1:${served.port}/api/v1/videos/generations`, create));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(signals[0].aborted, false, "the browser went, but the create is not let go");
    release();
    // The answer came after the browser left: the task is alice's all the same.
    const deadline = Date.now() + 5000;
    let status;
    while (status !== 200 && Date.now() < deadline) {
      ({ status } = await rawRequest(`http://127.0.0.1:${served.port}/api/v1/tasks/t_late`, { headers: { "X-User": "alice" } }));
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 200);
    assert.equal((await rawRequest(`http://127.0.0.1:${served.port}/api/v1/tasks/t_late`, { headers: { "X-User": "bob" } })).status, 404);
  } finally {
    await served.close();
  }
});

test("a create's work is handed to waitUntil, and goes on to record the owner; a poll's is not", { timeout: 30_000 }, async () => {
  const handed = [];
  const { fetchFn, release } = heldCreates("t_kept");
  const h = handler({ fetch: fetchFn, waitUntil: (work) => handed.push(work), authorize: async (r) => ({ id: r.headers.get("X-User") }) });
  const answer = post(h, JSON.stringify({ prompt: "a cat" }), { "X-User": "alice" });
  // The work is handed over before the API answers, while the browser may still go.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(handed.length, 1);
  release();
  await handed[0];
  assert.equal((await answer).status, 200);
  const poll = (user) => h(new Request("http://proxy.local/api/v1/tasks/t_kept", { headers: { "X-User": user } }));
  assert.equal((await poll("alice")).status, 200, "the owner was recorded by the work handed over");
  assert.equal((await poll("bob")).status, 404);
  assert.equal(handed.length, 1, "polls are not handed over");
  assert.throws(() => handler({ waitUntil: "later" }), /waitUntil must be a function/);
  // A waitUntil that throws (Next's after, called outside a request) loses no answer.
  const logged = [];
  const error = console.error;
  console.error = (line) => logged.push(line);
  try {
    const throwing = handler({ fetch: fetchFn, waitUntil: () => { throw new Error("outside a request"); } });
    assert.equal((await post(throwing, JSON.stringify({ prompt: "a cat" }))).status, 200);
  } finally {
    console.error = error;
  }
  assert.match(logged.join("\n"), /waitUntil threw/);
});

test("a body late where cancelling fails the waiting read (as on Workers) is still a 408", { timeout: 30_000 }, async () => {
  let fail;
  const reader = {
    read: () => new Promise((_, reject) => (fail = reject)),
    cancel: async () => fail(new Error("cancelled")),
  };
  const request = { url: "http://proxy.local/api/v1/videos/generations", method: "POST", headers: new Headers({ "Content-Type": "application/json" }), body: { getReader: () => reader }, signal: null };
  const answer = await handler({ bodyTimeoutMs: 50 })(request);
  assert.equal(answer.status, 408);
  assert.equal((await answer.json()).error.type, "request_timeout");
  assert.equal(upstream.seen.length, 0);
});

test("the proxy's own names: allowedHosts refuses any other host", { timeout: 30_000 }, async () => {
  const h = handler({ allowedHosts: ["app.example.com"] });
  const at = (host) => h(new Request(`http://${host}/api/v1/tasks/t1`));
  assert.equal((await at("attacker.example:8080")).status, 403);
  assert.equal((await (await at("attacker.example")).json()).error.type, "host_not_allowed");
  assert.equal(upstream.seen.length, 0);
  assert.equal((await at("APP.example.com")).status, 200);
});

test("bad limits are refused when the handler is made", { timeout: 30_000 }, () => {
  for (const options of [{ maxBodyBytes: 0 }, { bodyTimeoutMs: -1 }, { bodyTimeoutMs: 1.5 }, { upstreamTimeoutMs: 0 }, { basePath: "api" }, { basePath: "/api/" }, { allowedHosts: "x" }]) {
    assert.throws(() => handler(options), TypeError, JSON.stringify(options));
  }
});
