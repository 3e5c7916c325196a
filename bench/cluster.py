"""Indexing with entities on a Dask cluster against the default pool.

On one 2-core machine a cluster cannot be faster than the pool: the figure
is its overhead, from which the speed-up on more machines is estimated.
Each run indexes the same DICE slice into a fresh folder (a fresh entity
cache, so NER really runs), in one process, the four in turn:

- ``pool``: the default path, ``jobs=2`` (a multiprocessing pool);
- ``local:2``: ``cluster="local:2"``, which starts and stops its workers;
- ``warm``: a cluster of 2 workers started once (models loaded), as a real
  cluster is, reached by its ``tcp://`` address;
- ``no entities``: the writer's share (reading, hashing, writing).

Then the round trip of one task through the scheduler (empty, and with a
chunk's texts), (cluster − pool) / chunks, and an estimate for W workers.

    .venv/bin/python bench/cluster.py                 # 1000 articles, 3 repeats
    .venv/bin/python bench/cluster.py --size 2000 --repeats 5
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import dice, write  # noqa: E402
from search import index_paths  # noqa: E402
from search.entities.ner import BATCH_SIZE  # noqa: E402
from search.indexing.cluster import Cluster  # noqa: E402

WORKERS = 2
ESTIMATED = (2, 4, 8, 16, 32)


def index_once(work: Path, **options) -> float:
    """Seconds to index the slice into a fresh index (a fresh entity cache)."""
    with tempfile.TemporaryDirectory(dir=work) as index_dir:
        start = time.perf_counter()
        report = index_paths(index_dir, [work / "slice.jsonl"], jobs=WORKERS, **options)
        assert report.documents, report
        return time.perf_counter() - start


def round_trip(cluster: Cluster, items: list, repeats: int = 30) -> float:
    """Median seconds for one task on ``items`` to go and come back."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        cluster.map_async(len, items, chunksize=len(items)).get()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def chunks(size: int, workers: int) -> int:
    """Chunks ``EntityEnricher.observe`` sends, one at a time while the next
    is read; each is split into a task per worker, which run at once."""
    return -(-size // (BATCH_SIZE * max(workers, 4)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import distributed

    docs = dice()[:args.size]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write(docs, work / "slice.jsonl")
        warm = distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1,
                                        host="127.0.0.1", dashboard_address=None,
                                        silence_logs=logging.CRITICAL)
        try:
            address = warm.scheduler_address
            index_once(work, cluster=address)  # loads the model in each worker
            runs = {"no entities (writer share)": {"entities": False},
                    "pool, --jobs 2": {}, "--cluster local:2": {"cluster": "local:2"},
                    "warm cluster, 2 workers": {"cluster": address}}
            seconds: dict[str, list[float]] = {name: [] for name in runs}
            for _ in range(args.repeats):  # in turn, so a busy machine slows each alike
                for name, options in runs.items():
                    seconds[name].append(index_once(work, **options))
            rows = {name: statistics.median(values) for name, values in seconds.items()}
            cluster = Cluster(address)
            try:
                empty = round_trip(cluster, [""])
                texts = [d["text"] for d in docs[:BATCH_SIZE * 2]]
                loaded = round_trip(cluster, [texts])
            finally:
                cluster.close()
        finally:
            warm.close()

    print(f"{args.size} DICE articles with entities, median of {args.repeats} runs, "
          f"{WORKERS} workers")
    for name, seconds in rows.items():
        print(f"  {name:28} {seconds:7.1f} s  {args.size / seconds:6.1f} art/s")
    sent = chunks(args.size, WORKERS)
    pool = rows["pool, --jobs 2"]
    print(f"  round trip of one task: empty {empty * 1000:.1f} ms, "
          f"with {BATCH_SIZE * 2} texts {loaded * 1000:.1f} ms")
    for name in ("--cluster local:2", "warm cluster, 2 workers"):
        print(f"  ({name} - pool) / {sent} chunks = "
              f"{(rows[name] - pool) / sent * 1000:.0f} ms per chunk")
    estimate(args.size, rows["no entities (writer share)"], pool, loaded)


def estimate(size: int, writer: float, pool: float, per_chunk: float) -> None:
    """Articles/s on W workers if NER scales with them and the writer's own
    share stays: writer + NER * 2 / W + round trip * chunks(W)."""
    ner = max(pool - writer, 0.0)
    print(f"  estimate: writer {writer:.1f} s + NER {ner:.1f} s on 2 workers * 2 / W "
          f"+ {per_chunk * 1000:.0f} ms per chunk:")
    for w in ESTIMATED:
        seconds = writer + ner * WORKERS / w + per_chunk * chunks(size, w)
        print(f"    {w:3} workers: {size / seconds:6.1f} art/s")


if __name__ == "__main__":
    main()
