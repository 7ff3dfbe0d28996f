// The docs run: every code block marked `js example` in README.md and docs/*.md runs in Node,
// and every block marked `js example-browser` in Chromium, against the sandbox. Calls to the
// real API are sent to the sandbox, and the functions are in scope for the snippets that do not
// import them. Every link between the pages leads to a file, and to a heading there.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startDevServer } from "../../server/dev-server.mjs";
import { launchChromium } from "../browser/helpers.mjs";
import { performancePage } from "../../bench/report.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
// A folder of this run's own, where the examples import the package by name as a user's code
// does: its node_modules holds the repository as kling3-wasm.
const out = mkdtempSync(join(tmpdir(), "kling3-readme-"));
/** The pages a reader reads: the README, CONTRIBUTING.md and every page of docs/. */
const pages = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)].filter((f) => existsSync(join(root, f)));
const text = Object.fromEntries(pages.map((page) => [page, readFileSync(join(root, page), "utf8")]));
const examples = pages.flatMap((page) =>
  [...text[page].matchAll(/```js (example|example-browser)\n([\s\S]*?)```/g)].map((m) => ({
    page,
    kind: m[1],
    code: m[2],
    line: text[page].slice(0, m.index).split("\n").length + 1,
  })),
).map((e, i) => ({ ...e, where: `${e.page}:${e.line}`, file: join(out, `example-${i + 1}.mjs`) }));
// What a `// → value` comment shows is checked: every field it lists must be what the code
// returned (fields it leaves out are not checked).
const expectSource = `
function __matches(a, e) {
  if (e === null || typeof e !== "object") return Object.is(a, e);
  if (Array.isArray(e)) return Array.isArray(a) && a.length === e.length && e.every((x, i) => __matches(a[i], x));
  return a !== null && typeof a === "object" && Object.keys(e).every((k) => __matches(a[k], e[k]));
}
globalThis.__expect = (actual, expected, what) => {
  if (!__matches(actual, expected)) throw new Error(\`the docs say \${what} is \${JSON.stringify(expected)}, but it is \${JSON.stringify(actual)}\`);
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
  return { code: out.join("\n") + `\nif ((globalThis.__checked ?? 0) !== ${checks}) throw new Error("not every value the docs show was checked");\n`, checks };
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading) {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, "").replace(/ /g, "-");
}

/** The anchors of a Markdown text's headings (a repeated heading gets `-1`, `-2`...). */
export function anchors(markdown) {
  const seen = new Map();
  const found = new Set();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n ? `${base}-${n}` : base);
  }
  return found;
}

/** The text without its fenced code blocks, whose lines are not headings. */
function withoutFences(markdown) {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The text with its code blanked, fenced and inline, so links in code are not read. */
function withoutCode(markdown) {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, "``");
}

/**
 * The links of `page` (a path from the repository root) that lead nowhere: to a file that does
 * not exist, or to a heading its target does not have. Links to other sites are not followed.
 */
export function brokenLinks(page, markdown, read = (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : null)) {
  const targets = [
    ...[...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1]),
    ...[...withoutCode(markdown).matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1]),
  ];
  const broken = [];
  for (const target of targets) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split("#");
    const file = path ? relative(root, join(root, dirname(page), decodeURIComponent(path))) : page;
    const content = file === page ? markdown : read(file);
    if (content === null) broken.push(`${target} (no file ${file})`);
    else if (anchor !== undefined && (!file.endsWith(".md") || !anchors(content).has(anchor))) broken.push(`${target} (no heading #${anchor} in ${file})`);
  }
  return broken;
}

test("every link in the README, CONTRIBUTING.md and docs/ leads to a file and a heading that exist", () => {
  assert.ok(pages.includes("docs/api.md") && pages.includes("CONTRIBUTING.md"), pages.join(", "));
  for (const page of pages) assert.deepEqual(brokenLinks(page, text[page]), [], page);
});

test("a link to a missing page or heading is reported", () => {
  const page = "docs/x.md";
  const read = (path) => ({ "docs/api.md": "# The API\n\n## `toCurl(request)` → string\n", "README.md": "# kling3-wasm\n" })[path] ?? null;
  const markdown = "# X\n[a](api.md#tocurlrequest--string) [b](../README.md) [c](#x) [d](https://example.com/#nope) `[e](gone.md)`\n";
  assert.deepEqual(brokenLinks(page, markdown, read), []);
  assert.deepEqual(brokenLinks(page, "[a](api.md#tocurl) [b](gone.md) [c](#y)", read), [
    "api.md#tocurl (no heading #tocurl in docs/api.md)",
    "gone.md (no file docs/gone.md)",
    "#y (no heading #y in docs/x.md)",
  ]);
});

test("docs/performance.md is what the bench writes from bench/results.json, not edited by hand", () => {
  const results = JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8"));
  const budget = JSON.parse(readFileSync(join(root, "bench/size-budget.json"), "utf8"));
  assert.equal(text["docs/performance.md"], performancePage(results, budget), "run `node bench/report.mjs` to render it again");
});

let server;
let proxied;
before(async () => {
  mkdirSync(join(out, "node_modules"));
  symlinkSync(root, join(out, "node_modules/kling3-wasm"), "dir");
  const mounts = [["/tests/", join(root, "tests")], ["/readme-run/", out]];
  server = await startDevServer({ port: 0, mounts, sandbox: { timeScale: 0.002 } });
  // Browser examples talk to a same-origin proxy that adds the key, as the README advises.
  proxied = await startDevServer({ port: 0, mounts, proxy: { apiKey: "aio_readme_test", upstream: `${server.url}/api/v1` } });
});
after(async () => {
  await proxied?.close();
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

test("the README and the docs have examples to run, and values they show to check", () => {
  assert.ok(examples.filter((e) => e.kind === "example").length >= 8);
  assert.ok(examples.some((e) => e.kind === "example-browser"));
  const checks = examples.filter((e) => e.kind === "example").reduce((n, e) => n + withChecks(e.code).checks, 0);
  assert.ok(checks >= 10, `${checks} values checked`);
  // The quick start is run too, and so is each reference page that shows code.
  for (const page of ["README.md", "docs/api.md", "docs/client.md", "docs/proxy.md"]) {
    assert.ok(examples.some((e) => e.page === page), `${page} has an example that runs`);
  }
});

test("a value the docs show wrongly fails its example", async () => {
  const file = join(out, "wrong.mjs");
  writeFileSync(file, preamble + withChecks("estimateCost({}).credits; // → 301\n").code);
  await assert.rejects(run(process.execPath, [file], { cwd: root, timeout: 30_000 }), /the docs say/);
});

for (const example of examples.filter((e) => e.kind === "example")) {
  test(`the example at ${example.where} runs in Node`, async () => {
    writeFileSync(example.file, preamble + withChecks(example.code).code);
    const env = { ...process.env, KLING_API_KEY: "aio_readme_test", SANDBOX_API: `${server.url}/api/v1` };
    await run(process.execPath, ["--import", join(root, "tests/support/readme-preload.mjs"), example.file], { env, cwd: root, timeout: 30_000 });
  });
}

for (const example of examples.filter((e) => e.kind === "example-browser")) {
  test(`the example at ${example.where} runs in Chromium`, async () => {
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
      }, `/readme-run/${example.file.split("/").pop()}`);
      assert.deepEqual(errors, []);
      assert.match(src, /\/sandbox\/video\.mp4/);
    } finally {
      await browser.close();
    }
  });
}
