"""Errors in the shape the caller reads: JSON under /api, a page elsewhere."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request

MESSAGES = {
    400: ("bad_request", "Richiesta non valida.", "Bad request."),
    404: ("not_found", "Pagina non trovata.", "Not found."),
    405: ("method_not_allowed", "Metodo non consentito.", "Method not allowed."),
    413: ("too_large", "Richiesta troppo grande.", "Request too large."),
    414: ("uri_too_long", "Indirizzo troppo lungo.", "URI too long."),
    500: ("server_error", "Errore interno: riprova tra poco.", "Internal error: try again."),
}


def wants_json() -> bool:
    """Programs call /api and the feed; people get pages."""
    return request.path.startswith("/api/") or request.path == "/feed.atom"


def error_response(status: int, code: str, message_it: str, message_en: str) -> Response:
    """A complete response (usable with ``abort()``)."""
    if wants_json():
        body = {"error": {"code": code, "message": message_it, "message_en": message_en}}
        response = jsonify(body)
    else:
        response = make_response(render_template("error.html", status=status, message=message_it))
    response.status_code = status
    return response


def register(app: Flask) -> None:
    for status, (code, it, en) in MESSAGES.items():
        app.register_error_handler(
            status, lambda error, s=status, c=code, i=it, e=en: error_response(s, c, i, e)
        )
