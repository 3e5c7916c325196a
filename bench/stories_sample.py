"""Draw DICE article pairs across the similarity range, show them, and record labels.

The gold pairs for stories (issue 24) are labelled by hand from the texts;
this script only chooses which pairs to read, deterministically, so the
sample can be redrawn and checked. Standard library only.

Similarity is TF-IDF cosine over lowercased words (log tf, smooth idf,
weights L2-normalised). Candidate pairs come from an inverted index over
each article's top terms, so nothing is quadratic; the cosine of every
candidate is then exact over all its words. Strata:

- ``high``: cosine >= 0.7;
- ``medium``: 0.3 <= cosine < 0.7, spread evenly over four bands;
- ``low_name``: cosine < 0.3, sharing a rare capitalised name (2-6
  articles) or a street, the likely follow-ups and the hard negatives;
- ``low_town``: cosine 0.1-0.3, same dateline town and same kind of crime,
  the hard negatives (same crime, same town, another day);
- ``dice``: DICE's machine-found duplicate pairs not drawn above;
- ``random``: two articles drawn at random;
- ``low_names2``: cosine < 0.3, sharing at least two rare capitalised
  names or streets: the low-similarity follow-ups a reader would group
  (drawn after the six above, so they are unchanged by it);
- ``low_person``: cosine < 0.3, sharing a full name (a Tint PER entity of two
  or more words, in 2-6 articles): the same person's later news, drawn last.

No pair has an id in ``reserved_ids.txt`` and no article appears in more
than two pairs, so one story reposted many times cannot fill a stratum.

    python3 bench/stories_sample.py sample            # writes /tmp/stories_sample.jsonl
    python3 bench/stories_sample.py show 0 25          # pairs 0..24, texts one after the other
    python3 bench/stories_sample.py show todo 15       # the next 15 pairs not yet labelled
    python3 bench/stories_sample.py add < labels.txt   # "N c|s|d note" lines -> stories_pairs.jsonl
    python3 bench/stories_sample.py stats              # counts per label and stratum
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

DATA = Path("/work/shared/data/dice")
HERE = Path(__file__).resolve().parent
SAMPLE = Path("/tmp/stories_sample.jsonl")
PAIRS = HERE / "stories_pairs.jsonl"
SEED = 24
TOP_TERMS = 20
PER_ARTICLE = 2
QUOTAS = {"high": 80, "medium": 100, "low_name": 60, "low_town": 40, "dice": 20, "random": 20,
          "low_names2": 40, "low_person": 40}
MEDIUM_BANDS = ((0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7))
LABELS = {"c": "copy", "s": "same_event", "d": "different"}
WORD = re.compile(r"[a-zà-ÿ0-9]+")
NAME = re.compile(r"(?<![.!?:;«\"“]\s)(?<!^)\b([A-ZÀ-Þ][a-zà-ÿ]{3,})\b")
STREET = re.compile(
    r"\b(?:via|viale|piazza|corso|strada|largo|piazzale)\s+((?:[A-ZÀ-Þ][\w']+\s?){1,3})"
)
DATELINE = re.compile(r"([A-ZÀ-Þ][A-ZÀ-Þ' ]+)\.")
KINDS = {
    "furto": ("furt", "ladr", "rubat", "svaligi"),
    "rapina": ("rapin",),
    "droga": ("spaccio", "stupefacent", "droga", "cocaina", "hashish", "eroina", "marijuana"),
    "truffa": ("truff", "raggir"),
    "incidente": ("incidente", "schiant", "investit"),
    "aggressione": ("aggredi", "aggression", "pestat", "accoltell", "picchiat"),
    "omicidio": ("omicid", "uccis", "assassin"),
    "incendio": ("incendi", "rogo", "fiamme"),
    "violenza": ("maltrattament", "stalking", "violenza sessuale", "abusi"),
}


def load() -> tuple[dict[str, dict], set[str]]:
    """Articles by id, and the reserved ids."""
    reserved = set((DATA / "reserved_ids.txt").read_text().split())
    docs = {}
    with open(DATA / "docs.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d
    return docs, reserved


def vectors(docs: dict[str, dict]) -> dict[str, dict[str, float]]:
    """L2-normalised TF-IDF vector of each article."""
    tfs = {i: Counter(WORD.findall(d["text"].lower())) for i, d in docs.items()}
    df: Counter[str] = Counter()
    for tf in tfs.values():
        df.update(tf.keys())
    n = len(docs)
    idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
    out = {}
    for i, tf in tfs.items():
        v = {t: (1 + math.log(c)) * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        out[i] = {t: w / norm for t, w in v.items()}
    return out


def cosine(u: dict[str, float], v: dict[str, float]) -> float:
    if len(u) > len(v):
        u, v = v, u
    return sum(w * v.get(t, 0.0) for t, w in u.items())


def candidates(vecs: dict[str, dict[str, float]]) -> dict[tuple[str, str], float]:
    """Exact cosine of every pair sharing at least two of their top terms."""
    postings = defaultdict(list)
    for i, v in vecs.items():
        for t in sorted(v, key=lambda t: (-v[t], t))[:TOP_TERMS]:
            postings[t].append(i)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in postings.values():
        if len(ids) > 200:  # a common top term says nothing about a pair
            continue
        ids.sort(key=int)
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                shared[(ids[x], ids[y])] += 1
    return {p: cosine(vecs[p[0]], vecs[p[1]]) for p, c in shared.items() if c >= 2}


def town(text: str) -> str | None:
    m = DATELINE.match(text)
    return m.group(1).strip() if m else None


def kinds(text: str) -> set[str]:
    low = text.lower()
    return {k for k, stems in KINDS.items() if any(s in low for s in stems)}


def names(text: str) -> set[str]:
    found = set(NAME.findall(text))
    found |= {"via " + s.strip() for s in STREET.findall(text)}
    return found


def sample() -> None:
    docs, reserved = load()
    docs_ok = {i: d for i, d in docs.items() if i not in reserved}
    vecs = vectors(docs_ok)
    cand = candidates(vecs)
    rng = random.Random(SEED)
    uses: Counter[str] = Counter()
    chosen: dict[tuple[str, str], tuple[float, str]] = {}

    def take(pool: list[tuple[str, str]], k: int, stratum: str, sims: dict) -> None:
        pool = sorted(set(pool), key=lambda p: (int(p[0]), int(p[1])))
        rng.shuffle(pool)
        got = 0
        for p in pool:
            if got >= k:
                break
            if p in chosen or uses[p[0]] >= PER_ARTICLE or uses[p[1]] >= PER_ARTICLE:
                continue
            if docs_ok[p[0]]["text"] == docs_ok[p[1]]["text"] and stratum != "high":
                continue
            sim = sims[p] if p in sims else cosine(vecs[p[0]], vecs[p[1]])
            chosen[p] = (round(sim, 4), stratum)
            uses.update(p)
            got += 1

    take([p for p, s in cand.items() if s >= 0.7], QUOTAS["high"], "high", cand)
    per_band = QUOTAS["medium"] // len(MEDIUM_BANDS)
    for lo, hi in MEDIUM_BANDS:
        take([p for p, s in cand.items() if lo <= s < hi], per_band, "medium", cand)

    # low_name: rare capitalised names or streets shared by two to six articles
    name_df: dict[str, list[str]] = defaultdict(list)
    for i, d in docs_ok.items():
        for nm in names(d["text"]):
            name_df[nm].append(i)
    towns = {town(d["text"]) for d in docs_ok.values()} - {None}
    shared_names: Counter[tuple[str, str]] = Counter()
    for nm, ids in name_df.items():
        if 2 <= len(ids) <= 6 and nm.upper() not in towns:
            shared_names.update(_pairs(ids))
    low = {p: c for p, c in shared_names.items() if cosine(vecs[p[0]], vecs[p[1]]) < 0.3}
    pool = list(low)
    take(pool, QUOTAS["low_name"], "low_name", {})

    # low_town: same dateline town, same kind of crime, cosine 0.1-0.3
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i, d in docs_ok.items():
        t = town(d["text"])
        if t:
            for k in kinds(d["text"]):
                by_key[(t, k)].append(i)
    pool = [p for p, s in cand.items() if 0.1 <= s < 0.3]
    keyed = {p for ids in by_key.values() for p in _pairs_in(ids, set(pool))}
    take(sorted(keyed), QUOTAS["low_town"], "low_town", cand)

    with open(DATA / "duplicates.csv", encoding="utf-8") as f:
        dice = [tuple(sorted((r["id_news1"], r["id_news2"]), key=int)) for r in csv.DictReader(f)]
    dice = [p for p in dice if p[0] in docs_ok and p[1] in docs_ok and p[0] != p[1]]
    take(dice, QUOTAS["dice"], "dice", cand)

    ids = sorted(docs_ok, key=int)
    rand = [tuple(sorted(rng.sample(ids, 2), key=int)) for _ in range(QUOTAS["random"] * 3)]
    take(rand, QUOTAS["random"], "random", cand)

    take([p for p, c in low.items() if c >= 2], QUOTAS["low_names2"], "low_names2", {})

    person_df: dict[str, set[str]] = defaultdict(set)
    for i, d in docs_ok.items():
        for e in d["entities"]:
            if e["label"] == "PER" and len(e["text"].split()) >= 2 and not e["text"].isupper():
                person_df[e["text"]].add(i)
    pool = [
        p
        for ids_set in person_df.values()
        if 2 <= len(ids_set) <= 6
        for p in _pairs(ids_set)
        if cosine(vecs[p[0]], vecs[p[1]]) < 0.3
    ]
    take(pool, QUOTAS["low_person"], "low_person", {})

    rows = [{"a": a, "b": b, "sim": s, "stratum": st} for (a, b), (s, st) in chosen.items()]
    rng.shuffle(rows)  # interleave strata: a partial labelling still covers all of them
    with open(SAMPLE, "w", encoding="utf-8") as f:
        for n, r in enumerate(rows):
            f.write(json.dumps({"n": n, **r}) + "\n")
    print(f"{len(rows)} pairs -> {SAMPLE}", Counter(r["stratum"] for r in rows))


def _pairs(ids: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Every pair of distinct ids, each pair ordered by number."""
    ordered = sorted(set(ids), key=int)
    for n, x in enumerate(ordered):
        for y in ordered[n + 1 :]:
            yield (x, y)


