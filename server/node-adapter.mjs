// Serves a standard fetch handler (Request → Response) from Node's http server.

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

/** Answers `req` with `handler`; the handler's errors become a 502 in the API's error shape. */
export async function serveFetchHandler(handler, req, res) {
  const controller = new AbortController();
  // The request's signal aborts when the browser goes before its answer is sent, not after.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url}`;
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
  } catch (error) {
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
  res.end(Buffer.from(await response.arrayBuffer()));
}
