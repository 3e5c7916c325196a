"""Whoosh's multi-process writer, with a failing writer process reported
by the run instead of by a traceback.

In Whoosh's ``MpWriter`` a writer process that fails (a full disk, most
often) prints its traceback on the user's terminal and dies; the parent
then commits without that process's segment. Here the process exits
quietly with the error's ``errno`` as its exit code, and the parent
raises that error before it writes the table of contents, so the index
stays as it was and the run says why in one line.
"""

from __future__ import annotations

import errno
import os
import sys

from whoosh.multiproc import MpWriter, SubWriterTask


class _QuietTask(SubWriterTask):
    def run(self) -> None:
        try:
            super().run()
        except OSError as exc:
            sys.exit(exc.errno or errno.EIO)  # SystemExit: no traceback printed


class QuietMpWriter(MpWriter):
    """``MpWriter`` whose failed processes fail the commit (see module doc)."""

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
