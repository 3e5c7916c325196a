"""Worker processes that die with the indexer that started them.

The entity pool and Whoosh's writer processes are forked children. If the
indexer is killed (SIGKILL, an OOM kill) they would live on as orphans,
holding the index's write lock (they inherit its file descriptor) and
stalling the next run. On Linux each child asks the kernel to kill it
when its parent dies (``PR_SET_PDEATHSIG``); Ctrl-C is left to the parent,
which stops its children itself, so they print no tracebacks of their own.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_registered = False
_forking_pid = 0  # the process about to fork, noted just before it does


def _before_fork() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _child_after_fork() -> None:
    parent = _forking_pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # not glibc: orphans stay possible
            return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def die_with_parent() -> None:
    """From now on, every process this one forks dies when it does."""
    global _registered
    if not _registered:
        os.register_at_fork(before=_before_fork, after_in_child=_child_after_fork)
        _registered = True
