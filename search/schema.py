"""The Whoosh schema, in one place.

Body and title are indexed twice: stemmed (inflections match) and exact
(unstemmed, accent-folded, stop words kept: names, phrases, "piu"). Entity
values go in KEYWORD fields, never stemmed, because Snowball turns "Roma"
into "rom"; their words also go in exact TEXT fields for ``persona:``-style
queries.
"""

from __future__ import annotations

from whoosh.analysis import RegexTokenizer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import exact_analyzer, stemming_analyzer

# Facet name (as in the JSON and the URL) -> KEYWORD field.
FACET_FIELDS = {"person": "persons", "place": "places", "org": "orgs"}
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


def _entity_keyword() -> KEYWORD:
    """Whole names as terms ("Vladimir Putin"), split only on the separator."""
    field = KEYWORD(stored=True, lowercase=False, scorable=False)
    field.analyzer = RegexTokenizer(f"[^{KEYWORD_SEPARATOR}]+")
    return field


def build_schema() -> Schema:
    stemmed = stemming_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=stemmed, stored=True, phrase=True),
        title_exact=TEXT(analyzer=exact, phrase=True),
        body=TEXT(analyzer=stemmed, stored=True, phrase=True),
        body_exact=TEXT(analyzer=exact, phrase=True),
        persons=_entity_keyword(),
        places=_entity_keyword(),
        orgs=_entity_keyword(),
        persons_text=TEXT(analyzer=exact, phrase=True),
        places_text=TEXT(analyzer=exact, phrase=True),
        orgs_text=TEXT(analyzer=exact, phrase=True),
        date=DATETIME(stored=True, sortable=True),
        month=ID(sortable=True),
        # YYYYMMDD, 0 when undated: sorting by date puts undated articles last.
        day=NUMERIC(sortable=True, signed=False),
        date_inferred=BOOLEAN(stored=True),
        dates=STORED(),
        source=ID(stored=True),
        url=STORED(),
        author=STORED(),
        hash=ID(stored=True, sortable=True),
        origin=ID(stored=True, sortable=True),
    )
