// `npm run bench`: size, start-up, throughput, polling and page numbers, measured here and now.
// Writes bench/results.json, then bench/report.mjs makes the rest from it alone: the table it
// prints, docs/performance.md and bench/chart.svg. Run `npm test` (or `npm run build`) first so
// pkg/ is built.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import * as k from "kling3-wasm";
import { plainPrice, plainValidate, zodPrice, zodValidate } from "./plain.mjs";
import { inputs, makeTimer, race } from "./race.mjs";
import { startDevServer } from "../server/dev-server.mjs";
import { seeded } from "../tests/support/random.mjs";
import { measureFloor, measureSafeFloor, safeFloorPkg, wasmByCrate } from "./floor.mjs";
import { measurePageBundles } from "./bundlers.mjs";
import { measureNextPages } from "./nextjs.mjs";
import { ESBUILD_WASM_FILE } from "../tests/support/bundlers.mjs";
import { measureProxyThroughputMedian } from "./proxy-throughput.mjs";
import { writeReport } from "./report.mjs";
import { measureUpstreamRequests, schedules } from "./upstream.mjs";
import { cargoTargetDir } from "../scripts/cargo-target.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { date: new Date().toISOString(), node: process.version, size: {}, pages: {}, instantiate: {}, throughput: {}, polling: {}, page: {} };

if (!existsSync(join(pkg, "web.js"))) {
  console.error("bench: pkg/ is missing: run `npm run build` (or `npm test`) first");
  process.exit(1);
}

// ---- size -----------------------------------------------------------------------------------
const files = (dir) => readdirSync(join(pkg, dir), { recursive: true }).filter((f) => statSync(join(pkg, dir, f)).isFile());
for (const target of ["web", "bundler"]) {
  const all = files(target);
  const wasm = readFileSync(join(pkg, target, "kling3_wasm_bg.wasm"));
  // (The wasm as base64, for a bundler that leaves the wasm behind, is the wasm, not glue.)
  const glue = Buffer.concat(all.filter((f) => f.endsWith(".js") && !f.endsWith("wasm-inline.js")).map((f) => readFileSync(join(pkg, target, f))));
  results.size[target] = { wasm: wasm.length, wasmGzip: gz(wasm), glue: glue.length, glueGzip: gz(glue) };
}

