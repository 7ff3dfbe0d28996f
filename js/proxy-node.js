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

/** An answer in the API's error shape. */
const failure = (status, message, type) =>
  new Response(JSON.stringify({ error: { code: status, message, type } }), { status, headers: { "Content-Type": "application/json" } });

/**
 * Answers Node's `req` with `handler`, into `res`. The request's URL is the one the client
 * asked for (Express's `originalUrl` where a router took off its mount path); its signal aborts
 * when the client goes before its answer is sent. Nothing a request brings can throw out of
 * here (a listener's rejection would stop the process): a request that is no valid Request (a
 * Host header with a space) is a 400, a handler that throws or answers with no Response a 502,
 * and an answer whose body breaks after its head was sent ends the connection.
 */
export async function serveFetchHandler(handler, req, res) {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  let request;
  try {
    const scheme = req.socket?.encrypted ? "https" : "http";
    const url = `${scheme}://${req.headers.host ?? "127.0.0.1"}${req.originalUrl ?? req.url}`;
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    request = new Request(url, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: hasBody ? bodyStream(req) : undefined,
      duplex: hasBody ? "half" : undefined,
      signal: controller.signal,
    });
  } catch {
    request = null;
  }
  let response;
  if (request === null) {
    response = failure(400, "The request could not be read", "invalid_request");
  } else {
    try {
      response = await handler(request);
      if (typeof response?.arrayBuffer !== "function" || typeof response.status !== "number") throw new TypeError("not a Response");
    } catch {
      response = failure(502, "The proxy failed", "proxy_error");
    }
  }
  try {
    const headers = Object.fromEntries(response.headers);
    // A body the handler left unread (too large, too slow, or not needed) is not read here
    // either: the connection is closed after the answer.
    if (!req.complete) headers.connection = "close";
    const body = new Uint8Array(await response.arrayBuffer());
    res.writeHead(response.status, headers);
    res.end(body);
  } catch (error) {
    res.destroy(error);
  }
}

/**
 * `handler` as a Node request listener: `http.createServer(toNodeHandler(handle))`, or
 * `app.all("/api/v1/*", toNodeHandler(handle))` in Express.
 */
export function toNodeHandler(handler) {
  if (typeof handler !== "function") throw new TypeError("toNodeHandler: handler must be a function of (request) => Response, such as createProxyHandler's");
  return (req, res) => serveFetchHandler(handler, req, res);
}
