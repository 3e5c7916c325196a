"""Which articles are copies of each other, and which tell the same event.

Every run groups the whole archive again from each article's cached
features (``features.py``), so stories depend only on the set of articles,
never on the order files were read, on ``--jobs`` or on the runs before.
Candidates come from datasketch's MinHash LSH over content words and
from rare names shared (the same person, shop or street); each candidate
pair is then judged on its own, and the pairs kept are joined strongest
first, a story never growing past ``MAX_STORY`` articles. Nothing is
compared with everything: the cost grows with the archive, not its square.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from search.stories.features import NUM_PERM, SCHEME, SEED, Features

# A copy: most of the shorter text's word 3-shingles are in the longer one.
COPY_CONTAINMENT = 0.55
MIN_SHINGLES = 15  # below this a text is too short to call anything a copy of it
MIN_WORDS = 15  # ... or to tell an event by its words
# Candidates: content-word similarity (estimated) worth a look.
CANDIDATE_LSH = 0.3
# Same event: close vocabulary, and rare names in common.
NAME_DF_MAX = 25  # a name in more articles than this says nothing of one event
MAX_STORY = 40
# Two texts with this many numbers each and fewer than this share of them
# in common are a template filled in twice, not a copy nor one event
# (unless a person ties them).
FEW_NUMBERS = 3
OTHER_NUMBERS = 0.15
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
    """How much of the shorter text's shingles the other holds (estimated)."""
    return float(_contained(_estimate(a.shingles, b.shingles), a.n_shingles, b.n_shingles))


def other_numbers(a: Features, b: Features) -> bool:
    """Whether two texts give different numbers (see ``OTHER_NUMBERS``)."""
    if min(len(a.numbers), len(b.numbers)) < FEW_NUMBERS:
        return False
    x, y = set(a.numbers), set(b.numbers)
    return len(x & y) / len(x | y) < OTHER_NUMBERS


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


def candidates(feats: list[Features]) -> np.ndarray:
    """Pairs worth judging, as rows (i, j), i < j, of positions in
    ``feats``: close content words by LSH (datasketch), or a rare name in
    common. Copies have close words too, so one LSH finds both."""
    n = len(feats)
    lsh = MinHashLSH(threshold=CANDIDATE_LSH, num_perm=NUM_PERM)
    hashes = {i: LeanMinHash(seed=SEED, hashvalues=f.words, scheme=SCHEME)
              for i, f in enumerate(feats) if f.n_words}
    with lsh.insertion_session() as session:
        for i, m in hashes.items():
            session.insert(i, m)
    codes = [np.zeros(0, dtype=np.int64)]
    for i, m in hashes.items():
        found = np.array(lsh.query(m), dtype=np.int64)
        codes.append(i * n + found[found > i])
    for members in names_index(feats).values():
        if 2 <= len(members) <= NAME_DF_MAX:
            m = np.array(members, dtype=np.int64)
            a, b = np.triu_indices(len(m), 1)
            codes.append(m[a] * n + m[b])
    unique = np.unique(np.concatenate(codes))
    return np.stack([unique // n, unique % n], axis=1)


def names_index(feats: list[Features]) -> dict[str, list[int]]:
    """Name -> the positions of the articles naming it, in order."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for name in f.names:
            index[name].append(i)
    return index


def _similarities(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of each pair, a block at a time."""
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), 50_000):
        i, j = pairs[start:start + 50_000].T
        out[start:start + len(i)] = (signatures[i] == signatures[j]).mean(axis=1)
    return out


def related_pairs(items: Mapping[str, Features]) -> list[Pair]:
    """Every pair judged a copy or the same event, strongest first. The
    signatures of all candidates are compared at once (numpy); names only
    for the pairs whose words are close enough to matter."""
    keys = sorted(items)
    feats = [items[k] for k in keys]
    if len(feats) < 2:
        return []
    pairs = candidates(feats)
    i, j = pairs.T
    n_shingles = np.array([f.n_shingles for f in feats])
    n_words = np.array([f.n_words for f in feats])
    shingles = _similarities(np.stack([f.shingles for f in feats]), pairs)
    words = _similarities(np.stack([f.words for f in feats]), pairs)
    contained = _contained(shingles, n_shingles[i], n_shingles[j])
    copy = (np.minimum(n_shingles[i], n_shingles[j]) >= MIN_SHINGLES) & (
        contained >= COPY_CONTAINMENT)
    for k in np.flatnonzero(copy):
        copy[k] = not other_numbers(feats[i[k]], feats[j[k]])
    found = [Pair(keys[a], keys[b], "copy", round(1.0 + float(c), 6))
             for a, b, c in zip(i[copy], j[copy], contained[copy], strict=True)]
    maybe = ~copy & (np.minimum(n_words[i], n_words[j]) >= MIN_WORDS) & (words >= 0.2)
    rare = {n: len(m) for n, m in names_index(feats).items() if 2 <= len(m) <= NAME_DF_MAX}
    total = len(feats)
    for a, b, w in zip(i[maybe], j[maybe], words[maybe], strict=True):
        score = same_event(feats[a], feats[b], float(w), rare, total)
        if score is not None:
            found.append(Pair(keys[a], keys[b], "same_event", round(score, 6)))
    found.sort(key=lambda p: (p.relation != "copy", -p.score, p.a, p.b))
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


def group(items: Mapping[str, Features]) -> Grouping:
    """The stories of an archive from its articles' features."""
    parent = {key: key for key in items}
    size = dict.fromkeys(items, 1)
    copy_parent = dict(parent)

    def root(table: dict[str, str], key: str) -> str:
        while table[key] != key:
            table[key] = table[table[key]]
            key = table[key]
        return key

    for pair in related_pairs(items):
        ra, rb = root(parent, pair.a), root(parent, pair.b)
        if ra != rb:
            if size[ra] + size[rb] > MAX_STORY:
                continue
            parent[ra] = rb
            size[rb] += size[ra]
        if pair.relation == "copy":
            copy_parent[root(copy_parent, pair.a)] = root(copy_parent, pair.b)
    members: dict[str, list[str]] = defaultdict(list)
    for key in items:
        members[root(parent, key)].append(key)
    days = {key: f.day for key, f in items.items()}
    stories: dict[str, list[tuple[str, int]]] = {}
    for group_members in members.values():
        if len(group_members) < 2:
            continue
        numbers: dict[str, int] = {}  # copy groups, numbered within the story
        entries = [(m, numbers.setdefault(root(copy_parent, m), len(numbers)))
                   for m in sorted(group_members)]
        stories[story_id(group_members, days)] = entries
    return Grouping(dict(sorted(stories.items())))
