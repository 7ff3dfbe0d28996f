// The upstream both proxies forward to in bench/proxy-throughput.mjs: a node:http server in its
// own thread, answering every create as the API does, each with a new task id. It counts the
// creates by the Authorization header that reached it, so the bench can tell that every
// request was forwarded, and with the server's key rather than the user's token.
import { createServer } from "node:http";
import { parentPort } from "node:worker_threads";

let next = 0;
const seen = {};
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const auth = req.headers.authorization ?? "(none)";
    seen[auth] = (seen[auth] ?? 0) + 1;
    const body = JSON.stringify({ code: 200, message: "success", data: { task_id: `sink-${next++}`, status: "IN_PROGRESS" } });
    res.writeHead(req.method === "POST" && req.url.endsWith("/videos/generations") ? 200 : 404, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (message) => {
  if (message === "seen") parentPort.postMessage({ seen: { ...seen } });
});
