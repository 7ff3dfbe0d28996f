// Creates a second through `kling3-wasm/proxy` beside `@fal-ai/server-proxy`, in one run, both
// forwarding to the same local sink (bench/proxy-sink.mjs, a node:http server in its own
// thread that answers each create as the API does). Each proxy is a fetch handler served by
// node:http through the package's Node adapter (toNodeHandler), in this process, with the load sent from here
// over keep-alive connections at a fixed concurrency. The rounds alternate between the two
// (ABBA), after a warm-up of each, so the machine's noise falls on both.
//
// Both do what a deployment of each does. Ours: a bearer token to a principal (`authorize`),
// the body read within its limits, validated and priced, the per-user creates-per-minute and
// credit windows and the global budget counted (limits far above what the run spends, so none
// refuses), the request built with the server's key, and the task's owner recorded in
// memoryStore. fal's: the same bearer token checked (`isAuthenticated`), its target-URL header
// checked against `allowedUrlPatterns` and `allowedEndpoints`, its `x-fal-*` headers copied
// and the body forwarded as it came, with the server's key (`resolveFalAuth`).
//
// `npm run bench` calls `measureProxyThroughputMedian()` (the median of five whole runs);
// `node bench/proxy-throughput.mjs` measures this part alone and prints it, and with `--save`
// writes it into bench/results.json and renders docs/performance.md again.
import { readFileSync, writeFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest } from "node:http";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import falProxy from "@fal-ai/server-proxy";
import { validateRequest } from "kling3-wasm";
import { createProxyHandler, memoryStore } from "kling3-wasm/proxy";
import { serveFetchHandler } from "../server/node-adapter.mjs";
import { inputs } from "./race.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Counted creates through each proxy, requests in flight, rounds each, uncounted creates each. */
export const PROXY_BENCH = { requests: 2000, concurrency: 32, rounds: 10, warmup: 400, users: 64 };

const OUR_KEY = "aio_bench_server_key";
const FAL_KEY = "bench-key-id:bench-key-secret";
const OURS = "kling3-wasm/proxy";
const FAL = "@fal-ai/server-proxy";
const FAL_VERSION = JSON.parse(readFileSync(join(root, "node_modules/@fal-ai/server-proxy/package.json"), "utf8")).version;

/** Far above what a run spends: each limit is counted on every create and never refuses. */
const NEVER_REFUSES = 1_000_000_000;

/**
 * fal's proxy as a fetch handler (Request → Response): its Next.js App Router adapter
 * (`createRouteHandler` in @fal-ai/server-proxy/nextjs) line for line, with the standard
 * `Response.json` where that one has `NextResponse.json`, so that it needs no Next.js and is
 * served by node:http exactly as ours is. The config is resolved once, as its adapters do.
 */
function falFetchHandler(config) {
  const resolved = falProxy.resolveProxyConfig(config);
  return (request) => {
    const responseHeaders = new Headers();
    return falProxy.handleRequest(
      {
        id: "fetch",
        method: request.method,
        getRequestBody: async () => request.text(),
        getHeaders: () => falProxy.fromHeaders(request.headers),
        getHeader: (name) => request.headers.get(name),
        sendHeader: (name, value) => responseHeaders.set(name, value),
        respondWith: (status, data) => Response.json(data, { status, headers: responseHeaders }),
        sendResponse: falProxy.responsePassthrough,
      },
      resolved,
    );
  };
}

/** A node:http server for a fetch handler, as server/dev-server.mjs serves ours. */
async function serve(handler) {
  const server = createServer((req, res) => serveFetchHandler(handler, req, res));
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: server.address().port };
}

function startSink() {
  const worker = new Worker(new URL("./proxy-sink.mjs", import.meta.url));
  const next = () => once(worker, "message").then(([message]) => message);
  return next().then(({ port }) => ({
    url: `http://127.0.0.1:${port}`,
    seen: () => (worker.postMessage("seen"), next().then((m) => m.seen)),
    close: () => worker.terminate(),
  }));
}

