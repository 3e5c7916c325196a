"""Which articles are copies of each other, and which tell the same event.

Candidates come from the stored LSH bands over content words and from
rare names shared (the same person, shop or street, ``archive.py``); each
candidate pair is judged on its own (``judge``), and the pairs kept, the
edges, are joined strongest first, a story never growing past
``MAX_STORY`` articles (``group``). Nothing is compared with everything:
the cost grows with the archive, not its square.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from search.stories.features import Features, stem_hashes

# A copy: most of the shorter text's word 3-shingles are in the longer one;
COPY_CONTAINMENT = 0.55
# or a shortened or extended version: most of the shorter text's content
# words, in its order, are in the other, with many of its shingles kept;
SHORTER_IN_ORDER = 0.65
SHORTER_SHINGLES = 0.4
# or a version with no passage of its own: the shorter text, with this much
# of its shingles in the other, has no run of OWN_RUN content words (about
# a sentence) outside the words the two tell in one order. A text that
# adds a fact (a later hearing, another victim) adds a sentence for it; a
# shortened or reworded version only drops or swaps words within each.
SHORTER_SHINGLES_NOTHING_OWN = 0.35
OWN_RUN = 12
# or a note rewritten sentence by sentence, nothing added: two texts of
# about the same length telling their content words largely in one order.
RETOLD_IN_ORDER = 0.4
RETOLD_LENGTH = 0.9
RETOLD_WORDS = 0.3  # content-word similarity below which no rewrite is looked for
# The content words' containment (estimated) below which no copy is looked for.
COPY_WORDS = 0.4
# Whatever its shingles share, a text telling this many content words, and
# more than this share of its own, outside the other's order is a text in
# its own right (a follow-up, another report), not a copy of the other.
OWN_WORDS = 100
OWN_SHARE = 0.5
# ... unless this much of its shingles is in the other: then whatever is
# out of order is the other's paragraphs moved about (nor is it worth ordering).
OWN_CONTAINED = 0.8
MIN_SHINGLES = 15  # below this a text is too short to call anything a copy of it
MIN_WORDS = 15  # ... or to tell an event by its words
# Same event: close vocabulary, and rare names in common.
NAME_DF_MAX = 25  # a name in more articles than this says nothing of one event
MAX_STORY = 40
# Two texts with this many numbers each and fewer than this share of them
# in common are a template filled in twice, not a copy nor one event
# (unless a person ties them).
FEW_NUMBERS = 3
OTHER_NUMBERS = 0.15
# A copy keeps the figures of the shorter text: two texts giving this many
# numbers each, under this share of the fewer in common, are a bulletin or
# notice filled in again (other days, other counts), whatever their words.
MANY_NUMBERS = 6
KEPT_NUMBERS = 0.5
# The ages a text gives ("33enne"), as its content words' hashes: a copy
# keeps the ages of the people it names, a template filled in for others
# does not.
_AGES = np.unique(stem_hashes([f"{n}enne" for n in range(1, 110)]))
YEAR = 365


@dataclass(frozen=True)
class Pair:
    """Two articles (``a`` < ``b``) and how they are related."""

    a: str
    b: str
    relation: str  # "copy" | "same_event"
    score: float


def _estimate(x: np.ndarray, y: np.ndarray) -> float:
    """The Jaccard similarity of two sets from their MinHash values."""
    return float(np.count_nonzero(x == y)) / len(x)


def _contained(jaccard, n_a, n_b):
    """How much of the smaller of two sets is in the other, from their
    Jaccard similarity and sizes (numbers or arrays)."""
    small = np.maximum(np.minimum(n_a, n_b), 1)
    return np.minimum(1.0, jaccard * (n_a + n_b) / (1 + jaccard) / small)


def containment(a: Features, b: Features) -> float:
    """How much of the shorter text's shingles the other holds."""
    shared = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    return shared / max(1, min(len(a.shingles), len(b.shingles)))


