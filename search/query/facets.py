"""Facet counts over a result set, from per-generation cached postings.

Whoosh's own overlapping facets rebuild a list per document on every
search; here each facet field is read once per index generation into a
term-major array (values x documents), and a count is one vectorised pass
over the matched documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from search.models import FacetValue

NO_DATE = "senza data"


@dataclass
class FacetColumn:
    """Every value of one field and, per value, the documents that have it."""

    values: list[str]
    docs: np.ndarray  # concatenated docnums, grouped by value
    starts: np.ndarray  # offset of each value's group in ``docs``

    def counts(self, matched: np.ndarray) -> np.ndarray:
        """Documents per value among ``matched`` (a boolean mask over docnums)."""
        if not self.values:
            return np.zeros(0, dtype=np.int64)
        hits = matched[self.docs].astype(np.int64)
        return np.add.reduceat(hits, self.starts) if len(hits) else np.zeros(len(self.values))

    def sizes(self) -> np.ndarray:
        """Documents per value in the whole index."""
        return np.diff(np.append(self.starts, len(self.docs)))


def read_column(searcher: Searcher, field: str) -> FacetColumn:
    """Deleted documents stay in the postings; they never match, so never count."""
    reader = searcher.reader()
    values: list[str] = []
    if field not in searcher.schema:  # an index written before the field existed
        return FacetColumn(values, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    chunks: list[np.ndarray] = []
    starts: list[int] = []
    offset = 0
    for btext in reader.lexicon(field):
        ids = np.fromiter(reader.postings(field, btext).all_ids(), dtype=np.int64)
        if not len(ids):
            continue
        values.append(btext.decode("utf-8"))
        starts.append(offset)
        chunks.append(ids)
        offset += len(ids)
    docs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    return FacetColumn(values, docs, np.asarray(starts, dtype=np.int64))


def read_numbers(searcher: Searcher, field: str) -> np.ndarray:
    """A sortable numeric field's value for every docnum, deleted ones included."""
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
    order = sorted(
        (i for i in range(len(column.values)) if counts[i] > 0),
        key=lambda i: (-counts[i], column.values[i].casefold()),
    )
    if limit is not None:
        order = order[:limit]
    result = [
        FacetValue(column.values[i], int(counts[i]), column.values[i] in selected)
        for i in order
    ]
    listed = {v.value for v in result}
    for value in selected:
        if value not in listed:
            result.insert(0, FacetValue(value, 0, selected=True))
    for value in excluded:
        if value not in listed:
            result.append(FacetValue(value, 0, excluded=True))
    return result


def count_months(column: FacetColumn, matched: np.ndarray) -> list[FacetValue]:
    """Month buckets in calendar order, then the undated ones."""
    counts = column.counts(matched)
    months = [
        FacetValue(column.values[i], int(counts[i]))
        for i in range(len(column.values))
        if counts[i] > 0
    ]
    months.sort(key=lambda v: v.value)
    undated = int(matched.sum()) - sum(v.count for v in months)
    if undated > 0:
        months.append(FacetValue(NO_DATE, undated))
    return months
