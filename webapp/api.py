"""The JSON API: the same core calls as the pages, rendered as JSON.

Every route documents itself in its docstring (YAML after ``---``), from
which ``/api/openapi.json`` is generated; a test checks that every route
is in the description and validates it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TypeVar
from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    request,
    stream_with_context,
    url_for,
)
from flask_cors import CORS

from search import (
    ENTITY_TYPES,
    FACETS,
    Hit,
    Index,
    InvalidRequest,
    QueryTooCostly,
    SearchRequest,
    autocomplete,
    check_keys,
    entities,
    entity,
    export_hits,
    facet_values,
    get_article,
    parse_int,
    parse_request,
    search,
    story,
)
from webapp import get_index, query_budget
from webapp.errors import error_response
from webapp.urls import article_url, export_name, public_url, search_request

bp = Blueprint("api", __name__)
T = TypeVar("T")

HIT_FIELDS = ("id", "title", "date", "date_source", "source", "author", "url", "score",
              "persons", "places", "orgs", "story")
# Each row also lists its story's copies and related articles as ids, and
# links to the article's page in Cerca.
EXPORT_FIELDS = (*HIT_FIELDS, "copies", "related", "cerca_url")
FEED_SIZE = 20
STORY_ID = re.compile(r"[0-9a-f]{12}")
ENTITY_LIST_SIZE = 50


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


def _request(extra: tuple[str, ...] = ()) -> SearchRequest:
    """The search the URL asks for; a parameter no search reads (or
    ``extra``, the route's own) is a 400 naming the valid ones, since
    ignoring a typo would answer for the whole archive."""
    check_keys(request.args, extra)
    return search_request(request.args)


@bp.errorhandler(InvalidRequest)
def _invalid(exc: InvalidRequest) -> Response:
    """A parameter the caller got wrong, whichever view read it: a 400."""
    return error_response(400, exc.code, exc.message_it, exc.message_en, exc.valid)


def _prefix() -> str:
    """The ``prefix`` parameter of the facet and entity lists, bounded."""
    prefix = request.args.get("prefix", "")
    if len(prefix) > 100:
        raise InvalidRequest("invalid_prefix", "prefix: al massimo 100 caratteri",
                             "prefix: at most 100 characters")
    return prefix


def _costly(call: Callable[[], T]) -> T:
    """``call()``, a search past its time budget answered as a 400."""
    try:
        return call()
    except QueryTooCostly as exc:
        abort(error_response(400, exc.code, exc.message_it, exc.message_en))


def _conditional(response: Response, index: Index) -> Response:
    """ETag and Last-Modified from the index version, so caches can
    revalidate; the same in every worker process and on every replica of
    one snapshot (digests, not ``hash()``, which Python salts per process)."""
    digest = hashlib.sha1(request.full_path.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    response.set_etag(f"{index.version}-{digest}")
    response.last_modified = index.last_update()
    response.cache_control.public = True
    response.cache_control.max_age = 0
    response.make_conditional(request)
    return response


@bp.get("/api/search")
def api_search():
    """Search the articles.
    ---
    get:
      summary: Search articles (the same JSON as `cerca search --json`)
      parameters: [q, person,
        place, org,
        not_person, not_place,
        not_org, author, not_author, date_from,
        date_to, date_source,
        mentioned_from, mentioned_to,
        sort, collapse, page, page_size]
      responses:
        200: {description: Results, content: {application/json: {schema: SearchResult}}}
        400: BadRequest
        414: UriTooLong
        429: RateLimited
        503: NoIndex
    """
    index = _index()
    result = _costly(lambda: search(index, _request(), query_budget()))
    return _conditional(jsonify(result.to_dict()), index)


def _one(title: str, summary: str, param: str, answer: str, schema: str):
    """The OpenAPI docstring of a view that answers one thing by its id
    (or 404), written once for every such view."""
    def document(view):
        view.__doc__ = f"""{title}
    ---
    get:
      summary: {summary}
      parameters: [{{name: {param}, in: path, required: true, schema: {{type: string}}}}]
      responses:
        200: {{description: {answer}, content: {{application/json: {{schema: {schema}}}}}}}
        404: NotFound
        414: UriTooLong
        503: NoIndex
    """
        return view
    return document


def _found(index, value, missing_it: str, missing_en: str):
    """``value`` as JSON, or a 404 saying what was not found."""
    if value is None:
        return error_response(404, "not_found", missing_it, missing_en)
    return _conditional(jsonify(value.to_dict()), index)


@bp.get("/api/articles/<article_id:article_id>", merge_slashes=False)
@_one("One article.", "An article's metadata, cleaned text, entities and dates",
      "article_id", "The article", "StoredArticle")
def api_article(article_id: str):
    index = _index()
    return _found(index, get_article(index, article_id),
                  f"Articolo «{article_id[:100]}» non trovato.",
                  f"Article {article_id[:100]!r} not found.")


@bp.get("/api/story/<story_id>")
@_one("One story.", "Every article of one story, by date (copies share a group)",
      "story_id", "The story", "Story")
def api_story(story_id: str):
    index = _index()
    return _found(index, story(index, story_id) if STORY_ID.fullmatch(story_id) else None,
                  f"Storia «{story_id[:100]}» non trovata.", f"Story {story_id[:100]!r} not found.")


@bp.get("/api/facets/<name>")
def api_facets(name: str):
    """The values of one facet.
    ---
    get:
      summary: Values of one facet for a search, optionally those containing `prefix`
      parameters: [{name: name, in: path, required: true, schema: {type: string, enum: [person, place, org, author]}},
        {name: prefix, in: query, schema: {type: string, maxLength: 100}, description: Text the value contains (case and accents ignored)},
        {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 50}},
        q, person,
        place, org,
        date_from, date_to]
      responses:
        200: {description: Values, content: {application/json: {schema: FacetValues}}}
        400: BadRequest
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    if name not in FACETS or name == "date":
        return error_response(400, "unknown_facet",
                              f"Facetta «{name[:40]}» sconosciuta (usa person, place, org o author).",
                              f"Unknown facet {name[:40]!r} (use person, place, org or author).")
    req = _request(extra=("prefix",))
    limit = parse_int("limit", request.args.get("limit"), 50, 1, 1000)
    prefix = _prefix()
    values = _costly(lambda: facet_values(index, req, name, prefix, limit, query_budget()))
    body = {"facet": name, "values": [{"value": v.value, "count": v.count} for v in values]}
    return _conditional(jsonify(body), index)


