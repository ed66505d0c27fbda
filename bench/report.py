#!/usr/bin/env python3
"""Writes bench/RESULTS.md from what scripts/bench.sh collected in bench/data/.

    python3 bench/report.py --data bench/data --sizes 10k,100k --out bench/RESULTS.md

Reads DATA/meta.json (machine, versions, commands) and, per size, DATA/results-SIZE.jsonl: the JSON
lines printed by `attune index --stats-json`, `attune bench` and the peers, each with "size" and
"every" added. Query figures are medians over the timed runs; index figures come from one build.
"""
import argparse
import json
import statistics
from pathlib import Path

SYSTEMS = [("attune full", "attune", "full"), ("attune core", "attune", "core"),
           ("xapian", "xapian", "plain"), ("fts5", "fts5", "plain")]


def count_of(size):
    """"10k" -> 10000, "1m" -> 1000000 (for ordering sizes)."""
    units = {"k": 1_000, "m": 1_000_000}
    return float(size[:-1]) * units[size[-1]] if size[-1:] in units else float(size)


def load(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def mib(n):
    return f"{n / 1048576:,.1f} MiB"


def ms(us):
    return f"{us / 1000:.2f} ms"


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def nearest_rank(sorted_values, p):
    """The same percentile definition as cli/cmd_bench.cc and bench/peers/peer_common.h."""
    rank = -(-p * len(sorted_values) // 100)
    return sorted_values[min(len(sorted_values) - 1, max(rank, 1) - 1)]


def hits_stats(path, lines):
    """Latency figures from a --hits file over the query lines in `lines` only; medians over the passes.
    QPS here is queries / summed latency (the hits files have no pass wall time)."""
    rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    rows = [r for r in rows if r["i"] in lines]
    if not rows:
        return None
    passes = []
    for k in range(len(rows[0]["us"])):
        us = sorted(r["us"][k] for r in rows)
        passes.append({"p50_us": nearest_rank(us, 50), "p95_us": nearest_rank(us, 95), "p99_us": nearest_rank(us, 99),
                       "qps": len(us) / (sum(us) / 1e6)})
    return {f: statistics.median(p[f] for p in passes) for f in passes[0]} | {"count": len(rows)}


def drop_column(lines, start, end, column):
    """Removes `column` (0 = the row label) from the Markdown table rows among lines[start:end]."""
    for k in range(start, end):
        if lines[k].startswith("|"):
            cells = lines[k].split("|")
            del cells[column + 1]
            lines[k] = "|".join(cells)


def per_cpu(index_line):
    """Documents per CPU second (user + system), when the line has cpu_s; less disturbed by a busy machine."""
    return index_line["docs"] / index_line["cpu_s"] if index_line.get("cpu_s") else None


def summarise(lines):
    index, query = {}, {}
    for line in lines:
        if line["phase"] == "index":
            index[line["peer"]] = line
        else:
            query.setdefault((line["peer"], line.get("mode", "plain")), []).append(line)
    med = {}
    for key, runs in query.items():
        med[key] = {f: statistics.median(r[f] for r in runs) for f in
                    ("p50_us", "p95_us", "p99_us", "mean_us", "max_us", "qps", "peak_rss_kb")}
        med[key]["count"] = runs[0]["count"]
        med[key]["runs"] = len(runs)
    return index, med


def fts5_pairs(data, size):
    """{mode: (attune figures, FTS5 figures)} over exactly the query lines FTS5 ran, from the hits files."""
    path = data / f"hits-{size}-fts5.jsonl"
    if not path.exists():
        return {}, 0
    lines = {json.loads(l)["i"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    pairs = {}
    for mode in ("full", "core"):
        a_path = data / f"hits-{size}-attune-{mode}.jsonl"
        if a_path.exists():
            a, p = hits_stats(a_path, lines), hits_stats(path, lines)
            if a and p:
                pairs[mode] = (a, p)
    return pairs, len(lines)


def size_section(size, meta, index, med, every, data):
    out = [f"## {size} documents", ""]
    docs = next(iter(index.values()))["docs"] if index else 0
    sha = meta.get("corpus_sha256", {}).get(size, "?")
    count = next(iter(med.values()))["count"] if med else 0
    runs = next(iter(med.values()))["runs"] if med else 0
    out += [f"Corpus: {docs:,} documents, sha256 `{sha}`. Queries: every {every}{'st' if every == 1 else 'th' if every > 3 else 'nd' if every == 2 else 'rd'} line of "
            f"bench/queries.txt ({count} queries), {runs} timed passes after one warm pass; query figures are medians over the passes.",
            "",
            "| system | index docs/s | index wall | docs per CPU s | index size | index peak RSS | queries x passes | p50 "
            "| p95 | p99 | QPS | query peak RSS |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    table_start = len(out) - 2
    for name, peer, mode in SYSTEMS:
        i, q = index.get(peer), med.get((peer, mode))
        if not q:
            continue
        idx = ["same index", "", "", "", ""] if mode == "core" else \
            [f"{i['docs_per_s']:,.0f}", f"{i['wall_s']:,.1f} s", f"{per_cpu(i):,.0f}" if per_cpu(i) else "",
             mib(i["index_bytes"]), mib(i["peak_rss_kb"] * 1024)] if i else ["", "", "", "", ""]
        out.append(f"| {name} | " + " | ".join(idx) + f" | {q['count']} x {q['runs']} | {ms(q['p50_us'])} | "
                   f"{ms(q['p95_us'])} | {ms(q['p99_us'])} | "
                   f"{q['qps']:,.{0 if q['qps'] >= 10 else 2}f} | {mib(q['peak_rss_kb'] * 1024)} |")
    pairs, fts5_count = fts5_pairs(data, size)
    ratio_start = len(out) + 2
    out += ["", "Ratios, attune / peer, in the same run (latency and size: lower is better for attune; "
            "docs/s and QPS: higher is better). Against FTS5 the query figures of both sides are computed from "
            f"the per-query latencies of the {fts5_count} queries FTS5 ran (QPS = queries / summed latency).", "",
            "| attune / peer | index docs/s | docs per CPU s | index size | index peak RSS | p50 | p95 | p99 | QPS |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    a_index = index.get("attune")
    for mode in ("full", "core"):
        a = med.get(("attune", mode))
        for peer in ("xapian", "fts5"):
            p, pi = med.get((peer, "plain")), index.get(peer)
            if peer == "fts5":
                a, p = pairs.get(mode, (None, None))
            if not a or not p:
                continue
            idx = [ratio(a_index["docs_per_s"], pi["docs_per_s"]),
                   ratio(per_cpu(a_index), per_cpu(pi)) if per_cpu(a_index) and per_cpu(pi) else "",
                   ratio(a_index["index_bytes"], pi["index_bytes"]),
                   ratio(a_index["peak_rss_kb"], pi["peak_rss_kb"])] if mode == "full" and a_index and pi else ["", "", "", ""]
            out.append(f"| attune {mode} / {peer} | " + " | ".join(idx) + " | " +
                       " | ".join(ratio(a[f], p[f]) for f in ("p50_us", "p95_us", "p99_us", "qps")) + " |")
    if not any(per_cpu(i) for i in index.values()):  # results from before cpu_s was recorded
        drop_column(out, table_start, ratio_start - 2, 3)
        drop_column(out, ratio_start, len(out), 2)
    out += by_length(data, size)
    out.append("")
    return out


BUCKETS = [("1-4 words", 1, 4), ("5-40 words", 5, 40), ("100+ words (intakes)", 100, 10_000)]


def by_length(data, size, queries=Path(__file__).resolve().parent / "queries.txt"):
    """p50 / p99 per query length for attune and plain Xapian, from the hits files (medians over passes)."""
    lengths = [len(q.split()) for q in queries.read_text(encoding="utf-8").splitlines()]
    cols = [("attune full", f"hits-{size}-attune-full.jsonl"), ("attune core", f"hits-{size}-attune-core.jsonl"),
            ("xapian", f"hits-{size}-xapian.jsonl")]
    rows = []
    for label, lo, hi in BUCKETS:
        lines = {i for i, n in enumerate(lengths) if lo <= n <= hi}
        cells = []
        for _, name in cols:
            st = hits_stats(data / name, lines) if (data / name).exists() else None
            cells.append(f"{ms(st['p50_us'])} / {ms(st['p99_us'])} ({st['count']})" if st else "")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return ["", "By query length, p50 / p99 (queries):", "",
            "| query | " + " | ".join(c for c, _ in cols) + " |", "| --- |" + " ---: |" * len(cols)] + rows


def targets(all_sizes, data):
    """The issue's targets, checked against the sizes that were run."""
    rows = []

    def row(what, value, ok):
        rows.append(f"| {what} | {value} | {'met' if ok else '**missed**'} |")

    if "100k" in all_sizes:
        index, med = all_sizes["100k"]
        full = med.get(("attune", "full"))
        if full:
            row("100k: attune full p50 <= 2 ms", ms(full["p50_us"]), full["p50_us"] <= 2000)
            row("100k: attune full p99 <= 10 ms", ms(full["p99_us"]), full["p99_us"] <= 10000)
        pairs = fts5_pairs(data, "100k")[0]
        if "full" in pairs:
            a, f = pairs["full"]
            row("100k: attune full QPS >= 10x FTS5 (same queries)", ratio(a["qps"], f["qps"]), a["qps"] >= 10 * f["qps"])
        if "attune" in index and "xapian" in index:
            a, x = index["attune"], index["xapian"]
            cpu = f" (per CPU s: {ratio(per_cpu(a), per_cpu(x))})" if per_cpu(a) and per_cpu(x) else ""
            row("100k: index docs/s >= plain Xapian's", ratio(a["docs_per_s"], x["docs_per_s"]) + cpu,
                a["docs_per_s"] >= x["docs_per_s"])
            row("100k: index size <= 1.3x plain Xapian's", ratio(a["index_bytes"], x["index_bytes"]),
                a["index_bytes"] <= 1.3 * x["index_bytes"])
    if "1m" in all_sizes and "attune" in all_sizes["1m"][0]:
        a = all_sizes["1m"][0]["attune"]
        row("1m: indexed in <= 10 min", f"{a['wall_s'] / 60:.1f} min", a["wall_s"] <= 600)
        row("1m: index peak RSS <= 2 GB", mib(a["peak_rss_kb"] * 1024), a["peak_rss_kb"] * 1024 <= 2 * 1024 ** 3)
    if not rows:
        return []
    return ["## Targets", "", "| target | measured | |", "| --- | ---: | --- |"] + rows + [""]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="bench/data")
    ap.add_argument("--sizes", default="all", help="comma-separated, or all: every DATA/results-SIZE.jsonl")
    ap.add_argument("--out", default="bench/RESULTS.md")
    args = ap.parse_args()
    data = Path(args.data)
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    if args.sizes == "all":
        sizes = sorted((p.stem[len("results-"):] for p in data.glob("results-*.jsonl")), key=count_of)
    else:
        sizes = [s for s in args.sizes.split(",") if s]
    all_sizes, sections = {}, []
    for size in sizes:
        path = data / f"results-{size}.jsonl"
        if not path.exists():
            sections += [f"## {size} documents", "", "Not run (no results).", ""]
            continue
        lines = load(path)
        index, med = summarise(lines)
        all_sizes[size] = (index, med)
        every = lines[0].get("every", 1) if lines else 1
        sections += size_section(size, meta, index, med, every, data)
    m = meta["machine"]
    v = meta["versions"]
    out = ["# Benchmark results", "",
           f"Written by `scripts/bench.sh` ({meta['date']}); how to run it and what each figure means: "
           "[docs/benchmarks.md](../docs/benchmarks.md).", "",
           f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']:.1f} GiB RAM, load average "
           f"{m['loadavg']} at the start (a shared machine: other work may have run alongside).",
           f"- Versions: attune {v['attune']}, {v['xapian']}, {v['sqlite']}, {v['compiler']}; Release build.",
           "- Systems: **attune full** = `attune search --json` for each query (concepts, query building, both "
           "lists, records, snippets, `why`, JSON text); **attune core** = the same up to the two match sets "
           "(no records, snippets, `why` or JSON); **xapian** = plain Xapian, TermGenerator/QueryParser with the English "
           "stemmer, BM25, top 10; **fts5** = SQLite FTS5, porter tokenizer, ORDER BY bm25, LIMIT 10. attune answers "
           "two lists of 10 (articles and clinicians), the peers one list of 10.",
           "- Latency is per query, one at a time, in one process (steady_clock); QPS = queries / wall time of a pass.",
           ""]
    if meta.get("note"):
        out += [meta["note"], ""]
    out += targets(all_sizes, data) + sections
    Path(args.out).write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
