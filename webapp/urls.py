"""URL arguments <-> SearchRequest, and the links a results page needs.

The URL is the whole search state; every link on the page is the current
request with one change, made here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.routing import BaseConverter

from search import ENTITY_TYPES, LIST_KEYS, NAME_FACETS, SearchRequest, parse_request

DEFAULT_PAGE_SIZE = 10
# URL key -> the opposite key.
OPPOSITE = {**{f.key: f.not_key for f in NAME_FACETS}, **{f.not_key: f.key for f in NAME_FACETS}}

# Entity type -> the first word of its page's path (/persona/<name>).
# An entity page's word in its URL, also what the pages call its type.
ENTITY_PATHS = {f.key: f.one.lower() for f in NAME_FACETS if f.key in ENTITY_TYPES}


def entity_path(type: str, name: str) -> str:
    """The path of an entity's page; every character of the name is
    escaped, "/" included, so any name round-trips."""
    return f"/{ENTITY_PATHS[type]}/{quote(name, safe='')}"


def entity_api_path(type: str, name: str) -> str:
    """The JSON twin of an entity's page."""
    return f"/api/entity/{type}/{quote(name, safe='')}"


def search_request(args: MultiDict) -> SearchRequest:
    """Validate URL arguments (raises search.params.InvalidRequest)."""
    return parse_request({key: args.getlist(key) for key in args},
                         default_page_size=DEFAULT_PAGE_SIZE)


def to_args(request: SearchRequest) -> list[tuple[str, str]]:
    """The request as URL arguments, defaults left out."""
    args: list[tuple[str, str]] = []
    if request.q:
        args.append(("q", request.q))
    for key, field in LIST_KEYS.items():
        args += [(key, v) for v in getattr(request, field)]
    if request.date_from:
        args.append(("date_from", request.date_from.isoformat()))
    if request.date_to:
        args.append(("date_to", request.date_to.isoformat()))
    args += [("date_source", v) for v in request.date_sources]
    if request.mentioned_from:
        args.append(("mentioned_from", request.mentioned_from.isoformat()))
    if request.mentioned_to:
        args.append(("mentioned_to", request.mentioned_to.isoformat()))
    if request.sort != "relevance":
        args.append(("sort", request.sort))
    if request.collapse != "story":
        args.append(("collapse", request.collapse))
    if request.page != 1:
        args.append(("page", str(request.page)))
    if request.page_size != DEFAULT_PAGE_SIZE:
        args.append(("page_size", str(request.page_size)))
    return args


def export_name(request: SearchRequest) -> str:
    """A file name after the search ("cerca-missili-putin"): the query and
    the filter values, ASCII, so that it survives every file system."""
    words = [request.q] + [("senza " if key.startswith("not_") else "") + value
                           for key, field in LIST_KEYS.items()
                           for value in getattr(request, field)]
    if request.date_from or request.date_to:
        words.append(f"{request.date_from or ''}_{request.date_to or ''}")
    text = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-").lower()[:80].rstrip("-")
    return f"cerca-{slug}" if slug else "cerca-tutti"


