// Built by Vite for the browser: the package's default (web) entry, whose wasm Vite finds through
// `new URL("….wasm", import.meta.url)` and emits as an asset.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
