#!/usr/bin/env bash
# Sets up and runs attune on the bundled corpus.
#   scripts/run.sh                 build, index corpus/ when needed, and show example searches
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
  for q in "fear of intimacy" "I push people away when they get close" "my teenager won't talk to me"; do
    echo "\$ attune search --limit 3 \"$q\""
    build/attune search --db "$db" --limit 3 "$q"
    echo
  done
  exit 0
fi
exec build/attune "$@"
