"""The best-scoring matches of a query, scored with numpy instead of matchers.

Whoosh ranks by walking a tree of matchers one posting at a time, which
for a few common words over tens of thousands of articles costs tens of
milliseconds in Python. Here the same BM25F formula, with Whoosh's own
statistics (idf, average and per-document field lengths, boosts), scores
every posting of every term at once from postings read a block at a time:

* terms, OR (sum), AND (sum where all match), AND NOT and AND MAYBE are
  scored exactly, so a query made of those needs no matcher at all;
* a phrase is scored as its words (Whoosh's phrase score is the sum of its
  words' scores), which is an upper bound until its positions are checked
  (``matchset.phrase_docs``). The match set checks every candidate; the
  ranking checks candidates best bound first until no unchecked bound can
  beat the page (the "threshold" method).

The page is the one Whoosh gives when it scores every match, ties in docnum
order (tests hold the two equal).

Anything else (wildcards, ranges, ``*``) is left to Whoosh (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.query import budget
from search.query.matchset import (
    leaf_postings,
    phrase_docs,
    phrase_hits,
    rarest_first,
    weights_at,
)

# A phrase whose rarest words leave at most this many documents has its
# positions checked at once (see Ranker._phrase_bound).
CHECK_AT_ONCE = 256
# Whoosh stores field lengths as one byte; this decodes them all at once.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """A query node this module does not score; Whoosh ranks the query."""


@dataclass
class Scores:
    """Per-document scores of one query node and whether they are final."""

    score: np.ndarray  # float64 per docnum
    match: np.ndarray  # bool per docnum
    exact: bool = True  # False while a phrase's positions are unchecked


def field_lengths(searcher: Searcher, field: str) -> np.ndarray:
    """Every document's length in ``field``, as Whoosh's scorer sees it."""
    chunks = []
    for leaf, _ in searcher.reader().leaf_readers():
        # The segment's length column (whoosh-reloaded 2.7.5's W3 codec).
        column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        size = leaf.doc_count_all()
        if column is None:
            chunks.append(np.ones(size))
        else:
            chunks.append(_LENGTHS[np.fromiter(column, dtype=np.uint8, count=size)])
    return np.concatenate(chunks) if chunks else np.zeros(0)


class Ranker:
    """Scores queries over one searcher; ``lengths(field)`` supplies cached
    field lengths (they only change with the index generation)."""

    def __init__(self, searcher: Searcher, lengths) -> None:
        self.searcher = searcher
        self.lengths = lengths
        self.n = searcher.doc_count_all()
        self._terms: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        # (field, term) -> its postings: a phrase's words are read for its
        # bound and again as words of the query otherwise.
        self._postings: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
        # id() of a Phrase node -> every document that has it (see matches()).
        self._phrase_matches: dict[int, np.ndarray] = {}
        # id() of a Phrase node -> its bound's (scores, candidates).
        self._phrase_bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def matches(self, q: wq.Query) -> np.ndarray | None:
        """The documents ``q`` matches; its phrases are checked in every
        document with all their words, and remembered for ``top``."""
        try:
            scored = self.scores(q)
        except Unsupported:
            return None
        if not scored.exact:
            for phrase in _phrases(q):
                candidates = self._phrase_bound(phrase).match
                self._phrase_matches[id(phrase)] = self._phrase_mask(
                    phrase, np.flatnonzero(candidates))
            scored = self.scores(q)
        return scored.match

    def top(self, q: wq.Query, matched: np.ndarray, limit: int) -> list[tuple[int, float]] | None:
        """(docnum, score) of the ``limit`` best documents of ``matched``,
        best first, ties in index order; None if ``q`` needs Whoosh."""
        try:
            scored = self.scores(q)
        except Unsupported:
            return None
        docs = np.flatnonzero(matched & scored.match)
        bound = scored.score[docs]
        if scored.exact:
            return [(int(d), float(s)) for d, s in _best(docs, bound, limit)]
        return self._checked(q, docs, bound, limit)

    def _checked(self, q, docs, bound, limit) -> list[tuple[int, float]]:
        """Exact scores for the best bounds, until no bound left can win."""
        order = np.lexsort((docs, -bound))
        docs, bound = docs[order], bound[order]
        phrases = [p for p in _phrases(q) if id(p) not in self._phrase_matches]
        found: list[tuple[int, float]] = []
        done, batch = 0, max(2 * limit, 32)
        while done < len(docs):
            budget.check()
            chunk = np.sort(docs[done:done + batch])
            done += len(chunk)
            verified = {id(p): self._phrase_mask(p, chunk) for p in phrases}
            exact = self.scores(q, verified).score
            found += zip(chunk.tolist(), exact[chunk].tolist(), strict=True)
            found.sort(key=lambda pair: (-pair[1], pair[0]))
            if len(found) >= limit and (done == len(docs) or found[limit - 1][1] > bound[done]):
                break
            batch *= 2
        return found[:limit]

    def _phrase_mask(self, phrase: wq.Phrase, docnums: np.ndarray) -> np.ndarray:
        found = phrase_docs(self.searcher, phrase.fieldname, phrase.words, phrase.slop, docnums)
        mask = np.zeros(self.n, dtype=bool)
        mask[found] = True
        return mask

    # -- scoring the query tree ------------------------------------------------

    def scores(self, q: wq.Query, verified: dict[int, np.ndarray] | None = None) -> Scores:
        """``q``'s scores; phrases are bounds unless ``verified`` holds,
        by ``id()`` of each phrase, the documents known to contain it."""
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if q is wq.NullQuery:  # a pattern no word of the index fits
            return Scores(np.zeros(self.n), np.zeros(self.n, dtype=bool), True)
        if isinstance(q, wq.Phrase):
            scored = self._phrase_bound(q)
            checked = self._phrase_matches.get(id(q))
            if checked is None and verified is not None:
                checked = verified[id(q)]
            if checked is None:
                scored.exact = False
            else:
                scored.match &= checked
                scored.score[~scored.match] = 0.0
            return scored
        if isinstance(q, wq.Or) and not (q.minmatch or q.scale):
            parts = [self.scores(sub, verified) for sub in q.subqueries]
            match = np.zeros(self.n, dtype=bool)
            score = np.zeros(self.n)
            for part in parts:
                match |= part.match
                score += part.score
            return Scores(score * q.boost, match, all(p.exact for p in parts))
        if isinstance(q, wq.And):
            return _all([self.scores(sub, verified) for sub in q.subqueries], q.boost)
        if isinstance(q, wq.AndNot):
            a, b = self.scores(q.a, verified), self.scores(q.b, verified)
            if not b.exact:
                # b's match is a superset until its phrases are checked:
                # excluding it could drop real matches, so bound without it.
                return Scores(a.score, a.match, False)
            keep = a.match & ~b.match
            return Scores(np.where(keep, a.score, 0.0), keep, a.exact)
        if isinstance(q, wq.AndMaybe):
            a, b = self.scores(q.a, verified), self.scores(q.b, verified)
            return Scores(a.score + np.where(a.match, b.score, 0.0), a.match, a.exact and b.exact)
        raise Unsupported(type(q).__name__)

    def _phrase_bound(self, q: wq.Phrase) -> Scores:
        """A phrase as the sum of its words, in the documents with its
        rarest words (``rarest_first``); the others cannot match it. When
        those are few (a long quote), positions are checked at once and
        the score is exact; else it is a bound until they are checked, its
        words' weights read for those documents only."""
        key = id(q)
        if key not in self._phrase_bounds:
            docs = rarest_first(self.searcher, q.fieldname, q.words,
                                lambda btext: self._read(q.fieldname, btext)[0])
            exact = len(docs) <= CHECK_AT_ONCE
            weights: np.ndarray | None = None
            if exact:
                docs, weights = phrase_hits(self.searcher, q.fieldname, q.words, q.slop, docs)
                self._phrase_matches[key] = _mask(self.n, docs)
            score = np.zeros(self.n)
            field = q.fieldname
            for i, word in enumerate(q.words if len(docs) else ()):
                btext = self.searcher.schema[field].to_bytes(word)
                tf = weights[i] if weights is not None else self._weights_at(field, btext, docs)
                score[docs] += self._bm25(field, btext, docs, tf)
            self._phrase_bounds[key] = (score, _mask(self.n, docs))
        score, match = self._phrase_bounds[key]
        return Scores(score * q.boost, match.copy(), True)

    def _term(self, field: str, text: str, boost: float) -> Scores:
        key = (field, text)
        if key not in self._terms:
            self._terms[key] = self._read_term(field, text)
        score, match = self._terms[key]
        return Scores(score * boost, match.copy())

    def _read_term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        searcher = self.searcher
        score = np.zeros(self.n)
        match = np.zeros(self.n, dtype=bool)
        if field not in searcher.schema:
            return score, match
        schema_field = searcher.schema[field]
        btext = schema_field.to_bytes(text)
        if (field, btext) not in searcher.reader():
            return score, match
        ids, weights = self._read(field, btext)
        match[ids] = True
        score[ids] = self._bm25(field, btext, ids, weights)
        return score, match

    def _read(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings (sorted global docnums, weights), read once."""
        key = (field, btext)
        if key not in self._postings:
            self._postings[key] = leaf_postings(self.searcher, field, btext)
        return self._postings[key]

    def _weights_at(self, field: str, btext: bytes, docs: np.ndarray) -> np.ndarray:
        """A term's weight in each of the sorted ``docs``: from its postings
        when read already, else from only the blocks that hold ``docs`` (a
        common word of a phrase is not read whole)."""
        known = self._postings.get((field, btext))
        if known is None:
            return weights_at(self.searcher, field, btext, docs)
        ids, weights = known
        if not len(ids):
            return np.zeros(len(docs))
        at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        return np.where(ids[at] == docs, weights[at], 0.0)

    def _bm25(self, field: str, btext: bytes, ids: np.ndarray,
              weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F score of a term with ``weights`` in documents ``ids``."""
        searcher = self.searcher
        if not searcher.schema[field].scorable:
            return weights
        # BM25FScorer's statistics, without the block-quality setup its
        # constructor also does (a term lookup per word of a long quote).
        weighting = searcher.weighting
        b = weighting._field_B.get(field, weighting.B)
        k1 = weighting.K1
        idf = searcher.idf(field, btext)
        avgfl = searcher.avg_field_length(field) or 1
        norm = k1 * ((1 - b) + b * self.lengths(field)[ids] / avgfl)
        return np.where(weights > 0, idf * (weights * (k1 + 1)) / (weights + norm), 0.0)


def _mask(n: int, docs: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[docs] = True
    return mask


def _phrases(q: wq.Query) -> list[wq.Phrase]:
    if isinstance(q, wq.Phrase):
        return [q]
    return [p for child in q.children() for p in _phrases(child)]


def _all(parts: list[Scores], boost: float) -> Scores:
    match = np.logical_and.reduce([p.match for p in parts])
    score = np.where(match, sum(p.score for p in parts), 0.0)
    return Scores(score * boost, match, all(p.exact for p in parts))


def _best(docs: np.ndarray, score: np.ndarray, limit: int):
    """The ``limit`` highest scores, ties by docnum: a partial sort."""
    if limit < len(docs):
        keep = np.argpartition(-score, limit - 1)[:limit]
        # Ties at the cut: take every document with the cut score, then sort.
        cut = score[keep].min()
        keep = np.flatnonzero(score >= cut)
        docs, score = docs[keep], score[keep]
    order = np.lexsort((docs, -score))[:limit]
    return zip(docs[order].tolist(), score[order].tolist(), strict=True)
