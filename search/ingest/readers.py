"""Read .txt, .md and .jsonl inputs into Articles.

A generator: it never indexes. Inputs that cannot become an article are
yielded as ``Skipped`` with a reason in Italian, so a caller can report
them and nothing is lost silently.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import charset_normalizer
import yaml

from search.ingest.dates import find_dates, infer_date
from search.ingest.furniture import strip_furniture
from search.models import Article, Skipped

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES
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


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first; otherwise detect, as Italian files are
    often cp1252 or latin-1. Returns NFC text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    if "\x00" in text:
        raise InputError("il file non è testo (contiene byte nulli)")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# Characters an Italian text is made of; used to choose between decodings.
_ITALIAN_CHARS = frozenset(
    "àèéìíîòóùÀÈÉÌÒÙ“”‘’«»–—…°€" + "".join(chr(c) for c in range(32, 127)) + "\n\t"
)


def _italian_score(text: str) -> float:
    return sum(c in _ITALIAN_CHARS for c in text) / max(len(text), 1)


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
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text)
    return text


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise InputError(f"front matter YAML non valido: {exc.__class__.__name__}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError("il front matter deve essere una mappa chiave: valore")
    return meta, text[match.end():]


def parse_date(value: Any) -> dt.date | None:
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


def make_article(
    article_id: str, raw_text: str, meta: dict[str, Any], origin: str, markdown: bool = True
) -> Article:
    """Clean text and metadata into an Article: the one place both formats meet."""
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
        title = title or title_from_text(body)
    body = body.strip()
    if not body:
        raise InputError("il testo dell'articolo è vuoto")
    entities_given = any(k in meta for k in ("persons", "places", "orgs"))
    date = parse_date(meta.get("date"))
    inferred = date is None
    if inferred:
        date = infer_date(body)
    return Article(
        id=article_id,
        text=body,
        title=title,
        date=date,
        date_inferred=inferred and date is not None,
        dates=find_dates(body, date),
        source=str(meta.get("source") or "").strip(),
        url=str(meta.get("url") or "").strip(),
        author=str(meta.get("author") or "").strip(),
        origin=origin,
        persons=_names(meta.get("persons")),
        places=_names(meta.get("places")),
        orgs=_names(meta.get("orgs")),
        entities_given=entities_given,
    )


def read_text_file(path: Path, article_id: str) -> Article:
    data = _read_bytes(path)
    text = decode(data)
    meta, body = split_front_matter(text)
    return make_article(article_id, body, meta, origin=str(path))


def _read_bytes(path: Path) -> bytes:
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


def read_jsonl(path: Path) -> Iterator[Article | Skipped]:
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
        yield decode(_read_bytes(path))
        return
    with path.open("rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise InputError(f"file troppo grande ({size // 1_048_576} MB) in UTF-16")
        fh.seek(0)
        while lines := fh.readlines(JSONL_PIECE_BYTES):
            yield decode(b"".join(lines))


def _jsonl_line(line: str, where: str, origin: str) -> Article | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(where, f"JSON non valido ({exc.msg}, colonna {exc.colno})")
    try:
        return _jsonl_article(record, origin)
    except InputError as exc:
        return Skipped(where, str(exc))


def _jsonl_article(record: Any, origin: str) -> Article:
    if not isinstance(record, dict):
        raise InputError("la riga non è un oggetto JSON")
    article_id = str(record.get("id") or "").strip()
    if not article_id:
        raise InputError("manca il campo \"id\"")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("manca il campo \"text\" o è vuoto")
    text = unicodedata.normalize("NFC", text)
    return make_article(article_id, text, record, origin=origin)


def find_files(root: Path) -> list[Path]:
    """Supported files under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


def article_id(path: Path, root: Path) -> str:
    """The path relative to the indexed root, without its suffix."""
    base = root if root.is_dir() else root.parent
    return path.relative_to(base).with_suffix("").as_posix()


def read_path(path: Path, root: Path) -> Iterator[Article | Skipped]:
    """Every article in one file, or the reason it has none."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
        return
    try:
        yield read_text_file(path, article_id(path, root))
    except InputError as exc:
        yield Skipped(str(path), str(exc))


def read_paths(roots: Iterable[Path]) -> Iterator[Article | Skipped]:
    for root in roots:
        if not root.exists():
            yield Skipped(str(root), "percorso inesistente")
            continue
        for path in find_files(root):
            yield from read_path(path, root)
