"""The read stage: every file under the indexed folders, as Articles.

Files are listed and read by ``search.ingest``; what a run skips or leaves
out goes into its report as it happens, so nothing is left out in silence.
Web pages, slow to extract, go to the run's pool (or cluster) a window at
a time while the window before is handed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TypeVar

from search import ingest
from search.indexing.executor import Executor, Pending
from search.models import Article, Ignored, Page, Skipped

# Pages handed to the pool at a time: enough to keep every process busy.
WINDOW = 256

T = TypeVar("T")
Progress = Callable[[int], None]


def count_units(roots: Iterable[Path]) -> int:
    """How many articles a run will see, cheaply: files, lines of JSONL,
    pages of a web archive."""
    return sum(ingest.units_in(path) for root in roots if root.exists()
               for path in ingest.find_files(root))


def read_articles(
    roots: list[Path], skipped: list[Skipped], ignored: list[Ignored], unreadable: set[str],
    progress: Progress | None, pool: Executor | None,
) -> Iterator[Article]:
    """Articles under ``roots``; skips and what was left out go into
    ``skipped`` and ``ignored`` as they happen, and the files that could not
    be read at all into ``unreadable``."""
    files: set[str] = set()
    for item in extract_pages(_items(roots, skipped, files), pool):
        if isinstance(item, Ignored):
            ignored.append(item)
            continue
        if progress:
            progress(1)
        if isinstance(item, Skipped):
            skipped.append(item)
            if item.path in files:  # the whole file, not one line or page of it
                unreadable.add(item.path)
            continue
        yield item


def _items(roots: list[Path], skipped: list[Skipped], files: set[str]) -> Iterator:
    """Everything under ``roots``, web pages not yet extracted."""
    for root in roots:
        if not root.exists():
            skipped.append(Skipped(str(root), "percorso inesistente"))
            continue
        for entry in ingest.scan(root):
            if isinstance(entry, Ignored):
                yield entry
            else:
                files.add(str(entry))
                yield from ingest.read_items(entry, root)


def extract_pages(items: Iterable[T | Page], pool: Executor | None = None
                  ) -> Iterator[T | Article | Skipped]:
    """``items`` in order, each Page replaced by its article (or the reason).

    With a pool (or cluster), the pages of one window are extracted in its processes
    while the window before is handed on; at most two windows are held, so
    an archive of any size streams through.
    """
    if pool is None:
        yield from ingest.read_pages(items)
        return
    iterator = iter(items)
    in_flight = None
    while window := list(islice(iterator, WINDOW)):
        pages = [item for item in window if isinstance(item, Page)]
        started = (window, pool.map_async(ingest.read_page, pages, chunksize=8) if pages else None)
        if in_flight is not None:
            yield from _merge(*in_flight)
        in_flight = started
    if in_flight is not None:
        yield from _merge(*in_flight)


def _merge(window: list, result: Pending | None) -> Iterator:
    read = iter(result.get() if result is not None else ())
    for item in window:
        yield next(read) if isinstance(item, Page) else item
