// What the page says about an error. The package's message is shown as it is, with its hint
// when it gives one; every decision is read from the error's fields (`mayHaveCreated`,
// `retryable`, `code`, `status`, `retryAfterMs`, `taskId`). The page adds only its own short
// sentences about what to do on this page.
import { ApiError, clientDefaults, KlingError, TaskFailedError, TimeoutError, ValidationError } from "/pkg/web.js";
import { span } from "./format.js";

/** Waits longer than this (a Retry-After of years) are the server's mistake, not advice. */
const { longestMeantRetryAfterMs } = clientDefaults();

/**
 * A create that failed this way may still have reached the API, created and charged a task: the
 * package says so (`mayHaveCreated`), and a create cancelled once it was sent may have too (the
 * POST leaves as soon as `createTask` is called; Cancel comes later).
 */
export function mayHaveCreated(error) {
  return error?.mayHaveCreated === true || error?.name === "AbortError";
}

/** Errors that say nothing about the task (the package's `retryable`): a wait given onPollError goes on through them. */
export function passing(error) {
  return error?.retryable === true;
}

/** The status an API error stands for: the HTTP status, or the code of an error inside an HTTP 200. */
export function apiStatus(error) {
  return error.status === 200 && Number.isInteger(error.code) ? error.code : error.status;
}

/** The package's advice on the error, when it gives one. */
function hintOf(error) {
  return typeof error?.hint === "string" && error.hint.trim() !== "" ? error.hint : null;
}

/** The page's words on a create it cannot tell the fate of (cancelled once sent, or an id it cannot use). */
export const MAY_EXIST =
  "The task may have been created, and charged, all the same. Do not send it again yet: look for it " +
  "first (on the API's dashboard, or at your callback URL); if you have its id, look it up below.";

/** What to do on this page after a create that may have made a task (the package's hint says why). */
const LOOK_FIRST = "Do not send it again yet; if you have its id, look it up below.";

function retryAdvice(ms) {
  if (!ms) return "Try again in a moment.";
  if (ms > longestMeantRetryAfterMs) return `The API asks to wait ${span(ms)}, which cannot be meant; try again in a few minutes.`;
  return `Try again in ${span(ms)}.`;
}

/** What to change on this page after an API error, by status: the page's own advice, or nothing. */
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
      return null;
  }
}

/** Why a browser may not reach an API on another origin, and what to run instead. */
function corsAdvice(baseUrl) {
  if (!/^https?:\/\//i.test(baseUrl)) return null;
  const origin = new URL(baseUrl).origin;
  if (origin === location.origin) return null;
  return `The browser could not reach ${origin}. The API may refuse calls from browsers (CORS). Run the proxy instead: KLING_API_KEY=aio_... npm start, then use the base URL /api/v1 with no key here.`;
}

/**
 * What to show for an error: `label`, the HTTP status of an API error (or null), and `lines`:
 * the package's message as it is, its hint, and the page's own word on what to do here.
 * `phase` is "create" (sending the form), "watch" (waiting for a task) or "check" (reading one).
 */
export function describeError(error, { baseUrl = "", phase = "create" } = {}) {
  if (error?.name === "AbortError") {
    return {
      label: null,
      lines: [phase === "create" ? `Cancelled. Nothing more is sent, but the request had already left. ${MAY_EXIST}` : "Stopped waiting. The task goes on at the API: check it again below."],
    };
  }
  if (error instanceof ValidationError) {
    const lead = phase === "create" ? "Fix the form first:" : "The page will not ask the API about this:";
    return { label: null, lines: [lead, ...error.errors.map((e) => e.message)] };
  }
  const status = error instanceof ApiError ? apiStatus(error) : 0;
  const lines = [];
  // A failed task's reason is the server's, given as the task's `error`.
  if (error instanceof TaskFailedError && error.task?.error) lines.push(`The task failed: ${error.task.error}`);
  else lines.push(error instanceof Error ? error.message : String(error));
  const hint = hintOf(error);
  if (hint) lines.push(hint);
  if (error instanceof KlingError && error.code === "network_error") {
    const cors = corsAdvice(baseUrl);
    if (cors) lines.push(cors);
  }
  if (phase === "create" && mayHaveCreated(error)) lines.push(LOOK_FIRST);
  else if (error instanceof ApiError) lines.push(apiAdvice(error));
  else if (error instanceof TimeoutError && error.taskId) lines.push('Use "Check again" in the list below.');
  return { label: status > 0 ? `HTTP ${status}` : null, lines: lines.filter(Boolean) };
}
