// No cache can freeze a wait: in Chromium, against a server whose every answer says it may be
// kept for an hour, each poll still reaches the server, so a task that ends later is seen ending.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./helpers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The poll whose answer is the first to say the task succeeded. */
const DONE_AT = 4;
const CACHEABLE = { "Cache-Control": "public, max-age=3600", ETag: '"same"', "Last-Modified": new Date(0).toUTCString() };
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

let server;
let browser;
let page;
let url;
const seen = { posts: 0, gets: 0, revalidations: 0 };

before(async () => {
  // The page, the package's web build, and the API, all from one origin: every answer cacheable.
  server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const json = (body) => {
      res.writeHead(200, { "Content-Type": "application/json", ...CACHEABLE });
      res.end(JSON.stringify(body));
    };
    if (req.method === "POST" && path === "/api/v1/videos/generations") {
      seen.posts++;
      for await (const _ of req);
      return json({ code: 200, message: "success", data: { task_id: "t_cached", status: "PENDING" } });
    }
    if (req.method === "GET" && path === "/api/v1/tasks/t_cached") {
      seen.gets++;
      if (req.headers["if-none-match"] || req.headers["if-modified-since"]) seen.revalidations++;
      const done = seen.gets >= DONE_AT;
      const data = { task_id: "t_cached", status: done ? "COMPLETED" : "IN_PROGRESS", ...(done ? { output: { video_url: "https://v.example/a.mp4" } } : {}) };
      return json({ code: 200, message: "success", data });
    }
    if (req.method === "GET" && path === "/") {
      res.writeHead(200, { "Content-Type": "text/html" });
      return res.end('<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>no-store</title>');
    }
    const file = normalize(join(root, path));
    if (req.method === "GET" && path.startsWith("/pkg/") && file.startsWith(join(root, "pkg"))) {
      try {
        const body = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
        return res.end(body);
      } catch {}
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${url}/`);
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
});

test("in Chromium, answers a cache may keep for an hour: every poll reaches the server and the wait sees the task succeed", async () => {
  const out = await page.evaluate(async () => {
    const k = await import("/pkg/web.js");
    const client = new k.KlingClient({ baseUrl: "/api/v1", maxRetries: 0 });
    const polls = [];
    const onProgress = (p) => polls.push(p.status);
    const created = await client.generate({ prompt: "a cat", duration: 3 }, { pollIntervalMs: 100, timeoutMs: 5000, onProgress }).then(
      (task) => ({ status: task.status, videoUrl: task.videoUrl }),
      (e) => ({ error: `${e.name}: ${e.message}` }),
    );
    // And a wait of its own on the same task, whose first poll may not be answered from a cache.
    const again = await client.waitForTask("t_cached", { pollIntervalMs: 100, timeoutMs: 5000 }).then(
      (task) => task.status,
      (e) => `${e.name}: ${e.message}`,
    );
    return { created, polls, again };
  });
  assert.deepEqual(out.created, { status: "succeeded", videoUrl: "https://v.example/a.mp4" });
  assert.deepEqual(out.polls, ["running", "running", "running", "succeeded"]);
  assert.equal(out.again, "succeeded");
  assert.equal(seen.posts, 1, "one create");
  assert.equal(seen.gets, DONE_AT + 1, "every poll reached the server");
  assert.equal(seen.revalidations, 0, "none was a revalidation of a kept answer");
});
