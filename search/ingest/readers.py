"""Read .txt, .md and .jsonl inputs into Articles.

Generators: they never index. Inputs that cannot become an article are
yielded as ``Skipped`` with a reason in Italian, so a caller can report
them and nothing is lost silently. A JSONL line carrying ``html`` instead
of ``text`` becomes a ``Page`` for ``html.read_page``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import charset_normalizer
import yaml

from search.ingest import newsroom
from search.ingest.dates import find_dates, infer_date
from search.ingest.furniture import strip_furniture
from search.links import web_url
from search.models import Article, Page, Skipped

MAX_FILE_BYTES = 50 * 1024 * 1024
# Larger JSONL files are read this many bytes of whole lines at a time.
JSONL_PIECE_BYTES = 8 * 1024 * 1024
TITLE_MAX_CHARS = 120
HEADLINE_MAX_WORDS = 25

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# **bold**, __bold__, *em*, _em_ (only when it wraps a word, not snake_case).
_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"
    r"|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])"
)
_HEADING = re.compile(r"^#{1,6}\s+", re.M)


class InputError(Exception):
    """An input that cannot be read; the message is for the user."""


def decode(data: bytes, declared: str = "") -> str:
    """UTF-8 (BOM or not) first; then the encoding the input declares (a web
    page's charset), if the bytes decode with it; otherwise detect, as
    Italian files are often cp1252 or latin-1. Returns NFC text.

    Bytes that are valid UTF-8 win over a declaration: pages saved by a
    browser keep a latin-1 ``<meta>`` over text it re-encoded as UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_declared(data, declared) or _decode_legacy(data)
    if "\x00" in text:
        raise InputError("il file non è testo (contiene byte nulli)")
    # Each step copies the text only when it changes it: a page may be tens of MB.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Characters an Italian text is made of; used to choose between decodings.
_ITALIAN_CHARS = frozenset(
    "àèéìíîòóùÀÈÉÌÒÙ“”‘’«»–—…°€" + "".join(chr(c) for c in range(32, 127)) + "\n\t"
)


def _italian_score(text: str) -> float:
    return sum(c in _ITALIAN_CHARS for c in text) / max(len(text), 1)


# As browsers do (WHATWG Encoding): these labels mean windows-1252.
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii"})


def _decode_declared(data: bytes, declared: str) -> str | None:
    if not declared:
        return None
    try:
        name = codecs.lookup(declared).name.replace("-", "_")
    except LookupError:
        return None
    if name in _AS_CP1252:
        name = "cp1252"
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def _decode_legacy(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    candidates: list[str] = []
    # The detector often reads short Italian text as cp1250 ("cittŕ");
    # cp1252, what Italian Windows editors write, competes on how Italian
    # the result looks, and wins ties.
    for encoding in ("cp1252", "latin-1"):
        try:
            candidates.append(data.decode(encoding))
            break
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        candidates.append(str(best))
    if not candidates:
        raise InputError("codifica dei caratteri non riconosciuta")
    return max(candidates, key=_italian_score)


def strip_markdown(text: str) -> str:
    """Emphasis and heading marks carry no words; "**tensione**" is "tensione"."""
    text = _HEADING.sub("", text)
    replaced = 1
    while replaced:  # a replacement drops marks, so the text changed: look again
        text, replaced = _EMPHASIS.subn(lambda m: m.group(2) or m.group(4), text)
    return text


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise InputError(f"front matter YAML non valido: {exc.__class__.__name__}") from None
    except ValueError as exc:  # YAML reads 2025-13-40 as a date, and fails
        raise InputError(f"front matter con un valore non valido ({exc})") from None
    except RecursionError:
        raise InputError("front matter annidato troppo in profondità") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError("il front matter deve essere una mappa chiave: valore")
    return meta, text[match.end():]


def metadata_date(value: Any) -> dt.date | None:
    """Front matter and JSON dates: a date, a datetime or an ISO string."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(f"data non valida: {text[:40]!r} (atteso AAAA-MM-GG)") from None


def split_title(text: str) -> tuple[str, str]:
    """A first line that reads as a headline (short, no final full stop,
    followed by a blank line) is the title; it is then not part of the body."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    is_headline = (
        rest.startswith("\n")
        and 0 < len(first.split()) <= HEADLINE_MAX_WORDS
        and not first.endswith((".", ":", ";", ","))
    )
    if is_headline:
        return first, rest.strip()
    return "", text


def title_from_text(text: str) -> str:
    """The start of the first sentence, cut at a word boundary."""
    first = text.strip().split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].strip()
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence.rstrip(".")
    cut = sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise InputError("persons/places/orgs devono essere liste di nomi")
    return [str(v).strip() for v in value if str(v).strip()]


