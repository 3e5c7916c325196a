"""Curation: the time from an editor's edit of a frequent entity to the
edit being live, on a copy of the index.

    .venv/bin/python bench/curation.py --index /tmp/dice-main [--rounds 3]

The index is copied to a temporary folder first (edits rewrite it). The
most frequent person with a few hundred articles is merged into the
second one, then the merge is undone, ``--rounds`` times. For each edit:
``apply()`` (find the articles, rewrite them, commit), then the first
``entities()`` query through a second handle on the index, as a server
has, that shows the new counts (its per-generation arrays are rebuilt
then). Baseline, in the same run: that query on an unchanged index.
Medians; the target is edit-to-live under 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import SearchRequest, entities, open_index  # noqa: E402
from search.curation import Edit, apply, undo  # noqa: E402


def top(index, n: int = 2):
    return entities(index, "person", SearchRequest(page_size=n), "", None).values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cerca-curation-") as tmp:
        copy = Path(tmp) / "index"
        shutil.copytree(args.index, copy, ignore=shutil.ignore_patterns("*WRITELOCK"))
        editor, server = open_index(copy), open_index(copy)
        first, second = top(server)
        print(f"{server.doc_count()} articles; merging «{first.value}» ({first.count}) "
              f"into «{second.value}» ({second.count}); load {os.getloadavg()[0]:.1f}")
        base, applied, live, undone = [], [], [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            top(server)
            base.append(time.perf_counter() - t)
            for action, times in (
                    (lambda: apply(editor, Edit("merge", first.value, second.value), "bench"),
                     applied),
                    (lambda: undo(editor, "bench"), undone)):
                t = time.perf_counter()
                done = action()
                times.append(time.perf_counter() - t)
                seen = top(server)
                live.append(time.perf_counter() - t)
                assert len(done.articles) >= first.count, (len(done.articles), first.count)
                assert seen[0].value == second.value if times is applied else \
                    seen[0].value == first.value, seen
        editor.close()
        server.close()

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} ms"

    print(f"baseline query, unchanged index: {ms(base)}")
    print(f"apply (merge of {first.count} articles): {ms(applied)}")
    print(f"undo: {ms(undone)}")
    print(f"edit to live (apply or undo, then the server's first query): {ms(live)}"
          f"  (target <= 5000 ms); load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
