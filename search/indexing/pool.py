"""Whoosh's posting pool, its postings kept by term.

Whoosh's ``PostingPool`` holds a segment's postings as one list of
(field, term, docnum, weight, value) tuples and sorts the whole list at
commit: a million tuple comparisons for 3,000 articles, then the codec
groups them by term again. ``TermPool`` files each posting under its term
as it comes, so a commit sorts the terms only and hands the codec each
term's postings together (``codec.SortedTerms``). Past its memory limit it
writes a sorted run, as Whoosh's pool does, and merges the runs the same
way; the segment written is the same, byte for byte.
"""

from __future__ import annotations

from typing import Any

from whoosh.writing import PostingPool

from search.codec import SortedTerms

# Memory held per posting and per term, as Whoosh's pool estimates a
# posting's (28 + 20 + 21 + 26 + 18 + 16 + 21 bytes plus the field, twice
# the term and the value): the pool spills a run past ``limitmb``.
POSTING_BYTES = 170
TERM_BYTES = 250


class TermPool(PostingPool):
    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        # (field, term) -> its postings as (docnum, weight, value)
        self._terms: dict[tuple[str, bytes], list[tuple]] = {}

    def add(self, item: tuple) -> None:
        key = item[0], item[1]
        held = self._terms.get(key)
        if held is None:
            self._terms[key] = [item[2:]]
            self.fieldnames.add(item[0])
            self.currentsize += TERM_BYTES + POSTING_BYTES
        else:
            held.append(item[2:])  # (docnum, weight, value): sorted by docnum
            self.currentsize += POSTING_BYTES
        if self.currentsize > self.limit:
            self.save()

    def save(self) -> None:
        self.current = list(SortedTerms(self._terms))
        self._terms = {}
        super().save()

    def items(self, maxfiles: int = 128) -> Any:
        if not self.runs:
            return SortedTerms(self._terms)
        return super().items(maxfiles)  # saves what is held as the last run


def use_term_pool(writer: Any) -> None:
    """Give a Whoosh segment writer a ``TermPool`` before its first posting."""
    pool = writer.pool
    if isinstance(pool, TermPool):
        return
    assert not pool.current and not pool.runs, "the writer has postings already"
    writer.pool = TermPool(pool.tempstore, pool.segment, limitmb=pool.limit // (1024 * 1024))
