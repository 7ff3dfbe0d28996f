// The throughput race, the same in Node (bench/run.mjs) and in Chromium (bundled by esbuild and
// run in a page): each contender's calls a second on the same inputs.
import { plainBuild, plainPrice, plainValidate, zodBuild, zodPrice, zodValidate } from "./plain.mjs";

/**
 * A timer whose every measured call feeds a sink, printed by the caller, so the JIT cannot drop
 * a call whose result is unused. `opsPerSecond(fn)`: calls a second, in five windows of 200 ms
 * after a warm-up; the median window.
 */
export function makeTimer() {
  let sink = 0;
  const keep = (r) => {
    sink = (sink + (typeof r === "number" ? r : r === undefined || r === null ? 1 : 2)) % 1_000_003;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  function opsPerSecond(fn) {
    for (let i = 0; i < 2000; i++) keep(fn());
    const windows = [];
    for (let w = 0; w < 5; w++) {
      let n = 0;
      const start = performance.now();
      const end = start + 200;
      while (performance.now() < end) {
        for (let i = 0; i < 100; i++) keep(fn());
        n += 100;
      }
      windows.push(n / ((performance.now() - start) / 1000));
    }
    return Math.round(median(windows));
  }
  return { opsPerSecond, sink: () => sink };
}

/**
 * Runs the race for the package `k` (as imported where this runs) on `inputs` (`valid`: those
 * that pass, for the functions that need a valid request). Returns `{ throughput: { fn: { name:
 * ops } }, sink }`.
 */
export function race(k, inputs, valid, opsPerSecond) {
  let turn = 0;
  const next = (list) => list[turn++ % list.length];
  const contenders = {
    validateRequest: { "kling3-wasm": () => k.validateRequest(next(inputs)), zod: () => zodValidate(next(inputs)), "plain JS": () => plainValidate(next(inputs)) },
    estimateCost: { "kling3-wasm": () => k.estimateCost(next(valid)), zod: () => zodPrice(next(valid)), "plain JS": () => plainPrice(next(valid)) },
    buildRequest: { "kling3-wasm": () => k.buildRequest(next(valid), { apiKey: "aio_x" }), zod: () => zodBuild(next(valid), "aio_x"), "plain JS": () => plainBuild(next(valid), "aio_x") },
  };
  const throughput = {};
  for (const [fn, impls] of Object.entries(contenders)) {
    throughput[fn] = {};
    for (const [name, run] of Object.entries(impls)) throughput[fn][name] = opsPerSecond(run);
  }
  return throughput;
}

/** The race in a browser page: what bench/run.mjs bundles and calls there. */
export async function raceInPage(inputs, valid) {
  const k = await import(/* @vite-ignore */ "/pkg/web.js");
  const { opsPerSecond, sink } = makeTimer();
  const throughput = race(k, inputs, valid, opsPerSecond);
  return { throughput, sink: sink() };
}
