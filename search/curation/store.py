"""The edits made to an index, kept beside it in ``curation.jsonl``: one
JSON object per line, appended, never rewritten, so two writers cannot
lose each other's lines (each append holds an OS lock on the file).

The file lives in the index folder, so a ``--rebuild`` keeps it, and a
snapshot carries it to a restore and to replicas (``indexing/snapshot.py``).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from search.curation.edits import Edit
from search.index import CURATION_STORE as STORE


class Store:
    """The edit history of the index at ``index_dir``."""

    def __init__(self, index_dir: str | os.PathLike) -> None:
        self.path = Path(index_dir) / STORE

    def edits(self) -> list[Edit]:
        """Every edit, oldest first (undos included)."""
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return []
        edits = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                edits.append(Edit.from_dict(json.loads(line)))
            except (ValueError, TypeError):
                raise ValueError(f"{self.path}: riga {n} illeggibile; "
                                 "correggila o toglila a mano") from None
        return edits

    def active(self) -> list[Edit]:
        """The edits in force: not undos, and not undone."""
        edits = self.edits()
        undone = {e.undoes for e in edits if e.undoes is not None}
        return [e for e in edits if e.undoes is None and e.id not in undone]

    def head(self) -> int:
        """The id of the latest edit, 0 for none."""
        edits = self.edits()
        return edits[-1].id if edits else 0

    @contextmanager
    def appending(self) -> Iterator[Callable[[Edit], Edit]]:
        """Hold the store's lock; yields ``append(edit)``, which numbers the
        edit after the last one on disk and writes it durably."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                def append(edit: Edit) -> Edit:
                    edit.id = self.head() + 1
                    handle.write(json.dumps(edit.to_dict(), ensure_ascii=False) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                    return edit
                yield append
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
