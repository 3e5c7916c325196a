"""Arrays derived from one index generation, built once and shared.

Facet columns, dates, id order and field lengths only change when the
index does, so each is read once per generation and kept here, on the
``Index`` that owns this object. Threads share it: a lock makes each array
be built by one thread while the others wait for it, and an older
generation's arrays are dropped when a newer one is built.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from whoosh.searching import Searcher

from search.query import facets, matchset, ranking

T = TypeVar("T")


class Columns:
    """Per-generation arrays of one index; see the module docstring."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, int], object] = {}
        self._building: dict[tuple[str, int], threading.Lock] = {}
        self._lock = threading.Lock()

    def live(self, searcher: Searcher) -> np.ndarray:
        """A boolean mask over docnums: the documents not deleted."""
        return self._get(searcher, "live", matchset.live_mask)

    def days(self, searcher: Searcher) -> np.ndarray:
        """Each document's date as YYYYMMDD (0 when undated)."""
        return self._get(searcher, "day", lambda s: facets.read_numbers(s, "day"))

    def id_ranks(self, searcher: Searcher) -> np.ndarray:
        """Each document's place in id order: date ties then page the same
        way however the index is split into segments."""
        return self._get(searcher, "id rank", _id_ranks)

    def column(self, searcher: Searcher, field: str) -> facets.FacetColumn:
        """The facet column of ``field``."""
        return self._get(searcher, f"column:{field}", lambda s: facets.read_column(s, field))

    def lengths(self, searcher: Searcher, field: str) -> np.ndarray:
        """Each document's length in ``field``, for scoring."""
        return self._get(searcher, f"length:{field}", lambda s: ranking.field_lengths(s, field))

    def _get(self, searcher: Searcher, name: str, build: Callable[[Searcher], T]) -> T:
        # An index with no segment yet (created, nothing added) has no
        # generation: its arrays are all empty, kept under -1.
        generation = searcher.reader().generation()
        key = (name, -1 if generation is None else generation)
        with self._lock:
            if key in self._values:
                return self._values[key]  # type: ignore[return-value]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[return-value]
            value = build(searcher)
            with self._lock:
                for old in [k for k in self._values if k[0] == name and k[1] < key[1]]:
                    del self._values[old]
                newest = max((k[1] for k in self._values if k[0] == name), default=key[1])
                if key[1] >= newest:
                    self._values[key] = value
                self._building.pop(key, None)
        return value


def _id_ranks(searcher: Searcher) -> np.ndarray:
    if not searcher.doc_count_all():  # an empty index's reader has no columns
        return np.zeros(0, dtype=np.int64)
    ids = np.array(list(searcher.reader().column_reader("id")), dtype=object)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return ranks
