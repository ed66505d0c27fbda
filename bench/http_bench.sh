#!/usr/bin/env bash
# HTTP benchmark of `attune serve` on the bundled corpus (not a test; figures go in the issue note).
#   bench/http_bench.sh [SECONDS]     needs wrk (apt-get install wrk) and a build in build/
# 1. wrk, 64 connections: maximum throughput of mixed search (3 in 4) and suggest (1 in 4) requests.
# 2. load_fixed_rate: latency from intended send time at fixed rates, for search and for suggest.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v wrk >/dev/null || { echo "http_bench.sh: needs wrk (apt-get install wrk)"; exit 1; }
cmake --build build -j "$(nproc)" >/dev/null
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
build/attune index --corpus corpus --db "$work/db" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/attune serve --db "$work/db" --port "$port" --threads 64 2>/dev/null &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# Query paths from the judged queries (their text, URL-encoded), and 2-8 letter prefixes for suggest.
python3 - "$work" <<'PY'
import sys, urllib.parse
work = sys.argv[1]
texts = [l.rstrip("\n").split("\t")[2] for l in open("queries/topics.tsv", encoding="utf-8")][1:]
with open(work + "/search.txt", "w") as f:
    for t in texts: f.write("/api/search?q=" + urllib.parse.quote(t) + "\n")
with open(work + "/suggest.txt", "w") as f:
    for i, t in enumerate(texts): f.write("/api/suggest?q=" + urllib.parse.quote(t[: 2 + i % 7]) + "\n")
with open(work + "/mixed.lua", "w") as f:
    f.write("local s, g = {}, {}\n")
    f.write('for l in io.lines("%s/search.txt") do s[#s+1] = l end\n' % work)
    f.write('for l in io.lines("%s/suggest.txt") do g[#g+1] = l end\n' % work)
    f.write("local i = 0\nrequest = function()\n  i = i + 1\n"
            "  if i % 4 == 0 then return wrk.format('GET', g[(i % #g) + 1]) end\n"
            "  return wrk.format('GET', s[(i % #s) + 1])\nend\n")
PY
echo "== wrk: 64 connections, ${secs}s, mixed search/suggest"
wrk -t2 -c64 -d"${secs}s" -s "$work/mixed.lua" "http://127.0.0.1:$port/" | grep -E "Requests/sec|Latency|Socket errors|Non-2xx" || true
for rate in 100 250 500 1000; do
  echo "== fixed rate search $rate/s"
  build/bench/load_fixed_rate --port "$port" --rate "$rate" --seconds 10 --connections 32 --paths "$work/search.txt"
done
for rate in 500 1000; do
  echo "== fixed rate suggest $rate/s"
  build/bench/load_fixed_rate --port "$port" --rate "$rate" --seconds 10 --connections 32 --paths "$work/suggest.txt"
done
