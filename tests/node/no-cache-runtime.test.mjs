// A runtime that refuses the fetch `cache` field, as workerd with a compatibility date before
// 2024-11-11 does ("The 'cache' field on 'RequestInitializerDict' is not implemented."): the
// client and the proxy send their requests without it there, rather than fail. A file of its
// own: the client remembers the refusal for the whole module, as it is the runtime's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KlingClient } from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";

const NativeRequest = globalThis.Request;
class RefusingRequest extends NativeRequest {
  constructor(input, init) {
    if (init && "cache" in init) throw new Error("The 'cache' field on 'RequestInitializerDict' is not implemented.");
    super(input, init);
  }
}
before(() => {
  globalThis.Request = RefusingRequest;
});
after(() => {
  globalThis.Request = NativeRequest;
});

const answer = (status) => new Response(JSON.stringify({ code: 200, data: { task_id: "t_1", status, output: { video_url: "https://v.example/a.mp4" } } }));

test("where the runtime refuses a cache field, the client sends every request without one", async () => {
  const calls = [];
  const fetch = async (url, init) => {
    // As the refusing runtime's fetch would.
    if ("cache" in init) throw new TypeError("The 'cache' field on 'RequestInitializerDict' is not implemented.");
    calls.push([init.method, url]);
    return answer(calls.length >= 3 ? "COMPLETED" : "PENDING");
  };
  const task = await new KlingClient({ baseUrl: "https://api.test/api/v1", fetch }).generate({ prompt: "a cat" }, { pollIntervalMs: 100 });
  assert.equal(task.status, "succeeded");
  assert.deepEqual(calls, [
    ["POST", "https://api.test/api/v1/videos/generations"],
    ["GET", "https://api.test/api/v1/tasks/t_1"],
    ["GET", "https://api.test/api/v1/tasks/t_1"],
  ]);
});

test("where the runtime refuses a cache field, the proxy forwards without one", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    if ("cache" in init) throw new TypeError("The 'cache' field on 'RequestInitializerDict' is not implemented.");
    seen.push(init.method);
    return answer("PENDING");
  };
  const h = createProxyHandler({ apiKey: "aio_serverside_secret", upstream: "https://api.test/api/v1", fetch });
  const created = await h(new Request("http://proxy.local/api/v1/videos/generations", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"prompt":"a cat"}' }));
  assert.equal(created.status, 200);
  assert.equal((await h(new Request("http://proxy.local/api/v1/tasks/t_1"))).status, 200);
  assert.deepEqual(seen, ["POST", "GET"]);
});
