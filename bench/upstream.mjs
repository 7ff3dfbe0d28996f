// Requests that reach the API per task through the proxy, with callbacks off and on, while the
// page polls on each schedule: the real handler (`kling3-wasm/proxy`) in this process, an
// upstream that answers as the API does and calls back when a task ends, and the clock moved
// from event to event (the page's polls, the callback), so minutes of tasks take no time.
import { fileURLToPath } from "node:url";
import FakeTimers from "@sinonjs/fake-timers";
import * as k from "kling3-wasm";
import { createProxyHandler } from "kling3-wasm/proxy";
import { seeded } from "../tests/support/random.mjs";

const BASE = "http://proxy.bench/api/v1";

/** The page's polling schedules: the client's own, and the fixed 0.5 s and 6 s (± 1.5 s, from `random`). */
export function schedules(random) {
  return {
    "kling3-wasm adaptive": (t) => k.nextPollDelay(t),
    "fixed 500 ms": () => 500,
    "fixed 6 s ± 1.5 s": () => 6000 + (random() * 2 - 1) * 1500,
  };
}

/** `jobs` tasks of 60–180 s, each polled by the page until done; upstream requests per task. */
export async function measureUpstreamRequests({ jobs: count = 200 } = {}) {
  const clock = FakeTimers.install({ now: 0, toFake: ["Date"] });
  try {
    const random = seeded(7);
    const jobs = Array.from({ length: count }, () => 60_000 + random() * 120_000);
    const results = {};
    for (const [name, next] of Object.entries(schedules(random))) {
      results[name] = {};
      for (const callbacks of [false, true]) {
        let upstream = 0;
        const tasks = new Map();
        const view = (id) => {
          const done = Date.now() >= tasks.get(id).end;
          const data = { task_id: id, status: done ? "COMPLETED" : "IN_PROGRESS", ...(done ? { output: { video_url: `https://cdn.bench/${id}.mp4` } } : {}) };
          return JSON.stringify({ code: 200, message: "success", data });
        };
        const answer = (text) => new Response(text, { status: 200, headers: { "Content-Type": "application/json" } });
        let job = 0;
        const handle = createProxyHandler({
          apiKey: "aio_bench_key",
          upstream: "https://api.bench/api/v1",
          ...(callbacks ? { callbacks: { publicUrl: BASE, secret: "bench secret, at least thirty-two characters" } } : {}),
          fetch: async (url, init) => {
            upstream++;
            if (init.method === "POST") {
              const id = `t${tasks.size}`;
              tasks.set(id, { end: Date.now() + job, callbackUrl: JSON.parse(init.body).callback_url });
              return answer(JSON.stringify({ code: 200, message: "success", data: { task_id: id, status: "IN_PROGRESS" } }));
            }
            return answer(view(url.slice(url.lastIndexOf("/") + 1)));
          },
        });
        for (job of jobs) {
          const start = Date.now();
          const created = await handle(new Request(`${BASE}/videos/generations`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ prompt: "a cat" }) }));
          const id = (await created.json()).data.task_id;
          const { end, callbackUrl } = tasks.get(id);
          let called = !callbacks;
          for (let t = next(0); ; t += next(t)) {
            // The callback comes when the task ends, before any poll after it.
            if (!called && start + t >= end) {
              clock.setSystemTime(end);
              await handle(new Request(callbackUrl, { method: "POST", body: view(id) }));
              called = true;
            }
            clock.setSystemTime(start + t);
            const polled = await (await handle(new Request(`${BASE}/tasks/${id}`))).json();
            if (polled.data.status === "COMPLETED") break;
          }
        }
        results[name][callbacks ? "callbacksOn" : "callbacksOff"] = upstream / jobs.length;
      }
    }
    return { jobs: count, perTask: results };
  } finally {
    clock.uninstall();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(JSON.stringify(await measureUpstreamRequests(), null, 2));
