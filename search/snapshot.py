"""Consistent copies of an index, and putting one back.

A Whoosh segment file is never changed once written, and a commit only
adds files and then names them in a new TOC. So a snapshot is the current
TOC and the files it names, hard-linked where the file system allows (no
space, no time) and copied where it does not, plus the entity cache
(through sqlite's backup API, so a run writing it meanwhile is fine) and a
manifest of sizes and SHA-256 checksums. An indexer may commit while a
snapshot is taken: if the files named by the TOC disappear under it, the
snapshot starts over from the newer TOC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from search.index import INDEX_NAME, IndexMissing, IndexProblem, replace_index, write_lock

MANIFEST = "manifest.json"
ENTITY_CACHE = "entities.sqlite"
ATTEMPTS = 5


@dataclass
class Snapshot:
    """What ``take_snapshot`` wrote."""

    path: Path
    generation: int
    documents: int
    files: int
    bytes: int
    linked: bool  # hard links (False: copies)


def take_snapshot(index_dir: str | os.PathLike, dest: str | os.PathLike) -> Snapshot:
    """Write a consistent copy of the index's current generation to ``dest``
    (which must not exist, or be empty), with a manifest."""
    source, target = Path(index_dir), Path(dest)
    if target.exists() and any(target.iterdir()):
        raise IndexProblem(f"la cartella {target} esiste già e non è vuota")
    for _ in range(ATTEMPTS):
        try:
            return _take(source, target)
        except FileNotFoundError:  # a commit removed old segments: start over
            shutil.rmtree(target, ignore_errors=True)
    raise IndexProblem(f"l'indice {source} cambia troppo spesso per copiarlo: riprova")


def _take(source: Path, target: Path) -> Snapshot:
    storage = FileStorage(str(source))
    try:
        toc = TOC.read(storage, INDEX_NAME)
    except Exception:  # noqa: BLE001 - Whoosh raises several kinds for "no index"
        raise IndexMissing(f"Nessun indice in {source}.") from None
    names = {segment.segment_id() for segment in toc.segments}
    files = [f"_{INDEX_NAME}_{toc.generation}.toc"] + sorted(
        f.name for f in source.iterdir() if f.name.split(".", 1)[0] in names)
    target.mkdir(parents=True, exist_ok=True)
    linked = True
    for name in files:
        try:
            os.link(source / name, target / name)
        except FileNotFoundError:
            raise
        except OSError:  # another file system, or links not allowed: copy
            shutil.copy2(source / name, target / name)
            linked = False
    if (source / ENTITY_CACHE).exists():
        with sqlite3.connect(source / ENTITY_CACHE) as src, \
                sqlite3.connect(target / ENTITY_CACHE) as dst:
            src.backup(dst)
        files.append(ENTITY_CACHE)
    manifest = {
        "generation": toc.generation,
        "documents": sum(s.doc_count() for s in toc.segments),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": {name: {"bytes": (target / name).stat().st_size,
                         "sha256": _sha256(target / name)} for name in files},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), "utf-8")
    return Snapshot(target, toc.generation, manifest["documents"], len(files),
                    sum(f["bytes"] for f in manifest["files"].values()), linked)


def verify_snapshot(snapshot: str | os.PathLike) -> dict:
    """The manifest, once every file matches its size and checksum."""
    path = Path(snapshot)
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise IndexProblem(f"{path} non è una copia di Cerca: manca {MANIFEST}") from None
    for name, expected in manifest["files"].items():
        file = path / name
        if not file.is_file() or file.stat().st_size != expected["bytes"] \
                or _sha256(file) != expected["sha256"]:
            raise IndexProblem(f"copia danneggiata: {name} non corrisponde al manifest")
    return manifest


def restore_snapshot(snapshot: str | os.PathLike, index_dir: str | os.PathLike) -> int:
    """Make a verified snapshot the index at ``index_dir``, atomically (a new
    generation, as a rebuild), and return that generation. The snapshot
    itself is left as it was."""
    source, target = Path(snapshot), Path(index_dir)
    verify_snapshot(source)
    target.mkdir(parents=True, exist_ok=True)
    if not any(target.glob(f"_{INDEX_NAME}_*.toc")):
        from search.index import create_index

        create_index(target).close()
    with write_lock(target):
        staging = target / f".restore-{os.getpid()}"
        try:
            shutil.copytree(source, staging)
            generation = replace_index(target, staging)
            if (staging / ENTITY_CACHE).exists():
                os.replace(staging / ENTITY_CACHE, target / ENTITY_CACHE)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return generation


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
