// A Cloudflare Worker serving the key-keeping proxy: the package's `workerd` entry loads the
// wasm the way Workers do (imported as a WebAssembly.Module).
import { createProxyHandler } from "kling3-wasm/proxy";

let handle;
export default {
  fetch(request, env) {
    handle ??= createProxyHandler({ apiKey: env.KLING_API_KEY, upstream: env.UPSTREAM, maxCreditsPerTask: 500, allowedOrigins: ["*"] });
    return handle(request);
  },
};
