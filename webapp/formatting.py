"""Italian dates and safe links for templates."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Flask

MONTHS = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
          "novembre dicembre").split()


def data_it(value: str | dt.date | None) -> str:
    """2025-09-03 -> 3 settembre 2025."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def mese_it(value: str) -> str:
    """2025-09 -> settembre 2025."""
    try:
        year, month = value.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return value


def web_url(value: str | None) -> str:
    """The URL if it is http(s) with a host, else "": only those become links
    (an article's url may be ``javascript:`` or a local path)."""
    url = (value or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def register(app: Flask) -> None:
    app.add_template_filter(data_it)
    app.add_template_filter(mese_it)
    app.add_template_filter(web_url)
