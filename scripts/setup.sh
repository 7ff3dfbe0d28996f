#!/usr/bin/env bash
# Installs what building and testing need, from the package registries only. Idempotent and
# quick when everything is there already.
#   bash scripts/setup.sh            Rust wasm target, wasm-bindgen CLI, npm dependencies
#   bash scripts/setup.sh --test     the same, plus what the tests run in: Debian's Chromium,
#                                    ChromeDriver and redis-server, and each consumer's lockfile
#                                    (Bun, workerd, the frameworks and bundlers)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again"
command -v rustup >/dev/null || die "rustup is missing: the wasm32 target is added with rustup; install Rust with rustup"
command -v node >/dev/null || die "node is missing: install Node.js 20.16+ or 22.3+"
# The package takes node:fs from process.getBuiltinModule: Node 20.16 and later 20s, 22.3 and later.
node -e 'process.exit(typeof process.getBuiltinModule === "function" ? 0 : 1)' \
  || die "Node.js $(node --version) is too old: 20.16+ or 22.3+ is needed"

# 1. The Rust target for WebAssembly.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. The wasm-bindgen CLI, at exactly the version Cargo.toml pins.
want=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)
[ -n "$want" ] || die "could not read the pinned wasm-bindgen version from Cargo.toml"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want with cargo (a few minutes, once)"
  # --locked is tried first; some releases' lockfiles name crates the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want" --locked \
    || cargo install wasm-bindgen-cli --version "$want" \
    || die "could not install wasm-bindgen-cli $want"
fi

# 3. npm dependencies, when package-lock.json changed since the last install.
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing npm dependencies"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch "$stamp"
fi

# 4. For the tests: Debian's Chromium and its driver (no browser download), and the runtimes
#    the consumer tests use, whose npm packages carry their binaries (Linux x64).
if [ "${1:-}" = "--test" ]; then
  # Each consumer with a lockfile of its own (the runtimes, and the frameworks and bundlers it
  # builds with), installed from the registry as the lockfile says.
  for lock in tests/consumers/*/package-lock.json; do
    dir=$(dirname "$lock")
    if [ ! -f "$dir/node_modules/.setup-stamp" ] || [ "$lock" -nt "$dir/node_modules/.setup-stamp" ]; then
      say "installing $dir's packages from npm"
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
      touch "$dir/node_modules/.setup-stamp"
    fi
  done
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    command -v apt-get >/dev/null || die "Chromium is missing and apt-get is not there: install chromium and chromium-driver"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian's chromium and chromium-driver (about a minute, once)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # Debian's Redis, which the proxy's Redis store is tested against (the test starts its own).
  if ! command -v redis-server >/dev/null; then
    command -v apt-get >/dev/null || die "redis-server is missing and apt-get is not there: install redis-server"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian's redis-server (once)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  fi
fi
