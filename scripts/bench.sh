#!/usr/bin/env bash
# Indexing and query benchmark of attune against two peers on the same synthetic corpus
# (docs/benchmarks.md). Writes bench/RESULTS.md; corpora, indexes and raw JSON lines go to bench/data/.
#   scripts/bench.sh [--sizes 10k,100k,1m] [--runs N]      (default: --sizes 10k,100k --runs 5)
# For each size: generate the corpus (bench/gen_corpus.py, seed 1), index it with attune, plain
# Xapian and SQLite FTS5, then run bench/queries.txt through attune (full and core) and both peers.
# Each size runs every K-th line of bench/queries.txt so that it finishes in reasonable time.
# SQLite FTS5 takes seconds (10k) to tens of seconds (100k) for a long intake query, so it runs
# every KF-th line (a subset of the others' lines) and, from 100k on, fewer timed passes;
# bench/report.py compares attune with it on exactly that subset (from the --hits files).
#   10k: K=2 (600 queries), KF=18 (67);   100k: K=5 (240), KF=45 (27), 2 FTS5 passes;
#   1m: K=24 (50), KF=96 (13), 1 FTS5 pass;   other sizes: K=1, KF=1.
# The KF values give subsets with long intakes in about their share of the file (1 in 6; every
# 40th line, for one, holds none), since those are what FTS5 is slowest at.
# Build jobs: ATTUNE_BENCH_JOBS (default: nproc). Run it under `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=10k,100k
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=${2:?--sizes needs a list like 10k,100k}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

# "K KF FTS5_RUNS" for a size (KF a multiple of K).
sampling_for() {
  case "$1" in
    10k) echo "2 18 $runs" ;;
    100k) echo "5 45 2" ;;
    1m) echo "24 96 1" ;;
    *) echo "1 1 $runs" ;;
  esac
}

scripts/deps.sh --bench
jobs=${ATTUNE_BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DATTUNE_TESTS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target attune peer_xapian peer_fts5 >/dev/null
attune=$build/attune
xapian=$build/bench/peer_xapian
fts5=$build/bench/peer_fts5
data=bench/data
mkdir -p "$data"

log() { echo "bench.sh: $(date +%H:%M:%S) $*" >&2; }

# Machine and versions, for the report.
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
python3 - "$data/meta.json" "$("$xapian" version)" "$("$fts5" version)" "$("$compiler" --version | head -1)" \
  "$(sed -n 's/^project(attune VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)" <<'PY'
import json, os, sys, time
path, xapian, sqlite, compiler, version = sys.argv[1:6]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
ram = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 1048576
meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": ram, "loadavg": open("/proc/loadavg").read().split()[0]},
        "versions": {"xapian": xapian, "sqlite": sqlite, "compiler": compiler, "attune": version},
        "corpus_sha256": {}}
old = json.load(open(path)) if os.path.exists(path) else {}
meta["corpus_sha256"] = old.get("corpus_sha256", {})
json.dump(meta, open(path, "w"), indent=1)
PY

# Appends each JSON line of a command's stdout to the results, with "size" and "every" added.
collect() {
  local out=$1 size=$2 every=$3
  shift 3
  "$@" | python3 -c '
import json, sys
size, every, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "a") as f:
    for line in sys.stdin:
        j = json.loads(line)
        j["size"], j["every"] = size, every
        f.write(json.dumps(j) + "\n")
        print(line, end="", file=sys.stderr)
' "$size" "$every" "$out"
}

IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  read -r every fts5_every fts5_runs <<<"$(sampling_for "$size")"
  corpus=$data/corpus-$size.jsonl
  if [ ! -s "$corpus" ] || [ bench/gen_corpus.py -nt "$corpus" ]; then
    log "generating $corpus"
    python3 bench/gen_corpus.py --docs "$size" --out "$corpus.tmp" --seed 1
    mv "$corpus.tmp" "$corpus"
  fi
  sha=$(sha256sum "$corpus" | cut -d' ' -f1)
  python3 -c 'import json,sys; p,s,h=sys.argv[1:4]; m=json.load(open(p)); m["corpus_sha256"][s]=h; json.dump(m,open(p,"w"),indent=1)' \
    "$data/meta.json" "$size" "$sha"
  results=$data/results-$size.jsonl
  : >"$results"
  rm -rf "$data/attune-$size" "$data/xapian-$size" "$data/fts5-$size.sqlite"*

  log "$size: indexing with attune"
  collect "$results" "$size" "$every" "$attune" index --jsonl "$corpus" --taxonomy corpus/taxonomy.yaml \
    --db "$data/attune-$size" --stats-json
  log "$size: indexing with plain Xapian"
  collect "$results" "$size" "$every" "$xapian" index --jsonl "$corpus" --taxonomy corpus/taxonomy.yaml \
    --db "$data/xapian-$size"
  log "$size: indexing with SQLite FTS5"
  collect "$results" "$size" "$every" "$fts5" index --jsonl "$corpus" --taxonomy corpus/taxonomy.yaml \
    --db "$data/fts5-$size.sqlite"

  for mode in full core; do
    log "$size: queries through attune ($mode), every $every"
    collect "$results" "$size" "$every" "$attune" bench --db "$data/attune-$size" --queries bench/queries.txt \
      --every "$every" --runs "$runs" --mode "$mode" --hits "$data/hits-$size-attune-$mode.jsonl"
  done
  log "$size: queries through plain Xapian, every $every"
  collect "$results" "$size" "$every" "$xapian" query --db "$data/xapian-$size" --queries bench/queries.txt \
    --every "$every" --runs "$runs" --hits "$data/hits-$size-xapian.jsonl"
  log "$size: queries through SQLite FTS5, every $fts5_every, $fts5_runs timed passes"
  collect "$results" "$size" "$fts5_every" "$fts5" query --db "$data/fts5-$size.sqlite" --queries bench/queries.txt \
    --every "$fts5_every" --runs "$fts5_runs" --hits "$data/hits-$size-fts5.jsonl"
done

# The report covers every size with results in bench/data/, from this run or an earlier one.
python3 bench/report.py --data "$data" --sizes all --out bench/RESULTS.md
log "wrote bench/RESULTS.md"
