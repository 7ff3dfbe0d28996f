// What a page of a Next.js build loads, read from its prerendered index page: the scripts its
// HTML names (not `noModule` ones, which a current browser skips) and the emitted .wasm, gzip -9.
// Two figures: the whole page (React and Next.js's runtime included), and the package's share
// (the scripts holding its glue, and the wasm), which is what the size ceiling speaks of.
// Shared by the Next.js consumer test and the bench.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
/** Text only the package's browser glue holds (pkg/web.js's message when its wasm is missing). */
const GLUE_MARK = "its WebAssembly is not at";

/**
 * The figures for the `next build` in `dist`: `{ scripts, jsGzip, wasmGzip, pageGzip, packageGzip }`.
 */
export function weighNextPage(dist) {
  const html = readFileSync(join(dist, "server/app/index.html"), "utf8");
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)]
    .map(([, attrs]) => attrs)
    .filter((attrs) => !/\bnoModule\b/i.test(attrs))
    .map((attrs) => attrs.match(/\bsrc="[^"]*\/_next\/static\/([^"]+)"/)?.[1])
    .filter(Boolean);
  const statics = join(dist, "static");
  const wasmFiles = readdirSync(statics, { recursive: true }).map(String).filter((f) => f.endsWith(".wasm"));
  if (wasmFiles.length !== 1) throw new Error(`expected one .wasm file in ${statics}, found: ${wasmFiles.join(", ") || "none"}`);
  const wasm = readFileSync(join(statics, wasmFiles[0]));
  const files = scripts.map((f) => readFileSync(join(statics, f)));
  const jsGzip = files.reduce((sum, f) => sum + gz(f), 0);
  const glue = files.filter((f) => f.includes(GLUE_MARK));
  if (glue.length === 0) throw new Error(`no script the page loads holds the package (${scripts.join(", ")})`);
  const packageJsGzip = glue.reduce((sum, f) => sum + gz(f), 0);
  return { scripts, jsGzip, wasmGzip: gz(wasm), pageGzip: jsGzip + gz(wasm), packageGzip: packageJsGzip + gz(wasm) };
}
