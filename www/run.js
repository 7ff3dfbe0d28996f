// Sending from the tester page: one task at a time with progress, cancel, the video and the raw
// responses; a history of this tab's tasks; "Check again" and "Look up" in a panel of their own
// that keeps waiting for a task that is not done. All server data is written as text; only the
// package's http(s) video URLs are played.
import {
  ApiError, KlingClient, KlingError, TaskFailedError, TimeoutError, ValidationError,
  clientDefaults, isTaskId, nextPollDelay, statusText,
} from "/pkg/web.js";

const $ = (id) => document.getElementById(id);
const { createPath, tasksPath } = clientDefaults();
const history = new Map(); // taskId -> { taskId, prompt, credits, status, sentAt }

/** How much of one answer the raw view keeps, and how many answers: a huge or deeply nested
 *  answer must not freeze the page or overflow the stack when it is shown. */
const RAW_CHARS = 20_000;
const RAW_DEPTH = 40;
const RAW_KEPT = 10;

/** Waits longer than this (a Retry-After of years) are the server's mistake, not advice. */
const DAY_MS = 86_400_000;

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A span of time as a person says it: "0.3 s", "45 s", "12 min", "3 h", "5 days", "31.7 years". */
export function span(ms) {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  if (s < 31_536_000) return `${Math.round(s / 86_400)} days`;
  return `${(s / 31_536_000).toFixed(1)} years`;
}

/** "is running", "has succeeded": a task's status in a sentence. */
export function statusPhrase(status) {
  return { queued: "is queued", running: "is running", succeeded: "has succeeded", failed: "has failed" }[status] ?? `is ${status}`;
}

/**
 * A value as indented JSON, cut at `limit` characters and `depth` levels, without building the
 * whole text first: a 20 MB answer costs no more than a small one, and nesting cannot overflow.
 */
export function boundedJson(value, limit = RAW_CHARS, depth = RAW_DEPTH) {
  let out = "";
  const full = {};
  const write = (text) => {
    if (out.length + text.length > limit) {
      out += text.slice(0, limit - out.length);
      throw full;
    }
    out += text;
  };
  const walk = (v, indent, level) => {
    if (typeof v === "string") return write(JSON.stringify(v.length > limit ? v.slice(0, limit) : v));
    if (v === null || typeof v !== "object") return write(JSON.stringify(v) ?? "null");
    const array = Array.isArray(v);
    const keys = array ? null : Object.keys(v);
    const n = array ? v.length : keys.length;
    if (n === 0) return write(array ? "[]" : "{}");
    if (level >= depth) return write(array ? "[…]" : "{…}");
    const inner = `${indent}  `;
    write(array ? "[" : "{");
    for (let i = 0; i < n; i++) {
      write(`${i ? "," : ""}\n${inner}`);
      if (!array) write(`${JSON.stringify(keys[i])}: `);
      walk(array ? v[i] : v[keys[i]], inner, level + 1);
    }
    write(`\n${indent}${array ? "]" : "}"}`);
  };
  try {
    if (typeof value === "string") write(value);
    else walk(value, "", 0);
    return out;
  } catch (error) {
    if (error !== full) throw error;
    return `${out}\n… (cut here: the page shows the first ${limit.toLocaleString("en")} characters of an answer)`;
  }
}

// ---- what errors mean -------------------------------------------------------------------

/** Errors that say nothing about the task: the answer was lost or unreadable, or the server was
 *  busy (the package's `retryable`: what its own retries are for). While watching, the page
 *  keeps going through them. */
function passing(error) {
  return error?.retryable === true;
}

/**
 * A create that failed this way may still have reached the API, created and charged a task: the
 * package says so (`mayHaveCreated`), and a create cancelled once it was sent may have too (the
 * POST leaves as soon as `createTask` is called; Cancel comes later).
 */
export function mayHaveCreated(error) {
  return error?.mayHaveCreated === true || error?.name === "AbortError";
}

/** The status an API error stands for: the HTTP status, or the code of an error inside an HTTP 200. */
function apiStatus(error) {
  return error.status === 200 && Number.isInteger(error.code) ? error.code : error.status;
}

