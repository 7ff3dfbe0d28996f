// A key-keeping proxy for the Kling 3.0 API: a standard fetch handler (Request → Response),
// the shape Workers, Bun and Deno serve (and Node through an adapter). It adds the API key on
// the server, checks and prices each new task with the package before forwarding it, refuses
// tasks over a credit cap and requests from origins not allowed, and never returns the key.
import { attemptVerdict, buildRequest, checkApiKey, checkIdempotencyKey, checkTaskId, clientDefaults, estimateCost, redactKey, ValidationError } from "kling3-wasm";
import { CALLBACK_OPERATIONS, memoryStore, STORE_OPERATIONS } from "./proxy-store.js";
import { CALLBACK_PATH, callbackUrls, digest, MIN_SECRET_LENGTH } from "./proxy-callbacks.js";

export { memoryStore };
export { redisStore } from "./proxy-redis.js";
export { durableObjectStore, KlingProxyStore } from "./proxy-durable.js";
export { toNodeHandler } from "./proxy-node.js";

// Every number and path comes from the package, as do the rules and their messages (the key,
// the Idempotency-Key and the task id checks, redactKey, and what an answer means through
// attemptVerdict): one source of truth with the client.
const {
  baseUrl: DEFAULT_UPSTREAM,
  basePath: DEFAULT_BASE_PATH,
  createPath: CREATE_PATH,
  tasksPath: TASKS_PATH,
  maxBodyBytes: MAX_BODY_BYTES,
  bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
  spendWindowMs: DEFAULT_WINDOW_MS,
  createRateWindowMs: MINUTE_MS,
  ownershipTtlMs: DEFAULT_OWNERSHIP_TTL_MS,
  safetyPollMs: SAFETY_POLL_MS,
  callbackReadGapMs: READ_GAP_MS,
  requestTimeoutMs: UPSTREAM_TIMEOUT_MS,
  // The answer's headers passed back to the browser (each scrubbed of the key); no others.
  exposedHeaders: COPIED_HEADERS,
  // The fetch `cache` mode of every upstream request, as the client's: "no-store", so that no
  // cache (Next.js's, which patches the global fetch in route handlers and keeps what it may,
  // or an HTTP cache) answers a poll with a status it kept.
  requestCache: REQUEST_CACHE,
} = clientDefaults();

/**
 * `{ cache }` where this runtime's fetch takes the field, `{}` where it refuses it (workerd with
 * a compatibility date before 2024-11-11 throws on any: there the upstream requests go without).
 */
function cacheField(url) {
  try {
    new Request(url, { cache: REQUEST_CACHE });
    return { cache: REQUEST_CACHE };
  } catch {
    return {};
  }
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function apiError(status, message, type, headers, extra = {}) {
  return json(status, { error: { code: status, message, type, ...extra } }, headers);
}

/**
 * Reads a request body as bytes, counting bytes as they stream in: past `limit` bytes, or when
 * the whole body has not arrived within `timeoutMs`, it stops reading (the rest is never read)
 * and resolves to the HTTP status to answer (413, 408); else to `{ bytes }`.
 */
async function readLimited(request, limit, timeoutMs) {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) return { status: 413 };
  if (request.body === null) return { bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  // Late, the stream is cancelled: the read waiting for more ends at once, as done.
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    reader.cancel().catch(() => {});
  }, timeoutMs);
  try {
    for (;;) {
      const step = await reader.read();
      if (late) return { status: 408 };
      if (step.done) break;
      if ((size += step.value.byteLength) > limit) {
        reader.cancel().catch(() => {});
        return { status: 413 };
      }
      chunks.push(step.value);
    }
  } catch {
    // Where cancelling the stream fails the waiting read instead of ending it (Workers).
    return { status: late ? 408 : 400 };
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return { bytes: chunks[0] };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes };
}

/** Decodes a whole body at a time (no `stream`), so one decoder serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

const BODY_ERRORS = {
  400: ["The request body could not be read", "invalid_request"],
  408: ["The request body did not arrive in time", "request_timeout"],
  413: ["Request body too large", "invalid_request"],
};

/** A whole number of at least `min`, or undefined. */
const isWhole = (value, min) => value === undefined || (Number.isSafeInteger(value) && value >= min);

