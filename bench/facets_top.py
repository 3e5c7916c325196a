"""The top values of each facet on the blank search, with what looks wrong.

    .venv/bin/python bench/facets_top.py [--index /tmp/dice-facets] [--top 60]

Index DICE first (``cerca index ../shared/data/dice/docs.jsonl --index
/tmp/dice-facets``). Flags: CAPS (a shouted value), COMMON (a common
Italian word among persons, by wordfreq), TOWN (an Italian municipality among persons),
DATELINE (a dateline town among organisations), BYLINE (an author among
persons); each count is the number of flagged values in the top.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities import places  # noqa: E402
from search.entities.archive import shouted  # noqa: E402
from search.entities.words import common_word  # noqa: E402
from search.index import open_index  # noqa: E402
from search.models import SearchRequest  # noqa: E402
from search.query.pipeline import search  # noqa: E402


def stored(index, field: str) -> Counter:
    counts: Counter = Counter()
    with index.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            value = fields.get(field)
            for name in value if isinstance(value, list) else (value or "").split(", "):
                if name:
                    counts[name] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/dice-facets"))
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    index = open_index(args.index)
    result = search(index, SearchRequest(facet_limit=args.top, page_size=1))
    authors = set(stored(index, "author"))
    towns = {v.value for v in result.facets["place"] if places.is_local_place(v.value)}
    flags: Counter = Counter()
    for name in ("person", "place", "org", "author"):
        print(f"\n== {name} (top {args.top})")
        for v in result.facets[name][:args.top]:
            marks = []
            if shouted(v.value) and len(v.value) > 4 and "." not in v.value:
                marks.append("CAPS")
            if " " not in v.value and name == "person" and common_word(v.value):
                marks.append("COMMON")
            if name == "person" and places.is_local_place(v.value, places.Home("Emilia-Romagna")):
                marks.append("TOWN")
            if name == "org" and v.value in towns:
                marks.append("DATELINE")
            if name == "person" and v.value in authors:
                marks.append("BYLINE")
            flags.update(f"{name}:{m}" for m in marks)
            print(f"{v.count:6}  {v.value}" + (f"   <- {' '.join(marks)}" if marks else ""))
    print("\nflags:", dict(flags) or "none")


if __name__ == "__main__":
    main()