/** "HTTP 502: a gateway … The API says: …", with no meaning said twice. */
function apiProblem(error) {
  error = { status: apiStatus(error), message: error.message };
  const meaning = error.status > 0 ? `HTTP ${error.status}: ${statusText(error.status)}` : statusText(error.status);
  // The package's message may begin with the same "HTTP 502:" and end with its own advice on
  // what to do, which the page gives in its own words.
  let said = String(error.message ?? "").split("; the task may have been created")[0].trim();
  said = said.replace(/^HTTP \d{3}:\s*/, "").replace(/[.\s]*$/, "");
  if (!said || meaning.includes(said) || said.startsWith(statusText(error.status))) {
    return said.length > statusText(error.status).length ? `HTTP ${error.status}: ${said}` : meaning;
  }
  return `${meaning}. The API says: ${said}`;
}

function retryAdvice(ms) {
  if (!ms) return "Try again in a moment.";
  if (ms > DAY_MS) return `The API asks to wait ${span(ms)}, which cannot be meant; try again in a few minutes.`;
  return `Try again in ${span(ms)}.`;
}

/** What a person can do about an API error, by status: the page's own advice, or nothing. */
function apiAdvice(error) {
  switch (apiStatus(error)) {
    case 401:
      return "Check the key; the sandbox takes any key like aio_test1234.";
    case 402:
      return "Add credits, or choose a shorter or cheaper video.";
    case 404:
      return "Check the task id and the base URL.";
    case 429:
      return retryAdvice(error.retryAfterMs);
    default:
      return "";
  }
}

const MAY_EXIST =
  "The task may have been created, and charged, all the same. Do not send it again yet: look for it " +
  "first (on the API's dashboard, or at your callback URL); if you have its id, look it up below.";

/**
 * Words for an error, as a person needs them: what happened and what to do. `phase` is
 * "create" (sending the form), "watch" (waiting for a task) or "check" (reading one).
 */
export function explain(error, { baseUrl = "", phase = "create" } = {}) {
  if (error?.name === "AbortError") {
    return phase === "create" ? `Cancelled. Nothing more is sent, but the request had already left. ${MAY_EXIST}` : "Stopped waiting. The task goes on at the API: check it again below.";
  }
  if (error instanceof ValidationError) {
    const what = error.errors.map((e) => e.message).join("; ");
    return phase === "create" ? `Fix the form first: ${what}` : `The page will not ask the API about this: ${what}`;
  }
  const uncertain = phase === "create" && mayHaveCreated(error);
  if (error instanceof ApiError) {
    const advice = uncertain ? MAY_EXIST : apiAdvice(error);
    return `${apiProblem(error)}.${advice ? ` ${advice}` : ""}`;
  }
  if (error instanceof TimeoutError && error.taskId) return `${error.message.split(": call ")[0]}. Use "Check again" in the list below.`;
  if (error instanceof TaskFailedError) return `The task failed: ${error.task?.error ?? error.message}`;
  if (error instanceof KlingError && error.code === "network_error") {
    const absolute = /^https?:\/\//i.test(baseUrl);
    const crossOrigin = absolute && new URL(baseUrl).origin !== location.origin;
    const cause = crossOrigin
      ? `The browser could not reach ${new URL(baseUrl).origin}. The API may refuse calls from browsers (CORS). Run the proxy instead: KLING_API_KEY=aio_... npm start, then use the base URL /api/v1 with no key here.`
      : "The request failed before an answer came.";
    return uncertain ? `${cause} ${MAY_EXIST}` : cause;
  }
  if (uncertain) {
    const what = error.code === "timeout" ? "No answer came in time." : "The answer could not be read.";
    return `${what} ${MAY_EXIST}`;
  }
  return error instanceof Error ? error.message : String(error);
}

// ---- a task's panel ---------------------------------------------------------------------

