"""Cerca's web shell: the search page and the JSON API over one search core.

``create_app()`` follows Flask's tutorial factory: defaults, then
``CERCA_*`` environment variables, then ``test_config``. The index path
comes from configuration only, never from a request: Whoosh reads pickles.
Nor does the public address: absolute links come from ``BASE_URL``, or
from the ``Host`` header only if ``TRUSTED_HOSTS`` lists it; else links
are relative. The index path may be a symlink that is
switched to a new snapshot while serving (``search/served.py``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from search import DEFAULT_SECONDS, NAME_FACETS, Index, ServedIndex, web_url
from webapp.serving import CercaFlask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = CercaFlask(__name__)
    app.config.from_mapping(
        INDEX_DIR="index",
        CORS_ORIGINS=[],
        MAX_CONTENT_LENGTH=64 * 1024,
        QUERY_BUDGET=DEFAULT_SECONDS,  # seconds one search may take
        # Longer URLs get a 414 from the app itself; below gunicorn's 8190-byte
        # request line, so that under gunicorn too the app answers first.
        MAX_URL_BYTES=8000,
        JSON_AS_ASCII=False,
        BASE_URL="",
        # Hosts whose Host header to believe (Flask answers others with 400).
        TRUSTED_HOSTS=None,
        # Reverse proxies in front whose X-Forwarded-For/-Proto to believe.
        PROXY_COUNT=0,
        RATE_LIMIT_SEARCH="",
        RATE_LIMIT_EXPORT="",
        RATE_LIMIT_STORAGE_URI="memory://",
        RATE_LIMIT_LOGIN="10/minute",  # per client address, editors' sign-in
        SESSION_COOKIE_SECURE=False,  # True forces it; HTTPS requests get it anyway
    )
    app.config.from_prefixed_env("CERCA")
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("REQUEST_LOG", not app.testing)
    _check_base_url(app)
    hosts = app.config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):  # CERCA_TRUSTED_HOSTS=cerca.it,www.cerca.it
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or None
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["cerca"] = ServedIndex(str(app.config["INDEX_DIR"]))
    _lease_per_request(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]

    from webapp import (
        api,
        auth,
        curation_pages,
        entity_pages,
        errors,
        formatting,
        limits,
        pages,
        requestlog,
    )
    from webapp.chart import bar_chart
    from webapp.facet_rows import facet_rows
    from webapp.urls import ENTITY_PATHS, ArticleIdConverter, article_url, public_url

    app.url_map.converters["article_id"] = ArticleIdConverter
    requestlog.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(entity_pages.bp)
    if auth.init_app(app):  # only an index with editors has edit routes
        app.register_blueprint(curation_pages.bp)
    api.init_cors(app)
    limits.init_app(app)
    app.add_template_global(public_url)
    app.add_template_global(article_url)
    app.add_template_global(bar_chart)
    app.add_template_global(facet_rows)
    app.jinja_env.globals["entity_paths"] = ENTITY_PATHS
    app.jinja_env.globals["name_facets"] = NAME_FACETS

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


def _check_base_url(app: Flask) -> None:
    base = app.config["BASE_URL"]
    if base and web_url(base) != base:
        raise ValueError(f"CERCA_BASE_URL non valido: {base!r} "
                         "(serve http:// o https:// e un host)")


def get_index() -> Index | None:
    """This request's index: the same one from its start to its end, even
    if the index path is switched to a new snapshot meanwhile."""
    from flask import current_app, g

    if "cerca_index" not in g:
        g.cerca_index = current_app.extensions["cerca"].acquire()
    return g.cerca_index


def _lease_per_request(app: Flask) -> None:
    """Give a request's index back once its body is sent (an export
    streams after the view returns), or at teardown if no response was."""
    from flask import g

    served: ServedIndex = app.extensions["cerca"]

    @app.after_request
    def release_when_sent(response):
        index = g.pop("cerca_index", None)
        if index is not None:
            response.call_on_close(lambda: served.release(index))
        return response

    @app.teardown_appcontext
    def release_unsent(_exc):
        index = g.pop("cerca_index", None)
        if index is not None:
            served.release(index)
