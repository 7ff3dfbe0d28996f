// Sending the form: one task at a time, with progress, Cancel, the video and the raw answers in
// the "Task" panel. A create that may have made a task (the package's `mayHaveCreated`) is not
// sent again without asking, and, toward this page's own server, goes again with the same
// Idempotency-Key.
import { KlingClient, KlingError, TaskFailedError, TimeoutError, clientDefaults, isTaskId } from "/pkg/web.js";
import { $ } from "./dom.js";
import { MAY_EXIST, mayHaveCreated } from "./errors.js";
import { seconds, statusPhrase } from "./format.js";
import { remember } from "./history.js";
import { taskView } from "./task-view.js";
import { watch } from "./watch.js";

const { createPath } = clientDefaults();

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
  box.append(button);
}

/**
 * Wires the "Task" panel and Cancel. `getRequest()` gives the form's request and its cost,
 * `getConnection()` the client's options, `getWaitMs()` the wait limit, `onBusy(busy)` is told
 * when a task starts and ends, `onGuard()` when a request becomes one not to send again blindly
 * (or stops being one).
 */
export function setUpRunner({ getRequest, getConnection, getWaitMs, onBusy, onGuard }) {
  const view = taskView($("run"), $("run-status"));
  let running = null; // the AbortController of the task being sent or watched
  let guard = null; // the JSON of a request whose create may have made a task
  // The Idempotency-Key of the last create whose answer was lost: sending that same request
  // again reuses it, so a server that honours the header (the sandbox does) makes no second task.
  let lostKey = null; // { request: JSON of the request, value }

  function setGuard(value) {
    guard = value;
    onGuard();
  }

  /** Sends the create; returns the created task, or null when it failed (and says why). */
  async function create(client, request, key, { baseUrl = "" }, signal) {
    // Only toward this page's own server (the sandbox, or the proxy that passes it on): the real
    // API does not document the header, and a browser may not send it there (CORS).
    const idempotencyKey = sameOrigin(baseUrl)
      ? (guard === key && lostKey?.request === key ? lostKey.value : newKey())
      : undefined;
    try {
      const created = await client.createTask(request, { signal, ...(idempotencyKey ? { idempotencyKey } : {}) });
      setGuard(null);
      lostKey = null;
      return created;
    } catch (error) {
      const uncertain = mayHaveCreated(error);
      lostKey = uncertain && idempotencyKey ? { request: key, value: idempotencyKey } : null;
      view.status(error?.name === "AbortError" ? "Cancelled." : uncertain ? "No clear answer: the task may exist." : "The task was not created.");
      const box = view.error(error, { baseUrl, phase: "create" });
      if (uncertain) offerLookup(box);
      setGuard(uncertain ? key : guard === key ? null : guard);
      return null;
    } finally {
      view.stopTick();
    }
  }

  /** Follows a created task to its end in the panel, and keeps the list up to date. */
  async function follow(client, created, { started, baseUrl = "" }, signal) {
    const { taskId } = created;
    let lastStatus = created.status;
    try {
      const task = created.status === "succeeded" || created.status === "failed" ? created : await watch(view, client, taskId, {
        signal, waitMs: getWaitMs(), started,
        onStatus: (status) => { lastStatus = status; remember(taskId, { status }); },
      });
      if (task.status === "failed") throw new TaskFailedError(`The task failed: ${task.error ?? "no reason given"}`, { taskId, task });
      remember(taskId, { status: task.status });
      view.finish(task, started);
    } catch (error) {
      remember(taskId, error instanceof TaskFailedError ? { status: "failed" }
        : error instanceof TimeoutError ? { status: "still running" }
        : { status: lastStatus, note: error?.name === "AbortError" ? "not watched" : "when last read" });
      view.status(error?.name === "AbortError" ? "Cancelled: the task goes on at the API." : error instanceof TimeoutError ? "Stopped waiting: the task goes on." : error instanceof TaskFailedError ? "The task failed." : "Stopped following the task.");
      view.error(error, { baseUrl, phase: "watch" });
    }
  }

  async function send() {
    const { request, cost } = getRequest();
    const connection = getConnection();
    const key = JSON.stringify(request);
    view.reset();
    const control = new AbortController();
    running = control;
    onBusy(true);
    const started = performance.now();
    view.status("Creating the task…");
    view.line("0.0 s — sending");
    view.tick(started, () => "");
    const client = new KlingClient(connection);
    try {
      const created = await create(client, request, key, connection, control.signal);
      if (!created) return;
      view.raw(`POST ${createPath}`, created.raw);
      const { taskId } = created;
      if (!isTaskId(taskId)) {
        // The API said yes, but with no id this page can put in a URL: it cannot follow the task.
        view.status("Created, but the task cannot be followed.");
        const shown = JSON.stringify(String(taskId ?? "")).slice(0, 120);
        const box = view.error(new KlingError(`The API answered that it created the task, but with a task id this page will not use in a URL (${shown}). ${MAY_EXIST}`), { phase: "watch" });
        offerLookup(box);
        setGuard(key);
        return;
      }
      const prompt = request.prompt ?? request.multi_prompt?.[0]?.prompt ?? "";
      remember(taskId, { prompt, credits: cost?.credits ?? null, status: created.status });
      view.line(`${seconds(performance.now() - started)} — created ${taskId} (${created.rawStatus ?? created.status})`);
      view.status(`Task ${taskId} ${statusPhrase(created.status)}…`);
      await follow(client, created, { started, baseUrl: connection.baseUrl }, control.signal);
    } finally {
      if (running === control) running = null;
      onBusy(false);
    }
  }

  $("cancel").addEventListener("click", () => running?.abort());
  return {
    send,
    /** Whether this request's last create may have made a task: sending it again may pay twice. */
    guarded: (request) => guard !== null && guard === JSON.stringify(request),
    /** Whether sending this request again reuses the Idempotency-Key of the create that was lost. */
    repeatsKey: (request) => lostKey !== null && lostKey.request === JSON.stringify(request),
    acknowledge: () => setGuard(null),
  };
}
