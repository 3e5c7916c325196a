"""Hostile web inputs, made on the spot: shared by tests/test_web_bombs.py
(at the smallest size that proves a bound) and bench/web_bombs.py (at full
size). Nothing here is committed as data: each file is written when needed."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPH = ("<p>Il consiglio comunale di Modena ha approvato il bilancio di "
             "previsione, dopo una seduta durata oltre quattro ore e segnata dalle proteste "
             "dei comitati di quartiere contro il taglio dei fondi alle scuole.</p>\n")


def article_html(title: str, paragraphs: int = 3, canonical: str = "") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = PARAGRAPH * paragraphs
    return (f"<!doctype html><html lang=it><head><meta charset=utf-8><title>{title}</title>"
            f"{link}</head><body><article><h1>{title}</h1>{body}</article></body></html>"
            ).encode()


def warc_records(pages: list[tuple[str, bytes]], gz: bool = True) -> bytes:
    """A WARC (gzipped per record, as crawlers write them) of HTML responses."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for uri, payload in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                           length=len(payload), http_headers=headers)
        writer.write_record(record)
        record.raw_stream.close()  # warcio's spooled copy, else a ResourceWarning
    return out.getvalue()


def pages(n: int) -> list[tuple[str, bytes]]:
    return [(f"https://www.giornale.example/cronaca/{i}.html", article_html(f"Seduta {i}"))
            for i in range(n)]


def cut_warc(path: Path) -> None:
    """Three pages, the archive cut in the middle of the third record."""
    data = warc_records(pages(2)) + warc_records(pages(3)[2:])
    whole = len(warc_records(pages(2)))
    path.write_bytes(data[:whole + (len(data) - whole) // 2])


def overlong_warc(path: Path, past: int) -> None:
    """An uncompressed WARC whose last record's Content-Length runs ``past``
    bytes beyond the end of the file."""
    data = warc_records(pages(3), gz=False)
    last = data.rfind(b"WARC/1.0")
    head, rest = data[:last], data[last:]
    start = rest.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = rest.index(b"\r\n", start)
    length = int(rest[start:end]) + past
    path.write_bytes(head + rest[:start] + str(length).encode() + rest[end:])


def huge_page_warc(path: Path, size: int) -> None:
    """One page of ``size`` bytes (a few MB of gzip, written as a stream)
    between two articles."""
    import gzip

    head = article_html("Enorme").split(b"<article>")[0] + b"<article><p>"
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % size)
    warc = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\n"
            b"WARC-Target-URI: https://x.example/big.html\r\n"
            b"WARC-Date: 2024-05-01T00:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(http) + size))
    records = pages(2)
    with path.open("wb") as out:
        out.write(warc_records(records[:1]))
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1) as member:
            member.write(warc + http + head)
            chunk = b"spam " * 200_000
            left = size - len(head)
            while left > 0:
                member.write(chunk[:left])
                left -= len(chunk)
            member.write(b"\r\n\r\n")
        out.write(warc_records(records[1:]))


def deep_page(path: Path, depth: int) -> None:
    path.write_bytes(b"<html><body>" + b"<div>" * depth + article_html("Profonda")
                     + b"</div>" * depth + b"</body></html>")


def paragraphs_page(path: Path, size: int) -> None:
    """A real article of ``size`` bytes: paragraphs only."""
    count = max(3, size // len(PARAGRAPH))
    path.write_bytes(article_html("Lunghissima", count))


def jsonl_line(path: Path, size: int) -> None:
    import json

    text = PARAGRAPH.replace("<p>", "").replace("</p>", "") * max(1, size // len(PARAGRAPH))
    path.write_text(json.dumps({"id": "riga-enorme", "title": "Riga enorme", "text": text}) + "\n",
                    encoding="utf-8")


def png_as_html(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)


def billion_laughs(path: Path) -> None:
    refs = {i: f"&lol{i - 1};" * 10 for i in range(1, 10)}
    entities = "".join(f'<!ENTITY lol{i} "{ref}">' for i, ref in refs.items())
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
                    f"<html><body><p>&lol9;</p>" + PARAGRAPH + "</body></html>", encoding="utf-8")


def javascript_canonical(path: Path) -> None:
    path.write_bytes(article_html("Canonico", canonical="javascript:alert(1)"))


def many_pages_warc(path: Path, n: int) -> None:
    path.write_bytes(warc_records(pages(n)))


def tree_memory(pid: int) -> int:
    """Resident memory, in bytes, of a process and all its descendants, a
    page they share counted once: the private pages of each, plus the
    shared pages of the one that shares most (the forked workers' shared
    pages are their parent's: the model, the libraries). A sum of resident
    sizes would count the model a forked pool shares once per process."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    private, shared, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        try:
            fields = dict(line.split(":", 1) for line in (Path("/proc") / str(current) /
                          "smaps_rollup").read_text().splitlines()[1:])
        except OSError:
            continue
        kb = {name: int(value.split()[0]) * 1024 for name, value in fields.items()}
        own = kb["Private_Clean"] + kb["Private_Dirty"]
        private += own
        shared = max(shared, kb["Rss"] - own)
    return private + shared


def run_measured(command: list[str], **kw) -> tuple[int, str, str, float, int]:
    """(exit code, stdout, stderr, seconds, peak memory of the process tree)."""
    import subprocess
    import time

    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)
    peak = 0
    out, err = "", ""
    while True:
        peak = max(peak, tree_memory(proc.pid))
        try:
            out, err = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            continue
    return proc.returncode, out, err, time.monotonic() - start, peak


CONTROLS = {f"controllo-{i}.txt": (f"Controllo {i}\n\nLa giunta regionale ha approvato il "
                                   f"piano numero {i} per le strade provinciali, dopo mesi di "
                                   "attesa e le proteste dei sindaci della montagna.\n")
            for i in range(3)}


def section_front() -> bytes:
    """A page of short links and no article: trafilatura then tries its
    fallbacks, and the first such page loads justext's stop lists of every
    language (about 25 MB, once a process), a fixed cost of reading pages."""
    links = "".join(f'<li><a href="/cronaca/{i}.html">Seduta {i}</a></li>' for i in range(30))
    return (f"<!doctype html><html lang=it><head><meta charset=utf-8><title>Cronaca</title>"
            f"</head><body><nav><ul>{links}</ul></nav></body></html>").encode()


def write_controls(folder: Path) -> None:
    """Three text articles, a small page and a section front (reported as
    no article): the baseline loads every part of the page reader, as the
    cases do."""
    for name, text in CONTROLS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "controllo.html").write_bytes(article_html("Controllo HTML"))
    (folder / "sezione.html").write_bytes(section_front())
