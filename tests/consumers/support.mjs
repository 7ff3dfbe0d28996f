// What the consumer tests share: the package packed and unpacked as npm installs it, a free
// port, and the checks of the scenario (scenario.js) every consumer runs.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
    plugins: [{ name: "wasm-module", setup(b) { b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./kling3_wasm_bg.wasm", external: true })); } }],
  });
  copyFileSync(wasm, join(dist, "kling3_wasm_bg.wasm"));
}

/**
 * workerd serving the worker bundled in `dist` on a free port, with this compatibility date,
 * flags and text bindings; resolves to `{ url, log(), stop() }` once it answers.
 */
export async function startWorkerd(dist, { name = "config", date, flags = [], bindings }) {
  const port = await freePort();
  const config = join(dist, `${name}.capnp`);
  writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "internet", network = (allow = ["public", "private", "local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js"), (name = "kling3_wasm_bg.wasm", wasm = embed "kling3_wasm_bg.wasm") ],
  compatibilityDate = "${date}",
  compatibilityFlags = [${flags.map((f) => `"${f}"`).join(", ")}],
  bindings = [ ${Object.entries(bindings).map(([k, v]) => `(name = "${k}", text = "${v}")`).join(", ")} ],
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
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await fetch(`${url}/`).then(() => true, () => false)) break;
    if (worker.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`workerd did not answer on ${url}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, log: () => log, stop };
}
