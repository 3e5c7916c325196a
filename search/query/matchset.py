"""Which documents a query matches, as a numpy mask, without scoring.

Counts and facets need every match, not the best ten. Whoosh finds them by
walking its matcher tree one posting at a time; here term postings are read
a block at a time and combined with numpy (Or = union, And = intersection,
AndNot = difference); a phrase checks positions only in the documents
that have all its words. Query types with expansions (wildcards, ranges)
fall back to Whoosh's own ``docs_for_query``.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE

from search.query import budget

# rarest_first reads a word's postings while they are at most this many
# times the documents still in the running.
RAREST_READ_RATIO = 8


def leaf_postings(
    searcher: Searcher, field: str, text: str | bytes, weights: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Global docnums of one term's postings and, if asked, their weights."""
    ids, values = [], []
    for leaf, offset in searcher.reader().leaf_readers():
        try:
            matcher = leaf.postings(field, text)
        except TermNotFound:
            continue
        for block_ids, block_weights in _blocks(_raw(matcher), weights):
            ids.append(block_ids + offset)
            values.append(block_weights)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(ids), np.concatenate(values)


def _blocks(matcher, weights: bool):
    """(ids, weights) a block at a time from whoosh-reloaded 2.7.5's
    W3LeafMatcher; anything else goes posting by posting."""
    if not hasattr(matcher, "_read_ids"):
        ids, values = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            values.append(matcher.weight())
            matcher.next()
        yield np.array(ids, dtype=np.int64), np.array(values, dtype=np.float64)
        return
    while matcher.is_active():
        block = _block_ids(matcher)
        yield block, _block_weights(matcher) if weights else np.zeros(0)
        matcher._next_block()


def _block_ids(matcher) -> np.ndarray:
    """The current block's docnums, decoded with numpy: W3 undoes their
    delta coding with a Python generator, one number at a time."""
    if matcher._ids is not None or matcher._byteids:
        if matcher._ids is None:
            matcher._read_ids()
        return np.asarray(matcher._ids, dtype=np.int64)
    if matcher._data is None:
        matcher._read_data()
    deltas = matcher._data[0]
    return np.fromiter(itertools.accumulate(deltas), dtype=np.int64, count=len(deltas))


def _block_weights(matcher) -> np.ndarray:
    """The current block's weights, as W3's ``_read_weights`` reads them:
    none stored is 1.0 each, one number is every posting's."""
    if matcher._weights is not None:
        return np.asarray(matcher._weights, dtype=np.float64)
    if matcher._data is None:
        matcher._read_data()
    stored = matcher._data[1]
    if stored is None or isinstance(stored, float):
        return np.full(matcher._blocklength, 1.0 if stored is None else stored)
    return np.fromiter(stored, dtype=np.float64, count=len(stored))


def phrase_docs(
    searcher: Searcher, field: str, words: list[str], slop: int, docnums: np.ndarray
) -> np.ndarray:
    """Those of the sorted ``docnums`` with ``words`` in order, each at most
    ``slop`` positions after the one before (Whoosh's Phrase and SpanNear2
    rule). Positions are read only for those documents, a posting block at
    a time, instead of walking every document with all the words as
    Whoosh's span matchers do."""
    return phrase_hits(searcher, field, words, slop, docnums)[0]


