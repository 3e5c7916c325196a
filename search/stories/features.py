"""What the story step knows of one article: text fingerprints, names, day.

Computed from the fields the index stores (title, text, canonical
entities, date), so an article read again from the index gives the same
features as when it was indexed. A MinHash signature (datasketch) of the
set of the text's content words finds the candidates and says how close
two different texts are; the exact hashes of its word 3-shingles and its
content words in text order tell a copy, for the few candidate pairs
close enough to be one.
Only the first ``FEATURE_CHARS`` of a text count: far beyond any news
article, so a text of tens of MB costs no more than that.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from search.analysis import fold

NUM_PERM = 128
SEED = 24
SCHEME = "affine32"  # datasketch 2 names how its hash values were made
# Words shorter than this carry little of an event (articles, "via", "ieri").
MIN_WORD = 4
# Prefix length standing in for a stem: "rubato", "rubati" -> "rubat".
STEM = 6
# About 60,000 words: a story's copies agree long before this.
FEATURE_CHARS = 400_000
_WORD = re.compile(r"\w+")
_MARKS = re.compile("[\u0300-\u036f]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A 32-bit hash of each token before the permutations: CRC-32, in C and
# stable across processes, four times faster here than datasketch's SHA-1.
_HASH = zlib.crc32


@dataclass(frozen=True)
class Features:
    """One article as the story step compares it."""

    shingles: np.ndarray  # the sorted, distinct hashes of its word 3-shingles
    stems: np.ndarray  # the hashes of its content words, in text order
    words: np.ndarray  # MinHash hash values of its content words
    n_words: int
    names: tuple[str, ...]  # canonical persons, places, orgs, folded, sorted
    persons: tuple[str, ...]  # the persons among them with at least two words
    day: int  # proleptic ordinal of its date, 0 when undated
    # The numbers in the text (ages, amounts, times, counts): a template
    # filled in again (a weekly bulletin) keeps its words, not its numbers.
    numbers: tuple[str, ...] = ()

    def pack(self) -> bytes:
        """Everything but the signature, ``n_words`` and ``day`` (stored in
        columns of their own) in one compact blob: the two hash arrays'
        lengths, the arrays, then the names, persons and numbers as text."""
        text = _SEP.join(_JOIN.join(part) for part in (self.names, self.persons, self.numbers))
        return b"".join((np.array([len(self.shingles), len(self.stems)], "<u4").tobytes(),
                         self.shingles.astype("<u4").tobytes(),
                         self.stems.astype("<u4").tobytes(), text.encode()))

    @classmethod
    def unpack(cls, signature: bytes, n_words: int, day: int, packed: bytes) -> Features:
        n_shingles, n_stems = np.frombuffer(packed, "<u4", 2).tolist()
        arrays = np.frombuffer(packed, "<u4", n_shingles + n_stems, offset=8)
        names, persons, numbers = (tuple(part.split(_JOIN)) if part else () for part in
                                   packed[8 + 4 * len(arrays):].decode().split(_SEP))
        return cls(arrays[:n_shingles], arrays[n_shingles:], np.frombuffer(signature, "<u4"),
                   n_words, names, persons, day, numbers)


_JOIN, _SEP = "\x1f", "\x1e"  # no name holds them (``_norm``), no number
_SEPARATORS = {ord(_JOIN): " ", ord(_SEP): " "}


_SKETCHES = threading.local()


@functools.cache
def _permutations() -> tuple:
    return _minhash()(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _sketch():
    return _minhash()(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME,
                      hashfunc=_HASH)


def _minhash():
    """datasketch, imported when an article is first sketched: it loads
    scipy, about half a second that a search never needs."""
    from datasketch import MinHash

    return MinHash


def _signature(tokens: set[bytes]) -> np.ndarray:
    """The MinHash values of ``tokens``: one sketch per thread, cleared for
    each article (a new ``MinHash`` parsed its permutations every time, a
    quarter of the signature's cost)."""
    m = getattr(_SKETCHES, "sketch", None)
    if m is None:
        m = _SKETCHES.sketch = _sketch()
    m.clear()
    if tokens:
        m.update_batch(tokens)
    return m.hashvalues.astype(np.uint32)


def _hashes(tokens: Iterable[bytes], count: int) -> np.ndarray:
    return np.fromiter(map(_HASH, tokens), dtype=np.uint32, count=count)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct ``values``: ``np.unique`` without its overhead,
    a fifth of its time on an article's shingles."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def stem_hashes(words: list[str]) -> np.ndarray:
    """The hashes ``Features.stems`` holds for these content words."""
    return _hashes([w[:STEM].encode() for w in words], len(words))


def _fold(text: str) -> str:
    """Accents dropped, as ``analysis.fold`` does, with one regex over the
    whole text (a long text, read character by character, cost a third of
    the story step)."""
    return _MARKS.sub("", unicodedata.normalize("NFD", text))


def _norm(name: str) -> str:
    return fold(name.casefold()).translate(_SEPARATORS).strip()


def features(text: str, persons: list[str], places: list[str], orgs: list[str],
             date: dt.date | None) -> Features:
    """The features of an article's text (title left out: a copy often has
    a new headline), its canonical entities and its date."""
    text = text[:FEATURE_CHARS]
    words = _WORD.findall(_fold(text.casefold()))
    # Each shingle built and hashed in C (map), not by a Python loop.
    triples = zip(words, words[1:], words[2:], strict=False)
    shingles = _hashes(map(str.encode, map(" ".join, triples)), max(0, len(words) - 2))
    stems = [w[:STEM].encode() for w in words if len(w) >= MIN_WORD and not w.isdigit()]
    content = set(stems)
    normed = {n: _norm(n) for n in {*persons, *places, *orgs}}
    names = sorted({name for name in normed.values() if name})
    full = sorted({normed[p] for p in persons if len(normed[p].split()) >= 2})
    numbers = sorted({n.replace(".", "").replace(",", "") for n in set(_NUMBER.findall(text))})
    return Features(_distinct(shingles), _hashes(stems, len(stems)), _signature(content),
                    len(content), tuple(names), tuple(full), date.toordinal() if date else 0,
                    tuple(numbers))
