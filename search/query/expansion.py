"""Wildcard and fuzzy terms, expanded within bounds.

Whoosh expands ``a*`` or ``a~5`` over the whole vocabulary of a field,
which took tens of seconds on a 10k-article index and could keep a server
worker busy long after its client gave up. Here the parser already refuses
what cannot be bounded (a pattern without a literal start, edit distances
past 2; see ``parse.py``), and each pattern left is replaced, against the
index being searched, by an OR of at most ``MAX_EXPANSIONS`` of its words:
the most frequent ones. The result is plain terms, which the numpy ranking
scores and the snippets mark like any typed word.
"""

from __future__ import annotations

import fnmatch
import heapq
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract
from whoosh import query as wq
from whoosh.reading import IndexReader

from search.query import budget

# Lucene's default for fuzzy terms is 50, Elasticsearch's prefix phrases 50:
# past 100 words a pattern says little more, and each word costs a read.
MAX_EXPANSIONS = 100
PATTERNS = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)


@dataclass
class Expansion:
    """A query with its patterns expanded, and notes for the user."""

    query: wq.Query
    notices: list[str] = field(default_factory=list)


class Expander:
    """Expands the patterns of several queries over one reader; a pattern
    shared by them (the parsed query's parts share nodes) expands once."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.notices: list[str] = []
        self._done: dict[int, wq.Query] = {}

    def expand(self, q: wq.Query) -> wq.Query:
        if isinstance(q, PATTERNS):
            if id(q) not in self._done:
                self._done[id(q)] = self._terms(q)
            return self._done[id(q)]
        expanded = q.apply(self.expand)
        for name in ("word", "stop"):  # what parse.py notes on a typed word's group
            if name in vars(q):
                setattr(expanded, name, getattr(q, name))
        return expanded

    def _terms(self, q: wq.Query) -> wq.Query:
        found = self._candidates(q)
        words = list(found)
        if len(words) > MAX_EXPANSIONS:
            note = (f"«{_typed(q)}» corrisponde a {len(words)} parole: "
                    f"cercate le {MAX_EXPANSIONS} più frequenti.")
            if note not in self.notices:
                self.notices.append(note)
            words = heapq.nlargest(MAX_EXPANSIONS, words, key=found.__getitem__)
        if not words:
            return wq.NullQuery
        return wq.Or([wq.Term(q.fieldname, w, boost=q.boost) for w in sorted(words)])

    def _candidates(self, q: wq.Query) -> dict[str, int]:
        """The words ``q`` stands for, with their document frequencies."""
        if isinstance(q, wq.FuzzyTerm):
            return self._near(q)
        text = q.text
        start = re.split(r"[*?]", text, maxsplit=1)[0]
        pattern = re.compile(fnmatch.translate(text)) if isinstance(q, wq.Wildcard) else None
        return {word: n for word, n in self._prefixed(q.fieldname, start).items()
                if pattern is None or pattern.match(word)}

    def _near(self, q: wq.FuzzyTerm) -> dict[str, int]:
        """Words within ``maxdist`` edits that share the first
        ``prefixlength`` letters: a C scorer over words of a near length."""
        text, limit = q.text, q.maxdist
        near = {word: n for word, n in self._prefixed(q.fieldname, text[:q.prefixlength]).items()
                if abs(len(word) - len(text)) <= limit}
        found = extract(text, list(near), scorer=Levenshtein.distance, score_cutoff=limit,
                        limit=None)
        return {word: near[word] for word, _, _ in found}

    def _prefixed(self, field: str, start: str) -> dict[str, int]:
        """Every word of ``field`` starting with ``start``, with its document
        frequency, read segment by segment: one pass over each segment's
        terms (the merged reader would look each term up in every one)."""
        words: dict[str, int] = {}
        for leaf, _ in self.reader.leaf_readers():
            for i, (btext, info) in enumerate(leaf.iter_prefix(field, start)):
                if i % 2048 == 0:
                    budget.check()
                word = btext.decode("utf-8")
                words[word] = words.get(word, 0) + info.doc_frequency()
        return words


def _typed(q: wq.Query) -> str:
    if isinstance(q, wq.FuzzyTerm):
        return f"{q.text}~{q.maxdist}"
    return q.text + ("*" if isinstance(q, wq.Prefix) else "")
