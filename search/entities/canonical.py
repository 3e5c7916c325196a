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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search.analysis import fold
from search.entities import bodies, places
from search.entities.archive import Evidence, shouted
from search.entities.context import (
    AFTER_ARTICLE,
    INITIAL,
    SPEAKER,
    names_a_thing,
    names_an_institution,
)
from search.entities.corrections import Corrections
from search.entities.countries import country
from search.entities.keys import FIELD_OF, name_key
from search.entities.lists import (
    media,
    non_entities,
    org_names,
    place_names,
    vehicle_makes,
)
from search.entities.rules import applied
from search.entities.surface import (
    capitalised_after,
    clean,
    is_name,
    known_org,
    resolve_aliases,
    run_on_cut,
)
from search.entities.words import STREET_NOUNS, common_word, first_names, surnames, title_case


@dataclass
class _Mention:
    """One mention on its way through the rule families."""

    label: str
    text: str
    key: str
    folded: str  # the name as found, before spelling and renaming
    context: str
    curated: bool
    settled: bool = False  # a place or a full name resolved: no later family renames it


class Canonicalizer:
    """Turns raw (label, text) mentions into canonical facet values.

    ``registry`` maps (label, key) to the spelling shown; it persists across
    runs (the entity cache stores it) so a facet value never changes name.
    ``evidence`` is what the archive says about names (``archive.py``).
    ``disabled`` switches rule families off (``rules.RULES``).
    """

    def __init__(self, corrections: Corrections, registry: dict[tuple[str, str], str],
                 evidence: Evidence | None = None, disabled: frozenset[str] = frozenset()) -> None:
        self.corrections = corrections
        self.registry = registry
        self.evidence = evidence or Evidence()
        self.on = applied(disabled)  # the rule families applied

    def observe(self, text: str, mentions: Iterable[tuple[str, str]]) -> None:
        """Add one article's text and raw mentions to the archive's evidence."""
        self.evidence.add_text(text)
        for label, surface in mentions:
            name = self._named(clean(surface), label)
            if name:
                self.evidence.add_mention(label, name_key(name), name)

    def _named(self, text: str, label: str) -> str | None:
        """The name a cleaned mention stands for before typing, or None."""
        folded = fold(text.casefold())
        if "curated" in self.on and (body := bodies.scanned(text)):
            return body  # "carabinieri", "polizia municipale": lower case, still a body
        if not text or "lower_case" in self.on and not is_name(text) and not (
                is_name(text[:1].upper() + text[1:])
                and (label == "ORG" or capitalised_after(text))):
            return None  # "russo", "modenese"; a body in lower case ("il governo") is a body
        if name_key(text) in self.corrections.suppress:
            return None
        if "non_entities" in self.on and (
                folded in non_entities() or (folded + " ").startswith(vehicle_makes())):
            return None
        if "curated" not in self.on or not (text[0].isupper() or label == "ORG"):
            return text  # a nickname is capitalised ("la Mobile", never "mobile"),
            # unless the model calls it a body: "polizia di Stato e municipale"
        return bodies.aliases().get(folded) or media().get(folded) or text

    def author(self, name: str) -> str:
        """One spelling per byline, kept across runs like every name."""
        return self.registry.setdefault(("AUTHOR", name.casefold()), self.evidence.author(name))

    def value(self, label: str, surface: str, context: str = "") -> tuple[str, str] | None:
        """The (label, shown name) of a mention, or None when it names no
        facet value; ``context`` is what ``context.in_context`` says. The
        mention goes through ``_STEPS`` in order, the families switched
        off skipped; a step that returns False drops it."""
        text = self._named(clean(surface), label)
        if not text:
            return None
        folded = fold(text.casefold())
        curated = "curated" in self.on and (folded in bodies.aliases() or folded in media())
        m = _Mention(label, text, name_key(text), folded, context, curated)
        for family, step in _STEPS:
            if (family is None or family in self.on) and step(self, m) is False:
                return None
        return self._corrected(m)

    # The steps, in the order _STEPS applies them.
    def _run_on(self, m: _Mention) -> None:
        if (cut := run_on_cut(m.label, m.text)) != m.text:
            m.text, m.key, m.folded = cut, name_key(cut), fold(cut.casefold())

    def named_part(self, label: str, surface: str) -> str:
        """The part of a mention's text its value is named from."""
        text = clean(surface)
        return run_on_cut(label, text) if "run_ons" in self.on else text

    def _org_by_name(self, m: _Mention) -> None:
        """A person who is an organisation the KIND Wikipedia list or the
        bodies' table knows, and no first name or surname ("Calzedonia"),
        or one with its seat ("Coldiretti Modena")."""
        head = m.text.split(" ", 1)[0]
        if m.label == "PER" and (known_org(m.text) if " " not in m.text
                                 else known_org(head) and head.casefold() not in first_names()):
            m.label = "ORG"

    def _common_word(self, m: _Mention) -> bool:
        return m.curated or " " in m.text or places.is_italian_place(m.text) or not (
            m.context == INITIAL and self._common(m.text) or self._mostly_lower(m.text))

    def _thing(self, m: _Mention) -> bool:
        return m.curated or m.label != "PER" or not names_a_thing(m.text)  # "Giardini Ducali"

    def _variant(self, m: _Mention) -> None:
        if not m.curated:
            m.key = self.evidence.variant(m.key)

    def _typed(self, m: _Mention) -> None:
        if m.curated:
            m.label = "ORG"
            return
        vote = "type_vote" in self.on and m.context != SPEAKER
        m.label = self.corrections.label.get(m.key) or (
            self._label(m.key, m.label, m.text) if vote else m.label)
        m.text = self._spelling(m.key, m.text)

    def _street(self, m: _Mention) -> bool:
        return m.label != "LOC" or not _STREET.match(m.text)  # no facet a reader filters on

    def _institution(self, m: _Mention) -> None:
        if m.label == "LOC" and names_an_institution(m.text):
            m.label = "ORG"

    def _place(self, m: _Mention) -> None:
        if m.label == "LOC" and places.is_italian_place(m.text):
            m.text, m.settled = places.resolve(m.text, self.evidence.home) or m.text, True

    def _country(self, m: _Mention) -> None:
        if m.label in ("LOC", "ORG") and (name := country(m.folded)):
            m.label, m.text, m.settled = "LOC", name, True  # "la Romania ha deciso": a place

    def _exonym(self, m: _Mention) -> None:
        if not m.settled and m.label == "LOC" and m.folded in place_names():
            m.text = place_names()[m.folded]  # "Beijing" -> "Pechino"

    def _full_name(self, m: _Mention) -> None:
        if m.label != "PER" or m.settled:
            return
        if " " in m.text:
            full = self.evidence.longer_name(m.key)
        elif m.folded in first_names() or self.evidence.first_name(m.key):
            full = None  # a lone first name ("Luca") is a person, never a surname
        else:
            full = self.evidence.full_name(m.key)
        if full is not None:
            m.text, m.settled = self._spelling(full, m.text), True

    def _lone(self, m: _Mention) -> bool:
        """A lone name the archive has not resolved to a full name."""
        return m.label == "PER" and not m.settled and " " not in m.text

    def _after_article(self, m: _Mention) -> bool:
        return not self._lone(m) or m.context != AFTER_ARTICLE  # "il Meucci": a school

    def _other_type(self, m: _Mention) -> None:
        if self._lone(m) and m.context != SPEAKER and m.folded not in surnames() and (
                other := self.evidence.other_label(m.key)):
            m.label = other  # "Hera", a company

    def _corrected(self, m: _Mention) -> tuple[str, str] | None:
        """Editors correct a value as the facet shows it (search/curation):
        its final key, after the spelling and full name were resolved."""
        renamed = self.corrections.rename.get(m.key) or self.corrections.rename.get(
            name_key(m.text))
        text = renamed or m.text
        key = name_key(text)
        label = self.corrections.label.get(key, m.label)
        if key in self.corrections.suppress:
            return None
        if m.curated or renamed:  # a curated or renamed name is shown as written
            self.registry[(label, key)] = text
        return label, self.registry.setdefault((label, key), text)

    def _mostly_lower(self, word: str) -> bool:
        """Written in lower case three times as often as capitalised in
        mid-sentence ("Modenese"): an adjective, not a name."""
        word = word.casefold()
        return self.evidence.lower[word] >= 3 * max(self.evidence.capital[word], 1)

    def _common(self, word: str) -> bool:
        """A capitalised word at a sentence start that is a common word."""
        common = self.evidence.common(word)
        if common is None:  # a known name is no common word, however frequent ("Turchia")
            folded = fold(word.casefold())
            return (common_word(word) and not places.is_italian_place(word)
                    and word.casefold() not in first_names()
                    and folded not in place_names() and folded not in org_names())
        return common

    def _label(self, key: str, given: str, text: str) -> str:
        """The archive's label for the entity; an Italian place is a place
        unless the mention is a first name and a surname."""
        words = text.split()
        label = self.evidence.label(key, given)
        # "Bruno", "Marzio": first names that a small comune shares.
        if places.is_local_place(text, self.evidence.home) and not (
                words[0].casefold() in first_names() and (len(words) >= 2 or label == "PER")):
            return "LOC"
        return label

    def _spelling(self, key: str, text: str) -> str:
        """The archive's usual spelling; a shouted one only re-cased."""
        usual = self.evidence.spelling(key) or text
        if shouted(usual):
            return places.resolve(usual) or title_case(usual)
        return usual[:1].upper() + usual[1:]  # a facet value is a name: "il governo" is Governo

    def _seat(self, found: tuple[str, str]) -> tuple[str, str] | None:
        """The place a body names as its seat ("Tribunale di Modena",
        "Compagnia di Carpi"): GUIDELINES makes the town a place too."""
        label, name = found
        if label != "ORG" or "seats" not in self.on or not (m := _SEAT.match(name)):
            return None
        if not places.is_italian_place(m["seat"]):
            return None  # "Guardia di Finanza"
        if self.evidence.label(name_key(m["seat"]), "LOC") != "LOC":
            return None  # "Unione Terre di Castelli": the archive names no place Castelli
        place = self.value("LOC", m["seat"])
        return place if place and place[0] == "LOC" else None

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
            name = aliases.get(text, text)
            found = self.value(label, name, "" if text in aliases else context)
            seat = self._seat(found) if found else None
            for value, written in ((found, text), (seat, seat[1] if seat else "")):
                if value:
                    counts[value] += 1
                    first.setdefault(value, i)
                    if forms is not None:
                        forms.append((FIELD_OF[value[0]], value[1], written, value[0]))
        result: dict[str, list[str]] = {name: [] for name in FIELD_OF.values()}
        for label, text in sorted(counts, key=lambda k: (-counts[k], first[k])):
            result[FIELD_OF[label]].append(text)
        return result


_SEAT = re.compile(r".*\s(?:di|del|della|dello)\s+(?P<seat>[A-ZÀ-Ý].*)$")  # the last one
_STREET = re.compile(rf"(?:{'|'.join(STREET_NOUNS)})\s", re.IGNORECASE)
Step = Callable[[Canonicalizer, _Mention], "bool | None"]
# (family, step): the rule families a mention goes through, in order; None
# is always applied.
_STEPS: tuple[tuple[str | None, Step], ...] = (
    ("run_ons", Canonicalizer._run_on),
    ("common_words", Canonicalizer._common_word),
    ("things", Canonicalizer._thing),
    ("variants", Canonicalizer._variant),
    (None, Canonicalizer._typed),
    ("known_orgs", Canonicalizer._org_by_name),  # after the vote: "Calzedonia" is no person
    ("streets", Canonicalizer._street),
    ("institutions", Canonicalizer._institution),
    ("places", Canonicalizer._place),
    ("countries", Canonicalizer._country),
    ("places", Canonicalizer._exonym),
    ("full_names", Canonicalizer._full_name),
    ("after_article", Canonicalizer._after_article),
    ("type_vote", Canonicalizer._other_type),
)
