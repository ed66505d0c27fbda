#!/usr/bin/env python3
"""Deterministic benchmark queries: writes bench/queries.txt, one query per line.

    python3 bench/gen_queries.py [--out bench/queries.txt] [--seed 7]

Four kinds, shuffled together so that `--every K` samples all of them evenly:
  short   a concern or approach as people type it (labels and phrases of corpus/taxonomy.yaml, some
          with "therapist for ..." or "help with ..." around them)
  lay     one or two sentences in plain words built from templates and taxonomy phrases
  intake  a long intake description of 100-300 words (the sentences below, with phrases, people,
          durations and constraints filled in)
  typo    a short or lay query with one to three typing mistakes injected
All template text is written here; the only other input is the taxonomy.
"""
import argparse
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COUNTS = {"short": 330, "lay": 370, "intake": 200, "typo": 300}

SHORT_FRAMES = ["{p}", "{p}", "{p}", "{p} therapist", "therapist for {p}", "help with {p}", "{p} counseling",
                "{p} therapy near me", "how to deal with {p}", "{p} support", "online therapy for {p}",
                "{p} in adults", "best therapy for {p}"]
LAY_FRAMES = [
    "I think I have {p} and I don't know what to do",
    "I've been dealing with {p} for {d} and it's getting worse",
    "lately it's {p} all the time and I can't focus on anything",
    "my {r} thinks I should see someone about {p}",
    "how do I know if {p} is serious enough for therapy",
    "is it normal to struggle with {p} after {e}",
    "I want to talk to someone about {p} but I feel embarrassed",
    "{p} is ruining my relationship with my {r}",
    "ever since {e} I've had {p}",
    "looking for a therapist who understands {p} and {p2}",
    "my {r} is dealing with {p}, how can I help",
    "can therapy actually help with {p}",
    "I keep going back and forth about getting help for {p}",
    "what kind of therapist treats {p}",
    "{p} and {p2} at the same time, where do I start",
    "I'm tired of {p} controlling my life",
    "does anyone specialise in {p} for {pop}",
    "need someone to talk to about {p}, preferably {f}",
]
RELATIONS = ["partner", "husband", "wife", "mom", "dad", "sister", "brother", "best friend", "boss", "doctor",
             "teenager", "son", "daughter", "girlfriend", "boyfriend", "roommate"]
EVENTS = ["the pandemic", "my divorce", "losing my job", "the move", "my dad died", "the baby was born",
          "the accident", "I started college", "my surgery", "we broke up", "my diagnosis", "I retired"]
DURATIONS = ["a few weeks", "months", "about a year", "two years", "as long as I can remember", "since I was a kid",
             "the last six months", "almost a decade"]
POPULATIONS = ["teens", "couples", "older adults", "kids", "families", "college students", "new parents"]
FORMATS = ["online", "in person", "over video", "on weekends", "in the evenings"]
LANGUAGES = ["Spanish", "French", "Mandarin", "Arabic", "Portuguese", "Polish", "Korean", "Tagalog"]
CITIES = ["Chicago", "Denver", "Austin", "Toronto", "Seattle", "Miami", "Vancouver", "Montreal", "Atlanta"]

INTAKE_OPENINGS = [
    "Hi, I'm reaching out because {p} has been getting harder to manage over the past {d}.",
    "I'm writing on behalf of my {r}, who has been struggling with {p} for {d}.",
    "I have never been to therapy before, so I'm not sure how this works, but I think I need help with {p}.",
    "This is my second try at finding a therapist; the first one didn't work out, and {p} is still a big problem.",
    "I'm a {age}-year-old {job} and for {d} I've been dealing with {p}.",
]
INTAKE_MIDDLES = [
    "It started around the time {e}, and at first I thought it would pass on its own.",
    "Most days I can hold it together at work, but in the evenings it all comes crashing down.",
    "I also notice {p2}, which makes everything feel heavier.",
    "My {r} has noticed and keeps asking what's wrong, and I don't know how to explain it.",
    "I've tried apps, journaling and exercise, and they help a little, but not enough.",
    "Some nights I lie awake replaying conversations and worrying about the next day.",
    "I've been snapping at people I care about and then feeling guilty about it for hours.",
    "There's a lot of history in my family around {p2} and nobody really talks about it.",
    "I cancel plans more than I keep them, and I'm starting to feel cut off from my friends.",
    "My doctor suggested medication, but I'd like to try talking to someone first.",
    "When things get bad I can't concentrate, my chest feels tight and I just want to hide.",
    "I know some of this goes back to my childhood, but I don't know how to make sense of it.",
    "I'm worried about how this is affecting my kids, because they pick up on everything.",
    "I want to understand why I keep ending up in the same place, with {p} coming back every time.",
    "I read a little about {a} and it sounded like it might fit how I think.",
    "Honestly I'm not sure whether this counts as {p} or whether I'm just overwhelmed.",
    "Work has been intense, with long hours and a manager who is never satisfied.",
    "I've had a few good weeks here and there, but then something small sets me off again.",
]
INTAKE_CONSTRAINTS = [
    "I'd prefer someone who speaks {lang} if possible.",
    "Sessions would need to be {f} because of my schedule.",
    "I live in {city}, so someone nearby would be great.",
    "Money is tight, so a sliding scale or a lower fee would really help.",
    "I have insurance through work and would like to use it if I can.",
    "I'd feel more comfortable with a therapist who works with {pop}.",
    "A free first call would help me see whether it's a good fit.",
]
INTAKE_CLOSINGS = [
    "I'd like to feel like myself again and stop waiting for the next bad day.",
    "Mostly I just want someone to help me make sense of this and give me a few tools.",
    "Thank you for reading this; I'm hopeful but nervous about starting.",
    "My goal is to handle things without falling apart every time something goes wrong.",
]
AGES = [19, 23, 27, 31, 34, 38, 42, 46, 51, 57, 63, 68]
JOBS = ["nurse", "teacher", "software developer", "student", "stay-at-home parent", "accountant", "retail worker",
        "paramedic", "graphic designer", "lawyer", "truck driver", "grad student"]

KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm",
                                 ["wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "awdx",
                                  "sefc", "drgv", "fthb", "gyjn", "hukm", "jil", "kop", "asx", "zsdc", "xdfv",
                                  "cfgb", "vghn", "bhjm", "njk"])}


def phrase_pool(tax):
    """Phrases people type for each concept: labels without the "(CBT)" part, and the taxonomy phrases."""
    pool = {}
    for c in tax["concepts"]:
        label = re.sub(r"\s*\(.*?\)", "", c["label"]).strip()
        pool[c["id"]] = [label.lower()] + [p for p in c["phrases"] if len(p.split()) <= 6]
    return pool


def fill(rng, frame, pool, concerns, approaches):
    c1, c2 = rng.sample(concerns, 2)
    values = {"p": rng.choice(pool[c1]), "p2": rng.choice(pool[c2]), "a": rng.choice(pool[rng.choice(approaches)]),
              "r": rng.choice(RELATIONS), "e": rng.choice(EVENTS), "d": rng.choice(DURATIONS),
              "pop": rng.choice(POPULATIONS), "f": rng.choice(FORMATS), "lang": rng.choice(LANGUAGES),
              "city": rng.choice(CITIES), "age": rng.choice(AGES), "job": rng.choice(JOBS)}
    return frame.format(**values)


def short(rng, pool, concerns, approaches):
    cid = rng.choice(concerns + approaches)
    return rng.choice(SHORT_FRAMES).format(p=rng.choice(pool[cid]))


def intake(rng, pool, concerns, approaches):
    target = rng.randint(100, 275)  # the last sentence added may go past it by up to 25 words
    parts = [fill(rng, rng.choice(INTAKE_OPENINGS), pool, concerns, approaches)]
    middles = rng.sample(INTAKE_MIDDLES, len(INTAKE_MIDDLES))
    constraints = rng.sample(INTAKE_CONSTRAINTS, rng.randint(0, 3))
    closing = fill(rng, rng.choice(INTAKE_CLOSINGS), pool, concerns, approaches)
    words = lambda: sum(len(p.split()) for p in parts + constraints) + len(closing.split())
    while words() < target:
        if not middles:
            middles = rng.sample(INTAKE_MIDDLES, len(INTAKE_MIDDLES))
        parts.append(fill(rng, middles.pop(), pool, concerns, approaches))
    parts += [fill(rng, c, pool, concerns, approaches) for c in constraints]
    parts.append(closing)
    return " ".join(parts)


def typo_word(rng, w):
    i = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["swap", "drop", "double", "near"])
    if kind == "swap":
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if kind == "drop":
        return w[:i] + w[i + 1:]
    if kind == "double":
        return w[:i] + w[i] + w[i:]
    c = w[i].lower()
    return w[:i] + rng.choice(KEYBOARD.get(c, c)) + w[i + 1:]


def typo(rng, text):
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return None
    for i in rng.sample(candidates, min(len(candidates), rng.choice([1, 1, 2, 3]))):
        words[i] = typo_word(rng, words[i])
    out = " ".join(words)
    return out if out != text else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "queries.txt"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--taxonomy", default=str(ROOT / "corpus" / "taxonomy.yaml"))
    args = ap.parse_args()
    tax = yaml.safe_load(Path(args.taxonomy).read_text(encoding="utf-8"))
    rng = random.Random(args.seed)
    pool = phrase_pool(tax)
    concerns = sorted(c["id"] for c in tax["concepts"] if c["kind"] == "concern")
    approaches = sorted(c["id"] for c in tax["concepts"] if c["kind"] == "approach")
    out, seen = [], set()

    def add(text):
        text = " ".join(text.split())
        if text and text not in seen:
            seen.add(text)
            out.append(text)
            return True
        return False

    for _ in range(COUNTS["short"]):
        while not add(short(rng, pool, concerns, approaches)):
            pass
    for _ in range(COUNTS["lay"]):
        while not add(fill(rng, rng.choice(LAY_FRAMES), pool, concerns, approaches)):
            pass
    for _ in range(COUNTS["intake"]):
        while not add(intake(rng, pool, concerns, approaches)):
            pass
    for _ in range(COUNTS["typo"]):
        while True:
            base = short(rng, pool, concerns, approaches) if rng.random() < 0.5 else \
                fill(rng, rng.choice(LAY_FRAMES), pool, concerns, approaches)
            t = typo(rng, base)
            if t and add(t):
                break
    rng.shuffle(out)
    Path(args.out).write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
