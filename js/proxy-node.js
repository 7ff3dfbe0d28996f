// The proxy (or any fetch handler: Request → Response) served by Node's own http server, or by
// Express, Fastify's raw handlers and anything else that hands over Node's `(req, res)`. It uses
// only what Node, Bun and Deno's node:http give, and imports nothing, so the proxy's other
// runtimes can load this file and never call it.

/**
 * The request body as a web stream that reads from `req` only as the handler asks (so a
 * handler that stops at a limit leaves the rest unread) and, when cancelled, stops reading
 * without destroying the socket, so an answer can still be sent.
 */
function bodyStream(req) {
  return new ReadableStream({
    start(controller) {
      req.on("data", (chunk) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (controller.desiredSize <= 0) req.pause();
      });
      req.once("end", () => controller.close());
      req.once("error", (error) => controller.error(error));
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.pause();
      req.removeAllListeners("data");
    },
  }, { highWaterMark: 65_536, size: (chunk) => chunk.byteLength });
}

/**
 * Answers Node's `req` with `handler`, into `res`. The request's URL is the one the client
 * asked for (Express's `originalUrl` where a router took off its mount path); its signal aborts
 * when the client goes before its answer is sent. A handler that throws is a 502 in the API's
 * error shape.
 */
export async function serveFetchHandler(handler, req, res) {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const scheme = req.socket?.encrypted ? "https" : "http";
  const url = `${scheme}://${req.headers.host ?? "127.0.0.1"}${req.originalUrl ?? req.url}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: hasBody ? bodyStream(req) : undefined,
    duplex: hasBody ? "half" : undefined,
    signal: controller.signal,
  });
  let response;
  try {
    response = await handler(request);
  } catch {
    response = new Response(JSON.stringify({ error: { code: 502, message: "The proxy failed", type: "proxy_error" } }), {
      status: 502,
      headers: { "Content-Type": "application/json" },
    });
  }
  const headers = Object.fromEntries(response.headers);
  // A body the handler left unread (too large, too slow, or not needed) is not read here
  // either: the connection is closed after the answer.
  if (!req.complete) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

/**
 * `handler` as a Node request listener: `http.createServer(toNodeHandler(handle))`, or
 * `app.all("/api/v1/*", toNodeHandler(handle))` in Express.
 */
export function toNodeHandler(handler) {
  if (typeof handler !== "function") throw new TypeError("toNodeHandler: handler must be a function of (request) => Response, such as createProxyHandler's");
  return (req, res) => serveFetchHandler(handler, req, res);
}
