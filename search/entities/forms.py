"""How each entity was written and typed, as index terms.

The canonical name hides its spellings ("Muzzarelli", "Giancarlo
Muzzarelli", "MUZZARELLI" are all Gian Carlo Muzzarelli) and the types the
model gave its mentions (the archive's vote, ``archive.py``). Each article
keeps them as terms of two KEYWORD fields, one per (value, spelling) and
(value, label), so an entity page counts them among its own articles with
the same postings arithmetic as a facet.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.schema import KEYWORD_SEPARATOR

# Between the parts of one term; never in a name (clean() drops controls).
PART = "\x1e"
# (field, value, written form, the model's label) for every mention.
Form = tuple[str, str, str, str]


def form_terms(forms: Iterable[Form]) -> dict[str, str]:
    """The ``spellings`` and ``votes`` field values of one article."""
    spellings, votes = set(), set()
    for field, value, written, label in forms:
        spellings.add(PART.join((field, value, written.replace(KEYWORD_SEPARATOR, " "))))
        votes.add(PART.join((field, value, label)))
    if not spellings:
        return {}
    return {"spellings": KEYWORD_SEPARATOR.join(sorted(spellings)),
            "votes": KEYWORD_SEPARATOR.join(sorted(votes))}


def term_prefix(field: str, value: str) -> str:
    """The start every term of one entity shares."""
    return PART.join((field, value)) + PART
