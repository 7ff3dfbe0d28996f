// Reading a request body from Node's http server with a byte limit and a deadline, without
// holding more than the limit: at either, reading stops and the caller answers with
// `Connection: close` (the rest of the body is never read).

import { clientDefaults } from "kling3-wasm";

const { maxBodyBytes: MAX_BODY_BYTES, bodyTimeoutMs: BODY_TIMEOUT_MS } = clientDefaults();

/**
 * Resolves to `{ text }` (the body as UTF-8), or `{ status: 413 }` past `limit` bytes, or
 * `{ status: 408 }` when the body is not complete within `timeoutMs`, or `{ status: 400 }`
 * when the connection fails. A declared Content-Length over the limit is refused before any
 * byte is read.
 */
export function readBody(req, { limit = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS } = {}) {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.resolve({ status: 413 });
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    const stop = (result) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError);
      if (result.status) req.pause();
      resolve(result);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) stop({ status: 413 });
      else chunks.push(chunk);
    };
    const onEnd = () => stop({ text: Buffer.concat(chunks).toString("utf8") });
    const onError = () => stop({ status: 400 });
    const timer = setTimeout(() => stop({ status: 408 }), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}
