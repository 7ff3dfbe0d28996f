// What the consumer tests share: the package packed and unpacked as npm installs it, a free
// port, and the checks of the scenario (scenario.js) every consumer runs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

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
