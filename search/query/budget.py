"""A time budget for one search, so that no query can stall a worker.

The pipeline opens a budget around a search; the loops that can run long
(phrase checks, pattern expansion, the ranking's threshold loop, Whoosh's
collector) call ``check()``, which raises ``QueryTooCostly`` once the
budget is spent. The deadline lives in a context variable: each thread (and
each request) has its own, and code outside a search has none.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from search.params import InvalidRequest

DEFAULT_SECONDS = 2.0

_deadline: ContextVar[float | None] = ContextVar("cerca_query_deadline", default=None)


class QueryTooCostly(InvalidRequest):
    """A search that needs more than its budget: to the caller, a request
    to narrow it, reported like any invalid parameter."""

    def __init__(self) -> None:
        super().__init__(
            "query_too_costly",
            "La ricerca richiede troppo tempo: rendila più precisa (meno caratteri jolly, "
            "parole meno comuni nelle frasi tra virgolette).",
            "The search takes too long: make it more precise (fewer wildcards, rarer words "
            "in quoted phrases).",
        )


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Run the enclosed search within ``seconds`` (None: no limit)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in the current budget, or None when there is none."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def check() -> None:
    """Raise ``QueryTooCostly`` if the current budget is spent."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTooCostly()
