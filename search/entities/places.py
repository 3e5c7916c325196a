"""Italian municipalities and localities: proper names for local news.

A local paper writes "CARPI.", "FINALE" or "San Felice" for places whose
names are "Carpi", "Finale Emilia" and "San Felice sul Panaro". The list
(``data/it_places.tsv``: ISTAT's municipalities and GeoNames' Italian
localities of 500+ people) gives the proper name of an exact match; a short
form ("Finale", "Novi", "Reggio") is resolved to the municipality it
abbreviates in the archive's home region (the region most of its
unambiguous places are in), and otherwise left as written.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from search.analysis import STOPWORDS, fold

# Words a place name may start with that abbreviate nothing on their own.
_GENERIC = frozenset(
    "san santa santo sant borgo castel monte villa porto ponte colle torre rocca val valle "
    "bagni marina lido pieve casal casale case ca isola"
    .split()
)
# Official names that news never writes.
USUAL_NAMES = {"Reggio nell'Emilia": "Reggio Emilia", "Reggio di Calabria": "Reggio Calabria"}
_WORD = re.compile(r"[\w'’]+")


@dataclass(frozen=True)
class Place:
    name: str
    region: str
    population: int
    comune: bool


def place_key(text: str) -> str:
    """Case, accents and punctuation folded away: "CAmpogalliano" -> "campogalliano"."""
    return " ".join(_WORD.findall(fold(text.casefold()).replace("’", "'")))


@functools.cache
def _tables() -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
    text = resources.files("search.entities").joinpath("data", "it_places.tsv").read_text("utf-8")
    exact: dict[str, list[Place]] = {}
    short: dict[str, list[Place]] = {}
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        name, region, population, comune = line.split("\t")
        place = Place(name, region, int(population), comune == "1")
        key = place_key(name)
        exact.setdefault(key, []).append(place)
        words = key.split()
        for size in range(1, len(words)):
            prefix = " ".join(words[:size])
            if words[size - 1] in STOPWORDS or (size == 1 and (
                    words[0] in _GENERIC or len(words[0]) < 4)):
                continue
            short.setdefault(prefix, []).append(place)
    return exact, short


def exact(text: str) -> list[Place]:
    """Places with exactly this name, any case."""
    return _tables()[0].get(place_key(text), [])


def is_italian_place(text: str) -> bool:
    """The name of an Italian place, or a short form of one ("Novi")."""
    key = place_key(text)
    return bool(key) and (key in _tables()[0] or key in _tables()[1])


def is_local_place(text: str, home: str) -> bool:
    """A municipality, or any place of the ``home`` region: names that are a
    place whatever the model said ("Pavullo", "Fossoli"), unlike a hamlet
    far away that shares a surname ("Rossi")."""
    key = place_key(text)
    exact_names = _tables()[0].get(key, [])
    short = [p for p in _tables()[1].get(key, []) if p.comune]
    return any(p.comune or p.region == home for p in exact_names) or len(short) == 1 or any(
        p.region == home for p in short)


def _best(places: Iterable[Place]) -> Place:
    return max(places, key=lambda p: (p.comune, p.population, p.name))


def resolve(text: str, home: str = "") -> str | None:
    """The proper name of the Italian place ``text`` names, or None.

    At home (the archive's region) an exact name wins ("Carpi"), then the
    municipality a short form abbreviates ("Novi" -> "Novi di Modena" for
    an archive in Emilia-Romagna); elsewhere an exact name, or a short form
    only when it is unambiguous.
    """
    key = place_key(text)
    found = _tables()[0].get(key, [])
    candidates = _tables()[1].get(key, [])
    at_home = [p for p in found if p.region == home] or [
        p for p in candidates if p.region == home and p.comune]
    if at_home:
        return _shown(_best(at_home).name)
    if found:
        return _shown(_best(found).name)
    if candidates and len({p.name for p in candidates}) == 1:
        return _shown(candidates[0].name)
    return None


def _shown(name: str) -> str:
    return USUAL_NAMES.get(name, name)


def region_of(text: str) -> str:
    """The region of a name that is one municipality only, else ""."""
    found = [p for p in exact(text) if p.comune]
    return found[0].region if len(found) == 1 else ""


def home_region(names: Iterable[str]) -> str:
    """The region most unambiguous municipality names in ``names`` are in."""
    counts = Counter(r for r in map(region_of, names) if r)
    return min(counts, key=lambda r: (-counts[r], r)) if counts else ""
