// A Cloudflare Worker serving the proxy on the Durable Object store, as docs/proxy.md sets it
// up: the worker exports the class, and the proxy's store is `durableObjectStore` of its
// binding. Settings come as text bindings: PROXY_OPTIONS (the handler's options as JSON, less
// store and authorize) and, for signed-in users, PROXY_USERS (bearer token → principal).
// `POST /store-rpc` { name, op, args } runs one operation of `durableObjectStore(…, { name })`
// and answers { value } (or { error }, a 500), for the store's contract tests.
import { waitUntil } from "cloudflare:workers";
import { createProxyHandler, durableObjectStore } from "kling3-wasm/proxy";

export { KlingProxyStore } from "kling3-wasm/proxy";

let handle;
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/store-rpc") {
      const { name, op, args } = await request.json();
      try {
        const value = await durableObjectStore(env.KLING_STORE, { name })[op](...args);
        return Response.json({ value: value ?? null });
      } catch (error) {
        return Response.json({ error: String(error?.message ?? error) }, { status: 500 });
      }
    }
    if (handle === undefined) {
      const users = env.PROXY_USERS ? JSON.parse(env.PROXY_USERS) : null;
      const authorize = users ? async (r) => users[r.headers.get("Authorization")?.replace(/^Bearer /, "")] ?? null : undefined;
      handle = createProxyHandler({
        ...JSON.parse(env.PROXY_OPTIONS ?? "{}"),
        apiKey: env.KLING_API_KEY,
        upstream: env.UPSTREAM,
        authorize,
        store: durableObjectStore(env.KLING_STORE),
        // A create's work goes on if the browser goes, as docs/proxy.md sets it up.
        waitUntil,
      });
    }
    return handle(request);
  },
};
