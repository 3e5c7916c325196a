"""The Italian analyzers: one chain for indexing, querying and highlighting.

    tokenize | elision | lowercase | stop | stem | fold      (stemmed fields)
    tokenize | elision+names | lowercase | fold              (exact fields)

Words joined by an apostrophe are one token ("dell'Italia", "D'Alema"),
which the elision filter splits; in the exact fields a capitalised name
("D'Alema", "O'Brian") also keeps its whole reading ("dalema"), at the
position of its last part.

Whoosh pickles the schema, analyzers included, into the index, so every
filter here is a module-level class whose state is plain settings: moving
or renaming one breaks ``open_dir()`` on existing indexes. Stemmer objects
live in module-level caches, never on a filter.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import cast

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
# "un", matching "Jong Un". Queries are split into such words.
# Bump when the terms indexed for a text change: an article's content hash
# includes it, so ``cerca index`` re-indexes every article once.
VERSION = "2"

APOSTROPHES = "'’"
WORD_PATTERN = r"\d+(?:[.,]\d+)+|\w+['’]?"
# Indexed text keeps words joined by apostrophes together ("D'Alema"), so
# that a name can be read whole as well as split.
TOKEN_PATTERN = r"\d+(?:[.,]\d+)+|\w+(?:['’]\w+)*['’]?"
_PART = re.compile(r"\w+['’]?")
_JOINED = re.compile(r"['’]\w")

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


def is_name(token: str) -> bool:
    """A capitalised name with an apostrophe inside ("D'Alema", "O'Brian",
    "Dell'Utri"), which reads whole as well as elided."""
    joins = _JOINED.findall(token)
    return bool(joins) and token[0].isupper() and all(j[1].isupper() for j in joins)


def name_reading(token: str) -> str:
    """"D'Alema" -> "DAlema": the whole name, as it is typed without the apostrophe."""
    return "".join(c for c in token if c not in APOSTROPHES)


class ElisionFilter(Filter):
    """Drops elided articles and prepositions ("l'", "dell’", "quest'").

    Only a listed form that carried an apostrophe is dropped ("un'altra",
    not the "un" of "Jong-un"); any other trailing apostrophe is stripped.
    Words joined by apostrophes are split first; with ``names``, a name
    (``is_name``) is also given whole, at the position of its last part.
    Positions are renumbered so phrases match across the gap.
    """

    # Indexes written before names were read keep this default.
    names = False

    def __init__(self, articles: Iterable[str] = ELISIONS, names: bool = False) -> None:
        self.articles = frozenset(articles)
        self.names = names

    def __eq__(self, other: object) -> bool:
        return (other.__class__ is self.__class__ and self.articles == other.articles
                and self.names == other.names)

    def __hash__(self) -> int:
        return hash((self.__class__, self.articles, self.names))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos = None
        for t in tokens:
            token, start = t.text, t.startchar if t.chars else 0
            at = t.pos if t.positions else 0
            whole = self.names and is_name(token)
            kept = False
            for part in _PART.finditer(token) if _JOINED.search(token) else (None,):
                text = token if part is None else part.group()
                if text[-1] in APOSTROPHES:
                    text = text[:-1]
                    if text.lower() in self.articles:
                        continue
                t.text = text
                if t.chars and part is not None:
                    t.startchar, t.endchar = start + part.start(), start + part.start() + len(text)
                if t.positions:
                    pos = at if pos is None else pos + 1
                    t.pos = pos
                kept = True
                yield t
            if whole and kept:
                t.text = name_reading(token)
                if t.chars:
                    t.startchar, t.endchar = start, start + len(token)
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
    """One word's (exact, stemmed) terms, as the two analyzer chains make
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


Kept = tuple[str, str | None]  # a kept word's exact and stemmed forms


@functools.lru_cache(maxsize=500_000)
def token_forms(token: str) -> tuple[tuple[tuple[str, str | None], ...], str | None]:
    """One token's kept words as ``word_forms`` pairs, in order, and its
    whole-name reading for the exact fields (None unless ``is_name``)."""
    if _JOINED.search(token) is None:
        forms = word_forms(token)
        return ((cast(Kept, forms),) if forms[0] is not None else ()), None
    kept = tuple(cast(Kept, f) for f in map(word_forms, _PART.findall(token))
                 if f[0] is not None)
    whole = fold(name_reading(token).lower()) if kept and is_name(token) else None
    return kept, whole


