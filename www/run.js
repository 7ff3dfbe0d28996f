// Sending from the tester page: one task at a time with progress, cancel, the video and the raw
// responses; a history of this tab's tasks with "check again"; looking up any task id. All
// server data is written as text; only the package's http(s) video URLs are played.
import { ApiError, KlingClient, KlingError, TaskFailedError, TimeoutError, ValidationError, clientDefaults, statusText } from "/pkg/web.js";

const $ = (id) => document.getElementById(id);
const { createPath, tasksPath } = clientDefaults();
const history = new Map(); // taskId -> { taskId, prompt, credits, status, sentAt }
const raw = [];
let running = null; // the AbortController of the task being sent or watched

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * What an API error means, in the package's words (`statusText`), then what the API said when
 * it said more: "HTTP 401: the API key is missing or not valid. The API says: Invalid API key".
 */
function apiProblem(error) {
  const meaning = error.status > 0 ? `HTTP ${error.status}: ${statusText(error.status)}` : statusText(error.status);
  const said = String(error.message ?? "").trim();
  // With nothing in the body, the package's message is already the meaning.
  return said && !said.includes(meaning) ? `${meaning}. The API says: ${said}` : said || meaning;
}

/** What a person can do about an API error, by status: the page's own advice, or nothing. */
function apiAdvice(error) {
  switch (error.status) {
    case 401:
      return "Check the key; the sandbox takes any key like aio_test1234.";
    case 402:
      return "Add credits, or choose a shorter or cheaper video.";
    case 404:
      return "Check the task id and the base URL.";
    case 429:
      return error.retryAfterMs ? `Try again in ${seconds(error.retryAfterMs)}.` : "Try again in a moment.";
    default:
      return error.status >= 500 ? "Try again shortly." : "";
  }
}

