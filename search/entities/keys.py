"""Keys under which the spellings of one name meet."""

from __future__ import annotations

import re

from search.analysis import fold

LABELS = ("PER", "LOC", "ORG")
FIELD_OF = {"PER": "persons", "LOC": "places", "ORG": "orgs"}


def _token_key(token: str) -> str:
    """Transliteration variants of one name part: Sergei/Sergej/Sergey,
    Aleksei/Alexei, Dmitrij/Dmitriy/Dmitry."""
    token = token.replace("x", "ks")
    token = re.sub(r"(?:ij|iy)$", "y", token)
    return re.sub(r"e[ij]$", "ey", token)


def name_key(name: str) -> str:
    """Case, accents, hyphens, spacing and transliteration folded away."""
    words = re.findall(r"\w+", fold(name.casefold()))
    return " ".join(_token_key(w) for w in words)