def _pairs_in(ids: list[str], allowed: set[tuple[str, str]]):
    s = set(ids)
    for p in allowed:
        if p[0] in s and p[1] in s:
            yield p


def rows() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text().splitlines()]


def labelled() -> set[tuple[str, str]]:
    if not PAIRS.exists():
        return set()
    return {(r["a"], r["b"]) for r in map(json.loads, PAIRS.read_text().splitlines())}


def show(start: int, stop: int, width: int = 900, todo: bool = False) -> None:
    """Print pairs: dates, entities, then both texts (B as a word diff when close)."""
    docs, _ = load()
    chosen = rows()
    if todo:  # the next unlabelled pairs, ``stop`` of them
        done = labelled()
        chosen = [r for r in chosen if (r["a"], r["b"]) not in done][:stop]
    else:
        chosen = chosen[start:stop]
    for r in chosen:
        a, b = docs[r["a"]], docs[r["b"]]
        print(f"=== #{r['n']} {r['a']}|{r['b']} sim={r['sim']} {r['stratum']}")
        for tag, d in (("A", a), ("B", b)):
            ents = sorted({e["text"] for e in d["entities"] if e["label"] in ("PER", "LOC")})[:10]
            print(f"[{tag}] date={d['date']} len={len(d['text'])} ents={'; '.join(ents)}")
        print(f"containment of 5-word shingles: A in B {contained(a['text'], b['text']):.2f},"
              f" B in A {contained(b['text'], a['text']):.2f}")
        print("A:", a["text"][:width])
        if r["sim"] < 0.7:
            print("B:", b["text"][:width])
        else:
            wa, wb = a["text"].split(), b["text"].split()
            sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
            ops = [o for o in sm.get_opcodes() if o[0] != "equal"]
            print(f"B vs A: word match {sm.ratio():.2f}, {len(ops)} changes:")
            for op, i1, i2, j1, j2 in sorted(ops, key=lambda o: -(o[2] - o[1] + o[4] - o[3]))[:6]:
                print(f"  {op}: -[{' '.join(wa[i1:i2])[:160]}] +[{' '.join(wb[j1:j2])[:160]}]")
        print()


