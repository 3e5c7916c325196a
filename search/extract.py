"""Entities and dates of articles without indexing them (``cerca extract``).

The values are the ones ``cerca index`` stores for the same files: they go
through the indexer's own entity step (``EntityEnricher``, with its cache in
memory), so the same model, news-agency list, archive-wide naming,
corrections and canonical names apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from search.entities.canonical import Canonicalizer, Corrections, clean, resolve_aliases
from search.entities.ner import EntityEnricher, Mention, media_spans, recognise
from search.ingest.dates import find_dates
from search.ingest.sources import read_path
from search.models import Article, Ignored, Skipped, iso

LINE_BATCH = 64


def extract_files(
    paths: Iterable[Path], corrections: Corrections | None = None
) -> Iterator[dict[str, Any] | Skipped | Ignored]:
    """One record per article (or what was skipped or left out): canonical
    entities, the article's date and the dates it mentions."""
    articles: list[Article] = []
    for path in paths:
        for item in read_path(path.resolve(), path.resolve().parent):
            if isinstance(item, Skipped | Ignored):
                yield item
            else:
                articles.append(item)
    enricher = EntityEnricher(None, corrections)
    try:
        enricher.prepare(articles)
        enricher.start(articles)()
    finally:
        enricher.close()
    for article in articles:
        yield {
            "id": article.id,
            "title": article.title,
            "date": iso(article.date),
            "date_inferred": article.date_inferred,
            "persons": article.persons,
            "places": article.places,
            "orgs": article.orgs,
            "dates": [{"text": d.text, "value": d.value, "granularity": d.granularity}
                      for d in article.dates],
        }


class InvalidLine(ValueError):
    """A JSON line that is not an object with a "text" string."""


def extract_records(
    records: Iterable[dict[str, Any] | InvalidLine], corrections: Corrections | None = None
) -> Iterator[dict[str, Any]]:
    """``{id, text}`` records in, ``{id, entities, dates}`` with offsets out,
    in input order; an ``InvalidLine`` in the input yields its error."""
    canon = Canonicalizer(corrections or Corrections(), {})
    batch: list[dict[str, Any]] = []
    for record in records:
        if isinstance(record, InvalidLine):
            yield from _extract_batch(batch, canon)
            batch.clear()
            yield {"line": record.args[0], "error": {
                "code": "invalid_line", "message": "riga non valida: serve {\"id\", \"text\"}",
                "message_en": "invalid line: {\"id\", \"text\"} expected"}}
            continue
        batch.append(record)
        if len(batch) >= LINE_BATCH:
            yield from _extract_batch(batch, canon)
            batch.clear()
    yield from _extract_batch(batch, canon)


def _extract_batch(batch: list[dict[str, Any]], canon: Canonicalizer) -> Iterator[dict]:
    texts = [r["text"] for r in batch]
    for record, text, found in zip(batch, texts, recognise(texts), strict=True):
        mentions = _with_media(text, found)
        aliases = resolve_aliases([(m.label, clean(m.text)) for m in mentions])
        entities = []
        for m in mentions:
            value = canon.value(m.label, aliases.get(clean(m.text), m.text))
            if value:
                entities.append({"start": m.start, "end": m.end, "text": m.text,
                                 "label": value[0], "canonical": value[1]})
        dates = [{"start": d.start, "end": d.end, "text": d.text, "value": d.value,
                  "granularity": d.granularity} for d in find_dates(text)]
        yield {"id": record.get("id"), "entities": entities, "dates": dates}


def _with_media(text: str, mentions: list[Mention]) -> list[Mention]:
    """The model's mentions plus the news agencies it missed, with offsets,
    in text order."""
    taken = [(m.start, m.end) for m in mentions]
    extra = [m for m in media_spans(text)
             if not any(s < m.end and m.start < e for s, e in taken)]
    return sorted(mentions + extra, key=lambda m: m.start)
