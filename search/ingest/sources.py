"""Which files under an indexed folder are inputs, and which reader reads each.

Every entry under a folder is accounted for: a file a reader knows, or an
``Ignored`` with the reason (another format, hidden, a link to a folder),
so that a run can say what it left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from search.ingest.html import HTML_SUFFIXES, read_html_file, read_pages
from search.ingest.readers import InputError, read_jsonl, read_text_file, utf8_name
from search.ingest.warc import WARC_SUFFIXES, count_pages, read_warc
from search.models import Article, Ignored, Page, Skipped

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES + WARC_SUFFIXES
UNSUPPORTED = "formato non supportato"
HIDDEN = "nascosto"
LINKED_FOLDER = "collegamento a una cartella (non seguito)"
NOT_A_FILE = "non è un file regolare"


def suffix(path: Path) -> str:
    """The suffix that decides the reader: ``.warc.gz`` is one."""
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def scan(root: Path) -> Iterator[Path | Ignored]:
    """Input files under ``root`` (or ``root`` itself) in a stable order,
    then what is left out. Hidden entries are not descended into."""
    if not root.is_dir():
        yield root if suffix(root) in SUFFIXES else Ignored(str(root), UNSUPPORTED)
        return
    files: list[Path] = []
    left_out: list[Ignored] = []
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        for name in list(dirs):
            path = base / name
            if name.startswith("."):
                left_out.append(Ignored(str(path), HIDDEN))
                dirs.remove(name)
            elif path.is_symlink():
                left_out.append(Ignored(str(path), LINKED_FOLDER))
        for name in names:
            path = base / name
            if name.startswith("."):
                left_out.append(Ignored(str(path), HIDDEN))
            elif not path.is_file():
                left_out.append(Ignored(str(path), NOT_A_FILE))
            elif suffix(path) in SUFFIXES:
                files.append(path)
            else:
                left_out.append(Ignored(str(path), UNSUPPORTED))
    yield from sorted(files)
    yield from sorted(left_out, key=lambda i: i.path)


def find_files(root: Path) -> list[Path]:
    """Input files under ``root`` (or ``root`` itself), in a stable order."""
    return [p for p in scan(root) if isinstance(p, Path)]


def article_id(path: Path, root: Path) -> str:
    """The path relative to the indexed root, without its suffix."""
    base = root if root.is_dir() else root.parent
    return path.relative_to(base).with_suffix("").as_posix()


def read_items(path: Path, root: Path) -> Iterator[Article | Page | Skipped | Ignored]:
    """Every article in one file (pages not yet extracted), or why it has none.

    One bad file never stops a run: whatever goes wrong reading it, the
    file is reported with the reason and the others are read.
    """
    if not utf8_name(path):
        yield Skipped(str(path), "nome del file non in UTF-8: rinominalo per indicizzarlo")
        return
    kind = suffix(path)
    try:
        if kind in JSONL_SUFFIXES:
            yield from read_jsonl(path)
        elif kind in WARC_SUFFIXES:
            yield from read_warc(path, article_id(path, root))
        elif kind in HTML_SUFFIXES:
            yield read_html_file(path, article_id(path, root))
        else:
            yield read_text_file(path, article_id(path, root))
    except InputError as exc:
        yield Skipped(str(path), str(exc))
    except RecursionError:
        yield Skipped(str(path), "struttura annidata troppo in profondità")
    except Exception as exc:  # noqa: BLE001 - reported: one file must not stop the run
        yield Skipped(str(path), f"errore imprevisto nella lettura ({type(exc).__name__}: {exc})")


def read_path(path: Path, root: Path) -> Iterator[Article | Skipped | Ignored]:
    """Every article in one file, or why it has none."""
    items: Iterator[Any] = read_items(path, root)
    yield from read_pages(items)


def read_paths(roots: Iterable[Path]) -> Iterator[Article | Skipped | Ignored]:
    for root in roots:
        if not root.exists():
            yield Skipped(str(root), "percorso inesistente")
            continue
        for entry in scan(root):
            if isinstance(entry, Ignored):
                yield entry
            else:
                yield from read_path(entry, root)


def units_in(path: Path) -> int:
    """How many articles one file holds, cheaply: lines of JSONL, pages of a WARC."""
    kind = suffix(path)
    if kind in WARC_SUFFIXES:
        return count_pages(path)
    if kind in JSONL_SUFFIXES:
        try:
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        except OSError:
            return 1
    return 1
