// The HTTP client. Every decision is the wasm module's: what is valid, where a request goes
// and what it carries, whether and when to try again, what an answer means, when to poll next.
// This file only awaits fetch and timers in between (an async loop in JS costs no bytes of
// async runtime in the module). scripts/build.mjs points the two imports at each build's glue.
import {
  clientCallOptions,
  clientCreateRequest,
  clientReadAnswer,
  clientRetryAfter,
  clientRetryDelay,
  clientSettings,
  clientTaskUrl,
  nextPollDelay,
} from "./glue.js";
import { makeError } from "./errors.js";

/** What an aborted signal rejects with: its reason, or a DOMException named AbortError. */
function abortReason(signal) {
  return signal.reason !== undefined ? signal.reason : new DOMException("The operation was aborted", "AbortError");
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
function sleep(ms, signal) {
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

/** Reads `object[key]` without letting a getter or a Proxy throw out of the package. */
function field(object, key) {
  try {
    return object !== null && typeof object === "object" ? object[key] : undefined;
  } catch {
    return undefined;
  }
}

/** What a thrown value says, as text, whatever it is (a null-prototype object cannot be converted). */
function messageOf(error) {
  try {
    return String(field(error, "message") ?? error);
  } catch {
    return "an error that cannot be shown";
  }
}

/** A call's `signal` when it is an AbortSignal (or absent), else `false`. */
function signalOf(options) {
  const signal = field(options, "signal");
  if (signal == null) return undefined;
  return typeof field(signal, "addEventListener") === "function" ? signal : false;
}

/** A URL for messages: the path only, so no query string can carry anything private. */
const describe = (url) => url.split(/[?#]/)[0];

export class KlingClient {
  #settings;
  #fetch;

  /** Checks every option at once; throws `ValidationError` naming the bad ones. */
  constructor(options) {
    this.#settings = clientSettings(options, typeof globalThis.fetch === "function");
    const given = field(options, "fetch");
    this.#fetch = typeof given === "function" ? given : (url, init) => globalThis.fetch(url, init);
  }

  /** The options of one call, checked; `signal` is the AbortSignal or undefined. */
  #options(options, creates, waits) {
    const signal = signalOf(options);
    const checked = clientCallOptions(options, signal !== false, creates, waits);
    const onProgress = waits ? field(options, "onProgress") : undefined;
    return { ...checked, signal, onProgress: typeof onProgress === "function" ? onProgress : undefined };
  }

  /** Removes the key from text that came back from a server, in case it echoed it. */
  #scrub(text) {
    const key = this.#settings.apiKey;
    return key && key.length >= 4 ? text.split(key).join("[redacted]") : text;
  }

  /** One request, tried again as the module says. Resolves with the last HTTP answer. */
  async #exchange(method, url, body, signal) {
    const { apiKey, maxRetries, timeoutMs } = this.#settings;
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
    for (let retries = 0; ; retries++) {
      if (signal?.aborted) throw abortReason(signal);
      let answer;
      let failure;
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs) : undefined;
      try {
        const init = { method, headers, signal: controller.signal };
        if (body !== undefined) init.body = body;
        const response = await this.#fetch(url, init);
        const text = this.#scrub(String(await response.text()));
        const header = (name) => {
          const value = response.headers?.get?.(name);
          return typeof value === "string" ? value : undefined;
        };
        const waitMs = clientRetryAfter(header("retry-after"), header("retry-after-ms"), Date.now());
        answer = { status: response.status, text, waitMs };
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        failure = timedOut
          ? makeError(
              "timeout",
              `${method} ${describe(url)} got no answer within ${timeoutMs} ms` +
                (method === "POST" ? "; the task may have been created: look for it before sending again" : ""),
              { taskId: null },
            )
          : makeError("network_error", `${method} ${describe(url)} failed before an answer came: ${this.#scrub(messageOf(error))}`);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
      const status = answer ? answer.status : 0;
      const wait =
        status >= 200 && status < 300 ? undefined : clientRetryDelay(method === "POST", status, retries, maxRetries, answer?.waitMs, Math.random());
      if (wait === undefined) {
        if (failure) throw failure;
        return answer;
      }
      await sleep(wait, signal);
    }
  }

  async #read(url, taskId, signal) {
    const answer = await this.#exchange("GET", url, undefined, signal);
    return clientReadAnswer(answer.status, answer.text, answer.waitMs, taskId);
  }

  async #create(input, options) {
    const { baseUrl } = this.#settings;
    const request = clientCreateRequest(input, baseUrl, options.callbackUrl ?? undefined);
    const answer = await this.#exchange("POST", request.url, request.body, options.signal);
    return clientReadAnswer(answer.status, answer.text, answer.waitMs, undefined);
  }

  /** Validates `input` (sending nothing when it is invalid), then creates the task. */
  async createTask(input, options) {
    return this.#create(input, this.#options(options, true, false));
  }

  /** Reads a task once (GETs are tried again on network errors, 429 and 5xx). */
  async getTask(taskId, options) {
    const url = clientTaskUrl(this.#settings.baseUrl, taskId);
    const { signal } = this.#options(options, false, false);
    return this.#read(url, taskId, signal);
  }

  /**
   * Polls until the task succeeds; rejects with `TaskFailedError`, `TimeoutError` (with the
   * task id: it may still finish) or the signal's abort reason.
   */
  async waitForTask(taskId, options) {
    const url = clientTaskUrl(this.#settings.baseUrl, taskId);
    return this.#wait(url, taskId, this.#options(options, false, true));
  }

  /** `createTask`, then `waitForTask`, with the same signal. */
  async generate(input, options) {
    const checked = this.#options(options, true, true);
    const created = await this.#create(input, checked);
    return this.#wait(clientTaskUrl(this.#settings.baseUrl, created.taskId), created.taskId, checked);
  }

  async #wait(url, taskId, { signal, timeoutMs, pollIntervalMs, onProgress }) {
    const started = Date.now();
    for (let polls = 1; ; polls++) {
      if (signal?.aborted) throw abortReason(signal);
      const task = await this.#read(url, taskId, signal);
      const elapsed = Date.now() - started;
      onProgress?.({ taskId, status: task.status, elapsedMs: Math.round(elapsed), polls, task });
      if (task.status === "succeeded") return task;
      if (task.status === "failed") {
        throw makeError("task_failed", `task ${taskId} failed: ${task.error ?? "no reason given"}`, { taskId, task });
      }
      const left = timeoutMs - elapsed;
      if (left <= 0) {
        throw makeError(
          "timeout",
          `task ${taskId} was still ${task.rawStatus ?? "running"} after ${Math.round(elapsed / 1000)} s; it may still finish: call waitForTask("${taskId}") again`,
          { taskId },
        );
      }
      // The last poll lands on the deadline.
      await sleep(Math.min(nextPollDelay(elapsed, pollIntervalMs ?? undefined), left), signal);
    }
  }
}
