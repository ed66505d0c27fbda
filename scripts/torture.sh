#!/usr/bin/env bash
# Crash-safety torture of the index build (docs/reliability.md, "Crash safety of the index").
#   scripts/torture.sh [ROUNDS]        (default 100; run it under `nice` on a shared machine)
# Generates a 10k-document corpus A once (bench/gen_corpus.py, seed 1) in a work dir outside the
# repo, and from it a corpus B: the last 100 documents gone and 50 articles retitled. Times one
# untimed full build (and, when `attune index` has --update, one untimed update), then each round
# starts `attune index` towards the other corpus than the live one (a full rebuild; on odd rounds
# `attune index --update` when the flag exists) and kill -9s it after a random delay within that
# command's measured duration (re-measured whenever a round's command finishes before its kill, so
# the window follows the load of a shared machine). Random kills almost never land on the switch itself (milliseconds of a
# long build), so ROUNDS/10 more rounds (ATTUNE_TORTURE_SWITCH_ROUNDS) aim there, in turn: as soon as
# XAPIANDB.tmp is written (new stub not yet renamed), as soon as XAPIANDB is replaced (old
# generations not yet cleaned) and, with --update, as soon as a table of the live generation is
# written (mid-commit) and as soon as its iamglass is replaced (committed). After each kill:
#   - the XAPIANDB stub names a generation directory, and `xapian-check` passes on it;
#   - Xapian follows the stub to that very generation (same UUID);
#   - it holds a complete corpus, old or new, never a mix: a rebuild that did not switch leaves the
#     old document count, a switched generation has the new one; an update leaves either, and a
#     retitled article's title agrees with the count;
#   - `attune search --json` answers, and a long-running `attune serve` reports the stub's generation
#     with that document count on /healthz;
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
trap 'exit 130' INT
trap 'exit 143' TERM
say() { echo "torture: $*"; }
problem() { echo "  FAIL: $*"; failures=$((failures + 1)); }
gen_num() { echo $((10#${1#gen-})); }
stub_gen() { [ -f "$db/XAPIANDB" ] && awk '{print $2}' "$db/XAPIANDB" || true; }
gen_dirs() { (cd "$db" && ls -d gen-* 2>/dev/null) || true; }
uuid_of() { xapian-delve "$1" 2>/dev/null | sed -n 's/^UUID = //p' || true; }
docs_of() { xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p' || true; }
title_of() { "$bin" show --json --db "$db" "$probe" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["title"])' 2>/dev/null || true; }
health() { curl -sf --max-time 5 "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["generation"], d["documents"])' 2>/dev/null || echo "- -"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Corpus A, and corpus B: A without its last 100 documents and with 50 articles retitled.
corpus_a=$work/corpus-$docs_arg.jsonl
corpus_b=$work/corpus-$docs_arg-b.jsonl
if [ ! -s "$corpus_a" ]; then
  say "generating $docs_arg documents into $corpus_a"
  python3 "$root/bench/gen_corpus.py" --docs "$docs_arg" --out "$corpus_a.tmp" && mv "$corpus_a.tmp" "$corpus_a"
fi
probe=$(python3 - "$corpus_a" "$corpus_b" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[:-100]
retitled, probe = 0, None
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in lines:
        d = json.loads(line)
        if d["type"] == "article" and retitled < 50:
            d["title"] += " (revised)"
            retitled += 1
            probe = probe or d["id"]
            line = json.dumps(d, ensure_ascii=False, separators=(",", ":"))
        out.write(line + "\n")
print(probe)
PY
)
count_a=$(wc -l <"$corpus_a") count_b=$(wc -l <"$corpus_b")
other_corpus() { [ "$1" = "$count_a" ] && echo "$corpus_b" || echo "$corpus_a"; }
set_args() { args=(index --jsonl "$1" --taxonomy "$root/corpus/taxonomy.yaml" --db "$db"); }
if "$bin" index --help 2>&1 | grep -q -- '--update'; then
  has_update=1
  say "attune index has --update: odd rounds run it, even rounds a full rebuild"
else
  has_update=""
  say "attune index has no --update flag: every round is a full rebuild"
fi

# Checks the index after a round. $1: what happened; $2: the document counts allowed for the stub's
# generation (one, or two for an update: old and new).
verify() {
  local what=$1 allowed=$2 live dir_uuid stub_uuid n out gen hdocs title want got
  live=$(stub_gen)
  if [ -z "$live" ] || [ ! -d "$db/$live" ]; then problem "$what: the stub names '$live', which is not a generation directory"; return; fi
  xapian-check "$db/$live" >"$work/check.log" 2>&1 || problem "$what: xapian-check fails on $live: $(tail -3 "$work/check.log")"
  dir_uuid=$(uuid_of "$db/$live") stub_uuid=$(uuid_of "$db")
  [ -n "$stub_uuid" ] && [ "$stub_uuid" = "$dir_uuid" ] || problem "$what: the stub does not lead to $live (UUID '$stub_uuid', $live has '$dir_uuid')"
  n=$(docs_of "$db")
  case " $allowed " in *" $n "*) ;; *) problem "$what: $live has '$n' documents, expected ${allowed// / or }" ;; esac
  title=$(title_of)
  if [ "$n" = "$count_a" ]; then want=original; else want=revised; fi
  case "$title" in *" (revised)") got=revised ;; "") got=missing ;; *) got=original ;; esac
  [ "$got" = "$want" ] || problem "$what: $n documents (corpus $([ "$want" = original ] && echo A || echo B)) but the title of $probe is $got: a mix"
  out=$("$bin" search --json --db "$db" "worried all the time and cannot sleep" 2>&1) || problem "$what: attune search failed: ${out:0:200}"
  echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"] and d["clinicians"]' 2>/dev/null \
    || problem "$what: attune search answered without results or JSON: ${out:0:200}"
  # The server follows the stub (and in-place commits) within its 200 ms poll.
  for _ in $(seq 50); do read -r gen hdocs <<<"$(health)"; [ "$gen $hdocs" = "$live $n" ] && break; sleep 0.1; done
  [ "$gen $hdocs" = "$live $n" ] || problem "$what: the server answers '$gen' with '$hdocs' documents, expected $live with $n"
  live_docs=$n
}

