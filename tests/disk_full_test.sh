#!/usr/bin/env bash
# A write error mid-build (docs/reliability.md, "Crash safety of the index"): a file size limit
# (RLIMIT_FSIZE, `ulimit -f`) makes the indexer's writes fail partway, as on a full disk. The build
# must fail with a message naming what failed and a non-zero exit (not die of SIGXFSZ), remove its
# half-written generation, and leave the previous index live: `attune serve` keeps answering from
# it with its old document count. A build without the limit then switches as usual. The same for
# `attune index --update`, which commits into the live generation: a failed commit leaves it intact.
# Then a real full disk (ENOSPC): the index on a small tmpfs mounted in a user namespace
# (`unshare -rm`), a build that runs out of space partway and an update on a disk full to the last
# block; skipped, with the reason, where the machine allows no user namespace or tmpfs mount.
# Usage: disk_full_test.sh ATTUNE_BIN SOURCE_DIR
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
health() { curl -sf "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["generation"], d["documents"])'; }
start_server() {  # DB: serves it on $port, sets $pid, $old_gen and $old_docs
  old_gen=$(awk '{print $2}' "$1/XAPIANDB")
  port=$(free_port)
  "$bin" serve --db "$1" --port "$port" --threads 4 2>"$work/serve.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  read -r gen old_docs <<<"$(health)"
  [ "$gen" = "$old_gen" ] || fail "server answers from $gen, the stub names $old_gen"
}
still_serving() {  # LABEL DB: the previous index is live, whole and answering
  [ "$(awk '{print $2}' "$2/XAPIANDB")" = "$old_gen" ] || fail "$1: the stub moved to $(cat "$2/XAPIANDB")"
  xapian-check "$2/$old_gen" >/dev/null || fail "$1: xapian-check fails on the live generation"
  read -r gen docs <<<"$(health)" || fail "$1: /healthz failed after the failed write"
  [ "$gen $docs" = "$old_gen $old_docs" ] || fail "$1: server answers $gen with $docs documents, expected $old_gen with $old_docs"
  curl -sf "http://127.0.0.1:$port/api/search?q=worry" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"] or d["clinicians"]' \
    || fail "$1: search failed after the failed write"
}
command -v xapian-check >/dev/null || fail "xapian-check is missing (scripts/deps.sh installs xapian-tools)"

# The full-disk round, run inside `unshare -rm` by the main part below: ARGS are BIN SOURCE_DIR WORK.
if [ "${1:-}" = --enospc ]; then
  bin=$2 src=$3 work=$4
  pid=""
  trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
  small=$work/small
  db=$small/db
  # Room for the 6-document index and about half of a build of the bundled corpus.
  mount -t tmpfs -o "size=${ENOSPC_KB}k" tmpfs "$small"
  "$bin" index --corpus "$src/tests/data/corpus" --db "$db" 2>/dev/null
  start_server "$db"
  set +e
  msg=$("$bin" index --corpus "$src/corpus" --db "$db" 2>&1)
  status=$?
  set -e
  [ "$status" = 2 ] || fail "full disk, build: exit $status, expected 2: $msg"
  echo "$msg" | grep -q "failed: .*No space left on device" || fail "full disk, build: the message does not say what failed: $msg"
  echo "$msg" | grep -q "previous index is unchanged" || fail "full disk, build: the message does not say the index is unchanged: $msg"
  left=$(cd "$db" && ls -d gen-* | grep -vx "$old_gen" || true)
  [ -z "$left" ] || fail "full disk, build: the failed build left $left behind"
  still_serving "full disk, build" "$db"
  echo "full disk (${ENOSPC_KB} KiB tmpfs), build: exit $status, still serving $old_gen ($old_docs documents): $msg"

  changed=$work/changed-enospc
  cp -r "$src/tests/data/corpus" "$changed"
  for f in "$changed/clinicians/"*.json; do
    grep -rq "$(basename "$f" .json)" "$changed/articles" || { rm "$f"; break; }
  done
  dd if=/dev/zero of="$small/filler" bs=4k 2>/dev/null || true  # until no block is left
  set +e
  msg=$("$bin" index --update --corpus "$changed" --db "$db" 2>&1)
  status=$?
  set -e
  [ "$status" = 2 ] || fail "full disk, update: exit $status, expected 2: $msg"
  echo "$msg" | grep -q "failed: .*No space left on device" || fail "full disk, update: the message does not say what failed: $msg"
  echo "$msg" | grep -q "index is unchanged" || fail "full disk, update: the message does not say the index is unchanged: $msg"
  still_serving "full disk, update" "$db"
  echo "full disk (0 bytes free), update: exit $status, still serving $old_gen ($old_docs documents): $msg"
  rm "$small/filler"
  "$bin" index --update --corpus "$changed" --db "$db" 2>/dev/null || fail "the update failed with space free again"
  for _ in $(seq 50); do read -r gen docs <<<"$(health)"; [ "$docs" = $((old_docs - 1)) ] && break; sleep 0.1; done
  [ "$gen $docs" = "$old_gen $((old_docs - 1))" ] || fail "after freeing space the server answers $gen ($docs documents)"
  echo "space freed: the update goes through, serving $gen ($docs documents)"
  exit 0
fi

bin=$1 src=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

db=$work/db
"$bin" index --corpus "$src/tests/data/corpus" --db "$db" 2>/dev/null
base_kb=$(du -sk "$db" | cut -f1)
start_server "$db"

# Limits in KiB: the first write fails, a table fails partway, the biggest table fails at the end.
for limit in 1 64 512 1024; do
  set +e
  msg=$( (ulimit -f "$limit"; exec "$bin" index --corpus "$src/corpus" --db "$db") 2>&1 )
  status=$?
  set -e
  [ "$status" -ne 0 ] || fail "limit ${limit} KiB: the build succeeded; the limit is too high for this corpus"
  [ "$status" -lt 128 ] || fail "limit ${limit} KiB: the indexer died of signal $((status - 128)) instead of reporting the error"
  [ "$status" = 2 ] || fail "limit ${limit} KiB: exit $status, expected 2"
  echo "$msg" | grep -q "failed: .*File too large" || fail "limit ${limit} KiB: the message does not say what failed: $msg"
  echo "$msg" | grep -q "previous index is unchanged" || fail "limit ${limit} KiB: the message does not say the index is unchanged: $msg"
  left=$(cd "$db" && ls -d gen-* | grep -vx "$old_gen" || true)
  [ -z "$left" ] || fail "limit ${limit} KiB: the failed build left $left behind"
  still_serving "limit ${limit} KiB" "$db"
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
    [ "$status" = 2 ] || fail "update, limit ${limit} KiB: exit $status, expected 2"
    echo "$msg" | grep -q "failed: .*File too large" || fail "update, limit ${limit} KiB: the message does not say what failed: $msg"
    echo "$msg" | grep -q "index is unchanged" || fail "update, limit ${limit} KiB: the message does not say the index is unchanged: $msg"
    still_serving "update, limit ${limit} KiB" "$db"
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
kill "$pid"; wait "$pid" || true; pid=""

# A real full disk. Sized from this corpus: the 6-document index plus half of the build above.
mkdir -p "$work/small"
if ! command -v unshare >/dev/null; then
  echo "SKIPPED the full-disk round: unshare (util-linux) is missing"
elif ! unshare -rm sh -c "mount -t tmpfs -o size=64k tmpfs '$work/small'" 2>"$work/probe.err"; then
  echo "SKIPPED the full-disk round: no tmpfs mount in a user namespace here ($(tr '\n' ' ' <"$work/probe.err"))"
else
  full_kb=$(du -sk "$db/$new_gen" | cut -f1)
  ENOSPC_KB=$((base_kb + full_kb / 2)) unshare -rm bash "$0" --enospc "$bin" "$src" "$work"
fi
echo "ok"
