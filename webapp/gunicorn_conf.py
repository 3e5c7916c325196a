"""gunicorn settings for Cerca: ``gunicorn -c python:webapp.gunicorn_conf``.

gunicorn refuses a request line over ``limit_request_line`` bytes, or
oversized headers, before the app sees the request, with its own HTML
page. Lifting the limit (``0``) is no cure: gunicorn then buffers the line
with no cap and re-copies it at every read, so one 16 MB request line
kept a worker thread busy for 112 s and grew it by 80 MB (measured with
gunicorn 27, see README). So the limit stays at gunicorn's maximum, and
the worker below answers those refusals in JSON, as the API does. The app
itself refuses shorter long URLs (``MAX_URL_BYTES``) knowing the path:
JSON under /api, an Italian page elsewhere. Past gunicorn's limit the path
is never read, so every such request gets the JSON answer.
"""

from __future__ import annotations

import json
import time
from http import HTTPStatus

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from webapp.errors import MESSAGES

bind = "127.0.0.1:8000"
workers = 2
threads = 4
limit_request_line = 8190  # gunicorn's maximum
worker_class = "webapp.gunicorn_conf.Worker"

REFUSALS = ((LimitRequestLine, 414), (LimitRequestHeaders, 431))


class Worker(ThreadWorker):
    """gunicorn's threaded worker, with its refusals of oversized requests
    in the API's JSON error shape."""

    def handle_error(self, req, client, addr, exc):
        status = next((s for kind, s in REFUSALS if isinstance(exc, kind)), None)
        if status is None or req is not None:
            return super().handle_error(req, client, addr, exc)
        started = time.perf_counter()
        code, message_it, message_en = MESSAGES[status]
        body = json.dumps({"error": {"code": code, "message": message_it,
                                     "message_en": message_en}}, ensure_ascii=False)
        data = body.encode("utf-8")
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                "Connection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + data)
        except OSError:
            self.log.debug("Failed to send error message.")
        if self.wsgi.config.get("REQUEST_LOG"):
            from webapp.requestlog import log_request

            log_request("-", "-", status, started, len(data), (addr or ("",))[0])
