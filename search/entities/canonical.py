"""One name and one type per entity, so facets are clean.

* Within an article, a short mention resolves to the full name it
  abbreviates ("Putin" -> "Vladimir Putin", "Kim" -> "Kim Jong-un"); a
  lone surname also resolves when the archive knows one full name for it.
* Across the collection, spellings that differ in case, hyphens, spacing or
  common transliterations (Sergei/Sergej/Sergey) share one key; the
  archive's usual spelling is shown ("Carpi", never "CARPI"), and its
  usual label is the entity's type, where an Italian municipality is a
  place (``archive.py``, ``places.py``).
* Italian places keep their Italian name ("Novi" is Novi di Modena in a
  Modena paper, never Novi Sad); other places take their Italian name:
  countries from CLDR (babel), cities from GeoNames through
  ``data/city_exonyms.json``.
* Lowercase words (demonyms such as "russo"), common words that open a
  sentence ("Probabilmente"), known products and page furniture are
  dropped; news agencies and public bodies are organisations
  (``bodies.py``); a name never ends on a preposition ("Centro Ottico di").
* A user's corrections file can rename, merge, retype or suppress names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from search.analysis import STOPWORDS, fold
from search.entities import bodies, places
from search.entities.archive import Evidence, shouted
from search.entities.context import (
    AFTER_ARTICLE,
    INITIAL,
    SPEAKER,
    names_a_thing,
    names_an_institution,
)
from search.entities.lists import media, non_entities, org_names, place_names, vehicle_makes
from search.entities.words import STREET_NOUNS, common_word, first_names, surnames, title_case

LABELS = ("PER", "LOC", "ORG")
FIELD_OF = {"PER": "persons", "LOC": "places", "ORG": "orgs"}
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_ARTICLE = re.compile(r"^(?:(?:il|lo|la|i|gli|le)\s+|l['’]\s*)", re.IGNORECASE)
# "Centro Ottico di", "Servizio di Igiene Pubblica della", "Grande Sala dell'".
_TRAILING_FUNCTION = re.compile(
    r"(?:\s+(?:di|del|dello|della|dei|degli|delle|da|dal|dallo|dalla|dai|dagli|dalle|a|al|"
    r"allo|alla|ai|agli|alle|in|nel|nello|nella|nei|negli|nelle|su|sul|sullo|sulla|sui|sugli|"
    r"sulle|per|con|tra|fra|e|ed|o|il|lo|la|i|gli|le|un|uno|una)"
    r"|\s+(?:dell|all|dall|nell|sull|coll|d|l|un)['’]?)+$")


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


@dataclass
class Corrections:
    """A user's fixes, applied at the next ``cerca index``.

    YAML::

        rename:   {"V. Putin": "Vladimir Putin"}   # also merges
        suppress: ["Aurus President"]
        label:    {"Russia Today": ORG}            # PER, LOC or ORG
    """

    rename: dict[str, str] = field(default_factory=dict)
    suppress: set[str] = field(default_factory=set)
    label: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def load(cls, path: str | Path | None) -> Corrections:
        if not path:
            return cls()
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "non è testo UTF-8"
            raise ValueError(f"file delle correzioni illeggibile: {path} ({reason})") from None
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" alla riga {mark.line + 1}, colonna {mark.column + 1}" if mark else ""
            raise ValueError(f"file delle correzioni non valido{where}: "
                             f"{getattr(exc, 'problem', None) or 'YAML non leggibile'}") from None
        if not isinstance(data, dict):
            raise ValueError("il file delle correzioni deve contenere rename, suppress o label")
        labels = {name_key(k): str(v).upper() for k, v in (data.get("label") or {}).items()}
        if any(v not in LABELS for v in labels.values()):
            raise ValueError("label: i tipi ammessi sono PER, LOC e ORG")
        import hashlib

        return cls(
            rename={name_key(k): str(v) for k, v in (data.get("rename") or {}).items()},
            suppress={name_key(s) for s in (data.get("suppress") or [])},
            label=labels,
            digest=hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
        )


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


def clean(surface: str) -> str:
    text = " ".join(_EDGE.sub("", surface).split())
    text = _LEADING_ARTICLE.sub("", text) if text else text
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


# The rule families a mention goes through, each of which can be switched
# off (``Canonicalizer(disabled=...)``, ``extract_records(disabled=...)``) so
# that bench/ner_ablation.py measures what each one earns.
RULES = frozenset({
    "curated",       # bodies and news agencies: one ORG name (bodies.py, lists.media)
    "media",         # news agencies found in the text where the model missed them
    "aliases",       # a short mention resolves to the full name in the article
    "non_entities",  # known non-names, products and page furniture dropped
    "common_words",  # a capitalised common word ("Probabilmente") dropped
    "lower_case",    # a name starts with a capital ("russo" is none)
    "things",        # "Giardini Ducali", "Mercato Albinelli" are no persons
    "streets",       # streets are no place facet
    "institutions",  # "Ospedale di Baggiovara" is an organisation
    "countries",     # a country acting ("la Russia ha deciso") is still a place
    "type_vote",     # the archive's usual type for a name, Italian towns are places
})


class Canonicalizer:
    """Turns raw (label, text) mentions into canonical facet values.

    ``registry`` maps (label, key) to the spelling shown; it persists across
    runs (the entity cache stores it) so a facet value never changes name.
    ``evidence`` is what the archive says about names (``archive.py``).
    """

    def __init__(self, corrections: Corrections, registry: dict[tuple[str, str], str],
                 evidence: Evidence | None = None, disabled: frozenset[str] = frozenset()) -> None:
        self.corrections = corrections
        self.registry = registry
        self.evidence = evidence or Evidence()
        self.on = RULES - disabled  # the rule families applied

    def observe(self, text: str, mentions: Iterable[tuple[str, str]]) -> None:
        """Add one article's text and raw mentions to the archive's evidence."""
        self.evidence.add_text(text)
        for label, surface in mentions:
            name = self._named(clean(surface))
            if name:
                self.evidence.add_mention(label, name_key(name), name)

    def _named(self, text: str) -> str | None:
        """The name a cleaned mention stands for before typing, or None."""
        folded = fold(text.casefold())
        if "curated" in self.on and (body := bodies.scanned(text)):
            return body  # "carabinieri", "polizia municipale": lower case, still a body
        if not is_name(text) and ("lower_case" in self.on or not text):
            return None
        if name_key(text) in self.corrections.suppress:
            return None
        if "non_entities" in self.on and (
                folded in non_entities() or (folded + " ").startswith(vehicle_makes())):
            return None
        if "curated" not in self.on:
            return text
        return bodies.aliases().get(folded) or media().get(folded) or text

    def author(self, name: str) -> str:
        """One spelling per byline, kept across runs like every name."""
        return self.registry.setdefault(("AUTHOR", name.casefold()), self.evidence.author(name))

    def value(self, label: str, surface: str, context: str = "") -> tuple[str, str] | None:
        """The (label, shown name) of a mention, or None when it names no
        facet value; ``context`` is what ``context.in_context`` says."""
        text = self._named(clean(surface))
        if not text:
            return None
        key = name_key(text)
        folded = fold(text.casefold())
        on = self.on
        curated = "curated" in on and (folded in bodies.aliases() or folded in media())
        if "common_words" in on and not curated and " " not in text \
                and not places.is_italian_place(text) and (
                context == INITIAL and self._common(text) or self._mostly_lower(text)):
            return None
        if "things" in on and not curated and label == "PER" and names_a_thing(text):
            return None  # "Giardini Ducali"
        if curated:
            label = "ORG"
        else:
            label = self.corrections.label.get(key) or (
                label if context == SPEAKER or "type_vote" not in on
                else self._label(key, label, text))
            text = self._spelling(key, text)
        if "streets" in on and label == "LOC" and _STREET.match(text):
            return None  # streets are no facet a reader filters on
        if "institutions" in on and label == "LOC" and names_an_institution(text):
            label = "ORG"
        if label == "LOC" and places.is_italian_place(text):
            text = places.resolve(text, self.evidence.home) or text
        elif "countries" in on and label in ("LOC", "ORG") and folded in place_names():
            # "la Russia ha deciso": a country acting is still a place to facet on.
            label, text = "LOC", place_names()[folded]
        elif label == "PER" and " " in text:
            if (longer := self.evidence.longer_name(key)) is not None:
                text = self._spelling(longer, text)
        elif label == "PER" and " " not in text:
            # A lone first name ("Luca") is a person (local news names minors
            # so), but never the surname of a full name.
            first = folded in first_names() or self.evidence.first_name(key)
            full = None if first else self.evidence.full_name(key)
            if full:
                text = self._spelling(full, text)
            elif context == AFTER_ARTICLE:
                return None  # "il Meucci", "alla Delfini": a school, a library
            elif "type_vote" in on and context != SPEAKER and folded not in surnames() and (
                    other := self.evidence.other_label(key)):
                label = other  # "Hera", a company
        # Editors correct a value as the facet shows it (search/curation):
        # its final key, after the spelling and full name were resolved.
        renamed = self.corrections.rename.get(key) or self.corrections.rename.get(name_key(text))
        text = renamed or text
        key = name_key(text)
        label = self.corrections.label.get(key, label)
        if key in self.corrections.suppress:
            return None
        if curated or renamed:  # a curated or renamed name is shown as written
            self.registry[(label, key)] = text
        shown = self.registry.setdefault((label, key), text)
        return label, shown

    def _mostly_lower(self, word: str) -> bool:
        """Written in lower case three times as often as capitalised in
        mid-sentence ("Modenese"): an adjective, not a name."""
        word = word.casefold()
        return self.evidence.lower[word] >= 3 * max(self.evidence.capital[word], 1)

    def _common(self, word: str) -> bool:
        """A capitalised word at a sentence start that is a common word."""
        common = self.evidence.common(word)
        if common is None:
            return (common_word(word) and not places.is_italian_place(word)
                    and word.casefold() not in first_names())
        return common

    def _label(self, key: str, given: str, text: str) -> str:
        """The archive's label for the entity; an Italian place is a place
        unless the mention is a first name and a surname."""
        words = text.split()
        label = self.evidence.label(key, given)
        if places.is_local_place(text, self.evidence.home) and not (
                len(words) >= 2 and words[0].casefold() in first_names()):
            return "LOC"
        if label == "LOC" and fold(text.casefold()) in org_names() \
                and fold(text.casefold()) not in place_names():
            return "ORG"
        return label

    def _spelling(self, key: str, text: str) -> str:
        """The archive's usual spelling; a shouted one only re-cased."""
        usual = self.evidence.spelling(key) or text
        if shouted(usual):
            return places.resolve(usual) or title_case(usual)
        return usual

    def article(self, mentions: Iterable[tuple],
                forms: list[tuple[str, str, str, str]] | None = None) -> dict[str, list[str]]:
        """persons/places/orgs of one article, most mentioned first; each
        mention is (label, text) or (label, text, context). ``forms`` gets
        (field, value, text, label) for each mention that names a value."""
        mentions = [(m[0], clean(m[1]), m[2] if len(m) > 2 else "") for m in mentions]
        aliases = resolve_aliases([(label, text) for label, text, _ in mentions])
        counts: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], int] = {}
        for i, (label, text, context) in enumerate(mentions):
            found = self.value(label, aliases.get(text, text), "" if text in aliases else context)
            if found:
                counts[found] += 1
                first.setdefault(found, i)
                if forms is not None:
                    forms.append((FIELD_OF[found[0]], found[1], text, label))
        result: dict[str, list[str]] = {name: [] for name in FIELD_OF.values()}
        for label, text in sorted(counts, key=lambda k: (-counts[k], first[k])):
            result[FIELD_OF[label]].append(text)
        return result


_STREET = re.compile(rf"(?:{'|'.join(STREET_NOUNS)})\s", re.IGNORECASE)
