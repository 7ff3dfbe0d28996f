// A faithful offline sandbox of the Kling 3.0 API in API in One, for development and tests:
// the same routes, auth, error shapes and task life cycle, with credits drawn down by the
// package's own price, a rate limit, a real video, callbacks, CORS, and switches for the
// faults a client must survive. Node's standard library and the package only.
//
//   POST /api/v1/videos/generations   create a task (validated and priced with kling3-wasm)
//   GET  /api/v1/tasks/{task_id}      read a task
//   GET  /sandbox/video.mp4           the video every task ends with
//   GET  /sandbox/image.jpg           a 640×360 image to try image-to-video with
//   GET  /_sandbox                    the sandbox's state: counts, balances, settings
//   POST /_sandbox/faults             queue faults: {"fault": "html-502", "route": "poll", "times": 2}
//   POST /_sandbox/credits            set a balance: {"key": "aio_...", "credits": 0} (no key: the default)
//   POST /_sandbox/reset              forget tasks, faults, counts and balances
//
// The /_sandbox controls are for the developer, not for pages: they take JSON only (so a page on
// another origin cannot send them without a CORS preflight, which they do not grant) and refuse
// any Origin but their own.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkIdempotencyKey, clientDefaults, estimateCost, normalizeRequest, validateRequest } from "kling3-wasm";
import { readBody } from "./body.mjs";

const assets = join(dirname(fileURLToPath(import.meta.url)), "assets");
const VIDEO = readFileSync(join(assets, "sample.mp4"));
const IMAGE = readFileSync(join(assets, "sample.jpg"));

/** The faults the sandbox can play, by name. */
export const FAULTS = {
  "html-502": "HTTP 502 with an HTML page, as a proxy in front of the API sends",
  "html-503": "HTTP 503 with an HTML page",
  "status-500": "HTTP 500 with the API's JSON error body",
  "status-504": "HTTP 504 with an empty body",
  "rate-limit": "HTTP 429 with Retry-After in seconds",
  "rate-limit-date": "HTTP 429 with Retry-After as an HTTP date",
  "rate-limit-ms": "HTTP 429 with retry-after-ms",
  "malformed-json": "HTTP 200 whose body is cut off mid-JSON",
  "envelope-error": "HTTP 200 whose envelope says code 500",
  "drop": "the connection is closed without an answer, and no task is created",
  "drop-after-create": "the task is created (and charged), then the connection is closed without an answer",
  "slow": "the answer comes after `ms` milliseconds (default 2000), then normally",
  "fail-task": "the next created task fails instead of completing",
  "callback-duplicate": "the next task's callback is sent `copies` times at once (default 3)",
  "callback-forged": "before the next task ends, its callback_url gets a forged body saying it succeeded, with a video elsewhere; the true callback follows",
  "callback-lost": "the next task's callback is never sent",
};

/** How often a callback that was not taken (no answer, or not 2xx) is tried again, and after how long. */
const CALLBACK_RETRIES_MS = [1_000, 2_000, 4_000];

/** A key the sandbox accepts: `aio_` and at least four more letters, digits, `_` or `-`. */
const KEY = /^aio_[A-Za-z0-9_-]{4,200}$/;

// The API's paths and the headers a page may read, as the package has them.
const { basePath: BASE_PATH, createPath: CREATE_PATH, tasksPath: TASKS_PATH, bodyTimeoutMs: BODY_TIMEOUT_MS, exposedHeaders: EXPOSED } = clientDefaults();
const TASKS = `${BASE_PATH}${TASKS_PATH}`;
const MODEL = normalizeRequest({ prompt: "x" }).model;

/** The faults that close a connection without an answer. */
const DROPS = new Set(["drop", "drop-after-create"]);

/**
 * Creates a sandbox. Options: `credits` (each key's starting balance, default 100000),
 * `timeScale` (1 = real generation times of 60–180 s; default 0.1), `rateLimit` (creates per
 * key per minute, default 60), `bodyTimeoutMs` (how long a request body may take to arrive,
 * default 5000), `log` (a function for one-line notes, default none), `onDropQueued` (called
 * when a fault that drops a connection is queued over HTTP: the server closes its idle
 * connections, so the dropped request cannot be one a browser silently sends again).
 */
