"""Cerca's web shell: the search page and the JSON API over one search core.

``create_app()`` follows Flask's tutorial factory: defaults, then
``CERCA_*`` environment variables, then ``test_config``. The index path
comes from configuration only, never from a request: Whoosh reads pickles.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from search import DEFAULT_SECONDS, Index, IndexProblem, open_index


class IndexHolder:
    """The opened index, or None until one exists; shared by all threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._index: Index | None = None
        self._lock = threading.Lock()

    def get(self) -> Index | None:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    try:
                        self._index = open_index(self.path)
                    except IndexProblem:
                        return None
        return self._index


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR="index",
        CORS_ORIGINS=[],
        MAX_CONTENT_LENGTH=64 * 1024,
        QUERY_BUDGET=DEFAULT_SECONDS,  # seconds one search may take
        JSON_AS_ASCII=False,
    )
    app.config.from_prefixed_env("CERCA")
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["cerca"] = IndexHolder(str(app.config["INDEX_DIR"]))

    from webapp import api, errors, formatting, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    api.init_cors(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; "
            "frame-ancestors 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    errors.register(app)
    formatting.register(app)
    return app


def query_budget() -> float:
    """Seconds one search may take (``CERCA_QUERY_BUDGET``)."""
    from flask import current_app

    return float(current_app.config["QUERY_BUDGET"])


def get_index() -> Index | None:
    from flask import current_app

    return current_app.extensions["cerca"].get()
