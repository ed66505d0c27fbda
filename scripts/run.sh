#!/usr/bin/env bash
# Sets up and runs attune on the bundled corpus.
#   scripts/run.sh                 build, index corpus/ when needed, and serve the API and search page
#   scripts/run.sh search "..."    any attune subcommand with its arguments
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DATTUNE_TESTS=OFF >/dev/null
cmake --build build -j "$jobs" >/dev/null
db=${ATTUNE_DB:-.attune/index}
# Re-index when there is no index, or the corpus or the attune binary is newer than it.
if [ ! -f "$db/XAPIANDB" ] || [ build/attune -nt "$db/XAPIANDB" ] || [ -n "$(find corpus -newer "$db/XAPIANDB" -print -quit)" ]; then
  build/attune index --corpus corpus --db "$db"
fi
if [ $# -eq 0 ]; then
  port=${ATTUNE_PORT:-8080}
  echo "attune: open http://127.0.0.1:$port/ (Ctrl-C to stop)"
  exec build/attune serve --db "$db" --port "$port"
fi
exec build/attune "$@"