// What a page that creates and waits for a task ships, bundled with esbuild: ours with the
// setting the README gives (the wasm emitted as a file beside the bundle), the peers as they are.
async function bundle(entry, settings = {}) {
  const out = await build({ entryPoints: [join(root, "bench/pages", entry)], bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", write: false, outdir: "/tmp/kling3-bench", logLevel: "silent", ...settings });
  return Buffer.concat(out.outputFiles.filter((f) => f.path.endsWith(".js")).map((f) => Buffer.from(f.contents)));
}
const wasmWeb = readFileSync(join(pkg, "web/kling3_wasm_bg.wasm"));
const pages = [
  ["kling3-wasm", "kling3-wasm.js", wasmWeb],
  ["@fal-ai/client", "fal.js", null],
  ["replicate", "replicate.js", null],
  ["@runwayml/sdk", "runway.js", null],
];
for (const [name, entry, wasm] of pages) {
  const js = await bundle(entry, wasm ? ESBUILD_WASM_FILE : {});
  const total = gz(js) + (wasm ? gz(wasm) : 0);
  results.pages[name] = { js: js.length, jsGzip: gz(js), wasmGzip: wasm ? gz(wasm) : 0, totalGzip: total };
}

// The two ways with no bundler setting: pkg/web.js served as it is (one module, and the wasm it
// fetches), and `kling3-wasm/inline`, the wasm inside the JS (bundled by esbuild).
{
  const web = readFileSync(join(pkg, "web.js"));
  const inline = await bundle("kling3-wasm-inline.js");
  results.otherWays = {
    "a browser, no bundler (pkg/web.js)": { jsGzip: gz(web), wasmGzip: gz(wasmWeb), totalGzip: gz(web) + gz(wasmWeb) },
    "kling3-wasm/inline (esbuild)": { jsGzip: gz(inline), wasmGzip: 0, totalGzip: gz(inline) },
  };
}

// The same page as each bundler we support builds it (bench/bundlers.mjs), the package imported
// by name from node_modules.
results.pageBundles = await measurePageBundles();

// The Next.js app of the consumer test, built with Turbopack and with webpack (bench/nextjs.mjs).
results.nextPages = await measureNextPages();

// Where the wasm's bytes go, by crate: the release module run through wasm-bindgen and wasm-opt
// as the build does, but keeping function names, then measured with twiggy (`cargo install
// twiggy`). Sizes are before gzip.
{
  // Counted once, our crate by module; the crate rows add its modules up.
  const counted = wasmByCrate(join(cargoTargetDir(root), "wasm32-unknown-unknown/release/kling3_wasm.wasm"), "/tmp/kling3-bench-names", "kling3_wasm");
  if (counted) {
    const byCrate = new Map();
    const byModule = {};
    for (const [owner, size] of Object.entries(counted)) {
      const crate = owner.split("::")[0];
      byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
      if (owner.includes("::")) byModule[owner] = size;
    }
    results.size.byCrate = Object.fromEntries([...byCrate].sort((a, b) => b[1] - a[1]));
    results.size.byModule = byModule;
  }
}

// ---- instantiate ---------------------------------------------------------------------------
// What `import "kling3-wasm"` adds to a fresh process: its import, less the import of an empty
// module (the ES module loader's own first-import cost), each in fresh processes.
const importMs = (specifier, then = "") => {
  const times = [];
  for (let i = 0; i < 9; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", `const t = performance.now(); const m = await import(${JSON.stringify(specifier)}); ${then}; console.log(performance.now() - t);`], { cwd: root });
    times.push(Number(out.toString().trim()));
  }
  return median(times);
};
const emptyModule = join(mkdtempSync(join(tmpdir(), "kling3-bench-")), "empty.mjs");
writeFileSync(emptyModule, "export {};\n");
const packageImport = importMs("kling3-wasm");
const emptyImport = importMs(pathToFileURL(emptyModule).href);
results.instantiate.nodeMs = packageImport;
results.instantiate.nodeAddsMs = packageImport - emptyImport;
// The wasm is compiled at the first call: what a process that uses the package pays in all.
const firstCall = importMs("kling3-wasm", "m.validateRequest({ prompt: 'a cat' })");
results.instantiate.nodeFirstCallAddsMs = firstCall - emptyImport;

const server = await startDevServer({ port: 0, mounts: [["/tests/", join(root, "tests")]], sandbox: { timeScale: 0.01 } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const chromeTimes = [];
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/tests/browser/blank.html`);
    chromeTimes.push(await page.evaluate(async () => {
      const t = performance.now();
      await import("/pkg/web.js");
      return performance.now() - t;
    }));
    await context.close();
  }
  results.instantiate.chromiumMs = median(chromeTimes);

  // A visit with the wasm in the HTTP cache: compile + init alone, apart from the network (the
  // Response is fetched first, then timed through instantiateStreaming). After a first visit
  // that runs the code, Chromium keeps its compiled code with the cached wasm.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/tests/browser/blank.html`);
    const compileAndInit = () =>
      page.evaluate(async () => {
        const { default: init } = await import("/pkg/web/kling3_wasm.js");
        const response = await fetch("/pkg/web/kling3_wasm_bg.wasm");
        const t = performance.now();
        await init({ module_or_path: response });
        return performance.now() - t;
      });
    await compileAndInit();
    await page.evaluate(async () => {
      const k = await import("/pkg/web.js");
      for (let i = 0; i < 20_000; i++) k.validateRequest({ prompt: `a cat, take ${i}` });
    });
    // Chromium writes a module's compiled code to the cache a moment after it runs.
    await page.waitForTimeout(3000);
    const cached = [];
    for (let i = 0; i < 7; i++) {
      await page.reload();
      cached.push(await compileAndInit());
    }
    await context.close();
    results.instantiate.chromiumCachedMs = median(cached);
  }

  // ---- tester page: time to interactive ------------------------------------------------------
  const tti = [];
  for (let i = 0; i < 9; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    // The page marks the moment it is ready; reading the clock here would add the harness's
    // polling delay.
    tti.push(await page.evaluate(() => performance.getEntriesByName("kling3:ready")[0].startTime));
    await context.close();
  }
  results.page.timeToInteractiveMs = median(tti);
} finally {
  await browser.close();
  await server.close();
}

// ---- throughput ----------------------------------------------------------------------------
// Every contender must agree with the package on every input, or the race is not fair.
for (const [i, input] of inputs.entries()) {
  const ours = k.validateRequest(input);
  const theirs = { zod: zodValidate(input), "plain JS": plainValidate(input) };
  const warned = (w) => JSON.stringify(w.map(({ path, code }) => [path, code]));
  for (const [name, verdict] of Object.entries(theirs)) {
    if (verdict.valid !== ours.valid || warned(verdict.warnings) !== warned(ours.warnings)) {
      throw new Error(`bench: ${name} and kling3-wasm disagree on input ${i}: ${JSON.stringify({ ours: [ours.valid, ours.warnings], theirs: [verdict.valid, verdict.warnings] })}`);
    }
  }
}
const valid = inputs.filter((input) => k.validateRequest(input).valid);
// ... and give the same price, in the same shape.
for (const [i, input] of valid.entries()) {
  const ours = JSON.stringify(k.estimateCost(input));
  for (const [name, theirs] of Object.entries({ zod: zodPrice(input), "plain JS": plainPrice(input) })) {
    if (JSON.stringify(theirs) !== ours) throw new Error(`bench: ${name} prices valid input ${i} as ${JSON.stringify(theirs)}, kling3-wasm as ${ours}`);
  }
}
const { opsPerSecond, sink } = makeTimer();
results.throughput = race(k, inputs, valid, opsPerSecond);

// The same race in Chromium: the package from the web build, zod and plain JS bundled by esbuild.
{
  const dir = mkdtempSync(join(tmpdir(), "kling3-race-"));
  await build({ entryPoints: [join(root, "bench/race.mjs")], bundle: true, format: "esm", platform: "browser", target: "es2022", outfile: join(dir, "race.js"), external: ["/pkg/web.js"], logLevel: "silent" });
  // The safe floor's build first, so the page can load it too.
  results.safeFloor = await measureSafeFloor({ inputs, valid, opsPerSecond, estimate: k.estimateCost });
  const server = await startDevServer({ port: 0, mounts: [["/tests/", join(root, "tests")], ["/race/", dir], ["/safe-floor/", safeFloorPkg]], sandbox: { timeScale: 0.01 } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/tests/browser/blank.html`);
    const inPage = await page.evaluate(async ([inputs, valid]) => (await import("/race/race.js")).raceInPage(inputs, valid), [inputs, valid]);
    results.throughputChromium = inPage.throughput;
    results.chromiumSink = inPage.sink;
    // The safe floor in the same page (see "the floor" below).
    const safe = await page.evaluate(async ([inputs, valid]) => (await import("/race/race.js")).safeFloorInPage("/safe-floor/kling3_wasm.js", inputs, valid), [inputs, valid]);
    results.safeFloorChromium = safe.throughput;
    results.chromiumSink += safe.sink;
  } finally {
    await browser.close();
    await server.close();
  }
}

// ---- the floor -----------------------------------------------------------------------------
// The card's crates doing none of our work (bench/floor/): what no package on this stack can
// go below in size, nor above in speed. (The safe floor, measured with the race above, is the
// package's own guarded reader and answers with no rule: src/bindings/floor.rs.)
results.floor = await measureFloor({ inputs, valid, opsPerSecond });

// ---- proxy throughput ----------------------------------------------------------------------
// kling3-wasm/proxy beside @fal-ai/server-proxy, forwarding to one local sink (bench/proxy-throughput.mjs).
results.proxyThroughput = await measureProxyThroughputMedian();

// ---- polling -------------------------------------------------------------------------------
// Seeded, so runs compare.
const random = seeded(42);
const jobs = Array.from({ length: 2000 }, () => 60_000 + random() * 120_000);
for (const [name, next] of Object.entries(schedules(random))) {
  let polls = 0;
  let delay = 0;
  for (const job of jobs) {
    let t = 0;
    while (t < job) {
      t += next(t);
      polls++;
    }
    delay += t - job;
  }
  const p = polls / jobs.length;
  const d = delay / jobs.length;
  results.polling[name] = { pollsPerTask: p, meanNoticeDelayMs: d };
}

// ---- through the proxy ---------------------------------------------------------------------
// What reaches the API per task while the page polls on each schedule, callbacks off and on.
results.upstream = await measureUpstreamRequests();

// ---- report --------------------------------------------------------------------------------
writeFileSync(join(root, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
console.log(writeReport(results));
console.log(`\nwrote bench/results.json, docs/performance.md and bench/chart.svg (sinks ${sink()} and ${results.chromiumSink}: every measured call was used)`);
