// webpack 5 and Rspack browser bundles of the package as a new user gets it: installed from the
// packed tarball, imported by name, built with only entry, output and mode. Each bundler follows
// the package's `new URL("….wasm", import.meta.url)` and emits the wasm as a file of its own;
// the page fetches it, never the base64 copy, and runs the consumers' scenario in Chromium.
// Each build's page bundle (the JS the page loads plus the wasm, gzip -9) is printed as a
// diagnostic and written to dist-<bundler>/page-bundle.json for the bench.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";
import { checkScenario, pack, unpack } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const dir = join(here, "bundlers");
const installed = join(dir, "node_modules/kling3-wasm");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

let server;
let packDir;
let wasm;
let base64Head;
/** What each build emitted, by bundler, for the checks that follow the build. */
const outputs = new Map();

before(async () => {
  assert.ok(existsSync(join(dir, "node_modules/.setup-stamp")), `${dir}'s packages are missing: run \`bash scripts/setup.sh --test\``);
  assert.ok(existsSync(join(root, "pkg/web.js")), "pkg/ is missing: run `node scripts/build.mjs`");
  // The package as npm would install it: `npm pack`, unpacked where a dependency goes.
  packDir = mkdtempSync(join(tmpdir(), "kling3-pack-"));
  await unpack((await pack(packDir)).tarball, installed);
  wasm = readFileSync(join(installed, "pkg/web/kling3_wasm_bg.wasm"));
  base64Head = wasm.toString("base64").slice(0, 64);
  server = await startDevServer({ port: 0, mounts: [["/bundlers/", dir]], sandbox: { timeScale: 0.002 } });
});
after(async () => {
  await server?.close();
  if (packDir) rmSync(packDir, { force: true, recursive: true });
});

/** Opens a page; resolves to its window.__result and the paths of what it fetched under `prefix`. */
async function inChromium(path, prefix) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    const fetched = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("response", (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith(prefix)) fetched.push(pathname.slice(prefix.length));
    });
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20_000 }).catch((e) => {
      throw new Error(`${e.message}; page errors: ${errors.join(" | ")}`);
    });
    assert.deepEqual(errors, []);
    return { result: await page.evaluate(() => window.__result), fetched };
  } finally {
    await browser.close();
  }
}

/** Runs a webpack-API compiler once; resolves to its stats, or rejects with its errors. */
function compile(compiler) {
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close((closeError) => {
        if (error || closeError) return reject(error ?? closeError);
        if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
        resolve(stats);
      });
    });
  });
}

// Each bundler from the consumer's own node_modules, configured as its docs' first page shows.
const require = createRequire(join(dir, "package.json"));
const bundlers = [
  { id: "webpack", name: "webpack 5", make: (config) => require("webpack")(config) },
  { id: "rspack", name: "Rspack", make: (config) => require("@rspack/core").rspack(config) },
];

for (const { id, name, make } of bundlers) {
  test(`${name}: a production build of the plain import emits the wasm as a file, and the page fetches it and runs a task in Chromium`, async (t) => {
    const out = join(dir, `dist-${id}`);
    const started = performance.now();
    const stats = await compile(make({ context: dir, entry: "./main.js", mode: "production", target: "web", output: { path: out, clean: true } }));
    const buildMs = Math.round(performance.now() - started);
    copyFileSync(join(dir, "index.html"), join(out, "index.html"));
    const files = readdirSync(out);
    const warnings = stats.toJson({ all: false, warnings: true }).warnings.map((w) => w.message.split("\n")[0]);
    outputs.set(id, { out, files, warnings });

    const wasmFiles = files.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasmFiles.length, 1, `one .wasm file in ${out}: ${files.join(", ")}`);
    assert.ok(readFileSync(join(out, wasmFiles[0])).equals(wasm), "the emitted wasm is the package's");

    const prefix = `/bundlers/dist-${id}/`;
    const { result, fetched } = await inChromium(`${prefix}index.html`, prefix);
    checkScenario(result);
    assert.ok(fetched.includes(wasmFiles[0]), `the page fetched ${wasmFiles[0]}; it fetched ${fetched.join(", ")}`);
    const scripts = fetched.filter((f) => f.endsWith(".js"));
    assert.ok(scripts.length > 0, `the page fetched no script: ${fetched.join(", ")}`);
    for (const f of scripts) assert.ok(!readFileSync(join(out, f), "latin1").includes(base64Head), `the page loaded ${f}, which carries the wasm as base64`);

    const js = Buffer.concat(scripts.map((f) => readFileSync(join(out, f))));
    // Emitted but not loaded: the lazy chunk holding the package's base64 fallback.
    const unloaded = Object.fromEntries(files.filter((f) => f.endsWith(".js") && !scripts.includes(f)).map((f) => [f, readFileSync(join(out, f)).length]));
    const size = { bundler: id, buildMs, js: js.length, jsGzip: gz(js), wasm: wasm.length, wasmGzip: gz(wasm), totalGzip: gz(js) + gz(wasm), scripts, unloaded };
    writeFileSync(join(out, "page-bundle.json"), `${JSON.stringify(size, null, 2)}\n`);
    t.diagnostic(`${id} page bundle: ${size.totalGzip} B gzip -9 (JS ${size.jsGzip} B + wasm ${size.wasmGzip} B; ${scripts.join(" + ")}), built in ${buildMs} ms`);
  });
}

// A clean build: webpack and Rspack take the `webpack` condition's entry, which has none of
// pkg/web.js's base64 fallback (emitted by them as a 260 KB lazy chunk, with webpack's size
// warning) nor its moved-file check (which wrote the build machine's file:// path in).
for (const { id, name } of bundlers) {
  test(`${name}: the build emits no base64 copy of the wasm, no path of the build machine, and no warning`, () => {
    const built = outputs.get(id);
    assert.ok(built, `the ${name} build above did not finish`);
    const js = built.files.filter((f) => f.endsWith(".js"));
    const carriers = js.filter((f) => readFileSync(join(built.out, f), "latin1").includes(base64Head));
    assert.deepEqual(carriers, [], `JS files carrying the wasm as base64: ${carriers.join(", ")}`);
    const paths = js.filter((f) => readFileSync(join(built.out, f), "utf8").includes("file://"));
    assert.deepEqual(paths, [], `JS files naming a file:// path: ${paths.join(", ")}`);
    assert.deepEqual(built.warnings, []);
  });
}
