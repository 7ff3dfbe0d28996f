// The development server behind `npm start`: the tester page from www/ at /, the built
// package from pkg/ at /pkg/, and the API under /api/v1: the offline sandbox
// (server/sandbox.mjs), or, when KLING_API_KEY is set, the real API through the key-keeping
// proxy of `kling3-wasm/proxy`, so the key stays on this server. Node's standard library only.
//
//   KLING_API_KEY   forward /api/v1 to the real API with this key (the page never sees it)
//   KLING_BASE_URL  the API to forward to (default https://apiin.one/api/v1)
//   KLING_MAX_CREDITS_PER_TASK  refuse dearer tasks in proxy mode
//   KLING_MAX_CREDITS_PER_WINDOW  in proxy mode, forward at most this many credits of tasks in
//                                 KLING_CREDIT_WINDOW_MS (default 3600000, one hour), per process
//   PORT  port to listen on (default 8080); HOST  address (default 127.0.0.1)
//   ALLOWED_HOSTS  more names to answer to, comma separated (e.g. dev.example.com); every
//                  other Host header but 127.0.0.1, localhost, [::1] and HOST gets a 403
//   KLING_SANDBOX_TIME_SCALE  1 = real generation times (60–180 s); default 0.1
//   KLING_SANDBOX_CREDITS     each key's starting balance; default 100000
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { clientDefaults } from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";
import { serveFetchHandler } from "./node-adapter.mjs";
import { hostCheck, parseAllowedHosts } from "./hosts.mjs";
import { createSandbox } from "./sandbox.mjs";
import { staticFiles } from "./static.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Where the API is served here, and the proxy's defaults, as the package has them.
const { basePath: BASE_PATH, baseUrl: DEFAULT_UPSTREAM, spendWindowMs: SPEND_WINDOW_MS } = clientDefaults();

/**
 * The page's security policy (its own scripts and wasm only, media from http(s)), written once:
 * in www/index.html's meta tag, which works on any static host. The server sends the same as a
 * header, plus `frame-ancestors`, which only a header can carry.
 */
export const CONTENT_SECURITY_POLICY = (() => {
  const page = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../www/index.html"), "utf8");
  const policy = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
  if (!policy) throw new Error("dev-server: www/index.html has no Content-Security-Policy meta tag");
  return `${policy}; frame-ancestors 'none'`;
})();

/** The answer to a Host header that is not one of the server's names. */
function refuseHost(res, header, names) {
  const name = String(header ?? "").slice(0, 100);
  res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", Connection: "close" });
  res.end(
    `403: this server answers only to ${names.join(", ")}, not to the name "${name}".\n` +
      "To serve it under another name, list that name (no port) when you start it: ALLOWED_HOSTS=dev.example.com npm start\n",
  );
}

/**
 * Starts the server; resolves to `{ server, url, sandbox, close() }` once it listens.
 * `mounts` adds folders to serve (tests use it for their fixtures); `sandbox` holds the
 * sandbox's options (see createSandbox); `proxy` (the options of createProxyHandler) sends
 * /api/v1 to a real API instead. Only requests whose Host is 127.0.0.1, localhost, [::1],
 * `host` or one of `allowedHosts` (any port) are served; others get a 403.
 */
