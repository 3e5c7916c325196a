"""'Forse cercavi': spelling suggestions from the unstemmed vocabulary.

Suggestions come from ``body_exact`` (real words, not stems), so a
correction is something a person would type.
"""

from __future__ import annotations

import re

from whoosh.searching import Searcher

from search.analysis import STOPWORDS, fold, stem

FIELD = "body_exact"
MIN_LENGTH = 4


def suggest_query(searcher: Searcher, text: str, words: list[str]) -> str | None:
    """The query with each unknown word replaced by its closest known word."""
    reader = searcher.reader()
    corrections: dict[str, str] = {}
    for word in words:
        folded = fold(word.lower())
        if (
            len(folded) < MIN_LENGTH
            or not folded.isalpha()
            or folded in STOPWORDS
            or reader.doc_frequency(FIELD, folded) > 0
            or reader.doc_frequency("body", fold(stem(word.lower()))) > 0
        ):
            continue
        candidates = searcher.suggest(FIELD, folded, limit=5, maxdist=2, prefix=1)
        if candidates:
            corrections[word] = candidates[0]
    if not corrections:
        return None
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in corrections) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(lambda m: corrections.get(m.group(0).lower(), m.group(0)), text)

