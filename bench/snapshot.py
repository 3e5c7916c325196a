"""The time ``cerca snapshot`` takes on the 100k index, beside ``cp -r``.

Builds the 100k corpus of bench/corpus.py without entities once (in
``--work``, reused after), then times, each as a process on the same file
system and the median of ``--repeat`` runs: ``cerca snapshot`` (hard links
and a SHA-256 of every file), ``cerca snapshot --verify`` of that copy
(what a replica runs on what rsync delivered), both also called in this
process (without Python's start and imports), and the baselines ``cp -al``
(hard links alone) and ``cp -r`` (a plain copy); then, if /dev/shm is
another file system, ``cerca snapshot`` there (copies, since links cannot
cross) beside ``cp -r`` there. The index was just built or read, so its
files are in the page cache: these are warm figures.

    nice .venv/bin/python bench/snapshot.py --work /tmp/cerca-snapshot-bench
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.costly import build  # noqa: E402
from search import take_snapshot, verify_snapshot  # noqa: E402

CERCA = [sys.executable, "-c", "from cerca.cli import main; main()"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def median_of(repeat: int, make: Callable[[Path], list[str]], dest: Path) -> float:
    """Median seconds of ``make(dest)`` over fresh destinations."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(dest, ignore_errors=True)
        runs.append(timed(make(dest)))
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    index_dir = build(args.size, args.work)
    dest = args.work / "snapshot-bench"
    size = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file())
    files = sum(1 for f in index_dir.iterdir() if f.is_file())
    snapshot = [*CERCA, "snapshot", "--index", str(index_dir)]
    figures = {"python + import cerca": statistics.median(
        timed([*CERCA, "--help"]) for _ in range(args.repeat))}
    figures["cerca snapshot"] = median_of(args.repeat, lambda d: [*snapshot, str(d)], dest)
    # --verify reads the snapshot the last run above left.
    figures["cerca snapshot --verify"] = statistics.median(
        timed([*CERCA, "snapshot", "--verify", str(dest)]) for _ in range(args.repeat))
    figures["verify_snapshot() in process"] = statistics.median(
        in_process(lambda: verify_snapshot(dest)) for _ in range(args.repeat))
    runs = []
    for _ in range(args.repeat):
        shutil.rmtree(dest, ignore_errors=True)
        runs.append(in_process(lambda: take_snapshot(index_dir, dest)))
    figures["take_snapshot() in process"] = statistics.median(runs)
    figures["cp -al (links only)"] = median_of(
        args.repeat, lambda d: ["cp", "-al", str(index_dir), str(d)], dest)
    figures["cp -r (baseline)"] = median_of(
        args.repeat, lambda d: ["cp", "-r", str(index_dir), str(d)], dest)
    shutil.rmtree(dest, ignore_errors=True)
    shm = Path("/dev/shm")
    if shm.is_dir() and shm.stat().st_dev != index_dir.stat().st_dev:
        other = shm / "cerca-snapshot-bench"  # another file system: copies, not links
        figures["cerca snapshot to tmpfs"] = median_of(
            args.repeat, lambda d: [*snapshot, str(d)], other)
        figures["cp -r to tmpfs"] = median_of(
            args.repeat, lambda d: ["cp", "-r", str(index_dir), str(d)], other)
        shutil.rmtree(other, ignore_errors=True)
    print(f"\n{args.size} articles: {files} files, {size / 1_048_576:.0f} MB in {index_dir}")
    print(f"{'command':<28} {'median s':>9}  (of {args.repeat})")
    for name, seconds in figures.items():
        print(f"{name:<28} {seconds:>9.2f}")
    (args.work / "snapshot.json").write_text(json.dumps(
        {"size": args.size, "files": files, "bytes": size, "seconds": figures}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
