"""The one search pipeline every shell goes through.

A request is planned once (``plan``: text parsed, filters built), then one
step finds every matching document and their order (``find`` ->
``Matches``). Everything a shell shows comes from a ``Matches``: the page
(``search``: a slice of the order, facets, snippets for the hits shown),
the export (the whole order), the Atom feed (a page sorted by date) and the
facet box (``facet_values``: one facet with the page's own flags). So two
shells can never disagree on which articles match or in what order.

The result set is the articles with every word (``Matches.matched``): it
alone is counted, faceted, sorted, exported and fed. The articles with only
some of the words (``Matches.some``) are counted apart, and in relevance
order, when the result set is smaller than ``FEW``, the best
``OTHERS_LISTED`` of them follow it on the pages, each hit saying which set
it is in (``Hit.words``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.collectors import TimeLimitCollector
from whoosh.scoring import BM25F
from whoosh.searching import Searcher, TimeLimit

from search.analysis import fold
from search.index import Index
from search.links import web_url
from search.models import (
    DATE_SOURCES,
    NAME_FACETS,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResult,
    Story,
    WordSet,
    iso,
)
from search.query import budget, collapse, columns, rerank
from search.query import facets as facet_counts
from search.query.budget import QueryTooCostly
from search.query.conflation import Vocabulary
from search.query.expansion import Expander
from search.query.explain import Found, explain, find_words, word_keys
from search.query.matchset import match_mask
from search.query.parse import ParsedQuery, parse_query
from search.query.ranking import Ranker
from search.query.snippets import snippet
from search.query.spelling import suggest_query
from search.schema import FACET_FIELDS

# BM25F; a low K1 (term frequency saturates early) measured best on
# SQuAD-it (bench/relevance.py). Titles are short: less length normalisation.
WEIGHTING = BM25F(B=0.75, K1=0.6, title_B=0.5, title_exact_B=0.5)

# Below this many articles with every word (a page), the best of those
# with some of them follow (relevance order only): a short list is
# completed, a long one is not diluted. SQuAD-it's questions, ranked in
# their first 10, rank as they did before the result set was every word.
FEW = 10
OTHERS_LISTED = 50

_ENTITY_FILTERS = tuple((f.key, f.field, f.field, f.not_field) for f in NAME_FACETS)


@dataclass(frozen=True)
class Plan:
    """A request as Whoosh queries, built once per request."""

    request: SearchRequest
    parsed: ParsedQuery
    required: wq.Query | None  # entities and dates every hit must have
    forbidden: wq.Query | None  # entities no hit may have

    @property
    def by_date(self) -> bool:
        """Newest first: asked for, or a blank query (browsing)."""
        return self.request.sort == "date" or not self.request.q.strip()

    def chosen(self, facet: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The values of ``facet`` the request selects and excludes."""
        for name, _, selected, excluded in _ENTITY_FILTERS:
            if name == facet:
                return getattr(self.request, selected), getattr(self.request, excluded)
        raise KeyError(facet)


def plan(request: SearchRequest, vocabulary: Vocabulary | None = None) -> Plan:
    """Parse the text and build the filters of ``request``; with the index's
    ``vocabulary``, words also match their related forms (conflation.py)."""
    return Plan(request, parse_query(request.q, vocabulary), _required(request),
                _forbidden(request))


def _required(request: SearchRequest) -> wq.Query | None:
    clauses: list[wq.Query] = [
        wq.Term(field, v)
        for _, field, selected, _ in _ENTITY_FILTERS
        for v in getattr(request, selected)
    ]
    if request.date_from or request.date_to:
        start = dt.datetime.combine(request.date_from, dt.time()) if request.date_from else None
        end = dt.datetime.combine(request.date_to, dt.time.max) if request.date_to else None
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


