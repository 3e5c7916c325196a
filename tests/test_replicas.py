"""Snapshots and read replicas: snapshots taken while an indexer runs,
replicas that answer alike, and a symlink switched under load.

Real processes on loopback: `cerca index`, `cerca snapshot`, `cp -a` (as
rsync delivers), `cerca serve` and gunicorn.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from search import ServedIndex, open_index, verify_snapshot
from search.index import IndexProblem
from tests.conftest import ARTICLES, SEEDS
from tests.test_faults import CERCA, cerca, corpus
from tests.test_serving import _free_port, _server

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
QUERIES = ["/api/search?q=missili", "/api/search?q=roma&page_size=3", "/api/search",
           "/api/search?place=Roma", "/api/facets/person", "/api/facets/place?q=energia",
           "/api/search?q=il&sort=date&page=2&page_size=2", "/feed.atom?q=metro"]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def ids(index_dir: Path) -> set[str]:
    index = open_index(index_dir)
    try:
        with index.searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    finally:
        index.close()


def snapshot(index_dir: Path, dest: Path) -> dict:
    made = cerca("snapshot", str(dest), "--index", str(index_dir), "--json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)


def shipped(snap: Path, dest: Path) -> Path:
    """A copy on a replica host, as ``rsync -a`` writes it, then checked."""
    subprocess.run(["cp", "-a", str(snap), str(dest)], check=True)
    checked = cerca("snapshot", "--verify", str(dest))
    assert checked.returncode == 0 and "verificata" in checked.stdout, checked.stderr
    return dest


@pytest.fixture
def built(tmp_path) -> Path:
    index_dir = tmp_path / "ix"
    made = cerca("index", str(ARTICLES), str(SEEDS), "--index", str(index_dir), "--no-entities")
    assert made.returncode == 0, made.stderr
    return index_dir


def test_two_replicas_answer_alike(built, tmp_path):
    """One snapshot shipped to two folders, served by `cerca serve` and by
    gunicorn: the same JSON (facets included) and the same ETag."""
    snap = tmp_path / "snap"
    assert snapshot(built, snap)["hard_links"]
    one, two = shipped(snap, tmp_path / "r1"), shipped(snap, tmp_path / "r2")
    ports = _free_port(), _free_port()
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    serve = [*CERCA, "serve", "--index", str(one), "--port", str(ports[0])]
    gunicorn = [GUNICORN, "-c", "python:webapp.gunicorn_conf", "-b", f"127.0.0.1:{ports[1]}",
                "-w", "2", "--no-control-socket", "webapp:create_app()"]
    public = {"CERCA_BASE_URL": "https://cerca.example.org"}  # the feed's links
    with _server(serve, {**public, "CERCA_TEST_LOG": str(tmp_path / "one.log")}, bases[0]), \
            _server(gunicorn, {**public, "CERCA_INDEX_DIR": str(two),
                               "CERCA_TEST_LOG": str(tmp_path / "two.log")}, bases[1]):
        facets_seen = 0
        for query in QUERIES:
            (s1, h1, b1), (s2, h2, b2) = (fetch(base + query) for base in bases)
            assert s1 == s2 == 200, (query, b1[:200], b2[:200])
            assert h1["ETag"] == h2["ETag"] and h1["Last-Modified"] == h2["Last-Modified"]
            if query.startswith("/api/"):
                assert json.loads(b1) == json.loads(b2), query
                facets_seen += sum(len(v) for v in json.loads(b1).get("facets", {}).values())
                facets_seen += len(json.loads(b1).get("values", []))
            else:
                assert b1 == b2
        assert facets_seen > 10  # the comparison covered real facet values


def test_a_new_snapshot_is_switched_in_under_load(built, tmp_path):
    """gunicorn serves a symlink; switching it to a newer snapshot while a
    client searches without pause fails no request, and then the new
    snapshot (and a new ETag) is what every worker serves."""
    old = snapshot(built, tmp_path / "snaps" / "1")
    more = cerca("index", str(ARTICLES), str(SEEDS), str(corpus(tmp_path, 40)),
                 "--index", str(built), "--no-entities")
    assert more.returncode == 0, more.stderr
    new = snapshot(built, tmp_path / "snaps" / "2")
    assert new["documents"] == old["documents"] + 40
    current = tmp_path / "current"
    current.symlink_to(tmp_path / "snaps" / "1")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [GUNICORN, "-c", "python:webapp.gunicorn_conf", "-b", f"127.0.0.1:{port}",
                "-w", "2", "--threads", "4", "--no-control-socket", "webapp:create_app()"]
    answers: list[tuple[int, int | None, str]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            status, headers, body = fetch(base + "/api/search?q=il&page_size=2")
            total = json.loads(body).get("total") if status == 200 else None
            answers.append((status, total, headers.get("ETag", "")))

    with _server(gunicorn, {"CERCA_INDEX_DIR": str(current),
                            "CERCA_TEST_LOG": str(tmp_path / "server.log")}, base) as log:
        clients = [threading.Thread(target=poll) for _ in range(3)]
        for client in clients:
            client.start()
        time.sleep(1.5)
        before = len(answers)
        staging = tmp_path / "current.new"
        staging.symlink_to(tmp_path / "snaps" / "2")
        os.replace(staging, current)  # what `mv -T` does: one rename
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _settled(answers):
            time.sleep(0.2)
        stop.set()
        for client in clients:
            client.join(timeout=30)
        health = [json.loads(fetch(base + "/api/health")[2]) for _ in range(20)]
        server_log = log()
    assert before > 5 and len(answers) > before + 20
    assert {status for status, _, _ in answers} == {200}, server_log
    totals = [total for _, total, _ in answers]
    old_total, new_total = totals[0], totals[-1]
    assert set(totals) == {old_total, new_total} and new_total > old_total
    assert totals[:before].count(old_total) == before
    assert all(total == new_total for total in totals[-20:])
    assert answers[0][2] != answers[-1][2]  # a new ETag with the new snapshot
    assert {h["documents"] for h in health} == {new["documents"]}
    assert {h["generation"] for h in health} == {new["generation"]}
    assert "Traceback" not in server_log


def _settled(answers: list[tuple[int, int | None, str]]) -> bool:
    """The last 30 answers all come from the new snapshot (the query
    matches more articles there)."""
    last = [total for _, total, _ in answers[-30:]]
    return len(last) == 30 and len(set(last)) == 1 and last[0] != answers[0][1]


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_a_snapshot_taken_while_indexing_is_one_generation(built, tmp_path, rebuild):
    """Snapshots taken again and again while `cerca index` runs (adding
    3,000 articles, or rebuilding from them alone) each verify and hold
    exactly the articles of the index before or after the run."""
    before = ids(built)
    source = corpus(tmp_path, 3000)
    args = [str(source)] if rebuild else [str(ARTICLES), str(SEEDS), str(source)]
    log = tmp_path / "index.log"
    with log.open("wb") as out:
        writer = subprocess.Popen([*CERCA, "index", *args, "--index", str(built),
                                   "--no-entities", "--jobs", "1",
                                   *(["--rebuild"] if rebuild else [])],
                                  stdout=subprocess.DEVNULL, stderr=out)
    taken, during = [], 0
    while True:  # the last snapshot starts after the run has ended
        running = writer.poll() is None
        dest = tmp_path / f"snap{len(taken)}"
        snap = snapshot(built, dest)
        during += running and writer.poll() is None  # the run went on past it
        taken.append((dest, snap))
        if not running:
            break
    assert writer.wait() == 0, log.read_text("utf-8")
    after = ids(built)
    assert after != before and during >= 1
    for dest, snap in taken:
        assert verify_snapshot(dest)["generation"] == snap["generation"]
        assert ids(dest) in (before, after)
        assert snap["documents"] == len(ids(dest))
    assert ids(taken[-1][0]) == after


def test_an_index_in_use_closes_only_after_its_last_request(built, tmp_path):
    """The served index follows the symlink: a lease taken before the
    switch keeps its (open, working) index; the new one is opened once for
    all threads; the old one closes with its last lease."""
    old_snap, new_snap = tmp_path / "a", tmp_path / "b"
    snapshot(built, old_snap)
    more = cerca("index", str(ARTICLES), str(SEEDS), str(corpus(tmp_path, 5)),
                 "--index", str(built), "--no-entities")
    assert more.returncode == 0, more.stderr
    snapshot(built, new_snap)
    link = tmp_path / "current"
    link.symlink_to(old_snap)
    served = ServedIndex(link)
    running = served.acquire()
    assert running is not None and running.path == old_snap.resolve()
    staging = tmp_path / "next"
    staging.symlink_to(new_snap)
    os.replace(staging, link)
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(served.acquire())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(index) for index in got}) == 1 and got[0] is not running
    assert got[0].doc_count() == running.doc_count() + 5
    with running.searcher() as searcher:  # still open and answering
        assert searcher.doc_count() == running.doc_count()
    served.release(running)
    assert searcher.is_closed  # closed with its last lease
    for index in got:
        served.release(index)
    assert got[0] is served.acquire()  # the current one stays open
    served.close()


def test_a_switch_to_a_broken_folder_keeps_serving_and_generations_may_repeat(tmp_path):
    """`cerca serve` on a symlink: switched to a folder with no index it
    keeps answering from the old one; switched to another host's snapshot
    at the same generation it serves that one, with another ETag."""
    hosts = {}
    for name, source in (("a", ARTICLES), ("b", SEEDS)):
        made = cerca("index", str(source), "--index", str(tmp_path / name), "--no-entities")
        assert made.returncode == 0, made.stderr
        hosts[name] = snapshot(tmp_path / name, tmp_path / f"snap-{name}")
    assert hosts["a"]["generation"] == hosts["b"]["generation"]
    (tmp_path / "empty").mkdir()
    current = tmp_path / "current"
    current.symlink_to(tmp_path / "snap-a")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [*CERCA, "serve", "--index", str(current), "--port", str(port)]

    def switch(target: str) -> None:
        staging = tmp_path / "current.new"
        staging.symlink_to(tmp_path / target)
        os.replace(staging, current)

    def answer() -> tuple[int, str]:
        status, headers, body = fetch(base + "/api/search?page_size=1")
        assert status == 200, body[:300]
        return json.loads(body)["total"], headers["ETag"]

    with _server(serve, {"CERCA_TEST_LOG": str(tmp_path / "server.log")}, base) as log:
        first = answer()
        switch("empty")
        assert [answer() for _ in range(5)] == [first] * 5
        assert fetch(base + "/api/health")[0] == 200
        switch("snap-b")
        second = answer()
        assert log().count("non si apre") >= 1
    assert first[0] == hosts["a"]["documents"] and second[0] == hosts["b"]["documents"]
    assert first[1] != second[1]


def test_verify_refuses_what_rsync_got_wrong(built, tmp_path):
    """A replica checks what it received before switching: a changed,
    missing or extra commit file is refused, with a message in Italian."""
    snapshot(built, tmp_path / "snap")
    copy = shipped(tmp_path / "snap", tmp_path / "copy")
    toc = next(copy.glob("_MAIN_*.toc"))
    generation = int(toc.stem.rsplit("_", 1)[1])
    shutil.copy(toc, copy / f"_MAIN_{generation + 1}.toc")  # a stray newer commit
    refused = cerca("snapshot", "--verify", str(copy))
    assert refused.returncode == 1 and "incoerente" in refused.stderr
    (copy / f"_MAIN_{generation + 1}.toc").unlink()
    seg = next(copy.glob("MAIN_*.seg"))
    seg.write_bytes(seg.read_bytes()[:-1])
    refused = cerca("snapshot", "--verify", str(copy))
    assert refused.returncode == 1 and "danneggiata" in refused.stderr
    assert "Traceback" not in refused.stderr
    shutil.rmtree(copy)
    copy.mkdir()
    refused = cerca("snapshot", "--verify", str(copy))
    assert refused.returncode == 1 and "manifest" in refused.stderr
    with pytest.raises(IndexProblem):
        verify_snapshot(copy)


def held_open(folder: Path) -> int:
    """Files of ``folder`` this process holds open or mapped."""
    prefix = str(folder.resolve())
    fds = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
           if os.path.exists(f"/proc/self/fd/{fd}")]
    maps = Path("/proc/self/maps").read_text().split()
    return sum(1 for path in fds + maps if path.startswith(prefix))


def test_an_export_streaming_across_a_switch_finishes_on_its_snapshot(built, tmp_path):
    """An export started before the symlink moves streams every row of its
    snapshot while new requests see the new one; the old snapshot's files
    are let go once that export ends."""
    from webapp import create_app

    old = snapshot(built, tmp_path / "a")
    more = cerca("index", str(ARTICLES), str(SEEDS), str(corpus(tmp_path, 5)),
                 "--index", str(built), "--no-entities")
    assert more.returncode == 0, more.stderr
    new = snapshot(built, tmp_path / "b")
    link = tmp_path / "current"
    link.symlink_to(tmp_path / "a")
    app = create_app({"TESTING": True, "INDEX_DIR": str(link)})
    client = app.test_client()
    streaming = client.get("/api/export?format=jsonl", buffered=False)
    rows = iter(streaming.response)
    first = next(rows)
    staging = tmp_path / "next"
    staging.symlink_to(tmp_path / "b")
    os.replace(staging, link)
    assert client.get("/api/search").json["total"] == new["documents"]
    assert held_open(tmp_path / "a") > 0
    lines = b"".join([first, *rows]).decode("utf-8").splitlines()
    assert len(lines) == old["documents"] < new["documents"]
    streaming.close()
    assert held_open(tmp_path / "a") == 0 and held_open(tmp_path / "b") > 0
    app.extensions["cerca"].close()
    assert held_open(tmp_path / "b") == 0


def test_a_snapshot_across_file_systems_is_copied(built, tmp_path):
    """Where hard links are impossible (here /dev/shm, another file
    system) the files are copied, and the copy verifies."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system")
    dest = shm / f"cerca-test-{os.getpid()}"
    try:
        snap = snapshot(built, dest)
        assert not snap["hard_links"]
        verify_snapshot(dest)
        assert ids(dest) == ids(built)
    finally:
        shutil.rmtree(dest, ignore_errors=True)
