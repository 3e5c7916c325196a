"""Turn what a person types into a Whoosh query over Cerca's fields.

Whoosh parses the syntax (phrases, -excluded, OR, prefixes, *, ~) over one
plain field, so each word keeps its identity; every word is then expanded
over the stemmed and exact forms of title and body. On top of that:

* stop words only count when the query has nothing else ("più");
* the result set is the articles with every word (``match``: words typed
  side by side are an AND, ``OR`` and ``-word`` keep their meaning); the
  articles with only some of them are a second set (``some``), ranked
  below it (see pipeline.py);
* a quoted word or phrase, and a word the archive knows as a name
  (names.py), match their exact forms only, never a stem;
* a field prefix (``titolo:furto``) analyses the word as its field does;
* articles with every word rank first (a heavily boosted AND);
* words that occur close together rank higher (bigram phrases with slop).

A query the parser cannot make sense of falls back to its plain words.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT, Schema
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    PlusMinusPlugin,
    QueryParser,
)
from whoosh.qparser.common import QueryParserError

from search.analysis import STOPWORDS, WORD_PATTERN, exact_analyzer, fold, stemming_analyzer
from search.models import MAX_QUOTED_QUERY_CHARS
from search.query import nesting
from search.query.conflation import Vocabulary, related
from search.query.names import is_name
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


# Patterns expand over the vocabulary (see expansion.py): they need a
# literal start, an edit distance Lucene would accept, and a few per query.
MIN_PATTERN_START = 2
MAX_EDITS = 2
MAX_PATTERNS = 4
_PHRASE = re.compile(r'"[^"]*"?')
_PATTERN = re.compile(
    r"(?<![^\s(])(?P<field>\w+:)?"
    r"(?P<word>[^\s\"()~:]*[*?][^\s\"()~]*|[^\s\"()~:*?]+~(?P<edits>\d*)(?P<rest>/\d+)?)"
)


def bound_patterns(text: str) -> tuple[str, list[str]]:
    """``text`` with its wildcard and fuzzy terms made affordable, and a
    note in Italian for each change: a pattern without two literal letters
    first becomes a plain word, edit distances are capped at 2, and past
    ``MAX_PATTERNS`` patterns the rest are plain words."""
    notices: list[str] = []
    count = 0

    def police(m: re.Match) -> str:
        nonlocal count
        word, field_prefix = m.group("word"), m.group("field") or ""
        fuzzy = "~" in word
        plain = re.sub(r"[*?]|~.*$", "", word)
        count += 1
        if count > MAX_PATTERNS:
            _note(notices, f"Al massimo {MAX_PATTERNS} parole con * ? o ~ per ricerca: "
                           "le altre sono cercate come parole intere.")
            return field_prefix + plain
        if fuzzy:
            edits = int(m.group("edits") or 1)
            if edits > MAX_EDITS:
                _note(notices, f"«{word}»: al massimo {MAX_EDITS} lettere di differenza.")
                return f"{field_prefix}{plain}~{MAX_EDITS}{m.group('rest') or ''}"
            return m.group(0)
        start = re.split(r"[*?]", word, maxsplit=1)[0]
        if len(start) < MIN_PATTERN_START:
            _note(notices, f"«{word}»: * e ? vanno dopo almeno {MIN_PATTERN_START} lettere; "
                           "cercato come parola intera.")
            return field_prefix + plain
        return m.group(0)

    parts, last = [], 0
    for quoted in _PHRASE.finditer(text):  # inside quotes * and ? are not operators
        parts.append(_PATTERN.sub(police, text[last:quoted.start()]))
        parts.append(quoted.group())
        last = quoted.end()
    parts.append(_PATTERN.sub(police, text[last:]))
    return "".join(parts).strip(), notices


_RANGE = re.compile(r"\S*[\[{][^\]}]*[\]}]")


def _fallback_notice(text: str, exc: Exception) -> str:
    """What the user is told when a query falls back to its plain words."""
    if isinstance(exc, Unsupported):
        span = _RANGE.search(text)
        shown = span.group() if span else text
        return (f"«{shown[:60]}»: gli intervalli non si cercano, cercate le sole parole; "
                "per le date usa i filtri Dal e Al (date_from, date_to).")
    return f"«{text[:60]}»: sintassi non valida, cercate le sole parole."


def _note(notices: list[str], text: str) -> None:
    if text not in notices:
        notices.append(text)


class Unsupported(Exception):
    """Query syntax Cerca does not search by (field ranges, for one)."""


# What parsing typed text can raise: Whoosh's own error, and the
# NotImplementedError and IndexError its syntax tree raises for some stray
# operators ("a -)", "NOT NOT a"); a query that raises one falls back to its
# plain words.
PARSER_ERRORS = (QueryParserError, NotImplementedError, IndexError, Unsupported)
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


@dataclass
class ParsedQuery:
    """A Whoosh query plus the plain words it was made of (for suggestions)."""

    query: wq.Query
    words: list[str]
    fallback: bool = False
    # The result set: the articles with every word (an OR typed as ``OR``
    # keeps its meaning), without the ranking extras: cheaper to run over
    # the whole collection for counts and facets.
    match: wq.Query | None = None
    # The articles with any of the words (``query``'s documents), when that
    # differs from ``match``: those not in ``match`` follow it, apart.
    some: wq.Query | None = None
    # When several words are typed: the documents with all of them, and the
    # ranking of ``query`` restricted to those (see ``all_words_first``).
    all_words: wq.Query | None = None
    all_words_ranked: wq.Query | None = None
    # What was changed in the query to keep it bounded, for the user.
    notices: list[str] = dataclasses.field(default_factory=list)

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
        self._parser = QueryParser(RAW, _parse_schema(), group=AndGroup)
        self._parser.add_plugin(FieldAliasPlugin(aliases))
        self._parser.add_plugin(FuzzyTermPlugin())
        self._parser.add_plugin(PlusMinusPlugin(minusexpr=_MINUS))
        self._plain = QueryParser(RAW, _parse_schema(), group=AndGroup, plugins=[])

    def build(self, text: str, vocabulary: Vocabulary | None = None) -> ParsedQuery:
        """The query for ``text``; with the index's ``vocabulary`` (its
        reader), each word also matches the forms Snowball splits from it
        (see conflation.py)."""
        text = text.strip()[:MAX_QUOTED_QUERY_CHARS]
        ignore = _question_words(text)
        text = _QUESTION_MARK.sub(" ", text).strip()
        text, notices = bound_patterns(text)
        if not text:
            return ParsedQuery(wq.Every(), [], notices=notices)
        if nesting.too_deep(text):
            result = self._fallback(text, ignore, vocabulary)
            result.notices = [*notices, nesting.NOTICE]
            return result
        quoted = self._quoted(text)
        try:
            parsed = self._parser.parse(text)
            built = self._expand(parsed, bool(_OR_WORD.search(text)), ignore, vocabulary, quoted)
        except PARSER_ERRORS as exc:
            built = None
            _note(notices, _fallback_notice(text, exc))
        result = self._fallback(text, ignore, vocabulary) if built is None else ParsedQuery(
            words=_words(parsed), **built)
        result.notices = notices
        return result

    def _quoted(self, text: str) -> frozenset[tuple[str, ...]]:
        """The words of each quoted part of ``text``, as the parser reads them."""
        raw = self._parser.schema[RAW].analyzer
        return frozenset(tuple(t.text for t in raw(m.group().strip('"')))
                         for m in _PHRASE.finditer(text))

    def _fallback(self, text: str, ignore: frozenset[str],
                  vocabulary: Vocabulary | None) -> ParsedQuery:
        # The operators typed ("NOT NOT a") are syntax, not words to require.
        words = [w for w in re.findall(r"\w+(?:['’]\w+)?", text) if w not in _OPERATORS]
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
                vocabulary: Vocabulary | None,
                quoted: frozenset[tuple[str, ...]] = frozenset()) -> dict | None:
        """ParsedQuery's query fields, or None if nothing is left."""
        built = self._rewrite(q, ignore, vocabulary, quoted)
        if built is None:
            return None
        positive = q.a if isinstance(q, wq.AndNot) else q
        typed = [w for w in _words(positive, phrases=False) if fold(w) not in ignore]
        every = _strict(built)
        loose = _loose(built)
        some = None if loose == every else loose
        return {"match": every, "some": some, **self._rank_boosts(loose, explicit_or, typed)}

    def _rewrite(self, q: wq.Query, ignore: frozenset[str],
                 vocabulary: Vocabulary | None = None,
                 quoted: frozenset[tuple[str, ...]] = frozenset()) -> wq.Query | None:
        """Replace every leaf on the raw field by its multi-field expansion,
        and every word after ``titolo:`` or ``testo:`` by its field's forms."""
        if isinstance(q, (wq.Term, wq.Phrase)) and q.fieldname in (RAW, *STEMMED):
            words = [q.text] if isinstance(q, wq.Term) else q.words
            fields = FIELD_BOOSTS if q.fieldname == RAW else (q.fieldname, q.fieldname + "_exact")
            if tuple(words) in quoted:
                return self._phrase(words, ignore, getattr(q, "slop", 1), q.boost,
                                    fields, exact_only=True)
            if isinstance(q, wq.Term) and q.fieldname == RAW:
                return self._word(q.text, ignore, q.boost, vocabulary)
            return self._phrase(words, ignore, getattr(q, "slop", 1), q.boost, fields)
        if isinstance(q, wq.Term) and q.fieldname == "source" and vocabulary is not None:
            return _source(q, vocabulary)
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)) and q.fieldname == RAW:
            return self._pattern(q)
        if isinstance(q, (wq.And, wq.Or, wq.DisjunctionMax)):
            parts = [self._rewrite(sub, ignore, vocabulary, quoted) for sub in q.subqueries]
            parts = _drop_stop_groups([p for p in parts if p is not None])
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else q.__class__(parts, boost=q.boost)
        if isinstance(q, (wq.AndNot, wq.AndMaybe)):
            a = self._rewrite(q.a, ignore, vocabulary, quoted)
            b = self._rewrite(q.b, ignore, vocabulary, quoted)
            if a is None:
                return None
            return a if b is None else q.__class__(a, b)
        if isinstance(q, wq.Not):
            inner = self._rewrite(q.query, ignore, vocabulary, quoted)
            return None if inner is None else wq.Not(inner)
        if q is wq.NullQuery:
            return None
        if isinstance(q, wq.Every):
            return wq.Every()  # "*": every article, whatever its fields
        if isinstance(q, (wq.Term, wq.Phrase, wq.Prefix, wq.Wildcard)):
            return q  # a field prefix: persona:, luogo:, fonte:
        raise Unsupported(type(q).__name__)  # ranges and the like: plain words

    def _forms(self, field: str, text: str) -> list[str]:
        return [t.text for t in self._analyzers[field](text)]

    def _word(self, text: str, ignore: frozenset[str], boost: float = 1.0,
              vocabulary: Vocabulary | None = None) -> WordGroup | None:
        name = vocabulary is not None and is_name(text, vocabulary)
        group = self._phrase([text], ignore, 1, boost, exact_only=name)
        if group is None or vocabulary is None or name:
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
        self, words: list[str], ignore: frozenset[str], slop: int, boost: float,
        fields: Iterable[str] = FIELD_BOOSTS, exact_only: bool = False,
    ) -> WordGroup | None:
        """One typed word or quoted phrase over ``fields``, in each field's
        forms; ``exact_only``: never in a stemmed field (quotes, names).

        A phrase with stop words ("nella casa") keeps only its exact clauses:
        the stemmed fields have no stop words, so their form of it ("cas")
        would match every article with the word.
        """
        text = " ".join(words)
        exact_count = len(self._forms("body_exact", text))
        clauses: list[wq.Query] = []
        content = False
        for field in fields:
            weight = FIELD_BOOSTS[field]
            forms = self._forms(field, text)
            if field in STEMMED:
                content = content or bool(forms)
                if exact_only or (len(forms) < exact_count and exact_count > 1):
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
                    wq.FuzzyTerm(field, text, boost=boost, maxdist=min(q.maxdist, MAX_EDITS),
                                 prefixlength=max(q.prefixlength, 1))
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


