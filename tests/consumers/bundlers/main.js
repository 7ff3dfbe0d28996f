// A browser page of an app that imports the package by name: each bundler builds it with no
// configuration beyond entry, output and mode (esbuild: its documented setting), follows the
// package to its wasm, and emits that as a file beside the bundle.
import * as k from "kling3-wasm";
import { scenario } from "../scenario.js";

scenario(k, "/api/v1").then(
  (result) => (window.__result = result),
  (error) => (window.__result = { error: String(error) }),
);
