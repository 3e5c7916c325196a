"""Indexing speed against an older commit and plain Whoosh, in the same run.

    .venv/bin/python bench/indexing.py [--size 10372] [--repeat 3] [--before fcd839b]
                                       [--after HEAD] [--no-entities]

Indexes the first ``--size`` DICE articles (bench/corpus.py) with ``cerca
index`` of ``--after`` and of ``--before`` (each checked out in a temporary
``git worktree``, run with this venv), with entities (an empty entity cache
every time) and without, plus plain Whoosh's writer with the same analysis
(bench/baseline.py). The runs alternate within each repeat, so load on a
shared machine hits all alike; each runs in its own process with every CPU
(``--jobs`` left to its default). Prints medians, articles per second, the
ratio to the "before" run and to plain Whoosh, and the index sizes; and
the CPU seconds each run took (its processes together, user and system),
which a busy machine inflates far less than elapsed time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402


def cerca(tree: Path) -> list[str]:
    """``cerca`` as the checkout at ``tree`` runs it."""
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from cerca.cli import main; main()"
    return [sys.executable, "-c", code]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Elapsed and CPU seconds of ``cmd`` and every process it waited for."""
    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    start, used = time.perf_counter(), cpu()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "CI": "1"})
    return time.perf_counter() - start, cpu() - used


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()
               and p.name != "entities.sqlite") / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_372)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", default="fcd839b")
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("--no-entities", action="store_true",
                    help="only the runs without entities (and plain Whoosh)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = corpus.write(corpus.dice()[:args.size], work / "corpus.jsonl")
        old, new = work / "before", work / "after"
        for tree, commit in ((old, args.before), (new, args.after)):
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree),
                            commit], check=True, capture_output=True)
        try:
            runs = {
                "whoosh": [sys.executable, str(ROOT / "bench" / "baseline.py"), str(source)],
                "before, no entities": [*cerca(old), "index", str(source), "--no-entities",
                                        "--index"],
                "now, no entities": [*cerca(new), "index", str(source), "--no-entities",
                                     "--index"],
                "before, entities": [*cerca(old), "index", str(source), "--index"],
                "now, entities": [*cerca(new), "index", str(source), "--index"],
            }
            if args.no_entities:
                runs = {name: cmd for name, cmd in runs.items() if "no entities" in name
                        or name == "whoosh"}
            seconds: dict[str, list[float]] = {name: [] for name in runs}
            cpu: dict[str, list[float]] = {name: [] for name in runs}
            sizes: dict[str, float] = {}
            for _ in range(args.repeat):
                for name, cmd in runs.items():
                    target = work / name.replace(", ", "-").replace(" ", "_")
                    shutil.rmtree(target, ignore_errors=True)  # the entity cache with it
                    elapsed, used = timed([*cmd, str(target)])
                    seconds[name].append(elapsed)
                    cpu[name].append(used)
                    sizes[name] = size_mb(target)
        finally:
            for tree in (old, new):
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(tree)], check=True, capture_output=True)
    load = os.getloadavg()
    print(f"{args.size} DICE articles, {os.cpu_count()} CPUs, median of {args.repeat}; "
          f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"{'run':22} {'median s':>9} {'art/s':>7} {'vs before':>10} {'vs whoosh':>10} "
          f"{'index MB':>9} {'vs whoosh':>10} {'CPU s':>7} {'vs before':>10}")
    rate = {name: args.size / statistics.median(s) for name, s in seconds.items()}
    spent = {name: statistics.median(c) for name, c in cpu.items()}
    for name, s in seconds.items():
        before = name.replace("now", "before")
        now = name.startswith("now")
        vs_before = f"{rate[name] / rate[before]:9.2f}x" if now else ""
        cpu_before = f"{spent[name] / spent[before]:9.2f}x" if now else ""
        print(f"{name:22} {statistics.median(s):9.1f} {rate[name]:7.1f} {vs_before:>10} "
              f"{rate[name] / rate['whoosh']:9.2f}x {sizes[name]:9.1f} "
              f"{sizes[name] / sizes['whoosh']:9.2f}x {spent[name]:7.1f} {cpu_before:>10}")


if __name__ == "__main__":
    main()
