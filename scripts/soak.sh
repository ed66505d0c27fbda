#!/usr/bin/env bash
# Soak test of `attune serve` (docs/reliability.md, "The HTTP service under abuse"). Not a ctest.
#   scripts/soak.sh [--minutes N] [--rate R] [--jsonl FILE] [--out DIR]
# Starts `attune serve` on corpus/ (or on a JSONL export such as bench/gen_corpus.py's, with
# --jsonl), drives it at --rate (500) requests/s, about 3 in 4 searches and 1 in 4 suggestions, with
# bench/load_fixed_rate in 60 s windows (latency from each request's intended send time), rebuilds
# the index into the same --db every 5 minutes (the first at minute 4, so the cache has filled
# first; a 10-minute run swaps twice) and samples the server's VmRSS, open fds and threads every
# 10 s. 1 request in 10 is a search not asked before (the rest repeat, as a search box's do), so
# the response cache (the production default, 64 MB) fills and evicts while most answers come
# from it.
# Prints per-window latency and a summary; exits 1 when a target is missed:
#   - no request fails (load_fixed_rate counts errors and non-200 answers);
#   - VmRSS at the end is within 10% of VmRSS after the first swap;
#   - open fds at the end are at most those after the first swap + the load generator's 16
#     connections (a leak grows with every swap and every reconnect);
#   - every swap is picked up (the generation on /healthz changes).
# Environment: ATTUNE_BUILD_DIR (default build-abuse/, a Release build without tests);
# SOAK_WINDOW_SECONDS (default 60) shortens the windows for a quick check of the script itself
# (a swap every 5 windows).
# On a shared machine other work skews latency: the load average is printed with the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=30 rate=500 jsonl="" out="" connections=16 window=${SOAK_WINDOW_SECONDS:-60} swap_every=5
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --jsonl) jsonl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--minutes N] [--rate R] [--jsonl FILE] [--out DIR]" >&2; exit 2 ;;
  esac
done
case "$minutes" in '' | *[!0-9]* | 0) echo "soak.sh: --minutes takes a whole number of minutes, not '$minutes'" >&2; exit 2 ;; esac
[ -z "$jsonl" ] || [ -f "$jsonl" ] || { echo "soak.sh: no such file: $jsonl" >&2; exit 2; }
[ -z "$jsonl" ] || jsonl=$(cd "$(dirname "$jsonl")" && pwd)/$(basename "$jsonl")

"$root/scripts/deps.sh"
command -v curl >/dev/null || "$root/scripts/deps.sh" --test
build=${ATTUNE_BUILD_DIR:-$root/build-abuse}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DATTUNE_TESTS=OFF >/dev/null
nice cmake --build "$build" -j "${ATTUNE_BUILD_JOBS:-1}" --target attune load_fixed_rate >/dev/null
bin=$build/attune load=$build/bench/load_fixed_rate

work=$(mktemp -d)
server="" sampler="" indexer=""
cleanup() {
  for p in $indexer $sampler $server; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "soak: $*"; }
build_index() {
  if [ -n "$jsonl" ]; then
    "$bin" index --jsonl "$jsonl" --taxonomy "$root/corpus/taxonomy.yaml" --db "$work/db"
  else
    "$bin" index --corpus "$root/corpus" --db "$work/db"
  fi
}

