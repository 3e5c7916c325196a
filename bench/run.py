"""Cerca's speed and scale benchmark, with plain Whoosh beside it in the same run.

    .venv/bin/python bench/run.py [--sizes 10372 100000] [--repeat 3] [--queries 300]
                                  [--ner-max 20000]

For each corpus size (DICE, then the deterministic corpus grown from it; see
bench/corpus.py) it indexes with plain Whoosh (bench/baseline.py), Cerca
without entities and Cerca with entities, each in its own process (for peak
RSS), then runs a fixed query set in another process (bench/queries.py; its
peak RSS is one serving worker's). It prints a table with medians and the
ratio to the baseline, and writes a JSON copy to bench/results/.

Above ``--ner-max`` documents, NER over the whole corpus would take most of
an hour, so the entity index is built from the corpus with each article's
entities given (those NER found for its DICE original at the first size):
that row is "a re-index where every article's entities are known", and the
NER time for that size is estimated from the measured NER rate. Both are
kept in bench/results/dice-entities.json, so a later run of only the large
size reuses them.
"""

from __future__ import annotations

import argparse
import json
import os
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

import corpus  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402

from search.index import open_index  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ENTITIES = RESULTS / "dice-entities.json"
CERCA = [sys.executable, "-c", "from cerca.cli import main; main()"]
ENTITY_FIELDS = ("persons", "places", "orgs")


def timed(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) and stdout of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors,
                                env={**os.environ, "CI": "1"}, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            errors.seek(0)
            raise RuntimeError(f"failed: {' '.join(cmd)}\n{errors.read()[-3000:]}")
    return time.perf_counter() - start, usage.ru_maxrss * 1024, out


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_indexing(plain: Path, with_entities: Path | None, work: Path, repeat: int,
                   docs: int) -> dict:
    """Each indexer ``repeat`` times (NER once: it is minutes), medians."""
    mb = plain.stat().st_size / 1e6
    runs = {
        "baseline": (repeat, lambda d: [sys.executable, str(ROOT / "bench" / "baseline.py"),
                                        str(plain), str(d)]),
        "cerca": (repeat, lambda d: [*CERCA, "index", str(plain), "--index", str(d),
                                     "--no-entities"]),
    }
    if with_entities is None:
        runs["cerca+entities"] = (1, lambda d: [*CERCA, "index", str(plain), "--index", str(d)])
    else:
        runs["cerca+entities"] = (repeat, lambda d: [*CERCA, "index", str(with_entities),
                                                     "--index", str(d)])
    out = {}
    for name, (times, cmd) in runs.items():
        seconds, rss = [], []
        for _ in range(times):
            target = work / name
            shutil.rmtree(target, ignore_errors=True)
            s, r, _ = timed(cmd(target))
            seconds.append(s)
            rss.append(r)
            count = whoosh_index.open_dir(target).doc_count()
            if count != docs:
                raise RuntimeError(f"{name} indexed {count} of {docs} documents")
        wall = statistics.median(seconds)
        out[name] = {"seconds": wall, "docs_per_s": docs / wall, "mb_per_s": mb / wall,
                     "peak_rss_mb": max(rss) / 1e6, "index_mb": size_of(work / name) / 1e6,
                     "runs": len(seconds),
                     "entities_given": name == "cerca+entities" and with_entities is not None}
    return out


def bench_queries(work: Path, n: int, repeat: int) -> dict:
    _, rss, out = timed([sys.executable, str(ROOT / "bench" / "queries.py"), str(work),
                         str(n), str(repeat)])
    return {**json.loads(out), "peak_rss_mb": rss / 1e6}


def found_entities(index_dir: Path) -> dict[str, dict]:
    """id -> the entities NER found, from an index built with NER."""
    index = open_index(index_dir)
    with index.searcher() as searcher:
        return {fields["id"]: {f: fields.get(f) or [] for f in ENTITY_FIELDS}
                for fields in searcher.all_stored_fields()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_372, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--ner-max", type=int, default=20_000)
    args = ap.parse_args()
    base = corpus.dice()
    report = {"machine": os.uname().nodename, "cpus": os.cpu_count(), "sizes": {}}
    known = json.loads(ENTITIES.read_text()) if ENTITIES.exists() else {}
    entities, ner_rate = known.get("entities", {}), known.get("docs_per_s")
    RESULTS.mkdir(exist_ok=True)
    for size in args.sizes:
        if size > args.ner_max and not entities:
            sys.exit(f"run a size up to --ner-max ({args.ner_max}) first: it finds the entities")
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            plain = corpus.write(corpus.grown(base, size), work / "corpus.jsonl")
            given = None
            if size > args.ner_max:
                given = corpus.write(
                    ({**doc, **entities.get(doc["id"].split("~")[0], {})}
                     for doc in corpus.grown(base, size)), work / "with-entities.jsonl")
            indexing = bench_indexing(plain, given, work, args.repeat, size)
            if given is None:
                entities = found_entities(work / "cerca+entities")
                ner_rate = indexing["cerca+entities"]["docs_per_s"]
                if size >= len(base):
                    ENTITIES.write_text(json.dumps({"entities": entities,
                                                    "docs_per_s": ner_rate}))
            elif ner_rate:
                indexing["cerca+entities"]["ner_estimate_s"] = size / ner_rate
            querying = bench_queries(work, args.queries, args.repeat)
        report["sizes"][size] = {"indexing": indexing, "queries": querying}
        print_table(size, indexing, querying)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nJSON: {out}")


def print_table(size: int, indexing: dict, querying: dict) -> None:
    b = indexing["baseline"]
    print(f"\n== {size:,} documents ==")
    print(f"{'indexing':22} {'docs/s':>8} {'MB/s':>6} {'wall s':>7} {'RSS MB':>7} "
          f"{'index MB':>9} {'docs/s vs base':>15}")
    for name, r in indexing.items():
        label = name + (" (given)" if r["entities_given"] else "")
        print(f"{label:22} {r['docs_per_s']:8.0f} {r['mb_per_s']:6.2f} {r['seconds']:7.1f} "
              f"{r['peak_rss_mb']:7.0f} {r['index_mb']:9.1f} "
              f"{r['docs_per_s'] / b['docs_per_s']:14.2f}x")
        if "ner_estimate_s" in r:
            print(f"{'  NER, estimated':22} {'':8} {'':6} {r['ner_estimate_s']:7.0f}"
                  "   (size / NER rate measured at the first size)")
    bq = querying["baseline top 10"]
    print(f"\n{'queries (' + str(querying['queries']) + ')':22} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'p95 vs base':>12}")
    for name in ("baseline top 10", "cerca top 10", "cerca full page", "  of which rerank"):
        r = querying[name]
        print(f"{name:22} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
              f"{r['p95'] / bq['p95']:11.2f}x")
    print(f"query process peak RSS: {querying['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
