"""The search page and the article page: full pages, or fragments for htmx."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request

from search import (
    FACET_LABELS,
    MAX_QUOTED_QUERY_CHARS,
    InvalidRequest,
    SearchRequest,
    article_story,
    check_keys,
    facet_values,
    get_article,
    marked_text,
    related,
    search,
)
from webapp import get_index, query_budget
from webapp.urls import Links, query_string, search_request

bp = Blueprint("pages", __name__)

FACET_SHOWN = 10
FACET_FILTER_LIMIT = 50


def wants_fragment() -> bool:
    """htmx asks for the fragment, except when restoring history after a cache
    miss: then it sets both headers and needs the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _render(full: str, fragment: str, status: int = 200, **context):
    template = fragment if wants_fragment() else full
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


def _search_args(index):
    """The URL's search, run: (request, result or None, error or None)."""
    try:
        req = search_request(request.args)
    except InvalidRequest as exc:
        return SearchRequest(q=request.args.get("q", "")[:MAX_QUOTED_QUERY_CHARS]), None, exc
    if index is None:
        return req, None, None
    try:
        return req, search(index, req, query_budget()), None
    except InvalidRequest as exc:  # QueryTooCostly: past the time budget
        return req, None, exc


def _unknown_notice() -> str | None:
    """What the page says about a URL parameter no search reads: it is
    ignored, but not silently (a typo would otherwise show everything)."""
    try:
        check_keys(request.args)
    except InvalidRequest as exc:
        return f"Ignorato: {exc.message_it}."
    return None


@bp.get("/")
def search_page():
    index = get_index()
    req, result, error = _search_args(index)
    response = _render(
        "search.html", "_fragment.html", status=400 if error else 200,
        req=req, result=result, error=error, links=Links(req), ignored=_unknown_notice(),
        index_missing=index is None, labels=FACET_LABELS, shown=FACET_SHOWN,
    )
    response.headers["Link"] = f'</api/search?{query_string(req)}>; rel="alternate"; ' \
                               'type="application/json"'
    if wants_fragment() and error is None:
        # The form sends every field, empty ones too; history gets the
        # canonical URL of the same state instead.
        response.headers["HX-Push-Url"] = Links(req).url(req)
    return response


@bp.get("/embed")
def embed():
    """Results only, no site chrome: for an <iframe> on another site."""
    index = get_index()
    req, result, error = _search_args(index)
    response = make_response(render_template(
        "embed.html", req=req, result=result, error=error, index_missing=index is None,
        query_string=query_string(req),
    ), 400 if error else 200)
    # Unlike the other pages, this one is meant to be framed anywhere.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors *"
    )
    return response


@bp.get("/facette/<name>")
def facet_filter(name: str):
    """The values of one facet containing the typed text (the facet's filter box)."""
    index = get_index()
    if name not in FACET_LABELS or index is None:
        abort(404)
    try:
        req = search_request(request.args)
    except InvalidRequest:
        req = SearchRequest()
    contains = request.args.get("contains", "")[:100]
    try:
        values = facet_values(index, req, name, contains, FACET_FILTER_LIMIT, query_budget())
    except InvalidRequest:  # too costly: the box keeps what the page shows
        abort(400)
    return render_template("_facet_values.html", name=name, values=values,
                           links=Links(req), contains=contains, shown=FACET_SHOWN)


@bp.get("/articolo/<article_id:article_id>", merge_slashes=False)
@bp.get("/articolo", defaults={"article_id": None})
def article_page(article_id: str | None):
    """An article, by the id in its path, or in ``?id=`` for the ids a
    browser would rewrite as a path ("." and "..", see urls.article_url)."""
    if article_id is None:
        article_id = request.args.get("id", "")
    index = get_index()
    article = get_article(index, article_id) if index is not None else None
    if index is None or article is None:
        abort(404)
    q = request.args.get("q", "")[:MAX_QUOTED_QUERY_CHARS]
    return render_template(
        "article.html", article=article, text=marked_text(index, article.text, q), q=q,
        related=related(index, article_id), links=Links(SearchRequest(q=q)),
        story=article_story(index, article_id),
    )
