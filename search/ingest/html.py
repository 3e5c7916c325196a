"""Read saved web pages (``.html``, ``.htm``, HTML in JSONL or a WARC) with trafilatura.

trafilatura finds the article among the page furniture (menus, cookie
banners, related links, comments) and reads the metadata the page declares
(Open Graph, JSON-LD, ``<meta>``, ``<link rel=canonical>``); htmldate, run
by it, finds the publication date. Only dates the markup or the URL give
count as declared. Otherwise a web archive's capture date, then htmldate's
search of the page's text (a "Pubblicato il" line), then the date in the
article's lead, in that order, give a date marked as inferred.

Extraction is the slow part of reading a page, so it works on ``Page``
(plain data) and the indexer can run it in a process pool.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from search.ingest.large_html import LARGE_PAGE_CHARS, head_metadata, stream_text
from search.ingest.readers import InputError, decode, make_article, read_bytes
from search.models import Article, Page, Skipped

HTML_SUFFIXES = (".html", ".htm")
NO_ARTICLE = "nessun testo di articolo nella pagina (un indice, una galleria, una pagina vuota?)"
# On a page with no main text (a section front, a gallery) trafilatura falls
# back to the whole page: menu items, link titles, captions, all short
# lines. An article has at least this many words in lines of prose.
PROSE_LINE_WORDS = 8
MIN_PROSE_WORDS = 25

# libxml2, under lxml and trafilatura, stops building the tree this many
# elements deep: whatever is nested deeper is never read.
MAX_DEPTH = 256
TOO_DEEP = (f"pagina annidata troppo in profondità (oltre {MAX_DEPTH} elementi uno dentro "
            "l'altro): il parser HTML non ne legge il testo")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_BYLINE = re.compile(r"^(?:di|by|von|par|por)\s+", re.I)
# htmldate reads a bare year ("© 2024") as 1 January; believe that day only
# if the page writes it.
_NEW_YEAR = re.compile(r"\b0?1[./-]0?1[./-]\d{4}\b|\b\d{4}-01-01\b|\b1(?:°|º)?\s+gennaio\b", re.I)

# trafilatura and htmldate log every page they discard; without a handler
# Python would print those lines on the user's terminal.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def declared_charset(data: bytes) -> str:
    """The charset a page's ``<meta charset>`` or ``http-equiv`` names, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else ""


def too_deep(html: str) -> bool:
    """Whether elements nest past ``MAX_DEPTH`` (asked only of a page with
    no article found, to say why)."""
    depth = 0
    for tag in _TAG.finditer(html):
        closing, name, empty = tag.groups()
        if name.lower() in _VOID or empty:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > MAX_DEPTH:
            return True
    return False


def decode_html(data: bytes, http_charset: str = "") -> str:
    """The server's charset (in a WARC), then the page's own, then detection."""
    return decode(data, http_charset or declared_charset(data))


def read_html_file(path: Path, article_id: str) -> Page:
    return Page(article_id, read_bytes(path), origin=str(path), where=str(path))


def read_page(page: Page) -> Article | Skipped:
    """The article in a page, or why there is none."""
    try:
        html = page.data if isinstance(page.data, str) else decode_html(page.data, page.charset)
        found = _extract(html, str(page.meta.get("url") or "") or None,
                         guess_date=page.fallback_date is None)
        if found is None:
            raise InputError(TOO_DEEP if too_deep(html) else NO_ARTICLE)
        del html  # a large page is not held beside its article while that is made
        text, meta, guessed = found
        meta.update({k: v for k, v in page.meta.items() if v not in (None, "", [])})
        return make_article(page.id, text, meta, origin=page.origin, markdown=False,
                            fallback_date=page.fallback_date or guessed)
    except InputError as exc:
        return Skipped(page.where, str(exc))
    except Exception as exc:  # a parser failing on one page must not stop a run
        return Skipped(page.where, f"pagina HTML illeggibile ({exc.__class__.__name__})")


def _extract(html: str, url: str | None, guess_date: bool
             ) -> tuple[str, dict[str, Any], dt.date | None] | None:
    """Text (paragraphs apart by a blank line, as in text files), the
    metadata the page declares and, if asked, a date guessed from its text."""
    # Slow to import: only runs that read pages pay for it.
    import trafilatura
    from htmldate import find_date
    from trafilatura.utils import load_html

    if len(html) > LARGE_PAGE_CHARS:  # streamed: see large_html.py
        lines = stream_text(html)
        if not _prose(lines):
            return None
        meta = head_metadata(html, url)
        meta["author"] = _BYLINE.sub("", meta.get("author") or "")
        return "\n\n".join(lines), {k: v for k, v in meta.items() if v}, None
    # lxml refuses a str that declares its encoding; the text is decoded already.
    tree = load_html(_XML_DECLARATION.sub("", html, count=1))
    if tree is None:
        return None
    today = dt.date.today().isoformat()
    doc: Any = trafilatura.bare_extraction(  # a Document, as with_metadata asks
        tree, url=url, include_comments=False, include_tables=True, with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": False,
                                "max_date": today},
    )
    lines = [line.strip() for line in (doc.text or "").split("\n")] if doc else []
    lines = [line for line in lines if line]
    if not _prose(lines):
        return None
    meta = {
        "title": doc.title,
        "author": _BYLINE.sub("", doc.author or ""),
        "source": doc.sitename or doc.hostname,
        "url": doc.url,
        "date": doc.date,
    }
    guessed = None
    if not doc.date and guess_date:
        # A parsed tree, never the string: htmldate fetches a str that looks like a URL.
        found = find_date(tree, extensive_search=True, original_date=True, max_date=today)
        guessed = dt.date.fromisoformat(found) if found else None
        if guessed and (guessed.month, guessed.day) == (1, 1) and not _NEW_YEAR.search(html):
            guessed = None
    return "\n\n".join(lines), {k: v for k, v in meta.items() if v}, guessed


def warm() -> None:
    """Load what reading a page loads lazily (trafilatura, htmldate, the
    stop lists of every language justext falls back to and their lower-cased
    set, about 45 MB): done before a pool forks, its workers share one copy
    instead of each making its own."""
    import htmldate  # noqa: F401
    import trafilatura  # noqa: F401
    from justext.core import define_stoplist
    from trafilatura import external

    define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())  # cached lower-cased


def _prose(lines: list[str]) -> bool:
    """Whether ``lines`` hold an article's prose, not a page's menus."""
    return sum(n for line in lines if (n := len(line.split())) >= PROSE_LINE_WORDS) \
        >= MIN_PROSE_WORDS


T = TypeVar("T")


def read_pages(items: Iterable[T | Page]) -> Iterator[T | Article | Skipped]:
    """``items`` in order, each Page replaced by its article (or the reason);
    the indexer runs the same in a pool (``search.indexing.read``)."""
    for item in items:
        yield read_page(item) if isinstance(item, Page) else item
