"""Dates written in Italian text, normalised with their granularity.

``find_dates`` runs every rule of the grammar (the table in ``rules``)
over the text and keeps, where matches overlap, the longest. Relative forms ("ieri",
"lunedì", "il mese scorso", "a settembre") resolve against the publication
date; without one they are kept with their text and no value, never
resolved against the day the indexer runs.
"""

from __future__ import annotations

import datetime as dt
import re

from search.ingest.dates import grammar as g
from search.ingest.dates.rules import COMPILED, DIGIT
from search.models import MentionedDate

# Changes whenever what is found in a text changes: indexes re-read articles.
DATES_VERSION = "dates-2"


def find_dates(text: str, published: dt.date | None = None) -> list[MentionedDate]:
    """Every date in ``text``, in order; overlapping matches keep the longest."""
    where = _word_positions(text)
    if not where:
        return []
    candidates: list[g.Found] = []
    # Many rules need the same words (the months, any digit): their regions
    # are worked out once.
    regions: dict[frozenset[str], list[tuple[int, int]]] = {}
    for needed, pattern, reader in COMPILED:
        # A rule runs only near its words: most of a text names no date.
        spans = regions.get(needed)
        if spans is None:
            spans = regions[needed] = _regions(
                sorted(p for w in where if w in needed for p in where[w]), len(text))
        for start, end in spans:
            for m in pattern.finditer(text, start, end):
                candidates += reader(m, text)
    chosen = _longest_first(candidates)
    return [MentionedDate(text[f.start:f.end], _value(f, published), f.granularity,  # type: ignore[arg-type]
                          f.start, f.end)
            for f in chosen]


# Every rule's match holds one of its words and is shorter than this, so
# scanning this far either side of each such word finds every match.
REACH = 100
_TOKEN = re.compile(r"[^\W\d]+|\d+")
# Only the words some rule needs are kept: a long text's other words cost no memory.
_TRIGGERS = frozenset(w for words, _, _ in COMPILED for w in words)


def _word_positions(text: str) -> dict[str, list[int]]:
    """Where each word a rule needs (lower case) and each run of digits (as DIGIT) starts."""
    where: dict[str, list[int]] = {}
    for m in _TOKEN.finditer(text):
        word = m.group()
        key = DIGIT if word[0].isdigit() else word.lower()
        if key in _TRIGGERS:
            where.setdefault(key, []).append(m.start())
    return where


def _regions(positions: list[int], length: int) -> list[tuple[int, int]]:
    """Spans of ``REACH`` around each position, merged where they touch."""
    regions: list[tuple[int, int]] = []
    for p in positions:
        start, end = max(0, p - REACH), min(length, p + REACH)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return regions


def _longest_first(candidates: list[g.Found]) -> list[g.Found]:
    """Non-overlapping matches, longer ones first, in text order. A match
    is short, so checking the characters it covers costs its length."""
    if not candidates:
        return []
    taken = bytearray(max(f.end for f in candidates))
    chosen: list[g.Found] = []
    for found in sorted(candidates, key=lambda f: (f.start - f.end, f.start)):
        if any(taken[found.start:found.end]):
            continue
        taken[found.start:found.end] = b"\x01" * (found.end - found.start)
        chosen.append(found)
    return sorted(chosen, key=lambda f: f.start)


def _value(found: g.Found, published: dt.date | None) -> str | None:
    """The ISO value, or None when it would fall outside the calendar (a
    publication date of 9999-12-31 has no "domani")."""
    try:
        value = found.resolve(published)
    except (ValueError, OverflowError):
        return None
    return None if value and value.startswith("-") else value


def days_mentioned(dates: list[MentionedDate], limit: int = 62) -> list[str]:
    """The days a text names (single days and short day ranges), for "Date citate"."""
    days: dict[str, None] = {}
    for d in dates:
        if d.granularity != "day" or not d.value:
            continue
        first, _, last = d.value.partition("/")
        try:
            start = dt.date.fromisoformat(first)
            end = dt.date.fromisoformat(last) if last else start
        except ValueError:
            continue  # "BC0044-03-15": before the calendar dates can hold
        for n in range(min((end - start).days, limit) + 1):
            days.setdefault((start + dt.timedelta(days=n)).isoformat(), None)
    return list(days)

