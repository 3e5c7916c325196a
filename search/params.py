"""Loose parameters (URL arguments, JSON lines, CLI options) -> SearchRequest.

Every shell validates through here, so a bad value gets the same clear
message, in Italian and English, wherever it was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from search.models import (
    COLLAPSES,
    DATE_SOURCES,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_QUOTED_QUERY_CHARS,
    MAX_VALUE_CHARS,
    NAME_FACETS,
    SORTS,
    SearchRequest,
)

MAX_VALUES = 20
MAX_PAGE = 10_000
# URL key -> SearchRequest field, for every facet's filter and its opposite.
LIST_KEYS = {**{f.key: f.field for f in NAME_FACETS},
             **{f.not_key: f.not_field for f in NAME_FACETS}}
# Every name ``parse_request`` reads; anything else a caller sends is a typo
# ("persona=X") that would otherwise widen the search to the whole archive.
SEARCH_KEYS: tuple[str, ...] = (
    "q", *LIST_KEYS, "date_from", "date_to", "date_source", "mentioned_from", "mentioned_to",
    "sort", "collapse", "page", "page_size", "limit",
)

_QUOTED = re.compile(r'"[^"]*"')
# Names sent by clients, never by people, that no search reads: "_", the
# cache-buster jQuery and others append (``?q=x&_=1712345678``).
IGNORED_KEYS = frozenset({"_"})


@dataclass
class InvalidRequest(Exception):
    """A parameter a caller got wrong; ``code`` is stable for programs."""

    code: str
    message_it: str
    message_en: str
    # The names a caller may use instead, for an unknown parameter.
    valid: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message_it

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message_it,
                                 "message_en": self.message_en}
        if self.valid:
            error["valid"] = list(self.valid)
        return {"error": error}


def check_keys(names: Iterable[str], extra: Iterable[str] = ()) -> None:
    """Raise InvalidRequest for a parameter no search reads (nor one of
    ``extra``, a route's own, nor an ignored cache-buster), naming the valid ones."""
    valid = tuple(dict.fromkeys((*SEARCH_KEYS, *extra)))
    unknown = [name for name in dict.fromkeys(names)
               if name not in valid and name not in IGNORED_KEYS]
    if unknown:
        shown = ", ".join(f"«{name[:40]}»" for name in unknown[:5])
        raise InvalidRequest(
            "unknown_parameter",
            f"parametro sconosciuto {shown} (validi: {', '.join(valid)})",
            f"unknown parameter {shown} (valid: {', '.join(valid)})",
            valid,
        )


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        return [str(v) for v in raw if v is not None]
    return [str(raw)]


def _one(raw: Any) -> str | None:
    values = [v for v in _values(raw) if v.strip()]
    return values[-1].strip() if values else None


def parse_date(name: str, raw: Any) -> dt.date | None:
    text = _one(raw)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            "invalid_date",
            f"{name}: «{text[:40]}» non è una data (usa AAAA-MM-GG, ad esempio 2025-09-03)",
            f"{name}: {text[:40]!r} is not a date (use YYYY-MM-DD, e.g. 2025-09-03)",
        ) from None


def parse_date_range(params: Mapping[str, Any], start: str, end: str
                     ) -> tuple[dt.date | None, dt.date | None]:
    """Two date parameters that must not be in the wrong order."""
    first, last = parse_date(start, params.get(start)), parse_date(end, params.get(end))
    if first and last and first > last:
        raise InvalidRequest("invalid_date_range", f"{start} è successiva a {end}",
                             f"{start} is after {end}")
    return first, last


def parse_date_sources(raw: Any) -> tuple[str, ...]:
    """"given", "inferred", "none" (a list, or comma-separated)."""
    values = [part.strip() for v in _values(raw) for part in v.split(",") if part.strip()]
    for value in values:
        if value not in DATE_SOURCES:
            raise InvalidRequest(
                "invalid_date_source",
                f"date_source: «{value[:40]}» non valido (usa given, inferred o none)",
                f"date_source: {value[:40]!r} is not valid (use given, inferred or none)",
            )
    return tuple(dict.fromkeys(values))


def parse_int(name: str, raw: Any, default: int, low: int, high: int) -> int:
    text = _one(raw)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise InvalidRequest(
            f"invalid_{name}",
            f"{name}: deve essere un numero intero tra {low} e {high}",
            f"{name}: must be an integer between {low} and {high}",
        )
    return value


def parse_request(params: Mapping[str, Any], default_page_size: int = 10) -> SearchRequest:
    """Validate ``params`` (single values or lists) into a SearchRequest."""
    entity_lists: dict[str, Any] = {}
    for key, field in LIST_KEYS.items():
        values = [v.strip() for v in _values(params.get(key)) if v.strip()]
        if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_CHARS for v in values):
            raise InvalidRequest(
                "too_many_values",
                f"{key}: al massimo {MAX_VALUES} valori di {MAX_VALUE_CHARS} caratteri",
                f"{key}: at most {MAX_VALUES} values of {MAX_VALUE_CHARS} characters",
            )
        entity_lists[field] = tuple(dict.fromkeys(values))
    sort = _one(params.get("sort")) or "relevance"
    if sort not in SORTS:
        raise InvalidRequest(
            "invalid_sort",
            f"sort: «{sort[:40]}» non valido (usa relevance o date)",
            f"sort: {sort[:40]!r} is not valid (use relevance or date)",
        )
    collapse = _one(params.get("collapse")) or "story"
    if collapse not in COLLAPSES:
        raise InvalidRequest(
            "invalid_collapse",
            f"collapse: «{collapse[:40]}» non valido (usa story, copies o none)",
            f"collapse: {collapse[:40]!r} is not valid (use story, copies or none)",
        )
    date_from, date_to = parse_date_range(params, "date_from", "date_to")
    mentioned_from, mentioned_to = parse_date_range(params, "mentioned_from", "mentioned_to")
    size_key = "page_size" if params.get("page_size") is not None else "limit"
    page_size = parse_int(size_key, params.get(size_key), default_page_size, 1, MAX_PAGE_SIZE)
    q = _one(params.get("q")) or ""
    if len(q) > MAX_QUOTED_QUERY_CHARS or len(_QUOTED.sub("", q)) > MAX_QUERY_CHARS:
        raise InvalidRequest(
            "query_too_long",
            f"q: la ricerca supera i {MAX_QUERY_CHARS} caratteri fuori dalle virgolette "
            f"({MAX_QUOTED_QUERY_CHARS} in tutto con le frasi tra virgolette)",
            f"q: the query is longer than {MAX_QUERY_CHARS} characters outside quotation "
            f"marks ({MAX_QUOTED_QUERY_CHARS} in all with quoted phrases)",
        )
    return SearchRequest(
        q=q,
        sort=sort,  # type: ignore[arg-type]
        collapse=collapse,  # type: ignore[arg-type]
        page=parse_int("page", params.get("page"), 1, 1, MAX_PAGE),
        page_size=page_size,
        date_from=date_from,
        date_to=date_to,
        date_sources=parse_date_sources(params.get("date_source")),
        mentioned_from=mentioned_from,
        mentioned_to=mentioned_to,
        **entity_lists,
    )
