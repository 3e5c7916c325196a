"""Why this result: the typed words a hit matched, and in which forms.

Each typed word (or quoted phrase, or pattern) is one group of the query;
its terms in highlighting form (``snippets.highlight_terms``) are mapped
back to it, and the hit's title and body are scanned with the snippet
matcher, so "nucleari" is reported as matching "nucleare" exactly where
the snippet would mark it.
"""

from __future__ import annotations

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


def explain(title: str, body: str, keys: dict[str, str]) -> tuple[list[Match], list[MatchedWord]]:
    """The body's matches (for its snippet) and the hit's matched words."""
    terms = frozenset(keys)
    if not terms:
        return [], []
    in_body = matches(body, terms)
    return in_body, matched_words([(title, matches(title, terms)), (body, in_body)], keys)
