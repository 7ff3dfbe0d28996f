// The size ceiling: what a page loads from the web build served as it is (pkg/web.js, which
// holds the entry point, the glue and its snippets in one module, and the wasm), gzip -9, stays
// within the fixed ceiling of bench/size-budget.json. tests/consumers/bundlers.test.mjs holds
// each bundler's page bundle to the same ceiling.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const budget = JSON.parse(readFileSync(join(root, "bench/size-budget.json"), "utf8"));

/** Every file the web build's entry point loads, with its gzip -9 size. */
export function webBuildFiles() {
  const entry = readFileSync(join(root, "pkg/web.js"), "utf8");
  // One module: nothing more to fetch but the wasm it names, and no base64 copy of it.
  const imports = entry.match(/\bimport\s*[\w{*]|\bfrom\s*["']|\bimport\([^)]*\)/g) ?? [];
  assert.deepEqual(imports, [], "pkg/web.js imports nothing");
  return ["pkg/web.js", "pkg/web/kling3_wasm_bg.wasm"].map((file) => ({ file, gzip: gzipSync(readFileSync(join(root, file)), { level: 9 }).length }));
}

test(`what a page loads stays within the ${budget.webTotalGzip} B gzip budget`, () => {
  const files = webBuildFiles();
  const total = files.reduce((a, f) => a + f.gzip, 0);
  const detail = files.map((f) => `${f.file}: ${f.gzip} B`).join(", ");
  assert.ok(total <= budget.webTotalGzip, `${total} B gzip is over the budget of ${budget.webTotalGzip} B (${detail})`);
});
