#!/usr/bin/env bash
# Serves the test corpus and runs search_page.js in headless Chromium. Called by ctest.
#   tests/browser/run.sh ATTUNE_BIN SOURCE_DIR OUT_DIR
set -euo pipefail
bin=$1 src=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
# Exit 77 tells ctest the test was skipped: scripts/test.sh installs these, but the npm registry
# may be out of reach.
[ -d "$here/node_modules/playwright-core" ] || { echo "SKIPPED: playwright-core is not installed (npm registry unreachable?)"; exit 77; }
command -v node >/dev/null || { echo "SKIPPED: node is missing (scripts/deps.sh --test installs it)"; exit 77; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "SKIPPED: chromium is missing (scripts/deps.sh --test installs it)"; exit 77; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$bin" index --corpus "$src/corpus" --db "$work/db" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$work/db" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p "$out"
node "$here/search_page.js" "http://127.0.0.1:$port" "$out"
