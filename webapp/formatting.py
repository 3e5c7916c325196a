"""Italian dates and safe links for templates."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from search import web_url

MONTHS = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
          "novembre dicembre").split()


def data_it(value: str | dt.date | None) -> str:
    """2025-09-03 -> 3 settembre 2025."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def periodo_it(value: str) -> str:
    """2025 -> 2025, 2025-09 -> settembre 2025, 2025-09-03 -> 3 settembre 2025."""
    try:
        parts = value.split("-")
        if len(parts) == 3:
            return data_it(value)
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value


def register(app: Flask) -> None:
    app.add_template_filter(data_it)
    # The one test for "may this become an href": http(s) only.
    app.add_template_filter(web_url)
    app.add_template_filter(periodo_it)
