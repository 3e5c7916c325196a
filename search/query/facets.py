"""Facet counts over a result set, from per-generation cached postings.

Whoosh's own overlapping facets rebuild a list per document on every
search; here each facet field is read once per index generation into a
term-major array (values x documents), and a count is one vectorised pass
over the matched documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from search.index import GenerationCache
from search.models import FacetValue

NO_DATE = "senza data"


@dataclass
class FacetColumn:
    """Every value of one field and, per value, the documents that have it."""

    values: list[str]
    docs: np.ndarray  # concatenated docnums, grouped by value
    starts: np.ndarray  # offset of each value's group in ``docs``
    # Each value's place in casefolded order (equal when they fold alike):
    # ties in count are listed by it without a Python sort per search.
    folded: np.ndarray

    def counts(self, matched: np.ndarray) -> np.ndarray:
        """Documents per value among ``matched`` (a boolean mask over docnums)."""
        if not self.values:
            return np.zeros(0, dtype=np.int64)
        hits = matched[self.docs].astype(np.int64)
        return np.add.reduceat(hits, self.starts) if len(hits) else np.zeros(len(self.values))

    def sizes(self) -> np.ndarray:
        """Documents per value in the whole index."""
        return np.diff(np.append(self.starts, len(self.docs)))


def read_column(searcher: Searcher, field: str, cache: GenerationCache) -> FacetColumn:
    """Deleted documents stay in the postings; they never match, so never
    count. Each segment's postings are kept in ``cache``: a generation
    that adds a segment reads only that one."""
    reader = searcher.reader()
    if field not in searcher.schema:  # an index written before the field existed
        empty = np.zeros(0, dtype=np.int64)
        return FacetColumn([], empty, empty, empty)
    found: dict[bytes, list[np.ndarray]] = {}
    for leaf, offset in reader.leaf_readers():
        postings = cache.segment(leaf, f"postings:{field}",
                                 lambda leaf: _segment_postings(leaf, field))
        for btext, ids in postings.items():
            found.setdefault(btext, []).append(ids + offset)
    terms = sorted(found)  # the order of the whole index's lexicon
    chunks = [np.concatenate(found[t]) if len(found[t]) > 1 else found[t][0] for t in terms]
    sizes = np.fromiter((len(c) for c in chunks), dtype=np.int64, count=len(chunks))
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])) if len(chunks) else sizes
    docs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    values = [t.decode("utf-8") for t in terms]
    return FacetColumn(values, docs, starts.astype(np.int64), _fold_ranks(values))


def _fold_ranks(values: list[str]) -> np.ndarray:
    """Each value's rank among the casefolded values; values that fold
    alike share one."""
    keys = [v.casefold() for v in values]
    distinct = {key: rank for rank, key in enumerate(sorted(set(keys)))}
    return np.fromiter((distinct[k] for k in keys), dtype=np.int64, count=len(keys))


def _segment_postings(leaf, field: str) -> dict[bytes, np.ndarray]:
    """term -> the segment's own docnums."""
    postings: dict[bytes, np.ndarray] = {}
    if field in leaf.schema:
        for btext in leaf.lexicon(field):
            ids = np.fromiter(leaf.postings(field, btext).all_ids(), dtype=np.int64)
            if len(ids):
                postings[btext] = ids
    return postings


def read_numbers(searcher: Searcher, field: str) -> np.ndarray:
    """A sortable numeric field's value for every docnum, deleted ones included."""
    if not searcher.doc_count_all():  # an empty index's reader has no columns
        return np.zeros(0, dtype=np.int64)
    return np.fromiter(searcher.reader().column_reader(field), dtype=np.int64)


def count_values(
    column: FacetColumn,
    matched: np.ndarray,
    selected: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[FacetValue]:
    """Values with a count, most frequent first; chosen values always listed."""
    counts = column.counts(matched)
    found = np.flatnonzero(counts > 0)
    # Most frequent first, then casefolded; lexsort is stable, so values
    # that fold alike keep the index's order.
    order = found[np.lexsort((column.folded[found], -counts[found]))]
    if limit is not None:
        order = order[:limit]
    result = [
        FacetValue(column.values[i], int(counts[i]), column.values[i] in selected)
        for i in order.tolist()
    ]
    listed = {v.value for v in result}
    for value in selected:
        if value not in listed:
            result.insert(0, FacetValue(value, 0, selected=True))
    for value in excluded:
        if value not in listed:
            result.append(FacetValue(value, 0, excluded=True))
    return result


# The histogram's level, from the span of days it covers: years past two
# years, months past two months, days below.
YEARS_PAST_DAYS = 731
MONTHS_PAST_DAYS = 62


def _as_date(yyyymmdd: int) -> dt.date:
    return dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100)


def _buckets(first: dt.date, last: dt.date) -> tuple[str, list[str]]:
    """The level for a span and every bucket in it, in order (empty ones too)."""
    span = (last - first).days
    if span > YEARS_PAST_DAYS:
        return "year", [f"{y:04d}" for y in range(first.year, last.year + 1)]
    if span > MONTHS_PAST_DAYS:
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return "month", [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months]
    return "day", [(first + dt.timedelta(days=n)).isoformat() for n in range(span + 1)]


def _bucket_name(key: int, level: str) -> str:
    if level == "year":
        return f"{key:04d}"
    if level == "month":
        return f"{key // 100:04d}-{key % 100:02d}"
    return _as_date(key).isoformat()


def count_periods(
    day: np.ndarray, matched: np.ndarray,
    window: tuple[dt.date | None, dt.date | None] = (None, None),
) -> list[FacetValue]:
    """Date buckets in calendar order, then the undated: years, months or
    days as the results (or the chosen from/to window) span, so a bar
    narrowed to shows the next finer level."""
    dated = day[matched & (day > 0)]
    result: list[FacetValue] = []
    if len(dated):
        low, high = _as_date(int(dated.min())), _as_date(int(dated.max()))
        # The chosen window, within the years the results cover: a year
        # chosen shows its twelve months, 0001-9999 no more than the data.
        first = max(window[0] or low, dt.date(low.year, 1, 1))
        last = min(window[1] or high, dt.date(high.year, 12, 31))
        if first > last:
            first, last = low, high
        level, names = _buckets(first, last)
        divisor = {"year": 10000, "month": 100, "day": 1}[level]
        keys, counts = np.unique(dated // divisor, return_counts=True)
        found = {_bucket_name(int(k), level): int(c) for k, c in zip(keys, counts, strict=True)}
        result = [FacetValue(name, int(found.get(name, 0))) for name in names]
    undated = int(matched.sum()) - len(dated)
    if undated > 0:
        result.append(FacetValue(NO_DATE, undated))
    return result
