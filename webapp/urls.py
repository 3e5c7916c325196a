"""URL arguments <-> SearchRequest, and the links a results page needs.

The URL is the whole search state; every link on the page is the current
request with one change, made here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from search import LIST_KEYS, SearchRequest, parse_request

DEFAULT_PAGE_SIZE = 10
# URL key -> (SearchRequest field, the opposite key).
OPPOSITE = {
    "person": "not_person", "place": "not_place", "org": "not_org", "author": "not_author",
    "not_person": "person", "not_place": "place", "not_org": "org", "not_author": "author",
}


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
    if request.sort != "relevance":
        args.append(("sort", request.sort))
    if request.page != 1:
        args.append(("page", str(request.page)))
    if request.page_size != DEFAULT_PAGE_SIZE:
        args.append(("page_size", str(request.page_size)))
    return args


def query_string(request: SearchRequest) -> str:
    return urlencode(to_args(request))


class Links:
    """URLs for the current request with one thing changed."""

    def __init__(self, request: SearchRequest, base: str = "/") -> None:
        self.request = request
        self.base = base

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

    def months(self, month: str) -> str:
        """Filter to one calendar month ("2025-09")."""
        start = dt.date.fromisoformat(month + "-01")
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return self.url(replace(self.request, page=1, date_from=start, date_to=end))

    def without_dates(self) -> str:
        return self.url(replace(self.request, page=1, date_from=None, date_to=None))

    def clear_filters(self) -> str:
        return self.url(SearchRequest(q=self.request.q, sort=self.request.sort,
                                      page_size=self.request.page_size))

    def query(self, q: str) -> str:
        return self.url(replace(self.request, q=q, page=1))

    def api(self) -> str:
        return self.url(self.request, base="/api/search")

    def filter_query(self, key: str, value: str) -> str:
        """A fresh search filtered by one value (entity links on articles)."""
        only: dict[str, Any] = {LIST_KEYS[key]: (value,)}
        return self.url(SearchRequest(**only), base="/")


def public_url(path: str) -> str:
    """An absolute URL for ``path`` (as ``url_for`` gives it): under the
    configured ``BASE_URL`` when there is one, since the request's ``Host``
    header is whatever the client sent and a shared cache would keep a
    feed or page pointing at the client's choice of site."""
    from flask import current_app, request

    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path
