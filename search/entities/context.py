"""What the words around a mention say about it.

Local news names people after whom things are named: "via Ciro Menotti",
"la biblioteca Delfini", "il Meucci" (a school), "la pistola Beretta", "i
santi Giovanni Evangelista e Gregorio Taumaturgo" (a painting), "il
carcere di Sant'Anna". None of these is a person or a place a reader
filters on. The model sees the name; the words before it say what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from search.analysis import fold
from search.entities.archive import is_initial
from search.entities.lists import org_names, place_names
from search.entities.places import is_italian_place
from search.entities.rules import FAMILIES
from search.entities.words import STREET_NOUNS, first_names

# Nouns after which a name names a thing, by kind.
_STREETS = [*STREET_NOUNS, *"cavalcavia sottopasso rotonda ponte".split()]
# Institutions: a name after one names the institution ("liceo Tassoni").
_INSTITUTIONS = ("ospedale policlinico clinica università scuola scuole istituto liceo "
                 "conservatorio carcere caserma teatro museo biblioteca fondazione").split()
_BUILDINGS = ("comprensivo itis ipsia cinema auditorium stadio palazzetto palasport palestra "
              "piscina polisportiva circolo centro direzionale palazzo palazzina villa torre "
              "chiesa parrocchia basilica cappella oratorio convento abbazia pieve duomo "
              "cattedrale cimitero residence residenza condominio complesso").split()
_SHOPS = ("mercato supermercato ipermercato negozio profumeria farmacia carrozzeria officina "
          "concessionaria ditta azienda cantina ristorante trattoria osteria pizzeria bar caffè "
          "hotel albergo edicola libreria cartoleria tabaccheria gelateria pasticceria "
          "gioielleria edizioni").split() + ["casa editrice"]
_OBJECTS = ("pistola pistole fucile fucili revolver carabina bici bicicletta penna orologio "
            "orologi opera dipinto quadro statua tela pala").split()
# "il cane antidroga Thor", "la cagnolina Luna": an animal's name, not a person's.
_ANIMALS = ("cane cani cagnolino cagnolina cagnetta cucciolo cucciola gatto gatta gattino "
            "gattina micio cavallo cavalla").split()
# Areas are places, but never persons ("Giardini Ducali", "Parco Ferrari").
_AREAS = "parco giardini giardino quartiere villaggio rione".split()
# A saint's name ("San Giovanni Evangelista") is a church's or a painting's.
_SAINTS = r"san|santa|santo|santi|sante|beato|beata|sant['’]\s*"
_THINGS = "|".join([*_STREETS, *_INSTITUTIONS, *_BUILDINGS, *_SHOPS, *_OBJECTS, *_ANIMALS,
                    _SAINTS])
# Up to two adjectives may stand between ("liceo scientifico Tassoni").
_ADJECTIVES = (r"(?:\s+(?!(?:che|di|del|della|e|ed|a|da|in|con|per|su|tra|il|lo|la|le|gli|i|"
               r"un|una|non|ha|è|sono|dove|quando|come|chi|anche|poi|già)\b)[a-zà-ÿ]+){0,2}")
_NAMED_AFTER = re.compile(rf"\b(?:{_THINGS}){_ADJECTIVES}\s*[«\"“'‘]?\s*$", re.IGNORECASE)
# "via San Bernardino da Siena", "via Jacopo da Porto": the town is the
# street's, not the article's.
_IN_STREET = re.compile(
    rf"\b(?:{'|'.join(STREET_NOUNS)})\s+"
    r"(?:[A-ZÀ-Ý][\w'’]*\s+){1,3}(?:da|di|de|del|della)\s+$")
# "carcere di Sant'Anna", "chiesa di San Francesco", "in cella a Sant'Anna":
# a saint names the building.
_SAINT_AFTER = re.compile(
    r"\b(?:carcere|cella|casa circondariale|penitenziario|chiesa|parrocchia|basilica|"
    r"cappella|oratorio|convento|abbazia|pieve|ospedale|clinica|cimitero|scuola|istituto|"
    rf"liceo){_ADJECTIVES}(?:\s+(?:di|a|al|del|della|dei))?\s+$", re.IGNORECASE)
_SAINT = re.compile(r"(?:San|Santa|Santo|Sant['’])\b")
# "una Polo", "una Panda": a lone name after an indefinite article is a
# car or another product, never a person.
# So is one after "ex" ("l'ex Amcm", a factory).
_INDEFINITE_BEFORE = re.compile(r"\b(?:un|una|uno|un['’]|ex)\s*[«\"“'‘]?\s*$", re.IGNORECASE)
# "un orologio di Armani": a maker, not a person in the news.
_PRODUCT_OF = re.compile(
    r"\b(?:orologio|orologi|borsa|borse|borsetta|penna|scarpe|giacca|giubbotto|occhiali|"
    r"profumo|profumi|abito|abiti|capi|vestiti|gioielli|collana|bracciale)"
    r"(?:\s+[a-zà-ÿ]+)?\s+(?:di|firmat[oaie] da)\s+$", re.IGNORECASE)
# A definite article or articulated preposition just before: "il Meucci",
# "alla Delfini". A lone surname after one names a school or a library
# more often than a person.
_ARTICLE_BEFORE = re.compile(
    r"\b(?:il|lo|la|l['’]|del|dello|della|dell['’]|al|allo|alla|all['’]|dal|dallo|dalla|"
    r"dall['’]|nel|nello|nella|nell['’]|sul|sullo|sulla|sull['’]|col)\s*[«\"“'‘]?\s*$",
    re.IGNORECASE)
# What may stand between two names in a list ("via Allegri, Ulivi e Marco Polo").
_LIST_GAP = re.compile(r"(?:\s*,\s*[A-ZÀ-Ý][\w'’]*)*\s*,?\s+(?:e|ed)\s+")

# "in carcere Salvatore Giacco", "il direttore del carcere Gianluca Candiano":
# prisons are named after their place or a saint, never after a first name
# and a surname, so such a name after one is the person.
_PRISON_BEFORE = re.compile(r"\b(?:carcere|cella|prigione|penitenziario)\s*$", re.IGNORECASE)

_NOUNS = frozenset([*_STREETS, *_INSTITUTIONS, *_BUILDINGS, *_SHOPS, *_OBJECTS, *_AREAS])

# "- ha spiegato Sangiorgi -": whoever speaks is a person.
_SPEECH_BEFORE = re.compile(
    r"\b(?:spiegato|detto|aggiunto|commentato|concluso|sottolineato|precisato|raccontato|"
    r"affermato|dichiarato|ricordato|osservato|replicato|spiega|dice|aggiunge|commenta|"
    r"conclude|sottolinea|precisa|racconta|afferma|dichiara|ricorda|osserva|replica|"
    r"incalza|prosegue)\s+$")

INITIAL = "initial"  # opens a sentence
SPEAKER = "speaker"  # right after a verb of saying
AFTER_ARTICLE = "article"  # a lone name after "il", "della"...


def named_thing(text: str, label: str, name: str, start: int) -> bool:
    """Whether the name at ``start`` names a street, building, shop or
    product rather than the person or place it comes from."""
    words = name.split()
    if len(words) >= 2 and words[0].casefold() in first_names() \
            and _PRISON_BEFORE.search(text, max(0, start - 16), start):
        return False
    if _IN_STREET.search(text, max(0, start - 60), start):
        return True
    if label in ("PER", "LOC") and _NAMED_AFTER.search(text, max(0, start - 50), start):
        return True
    if label == "PER" and _PRODUCT_OF.search(text, max(0, start - 40), start):
        return True
    if label == "PER" and _INDEFINITE_BEFORE.search(text, max(0, start - 8), start):
        return " " not in name
    # "al Sant'Anna", "del San Carlo": towns take no article; prisons,
    # hospitals and theatres named after saints do.
    return bool(label == "LOC" and _SAINT.match(text, start) and (
        _SAINT_AFTER.search(text, max(0, start - 40), start)
        or _ARTICLE_BEFORE.search(text, max(0, start - 12), start)))


def names_a_thing(name: str) -> bool:
    """Whether a name opens with a noun that makes it a thing ("Mercato
    Albinelli", "Giardini Ducali", "Villa Sorra")."""
    return name.split(" ", 1)[0].casefold() in _NOUNS


# "il liceo scientifico Tassoni" names the Liceo Tassoni. Schools and
# foundations are bodies; hospitals, prisons, theatres, museums and
# libraries are facilities, places (training/GUIDELINES.md).
_BODIES = frozenset("università scuola scuole istituto liceo conservatorio fondazione".split())
_INSTITUTION_BEFORE = re.compile(
    rf"\b(?P<noun>{'|'.join(_INSTITUTIONS)}){_ADJECTIVES}\s*[«\"“'‘]?\s*$", re.IGNORECASE)


def names_an_institution(name: str) -> bool:
    """Whether a name opens with a school or a foundation ("Liceo Tassoni",
    "Fondazione Cassa di Risparmio"): an organisation, not a place."""
    return name.split(" ", 1)[0].casefold() in _BODIES


# "supermercato Famila", "la ditta Caselli Serramenti": the capitalised
# words after a kind of business are its name, whatever the model found.
_BUSINESS = re.compile(
    r"\b(?i:supermercato|ipermercato|centro commerciale|ditta|azienda|ceramica|"
    r"concessionaria|discoteca|ristorante|pizzeria|trattoria|osteria|bar|pub|hotel|albergo|"
    r"negozio|gioielleria|profumeria|farmacia|tabaccheria|banca|filiale)\s+[«\"“]?\s*"
    r"(?:[Ii]l\s+|[Ll]a\s+|[Ii]\s+|[Ll]e\s+|[Ll]['’])?(?P<name>[A-ZÀ-Ý][\w'’&-]*"
    r"(?:\s+(?:[A-ZÀ-Ý][\w'’&-]*|&)){0,3})")


def business_mentions(text: str) -> list[tuple[str, str, int]]:
    """(ORG, name, start) for each business named after its kind; a place
    ("bar Roma") is left to the model."""
    found = []
    for match in _BUSINESS.finditer(text):
        name = match["name"].rstrip(" &")
        if not is_italian_place(name) and fold(name.casefold()) not in place_names():
            found.append(("ORG", name, match.start("name")))
    return found


def in_context(text: str, mentions: Iterable[tuple],
               on: frozenset[str] = FAMILIES) -> list[tuple[str, str, str, int, int]]:
    """(label, text, start) mentions -> (label, text, context, start, end),
    without those that name things; context is INITIAL, AFTER_ARTICLE,
    SPEAKER (the mention is then a person) or "", start and end -1 where a
    mention has no offset. A name listed right after a dropped one goes
    with it; one that names an institution becomes it ("liceo Tassoni" ->
    ORG "Liceo Tassoni", from the noun's start). ``on``: the rule families
    applied (``rules.RULES``)."""
    found: list[tuple[str, str, str, int, int]] = []
    dropped_end = -1
    for m in sorted(mentions, key=lambda m: m[2] if len(m) > 2 else -1):
        start = m[2] if len(m) > 2 else None
        if start is None:
            found.append((m[0], m[1], "", -1, -1))
            continue
        end = start + len(m[1])
        if "named_after" in on and (named_thing(text, m[0], m[1], start) or (
                dropped_end >= 0 and _LIST_GAP.fullmatch(text, dropped_end, start))):
            dropped_end = end
            if institution := _INSTITUTION_BEFORE.search(text, max(0, start - 50), start):
                noun = institution["noun"].casefold()
                found.append(("ORG" if noun in _BODIES else "LOC",
                              f"{noun.capitalize()} {m[1]}", "", institution.start(), end))
            continue
        dropped_end = -1
        label, context = m[0], ""
        if "speakers" in on and _SPEECH_BEFORE.search(text, max(0, start - 16), start) and (
                fold(m[1].casefold()) not in org_names()):  # "spiega Hera": a company
            label, context = "PER", SPEAKER
        elif is_initial(text, start):
            context = INITIAL
        elif " " not in m[1].strip() and _ARTICLE_BEFORE.search(text, max(0, start - 12), start):
            context = AFTER_ARTICLE
        found.append((label, m[1], context, start, end))
    return found
