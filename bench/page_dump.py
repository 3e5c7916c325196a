"""Every page of the bench query set as JSON lines, to compare two commits:
a speed change must leave results, counts, facets and snippets identical.

    .venv/bin/python bench/page_dump.py INDEX OUT.jsonl [--queries 300]
    (the same at the other commit, e.g. from a `git worktree`), then: cmp A B

The set is bench/queries.py's, then page 2, ungrouped and by date for its
first 40 queries.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import queries  # noqa: E402

from search import search  # noqa: E402
from search.index import open_index  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    index = open_index(args.index)
    reqs = queries.query_set(index, args.queries)
    head = reqs[:40]
    reqs += [replace(r, page=2) for r in head] + [replace(r, collapse="none") for r in head]
    reqs += [replace(r, sort="date") for r in head]
    with args.out.open("w", encoding="utf-8") as out:
        for req in reqs:
            page = dataclasses.asdict(search(index, req))
            out.write(json.dumps(page, default=str, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{len(reqs)} pages: {args.out}")


if __name__ == "__main__":
    main()
