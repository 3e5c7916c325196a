"""The Italian analyzers: one chain for indexing, querying and highlighting.

    tokenize | lowercase | elision | stop | stem | fold    (stemmed fields)
    tokenize | lowercase | elision | fold                  (exact fields)

Whoosh pickles the schema, analyzers included, into the index, so every
filter here is a module-level class whose state is plain settings: moving
or renaming one breaks ``open_dir()`` on existing indexes. Stemmer objects
live in module-level caches, never on a filter.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import resources

import snowballstemmer
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)

# Words are runs of letters and digits that keep one trailing apostrophe
# (' or ’), so the elision filter can tell "un'altra" from "Jong-un".
# Hyphens and Markdown's asterisks separate tokens: "Jong-un" gives "jong" +
# "un", matching "Jong Un".
APOSTROPHES = "'’"
TOKEN_PATTERN = r"\d+(?:[.,]\d+)+|\w+['’]?"

# Forms that only ever occur before an apostrophe; Lucene's list plus the
# demonstratives and adjectives it lacks.
EXTRA_ELISIONS = ("quest", "quell", "nessun", "sant", "tutt")


def _data_words(name: str) -> frozenset[str]:
    text = resources.files("search").joinpath("data", name).read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Strip accents so that "piu" matches "più"; NFD then drop combining marks."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


ELISIONS: frozenset[str] = _data_words("lucene_italian_elision_articles.txt") | frozenset(
    EXTRA_ELISIONS
)
_SNOWBALL_STOPS = _data_words("italian_stopwords_snowball.txt")
# Folded variants too, so that a query typed without accents ("perche")
# drops the same words the index dropped ("perché").
STOPWORDS: frozenset[str] = _SNOWBALL_STOPS | frozenset(fold(w) for w in _SNOWBALL_STOPS)


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("italian")


@functools.lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball Italian stem, cached: news vocabulary repeats heavily."""
    return _stemmer().stemWord(word)


class ElisionFilter(Filter):
    """Drops elided articles and prepositions ("l'", "dell’", "quest'").

    Only a listed form that carried an apostrophe is dropped ("un'altra",
    not the "un" of "Jong-un"); any other trailing apostrophe is stripped.
    Positions are renumbered so phrases match across the gap.
    """

    def __init__(self, articles: Iterable[str] = ELISIONS) -> None:
        self.articles = frozenset(articles)

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and self.articles == other.articles

    def __hash__(self) -> int:
        return hash((self.__class__, self.articles))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos = None
        for t in tokens:
            text = t.text
            if text[-1] in APOSTROPHES:
                text = text[:-1]
                if text in self.articles:
                    continue
                t.text = text
            if t.positions:
                pos = t.pos if pos is None else pos + 1
                t.pos = pos
            yield t


class ItalianStopFilter(StopFilter):
    """Snowball's Italian stop words, accented and folded."""

    def __init__(self, stoplist: Iterable[str] = STOPWORDS) -> None:
        super().__init__(stoplist=stoplist, minsize=1, renumber=True)


class ItalianStemFilter(Filter):
    """Snowball Italian stemming through the cached PyStemmer."""

    # Spelling asks analyzers for unmorphed words (no_morph=True); without
    # this flag suggestions would be made from stems.
    is_morph = True

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


class AccentFoldFilter(Filter):
    """Folds accents after stemming, because Snowball needs them to stem."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


@functools.lru_cache(maxsize=500_000)
def word_forms(token: str) -> tuple[str | None, str | None]:
    """One token's (exact, stemmed) terms, as the two analyzer chains make
    them; None where a chain drops it (elided article; stop word).

    The same steps per word, cached, for the places that see every word of
    every article: indexing (see schema.ItalianText) and snippets.
    """
    word = token.lower()
    if word[-1] in APOSTROPHES:
        word = word[:-1]
        if word in ELISIONS:
            return None, None
    return fold(word), None if word in STOPWORDS else fold(stem(word))


def match_keys(token: str) -> tuple[str, ...]:
    """A token's forms as a highlighter looks them up: ``s:stem`` (unless a
    stop word) and ``e:exact``, so a word matched by either is marked."""
    exact, stemmed = word_forms(token)
    if exact is None:
        return ()
    return ("e:" + exact,) if stemmed is None else ("s:" + stemmed, "e:" + exact)


_TOKEN = re.compile(TOKEN_PATTERN)


def terms(text: str, stemmed: bool) -> tuple[int, list[str]]:
    """The terms of ``text`` in position order, exactly as
    ``stemming_analyzer()`` (or ``exact_analyzer()``) would index them, and
    the position of the first: Whoosh's renumbering filters keep the first
    survivor's original position and count on from there."""
    forms = [word_forms(token) for token in _TOKEN.findall(text)]
    first = next((i for i, (exact, _) in enumerate(forms) if exact is not None), 0)
    kept = [f for f in forms if f[0] is not None]
    if not stemmed:
        return first, [exact for exact, _ in kept if exact is not None]
    first += next((i for i, (_, stem) in enumerate(kept) if stem is not None), 0)
    return first, [stem for _, stem in kept if stem is not None]


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def stemming_analyzer():
    """For body and title: matches across inflections ("missile" ~ "missili")."""
    return (
        tokenizer()
        | LowercaseFilter()
        | ElisionFilter()
        | ItalianStopFilter()
        | ItalianStemFilter()
        | AccentFoldFilter()
    )


def exact_analyzer():
    """Unstemmed, accent-folded, stop words kept: names, phrases, "piu"."""
    return tokenizer() | LowercaseFilter() | ElisionFilter() | AccentFoldFilter()


def tokens(text: str, analyzer=None) -> list[str]:
    """The token texts of ``text``; a convenience for tests and tools."""
    analyzer = analyzer or stemming_analyzer()
    return [t.text for t in analyzer(text)]
