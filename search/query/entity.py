"""An entity's page: its articles, timeline and company, from one match set.

The page of "Gian Carlo Muzzarelli" is the search filtered on him, with any
query and filters the user had. So ``count`` is that search's total, the
timeline buckets the same articles' dates (as the search page's histogram
does), and a companion's count is the total of the search filtered on both.

Nothing here reads documents one by one: a count per value is one gather
over the postings of a facet field, kept per index generation in the
columns (``columns.py``, built on the first facet count). That is what
co-occurrence is precomputed as; the index itself is unchanged.

**Ranking the company.** A raw count puts "Modena" and "Carabinieri" on top
of every list, since they are in most articles. Companions are ranked by
Dunning's log-likelihood ratio G² of the 2x2 table (with/without the
entity, with/without the value) within the request's own match set: it
says how surprising the overlap is given both frequencies, stays sensible
for small counts (unlike PMI or lift, which crown values seen twice), and
only values seen more often than chance, at least ``MIN_SUPPORT`` times,
are listed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from search.analysis import fold
from search.entities.forms import term_prefix
from search.index import Index
from search.models import (
    ENTITY_TYPES,
    Companion,
    EntityList,
    EntityResult,
    FacetValue,
    Period,
    SearchRequest,
    Spelling,
    Vote,
)
from search.query import budget, columns
from search.query import facets as facet_counts
from search.query.facets import NO_DATE
from search.query.matchset import leaf_postings
from search.query.pipeline import WEIGHTING, find, plan
from search.schema import FACET_FIELDS

COMPANY_SIZE = 20
# The model's labels as the API names types.
LABEL_TYPES = {"PER": "person", "LOC": "place", "ORG": "org"}
# A companion is listed only with at least this many shared articles.
MIN_SUPPORT = 3


def entity(index: Index, type: str, name: str, request: SearchRequest | None = None,
           seconds: float | None = budget.DEFAULT_SECONDS) -> EntityResult | None:
    """The page of entity ``name`` of ``type`` (person, place, org) for
    ``request`` (its page and page size page the articles); None when the
    index has no such entity at all."""
    if type not in ENTITY_TYPES:
        raise KeyError(type)
    field = ENTITY_TYPES[type]
    request = request or SearchRequest()
    with index.searcher(weighting=WEIGHTING) as searcher, _warm(index, searcher, seconds):
        if not _known(index, searcher, type, name):
            return None
        chosen: dict[str, Any] = {field: tuple(dict.fromkeys((*getattr(request, field), name)))}
        narrowed = replace(request, sort="date", facets=False, **chosen)
        found = find(index, searcher, plan(narrowed, searcher.reader()))
        base = find(index, searcher, plan(replace(request, page=1), searcher.reader()))
        days = columns.of(index).days(searcher)
        periods = facet_counts.count_periods(days, found.matched,
                                             (request.date_from, request.date_to))
        dated = days[found.matched & (days > 0)]
        return EntityResult(
            type=type, name=name, count=found.total,
            timeline=[Period(p.value, p.count) for p in periods if p.value != NO_DATE],
            undated=sum(p.count for p in periods if p.value == NO_DATE),
            company={other: _company(index, searcher, other, found.matched, base.matched,
                                     name if other == type else None)
                     for other in ENTITY_TYPES},
            first=_day(dated.min()) if len(dated) else None,
            last=_day(dated.max()) if len(dated) else None,
            hits=found.page(request.page, request.page_size),
            page=max(1, request.page), page_size=request.page_size,
            forms=[Spelling(form, n) for form, n in _terms(searcher, "spellings", field, name,
                                                            found.matched)],
            votes=[Vote(LABEL_TYPES.get(label, label), n)
                   for label, n in _terms(searcher, "votes", field, name, found.matched)],
            request=request,
        )


@contextmanager
def _warm(index: Index, searcher: Searcher, seconds: float | None) -> Iterator[None]:
    """The request's time budget, started once the arrays a page reads are
    built: those are built once per index generation (seconds on a busy
    machine), not per request, so the first page after a change is not
    refused for them."""
    arrays = columns.of(index)
    arrays.live(searcher), arrays.days(searcher)
    for type in ENTITY_TYPES:
        arrays.column(searcher, FACET_FIELDS[type])
    with budget.budget(seconds):
        yield


def _known(index: Index, searcher: Searcher, type: str, name: str) -> bool:
    """Whether a live article names the entity (the column's values are in
    lexicon order, which is code-point order)."""
    column = columns.of(index).column(searcher, FACET_FIELDS[type])
    at = bisect.bisect_left(column.values, name)
    if at == len(column.values) or column.values[at] != name:
        return False
    end = column.starts[at + 1] if at + 1 < len(column.starts) else len(column.docs)
    return bool(columns.of(index).live(searcher)[column.docs[column.starts[at]:end]].any())


def _terms(searcher: Searcher, field: str, entity_field: str, name: str,
           matched: np.ndarray) -> list[tuple[str, int]]:
    """The entity's terms in ``field`` (entities/forms.py), each with the
    number of matched articles that have it, most first."""
    if field not in searcher.schema:
        return []
    prefix = term_prefix(entity_field, name)
    found = []
    for term in searcher.reader().expand_prefix(field, prefix):
        count = int(matched[leaf_postings(searcher, field, term, weights=False)[0]].sum())
        if count:
            found.append((term.decode("utf-8")[len(prefix):], count))
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _day(yyyymmdd: int) -> str:
    value = int(yyyymmdd)
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


def _company(index: Index, searcher: Searcher, type: str, matched: np.ndarray,
             base: np.ndarray, itself: str | None) -> list[Companion]:
    """The values of ``type`` most associated with the ``matched`` articles
    within ``base`` (the request's match set), by G² (module docstring)."""
    column = columns.of(index).column(searcher, FACET_FIELDS[type])
    if not column.values:
        return []
    both = column.counts(matched)
    candidates = np.flatnonzero(both >= MIN_SUPPORT)
    if itself is not None:
        at = bisect.bisect_left(column.values, itself)
        if at < len(column.values) and column.values[at] == itself:
            candidates = candidates[candidates != at]
    shared = both[candidates].astype(np.float64)
    anywhere = column.counts(base)[candidates].astype(np.float64)
    scores = log_likelihood(shared, anywhere, float(matched.sum()), float(base.sum()))
    keep = scores > 0
    candidates, shared, scores = candidates[keep], shared[keep], scores[keep]
    # Best score first, then more shared articles; ties stay in name order.
    order = np.lexsort((-shared, -scores))[:COMPANY_SIZE]
    return [Companion(column.values[i], int(shared[j]), round(float(scores[j]), 2))
            for j, i in ((j, int(candidates[j])) for j in order)]


def log_likelihood(both: np.ndarray, anywhere: np.ndarray, entity: float,
                   total: float) -> np.ndarray:
    """Dunning's G² for each value: ``both`` articles with the entity and the
    value, ``anywhere`` with the value, ``entity`` with the entity, of
    ``total``. Positive when the two meet more often than chance, negative
    (the same magnitude) when less, so one sort ranks the associated."""
    if total <= 0 or entity <= 0:
        return np.zeros_like(both)
    observed = np.stack([both, entity - both, anywhere - both,
                         total - entity - anywhere + both])
    rows = np.stack([np.full_like(both, entity), np.full_like(both, entity),
                     np.full_like(both, total - entity), np.full_like(both, total - entity)])
    columns = np.stack([anywhere, total - anywhere, anywhere, total - anywhere])
    expected = rows * columns / total
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    g2 = 2 * terms.sum(axis=0)
    return np.where(both * total > entity * anywhere, g2, -g2)


def entities(index: Index, type: str, request: SearchRequest | None = None,
             prefix: str = "", seconds: float | None = budget.DEFAULT_SECONDS) -> EntityList:
    """The values of ``type`` in ``request``'s articles, most frequent first,
    those with a word starting with ``prefix`` (case and accents ignored),
    paged by the request's page and page size: the archive's index."""
    if type not in ENTITY_TYPES:
        raise KeyError(type)
    request = request or SearchRequest()
    with index.searcher(weighting=WEIGHTING) as searcher, _warm(index, searcher, seconds):
        found = find(index, searcher, plan(replace(request, page=1), searcher.reader()))
        column = columns.of(index).column(searcher, FACET_FIELDS[type])
        values = facet_counts.count_values(column, found.matched)
    needle = fold(prefix.strip().casefold())
    if needle:
        values = [v for v in values if _starts_a_word(v.value, needle)]
    page = max(1, request.page)
    offset = (page - 1) * request.page_size
    shown: list[FacetValue] = values[offset:offset + request.page_size]
    return EntityList(type, len(values), page, request.page_size, shown)


def _starts_a_word(value: str, needle: str) -> bool:
    folded = fold(value.casefold())
    return folded.startswith(needle) or any(
        folded[i + 1:].startswith(needle) for i, c in enumerate(folded) if not c.isalnum())
