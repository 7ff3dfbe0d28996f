// Vite SSR server builds of the package as a new user gets it: installed from the packed
// tarball, imported by name from a server entry, built with the repository's Vite and only the
// `ssr` entry. The default build keeps the package external (the server imports it from
// node_modules); the `ssr.noExternal: true` build bundles it in, as serverless adapters do, and
// runs from a folder where the package cannot be resolved. Each runs the consumers' scenario
// against the sandbox and renders a page priced with estimateCost.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevServer } from "../../server/dev-server.mjs";
import { checkScenario, nodeEntryWasmHead, pack, unpack } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const dir = join(here, "vite-ssr");
const installed = join(dir, "node_modules/kling3-wasm");
const run = promisify(execFile);

let server;
let api;
let scratch;

before(async () => {
  assert.ok(existsSync(join(root, "pkg/node.js")), "pkg/ is missing: run `node scripts/build.mjs`");
  scratch = mkdtempSync(join(tmpdir(), "kling3-vite-ssr-"));
  // The default build goes here too, beside the consumer's dependencies and its module type.
  symlinkSync(join(dir, "node_modules"), join(scratch, "node_modules"), "dir");
  writeFileSync(join(scratch, "package.json"), '{ "private": true, "type": "module" }\n');
  // The package as npm would install it: `npm pack`, unpacked where a dependency goes.
  await unpack((await pack(scratch)).tarball, installed);
  server = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  api = `${server.url}/api/v1`;
});
after(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { force: true, recursive: true });
});

// The same checks as every consumer's, and the page's price.
function checkPage(result) {
  checkScenario(result);
  assert.match(result.html, /“A cat in a &#60;Vite&#62; server”, 3 s: <strong data-credits="180">180 credits<\/strong>/);
}

/** Builds server.js with Vite's SSR build into `outDir`; resolves to the built files' names and their JS. */
async function viteSsrBuild(outDir, ssr = {}) {
  const { build } = await import("vite");
  await build({ root: dir, configFile: false, logLevel: "warn", ssr, build: { ssr: "server.js", outDir, emptyOutDir: true } });
  const files = readdirSync(outDir, { recursive: true }).filter((f) => f.endsWith(".js") || f.endsWith(".mjs"));
  return { files, js: files.map((f) => readFileSync(join(outDir, f), "utf8")).join("\n") };
}

/** Runs the built entry with Node from `cwd` (a child process); resolves to its JSON result. */
async function runBuilt(cwd, entry) {
  const { stdout } = await run(process.execPath, [join(dir, "run.mjs"), entry, api], { cwd, timeout: 60_000 }).catch((e) => {
    throw new Error(`node run.mjs ${entry} failed: ${e.stderr || e.message}`);
  });
  return JSON.parse(stdout);
}

test("Vite SSR, the default build: the package stays external, and the server imports it from node_modules and runs a task", async () => {
  const out = join(scratch, "dist");
  const { files, js } = await viteSsrBuild(out);
  assert.deepEqual(files, ["server.js"]);
  assert.match(js, /from "kling3-wasm"/, "the package is imported by name, not bundled");
  assert.ok(!js.includes("WebAssembly"), "no part of the package is in the build");
  checkPage(await runBuilt(dir, join(out, "server.js")));
});

test("Vite SSR with ssr.noExternal: the node entry is bundled in, wasm and all, and the output runs alone from a folder without node_modules", async () => {
  const out = join(scratch, "dist-bundled");
  const { files, js } = await viteSsrBuild(out, { noExternal: true });
  assert.doesNotMatch(js, /from "kling3-wasm|import\("kling3-wasm/, "the package is bundled in");
  // Vite resolved the package with the "node" condition: pkg/node.js, the wasm in it as base64.
  assert.match(js, /^\/\/ (.*\/)?node_modules\/kling3-wasm\/pkg\/node\.js$/m, "the bundle holds pkg/node.js (Rolldown names each module it bundles)");
  assert.ok(js.includes(nodeEntryWasmHead(installed)), "the bundle carries the node entry's wasm as base64");
  assert.ok(!js.includes("file://"), "the build names no file:// path of the build machine");
  assert.ok(!/\.wasm["']/.test(js), "the build refers to no .wasm file: the wasm travels inside it");
  // Deployed alone: the output and a package.json saying ES module, nothing else.
  const deployed = mkdtempSync(join(tmpdir(), "kling3-vite-ssr-deployed-"));
  try {
    cpSync(out, deployed, { recursive: true });
    writeFileSync(join(deployed, "package.json"), '{ "private": true, "type": "module" }\n');
    await assert.rejects(run(process.execPath, ["--input-type=module", "-e", 'await import("kling3-wasm")'], { cwd: deployed }), /ERR_MODULE_NOT_FOUND/, "kling3-wasm is not resolvable there");
    const entry = files.find((f) => f === "server.js");
    assert.ok(entry, `server.js among ${files.join(", ")}`);
    checkPage(await runBuilt(deployed, join(deployed, entry)));
  } finally {
    rmSync(deployed, { force: true, recursive: true });
  }
});
