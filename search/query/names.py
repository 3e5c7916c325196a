"""Which typed words the archive knows as names, to match as written.

Snowball stems "Mirandola" like "mira" and "Mario" like "mare": a name
found through its stem finds the wrong articles. A word is a name here
when, in the articles that contain it, it is mostly part of a recognised
person, place or organisation: the entity fields (``persons_text`` and
the like, filled by the NER and the gazetteer) against the exact body
field. The figures behind ``NAME_SHARE`` are in bench/counting.py; the
rule is in the README ("How Italian is matched").
"""

from __future__ import annotations

from search.analysis import STOPWORDS, exact_analyzer
from search.schema import ENTITY_TEXT_FIELDS

# A word is a name when at least this share of the articles holding it
# (in the exact body) hold it in one entity field: "mirandola", "carpi",
# "putin", but not "mira" ("presi di mira"), "stati" or "monte".
NAME_SHARE = 0.5
# Below this many articles the share says little: the word stays a word.
MIN_ARTICLES = 3

_EXACT = exact_analyzer()


def is_name(word: str, vocabulary: object) -> bool:
    """Whether ``word`` (typed in any case) is a name in this index;
    ``vocabulary`` is its reader (anything without ``doc_frequency``
    knows no names)."""
    frequency = getattr(vocabulary, "doc_frequency", None)
    if frequency is None:
        return False
    forms = [t.text for t in _EXACT(word)]
    if len(forms) != 1 or forms[0] in STOPWORDS or not forms[0].isalpha():
        return False
    term = forms[0]
    articles = frequency("body_exact", term)
    if articles < MIN_ARTICLES:
        return False
    named = max(frequency(field, term) for field in ENTITY_TEXT_FIELDS.values())
    return named >= NAME_SHARE * articles
