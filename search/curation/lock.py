"""One lock for everything that rewrites an index's articles: an indexing
run holds it from start to end, an edit while it applies. An edit during a
run therefore waits for the run, then is refused, and never lands in the
middle of one (a run reads the corrections once, at its start).

An OS lock (flock) on ``curation.lock`` in the index folder: it dies with
its process, so a crash never leaves it behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search.index import IndexBusy

LOCK = "curation.lock"


@contextmanager
def exclusive(index_dir: str | os.PathLike, wait: float = 0.0,
              busy: str = "") -> Iterator[None]:
    """Hold the lock, waiting up to ``wait`` seconds; IndexBusy(``busy``) after."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(busy or f"l'indice {path} è occupato: riprova fra poco") \
                        from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
