// Browser bundles of the package as a new user gets it: installed from the packed tarball,
// imported by name, built by webpack 5, Rspack and Vite with nothing but entry, output and
// mode, and by esbuild with its documented setting (tests/support/bundlers.mjs). Each build
// emits the wasm as a file, the page fetches it, never a base64 copy, and runs the consumers'
// scenario in Chromium. The base64 copy is only in a bundle of `kling3-wasm/inline`; esbuild
// without the setting ships none, and the page says what setting it lacks. Each page bundle
// (the JS the page loads plus the wasm, gzip -9) stays within the fixed ceiling of
// bench/size-budget.json, and is printed as a diagnostic.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";
import { build, bundlers, webpackInstalled } from "../support/bundlers.mjs";
import { checkScenario, pack, unpack, WASM_BASE64_START } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "bundlers");
const installed = join(dir, "node_modules/kling3-wasm");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const ceiling = JSON.parse(readFileSync(join(here, "../../bench/size-budget.json"), "utf8")).webTotalGzip;

let server;
let scratch;
let wasm;
let base64Head;

before(async () => {
  assert.ok(webpackInstalled(), `${dir}'s packages are missing: run \`bash scripts/setup.sh --test\``);
  // The package as npm would install it: `npm pack`, unpacked where a dependency goes.
  scratch = mkdtempSync(join(tmpdir(), "kling3-bundlers-"));
  await unpack((await pack(scratch)).tarball, installed);
  wasm = readFileSync(join(installed, "pkg/web/kling3_wasm_bg.wasm"));
  base64Head = wasm.toString("base64").slice(0, 64);
  server = await startDevServer({ port: 0, mounts: [["/built/", scratch]], sandbox: { timeScale: 0.002 } });
});
after(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { force: true, recursive: true });
});

/** Builds `entry` with one bundler into the scratch folder, with a page that loads it. */
async function buildPage(id, entry, settings) {
  const name = `${id}-${entry.replace(/\.js$/, "")}${settings ? "-plain" : ""}`;
  const out = join(scratch, name);
  const built = await build(id, { dir, entry, out }, settings);
  const tags = built.scripts.map((s) => `<script${built.module ? ' type="module"' : ""} src="./${s}"></script>`).join("");
  writeFileSync(join(out, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${tags}</body></html>`);
  return { ...built, out, prefix: `/built/${name}/` };
}

/** Whether a built file carries the page's wasm as base64. */
const carriesBase64 = (built, f) => readFileSync(join(built.out, f), "latin1").includes(base64Head);
/** Whether a built file carries any wasm as base64 (the page's, or the node entry's own). */
const carriesAnyWasm = (built, f) => readFileSync(join(built.out, f), "latin1").includes(WASM_BASE64_START);

/**
 * Opens a built page; resolves to its window.__result, its errors, and what it fetched, once
 * the result is there (or, with `untilError`, once the page has thrown).
 */
async function inChromium(built, { untilError = false } = {}) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    const fetched = [];
    let threw;
    const thrown = new Promise((resolve) => (threw = resolve));
    page.on("pageerror", (e) => (errors.push(e.message), threw()));
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
    page.on("response", (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith(built.prefix)) fetched.push(pathname.slice(built.prefix.length));
    });
    await page.goto(`${server.url}${built.prefix}index.html`);
    const done = untilError ? thrown : page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20_000 });
    await Promise.race([done, new Promise((_, reject) => setTimeout(reject, 20_000, new Error("no result in 20 s")))]).catch((e) => {
      throw new Error(`${e.message}; page errors: ${errors.join(" | ")}`);
    });
    return { result: await page.evaluate(() => window.__result), errors, fetched };
  } finally {
    await browser.close();
  }
}

/** The page bundle: the JS the page loaded at start plus the wasm, gzip -9. */
function pageBundle(built) {
  const js = Buffer.concat(built.scripts.map((f) => readFileSync(join(built.out, f))));
  return { js: gz(js), wasm: gz(wasm), total: gz(js) + gz(wasm) };
}

const expected = { webpack: "pkg/web.js", rspack: "pkg/web.js", vite: "pkg/web.js", esbuild: "pkg/web.file.js" };
for (const [id, { name }] of Object.entries(bundlers)) {
  test(`${name}: a production build of the plain import emits the wasm as a file, and the page fetches it and runs a task in Chromium`, async (t) => {
    const built = await buildPage(id, "main.js");
    assert.equal(built.resolved, expected[id], `the entry ${name} picked`);
    assert.equal(built.wasmFiles.length, 1, `one .wasm file in ${built.out}: ${built.files.join(", ")}`);
    assert.ok(readFileSync(join(built.out, built.wasmFiles[0])).equals(wasm), "the emitted wasm is the package's");
    // No base64 copy anywhere in the output, loaded or not, and no path of the build machine.
    const js = built.files.filter((f) => f.endsWith(".js"));
    assert.deepEqual(js.filter((f) => carriesAnyWasm(built, f)), [], "JS files carrying a wasm as base64");
    assert.deepEqual(js.filter((f) => readFileSync(join(built.out, f), "utf8").includes("file://")), [], "JS files naming a file:// path");
    assert.deepEqual(built.warnings, []);

    const { result, errors, fetched } = await inChromium(built);
    assert.deepEqual(errors, []);
    checkScenario(result);
    assert.ok(fetched.includes(built.wasmFiles[0].replace(/\\/g, "/")), `the page fetched ${built.wasmFiles[0]}; it fetched ${fetched.join(", ")}`);
    const size = pageBundle(built);
    assert.ok(size.total <= ceiling, `the page bundle, ${size.total} B gzip, is over the ${ceiling} B ceiling`);
    t.diagnostic(`${id} page bundle: ${size.total} B gzip -9 (JS ${size.js} B + wasm ${size.wasm} B; ${built.scripts.join(" + ")}), built in ${built.buildMs} ms`);
  });
}

test("esbuild without the setting: the bundle carries no copy of the wasm, and the page names the setting it lacks", async () => {
  const built = await buildPage("esbuild", "main.js", {});
  assert.equal(built.resolved, "pkg/web.js");
  assert.deepEqual(built.wasmFiles, []);
  assert.deepEqual(built.files.filter((f) => f.endsWith(".js") && carriesAnyWasm(built, f)), []);
  assert.ok(pageBundle(built).js < 30 * 1024, "the JS alone, with no wasm inside");
  const { errors } = await inChromium(built, { untilError: true });
  assert.equal(errors.length, 1, errors.join(" | "));
  assert.match(errors[0], /kling3-wasm: its WebAssembly is not at http:\/\/127\.0\.0\.1:\d+\/built\/[^ ]+\/web\/kling3_wasm_bg\.wasm \(HTTP 404\)/);
  assert.ok(errors[0].includes('loader { ".wasm": "file" } and conditions ["wasm-file"]') && errors[0].includes('"kling3-wasm/inline"'), errors[0]);
});

for (const id of ["esbuild", "vite", "webpack"]) {
  test(`${bundlers[id].name}: kling3-wasm/inline carries the wasm inside the JS, fetches no wasm, and runs a task`, async () => {
    const built = await buildPage(id, "inline.js");
    assert.equal(built.resolved, "pkg/inline.js");
    assert.ok(built.scripts.some((f) => carriesBase64(built, f)), `a loaded script carries the wasm: ${built.scripts.join(", ")}`);
    const { result, errors, fetched } = await inChromium(built);
    assert.deepEqual(errors, []);
    checkScenario(result);
    assert.deepEqual(fetched.filter((f) => f.endsWith(".wasm")), []);
  });
}
