"""An article as the index stores it: its Whoosh field values and the hash
that decides whether a later run must write it again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from search.analysis import VERSION as ANALYSIS_VERSION
from search.entities.forms import form_terms
from search.ingest.dates import DATES_VERSION, days_mentioned
from search.models import Article
from search.schema import ENTITY_TEXT_FIELDS, KEYWORD_SEPARATOR


def content_hash(article: Article, salt: str = "") -> str:
    """What decides "unchanged": everything we index from the input, the
    versions of the analysis and of the date grammar (what a text yields),
    and the version of the entity step (model, rules, corrections) as
    ``salt``."""
    payload = {
        "salt": salt,
        "analysis": ANALYSIS_VERSION,
        "dates": DATES_VERSION,
        "text": _TEXT_MARK,  # hashed apart, below
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "source": article.source,
        "url": article.url,
        "author": article.author,
        "persons": article.persons if article.entities_given else None,
        "places": article.places if article.entities_given else None,
        "orgs": article.orgs if article.entities_given else None,
    }
    # The JSON of ``payload``, hashed with the text escaped a slice at a time
    # (escaping is per character): a long text is never copied whole.
    before, after = json.dumps(payload, ensure_ascii=False, sort_keys=True).split(
        json.dumps(_TEXT_MARK), 1)
    digest = hashlib.sha1(before.encode("utf-8") + b'"')
    for start in range(0, len(article.text), _HASH_SLICE):
        piece = json.dumps(article.text[start:start + _HASH_SLICE], ensure_ascii=False)
        digest.update(piece[1:-1].encode("utf-8"))
    digest.update(b'"' + after.encode("utf-8"))
    return digest.hexdigest()


_TEXT_MARK = "\x00text\x00"  # no article holds a NUL: decode refuses them
_HASH_SLICE = 1 << 20


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
    doc.update(form_terms(article.forms))
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
