"""Whether the counts, pages and newest hits of a search hold what was typed.

On an index of DICE (local news of Modena's province), for 20 queries of a
common noun and a town: the share of the hits listed on every page that
hold both words, and of the 20 newest; for the towns whose Snowball stem
some ordinary word shares ("Mirandola" and "mira"), typed in lower case,
the share of listed hits holding the town's name; the share of articles
the entity fields call a name (names.py) for a few words that are both;
and the p50/p95 of a full search (page, facets, snippets) over all the
queries. A hit "holds" a word by a check independent of Cerca's analysis:
the town as a whole word, the noun as its letters before the final vowel
followed by letters (case and accents folded), in title or body.

    .venv/bin/python bench/counting.py INDEX_DIR [--repeat 5]

Run the same file from an older checkout (copied into its bench/) for the
"before" figures: it imports the search package beside it.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import export_hits, open_index, search  # noqa: E402
from search.analysis import fold, stem  # noqa: E402
from search.models import SearchRequest  # noqa: E402

PAIRS = [
    ("furto", "Carpi"), ("rapina", "Modena"), ("incidente", "Sassuolo"), ("spaccio", "Vignola"),
    ("incendio", "Mirandola"), ("arresto", "Pavullo"), ("truffa", "Formigine"),
    ("scuola", "Castelfranco"), ("ospedale", "Carpi"), ("sindaco", "Fiorano"),
    ("droga", "Modena"), ("lavoro", "Maranello"), ("furto", "Sassuolo"), ("rapina", "Carpi"),
    ("incidente", "Modena"), ("carabinieri", "Mirandola"), ("polizia", "Vignola"),
    ("ladri", "Finale"), ("mercato", "Soliera"), ("violenza", "Nonantola"),
]
# The towns of the province of Modena.
TOWNS = (
    "Bastiglia Bomporto Campogalliano Camposanto Carpi Castelfranco Castelnuovo Castelvetro "
    "Cavezzo Concordia Fanano Finale Fiorano Fiumalbo Formigine Frassinoro Guiglia Lama "
    "Maranello Marano Medolla Mirandola Modena Montecreto Montefiorino Montese Nonantola Novi "
    "Palagano Pavullo Pievepelago Polinago Prignano Ravarino Riolunato Sassuolo Savignano "
    "Serramazzoni Sestola Soliera Spilamberto Vignola Zocca"
).split()
# Ordinary words that are also names, and names that are also words.
AMBIGUOUS = ["rossi", "mira", "monte", "bianchi", "ferrari", "carpi", "mirandola", "finale",
             "concordia", "stati", "mario"]
NEWEST = 20


def holds(text: str, word: str, whole: bool) -> bool:
    folded = fold(text.casefold())
    w = fold(word.casefold())
    pattern = rf"\b{re.escape(w)}\b" if whole else rf"\b{re.escape(w[:-1])}\w*"
    return re.search(pattern, folded) is not None


def texts(index, ids: list[str]) -> dict[str, str]:
    with index.searcher() as searcher:
        found = {}
        for id_ in ids:
            fields = searcher.document(id=id_) or {}
            found[id_] = f"{fields.get('title', '')}\n{fields.get('body', '')}"
    return found


def listed(index, q: str) -> list[str]:
    """Every hit the pages of ``q`` list, in order: the export (the result
    set), then the others when the pages show them below it."""
    ids = [h.id for h in export_hits(index, SearchRequest(q=q), None)]
    first = search(index, SearchRequest(q=q, page_size=100, facets=False), None)
    if getattr(first, "others_listed", 0):
        page = 1
        while True:
            result = search(index, SearchRequest(q=q, page=page, page_size=100, facets=False),
                            None)
            some = [h.id for h in result.hits if getattr(h, "words", "all") == "some"]
            ids += some
            if page >= result.pages:
                break
            page += 1
    return ids


def share(index, ids: list[str], words: list[tuple[str, bool]]) -> float:
    if not ids:
        return float("nan")
    found = texts(index, ids)
    return sum(all(holds(found[i], w, whole) for w, whole in words) for i in ids) / len(ids)


def ambiguous_towns(index) -> list[str]:
    """Towns whose stem an ordinary word of this index shares."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        vocabulary = [t.decode() if isinstance(t, bytes) else t
                      for t in reader.lexicon("body_exact")]
    by_stem: dict[str, set[str]] = {}
    for word in vocabulary:
        if word.isalpha() and len(word) > 2:
            by_stem.setdefault(fold(stem(word)), set()).add(word)
    picked = []
    for town in TOWNS:
        own = fold(town.lower())
        others = by_stem.get(fold(stem(own)), set()) - {own}
        if others:
            picked.append(town)
            print(f"  {town}: stem {fold(stem(own))!r} shared with "
                  f"{', '.join(sorted(others)[:4])}")
    return picked


def names(index) -> None:
    with index.searcher() as searcher:
        reader = searcher.reader()
        for word in AMBIGUOUS:
            body = reader.doc_frequency("body_exact", word)
            named = {f: reader.doc_frequency(f, word)
                     for f in ("persons_text", "places_text", "orgs_text")}
            best = max(named.values())
            print(f"  {word:10} articles {body:5}  in an entity {best:5} "
                  f"({best / max(1, body):.2f}; {named})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    index = open_index(args.index)
    print(f"code: {ROOT}")
    print(f"{'query':26} {'total':>6} {'listed':>6} {'both, pages':>12} {'both, newest':>13}")
    page_shares, newest_shares = [], []
    for noun, town in PAIRS:
        q = f"{noun} {town}"
        ids = listed(index, q)
        result = search(index, SearchRequest(q=q, sort="date", page_size=NEWEST,
                                             facets=False), None)
        words = [(noun, False), (town, True)]
        pages, newest = share(index, ids, words), share(index, [h.id for h in result.hits], words)
        page_shares.append(pages)
        newest_shares.append(newest)
        print(f"{q:26} {result.total:6} {len(ids):6} {pages:12.3f} {newest:13.3f}")
    print(f"{'median':26} {'':6} {'':6} {statistics.median(page_shares):12.3f} "
          f"{statistics.median(newest_shares):13.3f}")
    print(f"{'mean':26} {'':6} {'':6} {statistics.mean(page_shares):12.3f} "
          f"{statistics.mean(newest_shares):13.3f}")
    print("towns whose stem an ordinary word shares, typed in lower case:")
    towns = ambiguous_towns(index)
    town_shares = []
    for town in towns:
        ids = listed(index, town.lower())
        value = share(index, ids, [(town, True)])
        town_shares.append(value)
        print(f"  {town.lower():14} listed {len(ids):5}  holding «{town}» {value:.3f}")
    if town_shares:
        print(f"  median {statistics.median(town_shares):.3f}, "
              f"mean {statistics.mean(town_shares):.3f}")
    print("words that are names and words (exact body articles vs. entity fields):")
    names(index)
    timings = []
    queries = [f"{n} {t}" for n, t in PAIRS] + [t.lower() for t in towns]
    for _ in range(args.repeat):
        for q in queries:
            started = time.perf_counter()
            search(index, SearchRequest(q=q), None)
            timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    print(f"full search ({len(timings)} runs): p50 {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(0.95 * (len(timings) - 1))]:.1f} ms")
    index.close()


if __name__ == "__main__":
    main()
