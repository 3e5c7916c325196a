"""Draw fresh check pairs for stories: DICE pairs where the copy and
same-event decisions change, none of them already labelled, no reserved
id, no article twice.

    .venv/bin/python bench/stories_fresh.py > /tmp/stories/fresh_todo.jsonl            # round 1
    .venv/bin/python bench/stories_fresh.py --round 2 > /tmp/copies/fresh2_todo.jsonl   # round 2
    .venv/bin/python bench/stories_fresh.py --round 3 > /tmp/copies2/fresh3_todo.jsonl  # round 3
    .venv/bin/python bench/stories_fresh.py --show /tmp/copies/fresh2_todo.jsonl        # blind view

Round 1 (bench/stories_fresh.jsonl, seed 2424) draws 15 pairs from each
band of the copy rules of its day. Round 2 (bench/stories_fresh2.jsonl,
seed 2425) draws 120 pairs where copy decisions are hard, whatever the
rules: exact shingle containment 0.3-0.95 in three bands, lengths far
apart, low containment with one order of content words (rewrites), and
the same dateline town with the same kind of crime. It leaves out every
article of the earlier labelled files. Round 3 (bench/stories_fresh3.jsonl,
seed 2426) does the same with the articles of all three files left out:
80 pairs at containment 0.3-0.95, most with lengths far apart, and
rewrites, plus 10 easy pairs (containment 0.95 or more, or little shared).

Candidates are the story step's own (LSH over content words, rare names),
so the strata say how the step sees each pair; the labels were then
written from the texts (STORIES_LABELS.md), not from these numbers:
``--show`` prints the texts of a drawn file without its numbers or strata.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from stories_eval import HERE, entities, load_archive, stored
from stories_sample import kinds, town

from search.stories.features import Features, features
from search.stories.grouping import NAME_DF_MAX, _estimate, containment, in_order

# Per round: its seed, the labelled files whose articles it leaves out,
# and how many pairs each stratum gets.
ROUNDS = {
    1: (2424, ("stories_pairs.jsonl",),
        {"copy_above": 15, "copy_below": 15, "event_edge": 15, "retold": 15}),
    2: (2425, ("stories_pairs.jsonl", "stories_fresh.jsonl"),
        {"lopsided": 25, "shared_high": 20, "shared_mid": 25, "shared_low": 20,
         "rewritten": 10, "town_kind": 20}),
    3: (2426, ("stories_pairs.jsonl", "stories_fresh.jsonl", "stories_fresh2.jsonl"),
        {"far_high": 20, "far_low": 30, "near": 39, "rewritten": 10,
         "easy_copy": 5, "easy_apart": 5}),
}
LOPSIDED = 0.6  # the shorter text has fewer content words than this share of the longer
SHOW_CHARS = 3000


def stratum_1(a: Features, b: Features, sh: float, words: float, _docs) -> str | None:
    """Which band of the copy or same-event decision of round 1 a pair sits in."""
    order = in_order(a, b) / max(len(a.stems), len(b.stems)) if words >= 0.2 else 0.0
    if 0.55 <= sh < 0.75:
        return "copy_above"  # just above the main copy threshold
    if 0.35 <= sh < 0.55:
        return "copy_below"  # the shortened/extended version test decides
    if sh < 0.35 and order >= 0.3:
        return "retold"  # the sentence-by-sentence rewrite test decides
    if sh < 0.35 and 0.2 <= words < 0.4:
        return "event_edge"  # the same-event test decides
    return None


def stratum_2(a: Features, b: Features, sh: float, words: float,
              docs: tuple[dict, dict]) -> str | None:
    """Where a pair's copy decision is hard, independently of the rules."""
    short, long = sorted((len(a.stems), len(b.stems)))
    if 0.3 <= sh < 0.95:
        if short < LOPSIDED * long:
            return "lopsided"  # a shortened or extended version, or a follow-up
        return "shared_high" if sh >= 0.75 else "shared_mid" if sh >= 0.55 else "shared_low"
    if words >= 0.3 and in_order(a, b) >= 0.3 * long:
        return "rewritten"  # little text shared, one order of content words
    x, y = (d["text"] for d in docs)
    if words >= 0.15 and town(x) and town(x) == town(y) and kinds(x) & kinds(y):
        return "town_kind"  # the hard negatives: same town, same kind of crime
    return None


