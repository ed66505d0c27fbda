#!/usr/bin/env bash
# Installs what is missing, builds attune with its tests (warnings as errors) and runs them.
# Usage: scripts/test.sh            (set ATTUNE_SANITIZERS=ON for an ASan+UBSan build in build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
# playwright-core drives Debian's Chromium in the browser test (no browser download).
# Without registry access the browser test reports itself skipped; everything else still runs.
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
    echo "test.sh: could not install playwright-core from the npm registry; the browser test will be skipped" >&2
fi
sanitizers=${ATTUNE_SANITIZERS:-OFF}
dir=build-test
[ "$sanitizers" = ON ] && dir=build-asan
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTUNE_TESTS=ON -DATTUNE_WERROR=ON \
  -DATTUNE_SANITIZERS="$sanitizers" >/dev/null
cmake --build "$dir" -j "$jobs"
cd "$dir"
ctest --output-on-failure -j "$jobs"
