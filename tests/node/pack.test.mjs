// `npm pack` ships exactly the build, the types, the README, the docs it links to and the licence; the tarball
// installs into an empty project and imports there, as ESM, as CommonJS, and as the proxy.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
let work;
let tarball;
let files;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "kling3-pack-"));
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root });
  const [info] = JSON.parse(stdout);
  tarball = join(work, info.filename);
  files = info.files.map((f) => f.path).sort();
});
after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball holds the build, the types, the README, its docs and the licence, and nothing else", () => {
  for (const f of files) {
    assert.ok(/^(package\.json|README\.md|LICENSE|docs\/[a-z]+\.md|pkg\/.+)$/.test(f), `${f} should not be packed`);
    assert.ok(!f.includes(".build-hash") && !f.startsWith("pkg/bundler"), `${f} should not be packed`);
  }
  for (const needed of ["pkg/node.js", "pkg/web.js", "pkg/inline.js", "pkg/workerd.js", "pkg/edge.js", "pkg/web.file.js", "pkg/proxy.edge.js", "pkg/index.d.ts", "pkg/errors.d.ts", "pkg/proxy.d.ts", "pkg/proxy.node.js", "pkg/proxy-store.js", "pkg/proxy-redis.js", "pkg/proxy-callbacks.js", "pkg/proxy-durable.js", "pkg/types/kling3_wasm.d.ts", "pkg/web/kling3_wasm_bg.wasm", "README.md", "docs/api.md", "docs/client.md", "docs/proxy.md", "LICENSE"]) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  // Node, browsers and Workers share one wasm.
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")), ["pkg/web/kling3_wasm_bg.wasm"]);
});

/** The quick start's install commands, as the README writes them. */
function quickStart() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = readme.split("## Quick start")[1]?.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "";
  return block.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
}

test("the README's quick start packs the tarball npm writes and installs that file", () => {
  const commands = quickStart();
  assert.ok(commands.includes("npm run build") && commands.includes("npm pack"), commands.join(" | "));
  const install = commands.find((c) => c.startsWith("npm install "));
  assert.equal(install, `npm install /path/to/kling3-wasm/${tarball.split("/").pop()}`, "the file npm pack writes");
});

test("the tarball installs into an empty project, as the README says, and imports by name", async () => {
  const app = join(work, "app");
  await run("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const install = quickStart().find((c) => c.startsWith("npm install ")).split(" ");
  const args = install.slice(1).map((a) => a.replace("/path/to/kling3-wasm/", `${work}/`));
  assert.deepEqual(args, ["install", tarball]);
  await run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app });
  writeFileSync(join(app, "esm.mjs"), `import { estimateCost, KlingClient, ValidationError } from "kling3-wasm";
import { createProxyHandler, durableObjectStore, KlingProxyStore, memoryStore, redisStore, toNodeHandler } from "kling3-wasm/proxy";
console.log(JSON.stringify([estimateCost({ mode: "pro", duration: 5 }).credits, typeof KlingClient, typeof ValidationError, typeof createProxyHandler, typeof memoryStore().reserve, typeof redisStore({ url: "redis://localhost:6379" }).reserve, typeof durableObjectStore({ idFromName() {}, get() {} }).reserve, typeof KlingProxyStore, typeof toNodeHandler(createProxyHandler({ apiKey: "aio_x" }))]));`);
  writeFileSync(join(app, "cjs.cjs"), `const { validateRequest } = require("kling3-wasm"); console.log(JSON.stringify(validateRequest({}).errors[0].code));`);
  const esm = await run(process.execPath, ["esm.mjs"], { cwd: app });
  // The Redis store is made without the redis package: it is loaded at the store's first
  // operation. The Durable Object store and its class load in Node: they import nothing of Cloudflare's.
  assert.deepEqual(JSON.parse(esm.stdout), [400, "function", "function", "function", "function", "function", "function", "function", "function"]);
  const cjs = await run(process.execPath, ["cjs.cjs"], { cwd: app });
  assert.equal(JSON.parse(cjs.stdout), "required");
  // An uncaught error prints its stack and the source line it was thrown at: a line of the
  // package's, not the 350 KB of base64 wasm the entry holds.
  writeFileSync(join(app, "uncaught.mjs"), `import { normalizeRequest } from "kling3-wasm";\nnormalizeRequest({ duration: 20 });\n`);
  const uncaught = await run(process.execPath, ["uncaught.mjs"], { cwd: app }).then(() => assert.fail("it should throw"), (e) => e);
  assert.match(uncaught.stderr, /ValidationError: Invalid request: /);
  assert.ok(uncaught.stderr.length < 10_000, `an uncaught error printed ${uncaught.stderr.length} characters`);
});