export function createSandbox({ credits = 100_000, timeScale = 0.1, rateLimit = 60, bodyTimeoutMs = BODY_TIMEOUT_MS, log = () => {}, onDropQueued = () => {} } = {}) {
  const state = {
    tasks: new Map(),
    balances: new Map(),
    defaultCredits: credits,
    faults: [],
    creates: new Map(), // key -> recent create times
    idempotent: new Map(), // key + "\n" + Idempotency-Key -> { text, answer } of the task it created
    counts: { posts: 0, gets: 0, created: 0, callbacks: 0 },
    failNext: 0,
    callbackFaults: [], // { fault, times, copies }: taken by the next tasks with a callback_url
  };

  const balance = (key) => (state.balances.has(key) ? state.balances.get(key) : state.defaultCredits);

  /** How long a task takes: 60 s plus 8 s per second of video, scaled. */
  const generationMs = (seconds) => Math.max(50, (60_000 + 8_000 * seconds) * timeScale);

  function takeFault(route) {
    const i = state.faults.findIndex((f) => f.route === "any" || f.route === route);
    if (i < 0) return null;
    const fault = state.faults[i];
    if (--fault.times <= 0) state.faults.splice(i, 1);
    return fault;
  }

  function view(task, origin) {
    const now = Date.now();
    const elapsed = now - task.createdAt;
    let status = "IN_PROGRESS";
    const data = { task_id: task.id, model: MODEL, created_at: new Date(task.createdAt).toISOString() };
    if (elapsed >= task.durationMs) {
      status = task.fails ? "FAILED" : "COMPLETED";
      if (task.fails) data.error = "The sandbox was told to fail this task (fault fail-task)";
      else data.output = { video_url: `${origin}/sandbox/video.mp4?task=${task.id}` };
    } else {
      data.progress = Math.min(99, Math.floor((elapsed / task.durationMs) * 100));
    }
    data.status = status;
    return { code: 200, message: "success", data };
  }

  /**
   * Sends the task's callback once it has ended: a POST of the task as a poll would read it
   * then (the provider documents no other body, and no signature), tried again when not taken.
   * A callback fault queued for the task plays here.
   */
  function scheduleCallback(task, origin) {
    if (!task.callbackUrl) return;
    const fault = state.callbackFaults[0] ?? null;
    if (fault && --fault.times <= 0) state.callbackFaults.shift();
    if (fault?.fault === "callback-lost") return log(`task ${task.id}: its callback will not be sent (fault callback-lost)`);
    if (fault?.fault === "callback-forged") {
      const forged = { code: 200, message: "success", data: { task_id: task.id, model: MODEL, status: "COMPLETED", output: { video_url: "https://forged.example/video.mp4" } } };
      setTimeout(() => deliver(task, JSON.stringify(forged)), Math.min(100, task.durationMs / 4)).unref?.();
    }
    const copies = fault?.fault === "callback-duplicate" ? fault.copies : 1;
    // The task's length may change after the create (the tests hold a task running): wait on.
    const whenDone = () => {
      const left = task.createdAt + task.durationMs - Date.now();
      if (left > 0) return setTimeout(whenDone, left + 10).unref?.();
      const body = JSON.stringify(view(task, origin));
      for (let i = 0; i < copies; i++) deliver(task, body);
    };
    setTimeout(whenDone, task.durationMs + 10).unref?.();
  }

  async function deliver(task, body, retry = 0) {
    state.counts.callbacks++;
    let taken = false;
    try {
      const answer = await fetch(task.callbackUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      await answer.arrayBuffer().catch(() => {});
      taken = answer.ok;
      if (!taken) log(`callback to ${task.callbackUrl} answered HTTP ${answer.status}`);
    } catch (error) {
      log(`callback to ${task.callbackUrl} failed: ${error.message}`);
    }
    if (!taken && retry < CALLBACK_RETRIES_MS.length) setTimeout(() => deliver(task, body, retry + 1), CALLBACK_RETRIES_MS[retry]).unref?.();
  }

  function send(res, status, body, headers = {}) {
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json",
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  const apiError = (res, status, message, type, extra = {}, headers = {}) =>
    send(res, status, { error: { code: status, message, type, ...extra } }, headers);

  /** Plays a fault; true when the request is answered by it. */
  async function playFault(fault, res) {
    switch (fault.fault) {
      case "html-502":
        send(res, 502, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
        return true;
      case "html-503":
        send(res, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
        return true;
      case "status-500":
        apiError(res, 500, "Internal server error", "server_error");
        return true;
      case "status-504":
        res.writeHead(504, { "Content-Length": 0 });
        res.end();
        return true;
      case "rate-limit":
        apiError(res, 429, "Rate limit exceeded", "rate_limit", {}, { "Retry-After": String(fault.seconds ?? 1) });
        return true;
      case "rate-limit-date":
        apiError(res, 429, "Rate limit exceeded", "rate_limit", {}, { "Retry-After": new Date(Date.now() + (fault.seconds ?? 2) * 1000).toUTCString() });
        return true;
      case "rate-limit-ms":
        apiError(res, 429, "Rate limit exceeded", "rate_limit", {}, { "retry-after-ms": String(fault.ms ?? 300) });
        return true;
      case "malformed-json":
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end('{"code":200,"message":"success","data":{"task_id":');
        return true;
      case "envelope-error":
        send(res, 200, { code: 500, message: "Internal error, please retry", data: null });
        return true;
      case "drop":
      case "drop-after-create":
        res.socket?.destroy();
        return true;
      case "slow":
        await new Promise((r) => setTimeout(r, fault.ms ?? 2000));
        return false;
      default:
        return false;
    }
  }

  function authorize(req, res) {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) {
      apiError(res, 401, "Missing API key: send Authorization: Bearer <your key>", "authentication_error");
      return null;
    }
    if (!KEY.test(match[1])) {
      apiError(res, 401, "Invalid API key", "authentication_error");
      return null;
    }
    return match[1];
  }

  async function create(req, res, origin, text, dropAnswer) {
    const key = authorize(req, res);
    if (!key) return;
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      return apiError(res, 415, "Content-Type must be application/json", "invalid_request");
    }
    // A repeat of a create that made a task gets that task's answer, and creates nothing.
    const idempotencyKey = req.headers["idempotency-key"];
    const once = idempotencyKey === undefined ? null : `${key}\n${idempotencyKey}`;
    if (once !== null) {
      const bad = checkIdempotencyKey(idempotencyKey);
      if (bad) return apiError(res, 400, bad.message, "invalid_request");
      const first = state.idempotent.get(once);
      if (first && first.text !== text) {
        return apiError(res, 422, "This Idempotency-Key was used with another body: use a new key for a new task", "idempotency_key_reused");
      }
      if (first) return send(res, 200, first.answer, { "Idempotent-Replayed": "true" });
    }
    const recent = (state.creates.get(key) ?? []).filter((t) => Date.now() - t < 60_000);
    if (recent.length >= rateLimit) {
      const wait = Math.ceil((60_000 - (Date.now() - recent[0])) / 1000);
      return apiError(res, 429, "Rate limit exceeded: too many tasks this minute", "rate_limit", {}, { "Retry-After": String(wait) });
    }
    let input;
    try {
      input = JSON.parse(text);
    } catch {
      return apiError(res, 400, "The body is not valid JSON", "invalid_request");
    }
    const report = validateRequest(input);
    if (!report.valid) {
      return apiError(res, 400, `Invalid parameters: ${report.errors.map((e) => e.message).join("; ")}`, "invalid_request", { details: report.errors });
    }
    const cost = estimateCost(input);
    if (balance(key) < cost.credits) {
      return apiError(res, 402, `Insufficient credits: this task costs ${cost.credits}, the balance is ${balance(key)}`, "insufficient_credits");
    }
    state.balances.set(key, balance(key) - cost.credits);
    recent.push(Date.now());
    state.creates.set(key, recent);
    const id = `sbx${randomBytes(6).toString("hex")}_kling3`;
    const task = {
      id, key, createdAt: Date.now(), durationMs: generationMs(cost.seconds), credits: cost.credits,
      fails: state.failNext > 0, callbackUrl: input.callback_url ?? null,
    };
    if (task.fails) state.failNext--;
    state.tasks.set(id, task);
    state.counts.created++;
    scheduleCallback(task, origin);
    log(`task ${id}: ${cost.seconds} s ${cost.mode}${cost.sound ? " with sound" : ""}, ${cost.credits} credits, ready in ${Math.round(task.durationMs)} ms`);
    const answer = { code: 200, message: "success", data: { task_id: id, status: "IN_PROGRESS" } };
    if (once !== null) state.idempotent.set(once, { text, answer });
    if (dropAnswer) res.socket?.destroy();
    else send(res, 200, answer);
  }

  function poll(req, res, id, origin) {
    const key = authorize(req, res);
    if (!key) return;
    const task = state.tasks.get(id);
    if (!task || task.key !== key) return apiError(res, 404, `Task not found: ${id.slice(0, 80)}`, "not_found");
    send(res, 200, view(task, origin));
  }

  /** Refuses a request whose body is left unread: the connection is closed after the answer. */
  const refuse = (res, status, message, type) => apiError(res, status, message, type, {}, { Connection: "close" });
  const BODY_ERRORS = {
    400: "The request body could not be read",
    408: "The request body did not arrive in time",
    413: "Request body too large",
  };

  async function control(req, res, path) {
    if (req.method === "GET" && path === "/_sandbox") {
      return send(res, 200, {
        counts: state.counts, tasks: state.tasks.size, faults: [...state.faults, ...state.callbackFaults], timeScale, rateLimit,
        defaultCredits: state.defaultCredits, balances: Object.fromEntries([...state.balances].map(([k, v]) => [`${k.slice(0, 6)}…`, v])),
        faultNames: FAULTS,
      });
    }
    if (req.method !== "POST") return refuse(res, 405, "Use POST", "invalid_request");
    const from = req.headers.origin;
    if (from !== undefined && from !== `http://${req.headers.host}`) {
      return refuse(res, 403, `The sandbox's controls answer only their own origin, not ${String(from).slice(0, 100)}`, "origin_not_allowed");
    }
    if (!/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) {
      return refuse(res, 415, "The sandbox's controls take Content-Type: application/json", "invalid_request");
    }
    const read = await readBody(req, { limit: 100_000, timeoutMs: bodyTimeoutMs });
    if (read.status) return refuse(res, read.status, BODY_ERRORS[read.status], "invalid_request");
    const text = read.text;
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return apiError(res, 400, "The body is not valid JSON", "invalid_request");
    }
    if (path === "/_sandbox/faults") {
      try {
        api.addFault(body);
      } catch (error) {
        return apiError(res, 400, error.message, "invalid_request");
      }
      // Queued over HTTP (by a developer, while a page may hold idle kept-alive connections):
      // those are closed now, and this answer closes its own.
      if (DROPS.has(body.fault)) {
        onDropQueued();
        res.setHeader("Connection", "close");
      }
      return send(res, 200, { faults: state.faults });
    }
    if (path === "/_sandbox/credits") {
      if (!Number.isInteger(body.credits) || body.credits < 0) return apiError(res, 400, "credits must be a whole number ≥ 0", "invalid_request");
      api.setCredits(body.credits, body.key);
      return send(res, 200, { ok: true });
    }
    if (path === "/_sandbox/reset") {
      api.reset();
      return send(res, 200, { ok: true });
    }
    return apiError(res, 404, "No such sandbox control", "not_found");
  }

  const api = {
    /**
     * Queues a fault: `{ fault, route: "create" | "poll" | "any" = "any", times = 1, ms?,
     * seconds? }`; a callback fault (or fail-task) hits the next `times` tasks, whatever the route.
     */
    addFault({ fault, route = "any", times = 1, ms, seconds, copies = 3 } = {}) {
      if (!(fault in FAULTS)) throw new Error(`unknown fault ${JSON.stringify(fault)}: one of ${Object.keys(FAULTS).join(", ")}`);
      if (!["create", "poll", "any"].includes(route)) throw new Error('route must be "create", "poll" or "any"');
      if (!Number.isInteger(times) || times < 1 || times > 1000) throw new Error("times must be a whole number from 1 to 1000");
      if (fault === "fail-task") {
        state.failNext += times;
        return;
      }
      if (fault.startsWith("callback-")) {
        if (!Number.isInteger(copies) || copies < 2 || copies > 10) throw new Error("copies must be a whole number from 2 to 10");
        state.callbackFaults.push({ fault, times, copies });
        return;
      }
      state.faults.push({ fault, route, times, ms, seconds });
    },
    /** True while a fault that drops a connection is queued: the server then keeps no
     *  connection alive, so the request it drops comes on a new one, which browsers do not
     *  send again on their own (they do on a kept-alive one). */
    dropQueued: () => state.faults.some((f) => DROPS.has(f.fault)),
    /** Sets a key's balance, or (without a key) every key's starting balance. */
    setCredits(amount, key) {
      if (key) state.balances.set(key, amount);
      else {
        state.defaultCredits = amount;
        state.balances.clear();
      }
    },
    balance,
    reset() {
      state.tasks.clear();
      state.balances.clear();
      state.defaultCredits = credits;
      state.faults.length = 0;
      state.creates.clear();
      state.idempotent.clear();
      state.failNext = 0;
      state.callbackFaults.length = 0;
      Object.assign(state.counts, { posts: 0, gets: 0, created: 0, callbacks: 0 });
    },
    counts: state.counts,
    tasks: state.tasks,

    /** The Node request handler; answers what is its own and returns false for the rest. */
    async handle(req, res) {
      const url = new URL(req.url, "http://sandbox.invalid");
      const path = url.pathname;
      const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
      const ours = path.startsWith(`${BASE_PATH}/`) || path.startsWith("/_sandbox") || path.startsWith("/sandbox/");
      if (!ours) return false;
      if (path.startsWith("/_sandbox")) {
        await control(req, res, path);
        return true;
      }
      res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Expose-Headers", EXPOSED.join(", "));
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
          "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, Idempotency-Key",
          "Access-Control-Max-Age": "600",
        });
        res.end();
        return true;
      }
      if (path === "/sandbox/video.mp4") {
        return serveVideo(req, res);
      }
      if (path === "/sandbox/image.jpg") {
        res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": IMAGE.length, "Cache-Control": "public, max-age=3600" });
        res.end(req.method === "HEAD" ? undefined : IMAGE);
        return true;
      }
      if (path.startsWith("/sandbox/")) {
        apiError(res, 404, "No such sandbox file", "not_found");
        return true;
      }
      // Read every body before answering, whatever answers: a body left unread would stall
      // the next request on a kept-alive connection. One too large or too slow is refused, and
      // the connection closed, without reading the rest.
      const read = req.method === "POST" ? await readBody(req, { timeoutMs: bodyTimeoutMs }) : { text: "" };
      if (read.status) {
        refuse(res, read.status, BODY_ERRORS[read.status], "invalid_request");
        return true;
      }
      const text = read.text;
      const route = req.method === "POST" && path === `${BASE_PATH}${CREATE_PATH}` ? "create" : req.method === "GET" && path.startsWith(TASKS) ? "poll" : null;
      if (!route) {
        apiError(res, 404, `No route ${req.method} ${path.slice(0, 100)}`, "not_found");
        return true;
      }
      // Every request that reaches the sandbox counts, whatever then answers it.
      if (route === "create") state.counts.posts++;
      else state.counts.gets++;
      const fault = takeFault(route);
      const dropAnswer = fault?.fault === "drop-after-create" && route === "create";
      if (fault && !dropAnswer && (await playFault(fault, res))) return true;
      if (route === "create") await create(req, res, origin, text, dropAnswer);
      else poll(req, res, taskIdOf(path.slice(TASKS.length)), origin);
      return true;
    },
  };
  return api;
}

/** A task id from its URL path segment; a malformed %-escape is an id no task has. */
function taskIdOf(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Serves the sample video, with byte ranges so players can seek. */
function serveVideo(req, res) {
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
  const headers = { "Content-Type": "video/mp4", "Accept-Ranges": "bytes", "Cache-Control": "public, max-age=3600" };
  if (range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : VIDEO.length - Number(range[2]);
    let end = range[1] && range[2] ? Number(range[2]) : VIDEO.length - 1;
    start = Math.max(0, start);
    end = Math.min(end, VIDEO.length - 1);
    if (start > end) {
      res.writeHead(416, { "Content-Range": `bytes */${VIDEO.length}` });
      res.end();
      return true;
    }
    res.writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${VIDEO.length}`, "Content-Length": end - start + 1 });
    res.end(req.method === "HEAD" ? undefined : VIDEO.subarray(start, end + 1));
    return true;
  }
  res.writeHead(200, { ...headers, "Content-Length": VIDEO.length });
  res.end(req.method === "HEAD" ? undefined : VIDEO);
  return true;
}
