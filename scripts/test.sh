#!/usr/bin/env bash
# Everything `npm test` runs, in order; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

# Cargo builds in one folder shared by every clone (unless CARGO_TARGET_DIR says where), so a
# fresh clone compiles only this crate, not its dependencies again.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kling3-wasm/target}"

step "set-up (Rust wasm target, wasm-bindgen CLI, npm packages, Chromium, Bun, workerd)"
bash scripts/setup.sh --test

step "build pkg/"
node scripts/build.mjs

step "cargo fmt --check and clippy"
cargo fmt --check
node scripts/check-layers.mjs
# The features only add code: the host with `ts` (the example that writes the types needs it),
# the wasm with `bench-floor` (the bench's safe floor) and its tests.
cargo clippy --quiet --all-targets --features ts -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --lib --tests --features bench-floor -- -D warnings

step "Rust core: unit and doc tests"
cargo test --quiet --lib
cargo test --quiet --doc

# A failing case is shrunk and printed, and its seed is saved (a `cc` line) in
# tests/properties.proptest-regressions, which every later run replays first: commit that line.
step "Rust core: property tests, 100 000 generated inputs each (optimised proptest profile)"
PROPTEST_CASES=100000 cargo test --quiet --profile proptest --test properties

step "start the sandbox for the wasm client tests"
sandbox_out=$(mktemp)
node tests/support/serve-sandbox.mjs >"$sandbox_out" &
sandbox_pid=$!
# The background Node passes (below) join this list; whatever ends the run stops them all.
other=()
trap 'kill $sandbox_pid 2>/dev/null || true; rm -f "$sandbox_out"; for e in "${other[@]}"; do kill "${e%%:*}" 2>/dev/null || true; done' EXIT
for _ in $(seq 1 100); do [ -s "$sandbox_out" ] && break; sleep 0.1; done
KLING_SANDBOX_URL=$(head -n 1 "$sandbox_out")
[ -n "$KLING_SANDBOX_URL" ] || { echo "the sandbox did not start" >&2; exit 1; }
export KLING_SANDBOX_URL

step "the binding layer and the client in Node (wasm-bindgen-test)"
cargo test --target wasm32-unknown-unknown --test wasm_node

step "the binding layer and the client in headless Chromium, across origins (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_browser

step "TypeScript: a strict consumer of the generated types"
npx --no-install tsc -p tests/types/tsconfig.json

# Files, not folders: `node --test some/folder/` stops working in Node 21+. Each test has a time
# limit, so a server that dies fails its test instead of hanging the run.
suites=(tests/node/*.test.mjs tests/browser/*.test.mjs tests/consumers/*.test.mjs)
node_test=(--test --test-concurrency=1 --test-timeout=180000 --test-reporter=tap)

# The README promises Node 20 and newer: the Node-facing suites (the package, client, sandbox and
# proxy in Node) also run under 22 and 24, the current LTS lines. The browser, bundler and
# runtime consumers run once, below; a Node version does not change what a browser or another
# runtime does. These two passes start now, in the background, each into a log of its own: the
# tester's tests mostly wait on a browser, so the three share the machine well. Their logs are
# shown, and their results counted, at the end.
for bin in $(bash scripts/other-nodes.sh); do
  log=$(mktemp)
  PATH="$bin:$PATH" node "${node_test[@]}" tests/node/*.test.mjs >"$log" 2>&1 &
  other+=("$!:$bin:$log")
done

step "the tester page in Chromium (Playwright, against npm start's sandbox)"
npx --no-install playwright test

step "the package, client, sandbox and proxy from Node, the package in Chromium, and every consumer (node --test, Node $(node --version))"
node "${node_test[@]}" "${suites[@]}"

failed=0
for entry in "${other[@]}"; do
  IFS=: read -r pid bin log <<<"$entry"
  status=0
  wait "$pid" || status=$?
  step "the Node suites under Node $("$bin/node" --version)"
  cat "$log"
  rm -f "$log"
  [ "$status" = 0 ] || { echo "the Node suites failed under $bin/node" >&2; failed=1; }
done
exit "$failed"