def contained(x: str, y: str, k: int = 5) -> float:
    """Share of x's k-word shingles that also occur in y: a shortened copy scores high."""
    def grams(t: str) -> set[tuple[str, ...]]:
        w = WORD.findall(t.lower())
        return {tuple(w[i:i + k]) for i in range(max(len(w) - k + 1, 1))}
    gx = grams(x)
    return len(gx & grams(y)) / len(gx) if gx else 0.0


def add() -> None:
    """Append "N code note" lines from stdin to the labelled pairs."""
    sample_rows = {r["n"]: r for r in rows()}
    done = labelled()
    with open(PAIRS, "a", encoding="utf-8") as f:
        for line in sys.stdin:
            if not line.strip():
                continue
            n, code, note = line.strip().split(" ", 2)
            r = sample_rows[int(n)]
            if (r["a"], r["b"]) in done:
                continue
            rec = {"a": r["a"], "b": r["b"], "label": LABELS[code], "sim": r["sim"],
                   "stratum": r["stratum"], "note": note}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            done.add((r["a"], r["b"]))


def stats() -> None:
    recs = [json.loads(line) for line in PAIRS.read_text().splitlines()]
    table: Counter[tuple[str, str]] = Counter((r["stratum"], r["label"]) for r in recs)
    labels = ("copy", "same_event", "different")
    print(f"{'stratum':10} " + " ".join(f"{lab:>10}" for lab in labels) + "      total")
    for st in QUOTAS:
        cells = [table[(st, lab)] for lab in labels]
        print(f"{st:10} " + " ".join(f"{c:>10}" for c in cells) + f" {sum(cells):>10}")
    totals = [sum(table[(st, lab)] for st in QUOTAS) for lab in labels]
    print(f"{'total':10} " + " ".join(f"{c:>10}" for c in totals) + f" {len(recs):>10}")
    print("\nsim band   " + " ".join(f"{lab:>10}" for lab in labels))
    for lo in [x / 10 for x in range(10)]:
        band = [r for r in recs if lo <= r["sim"] < lo + 0.1 or (lo == 0.9 and r["sim"] >= 1)]
        print(f"{lo:.1f}-{lo + 0.1:.1f}    " + " ".join(
            f"{sum(r['label'] == lab for r in band):>10}" for lab in labels))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "sample"
    if cmd == "sample":
        sample()
    elif cmd == "show" and sys.argv[2] == "todo":
        show(0, int(sys.argv[3]), todo=True)
    elif cmd == "show":
        show(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "add":
        add()
    elif cmd == "stats":
        stats()
    else:
        sys.exit(__doc__)
