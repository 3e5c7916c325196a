"""Per-client rate limits on the expensive endpoints (search and export).

Off unless configured (``CERCA_RATE_LIMIT_SEARCH="60/minute"``,
``CERCA_RATE_LIMIT_EXPORT="5/minute"``): Cerca on a laptop needs none.
Counts live in memory, so each gunicorn worker counts on its own unless
``RATE_LIMIT_STORAGE_URI`` names a shared store (``redis://...``). A client
is its address as the app sees it: behind a reverse proxy, set
``PROXY_COUNT`` so that it is the address the proxy forwarded.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

# Config key -> the endpoints it limits.
LIMITED = {"RATE_LIMIT_SEARCH": ("api.api_search",), "RATE_LIMIT_EXPORT": ("api.api_export",)}


def init_app(app: Flask) -> None:
    """Wrap the limited views of this app, once its blueprints are registered."""
    configured = {key: str(app.config[key]) for key in LIMITED if app.config.get(key)}
    if not configured:
        return
    for key, value in configured.items():
        try:
            parse_many(value)
        except ValueError:  # flask-limiter would ignore it, leaving the endpoint open
            raise ValueError(f"CERCA_{key} non valido: {value!r} "
                             "(per esempio \"60/minute\" o \"5/minute;100/hour\")") from None
    limiter = Limiter(get_remote_address, app=app, headers_enabled=True,
                      storage_uri=app.config["RATE_LIMIT_STORAGE_URI"])
    for key, value in configured.items():
        for endpoint in LIMITED[key]:
            limited: Any = limiter.limit(value)(app.view_functions[endpoint])
            app.view_functions[endpoint] = limited