def phrase_hits(
    searcher: Searcher, field: str, words: list[str], slop: int, docnums: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``phrase_docs``, and each word's frequency in each document found
    (rows: ``words``; columns: the documents), counted from the positions
    read anyway: scoring the phrase needs no second pass over postings.

    Words are read in the phrase's order, and a document leaves as soon as
    its words stop following one another: past the first few words of a
    long quote only the documents that have it are left, so the postings
    of the rest are read in one block each."""
    found: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for leaf, offset in searcher.reader().leaf_readers():
        budget.check()
        local = docnums[(docnums >= offset) & (docnums < offset + leaf.doc_count_all())] - offset
        ends: dict[int, set[int]] = {}
        frequencies: dict[int, list[int]] = {int(d): [] for d in local.tolist()}
        try:
            for i, word in enumerate(words):
                if not frequencies:
                    break
                budget.check()
                alive = np.fromiter(frequencies, dtype=np.int64, count=len(frequencies))
                encoded = _positions(_raw(leaf.postings(field, word)), np.sort(alive))
                for d in list(frequencies):
                    positions = _decode(encoded[d]) if d in encoded else []
                    if i == 0:
                        following = set(positions)
                    else:
                        before = ends[d]
                        following = {p for p in positions
                                     if any(p - k in before for k in range(1, slop + 1))}
                    if following:
                        ends[d] = following
                        frequencies[d].append(len(positions))
                    else:
                        del frequencies[d]
        except TermNotFound:
            continue
        hits = sorted(frequencies)
        found.append(np.asarray(hits, dtype=np.int64) + offset)
        counts.append(np.asarray([frequencies[d] for d in hits],
                                 dtype=np.float64).reshape(len(hits), len(words)))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros((len(words), 0))
    return np.concatenate(found), np.concatenate(counts).T


def _positions(matcher, docs: np.ndarray) -> dict[int, bytes]:
    """The encoded positions of a term in each of the sorted ``docs`` that
    has it; blocks without any of them are skipped unread."""
    return _at(matcher, docs, weights=False)


def _at(matcher, docs: np.ndarray, weights: bool) -> dict:
    """Per document of the sorted ``docs`` that has the term: its weight,
    or its encoded positions; blocks without any of them are skipped."""
    if not hasattr(matcher, "_read_ids"):
        found = {}
        for docnum in docs.tolist():
            if matcher.is_active():
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found[docnum] = matcher.weight() if weights else matcher.value()
        return found
    found = {}
    low = 0
    while matcher.is_active():
        high = int(np.searchsorted(docs, matcher._maxid, side="right"))
        if high > low:
            ids = _block_ids(matcher)
            wanted = docs[low:high]
            at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
            present = ids[at] == wanted
            if present.any():
                if weights:
                    if matcher._weights is None:
                        matcher._read_weights()
                    values = matcher._weights
                else:
                    if matcher._values is None:
                        matcher._read_values()
                    values = matcher._values
                found.update(zip(wanted[present].tolist(),
                                 (values[i] for i in at[present].tolist()), strict=True))
            low = high
        if low == len(docs):
            break
        matcher._next_block()
    return found


def weights_at(searcher: Searcher, field: str, text: str | bytes,
               docnums: np.ndarray) -> np.ndarray:
    """A term's weight (frequency) in each of the sorted global ``docnums``,
    0 where it is absent, reading only the posting blocks that hold them."""
    out = np.zeros(len(docnums))
    for leaf, offset in searcher.reader().leaf_readers():
        inside = (docnums >= offset) & (docnums < offset + leaf.doc_count_all())
        if not inside.any():
            continue
        try:
            found = _at(_raw(leaf.postings(field, text)), docnums[inside] - offset, weights=True)
        except TermNotFound:
            continue
        local = (docnums[inside] - offset).tolist()
        out[np.flatnonzero(inside)] = [found.get(d, 0.0) for d in local]
    return out


def rarest_first(searcher: Searcher, field: str, words: list[str],
                 read: Callable[[bytes], np.ndarray] | None = None) -> np.ndarray:
    """Sorted global docnums with the rarest of ``words``: a superset of
    a phrase's matches, read from the rarest postings first, stopping once
    the next word's postings would cost more than checking positions in
    the documents left (a long pasted quote needs a handful of its words,
    not the postings of every "di" and "che" in it). ``read``: a term's
    docnums when the caller has them already (the ranker)."""
    if field not in searcher.schema or not searcher.doc_count_all():
        return np.zeros(0, dtype=np.int64)  # (idf is undefined with no documents)
    reader = searcher.reader()
    to_bytes = searcher.schema[field].to_bytes
    # Rarest first by idf, which the searcher caches for the scorers.
    idf = {w: searcher.idf(field, to_bytes(w)) for w in set(words)}
    docs: np.ndarray | None = None
    for word in sorted(idf, key=lambda w: (-idf[w], w)):
        if docs is not None and (reader.doc_frequency(field, to_bytes(word))
                                 > RAREST_READ_RATIO * max(len(docs), 1)):
            break
        btext = to_bytes(word)
        ids = np.unique(read(btext) if read is not None
                        else leaf_postings(searcher, field, btext, weights=False)[0])
        docs = ids if docs is None else np.intersect1d(docs, ids, assume_unique=True)
        if not len(docs):
            break
    return docs if docs is not None else np.zeros(0, dtype=np.int64)


def _decode(value: bytes) -> list[int]:
    """Whoosh's Positions.decode_positions: a count, then pickled deltas."""
    if not value.endswith(b"."):
        value += b"."
    return list(itertools.accumulate(pickle.loads(value[_INT_SIZE:])))


def _raw(matcher):
    # Deletions are applied by the live mask.
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def live_mask(searcher: Searcher) -> np.ndarray:
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    for leaf, offset in searcher.reader().leaf_readers():
        mask[offset:offset + leaf.doc_count_all()] = True
        deleted = list(leaf.deleted_docs_set) if hasattr(leaf, "deleted_docs_set") else []
        if deleted:
            mask[np.asarray(deleted, dtype=np.int64) + offset] = False
    return mask


def match_mask(searcher: Searcher, q: wq.Query, live: np.ndarray) -> np.ndarray:
    """A boolean mask over docnums of the live documents ``q`` matches."""
    return _eval(searcher, q, live.shape[0]) & live


def _eval(searcher: Searcher, q: wq.Query, n: int) -> np.ndarray:
    if isinstance(q, wq.Term):
        mask = np.zeros(n, dtype=bool)
        mask[leaf_postings(searcher, q.fieldname, q.text, weights=False)[0]] = True
        return mask
    if isinstance(q, wq.Phrase):
        candidates = rarest_first(searcher, q.fieldname, q.words)
        mask = np.zeros(n, dtype=bool)
        mask[phrase_docs(searcher, q.fieldname, q.words, q.slop, candidates)] = True
        return mask
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        mask = np.zeros(n, dtype=bool)
        for sub in q.subqueries:
            mask |= _eval(searcher, sub, n)
        return mask
    if isinstance(q, wq.And):
        mask = np.ones(n, dtype=bool)
        for sub in q.subqueries:
            mask &= _eval(searcher, sub, n)
        return mask
    if isinstance(q, wq.AndNot):
        return _eval(searcher, q.a, n) & ~_eval(searcher, q.b, n)
    if isinstance(q, wq.AndMaybe):
        return _eval(searcher, q.a, n)
    if isinstance(q, wq.Not):
        return ~_eval(searcher, q.query, n)
    if isinstance(q, wq.Every):
        return np.ones(n, dtype=bool)
    if q is wq.NullQuery:
        return np.zeros(n, dtype=bool)
    mask = np.zeros(n, dtype=bool)
    mask[np.fromiter(searcher.docs_for_query(q), dtype=np.int64)] = True
    return mask
