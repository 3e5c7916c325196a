"""Highlighted snippets: escaped text with <mark> around matched words.

Highlighting reuses the index analyzers, so a stemmed match marks the
inflected form ("missile" marks "missili") and a folded match marks the
accented form ("citta" marks "città").
"""

from __future__ import annotations

import html

from whoosh import highlight
from whoosh import query as wq

from .analysis import highlight_analyzer

FRAGMENTS = 3
FRAGMENT_CHARS = 220
SURROUND = 70
LEAD_CHARS = 240


class MarkFormatter(highlight.Formatter):
    """Every character of article text is escaped; only <mark> is ours."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text)

    def format(self, fragments, replace=False):
        """Fragments joined by " … ", with " …" where text was cut at either end."""
        parts = [self.format_fragment(f, replace=replace) for f in fragments]
        if not parts:
            return ""
        text = fragments[0].text
        head = "… " if fragments[0].startchar > 0 else ""
        tail = " …" if fragments[-1].endchar < len(text.rstrip()) else ""
        return head + self.between.join(p.strip() for p in parts) + tail

    def format_token(self, text, token, replace=False):
        return "<mark>" + html.escape(highlight.get_text(text, token, replace)) + "</mark>"


class Snippets:
    """Makes snippets; create one and reuse it."""

    def __init__(self) -> None:
        self._analyzer = highlight_analyzer()
        self._fragmenter = highlight.ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=SURROUND)
        self._formatter = MarkFormatter()

    def make(self, text: str, terms: frozenset[str], top: int = FRAGMENTS) -> str:
        """Up to ``top`` fragments around ``terms`` (see ``highlight_terms``)."""
        if terms:
            marked = highlight.highlight(
                text, terms, self._analyzer, self._fragmenter, self._formatter, top=top
            )
            if marked:
                return marked
        return lead(text)

    def mark_all(self, text: str, terms: frozenset[str]) -> str:
        """The whole text, escaped, with every match marked (the article page)."""
        if terms:
            whole = highlight.WholeFragmenter(charlimit=None)
            marked = highlight.highlight(
                text, terms, self._analyzer, whole, self._formatter, top=1
            )
            if marked:
                return marked
        return html.escape(text)


def highlight_terms(q: wq.Query, reader) -> frozenset[str]:
    """A query's body and title terms, wildcards and fuzzy terms expanded,
    in the forms HighlightFormsFilter emits."""
    # Not Query.existing_terms(): in Whoosh 2.7.5 its loop variable shadows
    # the ``fieldname`` argument and drops terms.
    terms = set()
    leaves = [q] if q.is_leaf() else q.leaves()
    for leaf in leaves:
        for field, text in leaf.expanded_terms(reader, phrases=True):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            if field in ("body", "title"):
                terms.add("s:" + text)
            elif field in ("body_exact", "title_exact"):
                terms.add("e:" + text)
    return frozenset(terms)


def lead(text: str, limit: int = LEAD_CHARS) -> str:
    """The opening of the text, escaped, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return html.escape(text)
    return html.escape(text[:limit].rsplit(" ", 1)[0]) + " …"
