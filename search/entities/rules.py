"""The rule families entity naming applies, by name, each of which can be
switched off, so that bench/ner_ablation.py measures what each one earns.

One set of names serves both paths: ``cerca extract`` (``extract.py``) and
``cerca index`` (``ner.py``) take a ``disabled`` set and apply the others.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # What the text around a mention says (context.py, bodies.py, newsroom.py).
    "datelines": "the dateline's town is a place, not a shouted name",
    "bylines": "the authors in the byline are no persons in the news",
    "named_after": "a name after 'via', 'liceo', 'pistola' names a thing, not its namesake",
    "speakers": "whoever speaks ('ha spiegato Rossi') is a person",
    "after_article": "a lone surname after 'il', 'della' names a school or a library",
    "bodies": "bodies named in the text in any case ('i carabinieri')",
    "businesses": "the capitalised words after a kind of business name it ('ditta Caselli')",
    "media": "news agencies found in the text where the model missed them",
    # What the name itself says (canonical.py).
    "run_ons": "a span cut to its name ('Anche Silvia', 'Mario Rossi Cgil')",
    "known_orgs": "a 'person' the KIND Wikipedia list knows as an organisation ('Calzedonia')",
    "curated": "bodies and news agencies: one ORG name (bodies.py, lists.media)",
    "aliases": "a short mention resolves to the full name in the article",
    "non_entities": "known non-names, products and page furniture dropped",
    "lower_case": "a name starts with a capital ('russo' is none)",
    "common_words": "a capitalised common word ('Probabilmente') dropped",
    "things": "'Giardini Ducali', 'Mercato Albinelli' are no persons",
    "type_vote": "the archive's usual type for a name; Italian towns are places",
    "streets": "streets are no place facet",
    "institutions": "'Ospedale di Baggiovara' is an organisation",
    "seats": "a body's seat is also a place ('Tribunale di Modena': Modena)",
    "places": "an Italian place keeps its proper name ('Finale' -> 'Finale Emilia')",
    "countries": "a country is a place, even acting as a state ('la Romania ha deciso')",
    "full_names": "a surname or a short name resolves to the archive's one full name",
    "variants": "spellings of one name ('Giancarlo', 'Gian Carlo') merge",
}
FAMILIES = frozenset(RULES)


def applied(disabled: frozenset[str]) -> frozenset[str]:
    """The families on, refusing a name that is none (a typo would
    silently measure nothing)."""
    unknown = disabled - FAMILIES
    if unknown:
        raise ValueError(f"unknown rule families: {', '.join(sorted(unknown))}")
    return FAMILIES - disabled
