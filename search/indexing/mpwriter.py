"""Whoosh's multi-process writer, with a failing writer process reported
by the run instead of by a traceback.

In Whoosh's ``MpWriter`` a writer process that fails (a full disk, most
often) prints its traceback on the user's terminal and dies; the parent
then commits without that process's segment. Here the process exits
quietly with the error's ``errno`` as its exit code, and the parent
raises that error before it writes the table of contents, so the index
stays as it was and the run says why in one line.

Every writer, the processes' included, keeps its postings in a
``TermPool``.

``commit`` also lets the run do its own last work (the stories) while the
writer processes write their segments, instead of before.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask

from search.indexing.pool import use_term_pool


class _QuietTask(SubWriterTask):
    def _process_file(self, filename, doc_count) -> None:
        use_term_pool(self.writer)  # made in ``run``, before its first document
        super()._process_file(filename, doc_count)

    def run(self) -> None:
        try:
            super().run()
        except OSError as exc:
            sys.exit(exc.errno or errno.EIO)  # SystemExit: no traceback printed


class QuietMpWriter(MpWriter):
    """``MpWriter`` whose failed processes fail the commit (see module doc)."""

    meanwhile: Callable[[], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_term_pool(self)

    def _new_task(self) -> SubWriterTask:
        task = _QuietTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                          self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def _commit_toc(self, segments) -> None:
        for task in self.tasks:
            if task.exitcode:  # joined by now: 0 for a process that finished
                code = task.exitcode if task.exitcode > 0 else errno.EIO
                raise OSError(code, os.strerror(code))
        super()._commit_toc(segments)

    def _merge_segments(self, mergetype, optimize, merge):
        # MpWriter's commit calls this once it has told its processes to
        # finish, and waits for them after.
        if self.meanwhile is not None:
            work, self.meanwhile = self.meanwhile, None
            work()
        return super()._merge_segments(mergetype, optimize, merge)


def commit(writer: Any, meanwhile: Callable[[], None]) -> None:
    """Commit ``writer``; ``meanwhile`` runs here before the new generation
    is published, while the writer processes (if any) finish their segments."""
    if isinstance(writer, QuietMpWriter):
        writer.meanwhile = meanwhile
    else:
        meanwhile()
    writer.commit()