build_index >"$work/index-0.log" 2>&1 || { cat "$work/index-0.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$work/db" --port "$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
health() { curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null || echo '{}'; }
generation() { health | python3 -c 'import json,sys; print(json.load(sys.stdin).get("generation","?"))' 2>/dev/null || echo "?"; }
say "serving $(health) on port $port; corpus ${jsonl:-corpus/}; $rate requests/s for $minutes min"

# Request paths of window W (bench/queries.txt): 9 in 10 go round a fixed list of searches and
# suggestions (3 to 1), which the response cache answers after their first time since the last
# swap; 1 in 10 is a search not asked before in the run (another `limit`), computed afresh and
# added to the cache, which fills (64 MB) and evicts.
write_paths() {
  python3 - "$root/bench/queries.txt" "$work/paths.txt" "$1" "$((rate * window))" <<'PY'
import sys, urllib.parse
texts = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip() and len(l.strip()) <= 1000]
w, count = int(sys.argv[3]), int(sys.argv[4])
fixed = []
for j, t in enumerate(texts):
    if j % 4 == 3:
        fixed.append("/api/suggest?q=%s" % urllib.parse.quote(t[: 2 + j % 7]))
    else:
        fixed.append("/api/search?q=%s" % urllib.parse.quote(t))
with open(sys.argv[2], "w") as f:
    for i in range(count):
        if i % 10 == 9:
            u = w * (count // 10) + i // 10   # numbered across the run: never repeats
            f.write("/api/search?q=%s&limit=%d\n" % (urllib.parse.quote(texts[u % len(texts)]), 1 + (u // len(texts)) % 100))
        else:
            f.write(fixed[(i - i // 10) % len(fixed)] + "\n")
PY
}

# Sampler: every 10 s, seconds since start, VmRSS (kB), open fds, threads.
start=$(date +%s)
echo "seconds rss_kb fds threads" >"$work/samples.txt"
(
  while kill -0 "$server" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
    thr=$(awk '/^Threads:/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$server/fd" 2>/dev/null | wc -l)
    echo "$(($(date +%s) - start)) $rss $fds $thr" >>"$work/samples.txt"
    sleep 10
  done
) &
sampler=$!

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
gen_start=$(generation)
: >"$work/windows.txt"
swaps=0 swap_failed=0 first_swap_end=""
for ((w = 0; w < minutes * 60 / window; w++)); do
  note=""
  if [ $((w % swap_every)) -eq $((swap_every - 1)) ]; then
    # Rebuild and swap the index while the load runs.
    before=$(generation)
    t0=$(date +%s.%N)
    ( build_index >"$work/index-$((swaps + 1)).log" 2>&1; echo "$? $(python3 -c "import time; print('%.1f' % (time.time() - $t0))")" >"$work/index.rc" ) &
    indexer=$!
  fi
  write_paths "$w"
  json=$(nice -n 5 "$load" --port "$port" --rate "$rate" --seconds "$window" --connections "$connections" --paths "$work/paths.txt")
  if [ -n "$indexer" ]; then
    wait "$indexer" || true
    indexer=""
    swaps=$((swaps + 1))
    read -r rc secs <"$work/index.rc"
    sleep 1.5   # the server reopens within a second (index_watcher polls every 200 ms)
    after=$(generation)
    note="swap $swaps: index rc $rc in ${secs}s, $before -> $after"
    if [ "$rc" != 0 ] || [ "$before" = "$after" ]; then swap_failed=1; note="$note (FAILED)"; fi
    [ -n "$first_swap_end" ] || first_swap_end=$(($(date +%s) - start))
  fi
  echo "$w $json $note" >>"$work/windows.txt"
  say "window $((w + 1)): $json${note:+  [$note]}"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
gen_end=$(generation)
sleep 1
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
# a last sample, after the load
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status")
echo "$(($(date +%s) - start)) $rss $(ls "/proc/$server/fd" | wc -l) $(awk '/^Threads:/ {print $2}' "/proc/$server/status") idle" >>"$work/samples.txt"
[ -z "$out" ] || { mkdir -p "$out"; cp "$work/samples.txt" "$work/windows.txt" "$out/"; }

echo
python3 - "$work/windows.txt" "$work/samples.txt" "${first_swap_end:-0}" "$swaps" "$swap_failed" "$connections" \
  "$minutes" "$rate" "${jsonl:-corpus/}" "$load_before" "$load_after" "$gen_start" "$gen_end" "$(nproc)" <<'PY'
import json, sys
(windows_f, samples_f, first_swap_end, swaps, swap_failed, conns, minutes, rate, corpus,
 load_before, load_after, gen_start, gen_end, cores) = sys.argv[1:]
first_swap_end, swaps, swap_failed, conns = int(first_swap_end), int(swaps), int(swap_failed), int(conns)
windows = []
for line in open(windows_f):
    w, rest = line.split(" ", 1)
    end = rest.index("}") + 1
    windows.append((int(w), json.loads(rest[:end]), rest[end:].strip()))
samples = []
for line in list(open(samples_f))[1:]:
    p = line.split()
    samples.append((int(p[0]), int(p[1]), int(p[2]), int(p[3]), len(p) > 4))
loaded = [s for s in samples if not s[4]]
print("== soak: %s min at %s requests/s (about 3/4 search, 1/4 suggest), corpus %s, %s cores; load average before %s, after %s"
      % (minutes, rate, corpus, cores, load_before, load_after))
print("%-7s %8s %7s %8s %8s %9s  %s" % ("window", "sent", "errors", "p50 ms", "p99 ms", "max ms", "swap"))
for w, j, note in windows:
    print("%-7d %8d %7d %8.2f %8.2f %9.2f  %s" % (w + 1, j["sent"], j["errors"], j["p50_ms"], j["p99_ms"], j["max_ms"], note))
sent = sum(j["sent"] for _, j, _ in windows)
errors = sum(j["errors"] for _, j, _ in windows)
failed = []
print("requests: %d, errors: %d (target 0)%s" % (sent, errors, "" if errors == 0 else "  MISSED"))
if errors: failed.append("errors")
after_first = [s for s in loaded if s[0] >= first_swap_end] if swaps else []
if after_first:
    a, e = after_first[0], loaded[-1]
    growth = (e[1] - a[1]) / a[1] * 100
    ok = growth < 10
    print("VmRSS: start %.1f MiB, after the first swap (%d s) %.1f MiB, end (%d s) %.1f MiB, max %.1f MiB: growth %+.1f%% (target < 10%%)%s"
          % (loaded[0][1] / 1024, a[0], a[1] / 1024, e[0], e[1] / 1024, max(s[1] for s in loaded) / 1024, growth, "" if ok else "  MISSED"))
    if not ok: failed.append("rss")
    fds = [s[2] for s in after_first]
    ok = e[2] <= a[2] + conns
    print("open fds: start %d, after the first swap %d, end %d, min %d, max %d since the first swap (target: end <= %d)%s"
          % (loaded[0][2], a[2], e[2], min(fds), max(fds), a[2] + conns, "" if ok else "  MISSED"))
    if not ok: failed.append("fds")
    print("threads: %d..%d; after the load: VmRSS %.1f MiB, %d fds" % (min(s[3] for s in samples), max(s[3] for s in samples),
          samples[-1][1] / 1024, samples[-1][2]))
else:
    print("no swap happened (a run of at least %d minutes swaps): RSS and fd targets not checked" % 5)
print("swaps: %d, generation %s -> %s%s" % (swaps, gen_start, gen_end, "" if not swap_failed else "  (a swap FAILED)"))
if swap_failed: failed.append("swap")
print("samples (s rss_kb fds threads): " + "; ".join("%d %d %d %d" % s[:4] for s in samples))
if failed:
    print("soak: MISSED: " + ", ".join(failed)); sys.exit(1)
print("soak: ok")
PY
