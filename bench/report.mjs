// The bench's report, made from bench/results.json alone: the table `npm run bench` prints,
// docs/performance.md and bench/chart.svg. `npm run bench` measures and then calls it;
// `node bench/report.mjs` renders the stored results again without measuring anything.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
/** A whole number of KB as such: the ceiling is "100 KB". */
const kbTarget = (n) => (n % 1024 ? kb(n) : `${n / 1024} KB`);
const ms = (n, digits = 1) => `${n.toFixed(digits)} ms`;
const ops = (n) => `${n.toLocaleString("en")} ops/s`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const FUNCTIONS = ["validateRequest", "estimateCost", "buildRequest"];

/** The page bundle the ceiling holds: the largest a supported bundler makes, or esbuild's. */
function largestPageBundle(r) {
  const built = [
    ...Object.entries(r.pageBundles ?? {}).map(([name, b]) => [name, b.skipped ? null : b.totalGzip]),
    // In a Next.js page, the package's share: its chunks and the wasm (React's are not ours).
    ...Object.entries(r.nextPages ?? {}).map(([name, b]) => [`Next.js, ${name}`, b.skipped ? null : b.packageGzip]),
  ].filter(([, size]) => size !== null);
  if (!built.length) return ["esbuild", r.pages["kling3-wasm"].totalGzip];
  return built.reduce((a, b) => (b[1] > a[1] ? b : a));
}

/** The most API requests per task through the proxy with callbacks on, over the page's schedules. */
const upstreamOn = (r) => Math.max(...Object.values(r.upstream.perTask).map((p) => p.callbacksOn));

/** Polls per task times the mean delay before a finished video is noticed, in poll·seconds. */
const pollCost = ({ pollsPerTask, meanNoticeDelayMs }) => (pollsPerTask * meanNoticeDelayMs) / 1000;

/**
 * The goals and whether this build meets them. The ratios to zod are reported beside them, not
 * held as goals: the safe floors show `estimateCost` and `buildRequest` cannot reach zod on
 * this stack while reading untrusted input safely, and size wins over microseconds.
 */
export function goals(r, sizeBudget) {
  const [pageBy, page] = largestPageBundle(r);
  const adaptive = pollCost(r.polling["kling3-wasm adaptive"]);
  const fixed = Math.min(pollCost(r.polling["fixed 500 ms"]), pollCost(r.polling["fixed 6 s ± 1.5 s"]));
  return [
    { what: "page bundle (gzip -9), every bundler", figure: kb(page), target: `≤ ${kbTarget(sizeBudget.webTotalGzip)}`, met: page <= sizeBudget.webTotalGzip, beside: `largest: ${pageBy}; bench/size-budget.json` },
    { what: "Node: `import \"kling3-wasm\"` adds", figure: ms(r.instantiate.nodeAddsMs), target: "≤ 5 ms", met: r.instantiate.nodeAddsMs <= 5, beside: `${ms(r.instantiate.nodeFirstCallAddsMs)} with the first call` },
    { what: "Chromium: compile + init, wasm from the HTTP cache", figure: ms(r.instantiate.chromiumCachedMs), target: "≤ 5 ms", met: r.instantiate.chromiumCachedMs <= 5, beside: null },
    { what: "tester: time to interactive", figure: ms(r.page.timeToInteractiveMs, 0), target: "≤ 300 ms", met: r.page.timeToInteractiveMs <= 300, beside: null },
    { what: "polling: polls × notice delay", figure: `${adaptive.toFixed(0)} poll·s`, target: `below the fixed schedules' ${fixed.toFixed(0)}`, met: adaptive < fixed, beside: null },
    { what: "proxy with callbacks: API requests per task", figure: upstreamOn(r).toFixed(1), target: "≤ 4: the create, one read, one a minute", met: upstreamOn(r) <= 4, beside: `${r.upstream.perTask["kling3-wasm adaptive"].callbacksOff.toFixed(1)} without callbacks` },
    ...proxyGoal(r.proxyThroughput),
  ];
}

const OUR_PROXY = "kling3-wasm/proxy";
const FAL_PROXY = "@fal-ai/server-proxy";

