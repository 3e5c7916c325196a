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
    province: str
    population: int
    comune: bool


@dataclass(frozen=True)
class Home:
    """Where an archive is: the region and province of most of its datelines."""

    region: str = ""
    province: str = ""

    def rank(self, place: Place) -> int:
        """2 in the home province, 1 elsewhere in the home region, else 0."""
        if not self.region or place.region != self.region:
            return 0
        return 2 if self.province and place.province == self.province else 1


NOWHERE = Home()


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
        name, region, province, population, comune = line.split("\t")
        place = Place(name, region, province, int(population), comune == "1")
        key = place_key(name)
        exact.setdefault(key, []).append(place)
        if name in USUAL_NAMES:  # "Reggio Emilia" is a place too
            exact.setdefault(place_key(USUAL_NAMES[name]), []).append(place)
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


def is_local_place(text: str, home: Home = NOWHERE) -> bool:
    """A municipality, or any place at ``home``: names that are a place
    whatever the model said ("Pavullo", "Fossoli"), unlike a hamlet far away
    that shares a surname ("Rossi")."""
    key = place_key(text)
    exact_names = _tables()[0].get(key, [])
    short = [p for p in _tables()[1].get(key, []) if p.comune]
    return any(p.comune or home.rank(p) for p in exact_names) or len(short) == 1 or any(
        home.rank(p) for p in short)


def _best(places: Iterable[Place], home: Home) -> Place:
    return max(places, key=lambda p: (home.rank(p), p.comune, p.population, p.name))


def resolve(text: str, home: Home = NOWHERE) -> str | None:
    """The proper name of the Italian place ``text`` names, or None.

    At home (the archive's province, then region) the name of a place or
    of the municipality it abbreviates ("Carpi"; "Novi" -> "Novi di Modena",
    "Castelvetro" -> "Castelvetro di Modena" for a Modena paper); elsewhere
    an exact name, or a short form only when it is unambiguous.
    """
    key = place_key(text)
    found = _tables()[0].get(key, [])
    candidates = _tables()[1].get(key, [])
    at_home = [(home.rank(p), True, p) for p in found if home.rank(p)] + [
        (home.rank(p), False, p) for p in candidates if home.rank(p) and p.comune]
    if at_home:
        # In the home province "Fiorano" is Fiorano Modenese, not a hamlet
        # of the region that is called just "Fiorano".
        best = max(at_home, key=lambda c: (c[0], c[1], c[2].comune, c[2].population))
        return _shown(best[2].name)
    if found:
        return _shown(_best(found, home).name)
    if candidates and len({p.name for p in candidates}) == 1:
        return _shown(candidates[0].name)
    return None


def _shown(name: str) -> str:
    return USUAL_NAMES.get(name, name)


def home_of(names: Iterable[str]) -> Home:
    """The region and province most unambiguous municipality names in
    ``names`` are in (datelines, usually)."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in names:
        found = [p for p in exact(name) if p.comune]
        if len(found) == 1:
            counts[(found[0].region, found[0].province)] += 1
    if not counts:
        return NOWHERE
    regions: Counter[str] = Counter()
    for (region, _), n in counts.items():
        regions[region] += n
    region = min(regions, key=lambda r: (-regions[r], r))
    province = min((k for k in counts if k[0] == region), key=lambda k: (-counts[k], k))[1]
    return Home(region, province)
