"""Draw the fresh check pairs for stories (bench/stories_fresh.jsonl): DICE
pairs where the copy and same-event decisions change, none of them in
bench/stories_pairs.jsonl, no reserved id, no article twice.

    .venv/bin/python bench/stories_fresh.py > /tmp/stories/fresh_todo.jsonl

Candidates are the story step's own (LSH over content words, rare names),
so the strata say how the step sees each pair; the labels were then
written from the texts (STORIES_LABELS.md), not from these numbers.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from stories_eval import HERE, entities, load_archive, stored

from search.stories.features import features
from search.stories.grouping import NAME_DF_MAX, _estimate, containment, in_order

PER_STRATUM = 15
SEED = 2424


def stratum(sh: float, order: float, words: float) -> str | None:
    """Which band of the copy or same-event decision a pair sits in."""
    if 0.55 <= sh < 0.75:
        return "copy_above"  # just above the main copy threshold
    if 0.35 <= sh < 0.55:
        return "copy_below"  # the shortened/extended version test decides
    if sh < 0.35 and order >= 0.3:
        return "retold"  # the sentence-by-sentence rewrite test decides
    if sh < 0.35 and 0.2 <= words < 0.4:
        return "event_edge"  # the same-event test decides
    return None


def main() -> None:
    archive = load_archive()
    labelled = [json.loads(line) for line in open(HERE / "stories_pairs.jsonl", encoding="utf-8")]
    used = {p["a"] for p in labelled} | {p["b"] for p in labelled}
    feats = {k: features(d["text"], entities(d, "PER"), entities(d, "LOC"),
                         entities(d, "ORG"), None) for k, d in archive.items()}
    with tempfile.TemporaryDirectory() as work:
        store = stored(feats.items(), Path(work) / "stories.sqlite")
        store.count(NAME_DF_MAX)
        pairs = sorted(store.candidates(store.pending()))
        store.close()
    bands: dict[str, list[tuple[str, str, float]]] = {}
    for x, y in pairs:
        a, b = feats[x], feats[y]
        if x in used or y in used or min(len(a.stems), len(b.stems)) < 15:
            continue
        sh = containment(a, b)
        words = _estimate(a.words, b.words)
        order = in_order(a, b) / max(len(a.stems), len(b.stems)) if words >= 0.2 else 0.0
        band = stratum(sh, order, words)
        if band:
            bands.setdefault(band, []).append((x, y, round(sh, 4)))
    rng = random.Random(SEED)
    taken: set[str] = set()
    for band in sorted(bands):
        pool = bands[band]
        rng.shuffle(pool)
        drawn = 0
        for a, b, sh in pool:
            if drawn == PER_STRATUM or a in taken or b in taken:
                continue
            taken |= {a, b}
            drawn += 1
            print(json.dumps({"a": a, "b": b, "sh": sh, "stratum": band}))


if __name__ == "__main__":
    main()
