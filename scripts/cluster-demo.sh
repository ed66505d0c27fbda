#!/usr/bin/env bash
# Read replicas on Xapian's own replication, on loopback (docs/scaling.md):
#   scripts/cluster-demo.sh [--seconds N] [--replicas N] [--cache-mb N] [--bin ATTUNE] [--corpus DIR]
#       (defaults: 30 s, 2 replicas, no response cache so every search runs, build/attune, corpus/)
#   scripts/cluster-demo.sh --shards [--bin ATTUNE]
# Replicas: builds the master index (XAPIAN_MAX_CHANGESETS set, so every commit leaves a changeset)
# and starts xapian-replicate-server on it, xapian-replicate clients (-i 1 -r 1) each keeping a
# local replica, an `attune serve` on each replica and nginx balancing across them. wrk searches
# through nginx for N seconds while the master takes one `attune index --update` (a clinician
# edited, one added) and then one full rebuild (one more clinician: a new generation, so a new
# database that reaches the replicas as a full copy). Meanwhile each replica's /healthz and the
# edited clinician are polled directly: every answer must be a state the master committed (its
# generation, document count and the edited field agreeing), never a mix; and it prints when each
# replica had each change on disk and first served it (lag from the master's commit, in ms), then
# wrk's figures (requests/s is the cluster's capacity on this machine: wrk keeps 8 connections
# busy) and the CPU the servers spent per search.
# Exits 1 on any failed request (wrk's non-2xx and socket errors included) or mixed state, and 77
# when a tool is missing (scripts/deps.sh --test installs nginx, wrk and xapian-tools).
# --shards: the bundled corpus as two shards behind two xapian-tcpsrv against the single index,
# top 10 of every judged query (tests/shard_test.sh, the one implementation of that check).
# Never prints query text. Every process and the work dir are removed on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ATTUNE_BIN:-$root/build/attune}
seconds=30
replicas=2
cache_mb=0
corpus=$root/corpus
shards=0
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --cache-mb) cache_mb=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --shards) shards=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--replicas N] [--cache-mb N] [--bin ATTUNE] [--corpus DIR] [--shards]" >&2; exit 1 ;;
  esac
done
[ -x "$bin" ] || { echo "cluster-demo: no attune binary at $bin (build it, or pass --bin)" >&2; exit 1; }
if [ "$shards" = 1 ]; then
  command -v xapian-tcpsrv >/dev/null || { echo "cluster-demo: xapian-tcpsrv is missing (scripts/deps.sh installs xapian-tools)"; exit 77; }
  exec "$root/tests/shard_test.sh" "$bin" "$root"
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in "$nginx" wrk curl xapian-replicate xapian-replicate-server python3; do
  command -v "$tool" >/dev/null || { echo "cluster-demo: $tool is missing (scripts/deps.sh --test installs it)"; exit 77; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() { echo "cluster-demo: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done; exit 1; }

# The master: one index directory whose XAPIANDB stub xapian-replicate-server follows, so an
# --update travels as a changeset and a new generation (another UUID) as a full copy.
export XAPIAN_MAX_CHANGESETS=100
cp -r "$corpus" "$work/corpus"
mkdir -p "$work/master"
"$bin" index --corpus "$work/corpus" --db "$work/master/index" >"$work/index.log" 2>&1 || fail "the master build failed"
rport=$(free_port)
# Its own session, as xapian-tcpsrv: Xapian's TCP servers signal their process group on shutdown.
setsid xapian-replicate-server --interface 127.0.0.1 --port "$rport" "$work/master" </dev/null >"$work/replicate-server.log" 2>&1 &
pids+=($!)
ports=()
serve_pids=()
for r in $(seq "$replicas"); do
  # The first full copy, before the server starts: `attune serve` needs an index to open. One-shot
  # runs exit 1 while the replication server is not listening yet.
  for i in $(seq 100); do
    xapian-replicate --host 127.0.0.1 --port "$rport" --master index --one-shot --quiet "$work/replica$r" \
      </dev/null >>"$work/replicate$r.log" 2>&1 && break
    [ "$i" = 100 ] && fail "no first copy for replica $r within 10 s"
    sleep 0.1
  done
  : >"$work/replicate$r.log"
  # -i 1: ask the master every second. -r 1: a second changeset in a row waits one second for
  # readers of the revision before last; attune reopens within 0.2 s of each revision.
  setsid xapian-replicate --host 127.0.0.1 --port "$rport" --master index --interval 1 --reader-time 1 --quiet \
    "$work/replica$r" </dev/null >"$work/replicate$r.log" 2>&1 &
  pids+=($!)
  port=$(free_port)
  # More threads than nginx keeps connections open to it: an open connection holds a cpp-httplib worker.
  "$bin" serve --db "$work/replica$r" --port "$port" --threads 12 --cache-mb "$cache_mb" 2>"$work/serve$r.log" &
  pids+=($!)
  serve_pids+=($!)
  ports+=("$port")
done

nport=$(free_port)
mkdir -p "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx.log warn;
events { worker_connections 512; }
http {
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  access_log off;
  # The replica upstream of docs/scaling.md, without deploy/nginx-attune.conf's per-address rate
  # limits (wrk is one address).
  upstream attune_replicas {
$(for port in "${ports[@]}"; do echo "    server 127.0.0.1:$port max_fails=0;"; done)
    keepalive 4;
  }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://attune_replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
    }
  }
}
CONF
"$nginx" -t -q -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx.log" || fail "nginx rejected its config"
"$nginx" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>>"$work/nginx.log" &
pids+=($!)
nginx_pid=$!

