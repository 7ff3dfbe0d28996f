#!/usr/bin/env node
// Checks that the crate's layers only point down: core <- interop <- client <- bindings.
//   core      every module of src/ but the three below: plain Rust, tested on the host
//   interop   src/interop/: the JS imports that catch, and the value converters
//   client    src/client.rs: sends, waits, and applies the core's verdicts
//   bindings  src/bindings/: the #[wasm_bindgen] surface
// A file may name (`crate::…`) only its own layer and those below it. Exits 1, naming each
// file and line that breaks the rule.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const order = ["core", "interop", "client", "bindings"];

/** The layer of a file under src/, or of a top-level module named after `crate::`. */
function layerOf(module) {
  if (module === "interop" || module === "client" || module === "bindings") return module;
  return "core";
}

const problems = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith(".rs")) check(path);
  }
};
function check(path) {
  const file = relative(src, path).split("\\").join("/");
  // lib.rs declares every module: it stands above them all.
  if (file === "lib.rs") return;
  const own = order.indexOf(layerOf(file.split("/")[0].replace(/\.rs$/, "")));
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (/^\s*\/\//.test(line)) return; // comments and doc comments may name any layer
      // `crate::a::…`, and each of `crate::{a, b::…}`.
      const named = [...line.matchAll(/\bcrate::(\w+)/g)].map((m) => m[1]);
      for (const [, group] of line.matchAll(/\bcrate::\{([^}]*)\}/g)) named.push(...group.split(",").map((p) => p.trim().split("::")[0]).filter(Boolean));
      for (const module of named) {
        const layer = order.indexOf(layerOf(module));
        if (layer > own) problems.push(`src/${file}:${i + 1}: the ${order[own]} layer names crate::${module} (${order[layer]}), a layer above it`);
      }
    });
}
walk(src);
if (problems.length > 0) {
  console.error(`check-layers: the layers must point down (core <- interop <- client <- bindings):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.error("check-layers: core <- interop <- client <- bindings, no arrow up");
