// `durableObjectStore` as the proxy's Node, Bun and Deno consumers load it (the file imports
// nothing of Cloudflare's): its checks of its arguments, the object it names, and a store whose
// object cannot be reached or fails, which the proxy answers with a 503 and forwards nothing.
// The store itself, in a real Durable Object, is tested in workerd
// (tests/consumers/durable-object.test.mjs).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler, durableObjectStore, KlingProxyStore } from "kling3-wasm/proxy";
import { fakeUpstream } from "./servers.mjs";

const KEY = "aio_durable_secret";
let upstream;
before(async () => {
  upstream = await fakeUpstream();
});
after(() => upstream.close());

/** A namespace binding whose stubs hand each request to `fetch`, recording the names asked for. */
function namespace(fetch) {
  const names = [];
  return {
    names,
    idFromName: (name) => {
      names.push(name);
      return { name };
    },
    get: (id) => ({ fetch: (url, init) => fetch(new Request(url, init), id) }),
  };
}

test("durableObjectStore refuses what is not a namespace, and an empty name, naming the argument", () => {
  for (const bad of [undefined, null, "KLING_STORE", {}, { get() {} }, { idFromName() {} }]) {
    assert.throws(() => durableObjectStore(bad), { name: "TypeError", message: /durableObjectStore: namespace must be a Durable Object namespace binding of the class KlingProxyStore/ });
  }
  for (const name of ["", 7, null]) {
    assert.throws(() => durableObjectStore(namespace(() => {}), { name }), { name: "TypeError", message: /durableObjectStore: name must be a non-empty string/ });
  }
});

test("durableObjectStore asks the object named kling3 (or the name given) with a POST of { op, args }", async () => {
  const seen = [];
  const ns = namespace(async (request, id) => {
    seen.push({ id: id.name, method: request.method, body: await request.json() });
    return Response.json({ ok: true, entry: "7" });
  });
  assert.deepEqual(await durableObjectStore(ns).reserve([{ key: "credits", amount: 300, limit: 3000, windowMs: 1000 }], 5), { ok: true, entry: "7" });
  await durableObjectStore(ns, { name: "staging" }).owner("t1", 9);
  assert.deepEqual(ns.names, ["kling3", "staging"]);
  assert.deepEqual(seen, [
    { id: "kling3", method: "POST", body: { op: "reserve", args: [[{ key: "credits", amount: 300, limit: 3000, windowMs: 1000 }], 5] } },
    { id: "staging", method: "POST", body: { op: "owner", args: ["t1", 9] } },
  ]);
});

test("a proxy whose Durable Object fails or cannot be reached refuses creates and polls with a 503 store_unavailable, and forwards nothing", async (t) => {
  const errors = t.mock.method(console, "error", () => {});
  upstream.seen.length = 0;
  // The real object on a storage that fails, as it answers then (a 500), and a stub that throws.
  const failing = { list: async () => { throw new Error("storage is down"); }, get: async () => { throw new Error("storage is down"); }, put: async () => {}, delete: async () => 0 };
  const object = new KlingProxyStore({ storage: failing }, {});
  const stores = [
    durableObjectStore(namespace((request) => object.fetch(request))),
    durableObjectStore(namespace(async () => { throw new Error("Durable Object reset because its code was updated"); })),
  ];
  for (const store of stores) {
    const h = createProxyHandler({ apiKey: KEY, upstream: upstream.url, maxCreditsPerWindow: 3000, authorize: async () => ({ id: "alice" }), store });
    const responses = [
      await h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ prompt: "a cat" }) })),
      await h(new Request("http://proxy.local/api/v1/tasks/t1")),
    ];
    for (const response of responses) {
      assert.equal(response.status, 503);
      assert.equal((await response.json()).error.type, "store_unavailable");
    }
  }
  assert.equal(upstream.seen.length, 0);
  const logged = errors.mock.calls.map((c) => String(c.arguments[0])).join("\n");
  assert.match(logged, /answered 500 to reserve: KlingProxyStore: the storage failed in reserve: storage is down/);
  assert.match(logged, /could not be reached in owner: Durable Object reset/);
});

test("the object refuses a request that is not a POST of a known operation, with a JSON error", async () => {
  const object = new KlingProxyStore({ storage: {} }, {});
  const cases = [
    [new Request("https://store/"), 405, /takes POST requests/],
    [new Request("https://store/", { method: "POST", body: "not json" }), 400, /takes a JSON body/],
    [new Request("https://store/", { method: "POST", body: JSON.stringify({ op: "constructor", args: [] }) }), 400, /has no operation "constructor"; it has reserve, refund, setOwner, owner, put, get, claim/],
    [new Request("https://store/", { method: "POST", body: JSON.stringify({ op: "owner", args: ["t1"] }) }), 400, /owner takes \(taskId, now\)/],
  ];
  for (const [request, status, message] of cases) {
    const response = await object.fetch(request);
    assert.equal(response.status, status);
    assert.match((await response.json()).error.message, message);
  }
});
