// Bundled by esbuild for the browser. esbuild does not follow `new URL("….wasm", import.meta.url)`,
// so this consumer imports `kling3-wasm/inline`, which carries the wasm inside the JS.
import * as k from "kling3-wasm/inline";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
