"""Fill an index from files: the indexing policy every shell shares.

``index_paths`` is what ``cerca index`` and the Python API call: it picks
processes, builds the entity step and runs ``update_index``, so both give
the same index. Indexing is incremental: an article whose content hash is
unchanged is not touched, changed ones are replaced, and articles whose
file disappeared from an indexed folder are removed.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.multiproc import MpWriter

from search.analysis import VERSION as ANALYSIS_VERSION
from search.codec import CercaCodec
from search.executor import Executor
from search.index import (
    INDEX_NAME,
    Index,
    IndexBusy,
    IndexProblem,
    busy_message,
    create_index,
    open_index,
    remove_unreferenced,
    replace_index,
    write_lock,
)
from search.ingest import sources
from search.ingest.date_published import plausible_in_archive
from search.ingest.dates import DATES_VERSION, days_mentioned
from search.ingest.html import read_pages
from search.ingest.readers import display
from search.models import Article, Ignored, Skipped
from search.processes import die_with_parent
from search.schema import ENTITY_TEXT_FIELDS, KEYWORD_SEPARATOR, build_schema

if TYPE_CHECKING:
    from search.cluster import Cluster

# Whoosh's posting pool spills sorted runs to disk past this and merges them
# posting by posting at the end: at 256 MB that merge was a third of the
# time of indexing DICE (10k articles), which fits in 1 GB (about 0.9 GB RSS).
WRITER_LIMIT_MB = 1024
# Below this many articles in a run, starting writer processes costs more
# than it saves.
PARALLEL_MIN = 1000
# Articles handed on at a time: big enough, in parallel, to keep every
# process busy between hand-overs.
PARALLEL_BATCH = 256
SERIAL_BATCH = 64
# A rebuild is built in a hidden folder inside the index folder (the same
# file system, so its files can move in atomically; Whoosh ignores names
# starting with a dot).
REBUILD_PREFIX = ".rebuild-"


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


Progress = Callable[[int], None]


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
            "skipped": [{"path": display(s.path), "reason": s.reason} for s in self.skipped],
            "notes": [{"path": display(n.path), "note": n.reason} for n in self.notes],
            "ignored": [{**asdict(i), "path": display(i.path)} for i in self.ignored],
        }




def content_hash(article: Article, salt: str = "") -> str:
    """What decides "unchanged": everything we index from the input, the
    versions of the analysis and of the date grammar (what a text yields),
    and the version of the entity step (model, rules, corrections) as
    ``salt``."""
    payload = {
        "salt": salt,
        "analysis": ANALYSIS_VERSION,
        "dates": DATES_VERSION,
        "text": article.text,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "source": article.source,
        "url": article.url,
        "author": article.author,
        "persons": article.persons if article.entities_given else None,
        "places": article.places if article.entities_given else None,
        "orgs": article.orgs if article.entities_given else None,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha1(blob).hexdigest()


def document(article: Article, digest: str) -> dict:
    """An Article as Whoosh field values."""
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "title_exact": article.title,
        "body": article.text,
        "body_exact": article.text,
        "source": article.source or None,
        "url": article.url,
        "author": article.author,
        "hash": digest,
        "origin": article.origin,
        "date_inferred": article.date_inferred,
        "date_source": article.date_source,
        "dates": [vars(d) for d in article.dates],
        "mentioned": " ".join(days_mentioned(article.dates)) or None,
        "day": int(article.date.strftime("%Y%m%d")) if article.date else 0,
    }
    if article.date:
        doc["date"] = dt.datetime.combine(article.date, dt.time())
    authors = _unique(article.author.split(", "))
    if authors:
        doc["authors"] = KEYWORD_SEPARATOR.join(authors)
        doc["_stored_authors"] = authors
    for name, text_field in ENTITY_TEXT_FIELDS.items():
        values = _unique(getattr(article, name))
        if values:
            doc[name] = KEYWORD_SEPARATOR.join(values)
            doc["_stored_" + name] = values
            doc[text_field] = "\n".join(values)
        else:
            doc["_stored_" + name] = []
    return {k: v for k, v in doc.items() if v is not None}


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v.replace(KEYWORD_SEPARATOR, " ").strip(), None)
    return [v for v in seen if v]


def _existing(index: Index) -> dict[str, tuple[str, str]]:
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


def _within(origin: str, roots: list[Path]) -> bool:
    path = Path(origin)
    return any(path == root or root in path.parents for root in roots)


def count_units(roots: Iterable[Path]) -> int:
    """How many articles a run will see, cheaply: files, lines of JSONL,
    pages of a web archive."""
    return sum(sources.units_in(path) for root in roots if root.exists()
               for path in sources.find_files(root))


def _articles(
    roots: list[Path], report: IndexReport, unreadable: set[str], progress: Progress | None,
    pool: Executor | None,
) -> Iterator[Article]:
    """Articles under ``roots``; skips and what was left out go into the
    report as they happen. Web pages are extracted in ``pool`` if given."""
    files: set[str] = set()
    for item in read_pages(_items(roots, report, files), pool):
        if isinstance(item, Ignored):
            report.ignored.append(item)
            continue
        if progress:
            progress(1)
        if isinstance(item, Skipped):
            report.skipped.append(item)
            if item.path in files:  # the whole file, not one line or page of it
                unreadable.add(item.path)
            continue
        yield item


def _items(roots: list[Path], report: IndexReport, files: set[str]) -> Iterator:
    """Everything under ``roots``, web pages not yet extracted."""
    for root in roots:
        if not root.exists():
            report.skipped.append(Skipped(str(root), "percorso inesistente"))
            continue
        for entry in sources.scan(root):
            if isinstance(entry, Ignored):
                yield entry
            else:
                files.add(str(entry))
                yield from sources.read_items(entry, root)


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
    report = IndexReport()
    add_missing_fields(index)
    existing = _existing(index)
    seen: dict[str, str] = {}  # id -> the file it came from
    unreadable: set[str] = set()
    writer: Any = None  # a Whoosh writer, opened at the first change

    def open_writer():
        try:
            # Compound segments: Whoosh's merge leaves separate segment files
            # open until garbage collection. Opening a compound segment costs
            # milliseconds, which is why searchers are kept per thread.
            if jobs > 1:
                return MpWriter(index.ix, procs=jobs, multisegment=True, batchsize=batch_size,
                                limitmb=WRITER_LIMIT_MB // jobs, codec=CercaCodec())
            return index.ix.writer(limitmb=WRITER_LIMIT_MB, codec=CercaCodec())
        except LockError:
            raise IndexBusy(busy_message(index.path)) from None

    def begin(articles: list[Article]) -> Callable[[], None]:
        """Start the entity step on a batch; the call returned completes it."""
        return enrich.start(articles) if enrich is not None else lambda: None

    if enrich is not None:
        # The entity step reads the whole run first (archive-wide names);
        # progress is counted there, where the model's time goes.
        enrich.prepare(_articles(folders, IndexReport(), set(), None, pool), progress)
        progress = None
    try:
        batch: list[tuple[Article, str]] = []
        # One batch in flight: its entities are found while the one before
        # is written.
        in_flight: tuple[list[tuple[Article, str]], Callable[[], None]] | None = None

        def flush() -> None:
            nonlocal writer, in_flight
            started = None
            if batch:
                writer = writer or open_writer()
                started = (list(batch), begin([a for a, _ in batch]))
                batch.clear()
            if in_flight is not None:
                items, finish = in_flight
                finish()
                for article, digest in items:
                    doc = document(article, digest)
                    if article.id in existing:
                        writer.update_document(**doc)
                        report.updated += 1
                    else:
                        writer.add_document(**doc)
                        report.added += 1
            in_flight = started

        span = _given_span(index)
        for article in _articles(folders, report, unreadable, progress, pool):
            if article.id in seen:
                report.skipped.append(Skipped(article.origin, (
                    f"id duplicato «{article.id}»: resta quello di {display(seen[article.id])}")))
                continue
            seen[article.id] = article.origin
            if article.date_source == "given" and article.date is not None:
                span = (min(span[0], article.date), max(span[1], article.date)) if span \
                    else (article.date, article.date)
            article = plausible_in_archive(article, span)
            report.notes += [Skipped(article.origin, note) for note in article.notes]
            digest = content_hash(article, enrich.version if enrich is not None else "")
            if existing.get(article.id, ("",))[0] == digest:
                report.unchanged += 1
                continue
            batch.append((article, digest))
            if len(batch) >= batch_size:
                flush()
        flush()  # starts the last batch and writes the one before
        flush()  # writes the last batch
        for doc_id, (_, origin) in existing.items():
            if doc_id not in seen and origin not in unreadable and _within(origin, folders):
                writer = writer or open_writer()
                writer.delete_by_term("id", doc_id)
                report.removed += 1
        if writer is not None:
            writer.commit()
    except BaseException as exc:
        if writer is not None:
            _abandon(writer, index.path)
        if isinstance(exc, OSError):
            raise IndexProblem(disk_message(exc, index.path)) from None
        raise
    expected = len(existing) + report.added - report.removed
    if index.doc_count() != expected:
        # Whoosh's multi-process writer commits without the segment of a
        # writer process that died; say so rather than lose articles quietly.
        raise IndexProblem(
            f"L'indice contiene {index.doc_count()} articoli invece di {expected}: "
            "un processo di scrittura si è interrotto. Ripeti con --jobs 1."
        )
    report.documents = expected
    return report


def _abandon(writer: Any, path: Path) -> None:
    """Undo a failed run: stop its writer processes (Whoosh's cancel only
    tells its own copy of them), release the lock, delete what it wrote."""
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
        with write_lock(path):
            remove_unreferenced(path)
    except (IndexBusy, OSError):
        pass  # another run owns the index now; its commit cleans up


def disk_message(exc: OSError, path: Path) -> str:
    """An OSError while writing, as one line for the user."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"spazio su disco esaurito scrivendo l'indice {path}: l'indice resta com'era; "
                "libera spazio e riprova")
    return f"errore scrivendo l'indice {path}: {exc.strerror or exc}; l'indice resta com'era"