/** One place that shows a task: status, progress, timeline, error, video and raw answers. */
function taskView(root, status) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const raw = [];
  let ticker = null;
  const view = {
    root,
    reset() {
      root.hidden = false;
      part("error").hidden = true;
      part("note").hidden = true;
      part("result").hidden = true;
      part("player").removeAttribute("src");
      part("player").load?.();
      part("timeline").replaceChildren();
      part("meta").textContent = "";
      raw.length = 0;
      part("raw").textContent = "";
      view.progress(0);
    },
    status(text) {
      status.textContent = text;
    },
    line(text) {
      const item = document.createElement("li");
      item.textContent = text;
      part("timeline").append(item);
    },
    progress(fraction) {
      part("progress").style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
    },
    /** Keeps "12.3 s elapsed" moving between polls; `extra()` adds the poll count. */
    tick(started, extra) {
      view.stopTick();
      const draw = () => { part("meta").textContent = `${seconds(performance.now() - started)} elapsed${extra()}`; };
      draw();
      ticker = setInterval(draw, 200);
    },
    stopTick() {
      clearInterval(ticker);
      ticker = null;
    },
    raw(label, body) {
      if (body === undefined || body === null) return;
      raw.unshift(`// ${new Date().toLocaleTimeString()} ${label}\n${boundedJson(body)}`);
      raw.length = Math.min(raw.length, RAW_KEPT);
      part("raw").textContent = raw.join("\n\n");
    },
    error(error, context) {
      const box = part("error");
      box.textContent = explain(error, context);
      box.hidden = false;
      if (error instanceof ApiError) view.raw(`HTTP ${error.status}`, error.body);
      if (error instanceof TaskFailedError) view.raw("failed task", error.task?.raw);
      return box;
    },
    note(text) {
      part("note").textContent = text;
      part("note").hidden = false;
    },
    /** Shows the video of a task that succeeded, or says why there is none. */
    finish(task, started) {
      view.progress(1);
      const took = started === undefined ? "" : ` in ${seconds(performance.now() - started)}`;
      if (!task.videoUrl) {
        view.status(`Done${took}, but there is no video to show.`);
        view.note("The task succeeded, but its answer gives no http(s) video URL, so there is nothing this page can play or download (a missing URL, or one of another kind, such as javascript: or data:, which the page never opens). The raw responses show what the API sent.");
        part("raw-box").open = true;
        return;
      }
      view.status(`Done${took}: the video is ready.`);
      part("result").hidden = false;
      part("player").src = task.videoUrl;
      const link = part("download");
      link.href = task.videoUrl;
      // A download attribute works on this origin only: elsewhere the browser would open the
      // video in this tab and lose the page. A video from another site opens in a new tab.
      const here = new URL(task.videoUrl).origin === location.origin;
      if (here) {
        link.setAttribute("download", "");
        link.removeAttribute("target");
        link.removeAttribute("rel");
        link.textContent = "Download the video";
        part("download-hint").textContent = "";
      } else {
        link.removeAttribute("download");
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = "Open the video in a new tab";
        part("download-hint").textContent = `(it is on ${new URL(task.videoUrl).host}: save it from there)`;
      }
    },
  };
  return view;
}

// ---- history -----------------------------------------------------------------------------

function drawHistory(check) {
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const entry of [...history.values()].reverse()) {
    const row = document.createElement("tr");
    const cells = [
      ["Task", entry.taskId, "id"],
      ["Prompt", entry.prompt || "—", "prompt"],
      ["Price", entry.credits === null ? "—" : `${entry.credits} credits`, ""],
      ["Status", entry.status, "status"],
      ["Sent", entry.sentAt, ""],
    ];
    for (const [label, text, kind] of cells) {
      const cell = document.createElement("td");
      cell.dataset.label = label;
      if (kind) cell.className = kind;
      cell.textContent = text;
      if (kind === "prompt" && entry.prompt) cell.title = entry.prompt;
      row.append(cell);
    }
    const actions = document.createElement("td");
    actions.className = "row-actions";
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = "Check again";
    again.setAttribute("aria-label", `Check task ${entry.taskId} again`);
    again.addEventListener("click", () => check(entry.taskId));
    actions.append(again);
    row.append(actions);
    body.append(row);
  }
  $("history").hidden = history.size === 0;
  $("history-empty").hidden = history.size > 0;
}