def _forbidden(request: SearchRequest) -> wq.Query | None:
    clauses: list[wq.Query] = [
        wq.Term(field, v)
        for _, field, _, excluded in _ENTITY_FILTERS
        for v in getattr(request, excluded)
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.Or(clauses)


@dataclass
class Matches:
    """Every document one search matches, and their order (see module doc)."""

    index: Index
    searcher: Searcher
    plan: Plan
    parsed: ParsedQuery  # the plan's query, its patterns expanded over this index
    ranker: Ranker
    matched: np.ndarray  # a boolean array over docnums: the result set, every word
    some: np.ndarray  # the same, for the articles with only some of the words
    notices: list[str]  # what was changed to keep the search bounded (Italian)
    keys: dict[str, str]  # highlighting key -> the typed word (explain.py)
    # docnum -> stored fields and matches, for the rerank and the page.
    _read: dict[int, tuple[dict, Found]] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return int(self.matched.sum())

    @property
    def others(self) -> int:
        """How many articles have only some of the words."""
        return int(self.some.sum())

    @property
    def others_listed(self) -> int:
        """How many articles with some of the words follow the result set."""
        if self.plan.by_date or self.total >= FEW:
            return 0
        return min(self.others, OTHERS_LISTED)

    def ordered(self, limit: int | None = None) -> list[tuple[int, float | None]]:
        """(docnum, score) of the first ``limit`` matches (all if None), in
        result order; the score is None when sorted by date."""
        total = self.total
        wanted = total if limit is None else min(limit, total)
        if not wanted:
            return []
        arrays = columns.of(self.index)
        if self.plan.by_date:
            order = newest_first(self.matched, arrays.days(self.searcher),
                                 arrays.id_ranks(self.searcher), wanted)
            return [(int(d), None) for d in order]
        return self._ranked(self._ranking_query(max(wanted, rerank.DEPTH)), self.matched, wanted)

    def ordered_some(self, limit: int) -> list[tuple[int, float | None]]:
        """(docnum, score) of the first ``limit`` articles with only some of
        the words, by relevance, when they follow the result set."""
        wanted = min(limit, self.others_listed)
        if wanted <= 0:
            return []
        return self._ranked(self.parsed.query, self.some, wanted)

    def _ranked(self, ranking: wq.Query, mask: np.ndarray,
                wanted: int) -> list[tuple[int, float | None]]:
        # The second pass (rerank.py) reorders the first DEPTH, so the first
        # pass ranks at least that many: pages and the export stay consistent.
        depth = max(wanted, rerank.DEPTH)
        top = self.ranker.top(ranking, mask, depth)
        if top is None:
            top = [(d, s) for d, s in self._every_match(ranking) if mask[d]][:depth]
        return list(rerank.rerank(self.searcher, top, self.keys, self.read, wanted)[:wanted])

    def _every_match(self, ranking: wq.Query) -> list[tuple[int, float]]:
        # Every match, not a top-N collector: Whoosh 2.7.5's collectors swap
        # matchers mid-search (Matcher.replace) and can drop the best
        # matches of boosted queries. Within what is left of the budget.
        collector = self.searcher.collector(limit=None, filter=self.plan.required,
                                            mask=self.plan.forbidden)
        left = budget.remaining()
        if left is not None:
            collector = TimeLimitCollector(collector, max(left, 0.01), use_alarm=False)
        try:
            self.searcher.search_with_collector(ranking, collector)
        except TimeLimit:
            raise QueryTooCostly() from None
        return [(hit.docnum, hit.score) for hit in collector.results()]

    def _ranking_query(self, wanted: int) -> wq.Query:
        """The full ranking query, or its all-words part when that alone
        fills the page (the same order, fewer documents to score)."""
        parsed = self.parsed
        if parsed.all_words is None or parsed.all_words_ranked is None:
            return parsed.query
        with_all = self.ranker.matches(parsed.all_words)
        if with_all is None:
            with_all = match_mask(self.searcher, parsed.all_words,
                                  columns.of(self.index).live(self.searcher))
        enough = int((with_all & self.matched).sum()) >= wanted
        return parsed.all_words_ranked if enough else parsed.query

    def facet(self, name: str, limit: int | None) -> list[FacetValue]:
        """One entity facet's values with counts, the request's selected
        and excluded values always listed and flagged."""
        selected, excluded = self.plan.chosen(name)
        column = columns.of(self.index).column(self.searcher, FACET_FIELDS[name])
        return facet_counts.count_values(column, self.matched, selected, excluded, limit)

    def facets(self) -> dict[str, list[FacetValue]]:
        limit = self.plan.request.facet_limit
        result = {name: self.facet(name, limit) for name in FACET_FIELDS}
        request = self.plan.request
        result["date"] = facet_counts.count_periods(
            columns.of(self.index).days(self.searcher), self.matched,
            (request.date_from, request.date_to))
        if "date_source" in self.searcher.schema:
            sources = {v.value: v for v in facet_counts.count_values(
                columns.of(self.index).column(self.searcher, "date_source"), self.matched,
                request.date_sources)}
            result["date_source"] = [sources.get(s) or FacetValue(s, 0, s in request.date_sources)
                                     for s in DATE_SOURCES]
        return result

    def stories(self) -> collapse.StoryColumns:
        return columns.of(self.index).stories(self.searcher, self.index.path)

    def results(self) -> int:
        """How many results the pages hold, once collapsed."""
        return collapse.count(collapse.key_of(self.stories(), self.plan.request.collapse),
                              self.matched)

    def collapsed(self, wanted: int | None) -> list[tuple[int, float | None]]:
        """The first ``wanted`` results (all if None) in result order, one
        per story or copy group as the request's ``collapse`` says."""
        key = collapse.key_of(self.stories(), self.plan.request.collapse)
        return collapse.first_of_each(self.ordered, key, self.total, wanted)

    def page(self, number: int, size: int) -> list[Hit]:
        """The hits of page ``number`` (from 1), with snippets: the result set
        in its collapsed order, then the articles with only some of the
        words that follow it (see ``others_listed``)."""
        offset = (max(1, number) - 1) * size
        end = offset + size
        results = self.results()
        hits: list[Hit] = []
        if offset < results:
            hits = [self.hit(docnum, score) for docnum, score in self.collapsed(end)[offset:]]
        if end > results:
            some = self.ordered_some(end - results)[max(0, offset - results):]
            hits += [self.hit(docnum, score, words="some") for docnum, score in some]
        return hits

    def read(self, docnum: int) -> tuple[dict, Found]:
        """A document's stored fields and the query's words in it, read
        once per search: the rerank reads the first ``DEPTH``, the page
        shows some of them. (An export reads its hits without this.)"""
        known = self._read.get(docnum)
        if known is None:
            fields = self.searcher.stored_fields(docnum)
            known = (fields, find_words(fields.get("title", ""), fields.get("body", ""),
                                        self.keys))
            self._read[docnum] = known
        return known

    def hit(self, docnum: int, score: float | None, shown: bool = True,
            words: WordSet = "all") -> Hit:
        """One hit with its stored fields; a hit ``shown`` on a page also
        gets its snippet and the words it matched (an export needs neither,
        and scanning every text for them would cost most of its time)."""
        if shown:
            fields, found = self.read(docnum)
        else:
            fields, found = self.searcher.stored_fields(docnum), Found([], [])
        stories = self.stories()
        members = collapse.members_of(stories, docnum, self.matched,
                                      self.searcher.stored_fields)
        body = fields.get("body", "")
        title = fields.get("title", "")
        matched = explain(title, body, found, self.keys) if shown else []
        return Hit(
            id=fields["id"],
            title=title,
            date=iso(fields.get("date")),
            source=fields.get("source", ""),
            url=web_url(fields.get("url")),
            score=round(float(score or 0.0), 4),
            snippet=snippet(body, frozenset(self.keys), found=found.in_body) if shown else "",
            persons=list(fields.get("persons") or []),
            places=list(fields.get("places") or []),
            orgs=list(fields.get("orgs") or []),
            date_inferred=bool(fields.get("date_inferred")),
            date_source=date_source(fields),
            matched=matched,
            story=stories.name(docnum),
            copies=[m for m in members if m.relation == "copy"],
            related=[m for m in members if m.relation == "related"],
            author=fields.get("author") or "",
            words=words,
        )


def find(index: Index, searcher: Searcher, planned: Plan) -> Matches:
    """The step every shell shares: which documents match ``planned``.

    The text part comes from the ranker's scores when they are exact, so
    the postings it reads serve the ranking too.
    """
    arrays = columns.of(index)
    ranker = Ranker(searcher, lambda field: arrays.lengths(searcher, field))
    live = arrays.live(searcher)
    parsed, notices = _expanded(planned.parsed, searcher)

    def matching(q: wq.Query) -> np.ndarray:
        found = ranker.matches(q)
        return match_mask(searcher, q, live) if found is None else found & live

    filters = live.copy()
    if planned.required is not None:
        filters &= match_mask(searcher, planned.required, live)
    if planned.forbidden is not None:
        filters &= ~match_mask(searcher, planned.forbidden, live)
    every = matching(parsed.matching) & filters
    some = np.zeros_like(every)
    if parsed.some is not None:
        some = matching(parsed.some) & filters & ~every
    budget.check()
    keys = word_keys(parsed.query, searcher.reader())
    return Matches(index, searcher, planned, parsed, ranker, every, some, notices, keys)


def _expanded(parsed: ParsedQuery, searcher: Searcher) -> tuple[ParsedQuery, list[str]]:
    """The parsed query with its wildcard and fuzzy terms replaced by the
    words of this index they stand for (see expansion.py)."""
    expander = Expander(searcher.reader())
    parts: dict[str, Any] = {name: getattr(parsed, name) for name in (
        "query", "match", "some", "all_words", "all_words_ranked")}
    expanded: dict[str, Any] = {name: q if q is None else expander.expand(q)
                                for name, q in parts.items()}
    return replace(parsed, **expanded), parsed.notices + expander.notices


def search(index: Index, request: SearchRequest,
           seconds: float | None = budget.DEFAULT_SECONDS) -> SearchResult:
    """One page of results, with facets and a spelling suggestion, within
    ``seconds`` (raises ``QueryTooCostly`` past them; None: no limit)."""
    with budget.budget(seconds), index.searcher(weighting=WEIGHTING) as searcher:
        found = find(index, searcher, plan(request, searcher.reader()))
        page = max(1, request.page)
        results = found.results()
        hits = found.page(page, request.page_size)
        parsed = found.parsed
        suggestion = None
        if parsed.words and not parsed.fallback:
            suggestion = suggest_query(searcher, request.q, parsed.words)
        return SearchResult(
            query=request.q,
            total=found.total,
            others=found.others,
            others_listed=found.others_listed,
            page=page,
            page_size=request.page_size,
            hits=hits,
            facets=found.facets() if request.facets else {},
            suggestion=suggestion,
            request=request,
            notices=found.notices,
            results=results,
        )


def export_hits(index: Index, request: SearchRequest,
                seconds: float | None = budget.DEFAULT_SECONDS) -> Iterator[Hit]:
    """Every result of a search in page order (collapsed as the page is),
    without paging or snippets;
    finding and ordering them is within ``seconds``, streaming is not."""
    with index.searcher(weighting=WEIGHTING) as searcher:
        with budget.budget(seconds):
            found = find(index, searcher, plan(request, searcher.reader()))
            order = found.collapsed(None)
        for docnum, score in order:
            yield found.hit(docnum, score, shown=False)


def facet_values(
    index: Index, request: SearchRequest, name: str, contains: str = "", limit: int = 50,
    seconds: float | None = budget.DEFAULT_SECONDS,
) -> list[FacetValue]:
    """One facet's values for a search, as the page counts them, those
    containing ``contains`` (case- and accent-insensitive, so "lavrov"
    finds "Sergey Lavrov"); selected and excluded values are always kept,
    so a form built from them keeps the user's filters."""
    if name not in FACET_FIELDS:
        raise KeyError(name)
    with budget.budget(seconds), index.searcher(weighting=WEIGHTING) as searcher:
        values = find(index, searcher, plan(request, searcher.reader())).facet(name, None)
    needle = fold(contains.strip().casefold())
    chosen = [v for v in values if v.selected or v.excluded]
    shown = [v for v in values if not (v.selected or v.excluded)
             and needle in fold(v.value.casefold())]
    return chosen + shown[:max(0, limit - len(chosen))]


def story(index: Index, story_id: str) -> Story | None:
    """Every article of one story, by date; None if there is no such story."""
    with index.searcher() as searcher:
        arrays = columns.of(index)
        return collapse.story_of(arrays.stories(searcher, index.path), story_id,
                                 arrays.live(searcher), searcher.stored_fields)


def article_story(index: Index, article_id: str) -> Story | None:
    """The story of one article: its other articles, by date, each a copy
    of it or related; None for an unknown article."""
    with index.searcher() as searcher:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        arrays = columns.of(index)
        stories = arrays.stories(searcher, index.path)
        return Story(stories.name(docnum), collapse.members_of(
            stories, docnum, arrays.live(searcher), searcher.stored_fields))


def date_source(fields: dict) -> str:
    """Stored since the field exists; read from the date and its flag before."""
    if fields.get("date_source"):
        return fields["date_source"]
    if not fields.get("date"):
        return "none"
    return "inferred" if fields.get("date_inferred") else "given"


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
