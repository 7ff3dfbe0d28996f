// Bundled by esbuild for the browser, with the package's plain import. esbuild does not follow
// `new URL("….wasm", import.meta.url)`, so the wasm is not beside the bundle: the package sees
// that and instantiates the copy it carries as base64 instead.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
