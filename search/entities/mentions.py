"""Mentions the rules find in a text beside the model's: public bodies,
businesses and news agencies, which the model misses in lower case or
does not know."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from search.entities.bodies import body_mentions
from search.entities.context import business_mentions
from search.entities.lists import media_spellings


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str


def scans(text: str, on: frozenset[str]) -> list[tuple[str, str, int]]:
    """(ORG, name as written, start) of the bodies and businesses the text
    names, for the families ``on``."""
    return ((body_mentions(text) if "bodies" in on else [])
            + (business_mentions(text) if "businesses" in on else []))


def media_spans(text: str) -> list[Mention]:
    """Every mention of a news agency or broadcaster: a gazetteer, since
    the model misses many."""
    # A substring test first: most articles name none of them, and a test
    # costs a fraction of a regex search.
    return [Mention(m.start(), m.end(), m.group(), "ORG")
            for name, pattern in _media_patterns() if name in text
            for m in pattern.finditer(text)]


def media_mentions(text: str) -> list[tuple[str, str]]:
    """Each news agency the text names, once per spelling, as (label, name)."""
    return [("ORG", name) for name in dict.fromkeys(m.text for m in media_spans(text))]


@functools.cache
def media_names() -> tuple[str, ...]:
    """Every spelling in the media list, matched case-sensitively ("Kcna", "KCNA")."""
    return tuple(sorted(set(media_spellings()), key=len, reverse=True))


@functools.cache
def _media_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")) for name in media_names())
