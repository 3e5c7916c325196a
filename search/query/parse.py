"""Turn what a person types into a Whoosh query over Cerca's fields.

Whoosh parses the syntax (phrases, -excluded, OR, prefixes, *, ~) over one
plain field, so each word keeps its identity; every word is then expanded
over the stemmed and exact forms of title and body. On top of that:

* stop words only count when the query has nothing else ("più");
* articles with every word rank first (a heavily boosted AND);
* words that occur close together rank higher (bigram phrases with slop).

A query the parser cannot make sense of falls back to its plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT, Schema
from whoosh.qparser import (
    FieldAliasPlugin,
    FuzzyTermPlugin,
    OrGroup,
    PlusMinusPlugin,
    QueryParser,
)

from search.analysis import STOPWORDS, WORD_PATTERN, exact_analyzer, fold, stemming_analyzer
from search.query.conflation import Vocabulary, related
from search.schema import FIELD_ALIASES

RAW = "q"
# Field -> boost. A word found in the form typed scores on both its stemmed
# and its exact clause, so exact matches outrank stem-only ones; a title
# match scores high per word because titles are short (BM25F). Tuned on
# SQuAD-it with bench/relevance.py.
FIELD_BOOSTS: dict[str, float] = {
    "title": 0.8,
    "title_exact": 0.4,
    "body": 1.0,
    "body_exact": 0.5,
}
STEMMED = ("title", "body")
ALL_WORDS_BOOST = 4.0
PROXIMITY_BOOST = 0.15
PROXIMITY_SLOP = 2
MAX_QUERY_CHARS = 1000

# In a question, interrogatives and the nouns that only ask for a kind of
# answer carry no topic: "In quale anno è iniziata la crisi?" is about the
# crisis. Like stop words, they only count when nothing else is typed.
QUESTION_WORDS = frozenset(
    "quando qual quale quali quanto quanta quanti quante cosa cos chi dove come "
    "perche che cui".split()
)
QUESTION_NOUNS = frozenset("anno anni nome tipo".split())
QUESTION_MIN_WORDS = 4

# "-" negates only at the start of a word, so "Jong-un" stays a name.
_MINUS = r"(?<![^\s(])-"
_OR_WORD = re.compile(r"(?<!\S)OR(?!\S)")
# A "?" that ends a word ends a question; only inside a word is it a wildcard.
_QUESTION_MARK = re.compile(r"\?+(?=[\s\"')]|$)")


@dataclass
class ParsedQuery:
    """A Whoosh query plus the plain words it was made of (for suggestions)."""

    query: wq.Query
    words: list[str]
    fallback: bool = False
    # The same documents as ``query``, without the ranking extras: cheaper
    # to run over the whole collection for counts and facets.
    match: wq.Query | None = None
    # When several words are typed: the documents with all of them, and the
    # ranking of ``query`` restricted to those (see ``all_words_first``).
    all_words: wq.Query | None = None
    all_words_ranked: wq.Query | None = None

    @property
    def matching(self) -> wq.Query:
        return self.match if self.match is not None else self.query


def _parse_schema() -> Schema:
    raw = TEXT(analyzer=RegexTokenizer(WORD_PATTERN) | LowercaseFilter())
    raw.multitoken_query = "phrase"
    exact = TEXT(analyzer=exact_analyzer())
    exact.multitoken_query = "phrase"
    return Schema(
        q=raw,
        title=raw,
        body=raw,
        persons_text=exact,
        places_text=exact,
        orgs_text=exact,
        source=TEXT(analyzer=RegexTokenizer(r".+")),
    )


class TextQueryBuilder:
    """Builds queries; create one and reuse it (it holds the parser)."""

    def __init__(self) -> None:
        self._analyzers = {
            "title": stemming_analyzer(),
            "body": stemming_analyzer(),
            "title_exact": exact_analyzer(),
            "body_exact": exact_analyzer(),
        }
        aliases: dict[str, list[str]] = {}
        for alias, field in FIELD_ALIASES.items():
            aliases.setdefault(field, []).append(alias)
        self._parser = QueryParser(RAW, _parse_schema(), group=OrGroup)
        self._parser.add_plugin(FieldAliasPlugin(aliases))
        self._parser.add_plugin(FuzzyTermPlugin())
        self._parser.add_plugin(PlusMinusPlugin(minusexpr=_MINUS))
        self._plain = QueryParser(RAW, _parse_schema(), group=OrGroup, plugins=[])

    def build(self, text: str, vocabulary: Vocabulary | None = None) -> ParsedQuery:
        """The query for ``text``; with the index's ``vocabulary`` (its
        reader), each word also matches the forms Snowball splits from it
        (see conflation.py)."""
        text = text.strip()[:MAX_QUERY_CHARS]
        ignore = _question_words(text)
        text = _QUESTION_MARK.sub(" ", text).strip()
        if not text:
            return ParsedQuery(wq.Every(), [])
        try:
            parsed = self._parser.parse(text)
            built = self._expand(parsed, bool(_OR_WORD.search(text)), ignore, vocabulary)
        except Exception:  # noqa: BLE001 - any parser failure means "plain words"
            built = None
        if built is None:
            return self._fallback(text, ignore, vocabulary)
        return ParsedQuery(words=_words(parsed), **built)

    def _fallback(self, text: str, ignore: frozenset[str],
                  vocabulary: Vocabulary | None) -> ParsedQuery:
        words = re.findall(r"\w+(?:['’]\w+)?", text)
        negated = re.findall(r"(?<![^\s(])-(\w+)", text)
        if not words:
            return ParsedQuery(wq.NullQuery, [], fallback=True)
        if negated and len(negated) == len(words):
            # Only exclusions ("-guerra"): everything but those words.
            excluded = [self._word(w, ignore) for w in negated]
            return ParsedQuery(
                wq.AndNot(wq.Every(), wq.Or([e for e in excluded if e])), [], fallback=True
            )
        parsed = self._plain.parse(" ".join(words))
        built = self._expand(parsed, False, ignore, vocabulary)
        if built is None:
            return ParsedQuery(wq.NullQuery, [], fallback=True)
        return ParsedQuery(words=_words(parsed), fallback=True, **built)

    # -- expansion -----------------------------------------------------------

    def _expand(self, q: wq.Query, explicit_or: bool, ignore: frozenset[str],
                vocabulary: Vocabulary | None) -> dict | None:
        """ParsedQuery's query fields, or None if nothing is left."""
        built = self._rewrite(q, ignore, vocabulary)
        if built is None:
            return None
        positive = q.a if isinstance(q, wq.AndNot) else q
        typed = [w for w in _words(positive, phrases=False) if fold(w) not in ignore]
        return {"match": built, **self._rank_boosts(built, explicit_or, typed)}

    def _rewrite(self, q: wq.Query, ignore: frozenset[str],
                 vocabulary: Vocabulary | None = None) -> wq.Query | None:
        """Replace every leaf on the raw field by its multi-field expansion."""
        if isinstance(q, wq.Term) and q.fieldname == RAW:
            return self._word(q.text, ignore, q.boost, vocabulary)
        if isinstance(q, wq.Phrase) and q.fieldname == RAW:
            return self._phrase(q.words, ignore, q.slop, q.boost)
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)) and q.fieldname == RAW:
            return self._pattern(q)
        if isinstance(q, (wq.And, wq.Or, wq.DisjunctionMax)):
            parts = [self._rewrite(sub, ignore, vocabulary) for sub in q.subqueries]
            parts = _drop_stop_groups([p for p in parts if p is not None])
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else q.__class__(parts, boost=q.boost)
        if isinstance(q, (wq.AndNot, wq.AndMaybe)):
            a, b = self._rewrite(q.a, ignore, vocabulary), self._rewrite(q.b, ignore, vocabulary)
            if a is None:
                return None
            return a if b is None else q.__class__(a, b)
        if isinstance(q, wq.Not):
            inner = self._rewrite(q.query, ignore, vocabulary)
            return None if inner is None else wq.Not(inner)
        if q is wq.NullQuery:
            return None
        if isinstance(q, wq.Every):
            return wq.Every()  # "*": every article, whatever its fields
        return q

    def _forms(self, field: str, text: str) -> list[str]:
        return [t.text for t in self._analyzers[field](text)]

    def _word(self, text: str, ignore: frozenset[str], boost: float = 1.0,
              vocabulary: Vocabulary | None = None) -> WordGroup | None:
        group = self._phrase([text], ignore, 1, boost)
        if group is None or vocabulary is None:
            return group
        also = related(text, vocabulary)
        extra: list[wq.Query] = []
        for field in STEMMED:
            # A related form counts as the typed word's stem would.
            weight = FIELD_BOOSTS[field] * boost
            extra += [wq.Term(field, s, boost=weight) for s in also.stems]
            extra += [wq.Term(field + "_exact", e, boost=weight) for e in also.exact]
        group.subqueries = [*group.subqueries, *extra]
        return group

    def _phrase(
        self, words: list[str], ignore: frozenset[str], slop: int, boost: float
    ) -> WordGroup | None:
        """One typed word or quoted phrase over every field, in each field's forms.

        A phrase with stop words ("nella casa") keeps only its exact clauses:
        the stemmed fields have no stop words, so their form of it ("cas")
        would match every article with the word.
        """
        text = " ".join(words)
        exact_count = len(self._forms("body_exact", text))
        clauses: list[wq.Query] = []
        content = False
        for field, weight in FIELD_BOOSTS.items():
            forms = self._forms(field, text)
            if field in STEMMED:
                content = content or bool(forms)
                if len(forms) < exact_count and exact_count > 1:
                    continue
            if len(forms) == 1:
                clauses.append(wq.Term(field, forms[0], boost=weight * boost))
            elif forms:
                clauses.append(wq.Phrase(field, forms, slop=slop, boost=weight * boost))
        if not clauses:
            return None
        group = WordGroup(clauses)
        # As typed: "d'alema" reaches here as the phrase ["d'", "alema"].
        typed = text.replace("' ", "'").replace("’ ", "’")
        group.word = typed if len(words) == 1 or " " not in typed else f'"{typed}"'
        group.stop = not content or (len(words) == 1 and fold(words[0].rstrip("'’")) in ignore)
        return group

    def _pattern(self, q: wq.Query) -> wq.Query:
        """Wildcards and fuzzy terms match unstemmed words only."""
        text = fold(q.text)
        clauses = []
        for field in ("title_exact", "body_exact"):
            boost = FIELD_BOOSTS[field] * q.boost
            if isinstance(q, wq.FuzzyTerm):
                clauses.append(
                    wq.FuzzyTerm(field, text, boost=boost, maxdist=q.maxdist,
                                 prefixlength=q.prefixlength)
                )
            else:
                clauses.append(q.__class__(field, text, boost=boost))
        group = PatternGroup(clauses)
        group.word = str(q).split(":", 1)[-1]
        return group

    def _rank_boosts(self, q: wq.Query, explicit_or: bool, typed: list[str]) -> dict:
        """All words first, then words typed together found together.

        An article with every word scores (1 + ALL_WORDS_BOOST) times its
        words' sum plus its proximity bonus, whichever query ranks it: so
        when enough articles have every word, ranking just those
        (``all_words_ranked``, an intersection Whoosh walks by skipping)
        fills the page as the full query would, without walking the union
        of every word's postings.
        """
        positive, negative = q, None
        if isinstance(q, wq.AndNot):
            positive, negative = q.a, q.b
        groups = _word_groups(positive)
        if len(groups) < 2 or explicit_or:
            return {"query": q}
        every = wq.And(groups, boost=ALL_WORDS_BOOST)
        near = self._proximity(typed)
        ranked = wq.And(groups, boost=1 + ALL_WORDS_BOOST)
        if near:
            ranked = wq.AndMaybe(ranked, wq.Or(near))

        def excluding(query: wq.Query) -> wq.Query:
            return query if negative is None else wq.AndNot(query, negative)

        return {
            "query": excluding(wq.Or([positive, every, *near])),
            "all_words": excluding(wq.And(groups)),
            "all_words_ranked": excluding(ranked),
        }

    def _proximity(self, typed: list[str]) -> list[wq.Query]:
        """Each pair of adjacent typed words, stop words included ("Stati
        Uniti", "Corea del"), as a near-phrase over the exact body."""
        pairs = []
        for a, b in zip(typed, typed[1:], strict=False):
            forms = self._forms("body_exact", f"{a} {b}")
            if len(forms) == 2 and not set(forms) <= STOPWORDS:
                pairs.append(wq.Phrase("body_exact", forms, slop=PROXIMITY_SLOP,
                                       boost=PROXIMITY_BOOST))
        return pairs