/** The proxy's goal, ours ≥ fal's creates a second, when these results measured it. */
function proxyGoal(p) {
  if (!p) return [];
  const [ours, fal] = [p.contenders[OUR_PROXY], p.contenders[FAL_PROXY]];
  const rate = (n) => `${n.toLocaleString("en")} creates/s`;
  return [{ what: "proxy: creates a second, beside @fal-ai/server-proxy", figure: rate(ours.createsPerSecond), target: `≥ fal's ${rate(fal.createsPerSecond)}`, met: ours.createsPerSecond >= fal.createsPerSecond, beside: `${ratio(ours.createsPerSecond, fal.createsPerSecond)} fal's` }];
}

/** Every figure as `{ group, what, value, note }`: the table `npm run bench` prints. */
export function rows(r, sizeBudget) {
  const out = [];
  const row = (group, what, value, note = "") => out.push({ group, what, value, note });
  for (const target of ["web", "bundler"]) {
    const s = r.size[target];
    row("size", `${target}: wasm`, `${kb(s.wasm)} raw, ${kb(s.wasmGzip)} gzip`);
    row("size", `${target}: JS glue`, `${kb(s.glue)} raw, ${kb(s.glueGzip)} gzip`);
  }
  for (const [name, p] of Object.entries(r.pages)) {
    row("page bundle", name, `${kb(p.totalGzip)} gzip`, p.wasmGzip ? `JS ${kb(p.jsGzip)} + wasm ${kb(p.wasmGzip)}` : `JS ${kb(p.js)} raw`);
  }
  for (const [name, b] of Object.entries(r.pageBundles ?? {})) {
    if (b.skipped) row("page bundle by bundler", name, "(skipped)", b.skipped);
    else row("page bundle by bundler", name, `${kb(b.totalGzip)} gzip`, `JS ${kb(b.jsGzip)} + wasm ${kb(b.wasmGzip)}; ${b.resolved ?? "?"}`);
  }
  for (const [name, p] of Object.entries(r.otherWays ?? {})) {
    row("page bundle, no setting", name, `${kb(p.totalGzip)} gzip`, p.wasmGzip ? `JS ${kb(p.jsGzip)} + wasm ${kb(p.wasmGzip)}` : "the wasm inside the JS, as base64");
  }
  for (const [name, b] of Object.entries(r.nextPages ?? {})) {
    if (b.skipped) row("page bundle by bundler", `Next.js 16, ${name}`, "(skipped)", b.skipped);
    else row("page bundle by bundler", `Next.js 16, ${name}`, `${kb(b.packageGzip)} gzip`, `the package's chunks + wasm; the whole page with React and Next.js: ${kb(b.pageGzip)}`);
  }
  byCrate(r.size.byCrate, 14, (what, value, note) => row("wasm by crate", what, value, note));
  byCrate(r.size.byModule, 20, (what, value, note) => row("kling3_wasm by module", what, value, note));
  const i = r.instantiate;
  row("instantiate", "Node: import adds", ms(i.nodeAddsMs), `${ms(i.nodeMs)} less ${ms(i.nodeMs - i.nodeAddsMs)} for an empty module; medians of 9 fresh processes`);
  row("instantiate", "Node: import + first call (compile + init) add", ms(i.nodeFirstCallAddsMs), "the same way, with one validateRequest after the import");
  row("instantiate", "Chromium: first visit (fetch + compile + init)", ms(i.chromiumMs), "import of pkg/web.js, localhost; median of 7 fresh contexts");
  row("instantiate", "Chromium: wasm from the HTTP cache (compile + init)", ms(i.chromiumCachedMs), "instantiateStreaming of a fetched Response; median of 7 reloads");
  row("tester page", "time to interactive (localhost)", ms(r.page.timeToInteractiveMs, 0), "navigation start to the page's ready mark (form checked and priced); median of 9 fresh contexts");
  for (const [where, throughput] of [["Node", r.throughput], ["Chromium", r.throughputChromium]]) {
    for (const [fn, impls] of Object.entries(throughput)) {
      for (const [name, n] of Object.entries(impls)) row(`throughput (${where})`, `${fn}: ${name}`, ops(n), name === "zod" ? "" : `${ratio(n, impls.zod)} zod`);
    }
  }
  const f = r.floor;
  row("floor (card's crates, no rules)", "page bundle", `${kb(f.size.totalGzip)} gzip`, `JS ${kb(f.size.jsGzip)} + wasm ${kb(f.size.wasmGzip)}: create a task and wait for it, nothing more`);
  for (const [fn, n] of Object.entries(f.throughput)) row("floor (card's crates, no rules)", `${fn}: data in and out only`, ops(n), `${ratio(n, r.throughput[fn].zod)} zod`);
  byCrate(f.size.byCrate, 14, (what, value, note) => row("floor by crate", what, value, note));
  for (const [where, safe, raced] of [["Node", r.safeFloor, r.throughput], ["Chromium", r.safeFloorChromium, r.throughputChromium]]) {
    for (const [fn, n] of Object.entries(safe)) row("safe floor (our reader, no rules)", `${fn} (${where})`, ops(n), `${ratio(n, raced[fn].zod)} zod`);
  }
  for (const [name, p] of Object.entries(r.polling)) {
    row("polling (60–180 s jobs)", name, `${p.pollsPerTask.toFixed(1)} polls/task`, `finished video noticed ${(p.meanNoticeDelayMs / 1000).toFixed(2)} s late on average`);
  }
  for (const [name, p] of Object.entries(r.upstream.perTask)) {
    row("API requests per task through the proxy", name, `${p.callbacksOff.toFixed(1)} without callbacks`, `${p.callbacksOn.toFixed(1)} with callbacks`);
  }
  for (const [name, c] of Object.entries(r.proxyThroughput?.contenders ?? {})) {
    const p = r.proxyThroughput;
    row("proxy throughput", name, `${c.createsPerSecond.toLocaleString("en")} creates/s`, `p50 ${ms(c.p50Ms)}, p99 ${ms(c.p99Ms)}; ${p.requests} creates, ${p.concurrency} at a time`);
  }
  for (const g of goals(r, sizeBudget)) row("goal", g.what, g.figure, `goal ${g.target}: ${g.met ? "met" : "not met"}${g.beside ? ` (${g.beside})` : ""}`);
  return out;
}