# Both servers must answer from the master's generation before the load starts.
master_gen=$(sed -n 's/^auto //p' "$work/master/index/XAPIANDB")
for port in "${ports[@]}"; do
  for i in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q "\"$master_gen\"" && break
    [ "$i" = 600 ] && fail "the replica on :$port did not serve $master_gen within 60 s"
    sleep 0.1
  done
done
curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null || fail "nginx does not reach the replicas"

echo "cluster-demo: master $master_gen ($(curl -sf "http://127.0.0.1:${ports[0]}/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])') documents)" \
  "-> xapian-replicate-server :$rport -> $replicas replica(s) with attune serve (${ports[*]/#/:}) -> nginx :$nport;" \
  "wrk ${seconds} s, 2 threads, 8 connections, response cache ${cache_mb} MiB"
# wrk's request list: the judged queries as searches (never printed).
python3 - "$root/queries/topics.tsv" "$work/paths.txt" <<'PY'
import sys, urllib.parse
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")][1:]
with open(sys.argv[2], "w") as out:
    for r in rows:
        q = urllib.parse.quote(r[2])
        out.write("/api/search?q=%s&limit=10\n" % q)
PY
cat > "$work/paths.lua" <<LUA
local paths, i = {}, 0
for line in io.lines("$work/paths.txt") do paths[#paths + 1] = line end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %.1f\n", summary.requests, summary.duration,
    e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(99) / 1000))
end
LUA
# CPU seconds (user + system) of the servers and of nginx's worker, before and after the run: on a
# shared machine the CPU per request says more about capacity than requests per second do.
cpu_seconds() {
  local ticks=0 p
  for p in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  python3 -c "import os, sys; print(int(sys.argv[1]) / os.sysconf('SC_CLK_TCK'))" "$ticks"
}
nginx_workers=$(cat "/proc/$nginx_pid/task/$nginx_pid/children")
serve_cpu0=$(cpu_seconds "${serve_pids[@]}")
nginx_cpu0=$(cpu_seconds $nginx_workers)
wrk -t 2 -c 8 -d "${seconds}s" --timeout 5s -s "$work/paths.lua" "http://127.0.0.1:$nport" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
pids+=($wrk_pid)

# Changes on the master during the load, each replica polled directly meanwhile.
set +e
python3 - "$bin" "$work" "$seconds" "${ports[@]}" <<'PY'
import http.client, json, os, subprocess, sys, threading, time
bin, work, seconds, ports = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
corpus, db = work + "/corpus", work + "/master/index"
clinicians = sorted(f for f in os.listdir(corpus + "/clinicians") if f.endswith(".json"))
edited = clinicians[0][:-5]
before = json.load(open(corpus + "/clinicians/" + clinicians[0], encoding="utf-8"))
old_accepting = before["accepting_new_clients"]

def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()

def health(port):
    status, body = get(port, "/healthz")
    if status != 200: return ("HTTP %d" % status,)
    h = json.loads(body)
    return (h["generation"], h["documents"])

def add_clinician(new_id):
    rec = dict(before, id=new_id, name="Replica Demo " + new_id[-1].upper())
    json.dump(rec, open(corpus + "/clinicians/%s.json" % new_id, "w", encoding="utf-8"), indent=2)

states = {health(ports[0])}          # (generation, documents) the master has committed
accepting = {old_accepting}          # values of the edited field the master has committed
seen_first, bad, answers = {}, [], [0]
stop = threading.Event()

def poll(port):
    while not stop.is_set():
        try:
            h = health(port)
            status, body = get(port, "/api/clinicians/" + edited)
            a = json.loads(body).get("accepting_new_clients") if status == 200 else "HTTP %d" % status
        except Exception as e:
            h, a = ("error " + type(e).__name__,), None
        now = time.monotonic()
        answers[0] += 2
        if h not in states or a not in accepting:
            bad.append((port, h, a))
        for key in (h, ("accepting", a)):
            seen_first.setdefault((port, key), now)
        time.sleep(0.05)

threads = [threading.Thread(target=poll, args=(p,), daemon=True) for p in ports]
for t in threads: t.start()
start = time.monotonic()

def on_disk(port):
    # When xapian-replicate made the change live: it renames the stub for a full copy and the
    # version file for a changeset, so the newer of the two.
    replica = work + "/replica%d" % (ports.index(port) + 1)
    live = open(replica + "/XAPIANDB").read().split()[-1]
    return max(os.stat(replica + "/XAPIANDB").st_mtime, os.stat(replica + "/" + live + "/iamglass").st_mtime)

