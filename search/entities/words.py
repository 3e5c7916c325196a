"""Word lists the entity rules share: first names, common words, casing."""

from __future__ import annotations

import functools
import lzma
from pathlib import Path

from search.analysis import STOPWORDS

GAZETTEER = Path(__file__).resolve().parent / "ner_model" / "gazetteer" / "gazetteer.tsv.xz"
PARTICLES = frozenset("di de del della da dei van von".split())
# The nouns a street's name starts with ("via Emilia", "piazzale Risorgimento"):
# the one list every rule about streets reads.
STREET_NOUNS = tuple("via vie viale viali piazza piazze piazzale piazzetta corso largo vicolo "
                     "strada stradello galleria".split())


@functools.cache
def _names(flag: int) -> frozenset[str]:
    data = lzma.decompress(GAZETTEER.read_bytes()).decode("utf-8")
    names = set()
    for line in data.splitlines():
        entry, _, flags = line.partition("\t")
        if flags and " " not in entry and int(flags) & flag:
            names.add(entry)
    return frozenset(names)


def first_names() -> frozenset[str]:
    """First names from the NER model's gazetteer list (flag 2)."""
    return _names(2)


def surnames() -> frozenset[str]:
    """Surnames from the NER model's gazetteer list (flag 4)."""
    return _names(4)


def common_word(word: str) -> bool:
    """A word Italian writes in lower case ("Probabilmente", "Una", "È")."""
    from wordfreq import zipf_frequency

    lower = word.casefold()
    return lower in STOPWORDS or zipf_frequency(lower, "it") >= 4.0


def title_case(text: str) -> str:
    """"SAN FELICE SUL PANARO" -> "San Felice sul Panaro"; initials stay upper."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        lower = word.casefold()
        if len(word.rstrip(".")) == 1:
            out.append(word.upper())  # an initial
        elif i and lower in PARTICLES | STOPWORDS:
            out.append(lower)
        elif len(word) <= 2:
            out.append(word.upper())  # "fd" -> "FD", "s." -> "S."
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(out)
