// Each bundler that "Works with" lists, building a browser page of an app that imports the
// package by name from its node_modules, configured as the README says (nothing but entry,
// output and mode, except esbuild's documented setting). Shared by the consumer test, which
// runs each build in Chromium, and by the bench, which weighs what the page loads.
//
// `build(id, { dir, entry, out })` resolves to what the build made, relative to `out`:
// `{ files, scripts, wasmFiles, warnings, resolved, module }`, where `scripts` are the JS files
// the page loads at start (the entry and what it imports statically; a lazy chunk is not one),
// `resolved` the package entry the bundler picked (`pkg/web.js`…), and `module` whether the
// page needs `<script type="module">`.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** webpack and Rspack live in one consumer's node_modules; Vite and esbuild in the root's. */
const consumer = join(root, "tests/consumers/bundlers");
const fromConsumer = createRequire(join(consumer, "package.json"));

/** esbuild's setting for the wasm as a file (README, "Works with"). */
export const ESBUILD_WASM_FILE = { loader: { ".wasm": "file" }, conditions: ["wasm-file"] };

/** The package entry (`pkg/….js`) among a build's module paths. */
const packageEntry = (paths) =>
  paths.map((p) => (p ?? "").replace(/\\/g, "/").match(/kling3-wasm\/(pkg\/[^/ ]+\.js)(?: |$)/)?.[1]).find(Boolean) ?? null;

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

/** webpack 5 or Rspack with entry, output and mode only. */
async function webpackLike(make, { dir, entry, out }) {
  const stats = await compile(make({ context: dir, entry: `./${entry}`, mode: "production", target: "web", output: { path: out, clean: true } }));
  const json = stats.toJson({ all: false, entrypoints: true, modules: true, nestedModules: true, warnings: true });
  // An entrypoint's assets are its initial chunks' files: what the page's script tag loads.
  const scripts = json.entrypoints.main.assets.map((a) => (typeof a === "string" ? a : a.name)).filter((f) => f.endsWith(".js"));
  const names = (json.modules ?? []).flatMap((m) => [m.name, ...(m.modules ?? []).map((n) => n.name)]);
  const warnings = json.warnings.map((w) => w.message.split("\n")[0]);
  return { scripts, resolved: packageEntry(names), warnings, module: false };
}

/** Vite's production build with the entry as the app's one input, served from any folder. */
async function vite({ dir, entry, out }) {
  const { build } = await import("vite");
  const result = await build({ root: dir, base: "./", configFile: false, logLevel: "silent", build: { outDir: out, emptyOutDir: true, rolldownOptions: { input: join(dir, entry) } } });
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
  const ids = [...chunks.values()].flatMap((c) => c.moduleIds ?? Object.keys(c.modules ?? {}));
  return { scripts, resolved: packageEntry(ids), warnings: [], module: true };
}

/** esbuild, with `settings` added to a browser ES module bundle. */
async function esbuild({ dir, entry, out }, settings) {
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: dir, entryPoints: [join(dir, entry)], bundle: true, minify: true, format: "esm", platform: "browser",
    target: "es2022", outdir: out, metafile: true, logLevel: "silent", ...settings,
  });
  const outputs = Object.entries(result.metafile.outputs).map(([path, o]) => [relative(out, join(dir, path)), o]);
  const byName = new Map(outputs);
  const scripts = [];
  const visit = (name) => {
    if (scripts.includes(name)) return;
    scripts.push(name);
    for (const i of byName.get(name)?.imports ?? []) if (i.kind === "import-statement" && !i.external) visit(relative(out, join(dir, i.path)));
  };
  for (const [name, o] of outputs) if (o.entryPoint && name.endsWith(".js")) visit(name);
  return { scripts, resolved: packageEntry(Object.keys(result.metafile.inputs)), warnings: result.warnings.map((w) => w.text), module: true };
}

/** The bundlers, by id: each `{ name, run(paths, settings?) }`; only esbuild takes settings. */
export const bundlers = {
  webpack: { name: "webpack 5", run: (paths) => webpackLike((c) => fromConsumer("webpack")(c), paths) },
  rspack: { name: "Rspack", run: (paths) => webpackLike((c) => fromConsumer("@rspack/core").rspack(c), paths) },
  vite: { name: "Vite", run: vite },
  esbuild: { name: "esbuild", run: (paths, settings = ESBUILD_WASM_FILE) => esbuild(paths, settings) },
};

/** Whether webpack and Rspack are installed (`bash scripts/setup.sh --test`). */
export const webpackInstalled = () => {
  try {
    fromConsumer.resolve("webpack");
    fromConsumer.resolve("@rspack/core");
    return true;
  } catch {
    return false;
  }
};

/**
 * Builds with one bundler (esbuild with `settings` instead of its documented one, when given);
 * adds the emitted `files` and `wasmFiles`, and how long it took.
 */
export async function build(id, paths, settings) {
  const started = performance.now();
  const made = await bundlers[id].run(paths, settings);
  const buildMs = Math.round(performance.now() - started);
  const files = readdirSync(paths.out, { recursive: true }).map(String);
  return { ...made, files, wasmFiles: files.filter((f) => f.endsWith(".wasm")), buildMs };
}
