"""sqlite's "database or disk is full" (and failed I/O) as the OSError the
indexer reports in one line, like a full disk under the index: both story
and entity caches live in the index folder."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def disk_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from None
        if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:  # extended codes too
            raise OSError(errno.EIO, str(exc)) from None
        raise
