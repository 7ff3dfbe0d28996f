// Platform glue for the client: one HTTP exchange with a timeout and an abort signal, and a
// sleep that an abort signal cuts short. Every decision (what to retry, how long to wait,
// what an answer means) is made in Rust; these only talk to fetch and timers.

/** What an aborted signal rejects with: its reason, or a DOMException named AbortError. */
export function abortReason(signal) {
  if (signal && signal.reason !== undefined) return signal.reason;
  return new DOMException("The operation was aborted", "AbortError");
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Sends one request. Resolves with `{ status, text, retryAfter, retryAfterMs }` for any HTTP
 * answer; rejects with `{ kind: "aborted", reason }`, `{ kind: "timeout" }` or
 * `{ kind: "network", message }` when there is none.
 */
export async function send(fetchFn, url, method, headers, body, timeoutMs, signal) {
  if (signal?.aborted) throw { kind: "aborted", reason: abortReason(signal) };
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(abortReason(signal));
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs) : null;
  try {
    const init = { method, headers, signal: controller.signal };
    if (body !== undefined && body !== null) init.body = body;
    const response = await fetchFn(url, init);
    const text = await response.text();
    const header = (name) => (response.headers && typeof response.headers.get === "function" ? response.headers.get(name) : null);
    return { status: response.status, text, retryAfter: header("retry-after"), retryAfterMs: header("retry-after-ms") };
  } catch (error) {
    if (signal?.aborted) throw { kind: "aborted", reason: abortReason(signal) };
    if (timedOut) throw { kind: "timeout" };
    throw { kind: "network", message: error && typeof error.message === "string" ? error.message : String(error) };
  } finally {
    if (timer !== null) clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Whether a string is valid Unicode (no unpaired surrogate), in engines old and new. */
export function isWellFormed(s) {
  return typeof s.isWellFormed === "function" ? s.isWellFormed() : !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));
}
