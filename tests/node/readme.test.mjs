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
// What a `// → value` comment shows is checked: every field it lists must be what the code
// returned (fields it leaves out are not checked).
const expectSource = `
function __matches(a, e) {
  if (e === null || typeof e !== "object") return Object.is(a, e);
  if (Array.isArray(e)) return Array.isArray(a) && a.length === e.length && e.every((x, i) => __matches(a[i], x));
  return a !== null && typeof a === "object" && Object.keys(e).every((k) => __matches(a[k], e[k]));
}
globalThis.__expect = (actual, expected, what) => {
  if (!__matches(actual, expected)) throw new Error(\`README says \${what} is \${JSON.stringify(expected)}, but it is \${JSON.stringify(actual)}\`);
  globalThis.__checked = (globalThis.__checked ?? 0) + 1;
};
`;
const preamble = 'import * as __kling from "kling3-wasm";\nObject.assign(globalThis, __kling);\n' + expectSource;

/**
 * The example's code with each `expr; // → value` (or a `// → value` comment block under a
 * statement) turned into a check of that value; `const name = expr;` checks `name`.
 */
export function withChecks(code) {
  const lines = code.split("\n");
  const out = [];
  let checks = 0;
  const check = (indent, statement, literal) => {
    checks++;
    const declared = statement.match(/^(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=/);
    const what = JSON.stringify(statement.trim());
    if (declared) return `${indent}${statement}; __expect(${declared[1]}, (${literal}), ${what});`;
    return `${indent}__expect((${statement}), (${literal}), ${what});`;
  };
  for (let i = 0; i < lines.length; i++) {
    const same = lines[i].match(/^(\s*)(.*?);\s*\/\/ → (.+)$/);
    if (same) {
      out.push(check(same[1], same[2], same[3]));
      continue;
    }
    const statement = lines[i].match(/^(\s*)(.*);\s*$/);
    if (statement && lines[i + 1]?.trimStart().startsWith("// → ")) {
      const parts = [lines[++i].trimStart().slice("// → ".length)];
      while (lines[i + 1]?.trimStart().startsWith("//")) parts.push(lines[++i].trimStart().replace(/^\/\/ ?/, ""));
      out.push(check(statement[1], statement[2], parts.join("\n")));
      continue;
    }
    out.push(lines[i]);
  }
  return { code: out.join("\n") + `\nif ((globalThis.__checked ?? 0) !== ${checks}) throw new Error("not every README value was checked");\n`, checks };
}

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

test("the README has examples to run, and values they show to check", () => {
  assert.ok(examples.filter((e) => e.kind === "example").length >= 8);
  assert.ok(examples.some((e) => e.kind === "example-browser"));
  const checks = examples.filter((e) => e.kind === "example").reduce((n, e) => n + withChecks(e.code).checks, 0);
  assert.ok(checks >= 10, `${checks} values checked`);
});

test("a value the README shows wrongly fails its example", async () => {
  const file = join(out, "wrong.mjs");
  writeFileSync(file, preamble + withChecks("estimateCost({}).credits; // → 301\n").code);
  await assert.rejects(run(process.execPath, [file], { cwd: root, timeout: 30_000 }), /README says/);
});

for (const example of examples.filter((e) => e.kind === "example")) {
  test(`the README example at line ${example.line} runs in Node`, async () => {
    writeFileSync(example.file, preamble + withChecks(example.code).code);
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
