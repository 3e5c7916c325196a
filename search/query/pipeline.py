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

from search.analysis import fold
from search.index import Index
from search.models import DATE_SOURCES, FacetValue, Hit, SearchRequest, SearchResult, iso
from search.query import facets as facet_counts
from search.query import ranking
from search.query.matchset import live_mask, match_mask
from search.query.parse import TextQueryBuilder
from search.query.ranking import Ranker
from search.query.snippets import highlight_terms, snippet
from search.query.spelling import suggest_query
from search.schema import FACET_FIELDS

# BM25F; a low K1 (term frequency saturates early) measured best on
# SQuAD-it (bench/relevance.py). Titles are short: less length normalisation.
WEIGHTING = BM25F(B=0.75, K1=0.6, title_B=0.5, title_exact_B=0.5)


NEWEST_FIRST = FieldFacet("day", reverse=True)


@functools.cache
def builder() -> TextQueryBuilder:
    """The shared query builder (it holds a parser; building is thread-safe)."""
    return TextQueryBuilder()


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
    if request.date_sources:
        clauses.append(wq.Or([wq.Term("date_source", s) for s in request.date_sources]))
    if request.mentioned_from or request.mentioned_to:
        clauses.append(wq.TermRange(
            "mentioned", iso(request.mentioned_from) or "0000-00-00",
            iso(request.mentioned_to) or "9999-99-99"))
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


def matched_docs(
    index: Index, searcher: Searcher, q: wq.Query, filt, mask, ranker: Ranker | None = None
) -> np.ndarray:
    """A boolean mask over docnums: every document the search matches.

    With a ``ranker``, the text part comes from its scores when they are
    exact, so the postings it reads serve the ranking too.
    """
    live = cached(index, searcher, "live", live_mask)
    text = ranker.matches(q) if ranker is not None else None
    if text is None:
        text = match_mask(searcher, q, live)
    if filt is not None:
        text = text & match_mask(searcher, filt, live)
    if mask is not None:
        text = text & ~match_mask(searcher, mask, live)
    return text & live


def search(index: Index, request: SearchRequest) -> SearchResult:
    """Run one search; see the module docstring."""
    parsed = builder().build(request.q)
    filt, mask = filter_query(request), mask_query(request)
    browsing = not request.q.strip()
    with index.searcher(weighting=WEIGHTING) as searcher:
        return _run(index, searcher, request, parsed, filt, mask, browsing)


def _run(index, searcher, request, parsed, filt, mask, browsing) -> SearchResult:
    ranker = Ranker(searcher, functools.partial(field_lengths, index, searcher))
    matched = matched_docs(index, searcher, parsed.matching, filt, mask, ranker)
    total = int(matched.sum())
    page = max(1, request.page)
    offset = (page - 1) * request.page_size
    hits: list[Hit] = []
    if total and offset < total:
        wanted = offset + request.page_size
        if request.sort == "date" or browsing:
            order = newest_first(matched, days(index, searcher), id_ranks(index, searcher), wanted)
            docnums = order[offset:]
            found = [(searcher.stored_fields(d), None) for d in docnums]
        else:
            ranking = _ranking_query(index, searcher, ranker, parsed, matched, wanted)
            top = ranker.top(ranking, matched, wanted)
            if top is not None:
                found = [(searcher.stored_fields(d), score) for d, score in top[offset:]]
            else:
                # Every match, not a top-N collector: Whoosh 2.7.5's collectors
                # swap matchers mid-search (Matcher.replace) and can drop the
                # best matches of boosted queries.
                results = searcher.search(ranking, filter=filt, mask=mask, limit=None)
                found = [(h.fields(), h.score) for h in results[offset:wanted]]
        terms = highlight_terms(parsed.query, searcher.reader())
        hits = [_hit(fields, terms, score) for fields, score in found]
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


def _ranking_query(index, searcher, ranker, parsed, matched: np.ndarray, wanted: int):
    """The full ranking query, or its all-words part when that alone fills
    the page (the same order, fewer documents to score; see TextQueryBuilder)."""
    if parsed.all_words is None:
        return parsed.query
    with_all = ranker.matches(parsed.all_words)
    if with_all is None:
        live = cached(index, searcher, "live", live_mask)
        with_all = match_mask(searcher, parsed.all_words, live)
    return parsed.all_words_ranked if int((with_all & matched).sum()) >= wanted else parsed.query


def newest_first(matched: np.ndarray, day: np.ndarray, rank: np.ndarray,
                 limit: int) -> np.ndarray:
    """The first ``limit`` matched docnums by date, newest first, undated
    last, ties by id (``rank``): a partial sort, not a pass over every hit."""
    docs = np.flatnonzero(matched)
    # One unique key per document: date first, then the earlier id.
    key = day[docs].astype(np.int64) * (len(day) + 1) + (len(day) - rank[docs])
    if limit < len(docs):
        top = np.argpartition(-key, limit - 1)[:limit]
        docs, key = docs[top], key[top]
    return docs[np.argsort(-key, kind="stable")]


def id_ranks(index: Index, searcher: Searcher) -> np.ndarray:
    """Each document's place in id order, per generation: date ties then
    page the same way however the index is split into segments."""
    def build(s: Searcher) -> np.ndarray:
        ids = np.array(list(s.reader().column_reader("id")), dtype=object)
        ranks = np.empty(len(ids), dtype=np.int64)
        ranks[np.argsort(ids, kind="stable")] = np.arange(len(ids))
        return ranks

    return cached(index, searcher, "id rank", build)


def field_lengths(index: Index, searcher: Searcher, field: str) -> np.ndarray:
    """Each document's length in ``field`` for scoring, per generation."""
    return cached(index, searcher, f"length:{field}", lambda s: ranking.field_lengths(s, field))


def days(index: Index, searcher: Searcher) -> np.ndarray:
    """Each document's date as YYYYMMDD (0 when undated), per generation."""
    return cached(index, searcher, "day", lambda s: facet_counts.read_numbers(s, "day"))


def _hit(fields: dict, terms: frozenset[str], score: float | None) -> Hit:
    return Hit(
        id=fields["id"],
        title=fields.get("title", ""),
        date=iso(fields.get("date")),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        score=round(float(score or 0.0), 4),
        snippet=snippet(fields.get("body", ""), terms),
        persons=list(fields.get("persons") or []),
        places=list(fields.get("places") or []),
        orgs=list(fields.get("orgs") or []),
        date_inferred=bool(fields.get("date_inferred")),
        date_source=date_source(fields),
    )


def date_source(fields: dict) -> str:
    """Stored since the field exists; read from the date and its flag before."""
    if fields.get("date_source"):
        return fields["date_source"]
    if not fields.get("date"):
        return "none"
    return "inferred" if fields.get("date_inferred") else "given"


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
                "date_source": date_source(fields),
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
    result["date"] = facet_counts.count_periods(
        days(index, searcher), matched, (request.date_from, request.date_to))
    if "date_source" in searcher.schema:
        sources = {v.value: v for v in facet_counts.count_values(
            column(index, searcher, "date_source"), matched, request.date_sources)}
        result["date_source"] = [sources.get(s) or FacetValue(s, 0, s in request.date_sources)
                                 for s in DATE_SOURCES]
    return result
