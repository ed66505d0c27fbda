#!/usr/bin/env bash
# The HTTP service under abuse (docs/reliability.md, "The HTTP service under abuse"). Not a ctest:
# it runs for about 8 minutes and prints figures.
#   bench/abuse.sh [--seconds N] [--connections N] [--interval S] [--rate R] [--threads N]
#                  [--only nginx|direct]
# Installs slowhttptest and nginx-light when missing (apt-get), builds attune (Release, in
# $ATTUNE_BUILD_DIR, default build-abuse/), indexes corpus/, starts `attune serve` and the real
# nginx with deploy/nginx-attune.conf (ports and paths moved to loopback and a temp dir, as
# tests/nginx_test.sh does), then runs slowhttptest:
#   a. slowloris (-H) and slow body (-B, POST /api/match) with --connections (1,000) against nginx
#      for --seconds (60) each, while a normal search goes through nginx every 0.5 s
#      (curl -w %{time_total}, a different query each time). Target: every search answers 200
#      within 100 ms.
#   b. the same attacks straight at attune (no nginx), while /healthz is probed every 0.5 s:
#      reported, not a target (cpp-httplib serves one connection per worker thread; see the doc).
#   c. POSTs without a body or Content-Length through nginx, 40 at a time from two addresses, for
#      30 s, with the same probes and target (nginx forwards them as they are; attune refuses
#      them with 411 at once, where cpp-httplib alone waits for a body until its read timeout).
# --interval is slowhttptest's time between follow-up bytes (its default 10 s is above attune's
# 5 s read timeout; an attacker who knows the timeout picks less, e.g. --interval 3).
# The attack comes from 127.0.0.1 and the probes from 127.0.0.2: nginx limits connections and
# request rate per client address, and the probes stand for other visitors.
# Prints a summary table; exits 1 when a search through nginx failed or took over 100 ms during
# an attack.
# On a shared machine other work skews latency: the load average is printed with the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=60 conns=1000 interval=10 rate=200 threads=32 only=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) secs=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--connections N] [--interval S] [--rate R] [--threads N] [--only nginx|direct]" >&2; exit 2 ;;
  esac
done
case "$only" in ''|nginx|direct) ;; *) echo "abuse.sh: --only takes nginx or direct" >&2; exit 2 ;; esac
target_ms=100

# --- packages -------------------------------------------------------------------------------
"$root/scripts/deps.sh"
missing=()
command -v slowhttptest >/dev/null || missing+=(slowhttptest)
[ -x "$(command -v nginx || echo /usr/sbin/nginx)" ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "abuse.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "abuse.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

# --- build and index ------------------------------------------------------------------------
build=${ATTUNE_BUILD_DIR:-$root/build-abuse}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DATTUNE_TESTS=OFF >/dev/null
nice cmake --build "$build" -j "${ATTUNE_BUILD_JOBS:-1}" --target attune >/dev/null
bin=$build/attune

ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d)
attune_pid="" nginx_pid="" probe_pid="" attack_pid=""
cleanup() {
  for p in $attack_pid $probe_pid $nginx_pid $attune_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
say() { echo "abuse: $*"; }

"$bin" index --corpus "$root/corpus" --db "$work/db" 2>/dev/null >/dev/null
aport=$(free_port)
start_attune() {
  "$bin" serve --db "$work/db" --port "$aport" --threads "$threads" 2>>"$work/attune.log" &
  attune_pid=$!
  for _ in $(seq 100); do
    if curl -sf "http://127.0.0.1:$aport/healthz" >/dev/null 2>&1; then
      # Warm up: each worker thread opens its own index handle on its first request (~50 ms).
      local warm=()
      for _ in $(seq $((threads * 2))); do curl -s -o /dev/null "http://127.0.0.1:$aport/healthz" & warm+=($!); done
      wait "${warm[@]}"
      return 0
    fi
    sleep 0.1
  done
  echo "abuse.sh: attune did not start:"; cat "$work/attune.log"; exit 1
}
start_attune

# nginx: the project's site config, moved to loopback ports and temp paths (tests/nginx_test.sh).
# The main config differs from the test's in worker_connections only: 1,000 attack connections
# (and the upstream connections behind them) do not fit in the test's 256.
nport=$(free_port)
mkdir -p "$work/logs" "$work/tmp"
sed -e "s|127.0.0.1:8080|127.0.0.1:$aport|" -e "s|listen 80;|listen 127.0.0.1:$nport;|" \
    -e "s|/var/log/nginx/|$work/logs/|g" "$root/deploy/nginx-attune.conf" > "$work/site.conf"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 8192; }