def stratum_3(a: Features, b: Features, sh: float, words: float, _docs) -> str | None:
    """Round 3: mostly where the copy decision is hard, lengths far apart
    (a shortened or extended version, a digest, a follow-up), plus a few
    easy pairs either side, so the figure is not only of the boundary."""
    short, long = sorted((len(a.stems), len(b.stems)))
    if sh >= 0.95:
        return "easy_copy"
    if sh >= 0.3:
        if short < LOPSIDED * long:
            return "far_high" if sh >= 0.6 else "far_low"
        return "near"  # lengths closer: a light edit, a template filled in again
    if words >= 0.3 and in_order(a, b) >= 0.3 * long:
        return "rewritten"
    if 0.15 <= words < 0.3:
        return "easy_apart"  # some vocabulary shared, little text
    return None


STRATA: dict[int, Callable] = {1: stratum_1, 2: stratum_2, 3: stratum_3}


def draw(round_no: int) -> None:
    seed, files, quotas = ROUNDS[round_no]
    archive = load_archive()
    used: set[str] = set()
    for name in files:
        for line in open(HERE / name, encoding="utf-8"):
            if line.strip():
                p = json.loads(line)
                used |= {p["a"], p["b"]}
    feats = {k: features(d["text"], entities(d, "PER"), entities(d, "LOC"),
                         entities(d, "ORG"), None) for k, d in archive.items()}
    with tempfile.TemporaryDirectory() as work:
        store = stored(feats.items(), Path(work) / "stories.sqlite")
        store.count(NAME_DF_MAX)
        found = store.candidates(store.pending())
        key = store.hashes(np.unique(found).tolist())  # row id -> article id
        store.close()
    pairs = sorted({tuple(sorted((key[i], key[j]), key=int)) for i, j in found.tolist()})
    bands: dict[str, list[tuple[str, str, float]]] = {}
    for x, y in pairs:
        a, b = feats[x], feats[y]
        if x in used or y in used or min(len(a.stems), len(b.stems)) < 15:
            continue
        sh = containment(a, b)
        band = STRATA[round_no](a, b, sh, _estimate(a.words, b.words), (archive[x], archive[y]))
        if band:
            bands.setdefault(band, []).append((x, y, round(sh, 4)))
    rng = random.Random(seed)
    taken: set[str] = set()
    rows = []
    for band in sorted(bands):
        pool = bands[band]
        rng.shuffle(pool)
        drawn = 0
        for a, b, sh in pool:
            if drawn == quotas[band] or a in taken or b in taken:
                continue
            taken |= {a, b}
            drawn += 1
            rows.append({"a": a, "b": b, "containment": sh, "stratum": band})
    if round_no > 1:  # so that a partial labelling covers every stratum
        rng.shuffle(rows)
    for row in rows:
        print(json.dumps(row))


def show(path: str) -> None:
    """Both texts of each drawn pair, numbered, without numbers or strata."""
    archive = load_archive()
    for n, line in enumerate(open(path, encoding="utf-8")):
        p = json.loads(line)
        print(f"=== #{n} {p['a']}|{p['b']}")
        for tag in ("a", "b"):
            text = archive[p[tag]]["text"]
            cut = "" if len(text) <= SHOW_CHARS else f" [... {len(text) - SHOW_CHARS} more]"
            print(f"{tag.upper()} ({len(text)} chars): {text[:SHOW_CHARS]}{cut}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--round", type=int, choices=sorted(ROUNDS), default=1)
    parser.add_argument("--show", metavar="DRAWN", help="print the texts of a drawn file")
    args = parser.parse_args()
    if args.show:
        show(args.show)
    else:
        draw(args.round)


if __name__ == "__main__":
    main()
