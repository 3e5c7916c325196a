"""Named entities: the trained Italian spaCy model, cached by content.

The model (``search/entities/ner_model``, trained on KIND Wikinews and
hand-labelled DICE articles; CC BY-NC-SA 4.0) is loaded once per process.
Raw mentions are cached by a hash of the text and the model's name and
version in ``entities.sqlite`` beside the index, so an unchanged article
never goes through NER twice, a new model never reuses an old one's
mentions, and corrections re-derive facets from the cache.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.pool
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from search.entities.canonical import Canonicalizer
from search.entities.context import in_context
from search.entities.corrections import Corrections
from search.entities.mentions import Mention, media_mentions, scans
from search.entities.rules import applied
from search.entities.surface import clean
from search.models import Article
from search.sqlite_disk import disk_errors

if TYPE_CHECKING:  # the indexer's pool or cluster, passed in
    from search.indexing.executor import Executor

MODEL_DIR = Path(__file__).resolve().parent / "ner_model"
CACHE_NAME = "entities.sqlite"
BATCH_SIZE = 64
# Bump when canonicalisation rules change, so the next index run re-derives.
CANON_VERSION = "10"
# Mentions are cached as [label, text, start]; a new format never reads an old one.
CACHE_FORMAT = "2"


_loading = threading.Lock()


def nlp():
    """The NER pipeline, loaded once per process (a Dask worker may run
    tasks in several threads)."""
    with _loading:
        return _load()


def loaded() -> bool:
    """Whether this process holds the model."""
    return _load.cache_info().currsize > 0


def unload() -> None:
    """Free the model (about 150 MB) once a run has read every text: its
    writing, which holds the most memory of a run, then runs without it."""
    with _loading:
        _load.cache_clear()
    gc.collect()


# An article's first 200,000 characters (a long news story has 20,000).
MAX_NER_CHARS = 200_000


@functools.cache
def _load():
    """The NER pipeline, loaded from the installed package, only what NER needs."""
    import spacy
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    from search.entities import gazetteer  # noqa: F401 - registers the model's gazetteer pipe

    model = spacy.load(MODEL_DIR)
    # The layers multiply through numpy's BLAS (OpenBLAS) instead of blis:
    # the same entities on DICE in about a tenth less time (AVX-512). One
    # BLAS thread, since the indexer already runs one NER process per core.
    threadpool_limits(1)
    ops = NumpyOps(use_blis=False)
    for _, pipe in model.pipeline:
        if hasattr(pipe, "model"):
            for layer in pipe.model.walk():
                layer.ops = ops
    # The first text read allocates what the model keeps between texts
    # (about 25 MB): read here, before a pool forks, its workers share it.
    model("Mario Rossi è arrivato a Modena.")
    return model


def model_version() -> str:
    meta = json.loads((MODEL_DIR / "meta.json").read_text("utf-8"))
    return f"{meta['name']}-{meta['version']}"


# The model's memory grows with the characters it reads at once (about 3.5 KB
# a character: 700 MB for 200,000; 500 MB for a batch of 64 DICE articles):
# a longer text is read a piece at a time, cut at paragraph breaks, and
# shorter ones in batches of at most NER_BATCH_CHARS, so what the model
# holds beside its weights stays about 35 MB whatever it reads (65 MB at
# 16,000 characters a batch). A batch is no longer than a piece; batches of
# five DICE articles take no more CPU time than batches of 64
# (bench/ner_batch.py).
NER_PIECE_CHARS = 10_000
NER_BATCH_CHARS = NER_PIECE_CHARS


def recognise(texts: list[str], model=None) -> list[list[Mention]]:
    """Mentions in each text; offsets are Python string indices. ``model``,
    another loaded pipeline, is for benches that compare models."""
    pipeline = model or nlp()
    found: list[list[Mention]] = [[] for _ in texts]
    for batch in _batches([i for i, text in enumerate(texts) if len(text) <= NER_PIECE_CHARS],
                          texts):
        for i, doc in zip(batch, pipeline.pipe([texts[i] for i in batch],
                                               batch_size=len(batch)), strict=True):
            found[i] = _mentions(doc, 0)
    for i, text in enumerate(texts):
        if len(text) > NER_PIECE_CHARS:
            for start, end in _pieces(text):
                found[i] += _mentions(pipeline(text[start:end]), start)
    return found


def _mentions(doc, offset: int) -> list[Mention]:
    return [Mention(e.start_char + offset, e.end_char + offset, e.text, e.label_)
            for e in doc.ents]


def _batches(indices: list[int], texts: list[str]) -> list[list[int]]:
    """``indices`` in order, grouped so each group's texts have at most
    ``NER_BATCH_CHARS`` characters together (a longer text alone)."""
    batches: list[list[int]] = []
    size = 0
    for i in indices:
        if not batches or size + len(texts[i]) > NER_BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(i)
        size += len(texts[i])
    return batches


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of at most ``NER_PIECE_CHARS`` covering ``text``, each ending at
    a paragraph break, else a line break, else a space, where there is one."""
    spans, start = [], 0
    while len(text) - start > NER_PIECE_CHARS:
        limit = start + NER_PIECE_CHARS
        cut = next((at for sep in ("\n\n", "\n", " ")
                    if (at := text.rfind(sep, start + 1, limit)) > 0), limit - 1)
        spans.append((start, cut + 1))
        start = cut + 1
    spans.append((start, len(text)))
    return spans


