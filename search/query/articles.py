"""One stored article, its query-marked text, and its related articles."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import query as wq

from search.analysis import stemming_analyzer
from search.index import Index
from search.links import web_url
from search.models import iso
from search.query.expansion import Expander
from search.query.parse import parse_query
from search.query.pipeline import date_source
from search.query.snippets import highlight_terms, mark_all

RELATED = 5
KEY_TERMS = 20


@dataclass
class StoredArticle:
    id: str
    title: str
    text: str
    date: str | None
    date_inferred: bool
    date_source: str
    source: str
    url: str
    author: str
    persons: list[str]
    places: list[str]
    orgs: list[str]
    dates: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Related:
    id: str
    title: str
    date: str | None


def _stored(fields: dict[str, Any]) -> StoredArticle:
    date = fields.get("date")
    return StoredArticle(
        id=fields["id"],
        title=fields.get("title", ""),
        text=fields.get("body", ""),
        date=iso(date) if isinstance(date, (dt.date, dt.datetime)) else None,
        date_inferred=bool(fields.get("date_inferred")),
        date_source=date_source(fields),
        source=fields.get("source") or "",
        url=web_url(fields.get("url")),
        author=fields.get("author") or "",
        persons=list(fields.get("persons") or []),
        places=list(fields.get("places") or []),
        orgs=list(fields.get("orgs") or []),
        dates=list(fields.get("dates") or []),
    )


def get_article(index: Index, article_id: str) -> StoredArticle | None:
    with index.searcher() as searcher:
        fields = searcher.document(id=article_id)
    return _stored(fields) if fields else None


def marked_text(index: Index, text: str, q: str) -> str:
    """The text, escaped, with the words of query ``q`` marked."""
    if not q.strip():
        return html.escape(text)
    with index.searcher() as searcher:
        reader = searcher.reader()
        query = Expander(reader).expand(parse_query(q, reader).query)
        terms = highlight_terms(query, reader)
    return mark_all(text, terms)


def related(index: Index, article_id: str, limit: int = RELATED) -> list[Related]:
    """Articles sharing the article's most distinctive words.

    Like Whoosh's ``more_like()``, but terms found in this article only are
    skipped: Whoosh ranks those first, and they can match nothing else.
    """
    with index.searcher() as searcher:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        reader = searcher.reader()
        n_docs = max(reader.doc_count(), 1)
        words = Counter(t.text for t in stemming_analyzer()(searcher.stored_fields(docnum)["body"]))
        weights = {}
        for term, count in words.items():
            df = reader.doc_frequency("body", term)
            if df > 1 and len(term) > 2:
                weights[term] = count * math.log(n_docs / df)
        chosen = sorted(weights, key=lambda t: weights[t], reverse=True)[:KEY_TERMS]
        if not chosen:
            return []
        q = wq.Or([wq.Term("body", t, boost=weights[t]) for t in chosen])
        hits = searcher.search(q, limit=limit, mask=wq.Term("id", article_id))
        return [Related(h["id"], h.get("title", ""), iso(h.get("date"))) for h in hits]
