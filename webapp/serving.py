"""Werkzeug's development server (``cerca serve``), answering its own
errors the way the app does.

Werkzeug refuses a request line over 64 KB, or malformed headers, before
the app sees the request, with an English HTML page, even under /api. This
handler renders those errors through the app (JSON under /api, an Italian
page elsewhere) and logs them like any other request.
"""

from __future__ import annotations

import time
from typing import Any, cast

from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from webapp import errors, requestlog

# Of a refused request line only the path is read, and only this much.
PATH_PEEK = 2048


class RequestHandler(WSGIRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        started = time.perf_counter()
        app = self._app()
        method, path = _method_and_path(getattr(self, "raw_requestline", b""))
        with app.test_request_context(path, method=method):
            response = errors.status_response(code)
        body = response.get_data()
        self.send_response(code, message)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", response.headers["Content-Type"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)
        self.close_connection = True
        if app.config["REQUEST_LOG"]:
            requestlog.log_request(method, path, code, started, len(body), self.client_address[0])

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """The app writes the request log (requestlog.py); werkzeug's own
        line would repeat it."""
        if not self._app().config["REQUEST_LOG"]:
            super().log_request(code, size)

    def _app(self) -> Flask:
        return cast(Flask, self.server.app)


def _method_and_path(line: bytes) -> tuple[str, str]:
    """From a request line, possibly cut short: the method and the path."""
    parts = line[:PATH_PEEK].decode("latin-1").split(" ")
    method = parts[0] if parts[0].isalpha() else "GET"
    target = parts[1] if len(parts) > 1 else "/"
    path = target.split("?", 1)[0]
    return method, path if path.startswith("/") else "/"


class CercaFlask(Flask):
    """``app.run()`` (as ``cerca serve`` calls it) uses the handler above."""

    def run(self, *args: Any, **options: Any) -> None:
        options.setdefault("request_handler", RequestHandler)
        super().run(*args, **options)