def _entity_type(type: str) -> None:
    if type not in ENTITY_TYPES:
        abort(error_response(400, "unknown_entity_type",
                             f"Tipo «{type[:40]}» sconosciuto (usa person, place o org).",
                             f"Unknown type {type[:40]!r} (use person, place or org)."))


@bp.get("/api/entity/<type>/<path:name>")
def api_entity(type: str, name: str):
    """One entity's page.
    ---
    get:
      summary: An entity's articles (newest first), timeline and company, narrowed by a search
      description: >-
        `count` is the total of the search filtered on the entity; the timeline's
        counts plus `undated` add up to it; a companion's `count` is the total of
        the search filtered on both, its `score` Dunning's log-likelihood G².
      parameters: [{name: type, in: path, required: true, schema: {type: string, enum: [person, place, org]}},
        {name: name, in: path, required: true, schema: {type: string}},
        q, person, place, org, not_person, not_place, not_org, author, not_author,
        date_from, date_to, date_source, mentioned_from, mentioned_to, page, page_size]
      responses:
        200: {description: The entity, content: {application/json: {schema: EntityResult}}}
        400: BadRequest
        404: NotFound
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    _entity_type(type)
    req = _request()
    result = _costly(lambda: entity(index, type, name, req, query_budget()))
    if result is None:
        return error_response(404, "unknown_entity", f"«{name[:100]}» non è nell'archivio.",
                              f"{name[:100]!r} is not in the archive.")
    return _conditional(jsonify(result.to_dict()), index)


@bp.get("/api/entity")
def api_entities():
    """The entities of one type.
    ---
    get:
      summary: Entities of a type with their article counts, most frequent first, paged
      parameters: [{name: type, in: query, required: true, schema: {type: string, enum: [person, place, org]}},
        {name: prefix, in: query, schema: {type: string, maxLength: 100}, description: A word of the name starts so (case and accents ignored)},
        q, person, place, org, date_from, date_to, page,
        {name: page_size, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 50}}]
      responses:
        200: {description: Entities, content: {application/json: {schema: EntityList}}}
        400: BadRequest
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    type = request.args.get("type", "")
    _entity_type(type)
    prefix = _prefix()
    req = parse_request({key: request.args.getlist(key) for key in request.args},
                        default_page_size=ENTITY_LIST_SIZE)
    listed = _costly(lambda: entities(index, type, req, prefix, query_budget()))
    return _conditional(jsonify(listed.to_dict()), index)


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
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    q = request.args.get("q", "")
    if len(q) > 200:
        return error_response(400, "query_too_long", "q: al massimo 200 caratteri",
                              "q: at most 200 characters")
    limit = parse_int("limit", request.args.get("limit"), 10, 1, 50)
    return _conditional(jsonify({"query": q, "suggestions": autocomplete(index, q, limit)}), index)


