"""The arrays derived from one index generation, by name.

Facet columns, dates, id order and field lengths only change when the
index does; each is built once per generation in the ``Index``'s
``GenerationCache`` (``search/index.py``), which owns them and their lock.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from search.index import GenerationCache, Index
from search.query import facets, matchset, ranking
from search.query.collapse import StoryColumns, read_columns


class Columns:
    """Per-generation arrays of one index, read through its cache."""

    def __init__(self, cache: GenerationCache) -> None:
        self._cache = cache

    def live(self, searcher: Searcher) -> np.ndarray:
        """A boolean mask over docnums: the documents not deleted."""
        return self._cache.get(searcher, "live", matchset.live_mask)

    def days(self, searcher: Searcher) -> np.ndarray:
        """Each document's date as YYYYMMDD (0 when undated)."""
        return self._cache.get(searcher, "day", lambda s: facets.read_numbers(s, "day"))

    def id_ranks(self, searcher: Searcher) -> np.ndarray:
        """Each document's place in id order: date ties then page the same
        way however the index is split into segments."""
        return self._cache.get(searcher, "id rank", _id_ranks)

    def column(self, searcher: Searcher, field: str) -> facets.FacetColumn:
        """The facet column of ``field``."""
        return self._cache.get(searcher, f"column:{field}",
                               lambda s: facets.read_column(s, field, self._cache))

    def lengths(self, searcher: Searcher, field: str) -> np.ndarray:
        """Each document's length in ``field``, for scoring."""
        return self._cache.get(searcher, f"length:{field}",
                               lambda s: ranking.field_lengths(s, field))

    def stories(self, searcher: Searcher, path: Path) -> StoryColumns:
        """Each document's story and copy group (``collapse.py``)."""
        return self._cache.get(searcher, "stories", lambda s: read_columns(s, path))


def of(index: Index) -> Columns:
    """The arrays of ``index``."""
    return Columns(index.cache)


def _id_ranks(searcher: Searcher) -> np.ndarray:
    if not searcher.doc_count_all():  # an empty index's reader has no columns
        return np.zeros(0, dtype=np.int64)
    ids = np.array(list(searcher.reader().column_reader("id")), dtype=object)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return ranks
