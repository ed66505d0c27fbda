#!/usr/bin/env bash
# Shards: the bundled corpus built whole and as two shards (attune index --shard I/N), each shard
# served by xapian-tcpsrv (Debian's xapian-tools); every judged query's top 10 articles and
# clinicians through `attune search --shard A --shard B` must equal the single index's, in order.
# Queries the single index corrects for spelling are left out and counted: Xapian's remote backend
# carries no spelling data, so sharded search does not correct typos (docs/scaling.md). Lists may
# differ only among near-ties: OP_SYNONYM's frequency is estimated per shard, which moves a score
# by up to about 1%; then every score must be within 2% position by position, and every result
# clearly inside the single index's top 10 must be in the sharded top 10.
# Usage: shard_test.sh ATTUNE_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
command -v xapian-tcpsrv >/dev/null || { echo "xapian-tcpsrv is missing (scripts/deps.sh installs xapian-tools)"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$bin" index --corpus "$src/corpus" --db "$work/whole" 2>/dev/null
shards=()
for i in 0 1; do
  "$bin" index --corpus "$src/corpus" --db "$work/shard$i" --shard "$i/2" 2>"$work/shard$i.log"
  port=$(free_port)
  # Its own session: on SIGTERM xapian-tcpsrv signals its whole process group, which would be ours.
  setsid xapian-tcpsrv --quiet --idle-timeout 2000 --interface 127.0.0.1 --port "$port" "$work/shard$i" \
    </dev/null >"$work/tcpsrv$i.log" 2>&1 &
  pids+=($!)
  shards+=(--shard "127.0.0.1:$port")
done
for _ in $(seq 50); do
  "$bin" search "${shards[@]}" --json anxiety >/dev/null 2>&1 && break
  sleep 0.1
done
tail -n +2 "$src/queries/topics.tsv" | cut -f3 > "$work/queries.txt"
"$bin" search --db "$work/whole" --json --batch "$work/queries.txt" > "$work/whole.jsonl"
"$bin" search "${shards[@]}" --json --batch "$work/queries.txt" > "$work/sharded.jsonl"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
whole = [json.loads(l) for l in open(work + "/whole.jsonl")]
sharded = [json.loads(l) for l in open(work + "/sharded.jsonl")]
assert len(whole) == len(sharded) and whole, (len(whole), len(sharded))
ids = lambda r, k: [x["id"] for x in r[k]]
pairs = [(w, s) for w, s in zip(whole, sharded) if not w.get("suggestion")]
def near_tie_equal(a, b):
    if len(a) != len(b): return False
    if any(abs(x["score"] - y["score"]) > 0.02 * max(x["score"], 1e-9) for x, y in zip(a, b)): return False
    floor = a[-1]["score"] * 1.02 if a else 0
    return all(x["id"] in {y["id"] for y in b} for x in a if x["score"] >= floor)
equal = ties = 0
bad = []
for w, s in pairs:
    for k in ("articles", "clinicians"):
        if ids(w, k) == ids(s, k): equal += 1
        elif near_tie_equal(w[k], s[k]): ties += 1
        else: bad.append((w["query"], k, ids(w, k), ids(s, k)))
for b in bad[:5]: print("differs:", b)
print("%d queries (%d corrected for spelling by the single index, left out): of %d lists, %d equal, "
      "%d equal up to near-ties, %d differ" % (len(whole), len(whole) - len(pairs), 2 * len(pairs), equal, ties, len(bad)))
sys.exit(1 if bad else 0)
PY
echo ok