def ner_text(article: Article) -> str:
    """Title and body as the NER reads them: without dateline and bylines,
    and at most ``MAX_NER_CHARS`` (spaCy refuses a text past its
    ``max_length``, which would stop the run, and a 45 MB page would take
    the model an hour)."""
    body = article.text[article.ner_start:article.ner_end]
    return (f"{article.title}\n\n{body}" if article.title else body)[:MAX_NER_CHARS]


def _title_lead(article: Article) -> int:
    """How much of the NER text is a dateline or byline repeated in a title
    made from the first sentence ("PAVULLO Finge di aver…"), else 0."""
    lead = article.text[:article.ner_start].strip()
    return len(lead) if lead and article.title.startswith(lead) else 0


class EntityCache:
    """sqlite: text hash -> raw mentions, and the canonical-name registry."""

    def __init__(self, path: Path | None) -> None:
        self.db = sqlite3.connect(path if path is not None else ":memory:")
        self.db.execute("CREATE TABLE IF NOT EXISTS mentions (hash TEXT PRIMARY KEY, data TEXT)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS names (label TEXT, key TEXT, shown TEXT, "
            "PRIMARY KEY (label, key))"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE name = 'canon'").fetchone()
        if row is None or row[0] != CANON_VERSION:
            # New naming rules: names chosen by the old ones are not kept.
            self.db.execute("DELETE FROM names")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('canon', ?)", (CANON_VERSION,))

    def get(self, digests: list[str]) -> dict[str, list[tuple]]:
        found = {}
        for i in range(0, len(digests), 500):
            chunk = digests[i:i + 500]
            rows = self.db.execute(
                f"SELECT hash, data FROM mentions WHERE hash IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update({h: [tuple(m) for m in json.loads(d)] for h, d in rows})
        return found

    def put(self, items: dict[str, list[tuple]]) -> None:
        with disk_errors():
            self.db.executemany(
                "INSERT OR REPLACE INTO mentions VALUES (?, ?)",
                [(h, json.dumps(m, ensure_ascii=False)) for h, m in items.items()],
            )

    def registry(self) -> dict[tuple[str, str], str]:
        return {(label, key): shown for label, key, shown in
                self.db.execute("SELECT label, key, shown FROM names")}

    def save_registry(self, registry: dict[tuple[str, str], str]) -> None:
        with disk_errors():
            self.db.executemany(
                "INSERT OR IGNORE INTO names VALUES (?, ?, ?)",
                [(label, key, shown) for (label, key), shown in registry.items()],
            )
            self.db.commit()

    def close(self) -> None:
        """Save and close; closing after a failed run (a full disk) must not
        raise over the run's own error, and what a cache loses is found
        again by the next run."""
        try:
            self.db.commit()
        except sqlite3.Error:
            pass
        finally:
            self.db.close()


class EntityEnricher:
    """The indexer's entity step: fills persons/places/orgs on Articles.

    With ``jobs`` > 1, NER (nearly all of the step's time) runs in that many
    processes (or a cluster's workers), each on its share of a batch; the
    cache and the canonical names stay in this process, so results do not
    depend on ``jobs`` or on the cluster.
    """

    def __init__(
        self, index_dir: str | os.PathLike | None, corrections: Corrections | None = None,
        jobs: int = 1, pool: Executor | None = None, disabled: frozenset[str] = frozenset(),
    ) -> None:
        self.jobs = jobs
        # A pool (or cluster) given is used (the indexer extracts web pages
        # in the same one) and left open; otherwise one is started when
        # first needed.
        self._pool = pool
        self._own: multiprocessing.pool.Pool | None = None
        # No folder: a cache in memory, for a run that stores nothing (extract).
        self.cache = EntityCache(Path(index_dir) / CACHE_NAME if index_dir else None)
        self.corrections = corrections or Corrections()
        self.on = applied(disabled)  # rule families (rules.RULES); the ablation switches some off
        self.canon = Canonicalizer(self.corrections, self.cache.registry(), disabled=disabled)
        self.model = model_version()
        self.version = f"{self.model}/{CANON_VERSION}/{self.corrections.digest}"
        self.recognised = 0  # texts sent through NER (cache misses), for reports
        # Articles sent to NER at a time: each worker gets a share.
        self.chunk = BATCH_SIZE * max(jobs, 4)

    def prepare(self, articles: Iterable[Article]) -> None:
        """Observe every article of a collection, a chunk at a time (what
        ``cerca extract`` does before naming; the indexer calls ``observe``
        as it reads)."""
        chunk: list[Article] = []
        for article in articles:
            if not article.entities_given:
                chunk.append(article)
            if len(chunk) >= self.chunk:
                self.observe(chunk)()
                chunk = []
        self.observe(chunk)()

    def observe(self, articles: list[Article]) -> Callable[[], None]:
        """Start NER on the articles the cache lacks and return the call
        that waits for it and adds them to the archive's evidence
        (``archive.py``). Every article of a run is observed before any is
        named, so a name does not depend on which batch it came in."""
        todo = [a for a in articles if not a.entities_given]
        collect = self._fetch(todo)
        return lambda: self._observe(todo, collect())

    def _observe(self, articles: list[Article], raw: dict[int, list[tuple]]) -> None:
        """Add the articles to the archive's evidence."""
        evidence = self.canon.evidence
        for article in articles:
            # Evidence counts only what names an entity: "via Guercino" is
            # a street, so it does not make the painter a place.
            text = ner_text(article)
            self.canon.observe(text, [m[:2] for m in in_context(text, raw[id(article)], self.on)])
            if article.dateline:
                evidence.add_dateline(article.dateline)
            for author in article.author.split(", "):
                if author:
                    evidence.add_author(author)

    def name(self, articles: list[Article]) -> None:
        """Fill the articles' persons, places and orgs, once the whole run
        is observed: their mentions come from the cache ``observe`` filled."""
        raw = self._fetch([a for a in articles if not a.entities_given])()
        for article in articles:
            self._name(article, raw.get(id(article), []))
        self.cache.save_registry(self.canon.registry)

    def _fetch(self, todo: list[Article]) -> Callable[[], dict[int, list[tuple]]]:
        """Raw (label, text, start) mentions by article, from the cache or
        NER, as a call that waits for them."""
        digests = {id(a): self._digest(ner_text(a)) for a in todo}
        cached = self.cache.get(list(digests.values()))
        missing = [(d, a) for a in todo if (d := digests[id(a)]) not in cached]
        found = self._recognise([ner_text(a) for _, a in missing])

        def collect() -> dict[int, list[tuple]]:
            if missing:
                fresh = {d: [(m.label, m.text, m.start) for m in ms]
                         for (d, _), ms in zip(missing, found(), strict=True)}
                self.recognised += len(missing)
                self.cache.put(fresh)
                cached.update(fresh)
            return {id(a): cached[digests[id(a)]] for a in todo}

        return collect

    def _name(self, article: Article, raw: list[tuple]) -> None:
        """Fill the article's persons, places and orgs from its mentions."""
        mentions: list[tuple]
        if article.entities_given:
            mentions = [(label, name, "") for label, names in
                        (("PER", article.persons), ("LOC", article.places),
                         ("ORG", article.orgs)) for name in names]
        else:
            text = ner_text(article)
            lead = _title_lead(article)
            # A title taken from the first sentence still has the dateline.
            raw = [m for m in raw if len(m) < 3 or m[2] >= lead]
            if "bylines" in self.on:
                raw = self._bylines(article, text, raw)
            mentions = in_context(text, raw + scans(text, self.on), self.on) + [
                (label, name, "") for label, name in media_mentions(text) if "media" in self.on]
        if article.dateline and "datelines" in self.on:
            place = self.canon.value("LOC", article.dateline)
            if place and place[0] == "LOC":
                article.dateline = place[1]
                mentions.insert(0, ("LOC", place[1], ""))
        article.forms = []
        values = self.canon.article(mentions, article.forms)
        article.persons, article.places, article.orgs = (
            values["persons"], values["places"], values["orgs"])
        if article.author:
            article.author = ", ".join(dict.fromkeys(
                self.canon.author(a) for a in article.author.split(", ") if a))

    def _bylines(self, article: Article, text: str, raw: list[tuple]) -> list[tuple]:
        """Names the archive knows as bylines, where a byline goes (the first
        or last words) but the newsroom rules missed it: an author, not a
        person ("Rino Filippin" after the last sentence)."""
        body = len(article.title) + 2 if article.title else 0
        kept = []
        for m in raw:
            at_edge = len(m) > 2 and (m[2] < 25 or body <= m[2] < body + 25
                                      or m[2] + len(m[1]) >= len(text) - 3)
            if m[0] == "PER" and at_edge and clean(m[1]) in self.canon.evidence.authors:
                article.author = article.author or clean(m[1])
                continue
            kept.append(m)
        return kept

    def _digest(self, text: str) -> str:
        """The cache key: the text and the model that read it, so a new
        model never reuses another's mentions."""
        return hashlib.sha1(f"{self.model}\n{CACHE_FORMAT}\n{text}".encode()).hexdigest()

    def _recognise(self, texts: list[str]) -> Callable[[], list[list[Mention]]]:
        """Mentions per text, as a call that waits for them."""
        if not texts:
            return list
        if self._pool is None and (self.jobs <= 1 or len(texts) < 2 * self.jobs):
            result = recognise(texts)
            return lambda: result
        if self._pool is None:
            from search.indexing.processes import shared_pool

            self._pool = self._own = shared_pool(self.jobs, nlp)
        share = -(-len(texts) // self.jobs)
        parts = self._pool.map_async(
            recognise, [texts[i:i + share] for i in range(0, len(texts), share)])
        return lambda: [mentions for part in parts.get() for mentions in part]

    def release_pool(self) -> None:
        """Stop using the pool given (the run is closing it); what is left
        to recognise, if anything, runs here or in a pool of its own."""
        if self._own is None:
            self._pool = None

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own.join()
        self.cache.close()

