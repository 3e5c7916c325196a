"""Stories on labelled DICE pairs: precision and recall of "copy" and of
"same story" (copies included), beside DICE's own duplicate pairs and
plain text similarity at its best threshold.

    .venv/bin/python bench/stories_eval.py [--pairs bench/stories_pairs.jsonl] [--part P]

``--part held_out`` keeps the fifth of the pairs whose sha1("a/b") is 0
modulo 5, the part the copy rules of issue 24's second session were not
chosen on; ``--part dev`` the other four fifths. bench/stories_fresh.jsonl
is a fresh check drawn where the decisions change (stories_fresh.py).

The archive grouped is DICE without its reserved ids, with the entities
DICE ships (Tint, automatic: bylines read as persons, so this is harder
than Cerca's own NER, which leaves bylines out) and without dates (DICE
has them for a tenth of its articles). Stories are computed over the whole
archive, as an indexing run does, then each labelled pair is read off them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from search.stories import regroup
from search.stories.archive import StoryArchive
from search.stories.features import Features, features
from search.stories.grouping import Grouping, _estimate, containment

DICE = Path(__file__).resolve().parents[2] / "shared" / "data" / "dice"
HERE = Path(__file__).resolve().parent


def load_archive() -> dict[str, dict]:
    reserved = set((DICE / "reserved_ids.txt").read_text().split())
    with open(DICE / "docs.jsonl", encoding="utf-8") as f:
        docs = (json.loads(line) for line in f)
        return {d["id"]: d for d in docs if d["id"] not in reserved}


def entities(doc: dict, label: str) -> list[str]:
    return [e["text"] for e in doc.get("entities", []) if e["label"] == label]


def stored(items: Iterable[tuple[str, Features]], path: Path,
           batch: int = 1000) -> StoryArchive:
    """An archive at ``path`` holding ``items`` ((id, features), the id
    standing for the content hash), stored a batch at a time as a run does."""
    archive = StoryArchive(path)
    pending: dict[str, Features] = {}
    for key, f in items:
        pending[key] = f
        if len(pending) == batch:
            archive.put(pending)
            pending = {}
    archive.put(pending)
    return archive


def stories_of(items: Mapping[str, Features]) -> Grouping:
    """The stories of ``items`` (id -> features) as an indexing run finds them."""
    with tempfile.TemporaryDirectory() as work:
        archive = stored(items.items(), Path(work) / "stories.sqlite")
        try:
            return regroup(archive, {k: k for k in items})
        finally:
            archive.close()


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, int]:
    """(precision, recall, predicted) of (predicted, gold) booleans."""
    tp = sum(p and g for p, g in pairs)
    predicted = sum(p for p, _ in pairs)
    gold = sum(g for _, g in pairs)
    return (tp / predicted if predicted else 0.0, tp / gold if gold else 0.0, predicted)


def best_threshold(values: list[float], gold: list[bool]) -> tuple[float, float, float]:
    """The threshold of best F1 and its precision and recall."""
    best = (0.0, 0.0, 0.0, -1.0)
    for t in sorted(set(values)):
        p, r, _ = scores([(v >= t, g) for v, g in zip(values, gold, strict=True)])
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[3]:
            best = (t, p, r, f1)
    return best[:3]


def part(pair: dict) -> str:
    """The split a pair belongs to (see the module docstring)."""
    digest = hashlib.sha1(f"{pair['a']}/{pair['b']}".encode()).hexdigest()
    return "held_out" if int(digest, 16) % 5 == 0 else "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", default=str(HERE / "stories_pairs.jsonl"))
    parser.add_argument("--part", choices=("all", "dev", "held_out"), default="all")
    args = parser.parse_args()
    labelled = [json.loads(line) for line in open(args.pairs, encoding="utf-8") if line.strip()]
    labelled = [p for p in labelled if args.part in ("all", part(p))]
    archive = load_archive()
    labelled = [p for p in labelled if p["a"] in archive and p["b"] in archive]
    started = time.perf_counter()
    items = {i: features(d["text"], entities(d, "PER"), entities(d, "LOC"), entities(d, "ORG"),
                         None) for i, d in archive.items()}
    feature_s = time.perf_counter() - started
    grouping = stories_of(items)
    group_s = time.perf_counter() - started - feature_s
    story_of, copy_of = {}, {}
    for sid, members in grouping.stories.items():
        for m, c in members:
            story_of[m], copy_of[m] = sid, (sid, c)
    dice = set()
    with open(DICE / "duplicates.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            dice.add(frozenset((row["id_news1"], row["id_news2"])))

    def same(table: dict, a: str, b: str) -> bool:
        return a in table and table.get(a) == table.get(b)

    gold_copy = [p["label"] == "copy" for p in labelled]
    gold_story = [p["label"] in ("copy", "same_event") for p in labelled]
    rows = []
    for name, predict in (
        ("Cerca stories", lambda p: (same(copy_of, p["a"], p["b"]),
                                     same(story_of, p["a"], p["b"]))),
        ("DICE duplicates.csv", lambda p: (frozenset((p["a"], p["b"])) in dice,) * 2),
    ):
        predicted = [predict(p) for p in labelled]
        rows.append((name, scores([(c, g) for (c, _), g in zip(predicted, gold_copy, strict=True)]),
                     scores([(s, g) for (_, s), g in zip(predicted, gold_story, strict=True)])))
    shingle = [containment(items[p["a"]], items[p["b"]]) for p in labelled]
    words = [_estimate(items[p["a"]].words, items[p["b"]].words) for p in labelled]
    print(f"{len(labelled)} labelled pairs ({sum(gold_copy)} copy, "
          f"{sum(gold_story) - sum(gold_copy)} same event, {len(labelled) - sum(gold_story)} "
          f"different); archive {len(items)} articles: features {feature_s:.1f} s, "
          f"grouping {group_s:.1f} s, {len(grouping.stories)} stories of 2+")
    print(f"{'':32} {'copy P':>7} {'copy R':>7} {'story P':>8} {'story R':>8}")
    for name, (cp, cr, _), (sp, sr, _) in rows:
        print(f"{name:32} {cp:7.2f} {cr:7.2f} {sp:8.2f} {sr:8.2f}")
    for name, values in (("shingle containment", shingle), ("content-word Jaccard", words)):
        tc, cp, cr = best_threshold(values, gold_copy)
        ts, sp, sr = best_threshold(values, gold_story)
        print(f"{name + ' (best F1)':32} {cp:7.2f} {cr:7.2f} {sp:8.2f} {sr:8.2f}"
              f"   thresholds: copy {tc:.2f}, story {ts:.2f}")
    strict = [(same(copy_of, p["a"], p["b"]), True) for p in labelled
              if p["label"] == "copy" and "[rewrite]" not in p.get("note", "")]
    print(f"copy recall without the [rewrite] copies: {scores(strict)[1]:.2f} ({len(strict)})")
    wrong = [p for p, g in zip(labelled, gold_story, strict=True)
             if same(story_of, p["a"], p["b"]) and not g]
    print(f"wrong merges: {[(p['a'], p['b']) for p in wrong]}")
    wrong = [(p["a"], p["b"], p["label"]) for p, g in zip(labelled, gold_copy, strict=True)
             if same(copy_of, p["a"], p["b"]) and not g]
    print(f"wrong copies: {wrong}")


if __name__ == "__main__":
    main()