/** Words for an error, as a person needs them: what happened and what to do. */
export function explain(error, baseUrl) {
  if (error instanceof ValidationError) return `Fix the form first: ${error.errors.map((e) => e.message).join("; ")}`;
  if (error instanceof ApiError) {
    const problem = apiProblem(error);
    const advice = apiAdvice(error);
    return `${problem.replace(/[.\s]*$/, "")}.${advice ? ` ${advice}` : ""}`;
  }
  if (error instanceof TimeoutError) return `${error.message}. Use "Check again" in the list below.`;
  if (error instanceof TaskFailedError) return `The task failed: ${error.task?.error ?? error.message}`;
  if (error?.name === "AbortError") return "Cancelled. Nothing more is sent; a task already created goes on at the API.";
  if (error instanceof KlingError && error.code === "network_error") {
    const absolute = /^https?:\/\//i.test(baseUrl);
    const crossOrigin = absolute && new URL(baseUrl).origin !== location.origin;
    return crossOrigin
      ? `The browser could not reach ${new URL(baseUrl).origin}. The API may refuse calls from browsers (CORS). Run the proxy instead: KLING_API_KEY=aio_... npm start, then use the base URL /api/v1 with no key here.`
      : `The request failed before an answer came: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function showRaw(label, body) {
  if (body === undefined || body === null) return;
  raw.unshift(`// ${new Date().toLocaleTimeString()} ${label}\n${typeof body === "string" ? body : JSON.stringify(body, null, 2)}`);
  raw.length = Math.min(raw.length, 20);
  $("raw").textContent = raw.join("\n\n");
}

function setStatus(text) {
  $("run-status").textContent = text;
}

function addTimeline(text) {
  const item = document.createElement("li");
  item.textContent = text;
  $("timeline").append(item);
}

function setProgress(fraction) {
  $("progress-bar").style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

function showError(error, baseUrl) {
  const box = $("run-error");
  box.textContent = explain(error, baseUrl);
  box.hidden = false;
  if (error instanceof ApiError) showRaw(`HTTP ${error.status}`, error.body);
  if (error instanceof TaskFailedError) showRaw("failed task", error.task?.raw);
}

function showVideo(task) {
  if (!task.videoUrl) return;
  $("result").hidden = false;
  $("player").src = task.videoUrl;
  $("download").href = task.videoUrl;
}

function resetRun() {
  $("run").hidden = false;
  $("run-error").hidden = true;
  $("result").hidden = true;
  $("player").removeAttribute("src");
  $("timeline").replaceChildren();
  setProgress(0);
  $("run-meta").textContent = "";
}

// ---- history -----------------------------------------------------------------------------

function drawHistory(check) {
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const entry of [...history.values()].reverse()) {
    const row = document.createElement("tr");
    const cells = [entry.taskId, entry.prompt, entry.credits === null ? "—" : `${entry.credits}`, entry.status, entry.sentAt];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const actions = document.createElement("td");
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

/**
 * Wires the run panel. `getRequest()` gives the form's request and its cost, `getConnection()`
 * the client's options, `onBusy(busy)` is told when a task starts and ends.
 */
export function setUpRunner({ getRequest, getConnection, getWaitMs, onBusy }) {
  const client = () => new KlingClient(getConnection());

  async function check(taskId) {
    resetRun();
    const { baseUrl } = getConnection();
    setStatus(`Checking ${taskId}…`);
    try {
      const task = await client().getTask(taskId);
      showRaw(`GET ${tasksPath}${taskId}`, task.raw);
      remember(taskId, { status: task.status }, check);
      setStatus(`Task ${taskId} is ${task.status}${task.rawStatus ? ` (${task.rawStatus})` : ""}.`);
      addTimeline(`${task.rawStatus ?? task.status}`);
      if (task.status === "succeeded") {
        setProgress(1);
        showVideo(task);
      } else if (task.status === "failed") {
        showError(new TaskFailedError(`The task failed: ${task.error ?? "no reason given"}`, { taskId, task }), baseUrl);
      }
    } catch (error) {
      setStatus(`Could not read ${taskId}.`);
      showError(error, baseUrl);
    }
  }

  async function send() {
    const { request, cost } = getRequest();
    const connection = getConnection();
    resetRun();
    running = new AbortController();
    onBusy(true);
    const started = performance.now();
    let last = null;
    let taskId = null;
    setStatus("Creating the task…");
    addTimeline("0.0 s — sending");
    try {
      const c = client();
      const created = await c.createTask(request, { signal: running.signal });
      taskId = created.taskId;
      showRaw(`POST ${createPath}`, created.raw);
      remember(taskId, { prompt: (request.prompt ?? request.multi_prompt?.[0]?.prompt ?? "").slice(0, 80), credits: cost?.credits ?? null, status: created.status }, check);
      addTimeline(`${seconds(performance.now() - started)} — created ${taskId} (${created.rawStatus ?? created.status})`);
      setStatus(`Task ${taskId} is ${created.status}…`);
      const task = await c.waitForTask(taskId, {
        signal: running.signal,
        timeoutMs: getWaitMs(),
        onProgress: (p) => {
          const status = p.task.rawStatus ?? p.status;
          if (status !== last) addTimeline(`${seconds(performance.now() - started)} — ${status}`);
          last = status;
          const reported = p.task.raw?.data?.progress;
          setProgress(typeof reported === "number" ? reported / 100 : Math.min(0.95, p.elapsedMs / 120_000));
          $("run-meta").textContent = `${seconds(p.elapsedMs)} elapsed · ${p.polls} poll${p.polls === 1 ? "" : "s"}`;
          setStatus(`Task ${taskId} is ${p.status}…`);
          showRaw(`GET ${tasksPath}${taskId}`, p.task.raw);
          remember(taskId, { status: p.status }, check);
        },
      });
      setProgress(1);
      setStatus(`Done in ${seconds(performance.now() - started)}: the video is ready.`);
      showVideo(task);
    } catch (error) {
      setStatus(error?.name === "AbortError" ? "Cancelled." : "The task did not finish.");
      const status = error instanceof TaskFailedError ? "failed" : error instanceof TimeoutError ? "still running" : error?.name === "AbortError" ? "not watched" : "unknown";
      if (taskId) remember(taskId, { status }, check);
      showError(error, connection.baseUrl ?? "");
    } finally {
      running = null;
      onBusy(false);
    }
  }

  $("cancel").addEventListener("click", () => running?.abort());
  $("lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("lookup-id").value.trim();
    if (!id) return;
    remember(id, {}, check);
    check(id);
  });
  return { send };
}
