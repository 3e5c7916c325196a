"""Autocomplete for a search box elsewhere: entity names and titles."""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.searching import Searcher

from search.analysis import fold
from search.index import Index
from search.query import columns


def autocomplete(index: Index, text: str, limit: int = 10) -> list[dict[str, str]]:
    """Entity names and titles that contain what was typed, for a search box.

    Names come first (most mentioned first); then titles whose words start
    with the last word typed.
    """
    needle = fold(text.strip().casefold())
    if len(needle) < 2:
        return []
    named: list[tuple[int, dict[str, str]]] = []
    with index.searcher() as searcher:
        for kind, field in (("person", "persons"), ("place", "places"), ("org", "orgs")):
            col = columns.of(index).column(searcher, field)
            sizes = col.sizes()
            for i, value in enumerate(col.values):
                if needle in fold(value.casefold()):
                    named.append((int(sizes[i]), {"value": value, "kind": kind}))
        named.sort(key=lambda pair: -pair[0])
        found = [entry for _, entry in named[:limit]]
        for title in title_matches(searcher, text, limit - len(found)):
            found.append({"value": title, "kind": "title"})
    return found


def title_matches(searcher: Searcher, text: str, limit: int) -> list[str]:
    """Titles with a word starting like the last word of ``text``."""
    words = re.findall(r"\w+", fold(text.casefold()))
    if not words or limit <= 0:
        return []
    clauses = [wq.Term("title_exact", w) for w in words[:-1]] + [
        wq.Prefix("title_exact", words[-1])
    ]
    hits = searcher.search(wq.And(clauses), limit=limit)
    return [h["title"] for h in hits]
