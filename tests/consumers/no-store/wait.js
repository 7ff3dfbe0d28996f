// What each runtime does in the no-store test (../no-store-runtimes.test.mjs): create a task and
// wait for it with the package's KlingClient, then wait for the same task once more, reporting
// the status of every poll. Against a server whose answers may all be kept for an hour, a poll a
// cache answered would show the task running for ever, and the wait would time out.
export async function waitForATask(KlingClient, baseUrl) {
  const client = new KlingClient({ baseUrl, maxRetries: 0 });
  const polls = [];
  const waiting = { pollIntervalMs: 100, timeoutMs: 5000 };
  try {
    const task = await client.generate({ prompt: "A cat no cache can freeze", duration: 3 }, { ...waiting, onProgress: (p) => polls.push(p.status) });
    const again = await client.waitForTask(task.taskId, waiting);
    return { takesCacheField: takesCacheField(), status: task.status, videoUrl: task.videoUrl, polls, again: again.status };
  } catch (e) {
    return { takesCacheField: takesCacheField(), error: `${e?.name}: ${e?.message}`, polls };
  }
}

/** Whether this runtime's Request takes a `cache` field (workerd before 2024-11-11 throws). */
function takesCacheField() {
  try {
    new Request("http://127.0.0.1/", { cache: "no-store" });
    return true;
  } catch {
    return false;
  }
}