@functools.cache
def _builder() -> TextQueryBuilder:
    return TextQueryBuilder()


def parse_query(text: str, vocabulary: Vocabulary | None = None) -> ParsedQuery:
    """``text`` as a query, through one shared builder (building is
    thread-safe: the parser keeps no state between calls); with the
    index's ``vocabulary``, each word also matches its related forms."""
    return _builder().build(text, vocabulary)


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


def _source(q: wq.Term, vocabulary: Vocabulary) -> wq.Query:
    """``fonte:ansa``: the sources of this index with that name, whatever
    their case and accents (a source is stored as its feed writes it)."""
    lexicon = getattr(vocabulary, "lexicon", None)
    if lexicon is None:
        return q
    typed = fold(q.text.casefold())
    found = [wq.Term("source", s, boost=q.boost) for s in
             (t.decode("utf-8") if isinstance(t, bytes) else t for t in lexicon("source"))
             if fold(s.casefold()) == typed]
    if not found:
        return q
    return found[0] if len(found) == 1 else wq.Or(found)


def _strict(q: wq.Query) -> wq.Query:
    """The result set: ``+word`` and the words beside it all required."""
    if isinstance(q, (WordGroup, PatternGroup)):
        return q
    if isinstance(q, wq.AndMaybe):
        return wq.And([_strict(q.a), _strict(q.b)])
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_strict(q.a), q.b)
    if isinstance(q, (wq.And, wq.Or)):
        return q.__class__([_strict(s) for s in q.subqueries], boost=q.boost)
    return q


def _loose(q: wq.Query) -> wq.Query:
    """Any of the words (the ranking's documents): words typed side by side
    become alternatives; ``+word``, ``-word`` and ``NOT`` still bind."""
    if isinstance(q, (WordGroup, PatternGroup)):
        return q
    if isinstance(q, wq.And):
        negated = [s.query for s in q.subqueries if isinstance(s, wq.Not)]
        kept = [_loose(s) for s in q.subqueries if not isinstance(s, wq.Not)]
        flat: list[wq.Query] = []
        for s in kept:  # a flat OR of word groups, so that every word ranks first
            flat += s.subqueries if type(s) is wq.Or else [s]
        if not flat:
            return q
        either = flat[0] if len(flat) == 1 else wq.Or(flat, boost=q.boost)
        if not negated:
            return either
        return wq.AndNot(either, negated[0] if len(negated) == 1 else wq.Or(negated))
    if isinstance(q, wq.Or):
        return wq.Or([_loose(s) for s in q.subqueries], boost=q.boost)
    if isinstance(q, wq.AndMaybe):
        return wq.AndMaybe(_loose(q.a), _loose(q.b))
    if isinstance(q, wq.AndNot):
        return wq.AndNot(_loose(q.a), q.b)
    return q


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
