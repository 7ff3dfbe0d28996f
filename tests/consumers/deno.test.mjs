// Deno 2 runs the package as a new user gets it, both ways Deno takes an npm package: in a
// project with node_modules (the packed tarball unpacked there, imported by name, with the
// proxy), and as `npm:kling3-wasm` with no package.json, downloaded by Deno itself from a local
// npm registry serving the tarball. Each runs the consumers' scenario against the sandbox with
// the network allowed to the sandbox alone: no read, env or other permission.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevServer } from "../../server/dev-server.mjs";
import { checkScenario, pack as packTarball, unpack } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const dir = join(here, "deno");
const DENO = join(dir, "node_modules/@deno/linux-x64-glibc/deno");
const run = promisify(execFile);

let server;
let api;
let scratch;
let tarball;
let pack;
/** The node_modules project: deno/app, scenario.js, and the tarball unpacked in node_modules. */
let app;

before(async () => {
  assert.ok(existsSync(DENO), `${DENO} is missing: run \`bash scripts/setup.sh --test\``);
  assert.ok(existsSync(join(root, "pkg/node.js")), "pkg/ is missing: run `node scripts/build.mjs`");
  scratch = mkdtempSync(join(tmpdir(), "kling3-deno-"));
  // The package as npm would publish it.
  ({ info: pack, tarball } = await packTarball(scratch));
  server = await startDevServer({ port: 0, sandbox: { timeScale: 0.002 } });
  api = `${server.url}/api/v1`;
  app = join(scratch, "app");
  cpSync(join(dir, "app"), app, { recursive: true });
  cpSync(join(here, "scenario.js"), join(app, "scenario.js"));
  const installed = join(app, "node_modules/kling3-wasm");
  await unpack(tarball, installed);
});
after(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { force: true, recursive: true });
});

function checkDeno(result) {
  checkScenario(result);
  assert.match(result.runtime, /^deno 2\./);
}

/**
 * Runs a script with Deno, its cache (DENO_DIR) in a new folder, and by default the network
 * allowed to the sandbox alone; resolves to the JSON it printed and that DENO_DIR.
 */
async function deno(cwd, script, { env = {}, permissions = [`--allow-net=${new URL(server.url).host}`] } = {}) {
  const denoDir = mkdtempSync(join(scratch, "deno-dir-"));
  const args = ["run", ...permissions, "--no-prompt", script, api];
  const { stdout } = await run(DENO, args, {
    cwd, timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: scratch, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
  }).catch((e) => {
    throw Object.assign(new Error(`deno ${args.join(" ")} in ${cwd} failed: ${e.stderr || e.message}`), { stderr: e.stderr });
  });
  return { result: JSON.parse(stdout), denoDir };
}

test("Deno 2, node_modules project: the package by name takes the node entry, runs a task, and the proxy forwards with its key", async () => {
  const { result } = await deno(app, "main.js");
  checkDeno(result);
  // Deno 2.9 matches the conditions "deno", "node", "import", "module-sync" and "default" (not
  // "browser", "worker", "edge-light" nor "workerd"): the package's first match is "node".
  assert.equal(result.entry, new URL("node_modules/kling3-wasm/pkg/node.js", `file://${app}/`).href);
  assert.equal(result.proxyEntry, new URL("node_modules/kling3-wasm/pkg/proxy.node.js", `file://${app}/`).href);
  assert.equal(result.proxy.status, "succeeded");
  assert.equal(server.sandbox.tasks.get(result.proxy.taskId).key, "aio_deno_secret", "the proxy added its key");
  assert.deepEqual(result.proxy.refused, [403, "credit_cap"]);
});

/**
 * A one-package npm registry: kling3-wasm's packument (the packed package.json with the
 * tarball's URL, shasum and integrity) and the tarball, as the npm registry answers them.
 */
async function startRegistry() {
  const manifest = JSON.parse(readFileSync(join(app, "node_modules/kling3-wasm/package.json"), "utf8"));
  const requests = [];
  const registry = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const base = `http://${req.headers.host}`;
    if (req.method === "GET" && req.url === "/kling3-wasm") {
      const version = { ...manifest, _id: `${pack.name}@${pack.version}`, dist: { tarball: `${base}/kling3-wasm/-/${pack.filename}`, shasum: pack.shasum, integrity: pack.integrity } };
      delete version.scripts;
      delete version.devDependencies;
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ name: pack.name, "dist-tags": { latest: pack.version }, versions: { [pack.version]: version } }));
    }
    if (req.method === "GET" && req.url === `/kling3-wasm/-/${pack.filename}`) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return createReadStream(tarball).pipe(res);
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":"not found"}');
  });
  await new Promise((r) => registry.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${registry.address().port}/`, requests, close: () => new Promise((r) => registry.close(r)) };
}

test("Deno 2, npm:kling3-wasm with no package.json: Deno downloads the package from the registry and runs a task", async () => {
  const registry = await startRegistry();
  try {
    const work = join(scratch, "npm-specifier");
    mkdirSync(work);
    cpSync(join(dir, "npm.js"), join(work, "main.js"));
    cpSync(join(here, "scenario.js"), join(work, "scenario.js"));
    const { result, denoDir } = await deno(work, "main.js", { env: { NPM_CONFIG_REGISTRY: registry.url } });
    checkDeno(result);
    // The same resolution inside Deno's cache: the "node" condition's entry.
    assert.ok(result.entry.startsWith(`file://${join(denoDir, "npm")}/`), result.entry);
    assert.match(result.entry, /\/kling3-wasm\/0\.1\.0\/pkg\/node\.js$/);
    assert.deepEqual(registry.requests, ["GET /kling3-wasm", `GET /kling3-wasm/-/${pack.filename}`], "Deno fetched the packument, then the tarball");
    assert.ok(!existsSync(join(work, "node_modules")), "no node_modules: Deno kept the package in its cache");
  } finally {
    await registry.close();
  }
});

test("Deno 2: the package needs no permission but the network to the API, and says which one it lacks", async () => {
  const refused = await deno(app, "main.js", { permissions: [] }).then(() => null, (e) => e);
  assert.ok(refused, "the run without --allow-net succeeded");
  // The client's KlingError carries Deno's own words, naming the host to allow.
  assert.match(refused.stderr, /KlingError: .*Requires net access to "127\.0\.0\.1:\d+"/);
});
