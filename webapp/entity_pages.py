"""Entity pages: /persona/<name>, /luogo/<name>, /organizzazione/<name>.

One core call (``search.entity``) gives the page's data; the URL's search
parameters narrow it, as they narrow the search page, and stay in every
link the page makes.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from search import ENTITY_TYPES, NAME_FACETS, InvalidRequest, entity
from webapp import get_index, query_budget
from webapp.errors import error_response
from webapp.urls import ENTITY_PATHS, Links, entity_api_path, entity_path, search_request

bp = Blueprint("entities", __name__)

TYPES = {word: type for type, word in ENTITY_PATHS.items()}
# What the page calls each type, and its articles ("Nessuna persona «X»").
NOUNS = ENTITY_PATHS  # the word in its URL is the name of its type
COMPANY_LABELS = {f.key: f.label for f in NAME_FACETS if f.key in ENTITY_TYPES}


@bp.get("/<any(persona, luogo, organizzazione):word>/<path:name>")
def entity_page(word: str, name: str):
    index = get_index()
    type = TYPES[word]
    if index is None:
        abort(error_response(503, "no_index", "L'indice è vuoto: esegui «cerca index».",
                             "No index available: run `cerca index`."))
    try:
        req = search_request(request.args)
        result = entity(index, type, name, req, query_budget())
    except InvalidRequest as exc:  # a bad parameter, or past the time budget
        abort(error_response(400, exc.code, exc.message_it, exc.message_en))
    if result is None:
        noun = NOUNS[type]
        article = "Nessun" if type == "place" else "Nessuna"
        abort(error_response(404, "unknown_entity",
                             f"{article} {noun} «{name[:100]}» nell'archivio.",
                             f"No {type} {name[:100]!r} in the archive."))
    api = Links(req).url(req, base=entity_api_path(type, name))
    page = render_template(
        "entity.html", result=result, req=req, noun=NOUNS[type], api=api,
        links=Links(req, base=entity_path(type, name)), search_links=Links(req),
        company_labels=COMPANY_LABELS, version=index.version,
    )
    return page, 200, {"Link": f'<{api}>; rel="alternate"; type="application/json"'}