/** The per-user limits a principal may carry, with their least values. */
const PRINCIPAL_LIMITS = [["maxCreditsPerWindow", 0], ["maxCreditsPerTask", 0], ["maxCreatesPerMinute", 1]];

/**
 * What is wrong with what `authorize` returned (other than null), for the server's log; null
 * when it is a principal: an object with a non-empty string `id` and whole-number limits.
 */
function principalProblem(principal) {
  const kind = principal === undefined ? "undefined" : Array.isArray(principal) ? "an array" : typeof principal;
  if (principal === undefined || typeof principal !== "object" || Array.isArray(principal)) {
    return `authorize returned ${kind}; it must return null or a principal such as { id: "user-1" }`;
  }
  if (typeof principal.id !== "string" || principal.id === "") {
    return "authorize returned a principal whose id is not a non-empty string";
  }
  for (const [name, min] of PRINCIPAL_LIMITS) {
    if (!isWhole(principal[name], min)) return `authorize returned a principal whose ${name} is not a whole number of at least ${min}`;
  }
  return null;
}

/**
 * The answer to a create that a limit refused: over the user's creates per minute (429), over
 * the user's budget or over everyone's (403); with a `Retry-After` when waiting helps.
 */
function refusal({ key, amount, limit, windowMs }, { spent, retryAfterMs }, cors) {
  const headers = { ...cors, ...(retryAfterMs === null ? {} : { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }) };
  if (key.startsWith("creates:")) {
    return apiError(429, `This user may create at most ${limit} tasks a minute`, "create_rate_exceeded", headers, { maxCreatesPerMinute: limit });
  }
  const whose = key === "credits" ? "this proxy forwards" : "this user may spend";
  return apiError(
    403,
    `This task costs ${amount} credits; ${whose} at most ${limit} credits of tasks in ${windowMs / 1000} s, and ${spent} are spent`,
    key === "credits" ? "budget_exceeded" : "user_budget_exceeded",
    headers,
    { credits: amount, spent, maxCreditsPerWindow: limit, windowMs },
  );
}

/**
 * Creates the handler. `apiKey` is required; `upstream` defaults to the real API; `basePath`
 * is where the handler is mounted (default `/api/v1`: it answers exactly `POST
 * {basePath}/videos/generations` and `GET {basePath}/tasks/{id}`); `maxCreditsPerTask` refuses
 * dearer tasks; `allowedOrigins` lists the browser origins that may call it (default: the
 * proxy's own origin only); `allowedHosts` lists the host names it may be called by (default:
 * any); `maxBodyBytes` (default 1 000 000) and `bodyTimeoutMs` (default 5000) bound a request
 * body; `maxCreditsPerWindow` caps the credits of the tasks forwarded in any `windowMs`
 * (default one hour) over all users; `fetch` replaces the global fetch.
 *
 * `authorize(request)` names the user (a principal `{ id, maxCreditsPerWindow?,
 * maxCreditsPerTask?, maxCreatesPerMinute? }`) or returns null (a 401); without it, anyone who
 * can reach the proxy may use it. Each user then has their own budget
 * (`maxUserCreditsPerWindow`, or the principal's `maxCreditsPerWindow`), creates-per-minute
 * limit (`maxCreatesPerMinute`, or the principal's) and credit cap (the principal's
 * `maxCreditsPerTask` in place of the handler's), and reads only the tasks they created, for
 * `ownershipTtlMs` (default one week). `store` (default `memoryStore()`) keeps the counts and
 * the owners.
 *
 * `callbacks: { publicUrl, secret }` has the API call the proxy back when a task ends, instead
 * of the proxy asking: each create's `callback_url` is a URL of the proxy's own under
 * `publicUrl`, signed with `secret`; a callback is checked, not believed (the task is read
 * again, once), recorded in the store, and handed to `onTaskDone(task, principal)`; polls are
 * answered from the store, and a task that has not called back is read at most once a minute.
 *
 * `waitUntil(promise)` is handed each create's work, so that it goes on after the browser
 * hangs up where the runtime would end it (Workers: `waitUntil` from "cloudflare:workers").
 */
