"""The Whoosh schema, in one place.

Body and title are indexed twice: stemmed (inflections match) and exact
(unstemmed, accent-folded, stop words kept: names, phrases, "piu"). Entity
values go in KEYWORD fields, never stemmed, because Snowball turns "Roma"
into "rom"; their words also go in exact TEXT fields for ``persona:``-style
queries.
"""

from __future__ import annotations

import operator
import pickle
import threading
from array import array

from whoosh.analysis import RegexTokenizer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search import analysis
from search.analysis import exact_analyzer, stemming_analyzer
from search.models import NAME_FACETS

# Facet name (as in the JSON and the URL) -> KEYWORD field.
FACET_FIELDS = {f.key: f.field for f in NAME_FACETS}
# Entity KEYWORD field -> TEXT field searched by a query prefix.
ENTITY_TEXT_FIELDS = {"persons": "persons_text", "places": "places_text", "orgs": "orgs_text"}
# Query prefixes a user can type, in Italian, -> field.
FIELD_ALIASES = {
    "titolo": "title",
    "testo": "body",
    "persona": "persons_text",
    "luogo": "places_text",
    "organizzazione": "orgs_text",
    "org": "orgs_text",
    "fonte": "source",
}
# Separates values in KEYWORD fields; names never contain it.
KEYWORD_SEPARATOR = "\x1f"


class ItalianText(TEXT):
    """A positional TEXT field analysed in one pass at indexing time.

    Whoosh runs the analyzer chain (a Token object through five filters per
    word) and then groups positions; ``analysis.positions`` gives the same
    terms from cached per-word forms, which makes indexing markedly cheaper.
    It reads a text for the stemmed and the exact field at once: the
    stemmed field (Whoosh indexes fields in name order, "body" before
    "body_exact") leaves the exact terms of the same text for its sibling.
    The analyzer is still the field's, for queries and anything else Whoosh
    analyses; tests hold the two to the same output.
    """

    def __init__(self, stemmed: bool, stored: bool = False) -> None:
        analyzer = stemming_analyzer() if stemmed else exact_analyzer()
        super().__init__(analyzer=analyzer, stored=stored, phrase=True)
        self.stemmed = stemmed

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        left = getattr(_left, "over", None)
        if left is not None and left[0] is value and left[1] == self.stemmed:
            found = left[2]
        else:
            stemmed, exact = analysis.positions(value)
            found = stemmed if self.stemmed else exact
            left = (value, not self.stemmed, exact if self.stemmed else stemmed)
        # Held by identity: the very string the sibling field is given next.
        _left.over = None if found is left[2] else left
        return [(term.encode("utf-8"), len(at), float(len(at)), _encode(at))
                for term, at in found.items()]


# The terms one ItalianText read for the other way of indexing the same
# text: (text, stemmed, positions), per thread.
_left = threading.local()


def _encode(at: array[int]) -> bytes:
    """Whoosh's ``Positions.encode``, the same bytes, cheaper: most terms
    occur once in an article, and those encodings are kept."""
    if len(at) == 1:
        one = _ONCE.get(at[0])
        if one is None:
            one = pack_uint(1) + pickle.dumps([at[0]], 2)
            if at[0] < _ONCE_LIMIT:
                _ONCE[at[0]] = one
        return one
    return pack_uint(len(at)) + pickle.dumps([at[0], *map(operator.sub, at[1:], at[:-1])], 2)


_ONCE: dict[int, bytes] = {}
_ONCE_LIMIT = 1 << 16


def _entity_keyword(stored: bool = True) -> KEYWORD:
    """Whole names as terms ("Vladimir Putin"), split only on the separator."""
    field = KEYWORD(stored=stored, lowercase=False, scorable=False)
    field.analyzer = RegexTokenizer(f"[^{KEYWORD_SEPARATOR}]+")
    return field


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=ItalianText(stemmed=True, stored=True),
        title_exact=ItalianText(stemmed=False),
        body=ItalianText(stemmed=True, stored=True),
        body_exact=ItalianText(stemmed=False),
        persons=_entity_keyword(),
        places=_entity_keyword(),
        orgs=_entity_keyword(),
        persons_text=ItalianText(stemmed=False),
        places_text=ItalianText(stemmed=False),
        orgs_text=ItalianText(stemmed=False),
        date=DATETIME(stored=True, sortable=True),
        # YYYYMMDD, 0 when undated: sorting by date puts undated articles last.
        day=NUMERIC(sortable=True, signed=False),
        date_inferred=BOOLEAN(stored=True),
        # given (metadata), inferred (from the text) or none.
        date_source=ID(stored=True),
        dates=STORED(),
        # Every day the text names, YYYY-MM-DD: "Date citate" filters on it.
        mentioned=KEYWORD(),
        source=ID(stored=True),
        url=STORED(),
        author=STORED(),
        # Bylines as facet values ("Firme"): one term per author.
        authors=_entity_keyword(),
        # Each entity's spellings and the types its mentions had, as
        # "persons\x1eValue\x1eSpelling" terms (entities/forms.py).
        spellings=_entity_keyword(stored=False),
        votes=_entity_keyword(stored=False),
        hash=ID(stored=True, sortable=True),
        origin=ID(stored=True, sortable=True),
    )
