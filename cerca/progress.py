"""How ``cerca index`` shows a run: phases, a count, a rate and an ETA.

The core calls the progress object with the number of articles done and,
through its ``phase`` method, when the run moves on ("write": the articles
are counted again as they are written; "commit": segments are written and
merged, with no count). On a terminal one line is redrawn; elsewhere a
line is printed every tenth of a phase.

The ETA comes from the recent rate, not the average since the start: the
first batches carry the model's loading and the start of the processes,
which made the average promise hours for a run of minutes.
"""

from __future__ import annotations

import sys
import time
from collections import deque

import click

# The rate is measured over at least this many seconds of recent updates
# (and at least MIN_UPDATES of them): long enough to span a few batches
# of the entity step, short enough to forget the start-up.
WINDOW_SECONDS = 30.0
MIN_UPDATES = 3
REDRAW_SECONDS = 0.2
LABELS = {"read": "indicizzati", "write": "scritti"}
COMMIT = "salvataggio dell'indice (scrittura e unione dei segmenti)"


def clock(seconds: float) -> str:
    """3725 -> "1:02:05", 75 -> "1:15"."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Rate:
    """Articles per second over a recent window of (time, count) updates."""

    def __init__(self) -> None:
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, when: float, done: int) -> None:
        self.samples.append((when, done))
        while (len(self.samples) > MIN_UPDATES
               and when - self.samples[1][0] >= WINDOW_SECONDS):
            self.samples.popleft()

    def per_second(self) -> float | None:
        if len(self.samples) < 2:
            return None
        (t0, n0), (t1, n1) = self.samples[0], self.samples[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 and n1 > n0 else None


class Progress:
    """The progress of one run, as the core reports it (see module doc)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.tty = sys.stderr.isatty()
        self.name = "read"
        self._start_phase("read")

    def _start_phase(self, name: str) -> None:
        self.name = name
        self.done = 0
        self.rate = Rate()
        self.started = time.monotonic()
        self.next_line = max(1, self.total // 10)
        self.drawn = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        # From the first update on, not from the start: the wait for the
        # first articles is start-up, not a rate.
        self.rate.add(now, self.done)
        if self.tty:
            if now - self.drawn >= REDRAW_SECONDS or self.done >= self.total:
                self.drawn = now
                click.echo(f"\r\033[K{self.status()}", err=True, nl=False)
        elif self.done >= self.next_line or self.done == self.total:
            click.echo(self.status(), err=True)
            while self.next_line <= self.done:
                self.next_line += max(1, self.total // 10)

    def status(self) -> str:
        """ "indicizzati 2000/10000 (12 art/s, ancora 11:06)"."""
        done = min(self.done, self.total) if self.total else self.done
        rate = self.rate.per_second()
        parts = [f"{rate:.0f} art/s" if rate else "…"]
        if rate and self.total:
            parts.append(f"ancora {clock((self.total - done) / rate)}")
        return f"{LABELS[self.name]} {done}/{self.total} ({', '.join(parts)})"

    def phase(self, name: str, total: int | None = None) -> None:
        """The run moved on: "write" (``total`` articles) or "commit" (not counted)."""
        self._end_line()
        if name == "commit":
            click.echo(f"{COMMIT}…", err=True)
        if total is not None:
            self.total = total
        self._start_phase(name)

    def note(self, line: str) -> None:
        """A line about the run (the cluster's dashboard), above the bar."""
        click.echo(("\r\033[K" if self.tty else "") + line, err=True)
        if self.tty and self.name in LABELS:
            click.echo(self.status(), err=True, nl=False)

    def _end_line(self) -> None:
        if self.tty and self.name in LABELS and self.done:
            click.echo("", err=True)

    def close(self) -> None:
        if self.name == "commit":
            click.echo(f"{COMMIT}: {time.monotonic() - self.started:.1f} s", err=True)
        else:
            self._end_line()
