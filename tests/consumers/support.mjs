// What the consumer tests share: the package packed and unpacked as npm installs it, a free
// port, and the checks of the scenario (scenario.js) every consumer runs.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build as esbuild } from "esbuild";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** `npm pack` of the repository into `dir`: npm's report of it, and the tarball's path. */
export async function pack(dir) {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: root });
  const [info] = JSON.parse(stdout);
  return { info, tarball: join(dir, info.filename) };
}

/** The tarball unpacked where a dependency goes (`…/node_modules/kling3-wasm`), as npm does. */
export async function unpack(tarball, installed) {
  rmSync(installed, { force: true, recursive: true });
  mkdirSync(installed, { recursive: true });
  await run("tar", ["xzf", tarball, "-C", installed, "--strip-components=1"]);
}

export async function freePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

/** The scenario's result, as every consumer must give it. */
export function checkScenario(result) {
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.valid, true);
  assert.equal(result.credits, 180);
  assert.equal(result.invalid, "prompt,duration");
  assert.equal(result.status, "succeeded");
  assert.match(result.videoUrl, /^http:\/\/127\.0\.0\.1:\d+\/sandbox\/video\.mp4/);
}

/** Cloudflare's workerd, from the runtimes installed by `bash scripts/setup.sh --test`. */
export const WORKERD = join(root, "tests/consumers/runtimes/node_modules/@cloudflare/workerd-linux-64/bin/workerd");

/**
 * A worker bundled as wrangler would, into `dist`: worker.js, with the package's wasm (from
 * `wasm`) a module of its own beside it, as Workers load it.
 */
export async function bundleWorker(entry, wasm, dist) {
  mkdirSync(dist, { recursive: true });
  await esbuild({
    entryPoints: [entry], bundle: true, format: "esm", platform: "neutral", target: "es2022",
    conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], outfile: join(dist, "worker.js"), logLevel: "error",
    // The runtime's own modules (`cloudflare:workers`), which workerd provides.
    external: ["cloudflare:*"],
    plugins: [{ name: "wasm-module", setup(b) { b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./kling3_wasm_bg.wasm", external: true })); } }],
  });
  copyFileSync(wasm, join(dist, "kling3_wasm_bg.wasm"));
}

/**
 * workerd serving the worker bundled in `dist` on a free port, with this compatibility date,
 * flags and text bindings; resolves to `{ url, urls, log(), stop() }` once it answers.
 *
 * With `workers`, the one config runs several services of that bundle, each on a port of its
 * own (`urls[name]`): each `{ name, bindings, durableObjects, classes, disk, sqlite }`, where
 * `classes` are the Durable Object classes it exports and hosts, kept in memory, or in the
 * folder `disk` (SQLite files, as Cloudflare's SQLite-backed objects keep them; `sqlite: true`
 * also opens their SQL API, which needs `disk`), and `durableObjects` its namespace bindings,
 * `{ BINDING: { className, service } }` (`service`, the one hosting the class, defaults to
 * this one). `url` is the first service's.
 */
export async function startWorkerd(dist, { name = "config", date, flags = [], bindings = {}, workers }) {
  const services = workers ?? [{ name: "main", bindings }];
  const ports = [];
  while (ports.length < services.length) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const config = join(dist, `${name}.capnp`);
  const workerConfig = (w) => {
    const texts = Object.entries(w.bindings ?? {}).map(([k, v]) => `(name = "${k}", text = ${JSON.stringify(String(v))})`);
    const objects = Object.entries(w.durableObjects ?? {}).map(([k, o]) => `(name = "${k}", durableObjectNamespace = (className = "${o.className}", serviceName = "${o.service ?? w.name}"))`);
    const hosted = (w.classes ?? []).map((c) => `(className = "${c}", uniqueKey = "${w.name}-${c}"${w.sqlite ? ", enableSql = true" : ""})`);
    return `(
  modules = [ (name = "worker.js", esModule = embed "worker.js"), (name = "kling3_wasm_bg.wasm", wasm = embed "kling3_wasm_bg.wasm") ],
  compatibilityDate = "${date}",
  compatibilityFlags = [${flags.map((f) => `"${f}"`).join(", ")}],
  bindings = [ ${[...texts, ...objects].join(", ")} ],${hosted.length > 0 ? `
  durableObjectNamespaces = [ ${hosted.join(", ")} ],
  durableObjectStorage = ${w.disk ? `(localDisk = "${w.name}-disk")` : "(inMemory = void)"},` : ""}
)`;
  };
  writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${services.map((w) => `(name = "${w.name}", worker = ${workerConfig(w)})`).join(", ")},${services.filter((w) => w.disk).map((w) => ` (name = "${w.name}-disk", disk = (path = ${JSON.stringify(w.disk)}, writable = true)),`).join("")} (name = "internet", network = (allow = ["public", "private", "local"])) ],
  sockets = [ ${services.map((w, i) => `(name = "http-${w.name}", address = "127.0.0.1:${ports[i]}", http = (), service = "${w.name}")`).join(", ")} ],
);
`);
  const worker = spawn(WORKERD, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  worker.stdout.on("data", (c) => (log += c));
  worker.stderr.on("data", (c) => (log += c));
  const exited = once(worker, "exit");
  const stop = async () => {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill();
    await exited;
  };
  const urls = Object.fromEntries(services.map((w, i) => [w.name, `http://127.0.0.1:${ports[i]}`]));
  const deadline = Date.now() + 10_000;
  for (const url of Object.values(urls)) {
    for (;;) {
      if (await fetch(`${url}/`).then(() => true, () => false)) break;
      if (worker.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`workerd did not answer on ${url}: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url: urls[services[0].name], urls, log: () => log, stop };
}

/** How any wasm module (version 1) begins, as base64: "\0asm\x01\0\0\0". */
export const WASM_BASE64_START = "AGFzbQEAAAA";

/** The first 64 characters of the wasm that a built pkg/node.js carries as base64. */
export function nodeEntryWasmHead(pkgDir) {
  const found = readFileSync(join(pkgDir, "pkg/node.js"), "latin1").match(new RegExp(`${WASM_BASE64_START}[A-Za-z0-9+/]{53}`));
  if (!found) throw new Error(`no wasm as base64 in ${pkgDir}/pkg/node.js`);
  return found[0];
}
