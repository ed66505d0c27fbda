#!/usr/bin/env bash
# Two indexers at once (docs/reliability.md, "Crash safety of the index"): while one build of a
# corpus big enough to take a few seconds holds the index's lock, a second build of the same index
# exits with status 3 and says the index is locked by another build, `attune search` keeps answering
# from the live generation, and the first build then finishes and switches as usual.
# Usage: index_lock_test.sh ATTUNE_BIN SOURCE_DIR [CLINICIANS]   (CLINICIANS: size of the big build, default 3000)
set -euo pipefail
bin=$1 src=$2 size=${3:-3000}
work=$(mktemp -d)
first=""
cleanup() { [ -n "$first" ] && kill -9 "$first" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
doccount() { xapian-delve "$1" | sed -n 's/^number of documents = //p'; }
command -v xapian-delve >/dev/null || fail "xapian-delve is missing (scripts/deps.sh installs xapian-tools)"

db=$work/db
"$bin" index --corpus "$src/tests/data/corpus" --db "$db" 2>/dev/null
old_gen=$(awk '{print $2}' "$db/XAPIANDB")
old_docs=$(doccount "$db")
# The big corpus: the bundled clinicians repeated under new ids (standard library only, no PyYAML).
python3 - "$src/corpus" "$size" > "$work/big.jsonl" <<'PY'
import json, pathlib, sys
src, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
people = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((src / "clinicians").glob("*.json"))]
for i in range(n):
    c = dict(people[i % len(people)], type="clinician")
    c["id"] = f"{c['id']}-{i}"
    c["url"] = f"https://attune.example/clinicians/{c['id']}"
    print(json.dumps(c, ensure_ascii=False))
PY

"$bin" index --jsonl "$work/big.jsonl" --taxonomy "$src/corpus/taxonomy.yaml" --db "$db" 2>"$work/first.log" &
first=$!
# Wait until the first build holds its flock on DB/.lock (read from /proc/locks, which takes no lock itself).
inode=$(stat -c %i "$db/.lock")
held=""
for _ in $(seq 500); do
  if grep -Eq "FLOCK +ADVISORY +WRITE +$first +[0-9a-f]+:[0-9a-f]+:$inode " /proc/locks; then held=1; break; fi
  kill -0 "$first" 2>/dev/null || break
  sleep 0.02
done
[ -n "$held" ] || fail "the first build never held the lock (did it finish already? $(cat "$work/first.log"))"

set +e
"$bin" index --jsonl "$work/big.jsonl" --taxonomy "$src/corpus/taxonomy.yaml" --db "$db" 2>"$work/second.log"
second_status=$?
set -e
kill -0 "$first" 2>/dev/null || fail "the first build ended before the second was refused: the test proves nothing; use a bigger corpus"
[ "$second_status" = 3 ] || fail "second build: expected exit 3, got $second_status: $(cat "$work/second.log")"
grep -q "locked by another build" "$work/second.log" || fail "second build: no 'locked by another build' message: $(cat "$work/second.log")"
echo "second build refused with exit 3: $(cat "$work/second.log")"

# Searches while the first build runs: answered from the old generation, with its document count.
answered=0
while kill -0 "$first" 2>/dev/null; do
  out=$("$bin" search --json --db "$db" worry) || fail "attune search failed during the build"
  echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"] or d["clinicians"], d' \
    || fail "attune search gave no results or no JSON during the build: $out"
  docs=$(doccount "$db")
  if [ "$(awk '{print $2}' "$db/XAPIANDB")" = "$old_gen" ]; then
    [ "$docs" = "$old_docs" ] || fail "the live generation $old_gen has $docs documents during the build, expected $old_docs"
    answered=$((answered + 1))
  fi
  [ "$answered" -ge 20 ] && break
done
[ "$answered" -ge 1 ] || fail "no search ran while the first build held the lock"

wait "$first" || fail "the first build failed: $(cat "$work/first.log")"
first=""
new_gen=$(awk '{print $2}' "$db/XAPIANDB")
[ "$new_gen" != "$old_gen" ] || fail "the first build did not switch generations"
[ "$(doccount "$db")" = "$size" ] || fail "new generation has $(doccount "$db") documents, expected $size"
"$bin" search --json --db "$db" worry >/dev/null || fail "attune search failed after the build"
# The lock is gone with its holder: the next build runs.
"$bin" index --corpus "$src/tests/data/corpus" --db "$db" 2>/dev/null || fail "a build after the first one could not take the lock"
echo "searches answered during the locked build: $answered (from $old_gen, $old_docs documents); first build switched to $new_gen ($size documents)"
echo "ok"
