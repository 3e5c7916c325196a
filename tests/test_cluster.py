"""Extraction on a real Dask cluster on loopback: the same index as the
default path, a worker killed mid-run, a scheduler that is missing or lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from search import SearchRequest, index_paths, open_index, search
from search.indexing.cluster import POLL_SECONDS
from tests.conftest import DATA, SEEDS
from tests.test_faults import CERCA, _children, _locked, _state, cerca, corpus, wait_for

distributed = pytest.importorskip("distributed")
DASK = Path(sys.executable).parent / "dask"
PAGES = DATA / "pages"


def contents(index_dir: Path) -> tuple[dict, dict]:
    """Every document's stored fields by id, and every facet's values."""
    index = open_index(index_dir)
    try:
        with index.searcher() as searcher:
            docs = {fields["id"]: fields for fields in searcher.all_stored_fields()}
        result = search(index, SearchRequest(page_size=1, facet_limit=1000))
        facets = {name: [(v.value, v.count) for v in values]
                  for name, values in result.facets.items()}
    finally:
        index.close()
    return docs, facets


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """Seeds, web pages (extracted on the cluster) and enough made-up
    articles to keep two workers busy for several tasks."""
    folder = tmp_path_factory.mktemp("work")
    for source in (*SEEDS.iterdir(), *PAGES.glob("*.htm*")):
        (folder / source.name).write_bytes(source.read_bytes())
    corpus(folder, 300)
    return folder


@pytest.fixture(scope="module")
def reference(work, tmp_path_factory) -> tuple[dict, dict]:
    """The index the default path (no cluster) builds."""
    index_dir = tmp_path_factory.mktemp("reference")
    report = index_paths(index_dir, [work])
    assert report.added == 305 + 3 and report.documents == 308
    return contents(index_dir)


def test_a_local_cluster_builds_the_same_index(work, reference, tmp_path):
    result = cerca("index", str(work), "--index", str(tmp_path / "ix"), "--cluster", "local:2")
    assert result.returncode == 0, result.stderr
    assert "cluster local:2: 2 worker" in result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    docs, facets = contents(tmp_path / "ix")
    assert docs == reference[0]
    assert facets == reference[1]
    assert facets["person"] and facets["place"]  # NER ran on the workers


def test_a_killed_run_on_a_local_cluster_leaves_no_workers(work, tmp_path):
    index_dir = tmp_path / "ix"
    run = subprocess.Popen([*CERCA, "index", str(work), "--index", str(index_dir),
                            "--cluster", "local:2"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    assert run.stderr.readline().startswith("cluster local:2: 2 worker")  # workers are up
    workers = _children(run.pid)
    assert len(workers) >= 2
    run.kill()
    run.communicate(timeout=30)
    wait_for(lambda: all(_state(w) == "Z" for w in workers), timeout=60)
    assert not _locked(index_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dask:
    """A real ``dask scheduler`` and ``dask worker`` processes on loopback."""

    def __init__(self, workers: int) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        host, port = self.address[6:].split(":")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.scheduler = subprocess.Popen(
            [DASK, "scheduler", "--host", host, "--port", port, "--no-dashboard"], **quiet)
        self.workers = subprocess.Popen(
            [DASK, "worker", self.address, "--nworkers", str(workers), "--nthreads", "1",
             "--no-dashboard", "--host", "127.0.0.1"], **quiet)
        self.client = distributed.Client(self.address, timeout=60, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=120)

    def busy(self) -> dict[str, int]:
        """The pid of each worker that is running a task now."""
        pids = self.client.run(os.getpid)
        return {addr: pids[addr] for addr, tasks in self.client.processing().items()
                if tasks and addr in pids}

    def close(self) -> None:
        self.client.close()
        for process in (self.workers, self.scheduler):
            process.terminate()
            process.wait(timeout=60)


@pytest.fixture
def dask_cluster():
    cluster = Dask(workers=2)
    yield cluster
    cluster.close()


def test_a_killed_worker_has_its_batch_done_elsewhere(work, reference, dask_cluster, tmp_path):
    killed: list[int] = []

    def kill_one_busy_worker() -> None:
        wait_for(lambda: dask_cluster.busy(), timeout=300)
        pid = next(iter(dask_cluster.busy().values()))
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_one_busy_worker)
    killer.start()
    report = index_paths(tmp_path / "ix", [work], cluster=dask_cluster.address)
    killer.join()
    assert killed, "no worker was killed"
    assert report.documents == 308
    assert contents(tmp_path / "ix") == reference

    def model_loads() -> tuple[int, int]:  # nested: sent by value, run on each worker
        from search.entities.ner import _load

        return _load.cache_info().misses, _load.cache_info().hits

    # The model loaded once per worker process, not once per task.
    loads = dask_cluster.client.run(model_loads)
    assert loads and all(misses <= 1 for misses, _ in loads.values())
    assert sum(hits for _, hits in loads.values()) >= 1


@pytest.fixture
def indexed(tmp_path) -> Path:
    index_dir = tmp_path / "ix"
    assert cerca("index", str(SEEDS), "--index", str(index_dir), "--no-entities").returncode == 0
    return index_dir


def state(index_dir: Path) -> tuple[int, int, list[str]]:
    """The commit, its size and the index's files (the entity cache aside)."""
    index = open_index(index_dir)
    try:
        files = sorted(set(os.listdir(index_dir)) - {"entities.sqlite"})
        return index.generation, index.doc_count(), files
    finally:
        index.close()


