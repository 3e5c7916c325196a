"""Curation: the time from an editor's edit of a frequent entity to the
edit being live, on a copy of the index.

    .venv/bin/python bench/curation.py --index /tmp/dice-main [--rounds 3]
        [--type person|place|org] [--at-most N]

The index is copied to a temporary folder first (edits rewrite it). The
most frequent value of ``--type`` with at most ``--at-most`` articles is
merged into the next one, then the merge is undone, ``--rounds`` times. For each edit:
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


def top(index, type: str, n: int = 100):
    return entities(index, type, SearchRequest(page_size=n), "", None).values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--type", default="person", choices=["person", "place", "org"])
    parser.add_argument("--at-most", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cerca-curation-") as tmp:
        copy = Path(tmp) / "index"
        shutil.copytree(args.index, copy, ignore=shutil.ignore_patterns("*WRITELOCK"))
        editor, server = open_index(copy), open_index(copy)
        values = top(server, args.type)
        at = next(i for i, v in enumerate(values) if v.count <= args.at_most)
        first, second = values[at], values[at + 1]
        print(f"{server.doc_count()} articles; merging «{first.value}» ({first.count}) "
              f"into «{second.value}» ({second.count}); load {os.getloadavg()[0]:.1f}")
        base, applied, live, undone = [], [], [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            top(server, args.type)
            base.append(time.perf_counter() - t)
            for action, times in (
                    (lambda: apply(editor, Edit("merge", first.value, second.value), "bench"),
                     applied),
                    (lambda: undo(editor, "bench"), undone)):
                t = time.perf_counter()
                done = action()
                times.append(time.perf_counter() - t)
                seen = top(server, args.type)
                live.append(time.perf_counter() - t)
                assert len(done.articles) >= first.count, (len(done.articles), first.count)
                shown = [v.value for v in seen]
                assert first.value not in shown if times is applied else \
                    first.value in shown, shown
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
