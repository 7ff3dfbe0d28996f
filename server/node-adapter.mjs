// Serves a standard fetch handler (Request → Response) from Node's http server.
import { Readable } from "node:stream";

/** Answers `req` with `handler`; the handler's errors become a 502 in the API's error shape. */
export async function serveFetchHandler(handler, req, res) {
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const url = `http://${req.headers.host ?? "127.0.0.1"}${req.url}`;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: hasBody ? Readable.toWeb(req) : undefined,
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
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
