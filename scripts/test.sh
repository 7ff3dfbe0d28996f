#!/usr/bin/env bash
# Everything `npm test` runs, in order; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "set-up (Rust wasm target, wasm-bindgen CLI, npm packages, Chromium)"
bash scripts/setup.sh --browser

step "build pkg/"
node scripts/build.mjs

step "cargo fmt --check and clippy"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --lib -- -D warnings

step "Rust core: unit, doc and property tests"
cargo test --quiet

step "bindings in Node (wasm-bindgen-test)"
cargo test --target wasm32-unknown-unknown --test wasm_node

step "bindings in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_browser

step "TypeScript: a strict consumer of the generated types"
npx --no-install tsc -p tests/types/tsconfig.json

step "the package from Node, and the package and the page in Chromium (node --test)"
node --test --test-concurrency=1 tests/node/ tests/browser/
