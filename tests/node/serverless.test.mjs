// A serverless function cannot wait 15 minutes: it creates the task and returns, and a later
// invocation (another process, nothing shared but the task id) picks the wait up. Each step is
// a fresh Node process running tests/support/invocation.mjs against the sandbox.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevServer } from "../../server/dev-server.mjs";

const run = promisify(execFile);
const script = join(dirname(fileURLToPath(import.meta.url)), "../support/invocation.mjs");
let server;
before(async () => {
  // A 3 s task takes (60 + 8 × 3) s × 0.06 = 5 s here.
  server = await startDevServer({ port: 0, sandbox: { timeScale: 0.06 } });
});
after(() => server?.close());

async function invoke(...args) {
  const env = { ...process.env, KLING_API_KEY: "aio_serverless1", KLING_BASE_URL: `${server.url}/api/v1` };
  const { stdout } = await run(process.execPath, [script, ...args], { env });
  return JSON.parse(stdout);
}

test("a task created in one invocation is waited for in later ones, from its id alone", async () => {
  const { taskId } = await invoke("create");
  assert.match(taskId, /^sbx[0-9a-f]+_kling3$/);
  // Too short a limit: the invocation gives up before its platform would kill it, and says so.
  assert.deepEqual(await invoke("wait", taskId, "300"), { status: "running", taskId });
  const done = await invoke("wait", taskId, "20000");
  assert.equal(done.status, "succeeded");
  assert.match(done.videoUrl, new RegExp(`/sandbox/video\\.mp4\\?task=${taskId}$`));
  const { counts } = server.sandbox;
  assert.equal(counts.posts, 1, "one create across every invocation");
  assert.ok(counts.gets >= 2, `the waits polled the task (${counts.gets} polls)`);
});