/** The `most` largest entries of a size breakdown, largest first. */
const largest = (sizes, most) => Object.entries(sizes).sort((a, b) => b[1] - a[1]).slice(0, most);

/** The largest entries of a size breakdown, each with its share of the whole. */
function byCrate(sizes, most, add) {
  if (!sizes) return add("(skipped)", "twiggy is missing", "cargo install twiggy");
  const all = Object.values(sizes).reduce((a, b) => a + b, 0);
  for (const [name, size] of largest(sizes, most)) add(name, kb(size), `${((100 * size) / all).toFixed(1)}% of ${kb(all)} (names stripped)`);
}

/** The rows as aligned text, for the terminal. */
export function table(list) {
  const cols = ["group", "what", "value", "note"];
  const width = (c) => Math.max(c.length, ...list.map((r) => r[c].length));
  const line = (r) => cols.map((c) => String(r[c]).padEnd(width(c))).join("  ").trimEnd();
  return [line(Object.fromEntries(cols.map((c) => [c, c]))), cols.map((c) => "-".repeat(width(c))).join("  "), ...list.map(line)].join("\n");
}

/** A Markdown table; `|` in a cell is escaped. */
function md(head, body) {
  const cell = (s) => String(s).replace(/\|/g, "\\|");
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** docs/performance.md for these results. */
export function performancePage(r, sizeBudget) {
  const [pageBy, page] = largestPageBundle(r);
  const ours = r.pages["kling3-wasm"];
  const i = r.instantiate;
  const sizes = (s) => (s ? largest(s, 14).map(([name, n]) => [`\`${name}\``, kb(n)]) : [["(twiggy was missing)", ""]]);
  const raced = (where, throughput, safe) =>
    md(
      ["function", "kling3-wasm", "zod", "plain JS", "kling3-wasm × zod", "safe floor × zod"],
      FUNCTIONS.map((fn) => [`\`${fn}\``, ops(throughput[fn]["kling3-wasm"]), ops(throughput[fn].zod), ops(throughput[fn]["plain JS"]), ratio(throughput[fn]["kling3-wasm"], throughput[fn].zod), ratio(safe[fn], throughput[fn].zod)]),
    );
  const adaptive = r.polling["kling3-wasm adaptive"];
  return `# Performance

<!-- Written by \`npm run bench\` (bench/report.mjs) from bench/results.json. Do not edit by hand:
     \`node bench/report.mjs\` renders this page again from the stored results. -->

Measured by \`npm run bench\` on ${r.date.slice(0, 10)} with Node ${r.node}, on the machine that ran
it; nothing here is copied from elsewhere. \`npm run bench\` measures everything again (it
needs \`pkg/\` built, Chromium, and \`cargo install twiggy\` for the breakdowns), writes
\`bench/results.json\`, \`bench/chart.svg\` and this page; \`node bench/report.mjs\` writes the page
and the chart again from the stored results without measuring. Timings move by 10–30% from run
to run on a small machine; sizes do not.

![What a page ships, and polls against delay](../bench/chart.svg)

## Goals

${md(["goal", "target", "this build", "", "note"], goals(r, sizeBudget).map((g) => [g.what, g.target, g.figure, g.met ? "met" : "**not met**", g.beside ?? ""]))}

The page-bundle ceiling is fixed in \`bench/size-budget.json\` and held by
\`tests/node/size.test.mjs\` for every bundler the README's "Works with" lists: a feature that
would cross it pays for itself elsewhere. The speed of the pure functions against zod is
[reported](#throughput), not a goal: size wins over microseconds, since every visitor pays the
kilobytes and a validation takes microseconds either way.

## Page bundle

What a page that creates a task and waits for it loads (bench/pages/), JS and wasm, gzip -9.
${r.pageBundles ? `As each supported bundler builds it from the package installed by name:

${md(["bundler", "page bundle", "JS", "wasm", "entry"], Object.entries(r.pageBundles).map(([name, b]) => (b.skipped ? [name, "(skipped)", "", "", b.skipped] : [name, kb(b.totalGzip), kb(b.jsGzip), kb(b.wasmGzip), b.resolved ?? ""])))}

${r.nextPages ? `In the Next.js app of the consumer test (tests/consumers/nextjs/), the page's scripts and the
wasm; the package's share is the chunks that hold its glue, and the wasm:

${md(["Next.js 16", "the package's share", "the whole page"], Object.entries(r.nextPages).map(([name, b]) => (b.skipped ? [name, "(skipped)", b.skipped] : [name, kb(b.packageGzip), kb(b.pageGzip)])))}
` : ""}
${r.otherWays ? `Without a bundler, and with the wasm inlined (which the ceiling does not hold: it is for code
that must not fetch):

${md(["way", "page bundle", "JS", "wasm"], Object.entries(r.otherWays).map(([name, p]) => [name, kb(p.totalGzip), kb(p.jsGzip), p.wasmGzip ? kb(p.wasmGzip) : "inside the JS"]))}
` : ""}
The largest, ${pageBy}'s ${kb(page)}, is the figure the ceiling holds.
` : `
(These results hold no per-bundler builds; the ceiling is read against esbuild's ${kb(page)}.)
`}
Against the JavaScript clients of other video APIs, bundled by esbuild (they validate and price
nothing):

${md(["package", "page bundle", "JS", "wasm"], Object.entries(r.pages).map(([name, p]) => [name, kb(p.totalGzip), kb(p.jsGzip), p.wasmGzip ? kb(p.wasmGzip) : ""]))}

The floor below which no package on this stack can go is the card's crates doing none of our
work (\`bench/floor/\`: create a task and wait for it with gloo-net, web-sys, gloo-timers,
wasm-bindgen-futures, serde_json, serde-wasm-bindgen and talc, with no rule): ${kb(r.floor.size.totalGzip)}
(JS ${kb(r.floor.size.jsGzip)}, wasm ${kb(r.floor.size.wasmGzip)}). kling3-wasm's own bundle,
${kb(ours.totalGzip)}, adds the rules, messages, pricing, request building, snippets and the
client's loop.

## Where the wasm's bytes go

The release module run through wasm-bindgen and wasm-opt as the build does, keeping function
names, measured with twiggy; sizes before gzip. Code inlined into an export's wasm-bindgen shim
counts as glue, and every message and name as data.

${md(["crate", "size"], sizes(r.size.byCrate))}

kling3-wasm's own code by module (its text and tables are in the data row above):

${md(["module", "size"], sizes(r.size.byModule))}

The floor's module, for comparison:

${md(["crate", "size"], sizes(r.floor.size.byCrate))}

## Start-up

${md(["what", "time", "how"], [
  ["Node: `import \"kling3-wasm\"` adds", ms(i.nodeAddsMs), `${ms(i.nodeMs)} less ${ms(i.nodeMs - i.nodeAddsMs)} for an empty module; medians of 9 fresh processes`],
  ["Node: import and first call add", ms(i.nodeFirstCallAddsMs), "the wasm is compiled at the first call"],
  ["Chromium: first visit (fetch + compile + init)", ms(i.chromiumMs), "import of pkg/web.js from localhost; median of 7 fresh contexts"],
  ["Chromium: wasm from the HTTP cache (compile + init)", ms(i.chromiumCachedMs), "instantiateStreaming of a fetched Response; median of 7 reloads"],
  ["the tester page: time to interactive", ms(r.page.timeToInteractiveMs, 0), "navigation start to the page's own ready mark (form checked and priced); median of 9 fresh contexts"],
])}