def index_paths(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    entities: bool = True,
    corrections: str | os.PathLike | None = None,
    jobs: int | None = None,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
    cluster: str | None = None,
    notify: Callable[[str], None] | None = None,
) -> IndexReport:
    """Index the files under ``paths`` into the index at ``index_dir``.

    :param entities: find persons, places and organisations (the model).
    :param corrections: a YAML corrections file (see the README).
    :param jobs: processes for large runs; default every CPU. Runs under
        ``PARALLEL_MIN`` articles use one process, which starts faster.
    :param rebuild: start from an empty index.
    :param progress: called with the number of articles read, as they are.
    :param cluster: extract pages and run NER on a Dask cluster instead of
        local processes: ``tcp://HOST:PORT`` of its scheduler, or
        ``local:N`` to start N workers here (``search.cluster``).
    :param notify: called with a line for the user about the run (the
        cluster's dashboard address).
    Raises ``IndexProblem`` (and ``OSError``, ``ValueError`` for a bad
    corrections file) with a message for the user.
    """
    path, roots = Path(index_dir), [Path(p) for p in paths]
    missing = [r for r in roots if not r.exists()]
    if missing:
        raise IndexProblem(f"percorso inesistente: {display(str(missing[0]))}; "
                           "l'indice non è stato toccato")
    loaded = None
    if entities:
        from search.entities.canonical import Corrections

        loaded = Corrections.load(str(corrections) if corrections else None)
    jobs = jobs or os.cpu_count() or 1
    if count_units(roots) < PARALLEL_MIN:
        jobs = 1
    if jobs > 1 or entities:
        die_with_parent()

    def run(index: Index) -> IndexReport:
        # One pool of workers (or the cluster) for entities and web pages.
        pool = multiprocessing.Pool(jobs) if jobs > 1 and farm is None else None
        executor: Executor | None = farm or pool
        enricher = None
        try:
            if loaded is not None:
                from search.entities.ner import EntityEnricher

                enricher = EntityEnricher(path, loaded, jobs=farm.workers if farm else jobs,
                                          pool=executor)
            return update_index(index, roots, enrich=enricher, progress=progress, jobs=jobs,
                                batch_size=PARALLEL_BATCH if jobs > 1 else SERIAL_BATCH,
                                pool=executor)
        finally:
            if enricher is not None:
                enricher.close()
            if pool is not None:
                pool.terminate()
                pool.join()
            index.close()

    existed = whoosh_index.exists_in(path, indexname=INDEX_NAME)
    if existed:
        with write_lock(path):  # busy now rather than after reading every file
            _remove_leftovers(path)
    farm = _connect(cluster, notify) if cluster else None  # before the index is touched
    try:
        if rebuild and existed:
            return _rebuild(path, run)
        return run(create_index(path))
    finally:
        if farm is not None:
            farm.close()