http {
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  access_log off;
  include $work/site.conf;
}
CONF
"$nginx" -t -c "$work/nginx.conf" -p "$work" >/dev/null 2>&1 || { "$nginx" -t -c "$work/nginx.conf" -p "$work"; exit 1; }
"$nginx" -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf --interface 127.0.0.2 "http://127.0.0.1:$nport/healthz" >/dev/null \
  || { echo "abuse.sh: cannot reach nginx from 127.0.0.2 (loopback aliases)"; exit 1; }

# Normal searches: a different line of bench/queries.txt each time (so most miss the cache).
python3 - "$root/bench/queries.txt" "$work/search_paths.txt" <<'PY'
import sys, urllib.parse
texts = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip() and len(l.strip()) <= 1000]
with open(sys.argv[2], "w") as f:
    for t in texts: f.write("/api/search?q=" + urllib.parse.quote(t) + "\n")
PY
mapfile -t search_paths < "$work/search_paths.txt"

# POSTs without a body and without Content-Length (as `curl -X POST` sends them), which nginx
# forwards as they are: cpp-httplib 0.11.4 would wait for the body until its read timeout,
# holding a worker each; 40 at a time from two addresses (nginx's limit_conn is 20 per address).
cat >"$work/bodiless.py" <<'PY'
import socket, sys, threading, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
stop, counts, lock = time.time() + secs, {}, threading.Lock()
def attacker(src):
    while time.time() < stop:
        status = "none"
        try:
            s = socket.socket(); s.bind((src, 0)); s.settimeout(15); s.connect(("127.0.0.1", port))
            s.sendall(b"POST /api/match HTTP/1.1\r\nHost: attune\r\nConnection: close\r\n\r\n")
            status = s.recv(16)[9:12].decode() or "closed"
            s.close()
        except Exception:
            time.sleep(0.05)
        with lock: counts[status] = counts.get(status, 0) + 1
        time.sleep(0.5)   # holding workers is the point, not a flood