export function createProxyHandler({
  apiKey,
  upstream = DEFAULT_UPSTREAM,
  basePath = DEFAULT_BASE_PATH,
  maxCreditsPerTask,
  maxCreditsPerWindow,
  windowMs = DEFAULT_WINDOW_MS,
  allowedOrigins,
  allowedHosts,
  maxBodyBytes = MAX_BODY_BYTES,
  bodyTimeoutMs = DEFAULT_BODY_TIMEOUT_MS,
  upstreamTimeoutMs = UPSTREAM_TIMEOUT_MS,
  fetch: fetchFn = globalThis.fetch,
  authorize,
  maxUserCreditsPerWindow,
  maxCreatesPerMinute,
  ownershipTtlMs = DEFAULT_OWNERSHIP_TTL_MS,
  store = memoryStore(),
  callbacks,
  onTaskDone,
  waitUntil,
} = {}) {
  const badKey = checkApiKey(apiKey);
  if (badKey) throw new TypeError(`createProxyHandler: ${badKey.message}`);
  const wholeNumber = (name, value, min) => {
    if (!isWhole(value, min)) {
      throw new TypeError(`createProxyHandler: ${name} must be a whole number${min > 0 ? ` of at least ${min}` : ""}`);
    }
  };
  wholeNumber("maxCreditsPerTask", maxCreditsPerTask, 0);
  wholeNumber("maxCreditsPerWindow", maxCreditsPerWindow, 0);
  wholeNumber("windowMs", windowMs, 1);
  wholeNumber("maxBodyBytes", maxBodyBytes, 1);
  wholeNumber("bodyTimeoutMs", bodyTimeoutMs, 1);
  wholeNumber("upstreamTimeoutMs", upstreamTimeoutMs, 1);
  wholeNumber("maxUserCreditsPerWindow", maxUserCreditsPerWindow, 0);
  wholeNumber("maxCreatesPerMinute", maxCreatesPerMinute, 1);
  wholeNumber("ownershipTtlMs", ownershipTtlMs, 1);
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new TypeError("createProxyHandler: authorize must be a function of the request, resolving to a principal { id } or null");
  }
  const missing = STORE_OPERATIONS.filter((op) => typeof store?.[op] !== "function");
  if (missing.length > 0) throw new TypeError(`createProxyHandler: store must have the operations ${STORE_OPERATIONS.join(", ")} (missing ${missing.join(", ")})`);
  const strings = (value) => value === undefined || (Array.isArray(value) && value.every((o) => typeof o === "string"));
  if (!strings(allowedOrigins)) {
    throw new TypeError('createProxyHandler: allowedOrigins must be a list of origins such as ["https://example.com"]');
  }
  if (!strings(allowedHosts)) {
    throw new TypeError('createProxyHandler: allowedHosts must be a list of host names such as ["app.example.com"]');
  }
  if (typeof basePath !== "string" || !/^(\/[^/?#]+)*$/.test(basePath)) {
    throw new TypeError('createProxyHandler: basePath must be a path such as "/api/v1" (or "" for the root)');
  }
  if (typeof fetchFn !== "function") throw new TypeError("createProxyHandler: fetch must be a function");
  const urls = callbacks === undefined ? null : callbackUrlsOf(callbacks, basePath, allowedHosts);
  if (urls) {
    const lacking = CALLBACK_OPERATIONS.filter((op) => typeof store[op] !== "function");
    if (lacking.length > 0) throw new TypeError(`createProxyHandler: with callbacks, store must also have the operations ${CALLBACK_OPERATIONS.join(", ")} (missing ${lacking.join(", ")})`);
  }
  if (waitUntil !== undefined && typeof waitUntil !== "function") {
    throw new TypeError('createProxyHandler: waitUntil must be a function that keeps a promise\'s work alive, such as waitUntil from "cloudflare:workers"');
  }
  if (onTaskDone !== undefined && (typeof onTaskDone !== "function" || !urls)) {
    throw new TypeError("createProxyHandler: onTaskDone must be a function of (task, principal), and needs callbacks");
  }
  // Checks the upstream URL the same way the client does, and joins paths without a double slash.
  const createUrl = buildRequest({ prompt: "x" }, { baseUrl: upstream }).url;
  const base = createUrl.slice(0, -CREATE_PATH.length);
  const hosts = allowedHosts?.map((h) => h.toLowerCase());
  // The package's rule: the key plainly or escaped (JSON, percent-encoding, HTML references).
  const scrub = (text) => redactKey(text, apiKey);
  const logged = (what, error) => console.error(`createProxyHandler: ${what}${error === undefined ? "" : `: ${scrub(String(error?.stack ?? error))}`}`);
  const createPath = `${basePath}${CREATE_PATH}`;
  const tasksPath = `${basePath}${TASKS_PATH}`;
  const callbacksPath = `${basePath}${CALLBACK_PATH}`;
  const taskUrl = (taskId) => `${base}${TASKS_PATH}${taskId}`;
  const pollInit = { method: "GET", headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" } };
  // A bearer token is the usual way a page on another origin names its user.
  const allowedHeaders = `Content-Type, Accept, Idempotency-Key${authorize ? ", Authorization" : ""}`;
  let cache; // cacheField(), decided at the first request

  return async function handle(request) {
    const url = new URL(request.url);
    const origin = request.headers.get("Origin");
    // The host the browser asked for is its Host header. Most runtimes build request.url from it;
    // Next.js's route handlers do not (their URL names Next's own host, such as localhost).
    // Read only where it is compared: with allowedHosts, or for a request from a page.
    let self = url;
    if (hosts || origin !== null) {
      try {
        self = new URL(`${url.protocol}//${request.headers.get("Host") ?? url.host}`);
      } catch {
        // A Host header no browser sends: the URL's host stands.
      }
    }
    if (hosts && !hosts.includes(self.hostname.toLowerCase())) {
      return apiError(403, `This proxy does not answer to the host name ${self.hostname.slice(0, 100)}`, "host_not_allowed");
    }
    // The API's callbacks: no browser's, so no CORS, and no user to authorize.
    if (urls && url.pathname.startsWith(callbacksPath)) return receive(request, url.pathname.slice(callbacksPath.length));
    const allowed = origin === null || origin === self.origin || (allowedOrigins ?? []).includes(origin) || (allowedOrigins ?? []).includes("*");
    const cors = origin && allowed
      ? { "Access-Control-Allow-Origin": origin, Vary: "Origin", "Access-Control-Expose-Headers": COPIED_HEADERS.join(", ") }
      : {};
    if (!allowed) return apiError(403, `Origin ${origin} may not use this proxy`, "origin_not_allowed", { Vary: "Origin" });

    // Exactly two routes (three with callbacks); a known path with another method is a 405.
    const path = url.pathname;
    const taskId = path.startsWith(tasksPath) ? path.slice(tasksPath.length) : null;
    const route = path === createPath ? "create" : taskId !== null && taskId !== "" && !taskId.includes("/") ? "task" : null;
    if (route === null) return apiError(404, `No route ${request.method} ${path.slice(0, 200)}`, "not_found", cors);
    const method = route === "create" ? "POST" : "GET";
    if (request.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: { ...cors, "Access-Control-Allow-Methods": `${method}, OPTIONS`, "Access-Control-Allow-Headers": allowedHeaders, "Access-Control-Max-Age": "600" },
      });
    }
    if (request.method !== method) {
      return apiError(405, `${path.slice(0, 200)} takes ${method}, not ${request.method}`, "method_not_allowed", { ...cors, Allow: `${method}, OPTIONS` });
    }

    // Who is asking, before any body is read. A thrown error fails closed, and its message
    // (perhaps a database's) stays in the server's log.
    let principal = null;
    if (authorize) {
      try {
        principal = await authorize(request);
      } catch (error) {
        logged("authorize threw, so the request is answered 401", error);
        principal = null;
      }
      if (principal === null) return apiError(401, "This proxy needs a signed-in user", "unauthorized", cors);
      const problem = principalProblem(principal);
      if (problem) {
        logged(problem);
        return apiError(500, "The proxy could not tell who is asking (see the server's log)", "invalid_principal", cors);
      }
    }
    // The windows and records of this user; without authorize, every caller is one user.
    const user = principal ? `user:${principal.id}` : "anyone";

    let target;
    let init;
    let spend = null;
    let made = null; // with callbacks, the create's callback URL
    if (route === "create") {
      const idempotencyKey = request.headers.get("Idempotency-Key");
      const badIdempotencyKey = idempotencyKey === null ? null : checkIdempotencyKey(idempotencyKey);
      if (badIdempotencyKey) return apiError(400, badIdempotencyKey.message, "invalid_request", cors);
      const read = await readLimited(request, maxBodyBytes, bodyTimeoutMs);
      if (read.status) return apiError(read.status, ...BODY_ERRORS[read.status], cors);
      let input;
      try {
        input = JSON.parse(UTF8.decode(read.bytes));
      } catch {
        return apiError(400, "The body is not valid JSON", "invalid_request", cors);
      }
      // With callbacks on, the proxy owns each task's callback, and never sends a request to a
      // URL a user gave.
      const fields = input !== null && typeof input === "object" && !Array.isArray(input);
      if (urls && fields && Object.hasOwn(input, "callback_url")) {
        const message = "callback_url is set by this proxy, which takes each task's callback itself: leave it out";
        return apiError(400, message, "invalid_request", cors, { details: [{ path: "callback_url", code: "set_by_proxy", message }] });
      }
      if (urls && fields) {
        // A repeat of a create (the same Idempotency-Key) gets the same callback URL, so that
        // it sends the same body, as an Idempotency-Key asks.
        made = await urls.make(idempotencyKey === null ? null : `${user}\n${idempotencyKey}`);
        input = { ...input, callback_url: made.url };
      }
      // buildRequest checks the input as validateRequest does, and throws its ValidationError
      // naming every bad field: one pass of the package over the input, where two were.
      let built;
      try {
        built = buildRequest(input, { apiKey, baseUrl: upstream });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return apiError(400, `Invalid parameters: ${error.errors.map((e) => e.message).join("; ")}`, "invalid_request", cors, { details: error.errors });
      }
      const { credits } = estimateCost(input);
      const cap = principal?.maxCreditsPerTask ?? maxCreditsPerTask;
      if (cap !== undefined && credits > cap) {
        return apiError(403, `This task costs ${credits} credits; this proxy allows at most ${cap} per task`, "credit_cap", cors, { credits });
      }
      // Every limit is counted in one step of the store, all or nothing, before the task is
      // forwarded: concurrent creates, here or on another instance, cannot overshoot together.
      const limits = [
        { key: `creates:${user}`, amount: 1, limit: principal?.maxCreatesPerMinute ?? maxCreatesPerMinute, windowMs: MINUTE_MS },
        { key: `credits:${user}`, amount: credits, limit: principal?.maxCreditsPerWindow ?? maxUserCreditsPerWindow, windowMs },
        { key: "credits", amount: credits, limit: maxCreditsPerWindow, windowMs },
      ].filter((l) => l.limit !== undefined);
      if (limits.length > 0) {
        try {
          spend = await store.reserve(limits, Date.now());
        } catch (error) {
          logged("the store could not count a create, so it is refused", error);
          return apiError(503, "The proxy cannot count its budget just now", "store_unavailable", cors);
        }
        if (!spend.ok) return refusal(limits[spend.refused], spend, cors);
        spend.keys = limits.filter((l) => l.key.startsWith("credits")).map((l) => l.key);
      }
      target = built.url;
      // Passed on (the sandbox honours it; whether the real API does is not documented), for a
      // signed-in user as a digest of the user and the key: every user's creates go under one
      // API key, and one user's key must not fetch another's task.
      const forwardedKey = idempotencyKey === null ? null : principal ? await digest(`${user}\n${idempotencyKey}`) : idempotencyKey;
      const headers = forwardedKey === null ? built.headers : { ...built.headers, "Idempotency-Key": forwardedKey };
      init = { method: "POST", headers, body: built.body };
    } else {
      const badTaskId = checkTaskId(taskId);
      if (badTaskId) return apiError(400, badTaskId.message, "invalid_request", cors);
      // A user reads only the tasks they created here; another's, or one never made here, is
      // the same 404, and nothing is forwarded.
      if (principal) {
        let owner;
        try {
          owner = await store.owner(taskId, Date.now());
        } catch (error) {
          logged("the store could not say who created a task, so the poll is refused", error);
          return apiError(503, "The proxy cannot look up its tasks just now", "store_unavailable", cors);
        }
        if (owner !== principal.id) return apiError(404, `No task ${taskId} was created through this proxy by this user`, "task_not_found", cors);
      }
      if (urls) {
        let answered;
        try {
          answered = await pollWithCallbacks(taskId, request, cors);
        } catch (error) {
          logged("the store could not say what it knows of a task, so the poll is refused", error);
          return apiError(503, "The proxy cannot look up its tasks just now", "store_unavailable", cors);
        }
        if (answered !== null) return answered;
      }
      target = taskUrl(taskId);
      init = pollInit;
    }

    // A poll is let go when the browser goes; a create is not: once sent, it may make a task
    // all the same, and the proxy must read its answer to give back a refused one's credits
    // and to record whose task it is. Where the runtime ends a request's work when its client
    // goes (Workers), `waitUntil` keeps the create's alive.
    if (route === "task") return forward(target, init, request.signal, cors, null, principal, null);
    const created = forward(target, init, null, cors, spend, principal, made);
    try {
      waitUntil?.(created.catch(() => {}));
    } catch (error) {
      // The create is on its way: its answer still reaches the browser.
      logged("waitUntil threw, so this create's work goes on only while the browser waits", error);
    }
    return created;
  };

  /** Sends the request and answers with what the API said, after the create's bookkeeping. */
  async function forward(target, init, signal, cors, spend, principal, made) {
    const sent = await toUpstream(target, init, signal);
    if (sent.failed) return apiError(...sent.failed, cors);
    const { answer, text } = sent;
    // A create the API did not take (a 4xx, a 429, or a refusal inside an HTTP 200) made no
    // task: its credits are given back. The package's verdict says so, as the client reads it.
    // A task made is recorded as its user's, from the package's reading of the answer.
    if (init.method === "POST" && (spend?.ok || principal || made)) {
      const verdict = attemptVerdict({ method: "POST", status: answer.status, headers: answer.headers, text });
      if (spend?.ok && verdict.outcome !== "task" && !verdict.mayHaveCreated) {
        await store.refund(spend.keys, spend.entry).catch((error) => logged("the store could not give back a refused create's credits", error));
      }
      const createdId = verdict.outcome === "task" ? verdict.task?.taskId : null;
      if (principal && createdId) {
        await store.setOwner(createdId, principal.id, ownershipTtlMs, Date.now()).catch((error) => logged("the store could not record who created a task", error));
      }
      if (made && createdId && checkTaskId(createdId) === null) {
        await remember(createdId, made.ref, principal, text).catch((error) => logged("the store could not record a task's callback, so its polls go to the API", error));
      }
    }
    return passOn(answer, text, cors);
  }

  /**
   * Sends one request to the API, within the client's time limit for an answer and the
   * browser's signal: `{ answer, text }`, or `{ failed }`, the proxy's error for none.
   */
  async function toUpstream(target, init, outer) {
    let answer;
    let text;
    // One controller for the browser's signal and the API's time limit, and a timer cleared
    // once the answer is read: in Node, AbortSignal.timeout with AbortSignal.any costs several
    // times as much a request (each makes a signal held through weak references), a share the
    // proxy's throughput shows.
    const upstreamSignal = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      upstreamSignal.abort(new DOMException(`The API did not answer within ${upstreamTimeoutMs / 1000} s`, "TimeoutError"));
    }, upstreamTimeoutMs);
    const gone = () => upstreamSignal.abort(outer.reason);
    if (outer?.aborted) gone();
    else outer?.addEventListener("abort", gone, { once: true });
    try {
      cache ??= cacheField(target);
      // A create's redirect is not followed: a fetch that followed a 307 would send it a second
      // time, to a place the proxy was not told of. A poll follows, as the client's does.
      answer = await fetchFn(target, { ...init, signal: upstreamSignal.signal, ...cache, ...(init.method === "POST" ? { redirect: "manual" } : {}) });
      text = await answer.text();
    } catch {
      // The task may exist all the same: what it cost stays counted.
      return timedOut
        ? { failed: [504, `The API did not answer within ${upstreamTimeoutMs / 1000} s`, "upstream_timeout"] }
        : { failed: [502, "The proxy could not reach the API", "upstream_unreachable"] };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", gone);
    }
    if (answer.status === 0 || (answer.status >= 300 && answer.status < 400)) {
      return { failed: [502, `The API answered with a redirect (HTTP ${answer.status}), which the proxy does not follow`, "upstream_redirect"] };
    }
    return { answer, text };
  }

  /** The API's answer, as the browser gets it: scrubbed of the key, served as data. */
  function passOn(answer, text, cors) {
    const headers = answerHeaders(cors);
    for (const name of COPIED_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = scrub(value);
    }
    return new Response(scrub(text), { status: answer.status, headers });
  }

  // With callbacks, the store keeps what the proxy knows of each task it made: under
  // "task:{id}" the creator and the last answer that is worth keeping (the create's, then the
  // final state), under "ref:{ref}" which task a callback URL is for; the claims "ask:{id}"
  // (the proxy's own read of the task in the last minute), "reading:{id}" (a callback's read in
  // the last `callbackReadGapMs`) and "done:{id}" (onTaskDone called) are each won by one
  // instance.
  async function remember(taskId, ref, principal, text) {
    const now = Date.now();
    // A repeated create (its Idempotency-Key) answered with a task already kept keeps what is known.
    if ((await store.get(`task:${taskId}`, now)) === null) {
      await store.put(`task:${taskId}`, JSON.stringify({ principal, text, final: false }), ownershipTtlMs, now);
    }
    await store.put(`ref:${ref}`, taskId, ownershipTtlMs, now);
    // The first read of its own comes a minute after the create, if no callback came before.
    await store.claim(`ask:${taskId}`, SAFETY_POLL_MS, now);
  }

  async function recordOf(taskId, now) {
    return JSON.parse((await store.get(`task:${taskId}`, now)) ?? "null");
  }

  /**
   * What a read of the task tells: true once it has ended, and then its final state is kept
   * and `onTaskDone` called. Only a final state is written, so a slower read that saw the task
   * still running cannot undo one.
   */
  async function settle(taskId, record, answer, text) {
    const verdict = attemptVerdict({ method: "GET", status: answer.status, headers: answer.headers, text });
    const status = verdict.outcome === "task" ? verdict.task?.status : null;
    if (status !== "succeeded" && status !== "failed") return false;
    await store.put(`task:${taskId}`, JSON.stringify({ ...record, text, final: true }), ownershipTtlMs, Date.now());
    await finish(taskId, record, verdict.task);
    return true;
  }

  /**
   * Calls `onTaskDone` for a task whose end is kept, unless some instance did: at most once
   * (a claim in the store), and again asked at each callback or poll that finds the end kept,
   * so that an instance that stopped between keeping the end and the call loses no call.
   * `task` is the package's reading of the kept final answer, read here when not given.
   */
  async function finish(taskId, record, task) {
    if (!onTaskDone || !(await store.claim(`done:${taskId}`, ownershipTtlMs, Date.now()))) return;
    try {
      await onTaskDone(task ?? attemptVerdict({ method: "GET", status: 200, text: record.text }).task, record.principal);
    } catch (error) {
      logged("onTaskDone threw (it is not called again for this task)", error);
    }
  }

  /**
   * A poll for a task the proxy made with callbacks on: answered from the store (its final
   * state once known, else the task as still running), but read from the API when no read of
   * it has been made in the last minute. Null for a task not recorded: it is forwarded.
   */
  async function pollWithCallbacks(taskId, request, cors) {
    const now = Date.now();
    const record = await recordOf(taskId, now);
    if (record === null) return null;
    const kept = () => new Response(scrub(record.text), { status: 200, headers: answerHeaders(cors) });
    if (record.final) {
      await finish(taskId, record);
      return kept();
    }
    if (!(await store.claim(`ask:${taskId}`, SAFETY_POLL_MS, now))) return kept();
    const sent = await toUpstream(taskUrl(taskId), pollInit, request.signal);
    if (sent.failed) return apiError(...sent.failed, cors);
    await settle(taskId, record, sent.answer, sent.text).catch((error) => logged("the store could not record a task's final state", error));
    return passOn(sent.answer, sent.text, cors);
  }

  /**
   * A callback: a URL this proxy made, else a 404 with nothing read. Its body is not believed
   * (the API documents no signature for it): the task is read again. The answer is 200 once the
   * task's end is kept, whoever read it; until then a 503 with `Retry-After`, so that the API
   * calls again: after a read that failed or found the task running, and for a callback that
   * comes within `callbackReadGapMs` of another's read (a repeat comes to nothing, and a URL
   * that leaked makes at most one read a second).
   */
  async function receive(request, rest) {
    const [ref = "", token = "", more] = rest.split("/");
    if (more !== undefined || !(await urls.check(ref, token))) return apiError(404, "No such callback", "not_found");
    if (request.method !== "POST") return apiError(405, "A callback takes POST", "method_not_allowed", { Allow: "POST" });
    // The body is not read: nothing in it is believed.
    request.body?.cancel().catch(() => {});
    const taken = () => json(200, { received: true });
    const again = (message, type) => apiError(503, message, type, { "Retry-After": String(Math.ceil(READ_GAP_MS / 1000)) });
    const now = Date.now();
    try {
      const taskId = await store.get(`ref:${ref}`, now);
      // A URL this proxy made, whose create's answer has not been recorded yet.
      if (taskId === null) return again("This callback's task is not recorded yet", "task_not_recorded");
      const record = await recordOf(taskId, now);
      if (record === null || checkTaskId(taskId) !== null) return apiError(404, "No such callback", "not_found");
      if (record.final) {
        await finish(taskId, record);
        return taken();
      }
      if (!(await store.claim(`reading:${taskId}`, READ_GAP_MS, now))) return again("The task was read just now; its end is not known yet", "task_running");
      const sent = await toUpstream(taskUrl(taskId), pollInit, null);
      if (sent.failed) {
        logged(`a callback's task could not be read: ${sent.failed[1]}`);
        return again("The proxy could not read the task from the API", sent.failed[2]);
      }
      if (await settle(taskId, record, sent.answer, sent.text)) return taken();
      return again("The API says the task has not ended", "task_running");
    } catch (error) {
      logged("the store could not record a callback", error);
      return again("The proxy cannot record its tasks just now", "store_unavailable");
    }
  }
}

