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
import pickle
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from whoosh.index import LockError

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
from search.indexing.mpwriter import QuietMpWriter, commit
from search.indexing.pool import use_term_pool
from search.indexing.read import Progress, read_articles
from search.models import Article, Ignored, Skipped
from search.schema import build_schema
from search.stories import StoryStep

# Whoosh's posting pool spills sorted runs to disk past this and merges them
# posting by posting at the end: at 256 MB that merge was a third of the
# time of indexing DICE (10k articles), which fits in 1 GB (about 0.9 GB RSS).
WRITER_LIMIT_MB = 1024


class Enricher(Protocol):
    """The entity step (``EntityEnricher``): the run observes every article
    it reads, then names the ones it writes."""

    version: str  # what decides "unchanged" beside the article itself
    chunk: int  # articles observed at a time

    def observe(self, articles: list[Article]) -> Callable[[], None]:
        """Begin finding the articles' mentions; the call returned waits for
        them and adds them to the archive's evidence, so the reading of the
        next chunk overlaps the model."""
        ...

    def name(self, articles: list[Article]) -> None:
        """Fill persons/places/orgs, once every article of the run is observed."""
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
    """One run's state: what the index held, what the run has seen, and the
    articles on their way to the writer.

    Each article is read once. Without an entity step a changed article is
    written as it comes. With one, every article read is observed (its
    mentions found, by the model in the run's pool while reading goes on,
    or from the entity cache) and the changed ones wait in a spill file
    until the whole run is observed; then they are named and written.
    """

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
        self.unobserved: list[Article] = []
        self.observing: Callable[[], None] | None = None  # the chunk the model reads
        self.spill: IO[bytes] | None = tempfile.TemporaryFile() if enrich else None
        self.stories = StoryStep(index)
        self.written: dict[str, str] = {}  # id -> content hash, of the articles written
        self.spilled = 0  # articles waiting in the spill to be named and written
        # A progress callback with phases hears of the writing and the commit.
        self.progress: Progress | None = None
        # Called once the run is read and observed, before any is written.
        self.read_done: Callable[[], None] | None = None

    def read(self, article: Article) -> None:
        """Take an article from the read stage."""
        if self.enrich is not None and not article.entities_given:
            self.unobserved.append(article)
            if len(self.unobserved) >= self.enrich.chunk:
                self._observe()
        self.offer(article)

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
        """Write the queued articles, or spill them until they can be named."""
        if not self.batch:
            return
        if self.spill is not None:
            pickle.dump(self.batch, self.spill, pickle.HIGHEST_PROTOCOL)
            self.spilled += len(self.batch)
        else:
            self._write(self.batch)
        self.batch = []

    def finish(self) -> IndexReport:
        """Write what is queued, remove the articles whose file is gone, commit."""
        self.flush()
        if self.enrich is not None and self.spill is not None:
            self._observe()  # starts the last chunk, completes the one before
            self._observe()  # completes the last chunk: the run is observed
            if self.read_done is not None:
                self.read_done()
            self.spill.seek(0)
            written = self.progress if _phase(self.progress, "write", self.spilled) else None
            while batch := _next_batch(self.spill):
                self.enrich.name([a for a, _ in batch])
                self._write(batch)
                if written:
                    written(len(batch))
            self.spill.close()
        removed = set()
        for doc_id, (_, origin) in self.existing.items():
            if doc_id not in self.seen and origin not in self.unreadable \
                    and _within(origin, self.folders):
                self._open_writer()
                self.writer.delete_by_term("id", doc_id)
                removed.add(doc_id)
                self.report.removed += 1
        live = {i: h for i, (h, _) in self.existing.items() if i not in removed} | self.written
        if self.writer is not None:
            _phase(self.progress, "commit")
            generation = self.writer.generation
            # The stories are grouped while the segments are written, and
            # saved before the commit publishes them.
            commit(self.writer, lambda: self.stories.commit(live, generation))
            self.writer = None
        elif self.stories.missing(self.index.generation):
            self.stories.commit(live, self.index.generation)
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
        if self.spill is not None:
            self.spill.close()
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

    def _observe(self) -> None:
        """Start the model on the unobserved chunk, then complete the one before."""
        assert self.enrich is not None
        started = self.enrich.observe(self.unobserved) if self.unobserved else None
        self.unobserved = []
        if self.observing is not None:
            self.observing()
        self.observing = started

    def _write(self, batch: list[tuple[Article, str]]) -> None:
        self._open_writer()
        for article, digest in batch:
            self.stories.add(article, digest)
            self.written[article.id] = digest
            doc = document(article, digest)
            if article.id in self.existing:
                self.writer.update_document(**doc)
                self.report.updated += 1
            else:
                self.writer.add_document(**doc)
                self.report.added += 1

    def _open_writer(self) -> None:
        if self.writer is not None:
            return
        index = self.index
        try:
            # Compound segments: Whoosh's merge leaves separate segment files
            # open until garbage collection. Opening a compound segment costs
            # milliseconds, which is why searchers are kept per thread.
            if self.jobs > 1:
                self.writer = QuietMpWriter(index.ix, procs=self.jobs, multisegment=True,
                                            batchsize=self.batch_size,
                                            limitmb=WRITER_LIMIT_MB // self.jobs,
                                            codec=CercaCodec())
            else:
                self.writer = index.ix.writer(limitmb=WRITER_LIMIT_MB, codec=CercaCodec())
                use_term_pool(self.writer)
        except LockError:
            raise IndexBusy(busy_message(index.path)) from None