threads = [threading.Thread(target=attacker, args=(src,)) for src in ("127.0.0.3", "127.0.0.4") for _ in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print("%d requests, answered %s" % (sum(counts.values()), ", ".join("%s x%d" % kv for kv in sorted(counts.items()))))
PY

# probe_loop BASE_URL MODE(search|healthz) OUT STOPFILE: one request every 0.5 s, each in the
# background so a slow answer does not delay the next; each writes "SECONDS_SINCE_START HTTP_CODE
# SECONDS" (code 000: no answer within curl's 10 s).
probed=0   # searches sent so far: each run goes on down the list, so no probe hits the cache
probe_loop() {
  local base=$1 mode=$2 out=$3 stop=$4 i=$probed path t0 now
  t0=$(date +%s%N)
  while [ ! -e "$stop" ]; do
    if [ "$mode" = search ]; then path=${search_paths[$((i % ${#search_paths[@]}))]}; else path=/healthz; fi
    now=$(date +%s%N)
    curl -s -o /dev/null --interface 127.0.0.2 --max-time 10 -w "$(((now - t0) / 1000000)) %{http_code} %{time_total}\n" \
      "$base$path" >>"$out" 2>/dev/null &
    i=$((i + 1))
    sleep 0.5
  done
  wait
}

# stats FILE -> "total ok p50_ms max_ms max_all_ms timeline": p50 and max over the 200s; max_all
# counts failures at the time they took (curl gives up at 10 s); timeline: ok/sent per 10 s.
stats() {
  python3 - "$1" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 3]
ok = sorted(float(t) * 1000 for _, c, t in rows if c == "200")
every = [float(t) * 1000 for _, c, t in rows]
p50 = ok[len(ok) // 2] if ok else float("nan")
buckets = {}
for at, c, _ in rows:
    b = buckets.setdefault(int(at) // 10000, [0, 0])
    b[0] += c == "200"
    b[1] += 1
timeline = ",".join("%d/%d" % tuple(buckets[k]) for k in sorted(buckets))
print(len(rows), len(ok), "%.1f" % p50, "%.1f" % (max(ok) if ok else float("nan")),
      "%.1f" % (max(every) if every else float("nan")), timeline or "-")
PY
}

# csv_stats FILE... -> "max_connected closed" over slowhttptest's statistics of each round
csv_stats() {
  python3 - "$@" <<'PY'
import csv, sys
most, closed = 0, 0
for f in sys.argv[1:]:
    try:
        rows = list(csv.DictReader(open(f)))
        most = max([most] + [int(r["Connected"]) for r in rows])
        closed += int(rows[-1]["Closed"])
    except Exception:
        pass
print(most, closed)
PY
}

results=()
failed=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# attack MODE(none|-H|-B) TARGET(nginx|attune): probes for --seconds while slowhttptest attacks.
# slowhttptest stops once the server has closed all its connections (nginx does so within its
# 10 s header and body timeouts), so it is started again until the time is up: an attacker who
# reconnects. MODE none measures the probes alone (the baseline) for 20 s.
attack() {
  local mode=$1 target=$2 port url probe_mode name label stop out duration
  if [ "$target" = nginx ]; then port=$nport probe_mode=search; else port=$aport probe_mode=healthz; fi
  case $mode in
    -H) label=slowloris name=slowloris-$target url="http://127.0.0.1:$port/api/search?q=anxiety" duration=$secs ;;
    -B) label="slow body" name=slowbody-$target url="http://127.0.0.1:$port/api/match" duration=$secs ;;
    bodiless) label="no-length" name=bodiless-$target url="http://127.0.0.1:$port/api/match" duration=30 ;;
    *) label="none" name=baseline-$target url="" duration=20 ;;
  esac
  stop=$work/$name.stop out=$work/$name.probes
  : >"$out"
  local log_lines=0
  [ -f "$work/logs/attune.access.log" ] && log_lines=$(wc -l <"$work/logs/attune.access.log")
  if [ "$mode" = bodiless ]; then
    say "$name: POSTs without a body or Content-Length, 20 at a time from each of 127.0.0.3 and 127.0.0.4, for ${duration}s against $target, probing $probe_mode every 0.5 s"
  elif [ -n "$url" ]; then
    say "$name: slowhttptest $mode -c $conns -r $rate -i $interval for ${duration}s against $target, probing $probe_mode every 0.5 s"
  else
    say "$name: probing $probe_mode through $target every 0.5 s for ${duration}s, no attack"
  fi
  probe_loop "http://127.0.0.1:$port" "$probe_mode" "$out" "$stop" &
  probe_pid=$!
  local deadline=$(($(date +%s) + duration)) rounds=0 left
  if [ -z "$url" ]; then
    sleep "$duration"
  elif [ "$mode" = bodiless ]; then
    nice -n 10 python3 "$work/bodiless.py" "$port" "$duration" >"$work/$name.out" 2>&1 &
    attack_pid=$!
    wait "$attack_pid" || true
    attack_pid=""
  else
    while left=$((deadline - $(date +%s))); [ "$left" -ge 5 ]; do
      rounds=$((rounds + 1))
      nice -n 10 slowhttptest "$mode" -c "$conns" -r "$rate" -i "$interval" -l "$left" -x 24 -p 3 \
          -u "$url" -g -o "$work/$name-$rounds" >"$work/$name-$rounds.out" 2>&1 &
      attack_pid=$!
      wait "$attack_pid" || true
      attack_pid=""
    done
  fi
  touch "$stop"
  wait "$probe_pid" || true
  probe_pid=""
  [ "$probe_mode" = healthz ] || probed=$((probed + $(wc -l <"$out")))
  local total ok p50 max max_all timeline max_conn=- closed=-
  read -r total ok p50 max max_all timeline <<<"$(stats "$out")"
  if [ "$rounds" -gt 0 ]; then
    read -r max_conn closed <<<"$(csv_stats "$work/$name"-*.csv)"
  fi
  local statuses=""
  if [ "$target" = nginx ] && [ -n "$url" ] && [ -f "$work/logs/attune.access.log" ]; then
    # what nginx answered the attack (the probes' /api/search lines left out)
    statuses=$(tail -n +"$((log_lines + 1))" "$work/logs/attune.access.log" | awk '$3 != "/api/search" {print $4}' \
               | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
  fi
  # after the attack: how long until attune (directly) answers /healthz again
  local t0 recovered="-"
  t0=$(date +%s.%N)
  for _ in $(seq 600); do
    if curl -sf --max-time 1 "http://127.0.0.1:$aport/healthz" >/dev/null 2>&1; then
      recovered=$(python3 -c "import time; print('%.1f' % (time.time() - $t0))"); break
    fi
    sleep 0.1
  done
  if [ "$recovered" = - ]; then
    say "$name: attune still not answering 60 s after the attack: restarting it"
    kill "$attune_pid" 2>/dev/null || true; wait "$attune_pid" 2>/dev/null || true
    start_attune
    recovered="no (restarted)"
  fi
  local verdict="reported"
  if [ -z "$url" ]; then
    verdict="baseline"
  elif [ "$target" = nginx ]; then
    if [ "$ok" = "$total" ] && [ "$total" -gt 0 ] && python3 -c "import sys; sys.exit(0 if float('$max') <= $target_ms else 1)"; then
      verdict="ok"
    else
      verdict="MISSED"; failed=1
    fi
  fi
  say "$name: probes $ok/$total answered 200, p50 $p50 ms, max $max ms (max incl. failures $max_all ms);" \
      "answered/sent per 10 s: $timeline"
  [ "$mode" != bodiless ] || say "$name: $(cat "$work/$name.out")${statuses:+; nginx answered the attack: $statuses}"
  [ -z "$url" ] || [ "$mode" = bodiless ] || say "$name: $rounds slowhttptest round(s), at most $max_conn connections open at once, $closed closed by the server;" \
      "attune answers again ${recovered} s after the attack${statuses:+; nginx answered the attack: $statuses}"
  results+=("$(printf '%-10s %-7s %7s %9s %8s %9s %10s %9s  %s' "$label" "$target" "$max_conn" "$ok/$total" "$p50" "$max" "$max_all" "$recovered" "$verdict")")
}

if [ "$only" != direct ]; then
  attack none nginx
  attack -H nginx
  attack -B nginx
  attack bodiless nginx
fi
if [ "$only" != nginx ]; then
  attack none attune
  attack -H attune
  attack -B attune
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== $(date -u +%FT%TZ), $(nproc) cores, load average before $load_before, after $load_after"
echo "== slowhttptest -c $conns -r $rate -i $interval -l $secs; attune --threads $threads (read/write timeout 5 s);" \
     "probes: search through nginx (target: 200 within ${target_ms} ms) or /healthz straight at attune"
printf '%-10s %-7s %7s %9s %8s %9s %10s %9s  %s\n' attack target maxconn "probes ok" "p50 ms" "max ms" "max+fail" "recover s" verdict
for r in "${results[@]}"; do echo "$r"; done
if [ "$failed" -ne 0 ]; then echo "abuse: a search through nginx failed or took over ${target_ms} ms"; exit 1; fi
echo "abuse: ok"
