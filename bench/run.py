"""Cerca's speed and scale benchmark, with plain Whoosh beside it in the same run.

    .venv/bin/python bench/run.py [--sizes 10000 100000] [--repeat 3] [--queries 300]

For each corpus size (DICE, then the deterministic corpus grown from it; see
bench/corpus.py) it indexes with plain Whoosh (bench/baseline.py), Cerca
without entities and Cerca with entities, each in its own process (for peak
RSS), then runs a fixed query set. It prints a table with medians and the
ratio to the baseline, and writes a JSON copy to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import baseline  # noqa: E402
import corpus  # noqa: E402
from whoosh import query as wq  # noqa: E402

from search.analysis import STOPWORDS  # noqa: E402
from search.index import open_index  # noqa: E402
from search.models import SearchRequest  # noqa: E402
from search.query import column, search  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CERCA = [sys.executable, "-c", "from search.cli import main; main()"]


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "CI": "1"})
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - start, usage.ru_maxrss * 1024


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_indexing(corpus_path: Path, work: Path, repeat: int, docs: int) -> dict:
    mb = corpus_path.stat().st_size / 1e6
    runs = {
        "baseline": lambda d: [sys.executable, str(ROOT / "bench" / "baseline.py"),
                               str(corpus_path), str(d)],
        "cerca": lambda d: [*CERCA, "index", str(corpus_path), "--index", str(d),
                            "--no-entities"],
        "cerca+entities": lambda d: [*CERCA, "index", str(corpus_path), "--index", str(d)],
    }
    out = {}
    for name, cmd in runs.items():
        seconds, rss = [], []
        for _ in range(repeat if name != "cerca+entities" else 1):
            target = work / name
            shutil.rmtree(target, ignore_errors=True)
            s, r = timed(cmd(target))
            seconds.append(s)
            rss.append(r)
        wall = statistics.median(seconds)
        out[name] = {"seconds": wall, "docs_per_s": docs / wall, "mb_per_s": mb / wall,
                     "peak_rss_mb": max(rss) / 1e6, "index_mb": size_of(work / name) / 1e6,
                     "runs": len(seconds)}
    return out


def query_set(index, n: int, seed: int = 7) -> list[SearchRequest]:
    """A fixed mix drawn deterministically from the index's vocabulary and entities."""
    rng = random.Random(seed)
    with index.searcher() as s:
        reader = s.reader()
        words = sorted(
            t.decode() for t, info in ((t, reader.term_info("body_exact", t))
                                       for t in reader.lexicon("body_exact"))
            if 20 <= info.doc_frequency() <= 2000 and t.decode().isalpha()
            and t.decode() not in STOPWORDS and len(t) > 3
        )
        persons = column(index, s, "persons").values
        places = column(index, s, "places").values
        texts = [s.stored_fields(d)["body"] for d in rng.sample(range(reader.doc_count()),
                                                                 min(200, reader.doc_count()))]
    phrases = []
    for text in texts:
        tokens = [w for w in text.split() if w.isalpha() and len(w) > 3]
        if len(tokens) > 3:
            i = rng.randrange(len(tokens) - 2)
            phrases.append(f'"{tokens[i]} {tokens[i + 1]}"')
    k = n // 5
    queries = [SearchRequest(q=rng.choice(words)) for _ in range(k)]
    queries += [SearchRequest(q=f"{rng.choice(words)} {rng.choice(words)}") for _ in range(k)]
    queries += [SearchRequest(q=p) for p in rng.sample(phrases, min(k, len(phrases)))]
    for _ in range(k):
        if persons and rng.random() < 0.5:
            queries.append(SearchRequest(q=rng.choice(words), persons=(rng.choice(persons),)))
        elif places:
            queries.append(SearchRequest(q=rng.choice(words), places=(rng.choice(places),)))
    while len(queries) < n and (persons or places):
        if persons and rng.random() < 0.5:
            queries.append(SearchRequest(persons=(rng.choice(persons),)))
        else:
            queries.append(SearchRequest(places=(rng.choice(places),)))
    return queries


def percentiles(samples: list[float]) -> dict:
    qs = statistics.quantiles(samples, n=100)
    return {"p50": statistics.median(samples), "p95": qs[94], "p99": qs[98]}


def bench_queries(work: Path, n: int, repeat: int) -> dict:
    index = open_index(work / "cerca+entities")
    queries = query_set(index, n)
    base_searcher, parser = baseline.searcher(work / "baseline")
    runs: dict[str, list[dict]] = {"baseline top 10": [], "cerca top 10": [],
                                   "cerca full page": []}
    for _ in range(repeat):
        times = {name: [] for name in runs}
        for req in queries:
            start = time.perf_counter()
            q = parser.parse(req.q) if req.q else wq.Every()
            list(base_searcher.search(q, limit=10))
            times["baseline top 10"].append(time.perf_counter() - start)
            for name, facets in (("cerca top 10", False), ("cerca full page", True)):
                start = time.perf_counter()
                search(index, SearchRequest(**{**req.__dict__, "facets": facets}))
                times[name].append(time.perf_counter() - start)
        for name, samples in times.items():
            runs[name].append(percentiles([1000 * t for t in samples]))
    return {
        "queries": len(queries),
        **{name: {p: statistics.median(r[p] for r in rs) for p in ("p50", "p95", "p99")}
           for name, rs in runs.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_372, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    base = corpus.dice()
    report = {"machine": os.uname().nodename, "cpus": os.cpu_count(), "sizes": {}}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            path = corpus.write(corpus.grown(base, size), work / "corpus.jsonl")
            indexing = bench_indexing(path, work, args.repeat, size)
            querying = bench_queries(work, args.queries, args.repeat)
        report["sizes"][size] = {"indexing": indexing, "queries": querying}
        print_table(size, indexing, querying)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nJSON: {out}")


def print_table(size: int, indexing: dict, querying: dict) -> None:
    b = indexing["baseline"]
    print(f"\n== {size:,} documents ==")
    print(f"{'indexing':18} {'docs/s':>8} {'MB/s':>6} {'wall s':>7} {'RSS MB':>7} "
          f"{'index MB':>9} {'docs/s vs base':>15}")
    for name, r in indexing.items():
        print(f"{name:18} {r['docs_per_s']:8.0f} {r['mb_per_s']:6.2f} {r['seconds']:7.1f} "
              f"{r['peak_rss_mb']:7.0f} {r['index_mb']:9.1f} "
              f"{r['docs_per_s'] / b['docs_per_s']:14.2f}x")
    bq = querying["baseline top 10"]
    print(f"\n{'queries (' + str(querying['queries']) + ')':18} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'p95 vs base':>12}")
    for name in ("baseline top 10", "cerca top 10", "cerca full page"):
        r = querying[name]
        print(f"{name:18} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
              f"{r['p95'] / bq['p95']:11.2f}x")


if __name__ == "__main__":
    main()
