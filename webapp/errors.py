"""Errors in the shape the caller reads: JSON under /api, a page elsewhere."""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from werkzeug.exceptions import SecurityError

MESSAGES = {
    400: ("bad_request", "Richiesta non valida.", "Bad request."),
    404: ("not_found", "Pagina non trovata.", "Not found."),
    405: ("method_not_allowed", "Metodo non consentito.", "Method not allowed."),
    413: ("too_large", "Richiesta troppo grande.", "Request too large."),
    414: ("uri_too_long", "Indirizzo troppo lungo.", "URI too long."),
    429: ("rate_limited", "Troppe richieste: riprova tra poco.",
          "Too many requests: try again shortly."),
    431: ("headers_too_large", "Intestazioni della richiesta troppo grandi.",
          "Request header fields too large."),
    500: ("server_error", "Errore interno: riprova tra poco.", "Internal error: try again."),
}


def wants_json() -> bool:
    """Programs call /api and the feed; people get pages."""
    return request.path.startswith("/api/") or request.path == "/feed.atom"


def error_response(status: int, code: str, message_it: str, message_en: str,
                   valid: tuple[str, ...] = ()) -> Response:
    """A complete response (usable with ``abort()``); ``valid``: the names
    to use instead of an unknown parameter."""
    if wants_json():
        error: dict = {"code": code, "message": message_it, "message_en": message_en}
        if valid:
            error["valid"] = list(valid)
        response = jsonify({"error": error})
    else:
        response = make_response(render_template("error.html", status=status, message=message_it))
    response.status_code = status
    return response


def status_response(status: int) -> Response:
    """The response for a status in MESSAGES (400's text for any other)."""
    return error_response(status, *MESSAGES.get(status, MESSAGES[400]))


def refuse_long_urls() -> None:
    """Over ``MAX_URL_BYTES`` a request is refused before any work: no
    query is that long, and the answer is ours (JSON under /api), not a
    server's HTML page."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    if len(target) > current_app.config["MAX_URL_BYTES"]:
        abort(status_response(414))


UNTRUSTED_HOST = ("untrusted_host", "Indirizzo del sito non riconosciuto (intestazione Host).",
                  "Untrusted Host header.")


def untrusted_host(_error: SecurityError) -> Response:
    """A Host outside ``TRUSTED_HOSTS``: Flask builds no URLs for it, so
    the answer is one that needs none (not the page template)."""
    if wants_json():
        code, message_it, message_en = UNTRUSTED_HOST
        response = jsonify({"error": {"code": code, "message": message_it,
                                      "message_en": message_en}})
    else:
        response = Response(f'<!doctype html><html lang="it"><meta charset="utf-8">'
                            f"<title>Cerca</title><p>{UNTRUSTED_HOST[1]}</p></html>",
                            mimetype="text/html")
    response.status_code = 400
    return response


def register(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda error, s=status: status_response(s))
    app.register_error_handler(SecurityError, untrusted_host)
    app.before_request(refuse_long_urls)
