// The floor: the size and speed of the design card's crates on their own (bench/floor/, a crate
// with none of our rules), built as scripts/build.mjs builds the package, for bench/run.mjs to
// set beside the package's numbers. `node bench/floor.mjs` builds it if needed and prints them.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { transformSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const crateDir = join(root, "bench/floor");
// Its own target dir: building the floor never waits on, or invalidates, the package's build.
const targetDir = join(root, "target/floor");
const out = join(targetDir, "pkg");
const crate = "kling3_floor";
const rawWasm = join(targetDir, "wasm32-unknown-unknown/release", `${crate}.wasm`);
const wasmPath = join(out, `${crate}_bg.wasm`);
const gluePath = join(out, `${crate}.js`);
const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
const gzip9 = (buf) => gzipSync(buf, { level: 9 }).length;

function run(cmd, args, options = {}) {
  console.error(`floor: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...options });
}

/** The newest modification time among the floor crate's sources and this script. */
function sourcesTime() {
  const files = [join(crateDir, "Cargo.toml"), join(crateDir, "Cargo.lock"), fileURLToPath(import.meta.url)];
  for (const file of readdirSync(join(crateDir, "src"), { recursive: true })) files.push(join(crateDir, "src", file));
  return Math.max(...files.filter(existsSync).map((f) => statSync(f).mtimeMs));
}

/**
 * Builds target/floor/pkg as scripts/build.mjs builds pkg/web: release wasm, wasm-bindgen
 * --target web --weak-refs, wasm-opt -Oz --converge, and the glue minified by esbuild. Skipped
 * when its output is newer than the crate's sources (`force` builds anyway).
 */
export function buildFloor({ force = false } = {}) {
  if (!force && existsSync(wasmPath) && existsSync(gluePath) && statSync(wasmPath).mtimeMs > sourcesTime()) return;
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown"], {
    cwd: crateDir,
    env: { ...process.env, CARGO_TARGET_DIR: targetDir },
  });
  bindForWeb(rawWasm, out);
}

/**
 * What scripts/build.mjs does for pkg/web, to a cargo-built wasm `raw`, into `dir`:
 * wasm-bindgen --target web --weak-refs, wasm-opt -Oz --converge, and the glue minified.
 */
function bindForWeb(raw, dir) {
  run("wasm-bindgen", ["--target", "web", "--weak-refs", "--out-dir", dir, raw]);
  const bg = join(dir, readdirSync(dir).find((f) => f.endsWith("_bg.wasm")));
  run(wasmOpt, ["-Oz", "--converge", "--strip-debug", "--strip-producers", bg, "-o", bg]);
  for (const file of readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".js"))) {
    const path = join(dir, file);
    const { code } = transformSync(readFileSync(path, "utf8"), { format: "esm", minify: true, target: "es2022", legalComments: "none" });
    writeFileSync(path, code);
  }
}

// The safe floor: the package itself built with `--features bench-floor`, whose three extra
// exports (src/bindings/floor.rs) read untrusted input with the package's guarded reader and
// answer in the package's shapes, with no rule. The floor above reads as no safe package may (a
// getter that throws, a cycle or a Proxy would break it); this one is what the package's own
// safety costs.
const safeTarget = join(root, "target/bench-floor");
/** Where the safe floor's web build is: its glue `kling3_wasm.js` and its wasm. */
export const safeFloorPkg = join(safeTarget, "pkg");

/** Builds target/bench-floor/pkg as scripts/build.mjs builds pkg/web (cargo skips what is built). */
export function buildSafeFloor() {
  run("cargo", ["rustc", "--release", "--target", "wasm32-unknown-unknown", "--lib", "--crate-type", "cdylib", "--features", "bench-floor"], {
    env: { ...process.env, CARGO_TARGET_DIR: safeTarget },
  });
  bindForWeb(join(safeTarget, "wasm32-unknown-unknown/release/kling3_wasm.wasm"), safeFloorPkg);
}

/**
 * Builds the safe floor and times it in Node with the caller's timer: `{ validateRequest,
 * estimateCost, buildRequest }` in ops/s. Each function must first answer in the package's
 * shape, and the price be the package's (`estimate`: the package's estimateCost).
 */
export async function measureSafeFloor({ inputs, valid = inputs, opsPerSecond, estimate }) {
  buildSafeFloor();
  const { safeFloorRace } = await import("./race.mjs");
  const f = await import(pathToFileURL(join(safeFloorPkg, "kling3_wasm.js")).href);
  f.initSync({ module: readFileSync(join(safeFloorPkg, "kling3_wasm_bg.wasm")) });
  for (const input of inputs) {
    if (typeof f.benchFloorValidate(input)?.valid !== "boolean") throw new Error(`safe floor: no report for ${JSON.stringify(input)}`);
  }
  for (const input of valid) {
    const [floorPrice, price] = [f.benchFloorEstimate(input), estimate(input)].map((p) => JSON.stringify(p));
    if (floorPrice !== price) throw new Error(`safe floor: ${floorPrice} for ${JSON.stringify(input)}, the package says ${price}`);
    if (typeof f.benchFloorBuild(input, { apiKey: "aio_x" })?.body !== "string") throw new Error(`safe floor: no request for ${JSON.stringify(input)}`);
  }
  return safeFloorRace(f, inputs, valid, opsPerSecond);
}

/**
 * Where a release wasm's bytes go, by crate, in bytes before gzip: the module run through
 * wasm-bindgen and wasm-opt as the build does but keeping function names, then counted with
 * twiggy (`cargo install twiggy`). Names are stripped from the totals, so they add up to the
 * shipped module's code and data. `null` when twiggy is missing. The same counting as
 * bench/run.mjs's "wasm by crate" rows, in a form either can call: `raw` is the cargo output,
 * `tmp` a scratch directory of the caller's own. With `split` (a crate's name), that crate's
 * bytes are counted by its top module instead (`kling3_wasm::validate`, ...).
 */
export function wasmByCrate(raw, tmp, split = null) {
  try {
    execFileSync("twiggy", ["--version"], { stdio: "ignore" });
  } catch {
    return null;
  }
  execFileSync("wasm-bindgen", ["--target", "web", "--weak-refs", "--keep-debug", "--out-dir", tmp, raw]);
  const bg = readdirSync(tmp).find((f) => f.endsWith("_bg.wasm"));
  const named = join(tmp, "named.wasm");
  execFileSync(wasmOpt, ["-Oz", "--converge", "--debuginfo", join(tmp, bg), "-o", named]);
  const csv = execFileSync("twiggy", ["top", "-n", "1000000", "-f", "csv", named], { encoding: "utf8", maxBuffer: 1 << 26 });
  const totals = new Map();
  for (const line of csv.split("\n").slice(1)) {
    const m = line.match(/^(.*),(\d+),[\d.]+,/);
    if (!m) continue;
    const [name, size] = [m[1].replace(/^"|"$/g, ""), Number(m[2])];
    if (name.startsWith('""') || name.includes("custom section")) continue; // names kept only for this count
    const owner = name.startsWith("data segment")
      ? "data (text, tables)"
      : (name.match(/(?:^|[<&\s(])(?:&mut |&|dyn )?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/)?.[1] ??
        (/shim|__wbg|__wbindgen|__externref/.test(name) ? "wasm-bindgen glue functions" : "other"));
    const module = owner === split ? name.match(new RegExp(`${split}::([a-z_][a-z0-9_]*)`))?.[1] : undefined;
    const key = module ? `${split}::${module}` : owner;
    totals.set(key, (totals.get(key) ?? 0) + size);
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
}

/**
 * Builds the floor if needed and measures it.
 *
 * - `inputs`: the requests floor_validate is timed over; `valid` (default: `inputs`) those
 *   floor_price and floor_build are timed over, as estimateCost and buildRequest are.
 * - `opsPerSecond(fn)`: the caller's timer, so the floor is timed as the package is.
 * - `gz(buffer)`: the caller's gzip size (default gzip -9).
 *
 * Returns `{ size: { wasmRaw, wasmGzip, jsRaw, jsGzip, totalGzip, byCrate }, throughput:
 * { validateRequest, estimateCost, buildRequest } }`; byCrate is `null` without twiggy.
 */
export async function measureFloor({ inputs, valid = inputs, opsPerSecond, gz = gzip9, apiKey = "aio_x" }) {
  buildFloor();
  const wasm = readFileSync(wasmPath);
  const js = readFileSync(gluePath);
  const size = {
    wasmRaw: wasm.length,
    wasmGzip: gz(wasm),
    jsRaw: js.length,
    jsGzip: gz(js),
    totalGzip: gz(wasm) + gz(js),
    byCrate: wasmByCrate(rawWasm, join(targetDir, "names")),
  };

  const floor = await import(pathToFileURL(gluePath).href);
  floor.initSync({ module: wasm });
  let turn = 0;
  const next = (list) => list[turn++ % list.length];
  // Each function must answer as the package's does, or its time is not a floor.
  for (const input of inputs) {
    if (floor.floor_validate(input)?.valid !== true) throw new Error(`floor: floor_validate gave no report for ${JSON.stringify(input)}`);
  }
  for (const input of valid) {
    if (typeof floor.floor_price(input)?.credits !== "number") throw new Error(`floor: floor_price gave no price for ${JSON.stringify(input)}`);
    if (typeof floor.floor_build(input, apiKey)?.body !== "string") throw new Error(`floor: floor_build gave no request for ${JSON.stringify(input)}`);
  }
  const throughput = {
    validateRequest: opsPerSecond(() => floor.floor_validate(next(inputs))),
    estimateCost: opsPerSecond(() => floor.floor_price(next(valid))),
    buildRequest: opsPerSecond(() => floor.floor_build(next(valid), apiKey)),
  };
  return { size, throughput };
}

// ---- `node bench/floor.mjs` -----------------------------------------------------------------
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // bench/run.mjs's inputs (the valid ones picked as it picks them), and its timer.
  const { inputs, makeTimer } = await import("./race.mjs");
  const k = await import("kling3-wasm");
  const valid = inputs.filter((input) => k.validateRequest(input).valid);
  const { opsPerSecond, sink } = makeTimer();
  console.log(JSON.stringify(await measureFloor({ inputs, valid, opsPerSecond }), null, 2));
  console.error(`floor: sink ${sink()}`);
}
