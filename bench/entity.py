"""Entity pages: latency beside a plain filtered search, and the company's ranking.

    .venv/bin/python bench/entity.py --index /tmp/dice-main [--rounds 5] [--requests 40]

Index DICE first (``cerca index ../shared/data/dice/docs.jsonl --index
/tmp/dice-main``). For the most frequent person, place and organisation,
and for Gian Carlo Muzzarelli, it times ``entity()`` (the page's data: the
filtered match set, the request's own match set, timeline, company, ten
hits with snippets) beside ``search()`` filtered on the same entity, the
two interleaved so a busy machine slows both alike; p50 and p95 per round,
the median over rounds. Then what the page precomputes: the facet columns
a company is counted from (built once per index generation), their build
time and their memory. Last, Muzzarelli's top 10 companions by the G²
score beside the top 10 by raw count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import ENTITY_TYPES, SearchRequest, entities, entity, open_index, search  # noqa: E402
from search.query import columns  # noqa: E402
from search.schema import FACET_FIELDS  # noqa: E402

MUZZARELLI = ("person", "Gian Carlo Muzzarelli")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def time_pair(index, type: str, name: str, requests: int) -> dict[str, tuple[float, float]]:
    field = ENTITY_TYPES[type]
    filtered = SearchRequest(**{field: (name,)})
    page, plain = [], []
    for _ in range(requests):
        start = time.perf_counter()
        entity(index, type, name, seconds=None)
        page.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        search(index, filtered, seconds=None)
        plain.append(1000 * (time.perf_counter() - start))
    return {"entity": percentiles(page), "search": percentiles(plain)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="/tmp/dice-main")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    index = open_index(args.index)
    start = time.perf_counter()
    with index.searcher() as searcher:
        arrays = columns.of(index)
        built_columns = {f: arrays.column(searcher, FACET_FIELDS[f]) for f in ENTITY_TYPES}
        arrays.days(searcher), arrays.live(searcher)
    built = time.perf_counter() - start
    size = sum(c.docs.nbytes + c.starts.nbytes for c in built_columns.values())
    values = sum(len(c.values) for c in built_columns.values())
    print(f"{index.doc_count()} articles in {args.index}; load {os.getloadavg()[0]:.1f} "
          f"(1 min) on {os.cpu_count()} cores")
    print(f"precomputed per generation: the facet columns of {', '.join(ENTITY_TYPES)} "
          f"({values} values, {sum(len(c.docs) for c in built_columns.values())} postings, "
          f"{size / 2**20:.1f} MiB of arrays) built in {built:.2f} s at first use; "
          "co-occurrence adds nothing at index time")

    targets = list(dict.fromkeys(
        [(type, entities(index, type, SearchRequest(page_size=1)).values[0].value)
         for type in ENTITY_TYPES] + [MUZZARELLI]))
    rounds: dict[tuple[str, str], list[dict]] = {t: [] for t in targets}
    for _ in range(args.rounds):
        for target in targets:
            rounds[target].append(time_pair(index, *target, requests=args.requests))
    print(f"\nms, median over {args.rounds} rounds of {args.requests} requests each "
          "(p50 / p95 per round)")
    print(f"{'entity':<34} {'articles':>8} {'page p50':>9} {'page p95':>9} "
          f"{'search p50':>11} {'search p95':>11}")
    for type, name in targets:
        runs = rounds[(type, name)]
        med = {k: tuple(statistics.median(r[k][i] for r in runs) for i in (0, 1))
               for k in ("entity", "search")}
        count = entity(index, type, name).count
        print(f"{type + ': ' + name:<34} {count:>8} {med['entity'][0]:>9.1f} "
              f"{med['entity'][1]:>9.1f} {med['search'][0]:>11.1f} {med['search'][1]:>11.1f}")
    print(f"load {os.getloadavg()[0]:.1f} (1 min) at the end")

    result = entity(index, *MUZZARELLI)
    print(f"\n{MUZZARELLI[1]}: {result.count} articles; company, top 10 by G² beside "
          "the top 10 by raw count")
    for type in ENTITY_TYPES:
        raw = [v for v in entities(index, type, SearchRequest(
            persons=(MUZZARELLI[1],), page_size=11)).values if v.value != MUZZARELLI[1]][:10]
        ranked = result.company[type][:10]
        print(f"\n  {type}: {'by G² (count, score)':<44} {'by raw count':<40}")
        for i in range(max(len(ranked), len(raw))):
            left = (f"{ranked[i].value} ({ranked[i].count}, {ranked[i].score:.1f})"
                    if i < len(ranked) else "")
            right = f"{raw[i].value} ({raw[i].count})" if i < len(raw) else ""
            print(f"  {i + 1:>2}. {left:<44} {right:<40}")


if __name__ == "__main__":
    main()
