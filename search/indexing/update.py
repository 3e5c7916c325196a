"""The incremental update: bring an index in line with the files under some
folders.

An article whose content hash is unchanged is not touched, changed ones are
replaced, and articles whose file disappeared from an indexed folder are
removed. ``Update`` holds one run's state; ``update_index`` drives it over
the articles the read stage yields.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from whoosh.index import LockError
from whoosh.multiproc import MpWriter

from search import ingest
from search.codec import CercaCodec
from search.index import (
    Index,
    IndexBusy,
    IndexProblem,
    busy_message,
    remove_unreferenced,
    write_lock,
)
from search.indexing.executor import Executor
from search.indexing.fields import content_hash, document
from search.indexing.read import Progress, read_articles
from search.models import Article, Ignored, Skipped
from search.schema import build_schema

# Whoosh's posting pool spills sorted runs to disk past this and merges them
# posting by posting at the end: at 256 MB that merge was a third of the
# time of indexing DICE (10k articles), which fits in 1 GB (about 0.9 GB RSS).
WRITER_LIMIT_MB = 1024


class Enricher(Protocol):
    """Fills persons/places/orgs on a batch of articles (EntityEnricher)."""

    version: str  # what decides "unchanged" beside the article itself

    def prepare(self, articles: Iterable[Article], progress: Progress | None) -> None:
        """Read every article of the run first (archive-wide naming)."""
        ...

    def start(self, articles: list[Article]) -> Callable[[], None]:
        """Begin a batch; the call returned completes it, so the work can
        overlap the writing of the batch before."""
        ...


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # Indexed, but with something the user should know (a url dropped, ...).
    notes: list[Skipped] = field(default_factory=list)
    # Left out on purpose: other formats, hidden files, a WARC's other records.
    ignored: list[Ignored] = field(default_factory=list)
    documents: int = 0  # in the index once the run is done

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "documents": self.documents,
            "skipped": [{"path": ingest.display(s.path), "reason": s.reason}
                        for s in self.skipped],
            "notes": [{"path": ingest.display(n.path), "note": n.reason} for n in self.notes],
            "ignored": [{**asdict(i), "path": ingest.display(i.path)} for i in self.ignored],
        }


class Update:
    """One run's state: what the index held, what the run has seen, the
    batch being filled and the one whose entities are being found while the
    batch before is written."""

    def __init__(self, index: Index, folders: list[Path], enrich: Enricher | None,
                 jobs: int, batch_size: int) -> None:
        self.index, self.folders, self.enrich = index, folders, enrich
        self.jobs, self.batch_size = jobs, batch_size
        self.report = IndexReport()
        add_missing_fields(index)
        self.existing = existing_ids(index)
        self.seen: dict[str, str] = {}  # id -> the file it came from
        self.unreadable: set[str] = set()
        self.span = _given_span(index)
        self.writer: Any = None  # a Whoosh writer, opened at the first change
        self.batch: list[tuple[Article, str]] = []
        self.in_flight: tuple[list[tuple[Article, str]], Callable[[], None]] | None = None

    def offer(self, article: Article) -> None:
        """Queue the article for writing unless it is a duplicate id or unchanged."""
        report = self.report
        if article.id in self.seen:
            report.skipped.append(Skipped(article.origin, (
                f"id duplicato «{article.id}»: resta quello di "
                f"{ingest.display(self.seen[article.id])}")))
            return
        self.seen[article.id] = article.origin
        if article.date_source == "given" and article.date is not None:
            self.span = (min(self.span[0], article.date), max(self.span[1], article.date)) \
                if self.span else (article.date, article.date)
        article = ingest.plausible_in_archive(article, self.span)
        report.notes += [Skipped(article.origin, note) for note in article.notes]
        digest = content_hash(article, self.enrich.version if self.enrich is not None else "")
        if self.existing.get(article.id, ("",))[0] == digest:
            report.unchanged += 1
            return
        self.batch.append((article, digest))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Start the entity step on the batch being filled, then write the
        one before it."""
        started = None
        if self.batch:
            self._open_writer()
            articles = [a for a, _ in self.batch]
            finish = self.enrich.start(articles) if self.enrich is not None else _nothing
            started = (list(self.batch), finish)
            self.batch.clear()
        if self.in_flight is not None:
            items, finish = self.in_flight
            finish()
            for article, digest in items:
                doc = document(article, digest)
                if article.id in self.existing:
                    self.writer.update_document(**doc)
                    self.report.updated += 1
                else:
                    self.writer.add_document(**doc)
                    self.report.added += 1
        self.in_flight = started

    def finish(self) -> IndexReport:
        """Write what is queued, remove the articles whose file is gone, commit."""
        self.flush()  # starts the last batch and writes the one before
        self.flush()  # writes the last batch
        for doc_id, (_, origin) in self.existing.items():
            if doc_id not in self.seen and origin not in self.unreadable \
                    and _within(origin, self.folders):
                self._open_writer()
                self.writer.delete_by_term("id", doc_id)
                self.report.removed += 1
        if self.writer is not None:
            self.writer.commit()
            self.writer = None
        expected = len(self.existing) + self.report.added - self.report.removed
        if self.index.doc_count() != expected:
            # Whoosh's multi-process writer commits without the segment of a
            # writer process that died; say so rather than lose articles quietly.
            raise IndexProblem(
                f"L'indice contiene {self.index.doc_count()} articoli invece di {expected}: "
                "un processo di scrittura si è interrotto. Ripeti con --jobs 1."
            )
        self.report.documents = expected
        return self.report

    def abandon(self) -> None:
        """Undo a failed run: stop its writer processes (Whoosh's cancel only
        tells its own copy of them), release the lock, delete what it wrote."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
        for task in getattr(writer, "tasks", ()):
            task.terminate()
            task.join()
        try:
            writer.cancel()  # Whoosh 2.7 keeps the write lock after a failed commit otherwise
        except OSError:  # cancelling flushes too, and a full disk refuses that
            lock: Any = getattr(writer, "writelock", None)
            if getattr(lock, "fd", None) is not None:
                lock.release()
        try:
            with write_lock(self.index.path):
                remove_unreferenced(self.index.path)
        except (IndexBusy, OSError):
            pass  # another run owns the index now; its commit cleans up

    def _open_writer(self) -> None:
        if self.writer is not None:
            return
        index = self.index
        try:
            # Compound segments: Whoosh's merge leaves separate segment files
            # open until garbage collection. Opening a compound segment costs
            # milliseconds, which is why searchers are kept per thread.
            if self.jobs > 1:
                self.writer = MpWriter(index.ix, procs=self.jobs, multisegment=True,
                                       batchsize=self.batch_size,
                                       limitmb=WRITER_LIMIT_MB // self.jobs, codec=CercaCodec())
            else:
                self.writer = index.ix.writer(limitmb=WRITER_LIMIT_MB, codec=CercaCodec())
        except LockError:
            raise IndexBusy(busy_message(index.path)) from None


def _nothing() -> None:
    """The entity step of a run without one."""


def update_index(
    index: Index,
    roots: Iterable[str | os.PathLike],
    enrich: Enricher | None = None,
    progress: Progress | None = None,
    batch_size: int = 64,
    jobs: int = 1,
    pool: Executor | None = None,
) -> IndexReport:
    """Bring the index in line with the files under ``roots``.

    With ``jobs`` > 1, analysis and posting writing run in that many writer
    processes, each writing its own segment (Whoosh's multi-process writer);
    reading, hashing and entities stay here. Web pages are extracted in
    ``pool`` (a Pool or a ``Cluster``) when given (``index_paths`` passes
    the entity step's).
    """
    folders = [Path(r).resolve() for r in roots]
    run = Update(index, folders, enrich, jobs, batch_size)
    report = run.report
    if enrich is not None:
        # The entity step reads the whole run first (archive-wide names);
        # progress is counted there, where the model's time goes.
        enrich.prepare(read_articles(folders, [], [], set(), None, pool), progress)
        progress = None
    try:
        for article in read_articles(folders, report.skipped, report.ignored, run.unreadable,
                                     progress, pool):
            run.offer(article)
        return run.finish()
    except BaseException as exc:
        run.abandon()
        if isinstance(exc, OSError):
            raise IndexProblem(disk_message(exc, index.path)) from None
        raise


def add_missing_fields(index: Index) -> None:
    """Give an index written by an older Cerca the fields added since
    (``date_source``, ``mentioned``, ``authors``): it opens and updates as
    before, and the articles re-read carry them."""
    schema = index.ix.schema
    for name, spec in build_schema().items():
        if name not in schema:
            try:
                index.ix.add_field(name, spec)
            except LockError:
                raise IndexBusy(busy_message(index.path)) from None


def existing_ids(index: Index) -> dict[str, tuple[str, str]]:
    """id -> (hash, origin) for every live document, read from columns."""
    result: dict[str, tuple[str, str]] = {}
    with index.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return result
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        origins = reader.column_reader("origin")
        for docnum in reader.all_doc_ids():
            result[ids[docnum]] = (hashes[docnum], origins[docnum])
    return result


def _given_span(index: Index) -> tuple[dt.date, dt.date] | None:
    """The earliest and the latest of the dates the archive's inputs give."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        if "date_source" not in reader.schema or reader.doc_count_all() == 0:
            return None
        given = list(reader.postings("date_source", "given").all_ids()) \
            if reader.doc_frequency("date_source", "given") else []
        days = reader.column_reader("day")
        found = [days[d] for d in given if days[d]]
    if not found:
        return None
    return _day(min(found)), _day(max(found))


def _day(yyyymmdd: int) -> dt.date:
    return dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100)


def _within(origin: str, roots: list[Path]) -> bool:
    path = Path(origin)
    return any(path == root or root in path.parents for root in roots)


def disk_message(exc: OSError, path: Path) -> str:
    """An OSError while writing, as one line for the user."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"spazio su disco esaurito scrivendo l'indice {path}: l'indice resta com'era; "
                "libera spazio e riprova")
    return f"errore scrivendo l'indice {path}: {exc.strerror or exc}; l'indice resta com'era"
