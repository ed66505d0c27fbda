#!/usr/bin/env bash
# Privacy canary: sends searches, suggestions and matches carrying unique marker strings through
# `attune serve`, with search analytics off and then on, and searches every file attune wrote (its
# log, the query log, the index folder, audit output) for the markers.
#   off: no marker appears anywhere.
#   on:  only the query log holds search text, and only redacted: no e-mail, phone, URL or name
#        marker; crisis searches without text; suggest and match never logged; the audit (file and
#        /api/audit) shows no text seen in fewer than 5 distinct hours.
# Usage: privacy_canary.sh ATTUNE_BIN SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*"; exit 1; }

"$bin" index --corpus "$src/tests/data/corpus" --db "$work/db" 2>"$work/index.log"

# Markers: a plain word, and personal data the redaction must remove.
word=zqcanaryword
email=zq7canary@example.org
phone="555 867 5309"
url=zqcanarysite.example.com/me
name=Zqcanaryname
crisis=zqcrisismarker

run_round() {  # $1: off|on
  local round=$1 port extra=()
  port=$(free_port)
  [ "$round" = on ] && extra=(--query-log "$work/queries.jsonl")
  "$bin" serve --db "$work/db" --port "$port" "${extra[@]}" 2>"$work/serve-$round.log" &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local base="http://127.0.0.1:$port"
  curl -sf -G "$base/api/search" --data-urlencode "q=worry $word all the time" >/dev/null
  curl -sf -G "$base/api/search" --data-urlencode "q=my name is $name and I worry, mail $email or call $phone, see $url" >/dev/null
  curl -sf -G "$base/api/search" --data-urlencode "q=$crisis I want to end my life" >/dev/null
  curl -sf -G "$base/api/suggest" --data-urlencode "q=$word wor" >/dev/null
  curl -sf -H 'Content-Type: application/json' -d "{\"text\": \"$word worry, my name is $name\"}" "$base/api/match" >/dev/null
  curl -s -G "$base/api/search" --data-urlencode "q=$word" --data-urlencode "limit=1000" >/dev/null  # a 400
  curl -sf "$base/api/audit" > "$work/api-audit-$round.json"
  curl -sf "$base/metrics" > "$work/metrics-$round.txt"
  kill "$pid"; wait "$pid" || true; pid=""
}

leaks() {  # prints files under $work holding any of the given markers
  grep -rlF -e "$@" "$work" 2>/dev/null || true
}

run_round off
found=$(leaks "$word" "$email" "$phone" "$url" "$name" "$crisis")
[ -z "$found" ] || fail "analytics off, markers found in: $found"
[ ! -e "$work/queries.jsonl" ] || fail "analytics off, yet a query log exists"
echo "analytics off: no marker in any file attune wrote"

run_round on
[ -s "$work/queries.jsonl" ] || fail "analytics on, but the query log is empty"
[ "$(stat -c %a "$work/queries.jsonl")" = 600 ] || fail "the query log is readable by others"
found=$(leaks "$email" "$phone" "$url" "$name" "$crisis" "zq7canary" "5309")
[ -z "$found" ] || fail "analytics on, personal-data markers found in: $found"
found=$(leaks "$word" | grep -v '/queries.jsonl$' || true)
[ -z "$found" ] || fail "analytics on, query text outside the query log: $found"
grep -qF "[email]" "$work/queries.jsonl" || fail "no [email] placeholder in the log"
grep -qF "[phone]" "$work/queries.jsonl" || fail "no [phone] placeholder in the log"
grep -qF "[url]" "$work/queries.jsonl" || fail "no [url] placeholder in the log"
grep -qF "[name]" "$work/queries.jsonl" || fail "no [name] placeholder in the log"
[ "$(grep -c . "$work/queries.jsonl")" = 3 ] || fail "expected 3 logged searches (search only, first pages): $(cat "$work/queries.jsonl")"
python3 - "$work/queries.jsonl" <<'PY'
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
crisis = [e for e in entries if e["crisis"]]
assert len(crisis) == 1 and "query" not in crisis[0], crisis
for e in entries:
    assert set(e) <= {"hour", "query", "concepts", "unanswered", "articles", "clinicians", "crisis"}, e
    assert len(e["hour"]) == 13, e
PY
"$bin" audit --db "$work/db" --queries "$work/queries.jsonl" --format json --out "$work/audit.json" 2>/dev/null
"$bin" audit --db "$work/db" --queries "$work/queries.jsonl" --format html --out "$work/audit.html" 2>/dev/null
found=$(leaks "$word" | grep -v '/queries.jsonl$' || true)
[ -z "$found" ] || fail "a query seen in one hour reached the audit: $found"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); q=d["queries"]; assert q["searches"]==3 and q["crisis"]==1 and q["hidden_queries"]==2, q' "$work/audit.json"
echo "analytics on: only redacted text, only in the query log; audits show counts, not rare queries"
echo ok
