"""Faults on real processes: killed, failing and racing runs, a full disk,
a rebuild under a live server. The old index must stay whole and served."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from search import SearchRequest, open_index, search
from tests.conftest import ARTICLES, SEEDS

CERCA = [sys.executable, "-c", "from cerca.cli import main; main()"]
WORDS = ("il consiglio comunale di Modena ha approvato il bilancio mentre i carabinieri "
         "indagano sul furto in via Emilia e la questura segue il caso della rapina").split()


def corpus(folder: Path, n: int, seed: int = 0) -> Path:
    """``n`` made-up articles in one JSONL file: enough work to interrupt."""
    import random

    rng = random.Random(seed)
    path = folder / f"corpus-{n}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(120)).capitalize() + "."
            out.write(json.dumps({"id": f"c{i:05d}", "date": "2024-05-01", "text": text}) + "\n")
    return path


def cerca(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CERCA, *args], capture_output=True, text=True, timeout=600, **kw)


def doc_count(index_dir: Path) -> int:
    return open_index(index_dir).doc_count()


@pytest.fixture
def indexed(tmp_path) -> Path:
    """An index of the test articles (11), without entities."""
    index_dir = tmp_path / "ix"
    assert cerca("index", str(ARTICLES), "--index", str(index_dir), "--no-entities").returncode == 0
    assert doc_count(index_dir) == 11
    return index_dir


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def rebuilding(index_dir: Path) -> bool:
    return any(index_dir.glob(".rebuild-*/_MAIN_*.toc"))


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_rebuild_leaves_the_old_index(indexed, tmp_path, how):
    big = corpus(tmp_path, 3000)
    proc = subprocess.Popen([*CERCA, "index", str(big), "--index", str(indexed), "--rebuild",
                             "--no-entities", "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Signalled at its first progress line: mid-run, however loaded the
    # machine (a fixed sleep let a fast run finish first).
    seen = ""
    while "indicizzati" not in seen and (line := proc.stderr.readline()):
        seen += line
    assert rebuilding(indexed), seen
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, seen + err
    assert "Traceback" not in err
    assert doc_count(indexed) == 11
    assert search(open_index(indexed), SearchRequest(q="Pechino")).total > 0
    # The next run completes unaided and clears what the killed one left.
    again = cerca("index", str(ARTICLES), "--index", str(indexed), "--no-entities")
    assert again.returncode == 0, again.stderr
    assert not list(indexed.glob(".rebuild-*"))


@pytest.mark.parametrize("problem", ["missing-corrections", "bad-yaml", "typo-folder", "empty"])
def test_a_failing_rebuild_leaves_the_old_index(indexed, tmp_path, problem):
    args = ["index", str(ARTICLES), "--index", str(indexed), "--rebuild"]
    if problem == "missing-corrections":
        args += ["--corrections", str(tmp_path / "nope.yaml")]
    elif problem == "bad-yaml":
        bad = tmp_path / "bad.yaml"
        bad.write_text("rename: [unclosed\n", "utf-8")
        args += ["--corrections", str(bad)]
    elif problem == "typo-folder":
        args = ["index", str(tmp_path / "articoli-typo"), "--index", str(indexed), "--rebuild",
                "--no-entities"]
    else:
        (tmp_path / "vuota").mkdir()
        args = ["index", str(tmp_path / "vuota"), "--index", str(indexed), "--rebuild",
                "--no-entities"]
    result = cerca(*args)
    assert result.returncode == 1
    assert result.stderr.startswith("cerca: errore: ") and len(result.stderr.splitlines()) == 1
    assert doc_count(indexed) == 11


def test_a_rebuild_and_an_incremental_run_never_share_the_index(indexed, tmp_path):
    big = corpus(tmp_path, 3000)
    rebuild = subprocess.Popen([*CERCA, "index", str(big), "--index", str(indexed), "--rebuild",
                                "--no-entities", "--jobs", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: rebuilding(indexed) or rebuild.poll() is not None)
    racing = cerca("index", str(SEEDS), "--index", str(indexed), "--no-entities")
    assert racing.returncode == 1 and "già in uso" in racing.stderr
    assert "Traceback" not in racing.stderr
    rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0
    assert doc_count(indexed) == 3000
    # And the other way round: a rebuild waits for no one, it is refused.
    racing = subprocess.Popen([*CERCA, "index", str(corpus(tmp_path, 3000, seed=1)),
                               "--index", str(indexed), "--no-entities", "--jobs", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: any(indexed.glob("MAIN_*.seg")) and racing.poll() is None
             and _locked(indexed) or racing.poll() is not None)
    refused = cerca("index", str(ARTICLES), "--index", str(indexed), "--rebuild",
                    "--no-entities")
    racing.communicate(timeout=300)
    assert racing.returncode == 0
    assert refused.returncode == 1 and "già in uso" in refused.stderr
    assert doc_count(indexed) == 3000


def _locked(index_dir: Path) -> bool:
    """Whether some process holds the index's write lock (an flock)."""
    import fcntl

    try:
        fd = os.open(index_dir / "MAIN_WRITELOCK", os.O_WRONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB file system (tmpfs, which needs root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_keeps_the_old_index_and_frees_the_space(small_disk, tmp_path):
    index_dir = small_disk / "ix"
    assert cerca("index", str(ARTICLES), "--index", str(index_dir), "--no-entities").returncode == 0
    used = _used(small_disk)
    big = corpus(tmp_path, 6000)
    # One writer, then Whoosh's writer processes (whose tracebacks once
    # reached the terminal): rebuild and incremental each.
    for jobs in ("1", "2"):
        for args in (["--rebuild"], []):
            result = cerca("index", str(big), "--index", str(index_dir), "--no-entities",
                           "--jobs", jobs, *args)
            assert result.returncode == 1, result.stdout
            assert "spazio su disco esaurito" in result.stderr, result.stderr
            assert "Traceback" not in result.stderr + result.stdout
            assert doc_count(index_dir) == 11
            assert _used(small_disk) <= used + 64 * 1024  # what it wrote is gone
    again = cerca("index", str(SEEDS), "--index", str(index_dir), "--no-entities")
    assert again.returncode == 0, again.stderr
    assert doc_count(index_dir) == 16


def test_a_full_disk_under_the_entity_cache_says_so_in_one_line(small_disk, tmp_path):
    """The entity step's sqlite cache lives in the index folder: "database
    or disk is full" is the same one line as a full disk under the index."""
    index_dir = small_disk / "ix"
    assert cerca("index", str(ARTICLES), "--index", str(index_dir), "--no-entities").returncode == 0
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "ballast").write_bytes(b"\0" * max(0, free - 96 * 1024))
    articles = corpus(tmp_path, 200)
    for args in (["--rebuild"], []):
        result = cerca("index", str(articles), "--index", str(index_dir), "--jobs", "1", *args)
        assert result.returncode == 1, result.stdout
        assert "spazio su disco esaurito" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert doc_count(index_dir) == 11


def _used(mount: Path) -> int:
    stat = os.statvfs(mount)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def test_no_reader_sees_an_empty_index_during_a_rebuild(indexed, tmp_path):
    """A live server answers throughout a rebuild, from the old index, then
    the new one; the switch is a new generation, so old ETags stop matching."""
    from werkzeug.serving import make_server

    from webapp import create_app

    server = make_server("127.0.0.1", 0, create_app({"INDEX_DIR": str(indexed)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/search?q=&page_size=1"
    try:
        with urllib.request.urlopen(url) as first:
            etag, generation = first.headers["ETag"], open_index(indexed).generation
        totals: list[int] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set() and len(totals) < 5000:
                with urllib.request.urlopen(url) as response:
                    totals.append(json.load(response)["total"])

        poller = threading.Thread(target=poll)
        poller.start()
        # The same articles again: a rebuild that lands on the same count.
        rebuilt = cerca("index", str(ARTICLES), "--index", str(indexed), "--rebuild",
                        "--no-entities")
        time.sleep(0.3)
        stop.set()
        poller.join()
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert totals and set(totals) == {11}
        assert open_index(indexed).generation > generation
        request = urllib.request.Request(url, headers={"If-None-Match": etag})
        with urllib.request.urlopen(request) as after:
            assert after.status == 200 and after.headers["ETag"] != etag
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z":
                found.append(int(entry.name))
                frontier.append(int(entry.name))
    return found


@pytest.mark.parametrize("phase", ["ner", "write"])
def test_a_killed_parallel_run_with_entities_leaves_no_orphans(tmp_path, phase):
    """Killed while the NER workers run, or once they have stopped and the
    writer processes run: never both at once (the pool closes first)."""
    big = corpus(tmp_path, 1200)
    index_dir = tmp_path / "ix"
    proc = subprocess.Popen([*CERCA, "index", str(big), "--index", str(index_dir), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pool: set[int] = set()  # the NER workers, which start first

    def reached() -> bool:
        live = set(_children(proc.pid))
        assert len(live) <= 2, "NER and writer processes alive at once"
        if not pool and len(live) == 2:
            pool.update(live)
        return proc.poll() is not None or bool(pool) and (
            phase == "ner" or len(live - pool) == 2)

    wait_for(reached, timeout=180)
    time.sleep(0.5)
    workers = _children(proc.pid)
    assert len(workers) == 2, f"expected two {phase} processes"
    proc.kill()
    proc.wait(timeout=30)
    wait_for(lambda: not any(Path(f"/proc/{w}").exists() and
                             "Z" not in _state(w) for w in workers), timeout=30)
    assert not _locked(index_dir)
    again = cerca("index", str(ARTICLES), "--index", str(index_dir), "--no-entities")
    assert again.returncode == 0, again.stderr


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("nested.md", "---\ntitle: " + "[" * 5000 + "\n---\nTesto dell'articolo.\n", "annidat"),
    ("bad-date.md", "---\ndate: 2025-13-40\n---\nTesto dell'articolo sul porto.\n", "non valid"),
    (b"caf\xe9.txt", "Titolo\n\nTesto dell'articolo sul mercato.\n", "UTF-8"),
])
def test_a_bad_file_is_reported_and_the_rest_indexed(tmp_path, name, content, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "buono.txt").write_text("Buono\n\nUn articolo che si legge bene.\n", "utf-8")
    target = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else folder / name
    with open(target, "w", encoding="utf-8") as out:
        out.write(content)
    result = cerca("index", str(folder), "--index", str(tmp_path / "ix"), "--no-entities",
                   "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 1
    assert len(report["skipped"]) == 1 and reason in report["skipped"][0]["reason"]


def test_duplicate_ids_say_which_file_wins(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dup.md").write_text("Primo\n\nLa versione in Markdown.\n", "utf-8")
    (folder / "dup.txt").write_text("Secondo\n\nLa versione in testo.\n", "utf-8")
    report = json.loads(cerca("index", str(folder), "--index", str(tmp_path / "ix"),
                              "--no-entities", "--json").stdout)
    assert report["added"] == 1
    (skipped,) = report["skipped"]
    assert skipped["path"].endswith("dup.txt") and "dup.md" in skipped["reason"]


def test_a_snapshot_taken_during_indexing_opens_and_restores(indexed, tmp_path):
    """A consistent copy while an indexer commits; restoring it is a new
    generation, as a rebuild is, and the snapshot itself stays intact."""
    from search import verify_snapshot

    writer = subprocess.Popen([*CERCA, "index", str(corpus(tmp_path, 3000)), "--index",
                               str(indexed), "--no-entities", "--jobs", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    snaps = []
    for i in range(3):
        result = cerca("snapshot", str(tmp_path / f"snap{i}"), "--index", str(indexed), "--json")
        assert result.returncode == 0, result.stderr
        snaps.append(json.loads(result.stdout))
        time.sleep(0.5)
    writer.wait(timeout=300)
    for i, snap in enumerate(snaps):
        assert doc_count(tmp_path / f"snap{i}") == snap["documents"] in (11, 3011)
        assert verify_snapshot(tmp_path / f"snap{i}")["generation"] == snap["generation"]
    assert doc_count(indexed) == 3011
    before = open_index(indexed).generation
    restored = cerca("restore", str(tmp_path / "snap0"), "--index", str(indexed))
    assert restored.returncode == 0, restored.stderr
    assert doc_count(indexed) == snaps[0]["documents"]
    assert open_index(indexed).generation > before
    verify_snapshot(tmp_path / "snap0")
    # A damaged snapshot is refused, and the index keeps what it had.
    seg = next((tmp_path / "snap1").glob("MAIN_*.seg"))
    seg.unlink()
    seg.write_bytes(b"rotto")  # a new file: the hard link to the index is not touched
    refused = cerca("restore", str(tmp_path / "snap1"), "--index", str(indexed))
    assert refused.returncode == 1 and "danneggiata" in refused.stderr
    assert doc_count(indexed) == snaps[0]["documents"]
