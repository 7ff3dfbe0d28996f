// Bundled for the browser by webpack 5 and by Rspack with no configuration beyond entry, output
// and mode: the package's plain import, whose `new URL("….wasm", import.meta.url)` each bundler
// follows and emits as an asset file beside the bundle.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
