"""Where the indexer's batch work runs: one interface for a pool or a cluster.

Extracting web pages and NER are mapped over batches with ``map_async``,
and the results waited for with ``get()``, in order. A multiprocessing
``Pool`` has that shape already; ``search.indexing.cluster.Cluster`` gives it to a
Dask cluster, so the indexer never asks which one it has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Pending(Protocol[T]):
    """Results on their way, in the order of the items sent."""

    def get(self, timeout: float | None = None) -> list[T]:
        ...


class Executor(Protocol):
    """Runs a function on many items elsewhere: ``Pool`` or ``Cluster``."""

    def map_async(self, func: Callable[[Any], T], iterable: Iterable[Any],
                  chunksize: int | None = None) -> Pending[T]:
        ...
