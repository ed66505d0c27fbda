#!/usr/bin/env bash
# Crash-safety torture of the index build (docs/reliability.md, "Crash safety of the index").
#   scripts/torture.sh [ROUNDS]        (default 100; run it under `nice` on a shared machine)
# Generates a 10k-document corpus once (bench/gen_corpus.py, seed 1) in a work dir outside the repo,
# times one untimed full build, then each round starts a build (a full rebuild; on alternate rounds
# `attune index --update` when the indexer has that flag) and kill -9s it after a random delay within
# that build's duration. Random kills almost never land on the switch itself (a few milliseconds of a
# long build), so ROUNDS/10 more rounds (ATTUNE_TORTURE_SWITCH_ROUNDS) aim there: alternately the
# kill goes out as soon as XAPIANDB.tmp appears (the new stub written, not yet renamed) and as soon
# as XAPIANDB is replaced (renamed, the old generations not yet cleaned). After each kill:
#   - the XAPIANDB stub names a generation directory, and `xapian-check` passes on it;
#   - Xapian follows the stub to that very generation (same UUID) and it holds the full corpus;
#   - `attune search --json` answers, and a long-running `attune serve` reports the stub's generation
#     with the full document count on /healthz (old or new generation, never a mix);
#   - besides the live generation and the previous one (kept on purpose for readers that still have
#     it open) at most one abandoned build directory is left, and the next build that gets as far as
#     creating its own generation has removed it.
# A final uninterrupted build must leave only the live and the previous generation.
# Prints one line per round and a summary; exits 1 on any failure (the work dir is then kept).
# Environment:
#   ATTUNE_BIN            the attune binary (default: build/attune)
#   ATTUNE_TORTURE_WORK   work dir (default: a new mktemp -d, removed after a clean run)
#   ATTUNE_TORTURE_SEED   seed of the kill delays (default: 1)
#   ATTUNE_TORTURE_DOCS   corpus size (default: 10k)
#   ATTUNE_TORTURE_SWITCH_ROUNDS  rounds killed at the switch, after the random ones (default: ROUNDS/10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-100}
case "$rounds" in '' | *[!0-9]*) echo "torture.sh: ROUNDS must be a whole number, not '$rounds'" >&2; exit 2 ;; esac
bin=${ATTUNE_BIN:-$root/build/attune}
[ -x "$bin" ] || { echo "torture.sh: no attune binary at $bin (build it, or set ATTUNE_BIN)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
docs_arg=${ATTUNE_TORTURE_DOCS:-10k}
switch_rounds=${ATTUNE_TORTURE_SWITCH_ROUNDS:-$((rounds / 10))}
RANDOM=${ATTUNE_TORTURE_SEED:-1}

"$root/scripts/deps.sh"   # xapian-tools (xapian-check, xapian-delve)
python3 -c 'import yaml' 2>/dev/null || "$root/scripts/deps.sh" --bench   # PyYAML for gen_corpus.py

work=${ATTUNE_TORTURE_WORK:-$(mktemp -d)}
mkdir -p "$work"
db=$work/db
server="" indexer="" failures=0
cleanup() {
  [ -n "$indexer" ] && kill -9 "$indexer" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
say() { echo "torture: $*"; }
problem() { echo "  FAIL: $*"; failures=$((failures + 1)); }
gen_num() { echo $((10#${1#gen-})); }
stub_gen() { [ -f "$db/XAPIANDB" ] && awk '{print $2}' "$db/XAPIANDB" || true; }
gen_dirs() { (cd "$db" && ls -d gen-* 2>/dev/null) || true; }
uuid_of() { xapian-delve "$1" 2>/dev/null | sed -n 's/^UUID = //p' || true; }
docs_of() { xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p' || true; }
health() { curl -sf --max-time 5 "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["generation"], d["documents"])' 2>/dev/null || echo "- -"; }

corpus=$work/corpus-$docs_arg.jsonl
if [ ! -s "$corpus" ]; then
  say "generating $docs_arg documents into $corpus"
  python3 "$root/bench/gen_corpus.py" --docs "$docs_arg" --out "$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi
expected=$(wc -l <"$corpus")
index_args=(index --jsonl "$corpus" --taxonomy "$root/corpus/taxonomy.yaml" --db "$db")
if "$bin" index --help 2>&1 | grep -q -- '--update'; then
  has_update=1
  say "attune index --update exists: odd rounds run it, even rounds a full rebuild"
else
  has_update=""
  say "attune index has no --update flag: every round is a full rebuild"
fi

# The untimed first build: gives the index to keep serving and the typical build duration.
rm -rf "$db"
t0=$(date +%s.%N)
"$bin" "${index_args[@]}" 2>"$work/first.log" || { cat "$work/first.log"; exit 1; }
duration=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
say "first build: $(tail -1 "$work/first.log"); $duration s wall, kills land in [0, $duration) s"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --port "$port" --threads 2 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# Checks the index after a round; $1: what happened, for messages.
verify() {
  local what=$1 live dir_uuid stub_uuid n out gen hdocs
  live=$(stub_gen)
  if [ -z "$live" ] || [ ! -d "$db/$live" ]; then problem "$what: the stub names '$live', which is not a generation directory"; return; fi
  xapian-check "$db/$live" >"$work/check.log" 2>&1 || { problem "$what: xapian-check fails on $live: $(tail -3 "$work/check.log")"; }
  dir_uuid=$(uuid_of "$db/$live") stub_uuid=$(uuid_of "$db")
  [ -n "$stub_uuid" ] && [ "$stub_uuid" = "$dir_uuid" ] || problem "$what: the stub does not lead to $live (UUID '$stub_uuid', $live has '$dir_uuid')"
  n=$(docs_of "$db")
  [ "$n" = "$expected" ] || problem "$what: the live index has '$n' documents, expected $expected"
  out=$("$bin" search --json --db "$db" "worried all the time and cannot sleep" 2>&1) || problem "$what: attune search failed: $out"
  echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"] and d["clinicians"]' 2>/dev/null \
    || problem "$what: attune search answered without results or JSON: ${out:0:200}"
  # The server follows the stub within its 200 ms poll.
  for _ in $(seq 50); do read -r gen hdocs <<<"$(health)"; [ "$gen" = "$live" ] && break; sleep 0.1; done
  [ "$gen $hdocs" = "$live $expected" ] || problem "$what: the server answers '$gen' with '$hdocs' documents, expected $live with $expected"
}

verify "first build"
previous=""            # the generation live before the last switch, kept on purpose
abandoned=""           # abandoned build directories seen after the last round
kills=0 completed=0 before_writing=0 mid_build=0 before_rename=0 after_switch=0 update_rounds=0
# Kills the indexer $1 as soon as FILE $3 is (re)written (tmp) or replaced (switch); gives up when it exits.
cat >"$work/kill_at.py" <<'PY'
import os, signal, sys, time
pid, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def ident():
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns)
    except FileNotFoundError:
        return None
first = ident()
while True:
    now = ident()
    if now != first and (mode == "switch" or now is not None):
        os.kill(pid, signal.SIGKILL)
        break
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split(") ")[-1].startswith("Z"):
                break
    except (ProcessLookupError, FileNotFoundError):
        break
    time.sleep(0.0002)
PY
for round in $(seq $((rounds + switch_rounds))); do
  args=("${index_args[@]}")
  kind=full
  if [ -n "$has_update" ] && [ $((round % 2)) = 1 ]; then args+=(--update); kind=update; update_rounds=$((update_rounds + 1)); fi
  live_before=$(stub_gen)
  max_before=0
  for d in $(gen_dirs); do [ "$(gen_num "$d")" -gt "$max_before" ] && max_before=$(gen_num "$d"); done
  tmp_before=$(stat -c '%i %y' "$db/XAPIANDB.tmp" 2>/dev/null || true)
  "$bin" "${args[@]}" 2>"$work/round.log" &
  indexer=$!
  if [ "$round" -le "$rounds" ]; then
    delay=$(awk -v r="$RANDOM" -v t="$duration" 'BEGIN { printf "%.3f", r / 32768 * t }')
    at="at ${delay} s"
    sleep "$delay"
    kill -9 "$indexer" 2>/dev/null || true
  elif [ $(((round - rounds) % 2)) = 1 ]; then
    at="as XAPIANDB.tmp appeared"
    { python3 "$work/kill_at.py" "$indexer" tmp "$db/XAPIANDB.tmp"; } 2>/dev/null   # (no "Killed" job message)
  else
    at="as XAPIANDB was replaced"
    { python3 "$work/kill_at.py" "$indexer" switch "$db/XAPIANDB"; } 2>/dev/null   # (no "Killed" job message)
  fi
  status=0
  { wait "$indexer"; } 2>/dev/null || status=$?   # (no "Killed" job message)
  indexer=""
  live=$(stub_gen)
  created=""   # did this build get as far as creating its own generation (so its first cleaning ran)?
  for d in $(gen_dirs); do [ "$(gen_num "$d")" -gt "$max_before" ] && created=$d; done
  if [ "$status" = 137 ]; then
    kills=$((kills + 1))
    if [ "$live" != "$live_before" ]; then phase="after the switch"; after_switch=$((after_switch + 1))
    elif [ "$(stat -c '%i %y' "$db/XAPIANDB.tmp" 2>/dev/null || true)" != "$tmp_before" ]; then phase="before the rename"; before_rename=$((before_rename + 1))
    elif [ -n "$created" ]; then phase="mid-build"; mid_build=$((mid_build + 1))
    else phase="before writing"; before_writing=$((before_writing + 1)); fi
    what="round $round ($kind), killed $at, $phase"
  elif [ "$status" = 0 ]; then
    completed=$((completed + 1))
    what="round $round ($kind), finished before the kill $at"
  else
    what="round $round ($kind)"
    problem "$what: the build exited with status $status: $(tail -2 "$work/round.log")"
  fi
  [ "$live" != "$live_before" ] && previous=$live_before
  before=$failures
  verify "$what"
  # Abandoned directories: neither live nor the previous generation.
  now_abandoned=""
  for d in $(gen_dirs); do [ "$d" != "$live" ] && [ "$d" != "$previous" ] && now_abandoned="$now_abandoned $d"; done
  count=$(echo $now_abandoned | wc -w)
  [ "$count" -le 1 ] || problem "$what: $count abandoned build directories:$now_abandoned"
  if [ -n "$created" ]; then
    for d in $abandoned; do
      [ -d "$db/$d" ] && problem "$what: $d, abandoned by an earlier round, was not removed by this build"
    done
  fi
  abandoned=$now_abandoned
  [ "$failures" = "$before" ] && result=ok || result=FAILED
  echo "$what: live $live ($expected docs), previous ${previous:--}, abandoned ${now_abandoned:- none}: $result"
done

# The next uninterrupted build removes whatever is left.
previous=$(stub_gen)
"$bin" "${index_args[@]}" 2>"$work/final.log" || problem "final build failed: $(tail -2 "$work/final.log")"
live=$(stub_gen)
verify "final build"
left=$(gen_dirs | tr '\n' ' ')
extra=$(gen_dirs | grep -vx -e "$live" -e "$previous" || true)
[ -z "$extra" ] || problem "final build left abandoned directories: $extra"
say "after the final build: $left"

summary="rounds $((rounds + switch_rounds)) ($rounds random, $switch_rounds at the switch), kills $kills (before writing $before_writing, mid-build $mid_build, before the rename $before_rename, after the switch $after_switch), finished before the kill $completed, --update rounds $update_rounds, failures $failures"
if [ "$failures" = 0 ]; then
  say "$summary"
  [ -z "${ATTUNE_TORTURE_WORK:-}" ] && rm -rf "$work"
  exit 0
fi
say "$summary; work dir kept: $work"
exit 1