class WordGroup(wq.Or):
    """The expansion of one typed ``word`` (or quoted phrase); ``stop`` if
    only exact fields matched."""

    stop = False
    word = ""


class PatternGroup(wq.Or):
    """The expansion of one typed wildcard or fuzzy ``word``."""

    word = ""


def _question_words(text: str) -> frozenset[str]:
    """Words to ignore if ``text`` reads as a question, else none."""
    words = re.findall(r"\w+", text)
    if text.rstrip().endswith("?") or (
        len(words) >= QUESTION_MIN_WORDS and fold(words[0].lower()) in QUESTION_WORDS
    ):
        return QUESTION_WORDS | QUESTION_NOUNS
    return frozenset()


def _drop_stop_groups(parts: list[wq.Query]) -> list[wq.Query]:
    content = [p for p in parts if not getattr(p, "stop", False)]
    return content or parts


def _word_groups(q: wq.Query) -> list[WordGroup]:
    if isinstance(q, WordGroup):
        return [q]
    if isinstance(q, wq.Or):
        subs = q.subqueries
        if all(isinstance(s, WordGroup) for s in subs):
            return list(subs)
    return []


def _words(q: wq.Query, phrases: bool = True) -> list[str]:
    """The plain typed words of a parsed query, in order."""
    words: list[str] = []
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        if leaf.fieldname != RAW:
            continue
        if isinstance(leaf, wq.Term):
            words.append(leaf.text)
        elif phrases and isinstance(leaf, wq.Phrase):
            words.extend(leaf.words)
    return words
