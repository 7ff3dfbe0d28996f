// The page bundle of the Next.js app the consumer test runs (tests/consumers/nextjs/), built by
// `next build` with Turbopack and with webpack from the packed tarball, as a user builds it.
// Weighed as tests/support/next-page.mjs says: the whole page, and the package's share of it.
// Run alone with `node bench/nextjs.mjs` to print the figures as JSON.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { pack, unpack } from "../tests/consumers/support.mjs";
import { weighNextPage } from "../tests/support/next-page.mjs";
import { nextAppEnv } from "../tests/support/next-app.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const app = join(root, "tests/consumers/nextjs");
const next = join(app, "node_modules/next/dist/bin/next");

/**
 * Builds the app with each of Next's bundlers; resolves to `{ turbopack, webpack }`, each
 * `{ scripts, jsGzip, wasmGzip, pageGzip, packageGzip }`, or `{ skipped }` with what to run.
 */
export async function measureNextPages() {
  if (!existsSync(next)) {
    const skipped = "run `bash scripts/setup.sh --test` to install Next.js";
    return { turbopack: { skipped }, webpack: { skipped } };
  }
  const scratch = mkdtempSync(join(tmpdir(), "kling3-bench-next-"));
  try {
    await unpack((await pack(scratch)).tarball, join(app, "node_modules/kling3-wasm"));
    const out = {};
    for (const bundler of ["turbopack", "webpack"]) {
      const distDir = `.next-bench-${bundler}`;
      rmSync(join(app, distDir), { recursive: true, force: true });
      // The route handlers build their proxies when loaded, as the test's app does; nothing is sent.
      const env = nextAppEnv({ distDir, apiKey: "aio_bench_build_only", upstream: "http://127.0.0.1:9/api/v1" });
      await run(process.execPath, [next, "build", ...(bundler === "webpack" ? ["--webpack"] : [])], { cwd: app, env, maxBuffer: 1 << 24 });
      try {
        out[bundler] = weighNextPage(join(app, distDir));
      } finally {
        rmSync(join(app, distDir), { recursive: true, force: true });
      }
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await measureNextPages(), null, 2));
}