def _connect(spec: str, notify: Callable[[str], None] | None) -> Cluster:
    from search.cluster import Cluster

    farm = Cluster(spec)
    if notify is not None:
        notify(f"cluster {spec}: {farm.workers} worker"
               + (f", pannello Dask: {farm.dashboard}" if farm.dashboard else ""))
    return farm


def _remove_leftovers(path: Path) -> None:
    """What killed runs left: a half-built rebuild, unreferenced segments."""
    for stale in path.glob(f"{REBUILD_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    remove_unreferenced(path)


def _ids_at(path: Path) -> set[str]:
    """The ids of the index at ``path``, its searcher closed after."""
    index = open_index(path)
    try:
        return set(_existing(index))
    finally:
        index.close()


def _rebuild(path: Path, run: Callable[[Index], IndexReport]) -> IndexReport:
    """Build a new index beside the old one and switch to it only once it
    is complete and verified; until then, and if anything fails, the old
    one stays as it was and keeps being served."""
    before = _ids_at(path)
    with write_lock(path):
        fresh = path / f"{REBUILD_PREFIX}{os.getpid()}"
        try:
            report = run(create_index(fresh))
            if not report.documents:
                raise IndexProblem("la ricostruzione non ha trovato articoli da indicizzare: "
                                   "l'indice resta com'era")
            after = _ids_at(fresh)
            replace_index(path, fresh)
        except OSError as exc:
            raise IndexProblem(disk_message(exc, path)) from None
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    report.added = len(after - before)
    report.updated = len(after & before)
    report.removed = len(before - after)
    report.unchanged = 0
    return report
