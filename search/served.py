"""The index a server answers from, followed through a symlink.

A replica serves one configured path, typically a symlink it switches
(``ln -s new tmp && mv -T tmp current``) to the newest verified snapshot.
Each request leases the ``Index`` of the folder the path resolves to at
that moment and keeps it to its end, so one request never mixes two
snapshots. When the symlink moves, the next request opens the new folder
(once: other threads wait for it), later requests get it, and the old
``Index`` is closed when its last lease is returned: never under a running
request. A new folder that does not open leaves the old one in service.

The index is trusted input (Whoosh reads pickles): only the configured
path is ever resolved and opened, nothing a request names.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

from search.index import Index, IndexProblem, open_index

LOGGER = logging.getLogger("cerca.served")
RETRY_SECONDS = 1.0  # a folder that did not open is tried again after this


@dataclass
class _Opened:
    folder: str
    index: Index
    leases: int = 0


class ServedIndex:
    """The configured path's current ``Index``, leased per request."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self._current: _Opened | None = None
        self._retired: list[_Opened] = []
        self._lock = threading.Lock()  # guards the fields above
        self._opening = threading.Lock()  # one thread opens a new folder
        self._failed: tuple[str, float] | None = None

    def acquire(self) -> Index | None:
        """The current index, leased until ``release``; None if there is none."""
        folder = os.path.realpath(self.path)
        current = self._current
        if current is None or current.folder != folder:
            self._switch(folder)
        with self._lock:
            if self._current is None:
                return None
            self._current.leases += 1
            return self._current.index

    def release(self, index: Index) -> None:
        """Return a lease; an index no longer current closes with its last."""
        with self._lock:
            opened = next((o for o in [self._current, *self._retired]
                           if o is not None and o.index is index), None)
            if opened is None:  # closed already, by ``close``
                return
            opened.leases -= 1
            done = opened is not self._current and opened.leases == 0
            if done:
                self._retired.remove(opened)
        if done:
            opened.index.close()

    def close(self) -> None:
        """Close every index, leased or not (the server is stopping)."""
        with self._lock:
            every = [o for o in [self._current, *self._retired] if o is not None]
            self._current, self._retired = None, []
        for opened in every:
            opened.index.close()

    def _switch(self, folder: str) -> None:
        with self._opening:
            current = self._current
            if current is not None and current.folder == folder:
                return  # another thread opened it meanwhile
            if current is not None and self._failed is not None \
                    and self._failed[0] == folder and time.monotonic() < self._failed[1]:
                return
            try:
                index = open_index(folder)
            except Exception as exc:  # noqa: BLE001 - any unreadable folder
                if current is None and not isinstance(exc, IndexProblem):
                    raise
                if current is not None:
                    LOGGER.warning("cerca: %s non si apre (%s: %s); resta in servizio %s",
                                   folder, type(exc).__name__, exc, current.folder)
                self._failed = (folder, time.monotonic() + RETRY_SECONDS)
                return
            if current is not None:
                index.cache.keep_segments_of(current.index.cache)
            with self._lock:
                self._current = _Opened(folder, index)
                if current is not None:
                    self._retired.append(current)
                idle = [o for o in self._retired if o.leases == 0]
                self._retired = [o for o in self._retired if o.leases]
        for opened in idle:
            opened.index.close()