def article_url(value: Any) -> tuple[str, list[str]]:
    """The ``url`` to store and the notes to report: only an http(s) URL is
    kept, as a browser would read it; anything else is set aside, and the
    note quotes it so that nothing is dropped unsaid."""
    if value is None or not str(value).strip():
        return "", []
    url = web_url(value)
    if url:
        return url, []
    return "", [f"url scartato (solo http e https diventano link): {str(value)[:200]!r}"]


def make_article(
    article_id: str, raw_text: str, meta: dict[str, Any], origin: str, markdown: bool = True,
    fallback_date: dt.date | None = None,
) -> Article:
    """Clean text and metadata into an Article: the one place all formats meet.

    Without a declared date, ``fallback_date`` (a web archive's capture
    date) comes before a date read from the text; both count as inferred.
    """
    text = strip_markdown(raw_text) if markdown else raw_text
    text, _ = strip_furniture(text)
    title = str(meta.get("title") or "").strip()
    if title:
        body = text
        heading, rest = split_title(text)
        if heading and heading.casefold() == title.casefold():
            body = rest
    else:
        title, body = split_title(text)
    body = body.strip()
    if not body:
        raise InputError("il testo dell'articolo è vuoto")
    news = newsroom.read(body)
    # A title made from the first sentence starts after the dateline and a
    # leading byline: "CARPI. Ieri sera…" is titled "Ieri sera…", not "CARPI".
    title = title or title_from_text(body[news.start:news.end] or body)
    entities_given = any(k in meta for k in ("persons", "places", "orgs"))
    date = metadata_date(meta.get("date"))
    inferred = date is None
    if inferred:
        date = fallback_date or infer_date(body)
    url, notes = article_url(meta.get("url"))
    return Article(
        id=article_id,
        text=body,
        title=title,
        date=date,
        date_inferred=inferred and date is not None,
        dates=find_dates(body, date),
        source=str(meta.get("source") or "").strip(),
        url=url,
        author=str(meta.get("author") or "").strip() or news.author,
        origin=origin,
        persons=_names(meta.get("persons")),
        places=_names(meta.get("places")),
        orgs=_names(meta.get("orgs")),
        entities_given=entities_given,
        notes=notes,
        dateline=news.dateline,
        ner_start=news.start,
        ner_end=news.end,
    )


def read_text_file(path: Path, article_id: str) -> Article:
    data = read_bytes(path)
    text = decode(data)
    meta, body = split_front_matter(text)
    return make_article(article_id, body, meta, origin=str(path))


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file troppo grande ({size // 1_048_576} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"file illeggibile ({exc.strerror or exc.__class__.__name__})") from None
    if not data.strip():
        raise InputError("file vuoto")
    return data


def read_jsonl(path: Path) -> Iterator[Article | Page | Skipped]:
    """One article a line; a broken line is skipped and reported by number."""
    number = 0
    try:
        for text in _jsonl_pieces(path):
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            for line in lines:
                number += 1
                if line.strip():
                    yield _jsonl_line(line, f"{path}:{number}", str(path))
    except InputError as exc:
        yield Skipped(str(path), str(exc))


def _jsonl_pieces(path: Path) -> Iterator[str]:
    """The file decoded whole or, past MAX_FILE_BYTES, a run of whole lines
    at a time: an archive export of any size streams through."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"file illeggibile ({exc.strerror or exc.__class__.__name__})") from None
    if size <= MAX_FILE_BYTES:
        yield decode(read_bytes(path))
        return
    with path.open("rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise InputError(f"file troppo grande ({size // 1_048_576} MB) in UTF-16")
        fh.seek(0)
        while lines := fh.readlines(JSONL_PIECE_BYTES):
            yield decode(b"".join(lines))


def _jsonl_line(line: str, where: str, origin: str) -> Article | Page | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(where, f"JSON non valido ({exc.msg}, colonna {exc.colno})")
    try:
        return _jsonl_article(record, where, origin)
    except InputError as exc:
        return Skipped(where, str(exc))


def _jsonl_article(record: Any, where: str, origin: str) -> Article | Page:
    if not isinstance(record, dict):
        raise InputError("la riga non è un oggetto JSON")
    article_id = str(record.get("id") or "").strip()
    if not article_id:
        raise InputError("manca il campo \"id\"")
    text = record.get("text")
    html = record.get("html")
    if not (isinstance(text, str) and text.strip()) and isinstance(html, str) and html.strip():
        meta = {k: v for k, v in record.items() if k not in ("id", "html", "text")}
        return Page(article_id, html, origin, where, meta)
    if not isinstance(text, str) or not text.strip():
        raise InputError("manca il campo \"text\" (o \"html\") o è vuoto")
    text = unicodedata.normalize("NFC", text)
    return make_article(article_id, text, record, origin=origin)


def utf8_name(path: Path) -> bool:
    """File names are ids and are shown: they must be text. Undecodable
    bytes reach Python as lone surrogates (surrogateescape)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display(path: str) -> str:
    """A path as printable text, undecodable bytes shown as �."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