/** Served from the page's own origin: whatever the API answered is data, never a page. */
function answerHeaders(cors) {
  return { ...cors, "Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox" };
}

/**
 * Checks `callbacks` (`{ publicUrl, secret }`) against where the handler answers, and makes
 * its URLs: a publicUrl that could not reach this handler would lose every callback.
 */
function callbackUrlsOf(callbacks, basePath, allowedHosts) {
  const { publicUrl, secret } = callbacks ?? {};
  let url = null;
  try {
    url = new URL(publicUrl);
  } catch {
    // refused below
  }
  if (typeof publicUrl !== "string" || !/^https?:$/.test(url?.protocol) || url.search || url.hash || url.username || url.password) {
    throw new TypeError('createProxyHandler: callbacks.publicUrl must be the http(s) URL the API reaches the proxy\'s base path at, such as "https://app.example.com/api/v1"');
  }
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`createProxyHandler: callbacks.secret must be a string of at least ${MIN_SECRET_LENGTH} characters, kept on the server (such as 32 random bytes as hex)`);
  }
  const publicPath = url.pathname.replace(/\/+$/, "");
  if (!publicPath.endsWith(basePath)) {
    throw new TypeError(`createProxyHandler: callbacks.publicUrl must end with the handler's basePath (${JSON.stringify(basePath)}), where callbacks are answered; its path is ${JSON.stringify(publicPath)}`);
  }
  if (allowedHosts?.every((host) => host.toLowerCase() !== url.hostname.toLowerCase())) {
    throw new TypeError(`createProxyHandler: callbacks.publicUrl's host ${url.hostname} must be one of allowedHosts, or every callback is refused`);
  }
  return callbackUrls(url.href.replace(/\/+$/, ""), secret);
}
