"""Autocomplete for a search box elsewhere: entity names and titles."""

from __future__ import annotations

from search.analysis import fold
from search.index import Index
from search.query.pipeline import column, title_matches


def autocomplete(index: Index, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Entity names and titles that contain what was typed, for a search box.

    Names come first (most mentioned first); then titles whose words start
    with the last word typed.
    """
    needle = fold(text.strip().casefold())
    if len(needle) < 2:
        return []
    found: list[dict[str, str]] = []
    with index.searcher() as searcher:
        for kind, field in (("person", "persons"), ("place", "places"), ("org", "orgs")):
            col = column(index, searcher, field)
            sizes = col.sizes()
            for i, value in enumerate(col.values):
                if needle in fold(value.casefold()):
                    found.append({"value": value, "kind": kind, "_n": int(sizes[i])})
        found.sort(key=lambda f: -f.pop("_n"))
        found = found[:limit]
        for title in title_matches(searcher, text, limit - len(found)):
            found.append({"value": title, "kind": "title"})
    return found
