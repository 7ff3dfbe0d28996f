// `kling3-wasm/inline`: the wasm travels inside the JS as base64 and is instantiated at import,
// with no fetch and no setting, in any bundler.
import * as k from "kling3-wasm/inline";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