# The untimed first build (and update): the index to keep serving and the typical durations.
rm -rf "$db"
t0=$(now)
set_args "$corpus_a"
"$bin" "${args[@]}" 2>"$work/first.log" || { cat "$work/first.log"; exit 1; }
duration_full=$(since "$t0")
say "first build: $(tail -1 "$work/first.log"); $duration_full s wall"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --port "$port" --threads 2 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
verify "first build" "$count_a"
if [ -n "$has_update" ]; then
  t0=$(now)
  set_args "$corpus_b"
  "$bin" "${args[@]}" --update 2>"$work/first-update.log" || { cat "$work/first-update.log"; exit 1; }
  duration_update=$(since "$t0")
  say "first update: $(tail -1 "$work/first-update.log"); $duration_update s wall"
  verify "first update" "$count_b"
fi
say "random kills land in [0, $duration_full) s of a rebuild${has_update:+ and [0, $duration_update) s of an update}"

# kill_at.py PID STARTED MODE ARG...: kills the indexer PID (started at epoch STARTED) SECONDS after
# its start (after SECONDS), as soon as FILE is (re)written (tmp FILE), or as soon as any of FILE...
# is replaced or modified (change FILE...); when the indexer exits first, prints how long it ran.
cat >"$work/kill_at.py" <<'PY'
import os, signal, sys, time
pid, start, mode, paths = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]
def ident():
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append((st.st_ino, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return out
first = ident()
while True:
    now = ident()
    if (time.time() - start >= float(paths[0])) if mode == "after" else \
            (now != first and (mode == "change" or now[0] is not None)):
        os.kill(pid, signal.SIGKILL)
        break
    try:
        with open(f"/proc/{pid}/stat") as f:
            exited = f.read().split(") ")[-1].startswith("Z")
    except FileNotFoundError:  # already reaped by the shell
        exited = True
    if exited:
        print("%.2f" % (time.time() - start))
        break
    time.sleep(0.0002 if mode != "after" else 0.005)
PY

previous=""            # the generation live before the last switch, kept on purpose
abandoned=""           # abandoned build directories seen after the last round
kills=0 completed=0 before_writing=0 mid_build=0 before_rename=0 after_switch=0 update_rounds=0 update_before=0 update_after=0
targeted_modes=(tmp switch)
[ -n "$has_update" ] && targeted_modes+=(midcommit commit)
for round in $(seq $((rounds + switch_rounds))); do
  live_before=$(stub_gen) docs_before=$live_docs
  target=$(other_corpus "$docs_before")
  target_docs=$(wc -l <"$target")
  kind=full mode=random
  if [ "$round" -gt "$rounds" ]; then
    mode=${targeted_modes[$(((round - rounds - 1) % ${#targeted_modes[@]}))]}
    case $mode in midcommit | commit) kind=update ;; esac
  elif [ -n "$has_update" ] && [ $((round % 2)) = 1 ]; then
    kind=update
  fi
  set_args "$target"
  [ "$kind" = update ] && { args+=(--update); update_rounds=$((update_rounds + 1)); }
  max_before=0
  for d in $(gen_dirs); do [ "$(gen_num "$d")" -gt "$max_before" ] && max_before=$(gen_num "$d"); done
  tmp_before=$(stat -c '%i %y' "$db/XAPIANDB.tmp" 2>/dev/null || true)
  ran=""
  started=$(now)
  "$bin" "${args[@]}" 2>"$work/round.log" &
  indexer=$!
  case $mode in
    random)
      delay=$(awk -v r="$RANDOM" -v t="$([ "$kind" = update ] && echo "$duration_update" || echo "$duration_full")" \
        'BEGIN { printf "%.3f", r / 32768 * t }')
      at="at ${delay} s"
      ran=$({ python3 "$work/kill_at.py" "$indexer" "$started" after "$delay"; } 2>/dev/null) ;;
    tmp) at="as XAPIANDB.tmp was written"
      ran=$({ python3 "$work/kill_at.py" "$indexer" "$started" tmp "$db/XAPIANDB.tmp"; } 2>/dev/null) ;;   # (no "Killed" job message)
    switch) at="as XAPIANDB was replaced"
      ran=$({ python3 "$work/kill_at.py" "$indexer" "$started" change "$db/XAPIANDB"; } 2>/dev/null) ;;
    midcommit) at="as the first table of $live_before was written"
      ran=$({ python3 "$work/kill_at.py" "$indexer" "$started" change "$db/$live_before"/*.glass; } 2>/dev/null) ;;
    commit) at="as $live_before/iamglass was replaced"
      ran=$({ python3 "$work/kill_at.py" "$indexer" "$started" change "$db/$live_before/iamglass"; } 2>/dev/null) ;;
  esac
  status=0
  { wait "$indexer"; } 2>/dev/null || status=$?
  indexer=""
  live=$(stub_gen)
  created=""   # did this build get as far as creating its own generation (so its first cleaning ran)?
  for d in $(gen_dirs); do [ "$(gen_num "$d")" -gt "$max_before" ] && created=$d; done
  what="round $round ($kind to $([ "$target" = "$corpus_a" ] && echo A || echo B))"
  if [ "$status" = 137 ]; then
    kills=$((kills + 1))
    if [ "$live" != "$live_before" ]; then phase="after the switch"; after_switch=$((after_switch + 1))
    elif [ "$kind" = update ] && [ "$(docs_of "$db")" = "$target_docs" ]; then phase="after the commit"; update_after=$((update_after + 1))
    elif [ "$kind" = update ] && [ -z "$created" ]; then phase="before the commit"; update_before=$((update_before + 1))
    elif [ "$(stat -c '%i %y' "$db/XAPIANDB.tmp" 2>/dev/null || true)" != "$tmp_before" ]; then phase="before the rename"; before_rename=$((before_rename + 1))
    elif [ -n "$created" ]; then phase="mid-build"; mid_build=$((mid_build + 1))
    else phase="before writing"; before_writing=$((before_writing + 1)); fi
    what="$what, killed $at, $phase"
  elif [ "$status" = 0 ]; then
    completed=$((completed + 1))
    what="$what, finished in ${ran:-?} s before the kill $at"
    # The machine got faster (or less loaded): aim the next kills within this duration.
    if [ "$mode" = random ] && [ -n "$ran" ]; then
      if [ "$kind" = update ]; then duration_update=$ran; else duration_full=$ran; fi
    fi
  else
    problem "$what: exited with status $status: $(tail -2 "$work/round.log")"
  fi
  [ "$live" != "$live_before" ] && previous=$live_before
  before=$failures
  if [ "$live" != "$live_before" ]; then allowed=$target_docs
  elif [ "$kind" = update ]; then allowed="$docs_before $target_docs"
  else allowed=$docs_before; fi
  verify "$what" "$allowed"
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
  echo "$what: live $live ($live_docs docs), previous ${previous:--}, abandoned ${now_abandoned:- none}: $result"
done

# The next uninterrupted build removes whatever is left.
previous=$(stub_gen)
target=$(other_corpus "$live_docs")
set_args "$target"
"$bin" "${args[@]}" 2>"$work/final.log" || problem "final build failed: $(tail -2 "$work/final.log")"
live=$(stub_gen)
verify "final build" "$(wc -l <"$target")"
left=$(gen_dirs | tr '\n' ' ')
extra=$(gen_dirs | grep -vx -e "$live" -e "$previous" || true)
[ -z "$extra" ] || problem "final build left abandoned directories: $extra"
say "after the final build: $left"

summary="rounds $((rounds + switch_rounds)) ($rounds random, $switch_rounds aimed at the switch; $update_rounds with --update), kills $kills (rebuilds: before writing $before_writing, mid-build $mid_build, before the rename $before_rename, after the switch $after_switch; updates: before the commit $update_before, after the commit $update_after), finished before the kill $completed, failures $failures"
if [ "$failures" = 0 ]; then
  say "$summary"
  [ -z "${ATTUNE_TORTURE_WORK:-}" ] && rm -rf "$work"
  exit 0
fi
say "$summary; work dir kept: $work"
exit 1
