// Helpers for the server tests: raw HTTP requests (any Host header, any body pace), a fake
// upstream API that counts what reaches it, and `npm start`'s server as a child process. Every
// wait has a deadline, so a dead server fails a test instead of hanging it.
import { spawn } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";

/** One request through node:http, which lets a test set Host; resolves to { status, headers, text }. */
export function rawRequest(url, { method = "GET", headers = {}, body, timeoutMs = 10_000 } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname.replace(/^\[|\]$/g, ""), port: target.port, path: target.pathname + target.search, method, headers, agent: false, timeout: timeoutMs },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Writes `head` and then `chunks` on a raw socket, one every `intervalMs`, and resolves to the
 * first bytes of the answer as text (or "" when the server closed without one) with the time
 * it took. Stops writing as soon as an answer or a close arrives.
 */
export function slowRequest(port, head, chunks, { intervalMs = 0, timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    let done = false;
    let sent = 0;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ answer, ms: Date.now() - started, sent });
    };
    const deadline = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`slowRequest: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (c) => {
      answer += c;
      if (/\r\n\r\n/.test(answer)) setTimeout(finish, 50);
    });
    socket.on("close", finish);
    socket.on("error", () => finish());
    socket.write(head);
    let i = 0;
    const next = () => {
      if (done || i >= chunks.length) return;
      const chunk = chunks[i++];
      sent += chunk.length;
      const more = socket.write(chunk);
      if (intervalMs > 0) setTimeout(next, intervalMs);
      else if (more) setImmediate(next);
      else socket.once("drain", next);
    };
    next();
  });
}

/** A fake upstream API: creates answer with a task id, reads answer with a running task; `seen` lists every request. */
export async function fakeUpstream(respond) {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (respond) return respond(req, res, body);
      res.writeHead(200, { "Content-Type": "application/json" });
      const data = req.method === "POST" ? { task_id: `t${seen.length}`, status: "IN_PROGRESS" } : { task_id: req.url.split("/").pop(), status: "IN_PROGRESS" };
      res.end(JSON.stringify({ code: 200, message: "success", data }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/api/v1`;
  return {
    url,
    seen,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** `node server/dev-server.mjs` (what `npm start` runs) with `env`; resolves once it listens. */
export async function startChild(env, { timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, ["server/dev-server.mjs"], {
    env: { ...process.env, PORT: "0", KLING_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev server did not start within ${timeoutMs} ms: ${err}`)), timeoutMs);
    const look = () => {
      const match = /tester: (http:\/\/\S+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dev server exited with ${code}: ${err}`));
    });
  });
  return { url, port: Number(new URL(url).port), output: () => out + err, stop: () => child.kill() };
}
