#!/usr/bin/env bash
# The server under an index swap (docs/reliability.md, "Crash safety of the index"): `attune serve`
# on a small index answers four parallel clients (search, suggest, a document, healthz) while
# `attune index` rebuilds and swaps the index SWAPS times (and, when `attune index --update` exists,
# after each swap commits an update into the live generation that removes one clinician, so the
# document count alternates). Passes when every response was a 200 with valid JSON (healthz: the
# document count of a complete corpus, never a mix), the server is still up, and no
# file descriptor leaked: once the swaps stop and every worker has answered again, the server holds
# as many descriptors as before the swaps, all of the index ones on the live generation.
# Usage: index_swap_test.sh ATTUNE_BIN SOURCE_DIR [SWAPS] [CORPUS_DIR]
#   SWAPS: default 50 (ctest); the full run is 1000. CORPUS_DIR: default SOURCE_DIR/tests/data/corpus.
set -euo pipefail
bin=$1 src=$2 swaps=${3:-50} corpus=${4:-$2/tests/data/corpus}
threads=4
work=$(mktemp -d)
pid="" clients=""
cleanup() {
  [ -n "$clients" ] && kill "$clients" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -s "$work/serve.log" ] && { echo "server log:"; tail -20 "$work/serve.log"; }; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

db=$work/db
"$bin" index --corpus "$corpus" --db "$db" 2>/dev/null
command -v xapian-delve >/dev/null || fail "xapian-delve is missing (scripts/deps.sh installs xapian-tools)"
expected=$(xapian-delve "$db" | sed -n 's/^number of documents = //p')
update=""
if "$bin" index --help 2>&1 | grep -q -- '--update'; then
  update=1
  cp -r "$corpus" "$work/changed"
  for f in "$work/changed/clinicians/"*.json; do   # one clinician no article names
    grep -rq "$(basename "$f" .json)" "$work/changed/articles" || { rm "$f"; break; }
  done
  expected="$expected,$((expected - 1))"
fi
doc_id=$("$bin" search --json --db "$db" --type article --limit 1 worry | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["id"])')
port=$(free_port)
"$bin" serve --db "$db" --port "$port" --threads "$threads" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || fail "the server did not start"

# The clients: 4 threads, a new connection per request, every answer must be a 200 with valid JSON.
# `burst N` sends N requests and exits; `loop FILE` runs until FILE exists. Prints one JSON summary.
cat >"$work/client.py" <<'PY'
import http.client, json, os, sys, threading, urllib.parse
port, doc_id, mode, arg = int(sys.argv[1]), sys.argv[3], sys.argv[4], sys.argv[5]
expected = {int(n) for n in sys.argv[2].split(",")}  # the document counts of the complete corpora
queries = ["worry", "panic attacks at night", "I feel low and tired", "therapist who speaks spanish", "anxeity", "sleep"]
paths = [f"/api/search?q={urllib.parse.quote(q)}" for q in queries] + \
        ["/api/suggest?q=wor", f"/api/articles/{urllib.parse.quote(doc_id)}", "/healthz", "/api/taxonomy"]
lock = threading.Lock()
stats = {"requests": 0, "failed": 0, "generations": set(), "failures": []}

def one(i):
    path = paths[i % len(paths)]
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        if resp.status != 200:
            return None, f"{path}: status {resp.status}: {body[:200]!r}"
        data = json.loads(body)
        if path == "/healthz":
            if data["documents"] not in expected:
                return None, f"{path}: {data['documents']} documents in {data['generation']}, expected one of {sorted(expected)}"
            return data["generation"], None
        if path.startswith("/api/search") and not ("articles" in data and "clinicians" in data):
            return None, f"{path}: no result lists: {body[:200]!r}"
        return None, None
    except Exception as e:  # a refused or reset connection, a timeout, bad JSON: all failures
        return None, f"{path}: {type(e).__name__}: {e}"

