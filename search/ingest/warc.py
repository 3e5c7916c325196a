"""Read web archives (``.warc``, ``.warc.gz``) with warcio: each HTML page
captured with status 200 is one article.

The archive streams record by record, so its size does not matter. Records
that are not pages (requests, metadata, images, revisits, a URL captured
twice) are counted by reason and reported as ``Ignored``.

An article's id is the archive's id (its path without ``.warc[.gz]``, as
for text files) then the captured URL without its scheme and fragment:
``crawl/2024-05/www.ansa.it/cronaca/ponte.html``. It is stable when the
archive is rewritten and readable in a link (no ``//``).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from search.ingest.readers import MAX_FILE_BYTES
from search.models import Ignored, Page, Skipped

WARC_SUFFIXES = (".warc", ".warc.gz")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_SLASHES = re.compile(r"/{2,}")


def warc_id(article_id: str) -> str:
    """The archive's part of its articles' ids: ``a/b.warc.gz`` -> ``a/b``."""
    return article_id.removesuffix(".warc")


def page_id(base: str, uri: str) -> str:
    parts = urlsplit(uri)
    rest = _SLASHES.sub("/", parts.path or "/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{base}/{parts.netloc}{rest}{query}".rstrip("/")


class Damaged(Exception):
    """The archive ends inside a record, or a record runs past its end."""

    def __init__(self, records: int, what: str) -> None:
        super().__init__(f"archivio WARC danneggiato: {what}; letti {records} record "
                         "prima del danno (le loro pagine sono indicizzate)")


def read_warc(path: Path, article_id: str) -> Iterator[Page | Skipped | Ignored]:
    """Every page in the archive, then what was left out and why."""
    base = warc_id(article_id)
    tally: Counter[str] = Counter()
    try:
        for uri, record, read in _pages(path, tally):
            data = record.content_stream().read(MAX_FILE_BYTES + 1)
            where = f"{path} {uri}"
            if len(data) > MAX_FILE_BYTES:
                size = MAX_FILE_BYTES // 1_048_576
                yield Skipped(where, f"pagina troppo grande (oltre {size} MB)")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # declared more than was there
                raise Damaged(read - 1, f"il record di {uri} dichiara {record.length} byte "
                                        "ma l'archivio finisce prima")
            content_type = _content_type(record)
            charset = _CHARSET.search(content_type)
            yield Page(
                id=page_id(base, uri), data=data, origin=str(path), where=where,
                meta={"url": uri}, charset=charset.group(1) if charset else "",
                fallback_date=_warc_date(record.rec_headers.get_header("WARC-Date")),
            )
    except Damaged as exc:
        yield Skipped(str(path), str(exc))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        yield Skipped(str(path), f"archivio WARC illeggibile ({reason})")
    for reason, count in sorted(tally.items()):
        yield Ignored(str(path), reason, count)


def count_pages(path: Path) -> int:
    """How many articles ``read_warc`` will yield, reading headers only."""
    try:
        return sum(1 for _ in _pages(path, Counter()))
    except (Damaged, ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error):
        return 1


def _pages(path: Path, tally: Counter[str]) -> Iterator[tuple[str, Any, int]]:
    """(target URI, record, records read so far) for each HTML capture with
    status 200, each URL once; every other record is counted in ``tally``
    by reason. Raises ``Damaged`` if the archive ends inside a record
    (warcio stops there in silence)."""
    seen: set[str] = set()
    read = 0
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            read += 1
            kind = record.rec_type
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if kind == "revisit":
                tally["revisite (pagine già archiviate)"] += 1
            elif kind not in ("response", "resource"):
                tally[f"record «{kind}» (non sono pagine)"] += 1
            elif not _is_html(record):
                tally["risposte non HTML"] += 1
            elif (status := _status(record)) != "200":
                tally[f"risposte con stato HTTP {status}"] += 1
            elif uri in seen:
                tally["URL già letti in questo archivio"] += 1
            elif not uri:
                tally["record senza WARC-Target-URI"] += 1
            else:
                seen.add(uri)
                yield uri, record, read
        left = path.stat().st_size - records.offset
        if left > 0:
            raise Damaged(read, f"gli ultimi {left} byte non sono un record completo "
                                "(archivio troncato?)")


def _content_type(record) -> str:
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    return (headers.get_header("Content-Type") or "") if headers else ""


def _is_html(record) -> bool:
    return "html" in _content_type(record).lower()


def _status(record) -> str:
    if record.rec_type == "resource" or record.http_headers is None:
        return "200"
    return record.http_headers.get_statuscode() or "?"


def _warc_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
