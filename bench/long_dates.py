"""Date finding on long texts: seconds per MB as the text grows.

Linear means the time per MB stays flat: each size is printed beside the
smallest one, measured in the same run (the median of ``--repeat``).
Texts: prose with a few dates, a calendar of weekdays and days, lists of
days ("1, 2, ... e 13 marzo"), a run of weekday names.

    .venv/bin/python bench/long_dates.py --sizes 0.5 1 2 4 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.ingest.dates import find_dates  # noqa: E402

KINDS = {
    "prose": "Il consiglio comunale di Modena ha approvato il bilancio di previsione, dopo una "
             "seduta durata oltre quattro ore. Ieri sera, lunedì 3 marzo 2025, il sindaco ha "
             "parlato. ",
    "calendar": "lunedì 3 marzo, martedì 4 marzo e mercoledì 5 marzo 2025; ieri, domani, "
                "a Natale. ",
    "day lists": "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 e 13 marzo ",
    "weekdays": "lunedì martedì mercoledì giovedì venerdì sabato domenica ",
}
MB = 1_000_000


def seconds(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        find_dates(text, dt.date(2025, 3, 4))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[0.5, 1, 2, 4, 8], help="MB")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} (1 min)")
    for name, unit in KINDS.items():
        row, base = [], 0.0
        for size in args.sizes:
            per_mb = seconds(unit * int(size * MB / len(unit)), args.repeat) / size
            base = base or per_mb
            row.append(f"{size:g} MB {per_mb:.2f} s/MB (x{per_mb / base:.2f})")
        print(f"{name}: " + ", ".join(row))


if __name__ == "__main__":
    main()
