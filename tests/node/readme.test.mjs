// The README runs: every code block marked `js example` runs in Node, and every block marked
// `js example-browser` in Chromium, against the sandbox. Calls to the real API are sent to the
// sandbox, and the functions are in scope for the snippets that do not import them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(root, "tests/.readme-run");
const readme = readFileSync(join(root, "README.md"), "utf8");
const examples = [...readme.matchAll(/```js (example|example-browser)\n([\s\S]*?)```/g)].map((m, i) => ({
  kind: m[1],
  code: m[2],
  line: readme.slice(0, m.index).split("\n").length + 1,
  file: join(out, `example-${i + 1}.mjs`),
}));
const preamble = 'import * as __kling from "kling3-wasm";\nObject.assign(globalThis, __kling);\n';

let server;
let proxied;
before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  server = await startDevServer({ port: 0, mounts: [["/tests/", join(root, "tests")]], sandbox: { timeScale: 0.002 } });
  // Browser examples talk to a same-origin proxy that adds the key, as the README advises.
  proxied = await startDevServer({ port: 0, mounts: [["/tests/", join(root, "tests")]], proxy: { apiKey: "aio_readme_test", upstream: `${server.url}/api/v1` } });
});
after(async () => {
  await proxied?.close();
  await server?.close();
});

test("the README has examples to run", () => {
  assert.ok(examples.filter((e) => e.kind === "example").length >= 8);
  assert.ok(examples.some((e) => e.kind === "example-browser"));
});

for (const example of examples.filter((e) => e.kind === "example")) {
  test(`the README example at line ${example.line} runs in Node`, async () => {
    writeFileSync(example.file, preamble + example.code);
    const env = { ...process.env, KLING_API_KEY: "aio_readme_test", SANDBOX_API: `${server.url}/api/v1` };
    await run(process.execPath, ["--import", join(root, "tests/support/readme-preload.mjs"), example.file], { env, cwd: root, timeout: 30_000 });
  });
}

for (const example of examples.filter((e) => e.kind === "example-browser")) {
  test(`the README example at line ${example.line} runs in Chromium`, async () => {
    const stubs = 'globalThis.cancelButton = document.createElement("button");\nglobalThis.video = document.createElement("video");\n';
    writeFileSync(example.file, preamble + stubs + example.code);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${proxied.url}/tests/support/readme.html`);
      const src = await page.evaluate(async (path) => {
        await import(path);
        return globalThis.video.src;
      }, `/tests/.readme-run/${example.file.split("/").pop()}`);
      assert.deepEqual(errors, []);
      assert.match(src, /\/sandbox\/video\.mp4/);
    } finally {
      await browser.close();
    }
  });
}