In Node the import loads one module and the wasm is compiled at the first call. In Chromium a
later visit compiles the wasm from the HTTP cache, where Chromium keeps the compiled code.

## Throughput

Operations a second over six inputs (valid and invalid, simple, multi-shot, elements, image, an
unknown field), the same for every contender in Node and in Chromium (\`bench/race.mjs\`). The
bench stops unless zod, plain JS and the package agree on validity and warnings for each input,
and on the price for each valid one. Reported, not a goal.

The safe floor is the package built with \`--features bench-floor\` (\`src/bindings/floor.rs\`,
never in \`pkg/\`): the package's own guarded way in and out, reading untrusted input without
trapping and answering in the package's shapes, with no rule at all. No function that reads
its input safely this way can be faster.

Node:

${raced("Node", r.throughput, r.safeFloor)}

Chromium:

${raced("Chromium", r.throughputChromium, r.safeFloorChromium)}

The card's crates with no rules and no guarded reading (\`bench/floor/\`, which a throwing
getter, a cycle or a Proxy would break), in Node:
${FUNCTIONS.map((fn) => `\`${fn}\` ${ops(r.floor.throughput[fn])} (${ratio(r.floor.throughput[fn], r.throughput[fn].zod)} zod)`).join(", ")}.

${proxySection(r.proxyThroughput)}## Polling

