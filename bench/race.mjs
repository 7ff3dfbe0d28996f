// The throughput race, the same in Node (bench/run.mjs) and in Chromium (bundled by esbuild and
// run in a page): each contender's calls a second on the same inputs.
import { plainBuild, plainPrice, plainValidate, zodBuild, zodPrice, zodValidate } from "./plain.mjs";

const url = (n) => `https://example.com/${n}.png`;
/** The same inputs for every contender: valid and invalid, simple, multi-shot, elements, image. */
export const inputs = [
  { prompt: "A golden retriever running through a field of sunflowers at sunset, cinematic quality", mode: "pro", duration: 10 },
  { prompt: "@dog runs to the sea", image: "https://example.com/dog.jpg", kling_elements: [{ name: "dog", description: "the dog", element_input_urls: [url(1), url(2)] }] },
  { multi_shots: true, mode: "pro", multi_prompt: [{ prompt: "a boat leaves the harbour", duration: 4 }, { prompt: "the storm", duration: 6 }], sound: false },
  { prompt: "a cat", aspect_ratio: "9:16", seed: 7 },
  { prompt: "", mode: "ultra", duration: 20, image: "ftp://x/y.png" },
  { multi_shots: true, duration: 9, multi_prompt: [{ prompt: "a", duration: 4 }, { prompt: "b", duration: 4 }] },
];

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

/**
 * The safe floor's race (`f`: the bench-floor build's module, see bench/floor.mjs): the
 * package's own reader and answers with no rule, on the same inputs as `race`.
 */
export function safeFloorRace(f, inputs, valid, opsPerSecond) {
  let turn = 0;
  const next = (list) => list[turn++ % list.length];
  return {
    validateRequest: opsPerSecond(() => f.benchFloorValidate(next(inputs))),
    estimateCost: opsPerSecond(() => f.benchFloorEstimate(next(valid))),
    buildRequest: opsPerSecond(() => f.benchFloorBuild(next(valid), { apiKey: "aio_x" })),
  };
}

/** `safeFloorRace` in a page: `url` is the bench-floor build's web glue, served. */
export async function safeFloorInPage(url, inputs, valid) {
  const f = await import(/* @vite-ignore */ url);
  await f.default();
  const { opsPerSecond, sink } = makeTimer();
  return { throughput: safeFloorRace(f, inputs, valid, opsPerSecond), sink: sink() };
}
