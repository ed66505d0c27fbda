#!/usr/bin/env python3
"""Deterministic synthetic corpus for benchmarks, in the JSONL import format (docs/corpus.md).

    python3 bench/gen_corpus.py --docs 100k --out bench/data/corpus-100k.jsonl [--seed 1]

Writes N documents, one article to four clinicians (every fifth line is an article). The text is
the bundled corpus's own sentences recombined: article paragraphs, headings, list items and
summaries from corpus/articles/*.md, bio sentences from corpus/clinicians/*.json, drawn mostly from
documents tagged with the same concepts so each document stays on topic. Clinicians are fictional
people ("fictional": true) with names combined from the short lists below. Concept ids come from
corpus/taxonomy.yaml. The same seed and N always give the same bytes; output is streamed, so 1M
documents need little memory.
"""
import argparse
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Fictional people: first names (with pronouns) and family names, combined at random.
FIRST = {
    "she/her": "Ada Alma Amara Ana Beatriz Camille Chiara Dalia Elena Esme Farah Freya Greta Hana Ines Ingrid Iris "
               "Jasmin Joanna Keiko Lena Leila Lucia Mara Marisol Mei Nadia Naomi Nora Olga Priya Rosa Ruth Sana "
               "Selin Sofia Talia Thandi Vera Yara Zainab Zoe".split(),
    "he/him": "Aaron Adrian Ahmed Anton Arjun Bruno Caleb Dario Elias Emeka Felix Gabriel Hamid Hugo Isaac Jonas "
              "Julian Kenji Kofi Lars Leon Luca Malik Marco Mateo Milan Nikhil Omar Oskar Pablo Rafael Ravi Samuel "
              "Tariq Theo Tomas Victor Wei Yusuf Zane".split(),
    "they/them": "Alex Ari Avery Blake Charlie Eden Jordan Jules Kai Morgan Quinn Reese Remy River Robin Rowan Sage "
                 "Sam Skyler Taylor".split(),
}
LAST = ("Abara Adeyemi Aguilar Alvarez Andersen Arslan Bakker Banerjee Barros Bauer Bergstrom Castillo Chandra "
        "Chen Costa Dahl Delacroix Demir Dubois Ekwueme Engel Farouk Ferreira Fischer Gallo Garcia Grant Haddad "
        "Halvorsen Hoang Ibarra Ishikawa Jensen Kader Kaur Keller Kim Kowalczyk Lambert Laurent Lindgren Lopez "
        "Mahmoud Marin Mbeki Mendes Moreau Morales Nakamura Navarro Novak Nwosu Okafor Olsen Ortiz Park Pereira "
        "Petrov Quintero Rahman Reyes Rossi Saito Santos Schmidt Sharma Silva Sorensen Tanaka Torres Varga "
        "Vasquez Wagner Walsh Weber Yamamoto Zielinski").split()

TITLE_TEMPLATES = {
    "concern": ["{L}", "Understanding {l}", "{L}: what helps", "Living with {l}", "When {l} gets in the way",
                "How therapy helps with {l}", "Questions people ask about {l}", "{L} and {l2}",
                "Signs of {l} and what to do next", "Supporting someone with {l}"],
    "approach": ["{L}", "{L}: how it works", "What to expect from {l}", "Is {l} right for you?",
                 "{L} for {l2}", "A first session of {l}"],
    "guide": ["Choosing a therapist for {l}", "Getting ready for therapy about {l}", "Paying for help with {l}",
              "Talking to family about {l}", "A short guide to {l}"],
    "faq": ["Does therapy help with {l}?", "How long does therapy for {l} take?", "Can I get help with {l} online?",
            "Frequently asked questions about {l}"],
}
GENERIC_HEADINGS = ["What it feels like", "Why it happens", "What helps", "What sessions look like",
                    "How it helps", "Finding the right fit", "When to reach out", "Frequently asked questions",
                    "Small steps to start with", "What the research says", "This may help if you..."]