2000 jobs of 60–180 s (seeded), each polled until it is done; the adaptive schedule is the
client's own (\`nextPollDelay\`).

${md(["schedule", "polls a task", "finished video noticed late by", "polls × delay"], Object.entries(r.polling).map(([name, p]) => [name, p.pollsPerTask.toFixed(1), `${(p.meanNoticeDelayMs / 1000).toFixed(2)} s`, `${pollCost(p).toFixed(0)} poll·s`]))}

The adaptive schedule notices a finished video ${(adaptive.meanNoticeDelayMs / 1000).toFixed(1)} s after it is ready on
average with ${adaptive.pollsPerTask.toFixed(0)} polls a task.

## Through the proxy: requests that reach the API

${r.upstream.jobs} tasks of 60–180 s (seeded), each polled by the page on a schedule until it is done, through
\`createProxyHandler\` (\`bench/upstream.mjs\`: the real handler, an upstream that answers as the
API does and calls back when a task ends). Without callbacks the proxy forwards every poll; with
them it answers polls from its store and asks the API itself once a minute from the create.

${md(["page's schedule", "API requests a task, callbacks off", "callbacks on"], Object.entries(r.upstream.perTask).map(([name, p]) => [name, p.callbacksOff.toFixed(1), p.callbacksOn.toFixed(1)]))}
`;
}