export function startDevServer({ port = 8080, host = "127.0.0.1", allowedHosts = [], mounts = [], sandbox: sandboxOptions = {}, proxy } = {}) {
  const serve = staticFiles([["/pkg/", join(root, "pkg")], ...mounts, ["/", join(root, "www")]]);
  const ourHost = hostCheck(host, allowedHosts);
  let server;
  // A browser sends a POST again, silently, when a connection it kept closes without an
  // answer: one it used, or one it opened ahead and has not used yet. When a drop is queued,
  // the idle ones are closed (Node's closeIdleConnections) and so are those that never carried
  // a request (Node counts them busy), so that the dropped request comes on a fresh one.
  const unused = new Set();
  const closeKept = () => {
    server.closeIdleConnections();
    for (const socket of unused) socket.destroy();
  };
  const sandbox = proxy ? null : createSandbox({ onDropQueued: () => server && closeKept(), ...sandboxOptions });
  const forward = proxy ? createProxyHandler(proxy) : null;
  // Slow clients are cut off: headers within 10 s, a whole request within 30 s (the proxy and
  // the sandbox give bodies less: see their body timeouts), checked every second.
  const limits = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };
  server = createServer(limits, async (req, res) => {
    unused.delete(req.socket);
    try {
      if (!ourHost(req.headers.host)) return refuseHost(res, req.headers.host, ourHost.names);
      if (sandbox?.dropQueued()) res.setHeader("Connection", "close");
      // A response begun before a drop was queued keeps its connection alive (closing idle
      // connections at queue time missed it while it was busy): close it once it is idle, or a
      // browser reuses it for the next POST, the drop cuts it, and the browser sends it again.
      res.once("finish", () => {
        if (sandbox?.dropQueued()) setImmediate(() => server.closeIdleConnections());
      });
      if (req.method === "GET" && req.url === "/_server") {
        // Tells the tester page what answers /api/v1 here, so it can pick its defaults.
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        return res.end(JSON.stringify({ api: forward ? "proxy" : "sandbox", baseUrl: BASE_PATH }));
      }
      if (forward && req.url.startsWith(`${BASE_PATH}/`)) return await serveFetchHandler(forward, req, res);
      if (sandbox && (await sandbox.handle(req, res))) return;
      // The tester's policy; folders mounted by tests bring pages of their own.
      const fixture = mounts.some(([prefix]) => req.url.startsWith(prefix));
      if (await serve(req, res, fixture ? {} : { "Content-Security-Policy": CONTENT_SECURITY_POLICY })) return;
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found\n");
    } catch (error) {
      console.error(`dev-server: ${req.method} ${new URL(req.url, "http://x").pathname}: ${error.message}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Server error\n");
    }
  });
  server.on("connection", (socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const url = `http://${host}:${actual}`;
      const close = () =>
        new Promise((r) => {
          server.close(() => r());
          server.closeAllConnections?.();
        });
      resolvePromise({ server, url, sandbox, close });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? "127.0.0.1";
  const timeScale = Number(process.env.KLING_SANDBOX_TIME_SCALE ?? 0.1);
  const credits = Number(process.env.KLING_SANDBOX_CREDITS ?? 100_000);
  const log = (line) => console.log(`sandbox: ${line}`);
  const apiKey = process.env.KLING_API_KEY;
  const upstream = process.env.KLING_BASE_URL || undefined;
  /** A whole-number setting from the environment, or undefined when unset; a bad one stops the server. */
  const wholeNumber = (name) => {
    const text = process.env[name];
    if (!text) return undefined;
    if (!/^\d+$/.test(text.trim())) {
      console.error(`dev-server: ${name} must be a whole number, got ${JSON.stringify(text)}`);
      process.exit(1);
    }
    return Number(text);
  };
  const proxy = apiKey
    ? {
        apiKey, upstream,
        maxCreditsPerTask: wholeNumber("KLING_MAX_CREDITS_PER_TASK"),
        maxCreditsPerWindow: wholeNumber("KLING_MAX_CREDITS_PER_WINDOW"),
        windowMs: wholeNumber("KLING_CREDIT_WINDOW_MS"),
        ...(process.env.KLING_PUBLIC_URL ? { callbacks: { publicUrl: process.env.KLING_PUBLIC_URL, secret: process.env.KLING_CALLBACK_SECRET ?? "" } } : {}),
      }
    : undefined;
  const allowedHosts = parseAllowedHosts(process.env.ALLOWED_HOSTS);
  new Promise((start) => start(startDevServer({ port, host, allowedHosts, sandbox: { timeScale, credits, log }, proxy }))).then(
    ({ url }) => {
      const budget = (proxy?.maxCreditsPerWindow === undefined ? "" : `, at most ${proxy.maxCreditsPerWindow} credits per ${(proxy.windowMs ?? SPEND_WINDOW_MS) / 1000} s`) +
        (proxy?.callbacks ? `, callbacks at ${proxy.callbacks.publicUrl}` : "");
      const api = proxy
        ? `API: ${url}${BASE_PATH} forwards to ${upstream ?? DEFAULT_UPSTREAM} with the key from KLING_API_KEY${budget}`
        : `sandbox API: ${url}${BASE_PATH} (any key like aio_test1234; tasks take ${Math.round(timeScale * 100)}% of real time)`;
      console.log(`kling3-wasm tester: ${url}/  (Ctrl-C to stop)\n${api}`);
      if (proxy && /^http:/i.test(upstream ?? "") && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/i.test(upstream)) {
        console.warn("warning: KLING_BASE_URL is plain http: the key travels to it unencrypted");
      }
    },
    (error) => {
      const where = error.syscall === "listen" ? `cannot listen on ${host}:${port}: ` : "";
      console.error(`dev-server: ${where}${error.message}${error.code === "EADDRINUSE" ? " (set PORT to use another port)" : ""}`);
      process.exit(1);
    },
  );
}
