"""Create, open and update a Cerca index on disk.

Indexing is incremental: an article whose content hash is unchanged is not
touched, changed ones are replaced, and articles whose file disappeared
from an indexed folder are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.multiproc import MpWriter
from whoosh.searching import Searcher

from search.codec import CercaCodec
from search.ingest.date_published import plausible_in_archive
from search.ingest.dates import DATES_VERSION, days_mentioned
from search.ingest.readers import find_files, read_path
from search.models import Article, Skipped
from search.schema import ENTITY_TEXT_FIELDS, KEYWORD_SEPARATOR, build_schema

INDEX_NAME = "MAIN"
# Whoosh's posting pool spills sorted runs to disk past this and merges them
# posting by posting at the end: at 256 MB that merge was a third of the
# time of indexing DICE (10k articles), which fits in 1 GB (about 0.9 GB RSS).
WRITER_LIMIT_MB = 1024
# Below this many articles in a run, starting writer processes costs more
# than it saves.
PARALLEL_MIN = 1000
# Articles handed on at a time when running in parallel: big enough to keep
# every process busy between hand-overs.
PARALLEL_BATCH = 256


class IndexError_(Exception):
    """Base for index problems whose message is meant for the user."""


class IndexMissing(IndexError_):
    pass


class IndexBusy(IndexError_):
    pass


# Fills persons/places/orgs on a batch of articles. It may also offer
# ``start(batch)``, returning the call that completes the batch, so that its
# work overlaps the writing of the batch before (EntityEnricher does).
Enricher = Callable[[list[Article]], None]
Progress = Callable[[int], None]


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }


class Index:
    """An opened index: the one piece of state the shells share.

    A Whoosh index may be shared between threads; a Searcher may not, so
    callers take one per request with ``searcher()``.
    """

    def __init__(self, path: Path, ix: whoosh_index.Index) -> None:
        self.path = path
        self.ix = ix
        # Per-generation caches (facet value columns); see facets.py.
        self.caches: dict[tuple, object] = {}
        self._searchers: dict[tuple[int, int], Searcher] = {}
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self, weighting=None) -> Iterator[Searcher]:
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


def create_index(path: str | os.PathLike, rebuild: bool = False) -> Index:
    """Open the index at ``path``, creating it (or starting clean) as needed."""
    path = Path(path)
    if rebuild and whoosh_index.exists_in(path, indexname=INDEX_NAME):
        _remove_index_files(path)
    if whoosh_index.exists_in(path, indexname=INDEX_NAME):
        return open_index(path)
    path.mkdir(parents=True, exist_ok=True)
    return Index(path, whoosh_index.create_in(path, build_schema(), indexname=INDEX_NAME))


def add_missing_fields(index: Index) -> None:
    """Give an index written by an older Cerca the fields added since
    (``date_source``, ``mentioned``): it opens and updates as before, and
    the articles re-read carry them."""
    schema = index.ix.schema
    for name, spec in build_schema().items():
        if name not in schema:
            try:
                index.ix.add_field(name, spec)
            except LockError:
                raise IndexBusy(
                    f"L'indice {index.path} è già in uso da un'altra indicizzazione: "
                    "riprova più tardi."
                ) from None


def _remove_index_files(path: Path) -> None:
    for child in path.iterdir():
        if child.name.startswith(("_", INDEX_NAME)) or child.suffix in (".seg", ".toc", ".lock"):
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()


def content_hash(article: Article, salt: str = "") -> str:
    """What decides "unchanged": everything we index from the input, the
    version of the entity step (model, rules, corrections) as ``salt``, and
    the version of the date grammar (what dates a text yields)."""
    payload = {
        "salt": salt,
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
    doc = {
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


def _earliest_given_year(index: Index) -> int | None:
    """The earliest year among the dates the archive's inputs give."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        if "date_source" not in reader.schema or reader.doc_count_all() == 0:
            return None
        given = list(reader.postings("date_source", "given").all_ids()) \
            if reader.doc_frequency("date_source", "given") else []
        days = reader.column_reader("day")
        years = [days[d] // 10000 for d in given if days[d]]
    return min(years) if years else None


def _within(origin: str, roots: list[Path]) -> bool:
    path = Path(origin)
    return any(path == root or root in path.parents for root in roots)


def count_units(roots: Iterable[Path]) -> int:
    """How many articles a run will see, cheaply: files, or lines of JSONL."""
    total = 0
    for root in roots:
        if not root.exists():
            continue
        for path in find_files(root):
            if path.suffix.lower() == ".jsonl":
                try:
                    with path.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


def _articles(
    roots: list[Path], report: IndexReport, unreadable: set[str], progress: Progress | None
) -> Iterator[Article]:
    """Articles under ``roots``; skips go into the report as they happen."""
    for root in roots:
        if not root.exists():
            report.skipped.append(Skipped(str(root), "percorso inesistente"))
            continue
        for path in find_files(root):
            for item in read_path(path, root):
                if progress:
                    progress(1)
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    if item.path == str(path):
                        unreadable.add(str(path))
                    continue
                yield item


def update_index(
    index: Index,
    roots: Iterable[str | os.PathLike],
    enrich: Enricher | None = None,
    progress: Progress | None = None,
    batch_size: int = 64,
    jobs: int = 1,
) -> IndexReport:
    """Bring the index in line with the files under ``roots``.

    With ``jobs`` > 1, analysis and posting writing run in that many writer
    processes, each writing its own segment (Whoosh's multi-process writer);
    reading, hashing and entities stay here.
    """
    roots = [Path(r).resolve() for r in roots]
    report = IndexReport()
    add_missing_fields(index)
    existing = _existing(index)
    seen: set[str] = set()
    unreadable: set[str] = set()
    writer = None

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
            raise IndexBusy(
                f"L'indice {index.path} è già in uso da un'altra indicizzazione: "
                "riprova più tardi."
            ) from None

    def begin(articles: list[Article]) -> Callable[[], None]:
        """Start the entity step on a batch; the call returned completes it."""
        if enrich is None:
            return lambda: None
        start = getattr(enrich, "start", None)
        return start(articles) if start else lambda: enrich(articles)

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
                    if article.id in existing:
                        writer.update_document(**document(article, digest))
                        report.updated += 1
                    else:
                        writer.add_document(**document(article, digest))
                        report.added += 1
            in_flight = started

        earliest = _earliest_given_year(index)
        for article in _articles(roots, report, unreadable, progress):
            if article.id in seen:
                report.skipped.append(Skipped(article.origin, f"id duplicato «{article.id}»"))
                continue
            seen.add(article.id)
            if article.date_source == "given":
                earliest = min(earliest or article.date.year, article.date.year)  # type: ignore[union-attr]
            article = plausible_in_archive(article, earliest)
            digest = content_hash(article, getattr(enrich, "version", ""))
            if existing.get(article.id, ("",))[0] == digest:
                report.unchanged += 1
                continue
            batch.append((article, digest))
            if len(batch) >= batch_size:
                flush()
        flush()  # starts the last batch and writes the one before
        flush()  # writes the last batch
        for doc_id, (_, origin) in existing.items():
            if doc_id not in seen and origin not in unreadable and _within(origin, roots):
                writer = writer or open_writer()
                writer.delete_by_term("id", doc_id)
                report.removed += 1
        if writer is not None:
            writer.commit()
    except BaseException:
        # Whoosh 2.7 keeps the write lock after a failed commit otherwise.
        if writer is not None:
            writer.cancel()
        raise
    expected = len(existing) + report.added - report.removed
    if index.doc_count() != expected:
        # Whoosh's multi-process writer commits without the segment of a
        # writer process that died; say so rather than lose articles quietly.
        raise IndexError_(
            f"L'indice contiene {index.doc_count()} articoli invece di {expected}: "
            "un processo di scrittura si è interrotto. Ripeti con --jobs 1."
        )
    return report