/** The proxy beside @fal-ai/server-proxy, as docs/performance.md shows it ("" when not measured). */
function proxySection(p) {
  if (!p) return "";
  const fal = p.contenders[FAL_PROXY];
  return `## Proxy throughput

\`kling3-wasm/proxy\` beside \`@fal-ai/server-proxy\` ${fal.version}, ${p.runs ? `the median of ${p.runs} runs (by ours over fal's creates a second: ${p.ratios.map((x) => `${x.toFixed(2)}×`).join(", ")})` : "in one run"} on ${p.date.slice(0, 10)}
with Node ${p.node} (\`bench/proxy-throughput.mjs\`; \`node bench/proxy-throughput.mjs --save\`
measures this part alone and writes it here). Both are fetch handlers served by node:http
through the package's Node adapter (\`toNodeHandler\`), and both forward every create to the same local sink, a
node:http server in its own thread that answers as the API does. The load comes from the same
process over keep-alive connections, ${p.concurrency} creates at a time from ${p.users} users with bearer
tokens, in ${p.rounds} rounds each that alternate between the two after ${p.warmup} creates each to
warm up; latency runs from sending a create to reading its answer.

${md(["proxy", "creates/s", "p50", "p99", "creates", "at a time"], Object.entries(p.contenders).map(([name, c]) => [name, c.createsPerSecond.toLocaleString("en"), ms(c.p50Ms), ms(c.p99Ms), p.requests, p.concurrency]))}

Ours does its whole work on each create: the token named a user (\`authorize\`), the body read
within its limits, validated and priced by the package, the user's creates a minute and credits
and the proxy's budget counted in \`memoryStore()\` (limits the run never reaches), the request
built with the server's key, the answer read by the package's verdict, the task's owner recorded
and the key scrubbed from the answer. fal's checks the same token (\`isAuthenticated\`), checks
its target-URL header against \`allowedUrlPatterns\` and \`allowedEndpoints\` (the sink allowed
there), adds its key and passes the body and the answer through as they are. On a small machine
shared with other work, the figures move by 20–30% from run to run, and their ratio by about
10%; the rounds alternate so that noise falls on both alike.

`;
}

/** Two panels: what a page ships, and polls against notice delay. */
export function chart(r) {
  const esc = (s) => String(s).replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const entries = Object.entries(r.pages);
  const max = Math.max(...entries.map(([, v]) => v.totalGzip));
  const bars = entries.map(([name, v], i) => {
    const y = 40 + i * 34;
    const w = (v.totalGzip / max) * 300;
    return `<text x="10" y="${y + 16}" class="l">${esc(name)}</text><rect x="130" y="${y}" width="${w.toFixed(1)}" height="22" class="${i === 0 ? "ours" : "bar"}"/><text x="${(136 + w).toFixed(1)}" y="${y + 16}" class="v">${(v.totalGzip / 1024).toFixed(1)} KB</text>`;
  });
  const pts = Object.entries(r.polling);
  const maxPolls = Math.max(...pts.map(([, v]) => v.pollsPerTask));
  const maxDelay = Math.max(...pts.map(([, v]) => v.meanNoticeDelayMs));
  const dots = pts.map(([name, v], i) => {
    const x = 600 + (v.pollsPerTask / maxPolls) * 340;
    const y = 210 - (v.meanNoticeDelayMs / maxDelay) * 150;
    const right = x > 780;
    return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" class="${i === 0 ? "ours" : "bar"}"/><text x="${(right ? x - 10 : x + 10).toFixed(1)}" y="${(y + 4).toFixed(1)}" class="v" text-anchor="${right ? "end" : "start"}">${esc(name)}: ${v.pollsPerTask.toFixed(0)} polls, ${(v.meanNoticeDelayMs / 1000).toFixed(2)} s late</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 240" font-family="system-ui, sans-serif">
<style>.l,.v{font-size:12px;fill:#333}.t{font-size:14px;font-weight:600;fill:#111}.ours{fill:#3b5bdb}.bar{fill:#adb5bd}.ax{stroke:#ccc}</style>
<rect width="960" height="240" fill="#fff"/>
<text x="10" y="22" class="t">What a page that creates and waits for a task ships (gzip -9)</text>
${bars.join("\n")}
<text x="590" y="22" class="t">Polling 60–180 s jobs</text>
<text x="590" y="38" class="l">polls per task →, seconds late ↑</text>
<line x1="590" y1="220" x2="950" y2="220" class="ax"/><line x1="590" y1="50" x2="590" y2="220" class="ax"/>
${dots.join("\n")}
</svg>
`;
}

/** Writes docs/performance.md and bench/chart.svg from `results`; returns the printed table. */
export function writeReport(results) {
  const sizeBudget = JSON.parse(readFileSync(join(root, "bench/size-budget.json"), "utf8"));
  writeFileSync(join(root, "docs/performance.md"), performancePage(results, sizeBudget));
  writeFileSync(join(root, "bench/chart.svg"), chart(results));
  return table(rows(results, sizeBudget));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const results = JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8"));
  console.log(writeReport(results));
  console.log("\nwrote docs/performance.md and bench/chart.svg from bench/results.json");
}