def _row(hit: Hit) -> dict:
    """An exported hit; its copies and related articles as ids."""
    return {**{f: getattr(hit, f) for f in HIT_FIELDS},
            "copies": [m.id for m in hit.copies], "related": [m.id for m in hit.related],
            "cerca_url": public_url(article_url(hit.id))}


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a spreadsheet will not execute it: text that would start a
    formula (``=HYPERLINK(...)``, ``=cmd|...``) gets a leading ``'``, as OWASP
    advises for CSV injection. Numbers stay numbers."""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_rows(rows: Iterator[dict]) -> Iterator[str]:
    """CSV after a byte order mark, without which Excel reads UTF-8 as
    the local code page and garbles the accents."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for row in rows:
        writer.writerow([csv_cell(row[f]) for f in EXPORT_FIELDS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@bp.get("/api/export")
def api_export():
    """Export a whole result set.
    ---
    get:
      summary: Every result matching the filters in page order (one per story unless
        collapse says otherwise), streamed, with no cap
      parameters: [{name: format, in: query, schema: {type: string, enum: [csv, jsonl], default: jsonl}},
        q, person,
        place, org,
        not_person, not_place,
        not_org, author, not_author, date_from,
        date_to, sort, collapse]
      responses:
        200:
          description: One row per article
          content:
            text/csv: {schema: {type: string}}
            application/x-ndjson: {schema: {type: string}}
        400: BadRequest
        414: UriTooLong
        429: RateLimited
        503: NoIndex
    """
    index = _index()
    req = _request(extra=("format",))
    fmt = request.args.get("format", "jsonl")
    if fmt not in ("csv", "jsonl"):
        return error_response(400, "invalid_format", "format: usa csv o jsonl",
                              "format: use csv or jsonl")
    hits = export_hits(index, req, query_budget())
    first = _costly(lambda: next(hits, None))  # finds and orders before streaming starts
    rows = (_row(hit) for hit in itertools.chain([first] if first else [], hits))
    if fmt == "csv":
        body, content_type = _csv_rows(rows), "text/csv; charset=utf-8"
    else:
        body = (json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        content_type = "application/x-ndjson; charset=utf-8"
    # content_type, not mimetype: Werkzeug adds a charset to a text/* mimetype.
    # The rows are made as they stream, each with its page's URL (url_for
    # needs the request).
    response = Response(stream_with_context(body), content_type=content_type)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{export_name(req)}.{fmt}"'
    return response


@bp.get("/feed.atom")
def feed():
    """Atom feed.
    ---
    get:
      summary: The newest articles matching a search, as an Atom feed
      parameters: [q, person,
        place, org,
        date_from, date_to, collapse]
      responses:
        200: {description: Atom feed, content: {application/atom+xml: {schema: {type: string}}}}
        400: BadRequest
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    base = _request()
    req = SearchRequest(**{**base.__dict__, "sort": "date", "page": 1,
                           "page_size": FEED_SIZE, "facets": False})
    result = _costly(lambda: search(index, req, query_budget()))
    updated = (index.last_update() or datetime.now(UTC)).isoformat(timespec="seconds")
    query = request.query_string.decode("utf-8", "replace")
    page_url = public_url(url_for("pages.search_page") + "?" + query)
    self_url = public_url(request.script_root + request.path + (f"?{query}" if query else ""))
    title = f"Cerca: {req.q}" if req.q else "Cerca: articoli più recenti"
    entries = []
    for hit in result.hits:
        link = public_url(article_url(hit.id))
        when = f"{hit.date}T00:00:00Z" if hit.date else updated
        entries.append(
            "<entry>"
            f"<id>{escape(atom_id(link))}</id><title>{escape(hit.title or hit.id)}</title>"
            f'<link href="{escape(link, {chr(34): "&quot;"})}"/>'
            f"<updated>{when}</updated>"
            + (f"<author><name>{escape(hit.author)}</name></author>" if hit.author else "") +
            f'<summary type="html">{escape(hit.snippet)}</summary>'
            "</entry>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">'
        f"<id>{escape(atom_id(page_url))}</id><title>{escape(title)}</title>"
        f'<link rel="self" href="{escape(self_url, {chr(34): "&quot;"})}"/>'
        f'<link href="{escape(page_url, {chr(34): "&quot;"})}"/>'
        f"<updated>{updated}</updated><author><name>Cerca</name></author>"
        + "".join(entries) + "</feed>"
    )
    return _conditional(Response(xml, mimetype="application/atom+xml"), index)


def atom_id(link: str) -> str:
    """An entry's permanent id, which Atom wants absolute: the link, or a
    ``tag:`` URI around it when links are relative (no trusted host)."""
    return link if "://" in link else f"tag:cerca,2025:{link}"


@bp.get("/api/health")
def health():
    """Health.
    ---
    get:
      summary: Index document count and last update; 503 if the index cannot be read
      responses:
        200: {description: The index is open, content: {application/json: {schema: Health}}}
        414: UriTooLong
        503: NoIndex
    """
    index = _index()
    try:
        # Reads the current commit afresh (not this thread's searcher), so a
        # deleted or damaged TOC shows here.
        documents, generation, updated = index.doc_count(), index.generation, index.last_update()
    except Exception as exc:  # noqa: BLE001 - reporting any failure to read is health's job
        abort(error_response(
            503, "index_unreadable",
            f"L'indice non si apre ({type(exc).__name__}): ricostruiscilo con «cerca index "
            "--rebuild» o ripristina una copia.",
            f"The index cannot be opened ({type(exc).__name__}): rebuild or restore it."))
    return jsonify({
        "status": "ok",
        "documents": documents,
        "last_update": updated.isoformat(timespec="seconds") if updated else None,
        "generation": generation,
    })


@bp.get("/api/openapi.json")
def openapi():
    """OpenAPI description.
    ---
    get:
      summary: This description (OpenAPI 3.1)
      responses:
        200: {description: The OpenAPI document, content: {application/json: {schema: {type: object}}}}
        414: UriTooLong
    """
    from webapp.openapi import build_spec

    spec = current_app.extensions.get("cerca_openapi")
    if spec is None:  # the routes do not change while the app runs
        spec = current_app.extensions["cerca_openapi"] = build_spec(current_app)
    return jsonify(spec)