def in_order(a: Features, b: Features) -> int:
    """How many content words two texts tell in the same order (difflib's
    matching blocks, a close lower bound of their longest common run)."""
    matcher = difflib.SequenceMatcher(None, a.stems.tolist(), b.stems.tolist(), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def own_run(a: Features, b: Features) -> int:
    """The longest run of the shorter text's content words outside those the
    two tell in one order: its longest passage of its own. The shorter text
    goes first to difflib, so the answer does not hang on the pair's order."""
    short, long = sorted((a.stems, b.stems), key=len)
    matcher = difflib.SequenceMatcher(None, short.tolist(), long.tolist(), autojunk=False)
    blocks = matcher.get_matching_blocks()  # ascending; the last is (len(short), len(long), 0)
    ends = [0] + [block.a + block.size for block in blocks]
    return max(block.a - end for block, end in zip(blocks, ends, strict=False))


def copy_score(a: Features, b: Features, words: float) -> float | None:
    """The shingle containment of two texts if one is a copy of the other
    (``copied``), None otherwise; ``words`` is their content-word
    similarity. Texts giving other ages or other figures are never copies
    (``_AGES``, ``MANY_NUMBERS``)."""
    if (min(len(a.shingles), len(b.shingles)) < MIN_SHINGLES or other_numbers(a, b)
            or other_figures(a, b)):
        return None
    contained = copied(a, b, words)
    return None if contained is None or other_ages(a, b) else contained


def copied(a: Features, b: Features, words: float) -> float | None:
    """The shingle containment of two texts if one of the copy tests (see
    ``COPY_CONTAINMENT`` and below it) holds, None otherwise. A text with
    much of its own (``OWN_WORDS``) is no copy, however much the two share."""
    contained = containment(a, b)
    short, long = sorted((len(a.stems), len(b.stems)))
    if contained >= OWN_CONTAINED or (contained >= COPY_CONTAINMENT and short < OWN_WORDS):
        return contained  # no text of its own
    retold = short >= RETOLD_LENGTH * long and words >= RETOLD_WORDS
    if contained < SHORTER_SHINGLES_NOTHING_OWN and not retold:
        return None
    common = in_order(a, b)
    if short - common >= max(OWN_WORDS, OWN_SHARE * short):
        return None
    if (contained >= COPY_CONTAINMENT
            or (contained >= SHORTER_SHINGLES and common >= SHORTER_IN_ORDER * short)
            or (retold and common >= RETOLD_IN_ORDER * long)
            or (contained >= SHORTER_SHINGLES_NOTHING_OWN and own_run(a, b) < OWN_RUN)):
        return contained
    return None


def other_numbers(a: Features, b: Features) -> bool:
    """Whether two texts give different numbers (see ``OTHER_NUMBERS``)."""
    if min(len(a.numbers), len(b.numbers)) < FEW_NUMBERS:
        return False
    x, y = set(a.numbers), set(b.numbers)
    return len(x & y) / len(x | y) < OTHER_NUMBERS


def other_figures(a: Features, b: Features) -> bool:
    """Whether two texts rich in numbers share too few of them to be copies
    (see ``MANY_NUMBERS``)."""
    x, y = set(a.numbers), set(b.numbers)
    fewer = min(len(x), len(y))
    return fewer >= MANY_NUMBERS and len(x & y) < KEPT_NUMBERS * fewer


def other_ages(a: Features, b: Features) -> bool:
    """Whether two texts give ages and none in common (see ``_AGES``)."""
    x, y = (np.intersect1d(f.stems, _AGES) for f in (a, b))
    return bool(len(x) and len(y)) and not len(np.intersect1d(x, y))


def same_event(a: Features, b: Features, words: float, rare: Mapping[str, int],
               total: int) -> float | None:
    """The strength of two texts' tie to one event, None if too weak:
    ``words`` is their content-word similarity, ``rare`` the article count
    of each name rare enough to tell an event."""
    shared = [n for n in set(a.names) & set(b.names) if n in rare]
    persons = [p for p in set(a.persons) & set(b.persons) if p in rare]
    if not persons and ((a.day and b.day and abs(a.day - b.day) > 2 * YEAR)
                        or other_numbers(a, b)):
        return None
    if (words >= 0.5 or (persons and words >= 0.2) or (len(shared) >= 2 and words >= 0.25)
            or (shared and words >= 0.35)):
        weight = sum(math.log(total / rare[n]) for n in shared) / max(1.0, math.log(total))
        return words + 0.1 * weight
    return None


def _similarities(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair, a block at a time."""
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), 50_000):
        i, j = pairs[start:start + 50_000].T
        out[start:start + len(i)] = (signatures[i] == signatures[j]).mean(axis=1)
    return out


def _close(signatures: np.ndarray, n_words: np.ndarray,
           pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The content-word similarity of each of ``pairs`` (rows of
    ``signatures``), and whether its words are close enough to make it
    maybe a copy, maybe the same event."""
    i, j = pairs.T
    words = _similarities(signatures, pairs)
    maybe_copy = _contained(words, n_words[i], n_words[j]) >= COPY_WORDS
    maybe_event = (np.minimum(n_words[i], n_words[j]) >= MIN_WORDS) & (words >= 0.2)
    return words, maybe_copy, maybe_event


def worth_judging(signatures: np.ndarray, n_words: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Which of the candidate ``pairs`` (rows of ``signatures``) ``judge``
    can find related: the others are left out before their features are
    read."""
    _, maybe_copy, maybe_event = _close(signatures, n_words, pairs)
    return maybe_copy | maybe_event


def judge(pairs: list[tuple[str, str]], feats: Mapping[str, Features],
          rare: Mapping[str, int], total: int) -> list[Pair]:
    """The candidate ``pairs`` (of keys of ``feats``) judged a copy or the
    same event; ``rare`` gives the article count of each name rare enough
    to tell an event, ``total`` the archive's size. The content-word
    signatures of all pairs are compared at once (numpy); the texts only
    for the pairs whose words are close enough to matter."""
    if not pairs:
        return []
    keys = sorted(feats)
    position = {k: n for n, k in enumerate(keys)}
    order = [feats[k] for k in keys]
    index = np.array([(position[x], position[y]) for x, y in pairs], dtype=np.int64)
    words, maybe_copy, maybe_event = _close(np.stack([f.words for f in order]),
                                            np.array([f.n_words for f in order]), index)
    found = []
    for k in np.flatnonzero(maybe_copy | maybe_event):
        (x, y), w = pairs[k], float(words[k])
        copied = copy_score(feats[x], feats[y], w) if maybe_copy[k] else None
        if copied is not None:
            found.append(Pair(x, y, "copy", round(1.0 + copied, 6)))
        elif maybe_event[k] and (score := same_event(feats[x], feats[y], w, rare,
                                                     total)) is not None:
            found.append(Pair(x, y, "same_event", round(score, 6)))
    return found


@dataclass
class Grouping:
    """Stories of two articles or more: story id -> [(article id, copy group)];
    articles of one copy group are copies of each other."""

    stories: dict[str, list[tuple[str, int]]]


def story_id(members: Iterable[str], days: Mapping[str, int]) -> str:
    """A story is named after its first article (by date, then id), so it
    keeps its name as later articles join it."""
    first = min(members, key=lambda m: (days.get(m) or 10**8, m))
    return hashlib.sha1(first.encode()).hexdigest()[:12]


def group(articles: Mapping[str, str], edges: Iterable[tuple[str, str, str, float]],
          days: Mapping[str, int]) -> Grouping:
    """The stories of the archive ``articles`` (id -> content hash) from
    the ``edges`` between content hashes, strongest first, and the day of
    each hash. Articles of one text are copies of each other."""
    ids_of: dict[str, list[str]] = defaultdict(list)
    for doc_id, digest in sorted(articles.items()):
        ids_of[digest].append(doc_id)
    parent = {key: key for key in articles}
    size = dict.fromkeys(articles, 1)
    copy_parent = dict(parent)

    def root(table: dict[str, str], key: str) -> str:
        while table[key] != key:
            table[key] = table[table[key]]
            key = table[key]
        return key

    def join(a: str, b: str, copy: bool) -> None:
        ra, rb = root(parent, a), root(parent, b)
        if ra != rb:
            if size[ra] + size[rb] > MAX_STORY:
                return
            parent[ra] = rb
            size[rb] += size[ra]
        if copy:
            copy_parent[root(copy_parent, a)] = root(copy_parent, b)

    for same in ids_of.values():
        for other in same[1:]:
            join(other, same[0], True)
    for a, b, relation, _ in edges:
        if a in ids_of and b in ids_of:
            join(ids_of[a][0], ids_of[b][0], relation == "copy")
    members: dict[str, list[str]] = defaultdict(list)
    for key in articles:
        members[root(parent, key)].append(key)
    day = {key: days.get(digest, 0) for key, digest in articles.items()}
    stories: dict[str, list[tuple[str, int]]] = {}
    for group_members in members.values():
        if len(group_members) < 2:
            continue
        numbers: dict[str, int] = {}  # copy groups, numbered within the story
        entries = [(m, numbers.setdefault(root(copy_parent, m), len(numbers)))
                   for m in sorted(group_members)]
        stories[story_id(group_members, day)] = entries
    return Grouping(dict(sorted(stories.items())))