def _phase(progress: Progress | None, name: str, total: int | None = None) -> bool:
    """Tell ``progress`` the run moved on, if it has a ``phase(name, total)``
    method (the CLI's): "write" (``total`` articles named and written after
    reading) or "commit" (segments written and merged, not counted)."""
    begin = getattr(progress, "phase", None)
    if begin is not None:
        begin(name, total)
    return begin is not None


def _next_batch(spill: IO[bytes]) -> list[tuple[Article, str]]:
    try:
        return pickle.load(spill)
    except EOFError:
        return []


def update_index(
    index: Index,
    roots: Iterable[str | os.PathLike],
    enrich: Enricher | None = None,
    progress: Progress | None = None,
    batch_size: int = 64,
    jobs: int = 1,
    pool: Executor | None = None,
    *,
    entities: bool = True,
    read_done: Callable[[], None] | None = None,
) -> IndexReport:
    """Bring the index in line with the files under ``roots``.

    :param enrich: the entity step; by default the model's, with its cache
        beside the index and no corrections (``index_paths`` passes one
        that shares its pool and corrections).
    :param entities: False to index no persons, places or organisations
        found by the model (the ones a JSONL line gives are kept).
    :param jobs: with more than one, analysis and posting writing run in
        that many writer processes, each writing its own segment (Whoosh's
        multi-process writer); reading, hashing and naming stay here.
    :param pool: where web pages are extracted (a Pool or a ``Cluster``).
    :param read_done: called, with an entity step, once every article is
        read and observed and before the writer processes start: the
        caller's pool has done its work by then.
    """
    folders = [Path(r).resolve() for r in roots]
    own = None
    if entities and enrich is None:
        from search.entities.ner import EntityEnricher

        enrich = own = EntityEnricher(index.path, jobs=jobs, pool=pool)
    try:
        run = Update(index, folders, enrich if entities else None, jobs, batch_size)
        run.progress, run.read_done = progress, read_done
        try:
            for article in read_articles(folders, run.report.skipped, run.report.ignored,
                                         run.unreadable, progress, pool):
                run.read(article)
            return run.finish()
        except BaseException as exc:
            run.abandon()
            if isinstance(exc, OSError):
                raise IndexProblem(disk_message(exc, index.path)) from None
            raise
        finally:
            run.stories.close()
    finally:
        if own is not None:
            own.close()


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