function remember(taskId, fields, check) {
  const entry = history.get(taskId) ?? { taskId, prompt: "", credits: null, status: "", sentAt: new Date().toLocaleTimeString() };
  Object.assign(entry, fields);
  history.set(taskId, entry);
  drawHistory(check);
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

/**
 * Waits for a task up to `waitMs`, through lost, unreadable or refused-for-now answers: the
 * package retries each poll a few times; past those, the page goes on polling on the package's
 * own schedule (nextPollDelay) until the task ends, the wait runs out or the signal aborts.
 */
async function watch(view, client, taskId, { signal, waitMs, started, onStatus }) {
  const deadline = performance.now() + waitMs;
  let last = null;
  let polls = 0;
  let misses = 0;
  view.tick(started, () => `${polls ? ` · ${polls} poll${polls === 1 ? "" : "s"}` : ""}${misses ? ` · ${misses} answer${misses === 1 ? "" : "s"} lost, still watching` : ""}`);
  try {
    for (;;) {
      const remaining = Math.round(deadline - performance.now());
      if (remaining <= 0) {
        throw new TimeoutError(`Stopped waiting after ${span(waitMs)} (the wait limit): the task goes on, and it may still finish`, { taskId });
      }
      try {
        return await client.waitForTask(taskId, {
          signal,
          timeoutMs: remaining,
          onProgress: (p) => {
            polls++;
            const word = p.task.rawStatus ?? p.status;
            if (word !== last) view.line(`${seconds(performance.now() - started)} — ${word}`);
            last = word;
            const reported = p.task.raw?.data?.progress;
            view.progress(typeof reported === "number" ? reported / 100 : Math.min(0.95, (performance.now() - started) / 120_000));
            view.status(`Task ${taskId} ${statusPhrase(p.status)}…`);
            view.raw(`GET ${tasksPath}${taskId}`, p.task.raw);
            onStatus(p.status);
          },
        });
      } catch (error) {
        if (signal.aborted) throw error;
        // The package's own wait limit (it was given what was left of the page's).
        if (error instanceof TimeoutError && performance.now() >= deadline - 50) {
          throw new TimeoutError(`Stopped waiting after ${span(waitMs)} (the wait limit): the task goes on, and it may still finish`, { taskId });
        }
        if (!passing(error)) throw error;
        misses++;
        const what = error instanceof ApiError ? `HTTP ${error.status}` : error.code === "network_error" ? "no answer" : error.code === "timeout" ? "no answer in time" : "an unreadable answer";
        view.line(`${seconds(performance.now() - started)} — ${what}; the task was not lost: still watching`);
        if (error instanceof ApiError) view.raw(`HTTP ${error.status}`, error.body);
        const pause = Math.max(nextPollDelay(performance.now() - started), error.retryAfterMs && error.retryAfterMs <= DAY_MS ? error.retryAfterMs : 0);
        await sleep(Math.min(pause, Math.max(0, deadline - performance.now())), signal);
      }
    }
  } finally {
    view.stopTick();
  }
}

/**
 * A random UUID (version 4) for an Idempotency-Key. From crypto.getRandomValues, which every page
 * has: crypto.randomUUID is missing on a page served over plain http from another host than
 * localhost.
 */
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a base URL is this page's own server (an empty one is the package's default: not). */
function sameOrigin(baseUrl) {
  if (!baseUrl) return false;
  try {
    return new URL(baseUrl, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

/**
 * Wires the run panel. `getRequest()` gives the form's request and its cost, `getConnection()`
 * the client's options, `getWaitMs()` the wait limit, `onBusy(busy)` is told when a task starts
 * and ends, `onGuard()` when a request becomes one not to send again blindly (or stops being).
 */
export function setUpRunner({ getRequest, getConnection, getWaitMs, onBusy, onGuard }) {
  const client = () => new KlingClient(getConnection());
  const run = taskView($("run"), $("run-status"));
  const checked = taskView($("check"), $("check-status"));
  let running = null; // the AbortController of the task being sent or watched
  let checking = null; // the AbortController of the task being checked
  let guard = null; // the JSON of a request whose create may have made a task
  // The Idempotency-Key of the last create whose answer was lost: sending that same request
  // again reuses it, so a server that honours the header (the sandbox does) makes no second task.
  let lostKey = null; // { request: JSON of the request, value }

  /** Reads a task in the "Checked task" panel; one not done is waited for, up to the limit. */
  async function check(taskId) {
    checking?.abort();
    const control = new AbortController();
    checking = control;
    const { baseUrl } = getConnection();
    checked.reset();
    $("check-stop").hidden = false;
    $("check").scrollIntoView({ block: "nearest" });
    const started = performance.now();
    checked.status(`Reading ${taskId}…`);
    try {
      const c = client();
      const first = await c.getTask(taskId, { signal: control.signal });
      checked.raw(`GET ${tasksPath}${taskId}`, first.raw);
      remember(taskId, { status: first.status }, check);
      checked.line(`${seconds(performance.now() - started)} — ${first.rawStatus ?? first.status}`);
      checked.status(`Task ${taskId} ${statusPhrase(first.status)}${first.status === "queued" || first.status === "running" ? ": waiting for it…" : "."}`);
      let task = first;
      if (first.status === "queued" || first.status === "running") {
        task = await watch(checked, c, taskId, {
          signal: control.signal, waitMs: getWaitMs(), started,
          onStatus: (status) => remember(taskId, { status }, check),
        });
        remember(taskId, { status: task.status }, check);
      }
      if (task.status === "succeeded") {
        checked.finish(task);
        checked.status(`Task ${taskId} ${statusPhrase("succeeded")}${task.videoUrl ? ": the video is ready." : ", but there is no video to show."}`);
      } else if (task.status === "failed") {
        checked.error(new TaskFailedError(`The task failed: ${task.error ?? "no reason given"}`, { taskId, task }), { baseUrl, phase: "check" });
      }
    } catch (error) {
      if (error instanceof TaskFailedError) {
        remember(taskId, { status: "failed" }, check);
        checked.status(`Task ${taskId} ${statusPhrase("failed")}.`);
      } else if (error instanceof TimeoutError && error.taskId) {
        remember(taskId, { status: "still running" }, check);
        checked.status(`Task ${taskId} is still running.`);
      } else if (error?.name === "AbortError") {
        if (history.has(taskId)) remember(taskId, { status: `${history.get(taskId).status.replace(/ \(.*\)$/, "")} (not watched)` }, check);
        checked.status(`Stopped watching ${taskId}.`);
      } else {
        checked.status(`Could not read ${taskId}.`);
      }
      checked.error(error, { baseUrl, phase: "check" });
    } finally {
      if (checking === control) {
        checking = null;
        $("check-stop").hidden = true;
      }
    }
  }

  async function send() {
    const { request, cost } = getRequest();
    const connection = getConnection();
    const key = JSON.stringify(request);
    run.reset();
    const control = new AbortController();
    running = control;
    onBusy(true);
    const started = performance.now();
    let taskId = null;
    let lastStatus = null;
    run.status("Creating the task…");
    run.line("0.0 s — sending");
    run.tick(started, () => "");
    const c = client();
    // Only toward this page's own server (the sandbox, or the proxy that passes it on): the real
    // API does not document the header, and a browser may not send it there (CORS).
    const idempotencyKey = sameOrigin(connection.baseUrl)
      ? (guard === key && lostKey?.request === key ? lostKey.value : newKey())
      : undefined;
    let created;
    try {
      created = await c.createTask(request, { signal: control.signal, ...(idempotencyKey ? { idempotencyKey } : {}) });
    } catch (error) {
      run.stopTick();
      const uncertain = mayHaveCreated(error);
      lostKey = uncertain && idempotencyKey ? { request: key, value: idempotencyKey } : null;
      run.status(error?.name === "AbortError" ? "Cancelled." : uncertain ? "No clear answer: the task may exist." : "The task was not created.");
      const box = run.error(error, { baseUrl: connection.baseUrl ?? "", phase: "create" });
      if (uncertain) offerLookup(box);
      setGuard(uncertain ? key : guard === key ? null : guard);
      finish(control);
      return;
    }
    run.stopTick();
    setGuard(null);
    lostKey = null;
    taskId = created.taskId;
    run.raw(`POST ${createPath}`, created.raw);
    if (!isTaskId(taskId)) {
      // The API said yes, but with no id this page can put in a URL: it cannot follow the task.
      run.status("Created, but the task cannot be followed.");
      const shown = JSON.stringify(String(taskId ?? "")).slice(0, 120);
      const box = run.error(new KlingError(`The API answered that it created the task, but with a task id this page will not use in a URL (${shown}). ${MAY_EXIST}`), { phase: "watch" });
      offerLookup(box);
      setGuard(key);
      finish(control);
      return;
    }
    const prompt = request.prompt ?? request.multi_prompt?.[0]?.prompt ?? "";
    remember(taskId, { prompt, credits: cost?.credits ?? null, status: created.status }, check);
    run.line(`${seconds(performance.now() - started)} — created ${taskId} (${created.rawStatus ?? created.status})`);
    run.status(`Task ${taskId} ${statusPhrase(created.status)}…`);
    lastStatus = created.status;
    try {
      const task = created.status === "succeeded" || created.status === "failed" ? created : await watch(run, c, taskId, {
        signal: control.signal, waitMs: getWaitMs(), started,
        onStatus: (status) => { lastStatus = status; remember(taskId, { status }, check); },
      });
      if (task.status === "failed") throw new TaskFailedError(`The task failed: ${task.error ?? "no reason given"}`, { taskId, task });
      remember(taskId, { status: task.status }, check);
      run.finish(task, started);
    } catch (error) {
      const status = error instanceof TaskFailedError ? "failed"
        : error instanceof TimeoutError ? "still running"
        : error?.name === "AbortError" ? `${lastStatus} (not watched)`
        : `${lastStatus} (when last read)`;
      remember(taskId, { status }, check);
      run.status(error?.name === "AbortError" ? "Cancelled: the task goes on at the API." : error instanceof TimeoutError ? "Stopped waiting: the task goes on." : error instanceof TaskFailedError ? "The task failed." : "Stopped following the task.");
      run.error(error, { baseUrl: connection.baseUrl ?? "", phase: "watch" });
    }
    finish(control);
  }

  function finish(control) {
    if (running === control) running = null;
    onBusy(false);
  }

  /** Under an error that may hide a created task: a way to look it up instead of paying twice. */
  function offerLookup(box) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "inline-action";
    button.textContent = "Look up a task id";
    button.addEventListener("click", () => {
      $("lookup-id").scrollIntoView({ block: "center" });
      $("lookup-id").focus();
    });
    box.append(" ", button);
  }

  function setGuard(value) {
    guard = value;
    onGuard();
  }

  $("cancel").addEventListener("click", () => running?.abort());
  $("check-stop").addEventListener("click", () => checking?.abort());
  $("lookup").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("lookup-id").value.trim();
    const msg = $("msg-lookup");
    msg.replaceChildren();
    $("lookup-id").removeAttribute("aria-invalid");
    if (!id || !isTaskId(id)) {
      // What a task id is, is the package's rule: its refusal says it, sending nothing.
      let why = "Enter the id of a task.";
      if (id) {
        why = "That is not a task id the API gives.";
        try {
          await client().getTask(id);
        } catch (error) {
          if (error instanceof ValidationError && error.errors[0]) why = `That is not a task id: ${error.errors[0].message.replace(/^taskId\s*/, "it ")}.`;
        }
      }
      const line = document.createElement("span");
      line.className = "error";
      line.textContent = why;
      msg.append(line);
      $("lookup-id").setAttribute("aria-invalid", "true");
      return;
    }
    check(id);
  });
  return {
    send,
    /** Whether this request's last create may have made a task: sending it again may pay twice. */
    guarded: (request) => guard !== null && guard === JSON.stringify(request),
    /** Whether sending this request again reuses the Idempotency-Key of the create that was lost. */
    repeatsKey: (request) => lostKey !== null && lostKey.request === JSON.stringify(request),
    acknowledge: () => setGuard(null),
  };
}
