"""The worst queries anyone can type, timed: Cerca against plain Whoosh.

Wildcards and fuzzy terms expand over the vocabulary, and phrases of common
words check positions in thousands of articles. This indexes DICE (and
optionally the 100k corpus of bench/corpus.py) without entities, then sends
each query through Cerca's ``search()`` (what every shell calls, with its
default time budget) and, in the same run, through plain Whoosh's parser
and collector on the same index (the behaviour before the query budget),
each in a child process stopped at ``--whoosh-limit`` seconds.

    .venv/bin/python bench/costly.py                  # DICE, 10k articles
    .venv/bin/python bench/costly.py --sizes 10372 100000
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import dice, grown, write  # noqa: E402
from search import InvalidRequest, SearchRequest, index_paths, open_index, search  # noqa: E402

RESULTS = ROOT / "bench" / "results"
QUERIES = [
    "a*", "*e", "*a*", "??*", "a~5", "sindaco~3", "carabinier~2", "mi*",
    " ".join(f"{a}{b}*" for a in "abcdefghij" for b in "aeiou"),  # 50 prefixes
    " ".join(["*x*"] * 100),
    '"il sindaco della città"', '"in via"', "dei carabinieri della compagnia di",
]


def build(size: int, work: Path) -> Path:
    index_dir = work / f"costly-{size}"
    if not (index_dir / "_MAIN_1.toc").exists() and not list(index_dir.glob("_MAIN_*.toc")):
        source = write(grown(dice(), size), work / f"costly-{size}.jsonl")
        index_paths(index_dir, [source], entities=False)
    return index_dir


WHOOSH_PROBE = """
import sys, time
from whoosh import index
from whoosh.qparser import FuzzyTermPlugin, QueryParser
ix = index.open_dir(sys.argv[1], indexname="MAIN")
parser = QueryParser("body_exact", ix.schema)
parser.add_plugin(FuzzyTermPlugin())
with ix.searcher() as searcher:
    start = time.perf_counter()
    searcher.search(parser.parse(sys.argv[2]), limit=10)
    print(time.perf_counter() - start)
"""


def whoosh_time(index_dir: Path, q: str, limit: float) -> float | None:
    """Plain Whoosh over the exact body field, in a child process killed
    past ``limit`` (Whoosh expands patterns before any collector can stop
    it); None if it was."""
    try:
        done = subprocess.run([sys.executable, "-c", WHOOSH_PROBE, str(index_dir), q],
                              capture_output=True, text=True, timeout=limit + 5, check=True)
    except subprocess.TimeoutExpired:
        return None
    seconds = float(done.stdout.strip())
    return seconds if seconds <= limit else None


def cerca_time(index, q: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        result = search(index, SearchRequest(q=q))
        outcome = f"{result.total} risultati" + (" (avvisi)" if result.notices else "")
    except InvalidRequest as exc:
        outcome = exc.code
    return time.perf_counter() - start, outcome


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10372])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--whoosh-limit", type=float, default=10.0)
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {}
    for size in args.sizes:
        index_dir = build(size, RESULTS)
        index = open_index(index_dir)
        print(f"\n{size} articles ({index.doc_count()} indexed)")
        print(f"{'query':<34} {'whoosh s':>10} {'cerca s (median)':>17}  outcome")
        rows = []
        for q in QUERIES:
            base = whoosh_time(index_dir, q, args.whoosh_limit)
            runs = [cerca_time(index, q) for _ in range(args.repeat)]
            ours = statistics.median(t for t, _ in runs)
            shown = q if len(q) <= 32 else q[:29] + "..."
            base_text = f"{base:.3f}" if base is not None else f">{args.whoosh_limit:.0f}"
            print(f"{shown:<34} {base_text:>10} {ours:>17.3f}  {runs[0][1]}")
            rows.append({"query": q, "whoosh_s": base, "cerca_s": ours, "outcome": runs[0][1]})
        worst = max(r["cerca_s"] for r in rows)
        print(f"worst Cerca time: {worst:.3f} s")
        report[size] = rows
    (RESULTS / "costly.json").write_text(json.dumps(report, indent=1), "utf-8")


if __name__ == "__main__":
    main()
