// The client in headless Chromium, through the web build, against a sandbox on another origin
// (so every request goes through CORS): a whole task with progress, an API error's fields, and
// abort between polls.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, openBrowser } from "./helpers.mjs";
import { startDevServer } from "../../server/dev-server.mjs";

let env;
let sandbox;
let page;
before(async () => {
  env = await openBrowser();
  sandbox = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  page = await newPage(env);
  await page.goto(`${env.url}/tests/browser/blank.html`);
});
after(async () => {
  await env?.close();
  await sandbox?.close();
});

/** Runs `body(k, base)` in the page, with `k` the package (web build) and `base` the sandbox's API. */
function inPage(body) {
  return page.evaluate(
    async ([source, base]) => {
      const k = await import("/pkg/web.js");
      return new Function("k", "base", `return (${source})(k, base);`)(k, base);
    },
    [body.toString(), `${sandbox.url}/api/v1`],
  );
}

test("in Chromium, across origins: generate creates the task, reports progress and resolves with the video", async () => {
  const out = await inPage(async (k, base) => {
    const seen = [];
    const client = new k.KlingClient({ apiKey: "aio_browsertest1", baseUrl: base });
    const task = await client.generate({ prompt: "a cat", duration: 3 }, { pollIntervalMs: 30, onProgress: (p) => seen.push(p.status) });
    return { status: task.status, videoUrl: task.videoUrl, seen };
  });
  assert.equal(out.status, "succeeded");
  assert.match(out.videoUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(out.seen.at(-1), "succeeded");
  assert.equal(sandbox.sandbox.counts.posts, 1);
  assert.deepEqual(page.problems, []);
});

test("in Chromium, across origins: an unknown key is an ApiError with the status and type", async () => {
  const out = await inPage(async (k, base) => {
    const error = await new k.KlingClient({ apiKey: "aio_x", baseUrl: base }).createTask({ prompt: "a cat" }).catch((e) => e);
    return { isApiError: error instanceof k.ApiError, status: error.status, type: error.type };
  });
  assert.deepEqual(out, { isApiError: true, status: 401, type: "authentication_error" });
});

test("in Chromium: abort between polls rejects at once with an AbortError", async () => {
  const out = await inPage(async (k, base) => {
    const client = new k.KlingClient({ apiKey: "aio_browsertest2", baseUrl: base });
    const { taskId } = await client.createTask({ prompt: "a cat", duration: 15 });
    const controller = new AbortController();
    const waiting = client.waitForTask(taskId, { signal: controller.signal, pollIntervalMs: 60_000 });
    await new Promise((r) => setTimeout(r, 50));
    const aborted = performance.now();
    controller.abort();
    const error = await waiting.catch((e) => e);
    return { name: error.name, ms: performance.now() - aborted };
  });
  assert.equal(out.name, "AbortError");
  assert.ok(out.ms < 100, `took ${out.ms} ms`);
});
