// One serverless invocation, as a route handler with a time limit would run it: `create` makes
// the task and returns its id at once; `wait <taskId> <ms>` picks the wait up from the id alone
// and gives up before the platform's limit, saying the task is still running.
import { KlingClient, TimeoutError } from "kling3-wasm";

const client = new KlingClient({ apiKey: process.env.KLING_API_KEY, baseUrl: process.env.KLING_BASE_URL });
const [step, taskId, limitMs] = process.argv.slice(2);
let answer;
if (step === "create") {
  const { taskId } = await client.createTask({ prompt: "A cat, made across invocations", duration: 3 });
  answer = { taskId };
} else {
  try {
    const task = await client.waitForTask(taskId, { timeoutMs: Number(limitMs), pollIntervalMs: 100 });
    answer = { status: task.status, videoUrl: task.videoUrl };
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    answer = { status: "running", taskId: e.taskId };
  }
}
console.log(JSON.stringify(answer));
