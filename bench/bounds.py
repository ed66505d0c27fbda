#!/usr/bin/env python3
"""Resource bounds of `attune serve` (docs/reliability.md, "Resource bounds"): hostile requests, each
answered or refused, with the time it took. Not a test: on a shared machine the times move with
the load, which is printed.
usage: bench/bounds.py [--bin build/attune] [--db DIR]   (default: indexes corpus/ into a temp dir)
"""
import argparse, http.client, urllib.parse, json, os, random, socket, string, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(root, "build", "attune"))
ap.add_argument("--db")
a = ap.parse_args()
tmp = tempfile.mkdtemp()
db = a.db or os.path.join(tmp, "db")
if not a.db:
    subprocess.run([a.bin, "index", "--corpus", os.path.join(root, "corpus"), "--db", db], check=True, capture_output=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
server = subprocess.Popen([a.bin, "serve", "--db", db, "--port", str(port)], stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); break
        except OSError:
            time.sleep(0.1)
    rnd = random.Random(1)
    word = lambda: "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(2, 5)))
    def q(text): return urllib.parse.quote(text)
    def probe(name, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        t = time.monotonic()
        try:
            c.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            r = c.getresponse(); data = r.read(); code = r.status
        except Exception as e:  # a refusal by closing counts as refused
            code, data = "closed", repr(e).encode()
        ms = (time.monotonic() - t) * 1000
        print("%-52s %6s %8.1f ms  %s" % (name, code, ms, data[:70].decode(errors="replace")))
        return code
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    words = " ".join(word() for _ in range(400))[:1000]
    probe("search: 1,000 characters of distinct words", "GET", "/api/search?q=" + q(words))
    probe("search: 250 words, each a wildcard", "GET", "/api/search?q=" + q(" ".join(w + "*" for w in words.split()[:250])[:1000]))
    probe("search: one letter as a prefix (as-you-type)", "GET", "/api/search?q=a&prefix=true")
    probe("suggest: one letter", "GET", "/api/suggest?q=a")
    probe("search: 1,001 characters", "GET", "/api/search?q=" + "a" * 1001)
    probe("match: 5,000 characters of distinct words", "POST", "/api/match",
          json.dumps({"text": " ".join(word() for _ in range(1700))[:5000]}))
    probe("search: a 1 MB parameter", "GET", "/api/search?q=" + "a" * 1_000_000)
    probe("match: a 1 MB body", "POST", "/api/match", json.dumps({"text": "a " * 500_000}))
    probe("search: 10,000 concern filters", "GET", "/api/search?q=worry" + "&concern=anxiety" * 10_000)
    probe("search: 400 language filters (under the URI limit)", "GET",
          "/api/search?q=worry" + "".join("&language=l%d" % i for i in range(400)))
    probe("match: 10,000 languages in the body", "POST", "/api/match",
          json.dumps({"text": "worry", "language": ["l%d" % i for i in range(10_000)]}))
    probe("match: 300 languages in the body", "POST", "/api/match",
          json.dumps({"text": "worry", "language": ["l%d" % i for i in range(300)]}))
    ok = probe("healthz afterwards", "GET", "/healthz") == 200
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    sys.exit(0 if ok else 1)
finally:
    server.terminate(); server.wait()