def period_bounds(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, month or day written in ISO."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    day = dt.date(*parts)
    return day, day


def query_string(request: SearchRequest) -> str:
    return urlencode(to_args(request))


class Links:
    """URLs for the current request with one thing changed."""

    def __init__(self, request: SearchRequest, base: str = "/") -> None:
        self.request = request
        self.base = base
        self._entity_query: str | None = None

    def url(self, request: SearchRequest, base: str | None = None) -> str:
        qs = query_string(request)
        return (base or self.base) + (f"?{qs}" if qs else "")

    def page(self, number: int) -> str:
        return self.url(replace(self.request, page=number))

    def toggle(self, key: str, value: str) -> str:
        """Add ``value`` under ``key`` (dropping it from the opposite), or remove it."""
        field, opposite = LIST_KEYS[key], LIST_KEYS[OPPOSITE[key]]
        current = getattr(self.request, field)
        changes: dict[str, Any]
        if value in current:
            changes = {field: tuple(v for v in current if v != value)}
        else:
            changes = {
                field: (*current, value),
                opposite: tuple(v for v in getattr(self.request, opposite) if v != value),
            }
        return self.url(replace(self.request, page=1, **changes))

    def period(self, value: str) -> str:
        """Narrow to one bar of the date histogram: "2019", "2019-05" or "2019-05-03"."""
        start, end = period_bounds(value)
        return self.url(replace(self.request, page=1, date_from=start, date_to=end))

    def without_dates(self) -> str:
        return self.url(replace(self.request, page=1, date_from=None, date_to=None))

    def wider(self) -> tuple[str, str] | None:
        """The period around the chosen one, one level up: a day's month, a
        month's year, a year's whole range; None unless a bar was chosen."""
        start, end = self.request.date_from, self.request.date_to
        if start is None or end is None:
            return None
        for value, parent in ((start.isoformat(), start.strftime("%Y-%m")),
                              (start.strftime("%Y-%m"), str(start.year)),
                              (str(start.year), "")):
            if period_bounds(value) == (start, end):
                return parent, self.period(parent) if parent else self.without_dates()
        return None

    def toggle_date_source(self, value: str) -> str:
        """Only articles with this kind of date ("none", "inferred"), or all again."""
        current = self.request.date_sources
        chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.url(replace(self.request, page=1, date_sources=chosen))

    def mentioned(self, value: str) -> str:
        """A fresh search for articles naming this day ("2025-09-03") or days
        ("a/b"); "" for a day the calendar cannot hold ("BC0044-03-15")."""
        first, _, last = value.partition("/")
        try:
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)
        except ValueError:
            return ""
        return self.url(SearchRequest(mentioned_from=start, mentioned_to=end), base="/")

    def without_mentioned(self) -> str:
        return self.url(replace(self.request, page=1, mentioned_from=None, mentioned_to=None))

    def clear_filters(self) -> str:
        return self.url(SearchRequest(q=self.request.q, sort=self.request.sort,
                                      page_size=self.request.page_size))

    def query(self, q: str) -> str:
        return self.url(replace(self.request, q=q, page=1))

    def api(self) -> str:
        return self.url(self.request, base="/api/search")

    def export(self, fmt: str) -> str:
        """Every result of this search as a file ("csv" or "jsonl"), filters included."""
        whole = replace(self.request, page=1, page_size=DEFAULT_PAGE_SIZE)
        return self.url(whole, base="/api/export") + ("&" if to_args(whole) else "?") + \
            urlencode({"format": fmt})

    def search_page(self) -> str:
        """The search page of this request, from its first page."""
        return self.url(replace(self.request, page=1), base="/")

    def everything(self) -> str:
        """This page with no query nor filters."""
        return self.url(SearchRequest())

    def entity(self, type: str, name: str) -> str:
        """The page of an entity, narrowed by this request's query and filters."""
        # One query string for every entity of the page (hundreds of facet values).
        if self._entity_query is None:
            qs = query_string(replace(self.request, page=1))
            self._entity_query = f"?{qs}" if qs else ""
        return entity_path(type, name) + self._entity_query

    def with_entities(self, *chosen: tuple[str, str]) -> str:
        """The search page with this request's filters plus (type, name) ones."""
        changes: dict[str, Any] = {}
        for type, name in chosen:
            field = ENTITY_TYPES[type]
            current = changes.get(field, getattr(self.request, field))
            changes[field] = tuple(dict.fromkeys((*current, name)))
        return self.url(replace(self.request, page=1, **changes), base="/")


class ArticleIdConverter(BaseConverter):
    """An article id in a URL path, whatever it holds: ``//x``, ``a/../b``,
    ``50%``, spaces. An id whose slashes a client would merge or resolve
    (an empty, "." or ".." segment) has them escaped as ``%2F``, so the
    path reaches the server as written; the server decodes them back."""

    part_isolating = False
    regex = ".+?"
    weight = 200

    def to_url(self, value: str) -> str:
        odd = any(part in ("", ".", "..") for part in value.split("/"))
        return quote(value, safe="" if odd else "/")


def article_url(article_id: str, q: str | None = None) -> str:
    """The path of an article's page (with the search that led to it)."""
    from flask import url_for

    if article_id in (".", ".."):  # a browser resolves these even escaped
        return url_for("pages.article_page", id=article_id, q=q or None)
    return url_for("pages.article_page", article_id=article_id, q=q or None)


def public_url(path: str) -> str:
    """``path`` (as ``url_for`` gives it) as a feed or an embedded page
    links it: under the configured ``BASE_URL``; else absolute on the
    request's host only when ``TRUSTED_HOSTS`` lists the hosts to believe
    (Flask refuses any other ``Host`` with a 400); else relative. The
    ``Host`` header is whatever the client sent, and a shared cache would
    keep a feed or page pointing at the client's choice of site."""
    from flask import current_app, request

    base = current_app.config.get("BASE_URL")
    if not base and current_app.config.get("TRUSTED_HOSTS"):
        base = request.host_url
    return base.rstrip("/") + path if base else path
