#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang 14, ASan+UBSan, in build-fuzz/) and runs each for
# SECONDS (default 60). Fails when any target finds a crash, a sanitizer report, an uncaught
# exception, a leak, a timeout or runs out of memory. See docs/reliability.md ("Fuzzing").
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 300 fuzz_query
# Environment:
#   ATTUNE_FUZZ_WORK   work dir for corpora, findings and logs (default: $TMPDIR/attune-fuzz, outside
#                      the repo; corpora grow there from run to run and are never committed)
#   ATTUNE_FUZZ_JOBS   build parallelism (default: all cores)
#   ATTUNE_FUZZ_NICE   nice level of the fuzzers (default: 10)
#   ATTUNE_FUZZ_PARALLEL=1  run all targets at once (each still for SECONDS of wall time) instead of
#                      one after another: a 30-minute run of every target takes 30 minutes, not 3.5 hours
# Prints per target: seconds, executions, exec/s, crashes; writes the same, one line per target, to
# WORK/summary.txt (and WORK/summary.md as a Markdown table).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
[ $# -gt 0 ] && shift
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
all_targets=(fuzz_article fuzz_clinician fuzz_jsonl fuzz_taxonomy fuzz_crisis fuzz_query fuzz_http_params)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# Longest input per target: room for a real document or request plus what the mutator adds.
max_len() {
  case "$1" in
    fuzz_article | fuzz_taxonomy) echo 16384 ;;
    fuzz_clinician | fuzz_jsonl | fuzz_crisis) echo 8192 ;;
    fuzz_http_params) echo 4096 ;;
    fuzz_query) echo 2048 ;;
    *) echo 4096 ;;
  esac
}
dict() {
  case "$1" in
    fuzz_article | fuzz_taxonomy | fuzz_crisis) echo fuzz/dicts/yaml.dict ;;
    fuzz_clinician | fuzz_jsonl) echo fuzz/dicts/json.dict ;;
    fuzz_http_params) echo fuzz/dicts/http.dict ;;
    fuzz_query) echo fuzz/dicts/query.dict ;;
  esac
}

scripts/deps.sh --fuzz
work=$(realpath -m "${ATTUNE_FUZZ_WORK:-${TMPDIR:-/tmp}/attune-fuzz}")
case "$work/" in "$root"/*) echo "fuzz.sh: ATTUNE_FUZZ_WORK must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$work"

jobs=${ATTUNE_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTUNE_FUZZ=ON \
  -DATTUNE_TESTS=OFF -DATTUNE_BENCH=OFF -DATTUNE_SANITIZERS=ON >/dev/null
cmake --build build-fuzz -j "$jobs" --target attune_fuzzers >/dev/null

# UBSan reports stop the run like ASan's do; leaks are reported (libFuzzer checks after each input).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
command -v llvm-symbolizer-14 >/dev/null && export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)
# The query target builds its small index under TMPDIR; keep that in the work dir too.
export TMPDIR="$work"

summary="$work/summary.txt"
table="$work/summary.md"
: >"$summary"
printf '| target | seconds | executions | exec/s | crashes |\n|---|---:|---:|---:|---:|\n' >"$table"
printf '%-18s %8s %12s %8s %8s\n' target seconds executions exec/s crashes
failed=0
for t in "${targets[@]}"; do
  [ -x "build-fuzz/fuzz/$t" ] || { echo "fuzz.sh: no target $t (known: ${all_targets[*]})" >&2; exit 2; }
done

# Runs one target; prints its row and returns non-zero when it found something.
run_target() {
  local t=$1
  local bin="build-fuzz/fuzz/$t"
  local dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/findings"
  local log="$dir/log.txt" before after crashes execs rate status args
  before=$(find "$dir/findings" -type f | wc -l)
  args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
        -artifact_prefix="$dir/findings/" -print_final_stats=1)
  [ -n "$(dict "$t")" ] && args+=(-dict="$(dict "$t")")
  status=0
  nice -n "${ATTUNE_FUZZ_NICE:-10}" "$bin" "${args[@]}" "$dir/corpus" "fuzz/seeds/$t" >"$log" 2>&1 || status=$?
  after=$(find "$dir/findings" -type f | wc -l)
  crashes=$((after - before))
  [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1  # e.g. killed before writing its input
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-18s %8s %12s %8s %8s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$crashes"
  echo "$t: $seconds s, ${execs:-?} executions, ${rate:-?} exec/s, $crashes crashes" >>"$summary"
  echo "| $t | $seconds | ${execs:-?} | ${rate:-?} | $crashes |" >>"$table"
  if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: $t failed (exit $status); log: $log" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|terminate called|  what\(\))' "$log" | head -5 >&2 || true
    [ "$crashes" -gt 0 ] && ls -t "$dir/findings" | head -n "$crashes" | sed "s|^|  input: $dir/findings/|" >&2
    return 1
  fi
  return 0
}

if [ "${ATTUNE_FUZZ_PARALLEL:-0}" = 1 ]; then
  pids=()
  for t in "${targets[@]}"; do run_target "$t" >"$work/$t.row" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  for t in "${targets[@]}"; do cat "$work/$t.row"; rm -f "$work/$t.row"; done
else
  for t in "${targets[@]}"; do run_target "$t" || failed=1; done
fi
echo "summary: $summary" >&2
exit "$failed"
