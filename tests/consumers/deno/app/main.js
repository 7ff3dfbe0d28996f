// Deno 2 in a project with a package.json and node_modules (as after `npm install kling3-wasm`):
// the package and its proxy imported by name. The test copies this folder and ../../scenario.js
// into a temporary project, unpacks the packed package into its node_modules, and runs it with
// `deno run --allow-net=<sandbox>`; the API's URL comes as the first argument, not from the
// environment, so no other permission is needed.
import * as k from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";
import { scenario } from "./scenario.js";

const [api] = Deno.args;
const result = await scenario(k, api);

// The key-keeping proxy as a fetch handler, called with each Request the client makes (as
// Deno.serve(handle) would call it), forwarding to the sandbox with its own key.
const handle = createProxyHandler({ apiKey: "aio_deno_secret", upstream: api, maxCreditsPerTask: 500 });
const viaProxy = new k.KlingClient({ baseUrl: "http://proxy.test/api/v1", fetch: (input, init) => handle(new Request(input, init)) });
const task = await viaProxy.generate({ prompt: "A cat through the proxy in Deno", duration: 3 }, { pollIntervalMs: 50 });
const refused = await viaProxy.createTask({ prompt: "too dear", mode: "pro", duration: 10 }).catch((e) => e);

console.log(JSON.stringify({
  runtime: `deno ${Deno.version.deno}`,
  entry: import.meta.resolve("kling3-wasm"),
  proxyEntry: import.meta.resolve("kling3-wasm/proxy"),
  ...result,
  proxy: { status: task.status, taskId: task.taskId, refused: refused instanceof k.ApiError ? [refused.status, refused.type] : String(refused) },
}));
