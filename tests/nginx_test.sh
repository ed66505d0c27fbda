#!/usr/bin/env bash
# Starts the real nginx (Debian's package) with deploy/nginx-attune.conf in front of `attune serve`
# and searches through it; checks the log holds neither the query nor the client address.
# Usage: nginx_test.sh ATTUNE_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (scripts/deps.sh installs it)"; exit 1; }
work=$(mktemp -d)
attune_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$attune_pid" ] && kill "$attune_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$bin" index --corpus "$src/tests/data/corpus" --db "$work/db" 2>/dev/null
aport=$(free_port)
"$bin" serve --db "$work/db" --port "$aport" 2>"$work/attune.log" &
attune_pid=$!
nport=$(free_port)
mkdir -p "$work/logs" "$work/tmp"
sed -e "s|127.0.0.1:8080|127.0.0.1:$aport|" -e "s|listen 80;|listen 127.0.0.1:$nport;|" \
    -e "s|/var/log/nginx/|$work/logs/|g" "$src/deploy/nginx-attune.conf" > "$work/site.conf"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 256; }
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
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
body=$(curl -sf "http://127.0.0.1:$nport/api/search?q=secret%20worry%20words&limit=2")
echo "$body" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["articles"], d; print("search through nginx: %d articles, %d clinicians" % (len(d["articles"]), len(d["clinicians"])))'
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nport/api/search?q=x&limit=1000")
[ "$code" = 400 ] || { echo "expected 400 through nginx, got $code"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' b)" "http://127.0.0.1:$nport/healthz")
[ "$code" = 431 ] || { echo "expected 431 for oversized headers through nginx, got $code"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nport/api/search?q=$(head -c 20000 /dev/zero | tr '\0' a)")
[ "$code" = 414 ] || { echo "expected 414 for an oversized URI through nginx, got $code"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Range: bytes=0-1,0-1,0-1" "http://127.0.0.1:$nport/app.js")
case $code in 200|206|416) ;; *) echo "expected multiple ranges ignored or refused through nginx, got $code"; exit 1 ;; esac
page=$(curl -sf "http://127.0.0.1:$nport/")
echo "$page" | grep -q 'id="search-form"' || { echo "search page not served through nginx"; exit 1; }
sleep 0.2
grep -q "/api/search" "$work/logs/attune.access.log" || { echo "nginx access log is missing the request"; exit 1; }
if grep -q -e secret -e 127.0.0.1 -e "q=" "$work/logs/attune.access.log"; then
  echo "nginx access log leaks the query or the client address:"; cat "$work/logs/attune.access.log"; exit 1
fi
if grep -q -e secret "$work/attune.log"; then echo "attune logged the query text"; exit 1; fi
echo "ok"
