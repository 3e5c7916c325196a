"""Consistent copies of an index, and putting one back.

A Whoosh segment file is never changed once written, and a commit only
adds files and then names them in a new TOC. So a snapshot is the current
TOC and the files it names, hard-linked where the file system allows (no
space, no time) and copied where it does not, plus the entity cache
(through sqlite's backup API, so a run writing it meanwhile is fine) and a
manifest of sizes and SHA-256 checksums. An indexer may commit while a
snapshot is taken: if the files named by the TOC disappear under it, the
snapshot starts over from the newer TOC. A replica checks what it was
sent with ``verify_snapshot`` before serving it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from search.index import (
    CURATION_STORE as STORE,
)
from search.index import (
    INDEX_NAME,
    IndexMissing,
    IndexProblem,
    create_index,
    open_index,
    replace_index,
    write_lock,
)
from search.stories.store import story_file

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
    (which must not exist, or be empty), with a manifest.

    It is built in a folder beside ``dest`` and renamed into place once
    complete and opened, so ``dest`` is never a partial copy. No lock is
    taken: an indexer may commit or rebuild meanwhile.
    """
    source, target = Path(index_dir), Path(dest)
    if not source.is_dir():
        raise IndexMissing(f"Nessun indice in {source}.")
    if target.exists() and any(target.iterdir()):
        raise IndexProblem(f"la cartella {target} esiste già e non è vuota")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        for _ in range(ATTEMPTS):
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            try:
                snap = _take(source, staging)
                _check_opens(staging, snap.generation, snap.documents)
                break
            except FileNotFoundError:  # a commit removed what we were linking: start over
                continue
        else:
            raise IndexProblem(f"l'indice {source} cambia troppo spesso per copiarlo: riprova")
        os.replace(staging, target)  # an empty ``dest`` is replaced too
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    snap.path = target
    return snap


def _take(source: Path, target: Path) -> Snapshot:
    """Pin the newest TOC by linking it first, then link what it names.

    A linked file cannot change or vanish (Whoosh never rewrites one, and a
    deletion only drops the index's name for it), so once the TOC is here
    its generation is fixed; a segment deleted before it is listed or
    linked raises FileNotFoundError, and the caller starts over from the
    newer TOC.
    """
    generation = TOC._latest_generation(FileStorage(str(source)), INDEX_NAME)
    if generation < 0:
        raise IndexMissing(f"Nessun indice in {source}.")
    toc_name = f"_{INDEX_NAME}_{generation}.toc"
    linked = _link(source / toc_name, target / toc_name)
    toc = TOC.read(FileStorage(str(target)), INDEX_NAME, generation)
    names = {segment.segment_id() for segment in toc.segments}
    files = [toc_name] + sorted(
        f.name for f in source.iterdir() if f.name.split(".", 1)[0] in names)
    for segment in toc.segments:  # all there, or a newer commit deleted some
        sid = segment.segment_id()
        present = {name for name in files if name.startswith(f"{sid}.")}
        if not present or (segment.is_compound() and f"{sid}.seg" not in present):
            raise FileNotFoundError(sid)
    if story_file(source, generation).exists():  # the generation's stories go with it
        files.append(story_file(source, generation).name)
    for name in files[1:]:
        linked = _link(source / name, target / name) and linked
    if (source / ENTITY_CACHE).exists():
        with closing(sqlite3.connect(source / ENTITY_CACHE)) as src, \
                closing(sqlite3.connect(target / ENTITY_CACHE)) as dst:
            src.backup(dst)
        files.append(ENTITY_CACHE)
    if (source / STORE).exists():  # copied, not linked: the store is appended to
        shutil.copy2(source / STORE, target / STORE)
        files.append(STORE)
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


def _link(source: Path, target: Path) -> bool:
    """Hard-link ``source`` as ``target``, or copy it where links are not
    possible (another file system); True if linked."""
    try:
        os.link(source, target)
        return True
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)  # an open file stays readable if deleted meanwhile
        return False


def verify_snapshot(snapshot: str | os.PathLike) -> dict:
    """The manifest, once every file matches its size and checksum and the
    copy opens as the index the manifest describes: what a replica checks
    before it serves what rsync delivered."""
    path = Path(snapshot)
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
        files, generation = dict(manifest["files"]), int(manifest["generation"])
        documents = int(manifest["documents"])
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexProblem(f"{path} non è una copia di Cerca: manca {MANIFEST} "
                           "o non si legge") from None
    for name, expected in files.items():
        file = path / name
        if Path(name).name != name or not file.is_file() \
                or file.stat().st_size != expected["bytes"] \
                or _sha256(file) != expected["sha256"]:
            raise IndexProblem(f"copia danneggiata: {name} non corrisponde al manifest")
    _check_opens(path, generation, documents)
    return manifest


def _check_opens(path: Path, generation: int, documents: int) -> None:
    """The copy's newest TOC is the manifest's, and it opens with that
    many documents (a stray newer TOC would be what a server opens)."""
    newest = TOC._latest_generation(FileStorage(str(path)), INDEX_NAME)
    if newest != generation:
        raise IndexProblem(f"copia incoerente: in {path} c'è la generazione {newest}, "
                           f"il manifest dice {generation}")
    index = open_index(path)
    try:
        found = index.doc_count()
    finally:
        index.close()
    if found != documents:
        raise IndexProblem(f"copia incoerente: {found} articoli, il manifest dice {documents}")


def restore_snapshot(snapshot: str | os.PathLike, index_dir: str | os.PathLike) -> int:
    """Make a verified snapshot the index at ``index_dir``, atomically (a new
    generation, as a rebuild), and return that generation. The snapshot
    itself is left as it was."""
    source, target = Path(snapshot), Path(index_dir)
    verify_snapshot(source)
    target.mkdir(parents=True, exist_ok=True)
    if not any(target.glob(f"_{INDEX_NAME}_*.toc")):
        create_index(target).close()
    with write_lock(target):
        staging = target / f".restore-{os.getpid()}"
        try:
            shutil.copytree(source, staging)
            generation = replace_index(target, staging)
            if (staging / ENTITY_CACHE).exists():
                os.replace(staging / ENTITY_CACHE, target / ENTITY_CACHE)
            if (staging / STORE).exists():  # the edits this index carries
                os.replace(staging / STORE, target / STORE)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return generation


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
