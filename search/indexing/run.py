"""The run policy every shell shares: processes, the entity step, rebuilds.

``index_paths`` is what ``cerca index`` and the Python API call: it picks
processes, builds the entity step and runs ``update_index``, so both give
the same index. A rebuild is built beside the old index and switched to
only once complete.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index

from search import ingest
from search.index import (
    INDEX_NAME,
    Index,
    IndexProblem,
    busy_message,
    create_index,
    open_index,
    remove_unreferenced,
    replace_index,
    write_lock,
)
from search.indexing.executor import Executor
from search.indexing.processes import die_with_parent, shared_pool
from search.indexing.read import count_units
from search.indexing.update import IndexReport, disk_message, existing_ids, update_index

if TYPE_CHECKING:
    from search.indexing.cluster import Cluster

# Below this many articles in a run, starting writer processes costs more
# than it saves.
PARALLEL_MIN = 1000
# Articles handed on at a time: big enough, in parallel, to keep every
# process busy between hand-overs.
PARALLEL_BATCH = 256
SERIAL_BATCH = 64
# A rebuild is built in a hidden folder inside the index folder (the same
# file system, so its files can move in atomically; Whoosh ignores names
# starting with a dot).
REBUILD_PREFIX = ".rebuild-"


def index_paths(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    entities: bool = True,
    corrections: str | os.PathLike | None = None,
    jobs: int | None = None,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
    cluster: str | None = None,
    notify: Callable[[str], None] | None = None,
) -> IndexReport:
    """Index the files under ``paths`` into the index at ``index_dir``.

    :param entities: find persons, places and organisations (the model).
    :param corrections: a YAML corrections file (see the README).
    :param jobs: processes for large runs; default every CPU. Runs under
        ``PARALLEL_MIN`` articles use one process, which starts faster.
    :param rebuild: start from an empty index.
    :param progress: called with the number of articles read, as they are;
        one with a ``phase(name)`` method is also told of the phases after
        reading ("write", then "commit"; see ``update._phase``).
    :param cluster: extract pages and run NER on a Dask cluster instead of
        local processes: ``tcp://HOST:PORT`` of its scheduler, or
        ``local:N`` to start N workers here (``search.indexing.cluster``).
    :param notify: called with a line for the user about the run (the
        cluster's dashboard address).
    Raises ``IndexProblem`` (and ``OSError``, ``ValueError`` for a bad
    corrections file) with a message for the user.
    """
    path, roots = Path(index_dir), [Path(p) for p in paths]
    missing = [r for r in roots if not r.exists()]
    if missing:
        raise IndexProblem(f"percorso inesistente: {ingest.display(str(missing[0]))}; "
                           "l'indice non è stato toccato")
    from search.curation.edits import corrections_of
    from search.curation.lock import exclusive
    from search.curation.store import Store
    from search.entities.corrections import Corrections

    given = Corrections.load(str(corrections) if corrections else None) if entities else None
    loaded = None
    jobs = jobs or os.cpu_count() or 1
    if count_units(roots) < PARALLEL_MIN:
        jobs = 1
    if jobs > 1 or entities:
        die_with_parent()

    if entities:
        from search.entities.ner import EntityEnricher, nlp, unload
        from search.entities.ner import loaded as model_loaded
    # A model this run loads is freed once the run is read (one loaded
    # before, by a caller that runs more, is kept).
    own_model = entities and cluster is None and not model_loaded()

    def warm() -> None:
        nlp()
        ingest.warm_page_reader()

    def run(index: Index) -> IndexReport:
        # One pool of workers (or the cluster) for entities and web pages,
        # its workers sharing the model this process loads.
        pool = None
        if jobs > 1 and farm is None:
            pool = shared_pool(jobs, ingest.warm_page_reader if loaded is None else warm)
        executor: Executor | None = farm or pool
        enricher = None

        def read_done() -> None:
            # The pool's workers are done: they stop before the writer
            # processes start, so the two never hold memory at once.
            if pool is not None:
                if enricher is not None:
                    enricher.release_pool()
                pool.close()
                pool.join()
            if own_model:
                unload()

        try:
            if loaded is not None:
                enricher = EntityEnricher(path, loaded, jobs=farm.workers if farm else jobs,
                                          pool=executor)
            return update_index(index, roots, enrich=enricher, progress=progress, jobs=jobs,
                                batch_size=PARALLEL_BATCH if jobs > 1 else SERIAL_BATCH,
                                pool=executor, entities=enricher is not None,
                                read_done=read_done)
        finally:
            if enricher is not None:
                enricher.close()
            if pool is not None:
                pool.terminate()
                pool.join()
            index.close()

    # Editors' edits wait for the whole run, which reads them once, here.
    with exclusive(path, busy=busy_message(path)):
        if given is not None:  # the edits kept beside the index, over the file given
            loaded = corrections_of(Store(path).active(), given)
        existed = whoosh_index.exists_in(path, indexname=INDEX_NAME)
        if existed:
            with write_lock(path):  # busy now rather than after reading every file
                _remove_leftovers(path)
        farm = _connect(cluster, notify) if cluster else None  # before the index is touched
        try:
            if rebuild and existed:
                return _rebuild(path, run)
            return run(create_index(path))
        finally:
            if farm is not None:
                farm.close()


def _connect(spec: str, notify: Callable[[str], None] | None) -> Cluster:
    from search.indexing.cluster import Cluster

    farm = Cluster(spec)
    if notify is not None:
        notify(f"cluster {spec}: {farm.workers} worker"
               + (f", pannello Dask: {farm.dashboard}" if farm.dashboard else ""))
    return farm


def _remove_leftovers(path: Path) -> None:
    """What killed runs left: a half-built rebuild, unreferenced segments."""
    for stale in path.glob(f"{REBUILD_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    remove_unreferenced(path)


def _ids_at(path: Path) -> set[str]:
    """The ids of the index at ``path``, its searcher closed after."""
    index = open_index(path)
    try:
        return set(existing_ids(index))
    finally:
        index.close()


def _rebuild(path: Path, run: Callable[[Index], IndexReport]) -> IndexReport:
    """Build a new index beside the old one and switch to it only once it
    is complete and verified; until then, and if anything fails, the old
    one stays as it was and keeps being served."""
    before = _ids_at(path)
    with write_lock(path):
        fresh = path / f"{REBUILD_PREFIX}{os.getpid()}"
        try:
            report = run(create_index(fresh))
            if not report.documents:
                raise IndexProblem("la ricostruzione non ha trovato articoli da indicizzare: "
                                   "l'indice resta com'era")
            after = _ids_at(fresh)
            replace_index(path, fresh)
        except OSError as exc:
            raise IndexProblem(disk_message(exc, path)) from None
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    report.added = len(after - before)
    report.updated = len(after & before)
    report.removed = len(before - after)
    report.unchanged = 0
    return report
