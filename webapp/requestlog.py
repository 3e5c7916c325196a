"""One JSON line per request on stderr: method, path, status, latency,
bytes and client, for an operator to grep, count and graph.

On by default when serving (``cerca serve``, gunicorn), off in tests
unless ``REQUEST_LOG`` is set. The line is written once the body has been
sent, so an export's latency and size are the whole stream's.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator

from flask import Flask, Response, g, request

LOGGER = logging.getLogger("cerca.requests")


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (as logging's own
    last-resort handler does), so a replaced stderr is never a closed one."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def log_request(method: str, path: str, status: int, started: float, size: int,
                remote: str | None) -> None:
    LOGGER.info(json.dumps({
        "method": method, "path": path, "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "bytes": size, "remote": remote,
    }, ensure_ascii=False))


def init_app(app: Flask) -> None:
    if not app.config["REQUEST_LOG"]:
        return
    if not any(isinstance(h, _Stderr) for h in LOGGER.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
        LOGGER.propagate = False
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started", time.perf_counter())
    method, path, remote = request.method, request.path, request.remote_addr
    status = response.status_code
    sent = [response.content_length]
    if sent[0] is None:
        sent[0] = 0
        response.response = _counted(response.response, sent)
    response.call_on_close(lambda: log_request(method, path, status, started, sent[0] or 0,
                                               remote))
    return response


def _counted(body: Iterable[bytes | str], sent: list[int | None]) -> Iterator[bytes | str]:
    for chunk in body:
        sent[0] = (sent[0] or 0) + len(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        yield chunk