@pytest.mark.parametrize(("value", "message"), [
    ("tcp://127.0.0.1:{port}", "cluster non raggiungibile: tcp://127.0.0.1:{port}"),
    ("127.0.0.1", "cluster non valido: «127.0.0.1»"),
    ("local:0", "cluster non valido: «local:0»"),
])
def test_an_unusable_cluster_leaves_the_index_untouched(indexed, work, value, message):
    port = free_port()  # closed: nothing listens on it
    before = state(indexed)
    result = cerca("index", str(work), "--index", str(indexed), "--cluster",
                   value.format(port=port))
    assert result.returncode == 1
    assert result.stderr.startswith("cerca: errore: " + message.format(port=port))
    assert "l'indice non è stato toccato" in result.stderr
    assert "Traceback" not in result.stderr
    assert state(indexed) == before
    assert not (indexed / "entities.sqlite").exists()


def _lose_scheduler(indexed, args: list[str], ready) -> tuple[int, str, str]:
    """Run `cerca index ARGS --cluster` on a one-worker cluster, kill the
    scheduler once ``ready(cluster, run)`` holds; the run's exit code and output."""
    cluster = Dask(workers=1)
    try:
        run = subprocess.Popen([*CERCA, "index", *args, "--index", str(indexed),
                                "--cluster", cluster.address],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready(cluster, run)
        cluster.scheduler.send_signal(signal.SIGKILL)
        out, err = run.communicate(timeout=120 + POLL_SECONDS)
    finally:
        cluster.close()
    assert "Traceback" not in err
    return run.returncode, out, err


def test_a_lost_scheduler_fails_the_run_and_keeps_the_last_commit(indexed, work, tmp_path):
    before = state(indexed)
    code, out, err = _lose_scheduler(
        indexed, [str(work)], lambda cluster, run: wait_for(cluster.busy, timeout=300))
    assert code == 1, out + err
    assert "cluster perso durante l'indicizzazione" in err
    assert "l'indice resta com'era" in err
    assert state(indexed) == before


def test_a_scheduler_lost_while_writing_cancels_the_writer(indexed, tmp_path):
    """Without entities, pages are extracted on the cluster while the
    writer is open: losing it then undoes the writer as any failure does."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(150):
        for source in PAGES.glob("*.htm*"):
            (pages / f"{n:03d}-{source.name}").write_bytes(source.read_bytes())
    def writing(cluster, run) -> None:
        wait_for(lambda: _locked(indexed) or run.poll() is not None, timeout=300)
        time.sleep(1.5)  # past the lock's brief check at start: the writer holds it
        assert _locked(indexed), run.communicate()

    before = state(indexed)
    code, out, err = _lose_scheduler(indexed, [str(pages), "--no-entities"], writing)
    assert code == 1, out + err
    assert "cluster perso durante l'indicizzazione" in err
    assert state(indexed) == before  # no segment of the cancelled writer is left
    assert not _locked(indexed)


def test_dask_is_not_imported_without_a_cluster():
    code = ("import sys, search; from search import index_paths; "
            "assert 'distributed' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
