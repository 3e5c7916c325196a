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


# Shorter compact keys are initials and acronyms ("A. B." and "Ab"), not spellings of one name.
_COMPACT_MIN = 6


def compact_key(key: str) -> str:
    """A ``name_key`` without its spaces, where "Gian Carlo" meets
    "Giancarlo", "De Luca" "Deluca" and "D'Amico" "Damico"; a short key
    stays as it is, and so does one with an initial ("Nicola S" is not
    "Nicolas", "Ferrari S" not "Ferraris")."""
    joined = key.replace(" ", "")
    words = key.split()
    # An initial ends a name; "d amico" is D'Amico.
    short = len(joined) < _COMPACT_MIN or len(words[-1]) == 1
    return key if short else joined
