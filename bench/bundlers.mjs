// The page bundle (the JS the page loads plus the wasm, gzip -9) that webpack 5, Rspack, Vite
// and esbuild each make of bench/pages/kling3-wasm.js, built as a user builds it and as the
// consumer test does (tests/support/bundlers.mjs): the package installed under node_modules and
// imported by name, so each bundler picks its export condition. Counted: the entry chunk and the
// chunks it imports statically, and the emitted .wasm.
// Run alone with `node bench/bundlers.mjs` to print the figures as JSON.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, bundlers, webpackInstalled } from "../tests/support/bundlers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** The figures for one build. */
function measure(out, { scripts, wasmFiles, resolved }) {
  if (wasmFiles.length !== 1) throw new Error(`expected one .wasm file in ${out}, found: ${wasmFiles.join(", ") || "none"}`);
  const js = Buffer.concat(scripts.map((f) => readFileSync(join(out, f))));
  const wasm = readFileSync(join(out, wasmFiles[0]));
  const base64Head = wasm.toString("base64").slice(0, 64);
  const carriers = scripts.filter((f) => readFileSync(join(out, f), "latin1").includes(base64Head));
  if (carriers.length) throw new Error(`the page would load the wasm as base64 in ${carriers.join(", ")} (${out})`);
  return { js: js.length, jsGzip: gz(js), wasm: wasm.length, wasmGzip: gz(wasm), totalGzip: gz(js) + gz(wasm), scripts, resolved };
}

/**
 * Builds bench/pages/kling3-wasm.js with each bundler; resolves to `{ webpack, rspack, vite,
 * esbuild }`, each `{ js, jsGzip, wasm, wasmGzip, totalGzip, scripts, resolved }` or `{ skipped }`
 * with what to run to get the bundler.
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
    for (const id of Object.keys(bundlers)) {
      if ((id === "webpack" || id === "rspack") && !webpackInstalled()) {
        out[id] = { skipped: "run `bash scripts/setup.sh --test` to install webpack and Rspack" };
        continue;
      }
      const paths = { dir, entry: "page.js", out: join(dir, `dist-${id}`) };
      out[id] = measure(paths.out, await build(id, paths));
    }
    return out;
  } finally {
    rmSync(dir, { force: true, recursive: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await measurePageBundles(), null, 2));
}
