"""Worker processes that die with the indexer that started them, and share
what it loaded.

The entity pool and Whoosh's writer processes are forked children. If the
indexer is killed (SIGKILL, an OOM kill) they would live on as orphans,
holding the index's write lock (they inherit its file descriptor) and
stalling the next run. On Linux each child asks the kernel to kill it
when its parent dies (``PR_SET_PDEATHSIG``); Ctrl-C is left to the parent,
which stops its children itself, so they print no tracebacks of their own.

A pool whose workers all read the same large thing (the NER model, about
150 MB of weights) loads it here first and forks them after: the children
share its pages with this process (copy-on-write) instead of each loading
a copy, so the run holds one model whatever its number of processes.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
from collections.abc import Callable

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


def shared_pool(jobs: int, load: Callable[[], object]) -> multiprocessing.pool.Pool:
    """A pool of ``jobs`` forked workers that find ``load``'s result already
    in memory: it runs here, before they start. Objects that exist then are
    frozen out of the garbage collector's passes in the children, whose
    collections would otherwise write to (and so copy) every page of them."""
    load()
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(jobs)
    finally:
        gc.unfreeze()  # this process collects as before; the children stay frozen