# A word's final vowel carries gender and number ("italiano", "italiani",
# "italiana", "italiane"); Snowball strips "-ano" and "-are" from the
# masculine singular only, which splits such words into two stems.
GENDER_NUMBER = "oaie"
SIBLING_MIN_CHARS = 5
# Accents a word typed without them may have lost on its last vowel.
FINAL_ACCENTS = {"a": "à", "e": "èé", "i": "ì", "o": "ò", "u": "ù"}


def siblings(word: str) -> tuple[str, ...]:
    """The other genders and numbers a word may have, by its final vowel:
    candidates only, to be checked against a vocabulary."""
    if len(word) < SIBLING_MIN_CHARS or word[-1] not in GENDER_NUMBER:
        return ()
    return tuple(word[:-1] + v for v in GENDER_NUMBER if v != word[-1])


def accented(word: str) -> tuple[str, ...]:
    """The readings of a word typed without its final accent ("novita" may
    be "novità"): candidates only, to be checked against a vocabulary."""
    if not word.isascii() or word[-1:] not in FINAL_ACCENTS:
        return ()
    return tuple(word[:-1] + a for a in FINAL_ACCENTS[word[-1]])


def match_keys(token: str) -> tuple[str, ...]:
    """A token's forms as a highlighter looks them up: ``s:stem`` (unless a
    stop word) and ``e:exact`` of each of its words, and ``e:`` of a name's
    whole reading, so a word matched by any is marked."""
    kept, whole = token_forms(token)
    keys = [key for exact, stemmed in kept
            for key in (("e:" + exact,) if stemmed is None else ("s:" + stemmed, "e:" + exact))]
    return (*keys, "e:" + whole) if whole else tuple(keys)


_TOKEN = re.compile(TOKEN_PATTERN)


Positions = dict[str, "array[int]"]  # term -> its positions, in order


def positions(text: str) -> tuple[Positions, Positions]:
    """The stemmed and the exact terms of ``text`` with their positions,
    exactly as ``stemming_analyzer()`` and ``exact_analyzer()`` would index
    them, in one pass: the body and the title are indexed both ways, and
    tokenizing is most of the cost. Whoosh's renumbering filters keep the
    first survivor's original position and count on from there; a name's
    whole reading shares the position of its last word. Positions are
    4-byte arrays: a body of millions of words stays small."""
    stemmed: Positions = _Found()
    exact: Positions = _Found()
    pos = at = None
    # finditer, not findall: a page of millions of words is never a list of them.
    for i, (kept, whole) in enumerate(map(token_forms, map(re.Match.group, _TOKEN.finditer(text)))):
        for exact_, stem_ in kept:
            pos = i if pos is None else pos + 1
            exact[exact_].append(pos)
            if stem_ is not None:
                at = pos if at is None else at + 1
                stemmed[stem_].append(at)
        if whole and pos is not None:
            exact[whole].append(pos)
    return stemmed, exact


class _Found(dict):
    """Positions by term, a new term's array made on first use (no call per word)."""

    __slots__ = ()

    def __missing__(self, term: str) -> array[int]:
        held = self[term] = array("I")
        return held


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def stemming_analyzer():
    """For body and title: matches across inflections ("missile" ~ "missili")."""
    return (
        tokenizer()
        | ElisionFilter()
        | LowercaseFilter()
        | ItalianStopFilter()
        | ItalianStemFilter()
        | AccentFoldFilter()
    )


def exact_analyzer():
    """Unstemmed, accent-folded, stop words kept: names (whole and split),
    phrases, "piu"."""
    return tokenizer() | ElisionFilter(names=True) | LowercaseFilter() | AccentFoldFilter()


def tokens(text: str, analyzer=None) -> list[str]:
    """The token texts of ``text``; a convenience for tests and tools."""
    analyzer = analyzer or stemming_analyzer()
    return [t.text for t in analyzer(text)]