/** One POST over `agent`; resolves to { status, text }. */
function post(port, agent, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", agent, headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The q-quantile of sorted numbers (nearest rank). */
const quantile = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

/**
 * Measures both proxies. Returns `{ date, node, requests, concurrency, rounds, warmup, users, contenders:
 * { name: { createsPerSecond, p50Ms, p99Ms, version? } } }`; throws when a create was not
 * answered with a task, or when what reached the sink does not match what was sent.
 */
export async function measureProxyThroughput({ requests, concurrency, rounds, warmup, users } = PROXY_BENCH) {
  const bodies = inputs.filter((input) => validateRequest(input).valid).map((input) => JSON.stringify(input));
  const tokens = Array.from({ length: users }, (_, i) => `token-${i}-${(i * 2654435761) % 1e9}`);
  const principals = new Map(tokens.map((token, i) => [token, { id: `user-${i}`, maxCreditsPerWindow: NEVER_REFUSES, maxCreatesPerMinute: NEVER_REFUSES }]));
  const bearer = (value) => (typeof value === "string" && value.startsWith("Bearer ") ? value.slice(7) : null);

  const sink = await startSink();
  const store = memoryStore();
  const ours = await serve(createProxyHandler({
    apiKey: OUR_KEY,
    upstream: `${sink.url}/api/v1`,
    maxCreditsPerWindow: NEVER_REFUSES,
    authorize: async (request) => principals.get(bearer(request.headers.get("Authorization"))) ?? null,
    store,
  }));
  // fal's proxy forwards to the URL its client names in the `x-fal-target-url` header, if that
  // URL (host and port, path, query) matches one of `allowedUrlPatterns` (fal's own hosts by
  // default) and, for a POST off *.fal.ai, one of `allowedEndpoints`. Both are options of its
  // ProxyConfig (src/config.d.ts): allowing the sink there is how it forwards to the sink, with
  // its own global fetch and no stand-in. `resolveFalAuth` is set: its default forwards the caller's own
  // Authorization header as the fal key when there is one (the bench checks that no user's token
  // reaches the sink).
  const target = `${sink.url}/api/v1/videos/generations`;
  const fal = await serve(falFetchHandler({
    allowedUrlPatterns: [`${new URL(sink.url).host}/**`],
    allowedEndpoints: ["api/v1/videos/generations"],
    allowUnauthorizedRequests: false,
    isAuthenticated: async (behavior) => principals.has(bearer(behavior.getHeader("authorization"))),
    resolveFalAuth: async () => `Key ${FAL_KEY}`,
  }));

  const contenders = {
    [OURS]: { port: ours.port, path: "/api/v1/videos/generations", headers: (token) => ({ Authorization: `Bearer ${token}` }) },
    [FAL]: { port: fal.port, path: "/api/fal/proxy", headers: (token) => ({ Authorization: `Bearer ${token}`, "x-fal-target-url": target }) },
  };
  for (const c of Object.values(contenders)) {
    c.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    c.latencies = [];
    c.ms = 0;
    c.sent = 0;
  }

  // `count` creates through `c`, `concurrency` at a time; each must be answered with a task.
  const round = async (c, count, timed) => {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = c.sent++;
        next++;
        const started = performance.now();
        const { status, text } = await post(c.port, c.agent, c.path, c.headers(tokens[i % users]), bodies[i % bodies.length]);
        if (timed) c.latencies.push(performance.now() - started);
        let taskId;
        try {
          taskId = JSON.parse(text).data?.task_id;
        } catch {}
        if (status !== 200 || typeof taskId !== "string") throw new Error(`bench: a create through ${c.path} was answered ${status}: ${text.slice(0, 300)}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, lane));
    if (timed) c.ms += performance.now() - started;
  };

  try {
    for (const c of Object.values(contenders)) await round(c, warmup, false);
    const [a, b] = Object.values(contenders);
    const each = requests / rounds;
    for (let r = 0; r < rounds; r++) {
      for (const c of r % 2 === 0 ? [a, b] : [b, a]) await round(c, each, true);
    }
    // Every create reached the sink once, with the server's key and never the user's token.
    const seen = await sink.seen();
    const expected = { [`Bearer ${OUR_KEY}`]: contenders[OURS].sent, [`Key ${FAL_KEY}`]: contenders[FAL].sent };
    if (JSON.stringify(seen, Object.keys(seen).sort()) !== JSON.stringify(expected, Object.keys(expected).sort())) {
      throw new Error(`bench: the sink saw ${JSON.stringify(seen)}, not ${JSON.stringify(expected)}`);
    }
    // ... and ours recorded the owner of each task it created.
    if (store.size().owners !== contenders[OURS].sent) throw new Error(`bench: ${store.size().owners} owners recorded for ${contenders[OURS].sent} tasks`);
  } finally {
    for (const c of Object.values(contenders)) c.agent.destroy();
    for (const s of [ours.server, fal.server]) {
      s.closeAllConnections();
      s.close();
    }
    await sink.close();
  }

  const figures = (c) => {
    const sorted = [...c.latencies].sort((x, y) => x - y);
    const ms = (q) => Math.round(quantile(sorted, q) * 100) / 100;
    return { createsPerSecond: Math.round(c.latencies.length / (c.ms / 1000)), p50Ms: ms(0.5), p99Ms: ms(0.99) };
  };
  return {
    date: new Date().toISOString(),
    node: process.version,
    requests,
    concurrency,
    rounds,
    warmup,
    users,
    contenders: { [OURS]: figures(contenders[OURS]), [FAL]: { ...figures(contenders[FAL]), version: FAL_VERSION } },
  };
}

/** How many whole runs `measureProxyThroughputMedian` makes: one run moves by 10% or more here. */
export const PROXY_BENCH_RUNS = 5;

/**
 * `measureProxyThroughput` run `runs` times: the run whose ratio (ours' creates a second over
 * fal's) is the median, with `runs` and every run's `ratios`, smallest first.
 */
export async function measureProxyThroughputMedian(runs = PROXY_BENCH_RUNS) {
  const measured = [];
  for (let i = 0; i < runs; i++) {
    const m = await measureProxyThroughput();
    measured.push({ m, ratio: m.contenders[OURS].createsPerSecond / m.contenders[FAL].createsPerSecond });
  }
  measured.sort((a, b) => a.ratio - b.ratio);
  const ratios = measured.map(({ ratio }) => Math.round(ratio * 100) / 100);
  return { ...measured[Math.floor(runs / 2)].m, runs, ratios };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const measured = await measureProxyThroughputMedian();
  console.log(JSON.stringify(measured, null, 2));
  if (process.argv.includes("--save")) {
    const file = join(root, "bench/results.json");
    const results = JSON.parse(readFileSync(file, "utf8"));
    results.proxyThroughput = measured;
    writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    const { writeReport } = await import("./report.mjs");
    writeReport(results);
    console.log("wrote bench/results.json's proxyThroughput, docs/performance.md and bench/chart.svg");
  }
}
