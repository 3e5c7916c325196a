"""Extraction on a Dask cluster: the indexer's pool, spread over machines.

Whoosh has one writer, so what scales out is the pure work on each batch
(extracting web pages, NER); files are read, and entities named, where the
writer is. ``Cluster`` offers a pool's ``map_async`` (``search.indexing.executor``):
each chunk is one Dask task, its results come back in the order sent, and
a worker lost mid-task has the task rerun elsewhere by the scheduler, so
nothing is lost or written twice. A worker needs only ``pip install
cerca``: tasks name functions of the installed package, and the model
loads once per worker process (``ner.nlp`` is cached there).

``distributed`` is imported here only, and only by runs given a cluster.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError
from importlib.metadata import version
from typing import Any, Generic, TypeVar

from search.index import IndexProblem

T = TypeVar("T")

LOCAL = re.compile(r"local:(\d{1,2})")
REMOTE = re.compile(r"tcp://[\w.\-\[\]:]+:\d{1,5}")
CONNECT_SECONDS = 10
# How long a run waits for a first worker, and for one again if all leave.
WORKER_SECONDS = 60
POLL_SECONDS = 2
UNTOUCHED = "l'indice non è stato toccato"
KEPT = "l'indice resta com'era"


class ClusterProblem(IndexProblem):
    """The cluster cannot be used, or went away: one line for the user."""


def _apply(func: Callable[[Any], T], chunk: list) -> list[T]:
    """A task: ``func`` on each item of one chunk, on a worker."""
    return [func(item) for item in chunk]


def _versions() -> tuple[str, str]:
    """What decides a worker's results: cerca's version and its model's."""
    from search.entities.ner import model_version

    return version("cerca"), model_version()


class Cluster:
    """A Dask client (and the ``LocalCluster`` it started, for ``local:N``)
    that maps functions over chunks as a Pool does."""

    def __init__(self, spec: str) -> None:
        local = LOCAL.fullmatch(spec)
        if not (local and 1 <= int(local.group(1)) <= 64) and not REMOTE.fullmatch(spec):
            raise ClusterProblem(f"cluster non valido: «{spec}» (scrivi tcp://HOST:PORTA "
                                 f"oppure local:N, con N da 1 a 64); {UNTOUCHED}")
        import distributed

        self.spec = spec
        self._token = uuid.uuid4().hex[:8]
        self._sent = 0
        self._quiet = _Quiet()
        self.local: Any = None
        self.client: Any = None
        try:
            if local:
                self.local = _local_cluster(int(local.group(1)))
            try:
                self.client = distributed.Client(self.local or spec, timeout=CONNECT_SECONDS,
                                                 set_as_default=False)
            except (OSError, TimeoutError):
                raise ClusterProblem(f"cluster non raggiungibile: {spec}; {UNTOUCHED}") from None
            self.client.wait_for_workers(int(local.group(1)) if local else 1,
                                         timeout=WORKER_SECONDS)
            self._check_versions()
            self.workers = sum(self.client.nthreads().values())
        except TimeoutError:
            self.close()
            raise ClusterProblem(f"nessun worker collegato al cluster {spec} entro "
                                 f"{WORKER_SECONDS} s (avvia «dask worker {spec}» su ogni "
                                 f"macchina); {UNTOUCHED}") from None
        except BaseException:
            self.close()
            raise

    @property
    def dashboard(self) -> str | None:
        """The address of the Dask dashboard, if the scheduler serves one
        (without bokeh, a local one serves only a page asking for it)."""
        if self.local is not None and not importlib.util.find_spec("bokeh"):
            return None
        try:
            return self.client.dashboard_link if "dashboard" in \
                self.client.scheduler_info().get("services", {}) else None
        except (OSError, KeyError):
            return None

    def _check_versions(self) -> None:
        """Every worker must give the results this process would."""
        ours = _versions()
        for theirs in self.client.run(_versions, on_error="return").values():
            if isinstance(theirs, BaseException):
                raise ClusterProblem(
                    f"i worker del cluster {self.spec} non possono eseguire cerca "
                    f"({theirs.__class__.__name__}): installalo su ogni macchina "
                    f"(pip install cerca); {UNTOUCHED}")
            if tuple(theirs) != ours:
                raise ClusterProblem(
                    f"i worker del cluster {self.spec} hanno cerca {theirs[0]} con il modello "
                    f"{theirs[1]}, qui cerca {ours[0]} con {ours[1]}: installa la stessa "
                    f"versione su ogni macchina; {UNTOUCHED}")

    def map_async(self, func: Callable[[Any], T], iterable: Iterable[Any],
                  chunksize: int | None = None) -> _Pending[T]:
        items = list(iterable)
        size = chunksize or max(1, -(-len(items) // self.workers))
        futures = []
        for start in range(0, len(items), size):
            self._sent += 1  # a key per chunk: a rerun replaces, never adds
            futures.append(self.client.submit(
                _apply, func, items[start:start + size], pure=False,
                key=f"{func.__name__}-{self._token}-{self._sent}"))
        return _Pending(self, futures)

    def close(self) -> None:
        if self.client is not None:
            self.client.close(timeout=CONNECT_SECONDS)
        if self.local is not None:
            self.local.close(timeout=CONNECT_SECONDS)
        self._quiet.restore()


class _Pending(Generic[T]):
    """Futures of one ``map_async``; ``get`` waits for them all, in order."""

    def __init__(self, cluster: Cluster, futures: list) -> None:
        self.cluster = cluster
        self.futures = futures

    def get(self, timeout: float | None = None) -> list[T]:
        import distributed

        spec, client = self.cluster.spec, self.cluster.client
        results: list[T] = []
        try:
            for future in self.futures:
                alone = 0.0  # seconds with no worker in the cluster
                while True:
                    try:
                        results += future.result(timeout=POLL_SECONDS)
                        break
                    except TimeoutError:
                        alone = 0.0 if client.nthreads() else alone + POLL_SECONDS
                        if alone >= WORKER_SECONDS:
                            raise ClusterProblem(f"nessun worker nel cluster {spec} da "
                                                 f"{WORKER_SECONDS} s: {KEPT}") from None
        except (CancelledError, OSError):  # the scheduler went away, or its connection
            raise ClusterProblem(f"cluster perso durante l'indicizzazione ({spec}): "
                                 f"{KEPT}") from None
        except distributed.KilledWorker:
            raise ClusterProblem(f"un lotto ha interrotto più volte i worker del cluster "
                                 f"{spec}: {KEPT}") from None
        return results


def _local_cluster(workers: int) -> Any:
    """N worker processes on loopback, one thread each (spaCy is not
    shared between threads). Its HTTP server (the dashboard, with bokeh)
    takes a free port: the default one may be another cluster's."""
    import distributed

    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)


class _Quiet:
    """Dask's own log lines (reconnecting, a worker lost, with tracebacks)
    stay off the user's terminal while a run uses the cluster: its outcome
    is reported in one line. Its loggers propagate to the handlers of
    ``distributed``, which drop every record until ``restore``."""

    def __init__(self) -> None:
        self.handlers = list(logging.getLogger("distributed").handlers)
        for handler in self.handlers:
            handler.addFilter(_drop)

    def restore(self) -> None:
        for handler in self.handlers:
            handler.removeFilter(_drop)


def _drop(record: logging.LogRecord) -> bool:
    return False
