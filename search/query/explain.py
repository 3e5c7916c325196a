"""Why this result: the typed words a hit matched, and in which forms.

Each typed word (or quoted phrase, or pattern) is one group of the query;
its terms in highlighting form (``snippets.highlight_terms``) are mapped
back to it, and the hit's title and body are scanned with the snippet
matcher, so "nucleari" is reported as matching "nucleare" exactly where
the snippet would mark it.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from search.models import MatchedWord
from search.query.snippets import Match, highlight_terms, matches


def word_keys(q: wq.Query, reader) -> dict[str, str]:
    """Highlighting key -> the typed word it stands for, in typed order;
    excluded words (``-guerra``, ``NOT``) are left out."""
    keys: dict[str, str] = {}

    def visit(node: wq.Query) -> None:
        word = getattr(node, "word", None)
        if word is not None:
            for key in sorted(highlight_terms(node, reader)):
                keys.setdefault(key, word)
        elif isinstance(node, wq.AndNot):
            visit(node.a)
        elif not isinstance(node, wq.Not):
            for child in node.children():
                visit(child)

    visit(q)
    return keys


def matched_words(found: list[tuple[str, list[Match]]], keys: dict[str, str]) -> list[MatchedWord]:
    """The words of ``keys`` matched in ``found`` (each text with its
    matches), with the forms as written (lowercased), in typed order."""
    forms: dict[str, dict[str, None]] = {word: {} for word in keys.values()}
    for text, text_matches in found:
        for m in text_matches:
            word = keys.get(m.key)
            if word is not None:
                forms[word].setdefault(text[m.start:m.end].lower(), None)
    return [MatchedWord(word, list(seen)) for word, seen in forms.items() if seen]


@dataclass(frozen=True)
class Found:
    """Where the query's words are in one document's title and body: the
    rerank, the snippet and "why this result" all start from it."""

    in_title: list[Match]
    in_body: list[Match]


def find_words(title: str, body: str, keys: dict[str, str]) -> Found:
    """The matches of ``keys`` in a title and a body."""
    terms = frozenset(keys)
    if not terms:
        return Found([], [])
    return Found(matches(title, terms), matches(body, terms))


def explain(title: str, body: str, found: Found, keys: dict[str, str]) -> list[MatchedWord]:
    """The hit's matched words, from its ``found`` matches."""
    return matched_words([(title, found.in_title), (body, found.in_body)], keys)
