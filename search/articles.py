"""One stored article, its query-marked text, and its related articles."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import asdict, dataclass, field
from typing import Any

from .index import Index
from .models import iso
from .query import builder, snippets
from .snippets import highlight_terms

RELATED = 5


@dataclass
class StoredArticle:
    id: str
    title: str
    text: str
    date: str | None
    date_inferred: bool
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
        source=fields.get("source") or "",
        url=fields.get("url") or "",
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
    parsed = builder().build(q)
    with index.searcher() as searcher:
        terms = highlight_terms(parsed.query, searcher.reader())
    return snippets().mark_all(text, terms)


def related(index: Index, article_id: str, limit: int = RELATED) -> list[Related]:
    """Articles with the most similar key terms (Whoosh's more_like_this)."""
    with index.searcher() as searcher:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        text = searcher.stored_fields(docnum).get("body", "")
        hits = searcher.more_like(docnum, "body", text=text, top=limit)
        return [Related(h["id"], h.get("title", ""), iso(h.get("date"))) for h in hits]
