// Waiting for a task, in either task panel, with its progress drawn as the polls come.
import { ApiError, TimeoutError, clientDefaults } from "/pkg/web.js";
import { passing } from "./errors.js";
import { seconds, span, statusPhrase } from "./format.js";

const { tasksPath } = clientDefaults();

/** The page's wait limit ran out: the task is not lost, "Check again" picks it up. */
const waitLimitPassed = (waitMs, taskId) =>
  new TimeoutError(`Stopped waiting after ${span(waitMs)} (the wait limit): the task goes on, and it may still finish`, { taskId });

/**
 * Waits for a task up to `waitMs`, through lost, unreadable or refused-for-now answers: the
 * package retries each poll a few times and, past those, goes on polling on its own schedule
 * (each such miss is drawn here) until the task ends, the wait runs out or the signal aborts.
 */
export async function watch(view, client, taskId, { signal, waitMs, started, onStatus }) {
  const deadline = performance.now() + waitMs;
  let last = null;
  let polls = 0;
  let misses = 0;
  view.tick(started, () => `${polls ? ` · ${polls} poll${polls === 1 ? "" : "s"}` : ""}${misses ? ` · ${misses} answer${misses === 1 ? "" : "s"} lost, still watching` : ""}`);
  try {
    return await client.waitForTask(taskId, {
      signal,
      timeoutMs: waitMs,
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
      onPollError: (error) => {
        misses++;
        const what = error instanceof ApiError ? `HTTP ${error.status}` : error.code === "network_error" ? "no answer" : error.code === "timeout" ? "no answer in time" : "an unreadable answer";
        view.line(`${seconds(performance.now() - started)} — ${what}; the task was not lost: still watching`);
        if (error instanceof ApiError) view.raw(`HTTP ${error.status}`, error.body);
      },
    });
  } catch (error) {
    // The wait limit passed: the task was last seen running, or the API was still out of reach.
    const limit = performance.now() >= deadline - 50;
    if (!signal.aborted && limit && (error instanceof TimeoutError || passing(error))) throw waitLimitPassed(waitMs, taskId);
    throw error;
  } finally {
    view.stopTick();
  }
}
