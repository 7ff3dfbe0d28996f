// The "Checked task" panel: reads a task ("Check again" in the list, or "Look up" by id) and
// waits for one that is not done, up to the wait limit, without touching the task being sent.
import { KlingClient, TaskFailedError, TimeoutError, ValidationError, clientDefaults, isTaskId } from "/pkg/web.js";
import { $ } from "./dom.js";
import { seconds, statusPhrase } from "./format.js";
import { noteOn, onCheckAgain, remember } from "./history.js";
import { taskView } from "./task-view.js";
import { watch } from "./watch.js";

const { tasksPath } = clientDefaults();

/**
 * Wires the panel, the list's "Check again" and the "Look up" form. `getConnection()` gives the
 * client's options, `getWaitMs()` the wait limit. Returns `check(taskId)`.
 */
export function setUpCheck({ getConnection, getWaitMs }) {
  const view = taskView($("check"), $("check-status"));
  let checking = null; // the AbortController of the task being checked

  async function check(taskId) {
    checking?.abort();
    const control = new AbortController();
    checking = control;
    const { baseUrl } = getConnection();
    view.reset();
    $("check-stop").hidden = false;
    $("check").scrollIntoView({ block: "nearest" });
    const started = performance.now();
    view.status(`Reading ${taskId}…`);
    try {
      const client = new KlingClient(getConnection());
      const first = await client.getTask(taskId, { signal: control.signal });
      view.raw(`GET ${tasksPath}${taskId}`, first.raw);
      remember(taskId, { status: first.status });
      view.line(`${seconds(performance.now() - started)} — ${first.rawStatus ?? first.status}`);
      const going = first.status === "queued" || first.status === "running";
      view.status(`Task ${taskId} ${statusPhrase(first.status)}${going ? ": waiting for it…" : "."}`);
      let task = first;
      if (going) {
        task = await watch(view, client, taskId, {
          signal: control.signal, waitMs: getWaitMs(), started,
          onStatus: (status) => remember(taskId, { status }),
        });
        remember(taskId, { status: task.status });
      }
      if (task.status === "succeeded") {
        view.finish(task);
        view.status(`Task ${taskId} ${statusPhrase("succeeded")}${task.videoUrl ? ": the video is ready." : ", but there is no video to show."}`);
      } else if (task.status === "failed") {
        view.error(new TaskFailedError(`The task failed: ${task.error ?? "no reason given"}`, { taskId, task }), { baseUrl, phase: "check" });
      }
    } catch (error) {
      if (error instanceof TaskFailedError) {
        remember(taskId, { status: "failed" });
        view.status(`Task ${taskId} ${statusPhrase("failed")}.`);
      } else if (error instanceof TimeoutError && error.taskId) {
        remember(taskId, { status: "still running" });
        view.status(`Task ${taskId} is still running.`);
      } else if (error?.name === "AbortError") {
        noteOn(taskId, "not watched");
        view.status(`Stopped watching ${taskId}.`);
      } else {
        view.status(`Could not read ${taskId}.`);
      }
      view.error(error, { baseUrl, phase: "check" });
    } finally {
      if (checking === control) {
        checking = null;
        $("check-stop").hidden = true;
      }
    }
  }

  /** Checks the id typed in "Look up"; one that is not a task id gets the package's reason. */
  async function lookUp(event) {
    event.preventDefault();
    const id = $("lookup-id").value.trim();
    const msg = $("msg-lookup");
    msg.replaceChildren();
    $("lookup-id").removeAttribute("aria-invalid");
    if (id && isTaskId(id)) {
      check(id);
      return;
    }
    // What a task id is, is the package's rule: its refusal says it, sending nothing.
    const lines = [id ? "That is not a task id the API gives." : "Enter the id of a task."];
    if (id) {
      try {
        await new KlingClient(getConnection()).getTask(id);
      } catch (error) {
        if (error instanceof ValidationError) lines.push(...error.errors.map((e) => e.message));
      }
    }
    lines.forEach((text, i) => {
      const line = document.createElement("span");
      // The lead is marked as the error only when no reason follows it.
      line.className = i > 0 || lines.length === 1 ? "error" : "";
      line.textContent = text;
      msg.append(line);
    });
    $("lookup-id").setAttribute("aria-invalid", "true");
  }

  onCheckAgain(check);
  $("check-stop").addEventListener("click", () => checking?.abort());
  $("lookup").addEventListener("submit", lookUp);
  return check;
}