def parse_count(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a count: {text!r} (examples: 10000, 10k, 100k, 1m)")
    n = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    if n < 1 or n != int(n):
        raise argparse.ArgumentTypeError(f"not a positive whole count: {text!r}")
    return int(n)


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def lower_first(label):
    """"Panic attacks" -> "panic attacks"; acronyms ("EMDR", "CBT") stay as they are."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if len(s.split()) >= 4]


class Sources:
    """Pools of the bundled corpus's text, overall and per concept id."""

    def __init__(self, corpus):
        tax = yaml.safe_load((corpus / "taxonomy.yaml").read_text(encoding="utf-8"))
        self.concepts = {c["id"]: c for c in tax["concepts"]}
        self.concerns = sorted(i for i, c in self.concepts.items() if c["kind"] == "concern")
        self.approaches = sorted(i for i, c in self.concepts.items() if c["kind"] == "approach")
        self.paragraphs, self.bio, self.summaries, self.summaries_by_tag = {}, {}, [], {}
        self.all_paragraphs, self.all_bio, self.headings, self.items = [], [], [], []
        for path in sorted((corpus / "articles").glob("*.md")):
            front, body = self._split(path.read_text(encoding="utf-8"))
            tags = (front.get("concerns") or []) + (front.get("approaches") or [])
            self.summaries.append(front["summary"])
            for t in tags:
                self.summaries_by_tag.setdefault(t, []).append(front["summary"])
            for block in re.split(r"\n\s*\n", body):
                block = block.strip()
                if not block:
                    continue
                if block.startswith("#"):
                    if block.startswith("## "):
                        self.headings.append(block[3:].strip())
                    continue
                if block.startswith("- "):
                    self.items += [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]
                    continue
                if block[0] in "|>" or len(block.split()) < 12:
                    continue
                text = " ".join(block.split())
                self.all_paragraphs.append(text)
                for t in tags:
                    self.paragraphs.setdefault(t, []).append(text)
        for path in sorted((corpus / "clinicians").glob("*.json")):
            c = json.loads(path.read_text(encoding="utf-8"))
            sents = sentences(c["bio"])
            self.all_bio += sents
            for t in c["concerns"] + c.get("approaches", []):
                self.bio.setdefault(t, []).extend(sents)
        people = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "clinicians").glob("*.json"))]
        self.places = sorted({(p["location"].get("city", ""), p["location"].get("region", ""),
                               p["location"]["country"], p["location"].get("lat", 0.0), p["location"].get("lon", 0.0))
                              for p in people})
        by_country = {}
        for p in people:
            d = by_country.setdefault(p["location"]["country"], {"credentials": set(), "insurance": set()})
            if p.get("credentials"):
                d["credentials"].add(p["credentials"])
            d["insurance"].update(p.get("insurance", []))
        self.by_country = {k: {f: sorted(v) for f, v in d.items()} for k, d in by_country.items()}
        self.languages = sorted({l for p in people for l in p["languages"] if l != "English"})

    @staticmethod
    def _split(text):
        _, fm, body = text.split("---\n", 2)
        return yaml.safe_load(fm), body


def pick_concepts(rng, src, concerns, approaches):
    return (rng.sample(src.concerns, rng.randint(*concerns)), rng.sample(src.approaches, rng.randint(*approaches)))


def topical(rng, pools, tags, overall, share=0.75):
    """A random text from the pools of `tags` (share of the time), else from `overall`."""
    if rng.random() < share:
        pool = pools.get(rng.choice(tags)) if tags else None
        if pool:
            return rng.choice(pool)
    return rng.choice(overall)


