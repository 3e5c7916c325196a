"""Which documents a query matches, as a numpy mask, without scoring.

Counts and facets need every match, not the best ten. Whoosh finds them by
walking its matcher tree one posting at a time; here term postings are read
a block at a time and combined with numpy (Or = union, And = intersection,
AndNot = difference). Query types with positions or expansions (phrases,
wildcards, ranges) fall back to Whoosh's own ``docs_for_query``.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher


def _term_ids(searcher: Searcher, field: str, text: str) -> np.ndarray:
    chunks = []
    for leaf, offset in searcher.reader().leaf_readers():
        try:
            matcher = leaf.postings(field, text)
        except TermNotFound:
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child  # deletions are applied by the live mask
        chunks.append(_block_ids(matcher) + offset)
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def _block_ids(matcher) -> np.ndarray:
    """All ids of one leaf matcher, a block at a time (whoosh-reloaded 2.7.5's
    W3LeafMatcher; anything else goes posting by posting)."""
    if not hasattr(matcher, "_read_ids"):
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        blocks.append(np.asarray(matcher._ids, dtype=np.int64))
        matcher._next_block()
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


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
        mask[_term_ids(searcher, q.fieldname, q.text)] = True
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
