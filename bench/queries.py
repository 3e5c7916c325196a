"""The query half of the benchmark, in its own process so that its peak RSS
is what one serving worker needs for the index (run.py starts it).

    python bench/queries.py WORK_DIR N REPEAT   -> one JSON object on stdout
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import baseline  # noqa: E402
from whoosh import query as wq  # noqa: E402

from search import search  # noqa: E402
from search.analysis import STOPWORDS  # noqa: E402
from search.index import open_index  # noqa: E402
from search.models import SearchRequest  # noqa: E402
from search.query import columns, rerank  # noqa: E402


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
        persons = columns.of(index).column(s, "persons").values
        places = columns.of(index).column(s, "places").values
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


class Timed:
    """The pipeline's own second pass, timed where the pipeline calls it:
    the share of a full page that the rerank of the top ``DEPTH`` takes."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.inner = rerank.rerank

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def bench_queries(work: Path, n: int, repeat: int) -> dict:
    """Each query through plain Whoosh and Cerca in turn, so that noise on
    the shared machine hits both alike; medians over ``repeat`` passes."""
    index = open_index(work / "cerca+entities")
    queries = query_set(index, n)
    base_searcher, parser = baseline.searcher(work / "baseline")
    runs: dict[str, list[dict]] = {"baseline top 10": [], "cerca top 10": [],
                                   "cerca full page": [], "  of which rerank": []}
    timer = Timed()
    rerank.rerank = timer
    for req in queries:  # a serving worker is warm: per-generation arrays built
        search(index, req)
    for _ in range(repeat):
        times: dict[str, list[float]] = {name: [] for name in runs}
        for req in queries:
            start = time.perf_counter()
            q = parser.parse(req.q) if req.q else wq.Every()
            list(base_searcher.search(q, limit=10))
            times["baseline top 10"].append(time.perf_counter() - start)
            for name, facets in (("cerca top 10", False), ("cerca full page", True)):
                timer.seconds = 0.0
                start = time.perf_counter()
                search(index, SearchRequest(**{**req.__dict__, "facets": facets}))
                times[name].append(time.perf_counter() - start)
            times["  of which rerank"].append(timer.seconds)
        for name, samples in times.items():
            runs[name].append(percentiles([1000 * t for t in samples]))
    return {
        "queries": len(queries),
        **{name: {p: statistics.median(r[p] for r in rs) for p in ("p50", "p95", "p99")}
           for name, rs in runs.items()},
    }


if __name__ == "__main__":
    work, n, repeat = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(bench_queries(work, n, repeat)))
