"""Entities and dates of articles without indexing them (``cerca extract``).

The values are the ones ``cerca index`` stores for the same files: they go
through the indexer's own entity step (``EntityEnricher``, with its cache in
memory), so the same model, news-agency list, archive-wide naming,
corrections and canonical names apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from search.entities.canonical import Canonicalizer
from search.entities.context import in_context
from search.entities.corrections import Corrections
from search.entities.mentions import Mention, media_spans, scans
from search.entities.ner import EntityEnricher, recognise
from search.entities.surface import clean, resolve_aliases
from search.ingest import newsroom, read_path
from search.ingest.dates import find_dates, infer_date
from search.ingest.readers import InputError, metadata_date
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
        enricher.name(articles)
    finally:
        enricher.close()
    for article in articles:
        yield {
            "id": article.id,
            "title": article.title,
            "date": iso(article.date),
            "date_inferred": article.date_inferred,
            "date_source": article.date_source,
            "persons": article.persons,
            "places": article.places,
            "orgs": article.orgs,
            "dates": [{"text": d.text, "value": d.value, "granularity": d.granularity}
                      for d in article.dates],
        }


def extract_records(
    lines: Iterable[tuple[int, dict[str, Any] | None]], corrections: Corrections | None = None,
    disabled: frozenset[str] = frozenset(),
) -> Iterator[dict[str, Any]]:
    """Numbered ``{id, text, date?}`` records in (None for a line that is
    not one), ``{id, date, date_source, entities, dates}`` with offsets out,
    in input order, or an error object for a bad line. Relative dates
    ("ieri") resolve against the record's date, else one the text gives
    (dateline, lead), else stay unresolved. ``disabled`` switches rule
    families off (``rules.RULES``), for the ablation bench."""
    canon = Canonicalizer(corrections or Corrections(), {}, disabled=disabled)
    batch: list[dict[str, Any]] = []
    for number, record in lines:
        error = None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            error = ("invalid_line", "riga non valida: serve {\"id\", \"text\"}",
                     "invalid line: {\"id\", \"text\"} expected")
        else:
            try:
                batch.append({**record, "date": metadata_date(record.get("date"))})
            except InputError as exc:
                error = ("invalid_date", f"riga non valida: {exc}",
                         "invalid line: the date is not YYYY-MM-DD")
        if error is not None or len(batch) >= LINE_BATCH:
            yield from _extract_batch(batch, canon)  # keep output lines in input order
            batch.clear()
        if error is not None:
            code, message, message_en = error
            yield {"line": number, "error": {"code": code, "message": message,
                                             "message_en": message_en}}
    yield from _extract_batch(batch, canon)


def _extract_batch(batch: list[dict[str, Any]], canon: Canonicalizer) -> Iterator[dict]:
    texts = [r["text"] for r in batch]
    for record, text, found in zip(batch, texts, recognise(texts), strict=True):
        entities = span_entities(text, found, canon)
        published, source = record["date"], "given"
        if published is None:
            published = infer_date(text)
            source = "inferred" if published else "none"
        dates = [{"start": d.start, "end": d.end, "text": d.text, "value": d.value,
                  "granularity": d.granularity} for d in find_dates(text, published)]
        yield {"id": record.get("id"), "date": iso(published), "date_source": source,
               "entities": entities, "dates": dates}


def span_entities(text: str, found: list[Mention], canon: Canonicalizer) -> list[dict[str, Any]]:
    """The entities ``cerca extract`` gives for the model's mentions of a
    text: with offsets, typed and named by the rules ``cerca index``
    applies (the rule families ``canon.on``)."""
    on = canon.on
    news = newsroom.read(text)
    dateline = _dateline(text, news, canon) if "datelines" in on else None
    # The index's NER reads only the body between dateline and bylines.
    first, last = ((news.start, news.end) if "bylines" in on
                   else (dateline[1] if dateline else 0, len(text)))
    kept = [m for m in found if first <= m.start and m.end <= last]
    extra = [Mention(start, start + len(name), name, label)
             for label, name, start in scans(text, on)]
    if "media" in on:
        extra += media_spans(text)
    raw = [(m.label, m.text, m.start) for m in _without_overlaps(kept, extra)]
    mentions = in_context(text, raw, on)
    aliases = (resolve_aliases([(label, clean(name)) for label, name, *_ in mentions])
               if "aliases" in on else {})
    entities = [dateline[0]] if dateline else []
    for label, name, context, start, end in mentions:
        alias = aliases.get(clean(name))
        value = canon.value(label, alias or name, "" if alias else context)
        if value:
            start, end = _named_part(text, start, end, canon.named_part(label, name))
            entities.append({"start": start, "end": end, "text": text[start:end],
                             "label": value[0], "canonical": value[1]})
    return entities


def _named_part(text: str, start: int, end: int, cleaned: str) -> tuple[int, int]:
    """The part of a mention its value was named from ("la Procura" ->
    "Procura", "Rossi della" -> "Rossi"); a full stop cut off ("A. P.")
    stays in the span."""
    at = text.find(cleaned, start, end)
    if at < 0:
        return start, end
    cut = at + len(cleaned)
    return at, (end if not any(c.isalnum() for c in text[cut:end]) else cut)


def _dateline(text: str, news: newsroom.News, canon: Canonicalizer) -> tuple[dict, int] | None:
    """The dateline as a place entity, and where it ends, if it names one."""
    # newsroom gives the place re-cased ("SAN FELICE" -> "San Felice").
    found = re.search(re.escape(news.dateline), text[:news.start], re.IGNORECASE) \
        if news.dateline else None
    place = canon.value("LOC", news.dateline) if found else None
    if found is None or place is None or place[0] != "LOC":
        return None
    return ({"start": found.start(), "end": found.end(), "text": found.group(),
             "label": "LOC", "canonical": place[1]}, found.end())


def _without_overlaps(mentions: list[Mention], extra: list[Mention]) -> list[Mention]:
    """The model's mentions plus those the rules found where it found
    none, in text order."""
    taken = [(m.start, m.end) for m in mentions]
    added = [m for m in extra if not any(s < m.end and m.start < e for s, e in taken)]
    return sorted(mentions + added, key=lambda m: m.start)
