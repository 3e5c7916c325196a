"""The cost of stories: in indexing DICE, at query time, and at 100k.

    .venv/bin/python bench/stories_speed.py [--queries 200] [--sizes 10372 100000]

1. Indexing: DICE (its reserved ids left out) indexed once, entities given
   (DICE's own, so no model runs and the run is at its fastest: the story
   step's share is at its largest). The story step (features of the
   articles written, then grouping and writing the stories) is timed inside
   the same run: cost = story time / (run time - story time).
2. Query: a fixed query mix (bench/queries.py) on that index, each query
   with ``collapse=story`` and ``collapse=none`` in turn (full pages:
   facets, snippets); p50 and p95 of each, and their ratio.
3. Scale: the story step alone (features stored a batch at a time, then
   candidates, judging and grouping) on each size of bench/corpus.py's
   corpus (100k: DICE and shuffled copies of it, so each article has about
   nine copies, a harder archive than a real one), each in its own
   process: seconds and peak RSS beside the same process reading the
   corpus without stories. Then an incremental run: 1% more articles
   (further copies) added to that archive and grouped again.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402
import queries  # noqa: E402
from stories_eval import entities, load_archive  # noqa: E402

import search.stories as stories  # noqa: E402
from search import SearchRequest, create_index, open_index, search, update_index  # noqa: E402
from search.stories.archive import CACHE  # noqa: E402


def timed(owner: type, name: str, spent: list[float]) -> None:
    """Add the seconds each call of ``owner.name`` takes to ``spent``: wall
    clock, then this process's CPU."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - cpu

    setattr(owner, name, wrapper)


def index_cost(work: Path) -> Path:
    archive = load_archive()
    source = work / "dice.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for doc_id, d in archive.items():
            out.write(json.dumps({"id": doc_id, "text": d["text"], "date": d.get("date"),
                                  "persons": entities(d, "PER"), "places": entities(d, "LOC"),
                                  "orgs": entities(d, "ORG")}, ensure_ascii=False) + "\n")
    spent = [0.0, 0.0]
    timed(stories.StoryStep, "add", spent)
    timed(stories.StoryStep, "commit", spent)
    path = work / "ix"
    started, cpu = time.perf_counter(), time.process_time()
    report = update_index(create_index(path), [source])  # one process: --jobs 1
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"indexing {report.added} DICE articles: {total:.1f} s, of which stories "
          f"{spent[0]:.1f} s: +{100 * spent[0] / (total - spent[0]):.1f}% over the run "
          f"without them; CPU {cpu:.1f} s, of which stories {spent[1]:.1f} s: "
          f"+{100 * spent[1] / (cpu - spent[1]):.1f}%")
    files = [f for f in path.iterdir() if f.is_file()]
    size = sum(f.stat().st_size for f in files) / 2**20
    print(f"index folder {size:.1f} MB, of which {CACHE} "
          f"{(path / CACHE).stat().st_size / 2**20:.1f} MB")
    return path


def query_cost(path: Path, n: int) -> None:
    index = open_index(path)
    mix = queries.query_set(index, n)
    times: dict[str, list[float]] = {"story": [], "none": []}
    for request in mix:
        for collapse in ("story", "none"):
            started = time.perf_counter()
            search(index, SearchRequest(**{**request.__dict__, "collapse": collapse}))
            times[collapse].append(time.perf_counter() - started)
    got = {c: queries.percentiles(t) for c, t in times.items()}
    for c in ("story", "none"):
        print(f"full page, collapse={c:5}: p50 {1000 * got[c]['p50']:.1f} ms, "
              f"p95 {1000 * got[c]['p95']:.1f} ms")
    print(f"p95 ratio story/none: {got['story']['p95'] / got['none']['p95']:.2f} "
          f"({len(mix)} queries)")
    index.close()


def scale_child(size: int, with_stories: bool) -> None:
    from stories_eval import stored

    from search.stories import regroup
    from search.stories.features import features

    grown = list(corpus.grown(corpus.dice(), size + size // 100))
    docs, extra = grown[:size], grown[size:]
    before = _rss_mb()
    # The peak from here on: reading the corpus peaked higher than it stays.
    Path("/proc/self/clear_refs").write_text("5")
    started, cpu = time.perf_counter(), time.process_time()
    found, again, again_cpu, edges, stored_mb = 0, 0.0, 0.0, 0, 0.0
    if with_stories:
        with tempfile.TemporaryDirectory() as work:
            archive = stored(((d["id"], features(d["text"], [], [], [], None)) for d in docs),
                             Path(work) / "stories.sqlite")
            live = {d["id"]: d["id"] for d in docs}
            found = len(regroup(archive, live).stories)
            edges = len(archive.edges())
            resumed, resumed_cpu = time.perf_counter(), time.process_time()
            archive.put({d["id"]: features(d["text"], [], [], [], None) for d in extra})
            regroup(archive, live | {d["id"]: d["id"] for d in extra})
            again = time.perf_counter() - resumed
            again_cpu = time.process_time() - resumed_cpu
            archive.close()
            stored_mb = (Path(work) / "stories.sqlite").stat().st_size / 2**20
    seconds = time.perf_counter() - started - again
    cpu = time.process_time() - cpu - again_cpu
    peak = _rss_mb("VmHWM")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "stories": found, "edges": edges,
                      "again": again, "again_cpu": again_cpu, "stored_mb": stored_mb,
                      "added": len(extra), "rss_mb": peak, "step_mb": max(0.0, peak - before)}))


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (or its peak since the last
    reset, ``VmHWM``)."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def scale(sizes: list[int]) -> None:
    for size in sizes:
        runs = {}
        for with_stories in (False, True):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  str(int(with_stories))], capture_output=True, text=True,
                                 check=True)
            runs[with_stories] = json.loads(out.stdout.strip().splitlines()[-1])
        s, base = runs[True], runs[False]
        print(f"{size} articles: story step {s['seconds']:.1f} s, CPU {s['cpu']:.1f} s "
              f"({1000 * s['cpu'] / size:.2f} ms/article), {s['stories']} stories, "
              f"{s['edges']} related pairs; "
              f"peak RSS {s['rss_mb']:.0f} MB beside {base['rss_mb']:.0f} MB without; "
              f"the step itself grew it by {s['step_mb']:.0f} MB; then {s['added']} more "
              f"articles: {s['again']:.1f} s, CPU {s['again_cpu']:.1f} s; "
              f"stories.sqlite {s['stored_mb']:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10372, 100000])
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--skip-index", action="store_true")
    args = parser.parse_args()
    if args.child:
        scale_child(args.child[0], bool(args.child[1]))
        return
    if not args.skip_index:
        with tempfile.TemporaryDirectory() as work:
            path = index_cost(Path(work))
            query_cost(path, args.queries)
    scale(args.sizes)


if __name__ == "__main__":
    main()
