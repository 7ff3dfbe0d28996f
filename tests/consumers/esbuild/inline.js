// Bundled by esbuild for the browser: `kling3-wasm/inline` carries the wasm inside the JS and
// instantiates it at import, with no fetch.
import * as k from "kling3-wasm/inline";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
