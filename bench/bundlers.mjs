// The page bundle (the JS the page loads plus the wasm, gzip -9) that webpack 5, Rspack and Vite
// each make of bench/pages/kling3-wasm.js, built as a user builds it: the package installed
// under node_modules and imported by name, so each bundler picks its export condition (webpack
// and Rspack `webpack` → pkg/web.webpack.js, Vite `browser` → pkg/web.js). Counted: the entry
// chunk and the chunks it imports statically, and the emitted .wasm; not counted: a lazy chunk
// only a dynamic import reaches (pkg/web.js's base64 fallback), which the page never loads.
// Run alone with `node bench/bundlers.mjs` to print the figures as JSON.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const consumer = join(root, "tests/consumers/bundlers");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

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

/** The figures for one build: `scripts` (loaded JS) and `wasmFiles`, relative to `out`. */
function measure(out, scripts, wasmFiles, resolved) {
  if (wasmFiles.length !== 1) throw new Error(`expected one .wasm file in ${out}, found: ${wasmFiles.join(", ") || "none"}`);
  const js = Buffer.concat(scripts.map((f) => readFileSync(join(out, f))));
  const wasm = readFileSync(join(out, wasmFiles[0]));
  const base64Head = wasm.toString("base64").slice(0, 64);
  const carriers = scripts.filter((f) => readFileSync(join(out, f), "latin1").includes(base64Head));
  if (carriers.length) throw new Error(`the page would load the wasm as base64 in ${carriers.join(", ")} (${out})`);
  return { js: js.length, jsGzip: gz(js), wasm: wasm.length, wasmGzip: gz(wasm), totalGzip: gz(js) + gz(wasm), scripts, resolved };
}

/** webpack 5 or Rspack with entry, output and mode only, as the consumer test builds. */
async function webpackLike(make, dir, out) {
  const stats = await compile(make({ context: dir, entry: "./page.js", mode: "production", target: "web", output: { path: out, clean: true } }));
  const json = stats.toJson({ all: false, entrypoints: true, assets: true, modules: true });
  // An entrypoint's assets are its initial chunks' files: what the page's script tag loads.
  const scripts = json.entrypoints.main.assets.map((a) => (typeof a === "string" ? a : a.name)).filter((f) => f.endsWith(".js"));
  const wasmFiles = readdirSync(out).filter((f) => f.endsWith(".wasm"));
  const names = (json.modules ?? []).flatMap((m) => [m.name, ...(m.modules ?? []).map((n) => n.name)]);
  const resolved = names.find((n) => /kling3-wasm\/pkg\/[^/]+\.js$/.test(n ?? ""))?.replace(/^.*kling3-wasm\//, "") ?? null;
  return measure(out, scripts, wasmFiles, resolved);
}

/** Vite's production build of the page as the app's one input, written to `out`. */
async function vite(dir, out) {
  const { build } = await import("vite");
  const result = await build({ root: dir, configFile: false, logLevel: "silent", build: { outDir: out, emptyOutDir: true, rolldownOptions: { input: join(dir, "page.js") } } });
  const output = (Array.isArray(result) ? result[0] : result).output;
  const chunks = new Map(output.filter((o) => o.type === "chunk").map((c) => [c.fileName, c]));
  // The entry and, transitively, what it imports statically; dynamic imports stay out.
  const scripts = [];
  const visit = (name) => {
    if (scripts.includes(name)) return;
    scripts.push(name);
    for (const next of chunks.get(name)?.imports ?? []) visit(next);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  const wasmFiles = output.filter((o) => o.type === "asset" && o.fileName.endsWith(".wasm")).map((o) => o.fileName);
  const ids = [...chunks.values()].flatMap((c) => c.moduleIds ?? Object.keys(c.modules ?? {}));
  const resolved = ids.map((id) => relative(join(dir, "node_modules/kling3-wasm"), id)).find((p) => /^pkg\/[^/]+\.js$/.test(p)) ?? null;
  return measure(out, scripts, wasmFiles, resolved);
}

/**
 * Builds bench/pages/kling3-wasm.js with webpack 5, Rspack and Vite; resolves to
 * `{ webpack, rspack, vite }`, each `{ js, jsGzip, wasm, wasmGzip, totalGzip, scripts, resolved }`
 * or `{ skipped }` with what to run to get the bundler.
 */
export async function measurePageBundles() {
  // A user's app: the page as its entry, the package (package.json and pkg/) under node_modules.
  const dir = mkdtempSync(join(tmpdir(), "kling3-bench-bundlers-"));
  try {
    const installed = join(dir, "node_modules/kling3-wasm");
    mkdirSync(installed, { recursive: true });
    copyFileSync(join(root, "package.json"), join(installed, "package.json"));
    cpSync(join(root, "pkg"), join(installed, "pkg"), { recursive: true });
    copyFileSync(join(root, "bench/pages/kling3-wasm.js"), join(dir, "page.js"));

    const out = {};
    const setup = existsSync(join(consumer, "node_modules/.setup-stamp"));
    const require = createRequire(join(consumer, "package.json"));
    const skipped = { skipped: "run `bash scripts/setup.sh --test` to install webpack and Rspack" };
    out.webpack = setup ? await webpackLike((c) => require("webpack")(c), dir, join(dir, "dist-webpack")) : skipped;
    out.rspack = setup ? await webpackLike((c) => require("@rspack/core").rspack(c), dir, join(dir, "dist-rspack")) : skipped;
    out.vite = await vite(dir, join(dir, "dist-vite"));
    return out;
  } finally {
    rmSync(dir, { force: true, recursive: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await measurePageBundles(), null, 2));
}