def worker(k):
    i = k
    while True:
        if mode == "burst":
            with lock:
                if stats["requests"] >= int(arg):
                    return
                stats["requests"] += 1
        elif os.path.exists(arg):
            return
        gen, err = one(i)
        i += 1
        with lock:
            if mode != "burst":
                stats["requests"] += 1
            if gen:
                stats["generations"].add(gen)
            if err:
                stats["failed"] += 1
                if len(stats["failures"]) < 10:
                    stats["failures"].append(err)

ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
stats["generations"] = len(stats["generations"])
print(json.dumps(stats))
PY

fds() { ls "/proc/$pid/fd" | wc -l; }
index_fds() { ls -l "/proc/$pid/fd" | grep -c -- "-> $db/" || true; }
dead_fds() {  # descriptors on anything but the live generation's files (or deleted files)
  local live
  live=$(awk '{print $2}' "$db/XAPIANDB")
  ls -l "/proc/$pid/fd" | grep -- "-> $db/" | grep -v -- "-> $db/$live/[a-z]*\.glass$" || true
}

# Warm up every worker thread (each keeps its own open index), then count descriptors at rest.
warm=$(python3 "$work/client.py" "$port" "$expected" "$doc_id" burst 400)
[ "$(echo "$warm" | python3 -c 'import json,sys; print(json.load(sys.stdin)["failed"])')" = 0 ] || fail "warm-up: $warm"
fd_before=$(fds) index_before=$(index_fds)

python3 "$work/client.py" "$port" "$expected" "$doc_id" loop "$work/stop" >"$work/loop.json" &
clients=$!
fd_peak=$fd_before
started=$(date +%s.%N)
for i in $(seq "$swaps"); do
  "$bin" index --corpus "$corpus" --db "$db" 2>"$work/index.log" || fail "swap $i: attune index failed: $(cat "$work/index.log")"
  if [ -n "$update" ]; then
    "$bin" index --update --corpus "$work/changed" --db "$db" 2>"$work/index.log" || fail "update $i: attune index --update failed: $(cat "$work/index.log")"
    grep -q "1 removed" "$work/index.log" || fail "update $i: expected one document removed: $(cat "$work/index.log")"
  fi
  n=$(fds); [ "$n" -gt "$fd_peak" ] && fd_peak=$n
  kill -0 "$pid" 2>/dev/null || fail "swap $i: the server died"
  if [ $((i % 100)) = 0 ]; then echo "swap $i/$swaps: $n descriptors"; fi
done
elapsed=$(python3 -c "import time; print('%.1f' % (time.time() - $started))")
sleep 1  # the watcher polls every 200 ms; the clients keep the workers busy meanwhile
touch "$work/stop"
wait "$clients"
clients=""
loop=$(cat "$work/loop.json")
# Every worker answers again after the last swap, then count at rest.
settle=$(python3 "$work/client.py" "$port" "$expected" "$doc_id" burst 400)
fd_after=$(fds) index_after=$(index_fds)
kill -0 "$pid" 2>/dev/null || fail "the server died"
live=$(awk '{print $2}' "$db/XAPIANDB")
curl -sf "http://127.0.0.1:$port/healthz" | grep -q "\"$live\"" || fail "the server does not answer from the live generation $live"

read -r requests failed gens <<<"$(echo "$loop" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["requests"], d["failed"], d["generations"])')"
settle_failed=$(echo "$settle" | python3 -c 'import json,sys; print(json.load(sys.stdin)["failed"])')
echo "swaps: $swaps${update:+ (each followed by an in-place update)} in ${elapsed} s; requests: $requests, failed: $failed (+ $settle_failed of 400 after); generations seen by clients: $gens"
echo "server descriptors: before $fd_before ($index_before on the index), peak $fd_peak, after $fd_after ($index_after on the index, live $live)"
[ "$failed" = 0 ] && [ "$settle_failed" = 0 ] || fail "failed requests: $loop $settle"
dead=$(dead_fds)
[ -z "$dead" ] || fail "descriptors left on old generations after the swaps: $dead"
[ "$fd_after" -le "$fd_before" ] || fail "descriptors leaked: $fd_before before the swaps, $fd_after after"
echo "ok"
