"""The one search function every shell calls.

``search(index, request)`` parses the text, applies the entity and date
filters, counts facets over the whole filtered set, sorts, pages and makes
snippets for the hits shown. The CLI, the pages and the JSON API differ
only in how they build the request and render the result.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from . import facets as facet_counts
from .analysis import fold
from .index import Index
from .matchset import live_mask, match_mask
from .models import FacetValue, Hit, SearchRequest, SearchResult, iso
from .schema import FACET_FIELDS
from .snippets import Snippets, highlight_terms
from .suggest import suggest_query
from .textquery import TextQueryBuilder

# BM25F; a low K1 (term frequency saturates early) measured best on
# SQuAD-it (bench/relevance.py). Titles are short: less length normalisation.
WEIGHTING = BM25F(B=0.75, K1=0.6, title_B=0.5, title_exact_B=0.5)


NEWEST_FIRST = FieldFacet("day", reverse=True)


@functools.cache
def builder() -> TextQueryBuilder:
    """The shared query builder (it holds a parser; building is thread-safe)."""
    return TextQueryBuilder()


@functools.cache
def snippets() -> Snippets:
    """The shared snippet maker."""
    return Snippets()


def filter_query(request: SearchRequest) -> wq.Query | None:
    """Entities every hit must have, and the date range."""
    clauses: list[wq.Query] = []
    for field, values in (
        ("persons", request.persons),
        ("places", request.places),
        ("orgs", request.orgs),
    ):
        clauses += [wq.Term(field, v) for v in values]
    if request.date_from or request.date_to:
        start = dt.datetime.combine(request.date_from, dt.time()) if request.date_from else None
        end = (
            dt.datetime.combine(request.date_to, dt.time.max) if request.date_to else None
        )
        clauses.append(wq.DateRange("date", start, end))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def mask_query(request: SearchRequest) -> wq.Query | None:
    """Entities no hit may have."""
    clauses = [
        wq.Term(field, v)
        for field, values in (
            ("persons", request.not_persons),
            ("places", request.not_places),
            ("orgs", request.not_orgs),
        )
        for v in values
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


def matched_docs(index: Index, searcher: Searcher, q: wq.Query, filt, mask) -> np.ndarray:
    """A boolean mask over docnums: every document the search matches."""
    full = q if filt is None else wq.And([q, filt])
    if mask is not None:
        full = wq.AndNot(full, mask)
    return match_mask(searcher, full, cached(index, searcher, "live", live_mask))


def search(index: Index, request: SearchRequest) -> SearchResult:
    """Run one search; see the module docstring."""
    parsed = builder().build(request.q)
    filt, mask = filter_query(request), mask_query(request)
    browsing = not request.q.strip()
    with index.searcher(weighting=WEIGHTING) as searcher:
        return _run(index, searcher, request, parsed, filt, mask, browsing)


def _run(index, searcher, request, parsed, filt, mask, browsing) -> SearchResult:
    matched = matched_docs(index, searcher, parsed.matching, filt, mask)
    total = int(matched.sum())
    page = max(1, request.page)
    offset = (page - 1) * request.page_size
    hits: list[Hit] = []
    if total and offset < total:
        sort_by_date = request.sort == "date" or browsing
        results = searcher.search(
            parsed.query,
            filter=filt,
            mask=mask,
            limit=offset + request.page_size,
            sortedby=NEWEST_FIRST if sort_by_date else None,
            terms=True,
        )
        terms = highlight_terms(parsed.query, searcher.reader())
        for hit in results[offset:offset + request.page_size]:
            hits.append(_hit(hit, terms, scored=not sort_by_date))
    facets = _facets(index, searcher, matched, request) if request.facets else {}
    suggestion = None
    if parsed.words and not parsed.fallback:
        suggestion = suggest_query(searcher, request.q, parsed.words)
    return SearchResult(
        query=request.q,
        total=total,
        page=page,
        page_size=request.page_size,
        hits=hits,
        facets=facets,
        suggestion=suggestion,
        request=request,
    )


def _hit(hit, terms: frozenset[str], scored: bool) -> Hit:
    fields = hit.fields()
    return Hit(
        id=fields["id"],
        title=fields.get("title", ""),
        date=iso(fields.get("date")),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        score=round(float(hit.score or 0.0), 4) if scored else 0.0,
        snippet=snippets().make(fields.get("body", ""), terms),
        persons=list(fields.get("persons") or []),
        places=list(fields.get("places") or []),
        orgs=list(fields.get("orgs") or []),
        date_inferred=bool(fields.get("date_inferred")),
    )


def cached(index: Index, searcher: Searcher, name: str, build):
    """``build(searcher)``, computed once per index generation, kept on the index."""
    key = (name, searcher.reader().generation())
    value = index.caches.get(key)
    if value is None:
        for old in [k for k in index.caches if k[0] == name]:
            del index.caches[old]
        value = index.caches[key] = build(searcher)
    return value


def column(index: Index, searcher: Searcher, field: str) -> facet_counts.FacetColumn:
    """The facet column for ``field`` at the searcher's generation."""
    return cached(index, searcher, field, lambda s: facet_counts.read_column(s, field))


