// A Cloudflare Worker, bundled with the `workerd` condition: `GET /wait?api=<base URL>` waits
// for a task with the client inside the worker; any other request goes to the key-keeping proxy,
// which forwards to env.UPSTREAM.
import { KlingClient } from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";
import { waitForATask } from "./wait.js";

let proxy;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/wait") return Response.json({ runtime: "workerd", ...(await waitForATask(KlingClient, url.searchParams.get("api"))) });
    proxy ??= createProxyHandler({ apiKey: env.KLING_API_KEY, upstream: env.UPSTREAM });
    return proxy(request);
  },
};
