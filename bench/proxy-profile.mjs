// The proxy's create path in one process, without sockets: the handler is called directly and
// the API is a fetch that answers at once. It prints microseconds per create, the proxy's own
// cost, and is the thing to profile when the socket bench (proxy-throughput.mjs) moves:
//   node --cpu-prof --cpu-prof-dir=bench/out bench/proxy-profile.mjs 20000
import { createProxyHandler, memoryStore } from "kling3-wasm/proxy";
import { validateRequest } from "kling3-wasm";
import { inputs } from "./race.mjs";

const bodies = inputs.filter((input) => validateRequest(input).valid).map((input) => JSON.stringify(input));
let n = 0;
const answer = () =>
  JSON.stringify({ code: 0, message: "success", data: { task_id: `task_${String(n).padStart(16, "0")}`, status: "queued" } });
const handle = createProxyHandler({
  apiKey: "aio_bench_server_key",
  upstream: "http://127.0.0.1:1/api/v1",
  maxCreditsPerWindow: 1e9,
  authorize: async () => ({ id: `user-${n % 64}`, maxCreditsPerWindow: 1e9, maxCreatesPerMinute: 1e9 }),
  fetch: async () => new Response(answer(), { status: 200, headers: { "content-type": "application/json" } }),
  store: memoryStore(),
});

async function run(count) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    n++;
    const request = new Request("http://127.0.0.1/api/v1/videos/generations", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer x" },
      body: bodies[i % bodies.length],
    });
    const response = await handle(request);
    if (response.status !== 200) throw new Error(`create answered ${response.status}: ${await response.text()}`);
    await response.text();
  }
  return ((performance.now() - start) / count) * 1000;
}

await run(3000); // warm-up
console.log(`proxy create path: ${(await run(Number(process.argv[2]) || 20000)).toFixed(1)} µs per create`);
