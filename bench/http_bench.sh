#!/usr/bin/env bash
# HTTP benchmark of `attune serve` (not a test; figures go in the issue note and docs/benchmarks.md).
#   bench/http_bench.sh [--seconds N] [--jsonl FILE] [--cache-mb N] [--threads N]
# Needs wrk (apt-get install wrk) and a Release build in build/.
#   --jsonl FILE   index a JSONL corpus (e.g. from bench/gen_corpus.py --docs 100k) instead of corpus/
#   --cache-mb N   the server's response cache; 0 measures every request computed afresh
# Queries: bench/queries.txt (search-box lengths only: at most 1,000 characters), suggest prefixes
# of 2-8 letters from the same lines.
# 1. wrk, 64 connections: maximum throughput of mixed search (3 in 4) and suggest (1 in 4) requests.
# 2. load_fixed_rate: latency from each request's intended send time at fixed rates (wrk alone
#    hides stalls), for search and for suggest.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=30 jsonl="" cache_mb=64 threads=64
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) secs=$2; shift 2 ;;
    --jsonl) jsonl=$2; shift 2 ;;
    --cache-mb) cache_mb=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--jsonl FILE] [--cache-mb N] [--threads N]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "http_bench.sh: needs wrk (apt-get install wrk)"; exit 1; }
cmake --build build -j "$(nproc)" --target attune load_fixed_rate >/dev/null
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "$jsonl" ]; then
  build/attune index --jsonl "$jsonl" --taxonomy corpus/taxonomy.yaml --db "$work/db" 2>/dev/null
else
  build/attune index --corpus corpus --db "$work/db" 2>/dev/null
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/attune serve --db "$work/db" --port "$port" --threads "$threads" --cache-mb "$cache_mb" 2>/dev/null &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "== corpus: ${jsonl:-corpus/}, $(curl -sf "http://127.0.0.1:$port/healthz"), cache ${cache_mb} MB, ${threads} threads"

python3 - "$work" <<'PY'
import sys, urllib.parse
work = sys.argv[1]
texts = [l.strip() for l in open("bench/queries.txt", encoding="utf-8") if l.strip() and len(l.strip()) <= 1000]
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
print("== %d search paths, %d suggest paths" % (len(texts), len(texts)))
PY
echo "== wrk: 64 connections, ${secs}s, mixed search/suggest"
wrk -t2 -c64 -d"${secs}s" -s "$work/mixed.lua" "http://127.0.0.1:$port/" | grep -E "Requests/sec|Latency|Socket errors|Non-2xx" || true
for rate in 250 500 1000; do
  echo "== fixed rate search $rate/s"
  build/bench/load_fixed_rate --port "$port" --rate "$rate" --seconds 10 --connections 32 --paths "$work/search.txt"
done
for rate in 500 1000; do
  echo "== fixed rate suggest $rate/s"
  build/bench/load_fixed_rate --port "$port" --rate "$rate" --seconds 10 --connections 32 --paths "$work/suggest.txt"
done
curl -sf "http://127.0.0.1:$port/metrics" | grep -E "^attune_cache_(hits|misses)_total" || true
