"""What a mention's text says before any archive is asked: its name
without the words a span ran into, and whether it is a name at all.

The model's spans carry articles ("la Procura"), prepositions ("Centro
Ottico di"), the words of the sentence ("Comune lancia un allarme") and
their neighbours ("Romagna Stefano Bonaccini", "Mario Rossi Cgil").
"""

from __future__ import annotations

import re

from search.analysis import STOPWORDS, fold
from search.entities import bodies, places
from search.entities.lists import org_names, place_names
from search.entities.words import PARTICLES, first_names, surnames

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
LEADING_ARTICLE = re.compile(r"^(?:(?:il|lo|la|i|gli|le)\s+|l['’]\s*)", re.IGNORECASE)
# "provincia di Modena", "frazione Albareto": the territory is the place it
# names (capitalised, "Provincia di Modena" is the body).
_TERRITORY = re.compile(r"^(?:provincia|frazione|comune|città|regione)\s+(?:di\s+)?(?=[A-ZÀ-Ý])")
# "Centro Ottico di", "Servizio di Igiene Pubblica della", "Grande Sala dell'".
_TRAILING_FUNCTION = re.compile(
    r"(?:\s+(?:di|del|dello|della|dei|degli|delle|da|dal|dallo|dalla|dai|dagli|dalle|a|al|"
    r"allo|alla|ai|agli|alle|in|nel|nello|nella|nei|negli|nelle|su|sul|sullo|sulla|sui|sugli|"
    r"sulle|per|con|tra|fra|e|ed|o|il|lo|la|i|gli|le|un|uno|una)"
    r"|\s+(?:dell|all|dall|nell|sull|coll|d|l|un)['’]?)+$")


# Where a span runs on into its sentence: a sentence end, a verb or other
# lower-case word then an article ("Comune lancia un allarme"), or an article
# then a lower-case word after a name ("Comune le scuole"). "Striscia la
# Notizia" and "Comitato per la sicurezza" are names.
_ARTICLES = r"(?:(?:il|lo|la|i|gli|le|un|uno|una)\s|l['’])"
_CONNECTORS = r"(?:di|del|dello|della|dei|degli|delle|per|e|ed|con|su|tra|fra|a|da|in|o|d['’])"
_RUN_ON = re.compile(
    rf"(?<=[a-zà-ÿ]{{2}})(?P<a>)\.\s"
    rf"|\s(?P<b>)(?!{_CONNECTORS}\s)[a-zà-ÿ][\w’']*\s{_ARTICLES}\s?\w"
    rf"|[A-ZÀ-Ý][\w’']*(?P<c>)\s(?:il|lo|la|i|gli|le|un|uno|una)\s[a-zà-ÿ]")


# "A. B." and "Nicola S.": an initial keeps its dot when the edges go.
_FINAL_INITIAL = re.compile(r"(?:^|[\s.])[A-ZÀ-Ý]\.[\W_]*$")


def clean(surface: str) -> str:
    text = " ".join(_EDGE.sub("", surface).split())
    if text and _FINAL_INITIAL.search(surface.rstrip()):
        text += "."
    text = _TERRITORY.sub("", LEADING_ARTICLE.sub("", text)) if text else text
    if run_on := _RUN_ON.search(text):
        cut = next(run_on.start(g) for g in "abc" if run_on.group(g) is not None)
        text = _EDGE.sub("", text[:cut])
    return _TRAILING_FUNCTION.sub("", text)


# Capitalised at the start of a sentence, but never names.
PRONOUNS = frozenset(
    "entrambi entrambe tutti tutte ciascuno ciascuna nessuno nessuna alcuni alcune molti "
    "molte altri altre egli ella esso essa essi esse lui lei loro costui costei secondo "
    "oggi ieri domani".split()
)


def is_name(text: str) -> bool:
    """Names start with a capital; "russo" and "nordcoreano" do not, and
    "Entrambi" at the start of a sentence is a pronoun."""
    if len(text) < 2 or not text[0].isupper() or text.replace(" ", "").isdigit():
        return False
    lower = fold(text.casefold())
    return lower not in STOPWORDS and lower not in PRONOUNS


def capitalised_after(text: str) -> bool:
    """Whether a name in lower case goes on to a capitalised word, as
    Italian writes a kind before a name: "golfo di Aden", "fiume Po",
    "liceo Tassoni" ("modenese" does not)."""
    return any(word[:1].isupper() for word in text.split()[1:])


def resolve_aliases(mentions: list[tuple[str, str]]) -> dict[str, str]:
    """Short person mentions -> the full name they abbreviate in this article."""
    persons = {m for label, m in mentions if label == "PER"}
    tokens = {m: m.replace("-", " ").split() for m in persons}
    resolved = {}
    for short in persons:
        words = tokens[short]
        longer = [
            full for full in persons
            if len(tokens[full]) > len(words)
            and (tokens[full][:len(words)] == words or tokens[full][-len(words):] == words)
        ]
        if longer:
            resolved[short] = max(longer, key=lambda f: (len(tokens[f]), f))
    return resolved


def run_on_cut(label: str, text: str) -> str:
    """A span that ran into the words around a name, cut to it: "Anche
    Silvia", "Romagna Stefano Bonaccini" (a word before a first name),
    "Mario Rossi Cgil" (a union after a person), "Cgil Mario Rossi" (a
    person after a body)."""
    words = text.split()
    # A particle opens a surname ("De Luca"), not a run-on.
    if label == "PER" and len(words) >= 2 and _first(words[1]) and not _first(words[0]) \
            and words[0].casefold() not in PARTICLES \
            and (fold(words[0].casefold()) in STOPWORDS or _place_word(words[0])):
        words = words[1:]
    if label == "PER" and len(words) >= 3 and known_org(words[-1]) \
            and words[-2].casefold() not in PARTICLES:  # "Leonardo da Vinci"
        words = words[:-1]
    if label == "ORG" and len(words) >= 3 and _first(words[-2]) \
            and known_org(" ".join(words[:-2])):
        words = words[:-2]
    return " ".join(words)


def _first(word: str) -> bool:
    return word.casefold() in first_names()


def _place_word(word: str) -> bool:
    return places.is_italian_place(word) or fold(word.casefold()) in place_names()


def known_org(name: str) -> bool:
    """An organisation's name, never a person's ("Cgil", "Coldiretti"; not "Ferrari")."""
    folded = fold(name.casefold())
    return (folded in org_names() or bodies.scanned(name) is not None) \
        and folded not in surnames() and folded not in first_names()

