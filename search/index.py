"""An index on disk: create it, open it, and the ``Index`` shells share.

Filling it is ``search.indexing``'s job; this module only knows where an index
lives and how readers get a searcher.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.reading import IndexReader
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher

from search.schema import build_schema
from search.stories.store import move_stories

INDEX_NAME = "MAIN"
# The editors' edits, kept in the index folder (search/curation/store.py).
CURATION_STORE = "curation.jsonl"
T = TypeVar("T")
# Segment parts kept by a GenerationCache: a few fields of a few dozen
# segments (the whole of DICE 10k's facet fields took 12 s under load).
SEGMENTS_KEPT = 48
_MISSING = object()  # not in a GenerationCache yet


class IndexProblem(Exception):
    """Base for index problems whose message is meant for the user."""


class IndexMissing(IndexProblem):
    pass


class IndexBusy(IndexProblem):
    pass


class GenerationCache:
    """Values derived from one index generation, or from one segment, built
    once and shared.

    Facet columns, dates, id order and field lengths only change when the
    index does, so each is built once per generation and kept here, on the
    ``Index`` that owns this object (``search.query.columns`` names them
    and says how each is built: this module knows no query code). A value
    read segment by segment keeps each segment's part too (``segment``):
    segment files never change, so a generation that adds one segment (an
    editor's edit, a small update) reads only that one.
    Threads share it: a lock makes each value be built by one thread while
    the others wait for it; an older generation's values are dropped when
    a newer one is built, and the least recently used segments' parts past
    ``segments_kept``.
    """

    def __init__(self, segments_kept: int = SEGMENTS_KEPT) -> None:
        self._values: dict[tuple[str, int], object] = {}
        self._segments: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._segments_kept = segments_kept
        self._building: dict[tuple[str, int | str], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, searcher: Searcher, name: str, build: Callable[[Searcher], T]) -> T:
        """``name``'s value for the searcher's generation, built by ``build`` once."""
        # An index with no segment yet (created, nothing added) has no
        # generation: its values are all empty, kept under -1.
        generation = searcher.reader().generation()
        key = (name, -1 if generation is None else generation)
        return self._once(key, lambda k: self._values.get(k, _MISSING), self._keep_newest,
                          lambda: build(searcher))

    def segment(self, leaf: IndexReader, name: str, build: Callable[[IndexReader], T]) -> T:
        """``name``'s part from one segment's reader, built by ``build`` once
        per segment. The reader of an empty index has no segment: its part
        is built each time (it is empty)."""
        segment = getattr(leaf, "segment", None)
        segment = segment() if callable(segment) else None
        if segment is None:
            return build(leaf)
        return self._once((name, segment.segment_id()), self._used, self._keep_segment,
                          lambda: build(leaf))

    def keep_segments_of(self, other: GenerationCache) -> None:
        """Take over ``other``'s segment parts: a snapshot of the same index
        shares most of its segments (``search.served`` switching folders)."""
        with other._lock:
            parts = list(other._segments.items())
        with self._lock:
            for key, value in parts:
                self._segments.setdefault(key, value)
            self._trim()

    def _once(self, key: Any, known: Callable[[Any], Any], keep: Callable[[Any, Any], None],
              build: Callable[[], T]) -> T:
        """``known(key)``, or else ``build()`` kept by ``keep``: one thread
        builds, the others wanting the same key wait for it."""
        with self._lock:
            value = known(key)
            if value is not _MISSING:
                return value
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                value = known(key)
                if value is not _MISSING:
                    return value
            value = build()
            with self._lock:
                keep(key, value)
                self._building.pop(key, None)
        return value

    def _keep_newest(self, key: tuple[str, int], value: object) -> None:
        name, generation = key
        for old in [k for k in self._values if k[0] == name and k[1] < generation]:
            del self._values[old]
        newest = max((k[1] for k in self._values if k[0] == name), default=generation)
        if generation >= newest:
            self._values[key] = value

    def _used(self, key: tuple[str, str]) -> object:
        if key not in self._segments:
            return _MISSING
        self._segments.move_to_end(key)
        return self._segments[key]

    def _keep_segment(self, key: tuple[str, str], value: object) -> None:
        self._segments[key] = value
        self._trim()

    def _trim(self) -> None:
        while len(self._segments) > self._segments_kept:
            self._segments.popitem(last=False)


class Index:
    """An opened index: the one piece of state the shells share.

    A Whoosh index may be shared between threads; a Searcher may not, so
    callers take one per request with ``searcher()``.
    """

    def __init__(self, path: Path, ix: whoosh_index.Index) -> None:
        self.path = path
        self.ix = ix
        # Arrays derived from each generation (facet columns, dates, ...).
        self.cache = GenerationCache()
        self._searchers: dict[tuple[int, int], Searcher] = {}
        self._lock = threading.Lock()
        self._version: tuple[int, str] | None = None

    @contextmanager
    def searcher(self, weighting: WeightingModel | None = None) -> Iterator[Searcher]:
        """This thread's searcher, refreshed if the index changed since.

        Opening one costs milliseconds, so each thread keeps its own (Whoosh
        searchers are not thread-safe; the index is). A thread id is only
        reused once its thread has ended, so a searcher is never shared.
        """
        key = (threading.get_ident(), id(weighting))
        with self._lock:
            searcher = self._searchers.get(key)
        if searcher is not None and not searcher.up_to_date():
            # Not Searcher.refresh(): in Whoosh 2.7.5 it fails on a searcher
            # opened while the index was empty.
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self.ix.searcher(**({"weighting": weighting} if weighting else {}))
        with self._lock:
            self._searchers[key] = searcher
        yield searcher

    def close(self) -> None:
        with self._lock:
            for searcher in self._searchers.values():
                searcher.close()
            self._searchers.clear()

    def __del__(self) -> None:
        self.close()

    @property
    def generation(self) -> int:
        return self.ix.latest_generation()

    @property
    def version(self) -> str:
        """The generation and a digest of its commit file, for ETags: two
        indexes at one generation (a replica switched to another host's
        snapshot) differ, and copies of one index agree."""
        generation = self.generation
        known = self._version
        if known is not None and known[0] == generation:
            return known[1]
        toc = self.path / f"_{INDEX_NAME}_{generation}.toc"
        try:
            digest = hashlib.sha1(toc.read_bytes()).hexdigest()[:8]
        except OSError:  # a newer commit removed it meanwhile
            return str(generation)
        self._version = (generation, f"{generation}-{digest}")
        return self._version[1]

    def doc_count(self) -> int:
        return self.ix.doc_count()

    def last_update(self) -> dt.datetime | None:
        toc = self.path / f"_{INDEX_NAME}_{self.generation}.toc"
        try:
            return dt.datetime.fromtimestamp(toc.stat().st_mtime, dt.UTC)
        except OSError:
            return None

    def size_on_disk(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())


def open_index(path: str | os.PathLike) -> Index:
    """Open an existing index; a clear error if there is none."""
    path = Path(path)
    if not whoosh_index.exists_in(path, indexname=INDEX_NAME):
        raise IndexMissing(
            f"Nessun indice in {path}: crealo con «cerca index PERCORSO --index {path}»."
        )
    return Index(path, whoosh_index.open_dir(path, indexname=INDEX_NAME))


def create_index(path: str | os.PathLike) -> Index:
    """Open the index at ``path``, creating an empty one if there is none."""
    path = Path(path)
    if whoosh_index.exists_in(path, indexname=INDEX_NAME):
        return open_index(path)
    path.mkdir(parents=True, exist_ok=True)
    return Index(path, whoosh_index.create_in(path, build_schema(), indexname=INDEX_NAME))


def busy_message(path: Path) -> str:
    return (f"L'indice {path} è già in uso da un'altra indicizzazione: riprova più tardi "
            "(se nessuna è in corso, controlla che nessun processo «cerca index» sia rimasto "
            "attivo).")


@contextmanager
def write_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the index's write lock, Whoosh's own, so that any other writer
    is refused meanwhile. It is an OS lock (flock): it dies with the
    process holding it, so it can never be left behind by a crash."""
    path = Path(path)
    lock = FileStorage(str(path)).lock(f"{INDEX_NAME}_WRITELOCK")
    if not lock.acquire(blocking=False):
        raise IndexBusy(busy_message(path))
    try:
        yield
    finally:
        lock.release()


def replace_index(path: str | os.PathLike, built: str | os.PathLike) -> int:
    """Make the complete index at ``built`` the index at ``path`` in one
    atomic step, and return its generation.

    The new segments move in first (unreferenced, so no reader sees them);
    then a TOC one generation past the current one, naming only them, is
    renamed into place: before that rename readers see the old index,
    after it the new one, and never an empty one. The generation always
    grows, so every server and every ETag sees the change. The caller
    holds ``path``'s write lock.
    """
    target, source = Path(path), Path(built)
    new = TOC.read(FileStorage(str(source)), INDEX_NAME)
    storage = FileStorage(str(target))
    generation = TOC._latest_generation(storage, INDEX_NAME) + 1
    names = {segment.segment_id() for segment in new.segments}
    for file in source.iterdir():
        if file.name.split(".", 1)[0] in names:
            _fsync(file)
            os.replace(file, target / file.name)
    move_stories(source, new.generation, target, generation)
    _fsync(target)
    TOC(new.schema, new.segments, generation).write(storage, INDEX_NAME)
    _fsync(target)
    clean_files(storage, INDEX_NAME, generation, new.segments)
    return generation


def remove_unreferenced(path: str | os.PathLike) -> None:
    """Delete segment files no commit refers to: what a failed or killed
    run wrote. The caller holds the write lock."""
    storage = FileStorage(str(path))
    toc = TOC.read(storage, INDEX_NAME)
    clean_files(storage, INDEX_NAME, toc.generation, toc.segments)
    for stray in Path(path).glob(f"_{INDEX_NAME}_*.toc.*"):  # TOCs never renamed in
        stray.unlink(missing_ok=True)
    for pool in Path(path).glob("*.tmp"):  # a writer's spill folder
        if pool.is_dir():
            shutil.rmtree(pool, ignore_errors=True)


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a power cut cannot leave a TOC
    naming segments that were never written."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
