// A/B of builds of the package: the figures `npm run bench` reports for the package alone
// (validateRequest, estimateCost and buildRequest calls a second on bench/race.mjs's inputs, in
// Node and in Chromium) and the page size (gzip -9 of pkg/web.js and its wasm, as
// tests/node/size.test.mjs counts it), for each pkg/ folder named, in interleaved rounds so a
// loaded machine weighs on every build alike. The medians of the rounds are printed as JSON.
//
//   node bench/micro.mjs [--rounds 3] [--no-chromium] pkg /tmp/other-build/pkg ...
//
// (A build to compare: change the code, `node scripts/build.mjs`, copy pkg/ away.) Each round
// loads every build side by side in a fresh Node process, then in a fresh Chromium page, and
// runs them in turns.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { inputs } from "./race.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The package's figures for each of `ks` (the builds' modules, loaded side by side): the bench's
 * three races, and validateRequest on the valid and on the invalid inputs apart, in calls a
 * second. The builds take turns, window by window (a warm-up, then 9 windows of 100 ms each,
 * the median window), so a load that comes and goes weighs on each alike. Self-contained: its
 * source runs in the page too.
 */
function figures(ks, inputs) {
  let sink = 0;
  const keep = (r) => {
    sink = (sink + (typeof r === "number" ? r : r === undefined || r === null ? 1 : 2)) % 1_000_003;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const valid = inputs.filter((input) => ks[0].validateRequest(input).valid);
  const invalid = inputs.filter((input) => !ks[0].validateRequest(input).valid);
  let turn = 0;
  const next = (list) => list[turn++ % list.length];
  const races = {
    validateRequest: (k) => () => k.validateRequest(next(inputs)),
    estimateCost: (k) => () => k.estimateCost(next(valid)),
    buildRequest: (k) => () => k.buildRequest(next(valid), { apiKey: "aio_x" }),
    "validateRequest (valid only)": (k) => () => k.validateRequest(next(valid)),
    "validateRequest (invalid only)": (k) => () => k.validateRequest(next(invalid)),
  };
  const out = ks.map(() => ({}));
  for (const [name, race] of Object.entries(races)) {
    const fns = ks.map(race);
    for (const fn of fns) for (let i = 0; i < 2000; i++) keep(fn());
    const windows = ks.map(() => []);
    for (let w = 0; w < 9; w++) {
      for (const [i, fn] of fns.entries()) {
        let n = 0;
        const start = performance.now();
        const end = start + 100;
        while (performance.now() < end) {
          for (let j = 0; j < 50; j++) keep(fn());
          n += 50;
        }
        windows[i].push(n / ((performance.now() - start) / 1000));
      }
    }
    for (const [i, list] of windows.entries()) out[i][name] = Math.round(median(list));
  }
  return { figures: out, sink };
}

if (process.argv[2] === "--one") {
  // A child: the builds, in the order given, in this fresh process.
  const ks = [];
  for (const dir of process.argv.slice(3)) ks.push(await import(pathToFileURL(join(dir, "node.js")).href));
  console.log(JSON.stringify(figures(ks, inputs).figures));
  process.exit(0);
}

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args.splice(at, 2)[1];
};
const rounds = Number(option("--rounds") ?? 3);
const chromium = !args.includes("--no-chromium");
const builds = args.filter((a) => !a.startsWith("--")).map((dir) => resolve(dir));
if (builds.length === 0) builds.push(join(root, "pkg"));

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const size = (dir) => gz(join(dir, "web.js")) + gz(join(dir, "web/kling3_wasm_bg.wasm"));

const runs = builds.map(() => ({ node: [], chromium: [] }));
let browser;
let server;
if (chromium) {
  const { chromium: launcher } = await import("playwright-core");
  const { startDevServer } = await import("../server/dev-server.mjs");
  server = await startDevServer({ port: 0, mounts: [["/tests/", join(root, "tests")], ...builds.map((dir, i) => [`/build${i}/`, dir])] });
  browser = await launcher.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}
try {
  for (let round = 0; round < rounds; round++) {
    // Each round takes the builds in another order, so none is always first.
    const order = builds.map((_, j) => (round + j) % builds.length);
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--one", ...order.map((i) => builds[i])], { cwd: root, encoding: "utf8" });
    JSON.parse(out).forEach((f, j) => runs[order[j]].node.push(f));
    if (browser) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/tests/browser/blank.html`);
      const modules = `[${order.map((i) => `await import("/build${i}/web.js")`).join(", ")}]`;
      const { figures: found } = await page.evaluate(`(async () => (${figures})(${modules}, ${JSON.stringify(inputs)}))()`);
      found.forEach((f, j) => runs[order[j]].chromium.push(f));
      await context.close();
    }
    console.error(`micro: round ${round + 1}/${rounds} done`);
  }
} finally {
  await browser?.close();
  await server?.close();
}

const medians = (list) => (list.length === 0 ? undefined : Object.fromEntries(Object.keys(list[0]).map((name) => [name, median(list.map((r) => r[name]))])));
const report = builds.map((dir, i) => ({ build: dir, pageGzip: size(dir), node: medians(runs[i].node), chromium: medians(runs[i].chromium), rounds: runs[i] }));
console.log(JSON.stringify(report, null, 2));
