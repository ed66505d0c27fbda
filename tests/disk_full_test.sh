#!/usr/bin/env bash
# A write error mid-build (docs/reliability.md, "Crash safety of the index"): a file size limit
# (RLIMIT_FSIZE, `ulimit -f`) makes the indexer's writes fail partway, as on a full disk. The build
# must fail with a message naming what failed and a non-zero exit (not die of SIGXFSZ), remove its
# half-written generation, and leave the previous index live: `attune serve` keeps answering from
# it with its old document count. A build without the limit then switches as usual. The same for
# `attune index --update`, which commits into the live generation: a failed commit leaves it intact.
# Usage: disk_full_test.sh ATTUNE_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
command -v xapian-check >/dev/null || fail "xapian-check is missing (scripts/deps.sh installs xapian-tools)"

db=$work/db
"$bin" index --corpus "$src/tests/data/corpus" --db "$db" 2>/dev/null
old_gen=$(awk '{print $2}' "$db/XAPIANDB")
port=$(free_port)
"$bin" serve --db "$db" --port "$port" --threads 4 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
health() { curl -sf "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["generation"], d["documents"])'; }
read -r gen docs <<<"$(health)"
[ "$gen" = "$old_gen" ] || fail "server answers from $gen, the stub names $old_gen"
old_docs=$docs

# Limits in KiB: the first write fails, a table fails partway, the biggest table fails at the end.
for limit in 1 64 512 1024; do
  set +e
  msg=$( (ulimit -f "$limit"; exec "$bin" index --corpus "$src/corpus" --db "$db") 2>&1 )
  status=$?
  set -e
  [ "$status" -ne 0 ] || fail "limit ${limit} KiB: the build succeeded; the limit is too high for this corpus"
  [ "$status" -lt 128 ] || fail "limit ${limit} KiB: the indexer died of signal $((status - 128)) instead of reporting the error"
  echo "$msg" | grep -q "failed: .*File too large" || fail "limit ${limit} KiB: the message does not say what failed: $msg"
  echo "$msg" | grep -q "previous index is unchanged" || fail "limit ${limit} KiB: the message does not say the index is unchanged: $msg"
  [ "$(awk '{print $2}' "$db/XAPIANDB")" = "$old_gen" ] || fail "limit ${limit} KiB: the stub moved to $(cat "$db/XAPIANDB")"
  left=$(cd "$db" && ls -d gen-* | grep -vx "$old_gen" || true)
  [ -z "$left" ] || fail "limit ${limit} KiB: the failed build left $left behind"
  read -r gen docs <<<"$(health)" || fail "limit ${limit} KiB: /healthz failed after the failed build"
  [ "$gen $docs" = "$old_gen $old_docs" ] || fail "limit ${limit} KiB: server answers $gen with $docs documents, expected $old_gen with $old_docs"
  curl -sf "http://127.0.0.1:$port/api/search?q=worry" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"] or d["clinicians"]' \
    || fail "limit ${limit} KiB: search failed after the failed build"
  xapian-check "$db/$old_gen" >/dev/null || fail "limit ${limit} KiB: xapian-check fails on the live generation"
  echo "limit ${limit} KiB: exit $status, still serving $old_gen ($old_docs documents): $msg"
done

# `attune index --update` writes into the live generation itself, in one transaction: a write error
# at its commit must leave the committed revision live and intact.
if "$bin" index --help 2>&1 | grep -q -- '--update'; then
  cp -r "$src/tests/data/corpus" "$work/changed"
  for f in "$work/changed/clinicians/"*.json; do   # the update removes one clinician no article names
    grep -rq "$(basename "$f" .json)" "$work/changed/articles" || { rm "$f"; break; }
  done
  for limit in 1 8; do
    set +e
    msg=$( (ulimit -f "$limit"; exec "$bin" index --update --corpus "$work/changed" --db "$db") 2>&1 )
    status=$?
    set -e
    [ "$status" -ne 0 ] || fail "update, limit ${limit} KiB: the update succeeded; the limit is too high"
    [ "$status" -lt 128 ] || fail "update, limit ${limit} KiB: the indexer died of signal $((status - 128)) instead of reporting the error"
    echo "$msg" | grep -q "failed: .*File too large" || fail "update, limit ${limit} KiB: the message does not say what failed: $msg"
    echo "$msg" | grep -q "index is unchanged" || fail "update, limit ${limit} KiB: the message does not say the index is unchanged: $msg"
    [ "$(awk '{print $2}' "$db/XAPIANDB")" = "$old_gen" ] || fail "update, limit ${limit} KiB: the stub moved to $(cat "$db/XAPIANDB")"
    xapian-check "$db/$old_gen" >/dev/null || fail "update, limit ${limit} KiB: xapian-check fails on the live generation"
    read -r gen docs <<<"$(health)" || fail "update, limit ${limit} KiB: /healthz failed after the failed update"
    [ "$gen $docs" = "$old_gen $old_docs" ] || fail "update, limit ${limit} KiB: server answers $gen with $docs documents, expected $old_gen with $old_docs"
    echo "update, limit ${limit} KiB: exit $status, still serving $old_gen ($old_docs documents): $msg"
  done
  "$bin" index --update --corpus "$work/changed" --db "$db" 2>/dev/null || fail "the update without a limit failed"
  for _ in $(seq 50); do read -r gen docs <<<"$(health)"; [ "$docs" = $((old_docs - 1)) ] && break; sleep 0.1; done
  [ "$gen $docs" = "$old_gen $((old_docs - 1))" ] || fail "after a good update the server answers $gen ($docs documents), expected $old_gen ($((old_docs - 1)))"
  xapian-check "$db/$old_gen" >/dev/null || fail "xapian-check fails after the good update"
  echo "good update: serving $old_gen ($docs documents)"
  old_docs=$docs
fi

# Without the limit the build goes through and the server switches to it.
"$bin" index --corpus "$src/corpus" --db "$db" 2>/dev/null || fail "the build without a limit failed"
new_gen=$(awk '{print $2}' "$db/XAPIANDB")
for _ in $(seq 50); do read -r gen docs <<<"$(health)"; [ "$gen" = "$new_gen" ] && break; sleep 0.1; done
[ "$gen" = "$new_gen" ] && [ "$docs" -gt "$old_docs" ] || fail "after a good build the server answers $gen ($docs documents), expected $new_gen"
echo "good build: serving $new_gen ($docs documents)"
echo "ok"