def run_master(label, args, new_state, also=()):
    t0 = time.monotonic()
    r = subprocess.run([bin, "index", "--corpus", corpus, "--db", db] + args, capture_output=True, text=True)
    if r.returncode != 0:
        print("%s failed: %s" % (label, r.stderr.strip().splitlines()[-1:]))
        sys.exit(1)
    done, done_wall = time.monotonic(), time.time()
    live = open(db + "/XAPIANDB").read().split()[-1]
    if live != new_state[0]:
        print("%s: the master switched to %s, not %s" % (label, live, new_state[0]))
        sys.exit(1)
    print("%s: %s, %d documents, on the master in %.0f ms" % (label, new_state[0], new_state[1], 1000 * (done - t0)))
    deadline = done + 60
    for p in ports:
        for key in (new_state,) + tuple(also):
            while (p, key) not in seen_first and time.monotonic() < deadline: time.sleep(0.01)
        if (p, new_state) not in seen_first or any((p, k) not in seen_first for k in also):
            print("  replica %d (:%s) did not serve it within 60 s" % (ports.index(p) + 1, p))
            bad.append((p, "never served", new_state))
            continue
        print("  replica %d (:%s) had it on disk %.0f ms and served it %.0f ms after the master's commit"
              % (ports.index(p) + 1, p, 1000 * (on_disk(p) - done_wall), 1000 * (seen_first[(p, new_state)] - done)))

gen, docs = next(iter(states))
time.sleep(max(0.0, start + seconds * 0.2 - time.monotonic()))
# The update: the first clinician's availability flipped and one clinician added, in one commit.
after = dict(before, accepting_new_clients=not old_accepting)
json.dump(after, open(corpus + "/clinicians/" + clinicians[0], "w", encoding="utf-8"), indent=2)
add_clinician("replica-demo-a")
states.add((gen, docs + 1)); accepting.add(not old_accepting)
run_master("update (--update: 1 clinician edited, 1 added)", ["--update"], (gen, docs + 1),
           also=[("accepting", not old_accepting)])
# The full rebuild: one more clinician, a new generation, so a new database for the replicas.
time.sleep(max(0.0, start + seconds * 0.5 - time.monotonic()))
add_clinician("replica-demo-b")
new_gen = "gen-%06d" % (int(gen.split("-")[1]) + 1)
states.add((new_gen, docs + 2))
run_master("full rebuild (1 clinician added)", [], (new_gen, docs + 2))
time.sleep(max(0.0, start + seconds + 0.5 - time.monotonic()))
stop.set()
for t in threads: t.join()
open(work + "/polls", "w").write(str(answers[0]))
print("consistency: %d answers from /healthz and the edited clinician on the replicas; states seen: %s; %d not a committed state"
      % (answers[0], ", ".join("%s/%d" % s for s in sorted(s for s in states if len(s) == 2)), len(bad)))
for b in bad[:5]: print("  not committed:", b)
sys.exit(1 if bad else 0)
PY
checked=$?
set -e
wait "$wrk_pid" || true
line=$(grep '^WRK ' "$work/wrk.out" || true)
[ -n "$line" ] || fail "wrk printed no summary: $(tail -3 "$work/wrk.out")"
read -r _ requests duration status connect read_errors write_errors timeouts p99 <<<"$line"
errors=$((status + connect + read_errors + write_errors + timeouts))
python3 -c "import sys; r, d = int(sys.argv[2]), int(sys.argv[3]) / 1e6; print('wrk through nginx to %s replica(s): %d requests in %.1f s (%.0f/s), p99 %s ms; errors %d (non-2xx %s, socket connect %s read %s write %s timeout %s)' % (sys.argv[1], r, d, r / d, sys.argv[4], int(sys.argv[5]), *sys.argv[6:]))" \
  "$replicas" "$requests" "$duration" "$p99" "$errors" "$status" "$connect" "$read_errors" "$write_errors" "$timeouts"
serve_cpu=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$serve_cpu0" "$(cpu_seconds "${serve_pids[@]}")")
nginx_cpu=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$nginx_cpu0" "$(cpu_seconds $nginx_workers)")
python3 - "$serve_cpu" "$nginx_cpu" "$requests" "$(cat "$work/polls" 2>/dev/null || echo 0)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys
serve, nginx, searches, polls, cpus, load = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
print("CPU per search: attune serve %.2f ms (%.1f CPU s over the run for %d searches; the %d poll requests are charged to them too),"
      " nginx %.2f ms; %s CPUs, load average %s" % (1000 * serve / max(searches, 1), serve, searches, polls,
                                                  1000 * nginx / max(searches, 1), cpus, load))
PY
for r in $(seq "$replicas"); do
  # --quiet: only errors (e.g. a copy that failed and was retried).
  if [ -s "$work/replicate$r.log" ]; then sed "s/^/replica $r: xapian-replicate: /" "$work/replicate$r.log" | head -3; fi
done
[ "$checked" = 0 ] || { echo "cluster-demo: FAILED: a replica served a state the master never committed, or missed a change"; exit 1; }
[ "$errors" = 0 ] || { echo "cluster-demo: FAILED: $errors failed requests through nginx"; exit 1; }
echo "cluster-demo: ok"
