"""Named entities: the trained Italian spaCy model, cached by content.

The model (``search/entities/ner_model``, trained on KIND Wikinews; CC BY-NC 4.0)
is loaded once per process. Raw mentions are cached by a hash of the text
in ``entities.sqlite`` beside the index, so an unchanged article never goes
through NER twice, and corrections re-derive facets from the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import multiprocessing.pool
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from search.entities.canonical import (
    Canonicalizer,
    Corrections,
    media_spellings,
)
from search.models import Article

MODEL_DIR = Path(__file__).resolve().parent / "ner_model"
CACHE_NAME = "entities.sqlite"
BATCH_SIZE = 64
# Bump when canonicalisation rules change, so the next index run re-derives.
CANON_VERSION = "1"


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str


@functools.cache
def nlp():
    """The NER pipeline, loaded from the installed package, only what NER needs."""
    import spacy

    from search.entities import gazetteer  # noqa: F401 - registers the model's gazetteer pipe

    return spacy.load(MODEL_DIR)


def model_version() -> str:
    meta = json.loads((MODEL_DIR / "meta.json").read_text("utf-8"))
    return f"{meta['name']}-{meta['version']}"


def recognise(texts: list[str]) -> list[list[Mention]]:
    """Mentions in each text; offsets are Python string indices."""
    return [
        [Mention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        for doc in nlp().pipe(texts, batch_size=BATCH_SIZE)
    ]


def media_spans(text: str) -> list[Mention]:
    """Every mention of a news agency or broadcaster: a gazetteer, since
    the model misses many."""
    return [Mention(m.start(), m.end(), m.group(), "ORG")
            for name in media_names()
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)]


def with_media(mentions: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """(label, text) mentions of an article for its facet values: the
    model's, plus each news agency the text names (once per name)."""
    named = dict.fromkeys(m.text for m in media_spans(text))
    return mentions + [("ORG", name) for name in named]


@functools.cache
def media_names() -> tuple[str, ...]:
    """Every spelling in the media list, matched case-sensitively ("Kcna", "KCNA")."""
    return tuple(sorted(set(media_spellings()), key=len, reverse=True))


def ner_text(article: Article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text


class EntityCache:
    """sqlite: text hash -> raw mentions, and the canonical-name registry."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS mentions (hash TEXT PRIMARY KEY, data TEXT)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS names (label TEXT, key TEXT, shown TEXT, "
            "PRIMARY KEY (label, key))"
        )

    def get(self, digests: list[str]) -> dict[str, list[tuple[str, str]]]:
        found = {}
        for i in range(0, len(digests), 500):
            chunk = digests[i:i + 500]
            rows = self.db.execute(
                f"SELECT hash, data FROM mentions WHERE hash IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update({h: [tuple(m) for m in json.loads(d)] for h, d in rows})
        return found

    def put(self, items: dict[str, list[tuple[str, str]]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO mentions VALUES (?, ?)",
            [(h, json.dumps(m, ensure_ascii=False)) for h, m in items.items()],
        )

    def registry(self) -> dict[tuple[str, str], str]:
        return {(label, key): shown for label, key, shown in
                self.db.execute("SELECT label, key, shown FROM names")}

    def save_registry(self, registry: dict[tuple[str, str], str]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO names VALUES (?, ?, ?)",
            [(label, key, shown) for (label, key), shown in registry.items()],
        )
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


class EntityEnricher:
    """The indexer's entity step: fills persons/places/orgs on Articles.

    With ``jobs`` > 1, NER (nearly all of the step's time) runs in that many
    processes, each on its share of a batch; the cache and the canonical
    names stay in this process, so results do not depend on ``jobs``. A
    ``pool`` given is used (the indexer extracts web pages in the same one)
    and left open; otherwise one is started when first needed.
    """

    def __init__(
        self, index_dir: str | os.PathLike, corrections: Corrections | None = None, jobs: int = 1,
        pool: multiprocessing.pool.Pool | None = None,
    ) -> None:
        self.jobs = jobs
        self._pool = pool
        self._owns_pool = pool is None
        self.cache = EntityCache(Path(index_dir) / CACHE_NAME)
        self.corrections = corrections or Corrections()
        self.canon = Canonicalizer(self.corrections, self.cache.registry())
        self.model = model_version()
        self.version = f"{self.model}/{CANON_VERSION}/{self.corrections.digest}"
        self.recognised = 0  # texts sent through NER (cache misses), for reports

    def start(self, articles: list[Article]) -> Callable[[], None]:
        """Send the articles the cache does not know to NER and return the
        step that fills them in; with ``jobs`` > 1 NER runs meanwhile, so
        the indexer can write the previous batch while this one is read."""
        todo = [a for a in articles if not a.entities_given]
        digests = {id(a): self._digest(ner_text(a)) for a in todo}
        cached = self.cache.get(list(digests.values()))
        missing = [(d, a) for a in todo if (d := digests[id(a)]) not in cached]
        found = self._recognise([ner_text(a) for _, a in missing])

        def finish() -> None:
            if missing:
                fresh = {d: [(m.label, m.text) for m in ms]
                         for (d, _), ms in zip(missing, found(), strict=True)}
                self.recognised += len(missing)
                self.cache.put(fresh)
                cached.update(fresh)
            for article in articles:
                if article.entities_given:
                    mentions = [(label, name) for label, names in
                                (("PER", article.persons), ("LOC", article.places),
                                 ("ORG", article.orgs)) for name in names]
                else:
                    mentions = with_media(cached[digests[id(article)]], ner_text(article))
                values = self.canon.article(mentions)
                article.persons, article.places, article.orgs = (
                    values["persons"], values["places"], values["orgs"])
            self.cache.save_registry(self.canon.registry)

        return finish

    def _digest(self, text: str) -> str:
        """The cache key: the text and the model that read it, so a new
        model never reuses another's mentions."""
        return hashlib.sha1(f"{self.model}\n{text}".encode()).hexdigest()

    def _recognise(self, texts: list[str]) -> Callable[[], list[list[Mention]]]:
        """Mentions per text, as a call that waits for them."""
        if not texts:
            return list
        if self.jobs <= 1 or len(texts) < 2 * self.jobs:
            result = recognise(texts)
            return lambda: result
        if self._pool is None:
            self._pool = multiprocessing.Pool(self.jobs)
        share = -(-len(texts) // self.jobs)
        parts = self._pool.map_async(
            recognise, [texts[i:i + share] for i in range(0, len(texts), share)])
        return lambda: [mentions for part in parts.get() for mentions in part]

    def close(self) -> None:
        if self._pool is not None and self._owns_pool:
            self._pool.close()
            self._pool.join()
        self.cache.close()