def random_date(rng, first_year, last_year):
    return f"{rng.randint(first_year, last_year):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def article(rng, src, n, authors):
    kind = rng.choices(["concern", "approach", "guide", "faq"], weights=[50, 30, 12, 8])[0]
    concerns, approaches = pick_concepts(rng, src, (1, 4), (0, 3))
    if kind == "approach" and not approaches:
        approaches = [rng.choice(src.approaches)]
    main = (approaches if kind == "approach" else concerns)[0]
    other = rng.choice([c for c in src.concepts if c != main])
    label = src.concepts[main]["label"]
    title = rng.choice(TITLE_TEMPLATES[kind]).format(L=label, l=lower_first(label),
                                                     l2=lower_first(src.concepts[other]["label"]))
    tags = concerns + approaches
    target = int(rng.triangular(400, 1500, 700))
    parts, words, since_heading = [f"# {title}"], len(title.split()), 0
    while words < target:
        if since_heading >= rng.randint(2, 4):
            heading = rng.choice(src.headings) if rng.random() < 0.6 else rng.choice(GENERIC_HEADINGS)
            parts.append("## " + heading)
            words += len(heading.split())
            since_heading = 0
        if rng.random() < 0.12:
            items = rng.sample(src.items, rng.randint(3, 5))
            block, size = "\n".join("- " + i for i in items), sum(len(i.split()) for i in items)
        else:
            block = topical(rng, src.paragraphs, tags, src.all_paragraphs)
            size = len(block.split())
        if words + size > 1500 and words >= 400:
            break
        parts.append(block)
        words += size
        since_heading += 1
    summary = topical(rng, src.summaries_by_tag, [main], src.summaries, share=0.8)
    aid = f"{slug(title)[:48].strip('-')}-{n}"
    doc = {"type": "article", "id": aid, "title": title, "kind": kind, "summary": summary,
           "concerns": concerns, "approaches": approaches, "url": f"https://attune.example/learn/{aid}",
           "updated": random_date(rng, 2018, 2025), "body": "\n\n".join(parts) + "\n"}
    if authors and rng.random() < 0.35:
        doc["author"] = rng.choice(authors)
    return doc


def clinician(rng, src, n):
    pronouns = rng.choices(list(FIRST), weights=[55, 38, 7])[0]
    name = f"{rng.choice(FIRST[pronouns])} {rng.choice(LAST)}"
    cid = f"{slug(name)}-{n}"
    concerns, approaches = pick_concepts(rng, src, (2, 6), (1, 4))
    tags = concerns + approaches
    target = int(rng.triangular(80, 250, 140))
    bio, words = [], 0
    while words < target:
        s = topical(rng, src.bio, tags, src.all_bio)
        if words + len(s.split()) > 250 and words >= 80:
            break
        bio.append(s)
        words += len(s.split())
    city, region, country, lat, lon = rng.choice(src.places)
    pools = src.by_country.get(country, {"credentials": ["LPC"], "insurance": []})
    languages = ["English"]
    extra = rng.random()
    if extra < 0.35:
        languages += rng.sample(src.languages, 1 if extra > 0.08 else 2)
    formats = rng.choices([["in-person"], ["telehealth"], ["in-person", "telehealth"]], weights=[20, 30, 50])[0]
    fee_min = rng.randrange(60, 220, 5)
    doc = {"type": "clinician", "id": cid, "fictional": True, "name": name,
           "credentials": rng.choice(pools["credentials"]), "pronouns": pronouns, "bio": " ".join(bio),
           "concerns": concerns, "approaches": approaches,
           "populations": rng.sample(["individuals", "couples", "families", "children", "teens", "older-adults"],
                                     rng.randint(1, 3)),
           "languages": languages,
           "location": {"city": city, "region": region, "country": country,
                        "lat": round(lat + rng.uniform(-0.05, 0.05), 4), "lon": round(lon + rng.uniform(-0.05, 0.05), 4)},
           "formats": formats, "accepting_new_clients": rng.random() < 0.7,
           "availability_confirmed": random_date(rng, 2025, 2026), "free_consultation": rng.random() < 0.5,
           "fee": {"min": fee_min, "max": fee_min + rng.randrange(0, 90, 5), "sliding_scale": rng.random() < 0.3},
           "insurance": rng.sample(pools["insurance"], min(len(pools["insurance"]), rng.randint(0, 3))),
           "url": f"https://attune.example/clinicians/{cid}"}
    if rng.random() < 0.3:
        doc["video_url"] = f"https://attune.example/video/{cid}"
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=parse_count, required=True, help="number of documents: 10000, 10k, 100k, 1m")
    ap.add_argument("--out", required=True, help="output JSONL file ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"), help="bundled corpus to draw text from")
    args = ap.parse_args()
    src = Sources(Path(args.corpus))
    rng = random.Random(args.seed)
    authors = []
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    try:
        for n in range(args.docs):
            if n % 5 == 0:
                doc = article(rng, src, n, authors)
            else:
                doc = clinician(rng, src, n)
                authors.append(doc["id"])
            out.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
