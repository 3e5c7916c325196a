"""A second pass over the best matches: typed words found in one sentence.

BM25F scores each word wherever it is in an article. A reader asking
"Quando è iniziata la crisi petrolifera del 1973?" wants the article where
"crisi", "petrolifera" and "1973" are in one sentence, not spread over the
text. So the first ``DEPTH`` matches are rescored with a bonus for their
best sentence (the title counts as one): the share of the query's weight
(each word's idf) that the sentence holds, times the best first-pass
score and ``WEIGHT``. Words are found with the snippet matcher, so every
form a word matches counts ("nucleari" in "nucleare").
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from itertools import accumulate

from whoosh.searching import Searcher

from search.query.explain import Found

# A document's stored fields and where the query's words are in it.
Read = Callable[[int], tuple[dict, Found]]

DEPTH = 50
WEIGHT = 0.5
MIN_WORDS = 2
# A sentence ends at . ! ? ; or a line break followed by space.
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


def word_weights(searcher: Searcher, keys: dict[str, str]) -> dict[str, float]:
    """Each typed word's weight: the highest idf of its terms in the body."""
    weights: dict[str, float] = {}
    for key, word in keys.items():
        field = "body" if key.startswith("s:") else "body_exact"
        weights[word] = max(weights.get(word, 0.0), searcher.idf(field, key[2:]))
    return weights


def best_sentence(text: str, found: Found, keys: dict[str, str],
                  weights: dict[str, float]) -> float:
    """The largest sum of word weights that one sentence (or the title) holds."""
    best = sum(weights[w] for w in {keys[m.key] for m in found.in_title})
    words: set[str] = set()
    before = None
    for m in found.in_body:
        # A sentence ends between two matches: only the text between them
        # is searched, not the whole article.
        if before is not None and _SENTENCE_END.search(text, before, m.start):
            best = max(best, sum(weights[w] for w in words))
            words.clear()
        words.add(keys[m.key])
        before = m.start
    return max(best, sum(weights[w] for w in words))


def rerank(searcher: Searcher, ranked: list[tuple[int, float]],
           keys: dict[str, str], read: Read,
           wanted: int | None = None) -> list[tuple[int, float]]:
    """``ranked`` (docnum, score), best first, with its first ``DEPTH``
    rescored by their best sentence; unchanged for a one-word query.
    ``read`` gives each document's text and matches (kept for the page).

    With ``wanted``, only the first ``wanted`` are returned, and a match
    is not read once the ``wanted``-th best rescored so far is above its
    score plus the largest bonus any sentence could give: the page of a
    two-word query reads fewer of the articles with only one word."""
    weights = word_weights(searcher, keys)
    total = sum(weights.values())
    if len(weights) < MIN_WORDS or not ranked or total <= 0:
        return ranked
    head, tail = ranked[:DEPTH], ranked[DEPTH:]
    bonus = WEIGHT * head[0][1] / total
    # The most a sentence can add (it holds at most every word), with a
    # margin for the rounding of a sum of weights taken in another order.
    most = max(bonus * total, 0.0) * (1 + 1e-9) + 1e-12
    # The best first-pass score from each position on (not assuming the
    # order of ``head``).
    rest = list(accumulate(reversed([score for _, score in head]), max))[::-1]
    best: list[float] = []  # a min-heap of the ``wanted`` best rescored
    rescored = []
    for at, (docnum, score) in enumerate(head):
        if best and len(best) == wanted and best[0] > rest[at] + most:
            break
        fields, found = read(docnum)
        held = best_sentence(fields.get("body", ""), found, keys, weights)
        rescored.append((docnum, score + bonus * held))
        if wanted:
            (heapq.heappush if len(best) < wanted else heapq.heappushpop)(best, rescored[-1][1])
    rescored.sort(key=lambda pair: (-pair[1], pair[0]))
    if len(rescored) < len(head):
        return rescored[:wanted]
    return rescored + tail
