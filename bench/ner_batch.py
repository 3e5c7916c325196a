"""What the model's batch size costs: CPU seconds and the memory a batch
adds, per ``NER_BATCH_CHARS``, on the same DICE articles in one run.

Each size runs in a forked child of a process that has loaded (and used)
the model, as the indexer's workers do; its peak resident memory is read
from ``VmHWM`` after ``clear_refs``. Medians of ``--repeat`` passes.

    .venv/bin/python bench/ner_batch.py [--articles 400] [--repeat 3] [--sizes 16000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.entities import ner  # noqa: E402

DICE = ROOT.parent / "shared" / "data" / "dice" / "docs.jsonl"
if not DICE.exists():  # a worktree beside main, not inside it
    DICE = Path("/work/shared/data/dice/docs.jsonl")


def _status(key: str) -> int:
    """A /proc/self/status figure, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) // 1024
    raise KeyError(key)


def one(texts: list[str], size: int) -> tuple[float, int]:
    """(CPU seconds, MB added at the peak) of reading ``texts`` in batches of ``size``."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        ner.NER_BATCH_CHARS = size
        base = _status("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        start = time.process_time()
        ner.recognise(texts)
        os.write(write, json.dumps([time.process_time() - start,
                                    _status("VmHWM") - base]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as result:
        cpu, added = json.loads(result.read())
    os.waitpid(pid, 0)
    return cpu, added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="*", default=[16_000, ner.NER_BATCH_CHARS])
    args = ap.parse_args()
    with DICE.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in islice(lines, args.articles)]
    ner.recognise(texts[:20])  # loaded and used once, as before a pool forks
    print(f"load average: {os.getloadavg()[0]:.1f}; {len(texts)} articles, "
          f"{sum(map(len, texts))} characters; pieces of {ner.NER_PIECE_CHARS}")
    runs: dict[int, list[tuple[float, int]]] = {size: [] for size in args.sizes}
    for _ in range(args.repeat):
        for size in args.sizes:  # interleaved, so load changes touch every size alike
            runs[size].append(one(texts, size))
    first = statistics.median(c for c, _ in runs[args.sizes[0]])
    for size, results in runs.items():
        cpu = statistics.median(c for c, _ in results)
        added = statistics.median(m for _, m in results)
        print(f"batch {size:>6} characters: {cpu:.2f} CPU s ({cpu / first:.2f}x), "
              f"peak +{added:.0f} MB")


if __name__ == "__main__":
    main()
