"""The word lists entity naming reads: media, non-entities, vehicles,
organisations, and place names in other languages."""

from __future__ import annotations

import functools
import json
from importlib import resources

from search.analysis import fold

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
def vehicle_makes() -> tuple[str, ...]:
    """Folded makes, longest first, each followed by a space."""
    makes = {fold(m.casefold()) + " " for m in _lines("vehicle_makes.txt")}
    return tuple(sorted(makes, key=len, reverse=True))


@functools.cache
def org_names() -> frozenset[str]:
    """Folded names of organisations on Italian Wikipedia (the KIND list)."""
    import lzma

    raw = resources.files("search.entities").joinpath("data", "it_orgs.txt.xz").read_bytes()
    lines = lzma.decompress(raw).decode("utf-8").splitlines()
    return frozenset(fold(n.casefold()) for n in lines if n and n[0] != "#")


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
