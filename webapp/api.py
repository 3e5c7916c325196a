"""The JSON API: the same core calls as the pages, rendered as JSON.

Every route documents itself in its docstring (YAML after ``---``), from
which ``/api/openapi.json`` is generated; a test checks that every route
is in the description and validates it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request, url_for
from flask_cors import CORS

from search.models import FACETS, SearchRequest
from search.params import InvalidRequest, parse_int
from search.query.articles import get_article
from search.query.autocomplete import autocomplete
from search.query.pipeline import export_rows, facet_values, search
from webapp import get_index
from webapp.errors import error_response
from webapp.params import search_request

bp = Blueprint("api", __name__)

EXPORT_FIELDS = ("id", "title", "date", "date_source", "source", "url", "score", "persons", "places", "orgs")
FEED_SIZE = 20


def init_cors(app: Flask) -> None:
    """Origins allowed to call /api from a browser: none unless configured."""
    origins = app.config["CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [o.strip() for o in origins.split(",") if o.strip()]
    CORS(app, resources={r"/api/*": {"origins": origins}}, methods=["GET"])


def _index():
    index = get_index()
    if index is None:
        abort(error_response(503, "no_index", "Nessun indice disponibile: esegui «cerca index».",
                             "No index available: run `cerca index`."))
    return index


def _request() -> SearchRequest:
    try:
        return search_request(request.args)
    except InvalidRequest as exc:
        abort(error_response(400, exc.code, exc.message_it, exc.message_en))


def _conditional(response: Response, index) -> Response:
    """ETag and Last-Modified from the index generation, so caches can revalidate."""
    response.set_etag(f"{index.generation}-{hash(request.full_path) & 0xFFFFFFFF:x}")
    response.last_modified = index.last_update()
    response.cache_control.public = True
    response.cache_control.max_age = 0
    return response.make_conditional(request)


@bp.get("/api/search")
def api_search():
    """Search the articles.
    ---
    get:
      summary: Search articles (the same JSON as `cerca search --json`)
      parameters: [q, person,
        place, org,
        not_person, not_place,
        not_org, date_from,
        date_to, date_source,
        mentioned_from, mentioned_to,
        sort, page, page_size]
      responses:
        200: {description: Results, content: {application/json: {schema: SearchResult}}}
        400: BadRequest
        503: NoIndex
    """
    index = _index()
    result = search(index, _request())
    return _conditional(jsonify(result.to_dict()), index)


@bp.get("/api/articles/<path:article_id>")
def api_article(article_id: str):
    """One article.
    ---
    get:
      summary: An article's metadata, cleaned text, entities and dates
      parameters: [{name: article_id, in: path, required: true, schema: {type: string}}]
      responses:
        200: {description: The article, content: {application/json: {schema: StoredArticle}}}
        404: NotFound
        503: NoIndex
    """
    index = _index()
    article = get_article(index, article_id)
    if article is None:
        return error_response(404, "not_found", f"Articolo «{article_id[:100]}» non trovato.",
                              f"Article {article_id[:100]!r} not found.")
    return _conditional(jsonify(article.to_dict()), index)


@bp.get("/api/facets/<name>")
def api_facets(name: str):
    """The values of one facet.
    ---
    get:
      summary: Values of one facet for a search, optionally those containing `prefix`
      parameters: [{name: name, in: path, required: true, schema: {type: string, enum: [person, place, org]}},
        {name: prefix, in: query, schema: {type: string, maxLength: 100}, description: Text the value contains (case and accents ignored)},
        {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 50}},
        q, person,
        place, org,
        date_from, date_to]
      responses:
        200: {description: Values, content: {application/json: {schema: FacetValues}}}
        400: BadRequest
        503: NoIndex
    """
    index = _index()
    if name not in FACETS or name == "date":
        return error_response(400, "unknown_facet",
                              f"Facetta «{name[:40]}» sconosciuta (usa person, place o org).",
                              f"Unknown facet {name[:40]!r} (use person, place or org).")
    req = _request()
    try:
        limit = parse_int("limit", request.args.get("limit"), 50, 1, 1000)
    except InvalidRequest as exc:
        return error_response(400, exc.code, exc.message_it, exc.message_en)
    prefix = request.args.get("prefix", "")
    if len(prefix) > 100:
        return error_response(400, "invalid_prefix", "prefix: al massimo 100 caratteri",
                              "prefix: at most 100 characters")
    values = facet_values(index, req, name, prefix, limit)
    body = {"facet": name, "values": [{"value": v.value, "count": v.count} for v in values]}
    return _conditional(jsonify(body), index)


@bp.get("/api/suggest")
def api_suggest():
    """Autocomplete.
    ---
    get:
      summary: Entity names and titles containing what was typed
      parameters: [{name: q, in: query, schema: {type: string, maxLength: 200}},
        {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 10}}]
      responses:
        200: {description: Suggestions, content: {application/json: {schema: Suggestions}}}
        400: BadRequest
        503: NoIndex
    """
    index = _index()
    q = request.args.get("q", "")
    if len(q) > 200:
        return error_response(400, "query_too_long", "q: al massimo 200 caratteri",
                              "q: at most 200 characters")
    try:
        limit = parse_int("limit", request.args.get("limit"), 10, 1, 50)
    except InvalidRequest as exc:
        return error_response(400, exc.code, exc.message_it, exc.message_en)
    return _conditional(jsonify({"query": q, "suggestions": autocomplete(index, q, limit)}), index)


def _csv_rows(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for row in rows:
        writer.writerow(["; ".join(row[f]) if isinstance(row[f], list) else row[f]
                         for f in EXPORT_FIELDS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@bp.get("/api/export")
def api_export():
    """Export a whole result set.
    ---
    get:
      summary: Every article matching the filters, streamed, with no cap
      parameters: [{name: format, in: query, schema: {type: string, enum: [csv, jsonl], default: jsonl}},
        q, person,
        place, org,
        not_person, not_place,
        not_org, date_from,
        date_to, sort]
      responses:
        200:
          description: One row per article
          content:
            text/csv: {schema: {type: string}}
            application/x-ndjson: {schema: {type: string}}
        400: BadRequest
        503: NoIndex
    """
    index = _index()
    req = _request()
    fmt = request.args.get("format", "jsonl")
    if fmt not in ("csv", "jsonl"):
        return error_response(400, "invalid_format", "format: usa csv o jsonl",
                              "format: use csv or jsonl")
    rows = export_rows(index, req)
    if fmt == "csv":
        body, mimetype = _csv_rows(rows), "text/csv; charset=utf-8"
    else:
        body = (json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        mimetype = "application/x-ndjson; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="cerca.{fmt}"'
    return response


@bp.get("/feed.atom")
def feed():
    """Atom feed.
    ---
    get:
      summary: The newest articles matching a search, as an Atom feed
      parameters: [q, person,
        place, org,
        date_from, date_to]
      responses:
        200: {description: Atom feed, content: {application/atom+xml: {schema: {type: string}}}}
        400: BadRequest
        503: NoIndex
    """
    index = _index()
    base = _request()
    req = SearchRequest(**{**base.__dict__, "sort": "date", "page": 1,
                           "page_size": FEED_SIZE, "facets": False})
    result = search(index, req)
    updated = (index.last_update() or datetime.now(UTC)).isoformat(timespec="seconds")
    page_url = request.url_root.rstrip("/") + url_for("pages.search_page") + "?" + \
        request.query_string.decode("utf-8", "replace")
    title = f"Cerca: {req.q}" if req.q else "Cerca: articoli più recenti"
    entries = []
    for hit in result.hits:
        link = request.url_root.rstrip("/") + url_for("pages.article_page", article_id=hit.id)
        when = f"{hit.date}T00:00:00Z" if hit.date else updated
        entries.append(
            "<entry>"
            f"<id>{escape(link)}</id><title>{escape(hit.title or hit.id)}</title>"
            f'<link href="{escape(link, {chr(34): "&quot;"})}"/>'
            f"<updated>{when}</updated>"
            f'<summary type="html">{escape(hit.snippet)}</summary>'
            "</entry>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">'
        f"<id>{escape(page_url)}</id><title>{escape(title)}</title>"
        f'<link rel="self" href="{escape(request.url, {chr(34): "&quot;"})}"/>'
        f'<link href="{escape(page_url, {chr(34): "&quot;"})}"/>'
        f"<updated>{updated}</updated><author><name>Cerca</name></author>"
        + "".join(entries) + "</feed>"
    )
    return _conditional(Response(xml, mimetype="application/atom+xml"), index)


@bp.get("/api/health")
def health():
    """Health.
    ---
    get:
      summary: Index document count and last update
      responses:
        200: {description: The index is open, content: {application/json: {schema: Health}}}
        503: NoIndex
    """
    index = _index()
    updated = index.last_update()
    return jsonify({
        "status": "ok",
        "documents": index.doc_count(),
        "last_update": updated.isoformat(timespec="seconds") if updated else None,
        "generation": index.generation,
    })


@bp.get("/api/openapi.json")
def openapi():
    """OpenAPI description.
    ---
    get:
      summary: This description (OpenAPI 3.1)
      responses:
        200: {description: The OpenAPI document, content: {application/json: {schema: {type: object}}}}
    """
    from webapp.openapi import build_spec

    spec = current_app.extensions.get("cerca_openapi")
    if spec is None:  # the routes do not change while the app runs
        spec = current_app.extensions["cerca_openapi"] = build_spec(current_app)
    return jsonify(spec)