def export_rows(index: Index, request: SearchRequest) -> Iterator[dict]:
    """Every hit of a search, in order, without paging or snippets: for export."""
    parsed = builder().build(request.q)
    filt, mask = filter_query(request), mask_query(request)
    by_date = request.sort == "date" or not request.q.strip()
    with index.searcher(weighting=WEIGHTING) as searcher:
        results = searcher.search(
            parsed.query, filter=filt, mask=mask, limit=None,
            sortedby=NEWEST_FIRST if by_date else None,
        )
        for hit in results:
            fields = hit.fields()
            yield {
                "id": fields["id"],
                "title": fields.get("title", ""),
                "date": iso(fields.get("date")),
                "source": fields.get("source", ""),
                "url": fields.get("url", ""),
                "score": round(float(hit.score or 0.0), 4) if not by_date else 0.0,
                "persons": list(fields.get("persons") or []),
                "places": list(fields.get("places") or []),
                "orgs": list(fields.get("orgs") or []),
            }


def title_matches(searcher: Searcher, text: str, limit: int) -> list[str]:
    """Titles with a word starting like the last word of ``text``."""
    words = re.findall(r"\w+", fold(text.casefold()))
    if not words or limit <= 0:
        return []
    clauses = [wq.Term("title_exact", w) for w in words[:-1]] + [
        wq.Prefix("title_exact", words[-1])
    ]
    hits = searcher.search(wq.And(clauses), limit=limit)
    return [h["title"] for h in hits]


def facet_values(
    index: Index, request: SearchRequest, name: str, contains: str = "", limit: int = 50
) -> list[FacetValue]:
    """One facet's values for a search, those containing ``contains``
    (case- and accent-insensitive, so "lavrov" finds "Sergey Lavrov")."""
    if name not in FACET_FIELDS:
        raise KeyError(name)
    parsed = builder().build(request.q)
    with index.searcher(weighting=WEIGHTING) as searcher:
        matched = matched_docs(index, searcher, parsed.matching, filter_query(request),
                               mask_query(request))
        values = facet_counts.count_values(
            column(index, searcher, FACET_FIELDS[name]), matched, limit=None
        )
    needle = fold(contains.strip().casefold())
    if needle:
        values = [v for v in values if needle in fold(v.value.casefold())]
    return values[:limit]


def _facets(index, searcher, matched, request) -> dict[str, list[FacetValue]]:
    chosen = {
        "person": (request.persons, request.not_persons),
        "place": (request.places, request.not_places),
        "org": (request.orgs, request.not_orgs),
    }
    result = {}
    for name, field in FACET_FIELDS.items():
        selected, excluded = chosen[name]
        result[name] = facet_counts.count_values(
            column(index, searcher, field), matched, selected, excluded, request.facet_limit
        )
    result["date"] = facet_counts.count_months(column(index, searcher, "month"), matched)
    return result
